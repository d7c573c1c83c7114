"""Summaries for bench/gpu.sh: a training run's per-step profile, and a prediction's time, projected to the full job.

  python bench/gpu_summary.py header                          the table's header
  python bench/gpu_summary.py steps RUN/fold0/steps.csv NAME   one table row for a training setting
  python bench/gpu_summary.py predict LOG --wall S [--pred DIR]  one line for a prediction run
  python bench/gpu_summary.py config RUN                       what the run's config.json says it trained with
  python bench/gpu_summary.py selftest                         checks the numbers on a hand-made steps.csv
Standard library only, so it runs on any machine. steps.csv (written by `fathomnbs-train --profile true`): one row per
training step, `epoch,iter,bs,data_s,step_s[,mem_gib]`; data_s = seconds waiting for the batch, step_s = forward,
backward and optimizer step (CUDA-synchronised), mem_gib = torch.cuda.max_memory_allocated()/2**30 at the step's end.
"""
from __future__ import annotations
import csv, json, math, re, sys, tempfile
from pathlib import Path
from statistics import median

WARMUP = 2              # first steps left out (cuDNN autotuning, allocator growth, worker start-up)
N_TRAIN = 23700*4/5     # training ROIs per fold: 5 folds over the ~23,700 labelled ROIs
FOLDS,EPOCHS = 5,50     # the 2nd place's schedule
VALID = 1.15            # + ~15% of an epoch for validation
TEST_ROIS = 788         # ROIs of the official test set

def read_steps(path)->list[dict]:
    "steps.csv as dicts of floats, in file order"
    with open(path, newline='') as f: return [{k:float(v) for k,v in r.items() if v not in ('', None)} for r in csv.DictReader(f)]

def summarise(rows:list[dict], warmup:int=WARMUP)->dict|None:
    "Median step and data wait, ROIs/s (each with all its views), data-wait share, peak memory and the projected full training; None if too few steps"
    r = rows[warmup:]
    if not r: return None
    step,data = median(o['step_s'] for o in r),median(o['data_s'] for o in r)
    bs = median(o['bs'] for o in r)
    mem = [o['mem_gib'] for o in rows if 'mem_gib' in o]
    # steps.csv with `period_s` (CUDA events: one step's start to the next's on the device's clock) gives the cycle
    # directly; older files: the step plus the data wait, both timed on the host
    per = [o['period_s'] for o in r if 'period_s' in o and o['period_s']==o['period_s']]
    cycle = median(per) if per else step+data
    epoch_s = N_TRAIN/bs*cycle*VALID
    wait = data/cycle if per else sum(o['data_s'] for o in r)/sum(o['data_s']+o['step_s'] for o in r)
    return dict(n=len(r), bs=bs, step_ms=1000*step, data_ms=1000*data, pairs_s=bs/cycle if per else bs/step, wait=wait,
                mem_gib=max(mem) if mem else None, epoch_min=epoch_s/60, total_h=FOLDS*EPOCHS*epoch_s/3600)

HEADER = ("| setting | steps timed | median step ms | median data wait ms | ROIs/s | data-wait share | peak GiB | epoch min | "
          f"{FOLDS} folds x {EPOCHS} epochs h |\n|---|---|---|---|---|---|---|---|---|")

def row(name:str, s:dict|None, why:str='')->str:
    "One markdown table row"
    if s is None: return f"| {name} | {why or 'no steps after warm-up'} | | | | | | | |"
    mem = 'n/a' if s['mem_gib'] is None else f"{s['mem_gib']:.1f}"
    return (f"| {name} | {s['n']} | {s['step_ms']:.0f} | {s['data_ms']:.0f} | {s['pairs_s']:.0f} | {100*s['wait']:.1f}% | {mem} | "
            f"{s['epoch_min']:.1f} | {s['total_h']:.1f} |")

def steps_row(path, name:str)->str:
    p = Path(path)
    if not p.exists(): return row(name, None, f"no {p.name} (see its log)")
    try: return row(name, summarise(read_steps(p)))
    except (KeyError, ValueError) as e: return row(name, None, f"unreadable {p.name} ({e})")

PRED_RE = re.compile(r'predicted (\d+) annotations in ([\d.]+) ?s\b')

def predict_line(log, wall:float|None=None, pred=None)->str:
    "Seconds per ROI from the command's `predicted N annotations in T s` line (else its wall time), projected to the test set"
    text = Path(log).read_text(errors='replace') if Path(log).exists() else ''
    m = PRED_RE.findall(text)
    if m: n,t,how = int(m[-1][0]),float(m[-1][1]),"as the command reports it"
    else:
        sub = Path(pred)/'submission.csv' if pred else None
        if sub and sub.exists(): n = sum(1 for _ in open(sub))-1
        elif (o := re.findall(r'^(\d+) annotations of', text, re.M)): n = int(o[-1])
        else: return "predict: no result (see its log)"
        if wall is None: return f"predict: {n} annotations; no time reported"
        t,how = wall,"whole command incl. start-up and model loading: no 'predicted N annotations in T s' line"
    proj = t/n*TEST_ROIS*FOLDS
    return (f"predict (1 fold, 2 views): {n} ROIs in {t:.1f} s ({1000*t/n:.0f} ms/ROI; {how}); "
            f"projected {TEST_ROIS} test ROIs x {FOLDS} folds x 2 views: {proj:.0f} s ({proj/60:.1f} min)")

def config_line(run, keys=('mixed_precision', 'channels_last', 'bs', 'compile', 'num_workers', 'epochs', 'pretrained'))->str:
    "The settings a run recorded, to check that the command line took effect"
    f = Path(run)/'config.json'
    if not f.exists(): return f"{Path(run).name}: no config.json"
    d = json.loads(f.read_text())
    d = d.get("config", d)  # format 2 nests the config; the first format was flat
    return f"{Path(run).name}: " + ', '.join(f"{k}={d.get(k, '(absent)')}" for k in keys)

def selftest():
    "The numbers on a hand-made steps.csv, worked out by hand"
    with tempfile.TemporaryDirectory() as d:
        f = Path(d)/'steps.csv'
        f.write_text("epoch,iter,bs,data_s,step_s,mem_gib\n"
                     "0,0,32,2.0,5.0,10.0\n0,1,32,0.5,1.0,11.0\n"  # warm-up: left out, but its memory counts
                     "0,2,32,0.01,0.20,11.5\n0,3,32,0.03,0.25,11.5\n0,4,32,0.02,0.22,11.6\n0,5,32,0.04,0.30,11.6\n")
        s = summarise(read_steps(f))
        # steps after warm-up 0.20 0.22 0.25 0.30: median (0.22+0.25)/2 = 0.235 s; data 0.01..0.04: median 0.025 s
        close = lambda a,b: math.isclose(a, b, rel_tol=1e-9)
        assert s['n']==4 and s['bs']==32
        assert close(s['step_ms'], 235) and close(s['data_ms'], 25), s
        assert close(s['pairs_s'], 32/0.235)                   # 136.2
        assert close(s['wait'], 0.10/1.07)                     # 0.10 waiting of 1.07 s: 9.3%
        assert s['mem_gib']==11.6
        # 18,960 ROIs / 32 = 592.5 steps x 0.26 s x 1.15 = 177.1575 s per epoch; x 250 = 44,289 s = 12.30 h
        assert close(s['epoch_min'], 177.1575/60) and close(s['total_h'], 177.1575*250/3600), s
        r = steps_row(f, 'bf16 cl')
        assert r=="| bf16 cl | 4 | 235 | 25 | 136 | 9.3% | 11.6 | 3.0 | 12.3 |", r
        f.write_text("epoch,iter,bs,data_s,step_s\n0,0,16,1,1\n0,1,16,1,1\n0,2,16,0.1,0.4\n")  # no mem_gib column
        s = summarise(read_steps(f))
        assert s['mem_gib'] is None and close(s['wait'], 0.2) and close(s['pairs_s'], 40), s
        assert "| n/a |" in steps_row(f, 'x')
        f.write_text("epoch,iter,bs,data_s,step_s\n0,0,16,1,1\n")
        assert "no steps after warm-up" in steps_row(f, 'x')
        # CUDA-event timing (period_s: one step's start to the next's): the cycle is the median period, 0.125 s
        f.write_text("epoch,iter,bs,data_s,step_s,period_s,host_s,mem_gib\n0,0,128,1,1,2,1,40\n0,1,128,1,1,2,1,40\n"
                     "0,2,128,0.01,0.10,0.12,0.09,41\n0,3,128,0.02,0.11,0.13,0.1,41\n0,4,128,0.01,0.10,nan,0.09,41\n")
        s = summarise(read_steps(f))
        assert close(s['pairs_s'], 128/0.125) and close(s['wait'], 0.01/0.125), s  # 1024 pairs/s, 8% waiting
        assert "no missing.csv" in steps_row(Path(d)/'missing.csv', 'x')
        log = Path(d)/'predict.log'
        log.write_text("noise\npredicted 97 annotations in 12.5 s\n97 annotations of 40 frames -> x\n")
        l = predict_line(log, wall=30.)  # 12.5/97 x 788 x 5 = 49,250/97 = 507.7 s
        assert "97 ROIs in 12.5 s (129 ms/ROI; as the command reports it)" in l and "508 s (8.5 min)" in l, l
        log.write_text("97 annotations of 40 frames -> x\n")
        l = predict_line(log, wall=30.)  # 30/97 x 3940 = 1218.6 s
        assert "97 ROIs in 30.0 s" in l and "whole command" in l and "1219 s (20.3 min)" in l, l
        assert predict_line(Path(d)/'none.log', wall=3.).startswith("predict: no result")
    print("selftest: ok")

def main(argv):
    if not argv or argv[0] in ('-h', '--help'): print(__doc__); return 0
    cmd,rest = argv[0],argv[1:]
    if cmd=='header': print(HEADER)
    elif cmd=='steps': print(steps_row(rest[0], ' '.join(rest[1:]) or Path(rest[0]).parent.parent.name))
    elif cmd=='predict':
        wall = float(rest[rest.index('--wall')+1]) if '--wall' in rest else None
        pred = rest[rest.index('--pred')+1] if '--pred' in rest else None
        print(predict_line(rest[0], wall, pred))
    elif cmd=='config': print(config_line(rest[0]))
    elif cmd=='selftest': selftest()
    else: print(f"unknown command {cmd!r}\n{__doc__}", file=sys.stderr); return 2
    return 0

if __name__=='__main__': sys.exit(main(sys.argv[1:]))
