"""GPU training step of the second-place preset at real sizes: mixed precision, channels-last.

Run on a GPU machine from the repository root:  python bench/gpu_step.py [--bs 32] [--steps 30]
Synthetic batches (ROI 224, frame 384), the 2nd-place model (V2-M + V2-S, concat, pretrained=False), HierLoss, AdamW.
Prints step time, images/s, peak memory, and the projected time for 5 folds x 50 epochs over 23,700 ROIs.
"""
import argparse, time, torch
from fathomnbs.model import StreamNet
from fathomnbs.loss import HierLoss
from fathomnbs.taxonomy import load_taxonomy

p = argparse.ArgumentParser()
p.add_argument('--bs', type=int, default=32)
p.add_argument('--steps', type=int, default=30)
p.add_argument('--dtype', default='bf16', choices=['bf16', 'fp16', 'fp32'])
p.add_argument('--channels-last', type=int, default=1)
a = p.parse_args()
assert torch.cuda.is_available(), "this benchmark needs a GPU"
dev = 'cuda'; torch.backends.cudnn.benchmark = True
m = StreamNet().to(dev)
mf = torch.channels_last if a.channels_last else torch.contiguous_format
m = m.to(memory_format=mf)
lf = HierLoss(tax=load_taxonomy()).to(dev)
opt = torch.optim.AdamW(m.parameters(), lr=1e-4, weight_decay=1e-4, fused=True)
dt = {'bf16':torch.bfloat16, 'fp16':torch.float16, 'fp32':None}[a.dtype]
scaler = torch.amp.GradScaler(enabled=a.dtype=='fp16')
roi = torch.randn(a.bs, 3, 224, 224, device=dev).to(memory_format=mf)
frame = torch.randn(a.bs, 3, 384, 384, device=dev).to(memory_format=mf)
y = torch.randint(0, 79, (a.bs,), device=dev)
def step():
    with torch.autocast('cuda', dtype=dt, enabled=dt is not None):
        loss = lf(m(roi, frame), y)
    opt.zero_grad(set_to_none=True); scaler.scale(loss).backward(); scaler.step(opt); scaler.update()
for _ in range(5): step()
torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats()
t = time.perf_counter()
for _ in range(a.steps): step()
torch.cuda.synchronize(); st = (time.perf_counter()-t)/a.steps
print(f"{torch.cuda.get_device_name()}: {a.dtype}, channels_last={bool(a.channels_last)}, batch {a.bs}")
print(f"step {1000*st:.1f} ms, {a.bs/st:.0f} ROI+frame pairs/s, peak memory {torch.cuda.max_memory_allocated()/2**30:.1f} GiB")
n_train = 23700*4/5
epoch = n_train/a.bs*st*1.15  # + ~15% for validation forward passes
print(f"projected: {epoch/60:.1f} min per epoch, 5 folds x 50 epochs = {5*50*epoch/3600:.1f} h on this one GPU "
      f"(the 2nd place reports ~7.4 h on 4x L4); data loading not included")
