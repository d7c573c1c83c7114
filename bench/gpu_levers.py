"""The training step's levers on a GPU, side by side in one process: each as a ratio to today's step, in one run.

Run on the GPU machine from the repository root:  python bench/gpu_levers.py [--deadline 330] [--variants today,new,compile]
Rehearsal on a CPU:  python bench/gpu_levers.py --allow-cpu --roi-size 32 --frame-size 32 \\
                       --archs tf_efficientnet_lite0,tf_efficientnet_lite0 --steps 2 --warmup 1
Synthetic device tensors made once (ROI 224 through V2-M, frame 384 through V2-S, pretrained=False), HierLoss, bf16
autocast (fp32 on a CPU), no data loading. Each variant is a fresh copy of the model and a fresh optimizer, warmed up, then --steps steps
timed with one synchronize at the end. "today": fastai's Adam (one parameter at a time), the step's host syncs emulated
(loss.item(), bool(isfinite(loss)), a small tensor made on the device and two small copies to it, each step), cuDNN
autotuning off, no channels-last, batch 32, drop_path_rate 0.2 (the preset's). "new": the new defaults (torch's fused AdamW, no syncs,
cudnn.benchmark, channels-last, batch 128, drop_path_rate 0.2); the other rows change one lever of "new" at a time, then
batch 32/64/256, torch.compile and CUDA graphs (compile mode 'reduce-overhead').
Per row: ms/step, ROI pairs/s, ratios to "today" and "new", peak memory, and the projected hours of 5 folds x 50 epochs
over 23,700 ROIs (4/5 trained per fold, x1.15 for validation). The first variant and each new best are profiled
(torch.profiler, CPU+CUDA, a few steps): GPU-busy share = CUDA kernel time / wall time, < 0.8 "host-bound".
Rows go to --out (default $OUT/gpu_levers.txt, else bench/gpu_levers.txt) as they are measured; a variant that would
overrun --deadline is skipped, one that fails (out of memory) is recorded and the run goes on.
"""
import time; T0 = time.perf_counter()  # the deadline counts from the start, imports included
import argparse, copy, datetime, gc, os, platform, signal, sys, warnings
from pathlib import Path
warnings.filterwarnings('ignore')
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import torch, timm
from fathomnbs.model import StreamNet
from fathomnbs.loss import HierLoss
from fathomnbs.step import fused_adamw, adamw, compile_model

TODAY = dict(opt='fastai', syncs=True, bench=False, cl=False, bs=32, dp=0.2, compile=None)  # drop_path_rate as the preset
NEW = dict(opt='fused', syncs=False, bench=True, cl=True, bs=128, dp=0.2, compile=None)
VARIANTS = {  # name: (what differs, settings)
    'today': ("fastai Adam, syncs, no benchmark, no channels-last, bs 32, drop_path_rate 0.2", TODAY),
    'new': ("fused AdamW, no syncs, benchmark, channels-last, bs 128, drop_path_rate 0.2", NEW),
    'fastai_opt': ("new, fastai Adam", {**NEW, 'opt':'fastai'}),
    'syncs': ("new, with the host syncs", {**NEW, 'syncs':True}),
    'no_benchmark': ("new, cudnn.benchmark off", {**NEW, 'bench':False}),
    'drop_path0': ("new, drop_path_rate 0", {**NEW, 'dp':0.}),
    'no_channels_last': ("new, no channels-last", {**NEW, 'cl':False}),
    'bs32': ("new, bs 32", {**NEW, 'bs':32}),
    'bs64': ("new, bs 64", {**NEW, 'bs':64}),
    'bs256': ("new, bs 256", {**NEW, 'bs':256}),
    'compile': ("new, torch.compile", {**NEW, 'compile':True}),
    'cudagraphs': ("new, compile 'reduce-overhead' (CUDA graphs)", {**NEW, 'compile':'reduce-overhead'}),
}
N_TRAIN,FOLDS,EPOCHS,VALID = 23700*0.8,5,50,1.15
COMPILE_S = 60     # compile time assumed before a compile variant has been measured
PROFILE_STEPS = 3

p = argparse.ArgumentParser()
p.add_argument('--deadline', type=float, default=330, help='seconds for the whole run')
p.add_argument('--steps', type=int, default=20, help='timed steps per variant')
p.add_argument('--warmup', type=int, default=5, help='untimed steps first (3 more when compiled)')
p.add_argument('--roi-size', type=int, default=224)
p.add_argument('--frame-size', type=int, default=384)
p.add_argument('--archs', default='tf_efficientnetv2_m,tf_efficientnetv2_s', help='timm names: ROI stream, frame stream')
p.add_argument('--variants', default=','.join(VARIANTS), help='comma-separated, of: ' + ' '.join(VARIANTS))
p.add_argument('--out', default=None, help='default $OUT/gpu_levers.txt if OUT is set, else bench/gpu_levers.txt')
p.add_argument('--allow-cpu', action='store_true', help='run without CUDA (a rehearsal at tiny sizes)')
a = p.parse_args()
names = a.variants.split(',')
if bad := [n for n in names if n not in VARIANTS]: sys.exit(f"unknown variants {bad}; known: {' '.join(VARIANTS)}")
cuda = torch.cuda.is_available()
if not cuda and not a.allow_cpu: sys.exit("no CUDA GPU here: this benchmark is for a GPU machine (--allow-cpu rehearses it on the CPU)")
dev = torch.device('cuda' if cuda else 'cpu')
archs = tuple(a.archs.split(','))
out = Path(a.out or (Path(os.environ['OUT'])/'gpu_levers.txt' if os.environ.get('OUT') else ROOT/'bench'/'gpu_levers.txt'))
out.parent.mkdir(parents=True, exist_ok=True); out.write_text('')

def emit(line=''):
    "Print a line and append it to the output file at once, so a timeout keeps what was done"
    print(line, flush=True)
    with open(out, 'a') as f: f.write(line + '\n'); f.flush()

def sync():
    if cuda: torch.cuda.synchronize()

gpu = f"{torch.cuda.get_device_name()}, {torch.cuda.get_device_properties(0).total_memory/2**30:.0f} GiB" if cuda else f"no CUDA: CPU {platform.machine()}, {torch.get_num_threads()} torch threads"
emit(f"# fathomnbs GPU levers, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
emit(f"device: {gpu}; {os.cpu_count()} CPU cores")
emit(f"python {platform.python_version()}, torch {torch.__version__} (CUDA {torch.version.cuda}), timm {timm.__version__}")
emit(f"{archs[0]} on the ROI at {a.roi_size} px, {archs[1]} on the frame at {a.frame_size} px, pretrained=False, 79 classes, "
     f"HierLoss, {'bf16 autocast' if cuda else 'fp32 (bf16 autocast on a CPU is ~5x slower)'}; {a.warmup} warm-up steps (+3 compiled), {a.steps} timed; deadline {a.deadline:.0f} s")
emit(f"today = {VARIANTS['today'][0]}; new = {VARIANTS['new'][0]}")
emit("projection: 5 folds x 50 epochs x (23,700 x 4/5 ROIs / pairs/s) x 1.15 for validation")

bs_max = max(VARIANTS[n][1]['bs'] for n in names)
torch.manual_seed(0)
ROI = torch.randn(bs_max, 3, a.roi_size, a.roi_size, device=dev)
FRAME = torch.randn(bs_max, 3, a.frame_size, a.frame_size, device=dev)
Y = torch.randint(0, 79, (bs_max,), device=dev)
HOST = torch.ones(3), torch.arange(8)  # small CPU tensors copied to the device by the emulated syncs
emit(f"peak memory includes the shared synthetic inputs ({(ROI.nbytes+FRAME.nbytes)/2**30:.2f} GiB at batch {bs_max})")
emit()
emit("| variant | bs | ms/step | ROI pairs/s | x today | x new | peak GiB | 5x50 h | GPU busy | what differs |")
emit("|---|---|---|---|---|---|---|---|---|---|")

templates = {}  # drop_path_rate: a model on the CPU to copy, so that every variant starts from the same weights
def fresh_model(dp):
    if dp not in templates:
        torch.manual_seed(0)
        templates[dp] = StreamNet(archs=archs, num_classes=79, pretrained=False, **(dict(drop_path_rate=dp) if dp > 0 else {}))
    return copy.deepcopy(templates[dp])

def gpu_busy(step, n=PROFILE_STEPS, kind=None):
    "CUDA kernel time (union of their intervals) / wall time over `n` profiled steps, and the kernel seconds per step"
    from torch.profiler import profile, ProfilerActivity
    from torch.autograd import DeviceType
    kind = kind or DeviceType.CUDA
    sync()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        t = time.perf_counter()
        for _ in range(n): step()
        sync(); wall = time.perf_counter() - t
    evs = prof.profiler.kineto_results.events()
    spans = sorted((e.start_ns(), e.end_ns()) for e in evs if e.device_type() == kind)
    busy,end = 0,0
    for s,e in spans:
        s = max(s, end)
        if e > s: busy += e - s; end = e
    return busy/1e9/wall, busy/1e9/n

def run(name, c, profile_it):
    "Build, warm up and time variant `name`; a dict of its figures"
    if cuda: torch.cuda.reset_peak_memory_stats()
    t = time.perf_counter()
    torch.backends.cudnn.benchmark = c['bench']
    mf = torch.channels_last if c['cl'] else torch.contiguous_format
    m = fresh_model(c['dp']).to(dev).to(memory_format=mf).train()
    lf = HierLoss(tax=load_taxonomy()).to(dev)
    ps = list(m.parameters())
    opt = fused_adamw(ps, lr=1e-4, wd=1e-4) if c['opt'] == 'fused' else adamw(ps, lr=1e-4, wd=1e-4)
    if c['compile']: compile_model(m, c['compile'])
    bs = c['bs']
    roi,frame,y = ROI[:bs].contiguous(memory_format=mf),FRAME[:bs].contiguous(memory_format=mf),Y[:bs]
    graphs = c['compile'] == 'reduce-overhead' and cuda

    def step():
        if graphs: torch.compiler.cudagraph_mark_step_begin()
        opt.zero_grad()
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=cuda):
            loss = lf(m(roi, frame), y)
        loss.backward()
        opt.step()
        if c['syncs']:  # what the step did on the host each batch
            loss.item(); bool(torch.isfinite(loss))
            torch.tensor([0.5, 0.5, 0.5], device=dev); HOST[0].to(dev); HOST[1].to(dev)

    build = time.perf_counter() - t
    for _ in range(a.warmup + 3*bool(c['compile'])): step()
    sync(); warm = time.perf_counter() - t - build
    t1 = time.perf_counter()
    for _ in range(a.steps): step()
    sync(); st = (time.perf_counter() - t1)/a.steps
    r = dict(name=name, bs=bs, step_s=st, pairs=bs/st, build_s=build, warm_s=warm, compiled=bool(c['compile']),
             mem=torch.cuda.max_memory_allocated()/2**30 if cuda else 0., busy=None)
    if cuda and profile_it(r['pairs']):
        try: r['busy'] = gpu_busy(step)
        except Exception as e: r['busy_err'] = f"profile failed: {type(e).__name__}: {(str(e).strip().splitlines() or [''])[0][:60]}"  # the row is kept
    r['total_s'] = time.perf_counter() - t
    return r

def estimate(c, done)->float:
    "Seconds variant `c` should take, from the variants measured so far (0 with none)"
    if not done: return COMPILE_S if c['compile'] else 0.
    near = min(done, key=lambda r: (abs(r['bs'] - c['bs']), -done.index(r)))  # the latest of the nearest batch size
    per_step = near['step_s']/near['bs']*c['bs']
    build = max(r['build_s'] for r in done)
    comp = max([COMPILE_S] + [r['warm_s'] for r in done if r['compiled']]) if c['compile'] else 0.
    prof = PROFILE_STEPS*per_step + 3 if cuda else 0.  # the profile, if it is the best so far
    return build + comp + per_step*(a.warmup + 3*bool(c['compile']) + a.steps) + prof

class Deadline(Exception): "the deadline passed inside a variant (a compile longer than assumed)"
def _alarm(*_): raise Deadline()
signal.signal(signal.SIGALRM, _alarm)

def timed_out(e)->bool:
    "Whether `e` is the alarm, or wraps it (Inductor re-raises what happens inside a compile as its own error)"
    while e is not None:
        if isinstance(e, Deadline): return True
        e = e.__cause__ or e.__context__
    return False

def cells(*xs): return '| ' + ' | '.join(str(x) for x in xs) + ' |'
def label(share): return 'host-bound' if share < 0.8 else 'kernel-bound'

done,ref = [],{}
for n in names:
    desc,c = VARIANTS[n]
    left = a.deadline - (time.perf_counter() - T0)
    est = estimate(c, done)
    if left <= 0 or est > left:
        why = 'reached' if left <= 0 else f"needs ~{est:.0f} s, {left:.0f} s left"
        emit(cells(n, c['bs'], f"skipped: deadline ({why})", '', '', '', '', '', '', desc)); continue
    best = max([r['pairs'] for r in done], default=0.)
    signal.setitimer(signal.ITIMER_REAL, left)  # stops the variant at the deadline
    try: r = run(n, c, lambda pairs: pairs > best and a.deadline - (time.perf_counter() - T0) > 15)
    except Exception as e:
        if timed_out(e):
            emit(cells(n, c['bs'], f"stopped: deadline (estimated {est:.0f} s, {left:.0f} s were left)", '', '', '', '', '', '', desc))
            continue
        msg = (str(e).strip().splitlines() or [''])[0][:90]
        emit(cells(n, c['bs'], f"failed: {type(e).__name__}: {msg}", '', '', '', '', '', '', desc))
        continue
    finally:  # after the handler: the exception and its frames are gone, so is the variant's memory
        signal.setitimer(signal.ITIMER_REAL, 0)
        if c['compile']: torch._dynamo.reset()  # its graphs (and CUDA graph pools) go with the model
        gc.collect()
        if cuda: torch.cuda.empty_cache()
    done.append(r)
    if n in ('today', 'new'): ref[n] = r['pairs']
    x = lambda k: f"{r['pairs']/ref[k]:.2f}" if k in ref else '-'
    hours = FOLDS*EPOCHS*(N_TRAIN/r['pairs'])*VALID/3600
    busy = f"{r['busy'][0]:.0%} ({label(r['busy'][0])})" if r['busy'] else r.get('busy_err', '')
    note = f"; compile+warm-up {r['warm_s']:.0f} s" if r['compiled'] else ''
    emit(cells(n, r['bs'], f"{1000*r['step_s']:.1f}", f"{r['pairs']:.1f}", x('today'), x('new'), f"{r['mem']:.1f}", f"{hours:.1f}", busy, desc + note))

emit()
if done:
    b = max(done, key=lambda r: r['pairs'])
    emit(f"best: {b['name']}, {b['pairs']:.1f} ROI pairs/s" + (f", {b['pairs']/ref['today']:.2f}x today" if 'today' in ref else ''))
if not cuda: emit("GPU-busy share: skipped on the CPU (no CUDA kernels to profile)")
for r in done:
    if r['busy']:
        share,k = r['busy']
        emit(f"GPU busy, {r['name']}: {share:.0%} of the profiled wall time ({label(share)}); kernels {1000*k:.1f} ms/step "
             f"= {k/r['step_s']:.0%} of the unprofiled {1000*r['step_s']:.1f} ms step ({PROFILE_STEPS} steps, torch.profiler CPU+CUDA)")
emit(f"total: {time.perf_counter() - T0:.0f} s of the {a.deadline:.0f} s deadline")
