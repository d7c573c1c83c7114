"""Data loading benchmark: one epoch of (ROI, frame) batches over the sample, with and without the frame cache.

Run from the repository root:  .venv/bin/python bench/data_loading.py [--split DIR] [--bs 32] [--workers 0]
Uses the shared sample's full-size PNG frames when ../shared is there, else the bundled data/sample (small JPEGs).
"""
import argparse, platform, tempfile, time, warnings
from pathlib import Path
import torch
from fathomnbs.data import read_split
from fathomnbs.datablock import fathom_dls
from fathomnbs.taxonomy import load_taxonomy

p = argparse.ArgumentParser()
p.add_argument('--split', default=None)
p.add_argument('--bs', type=int, default=32)
p.add_argument('--workers', type=int, default=0)
p.add_argument('--epochs', type=int, default=3, help='timed epochs of each kind (the best is reported)')
a = p.parse_args()
split = Path(a.split) if a.split else next(o for o in [Path('../shared/fathomnet2025/sample'), Path('data/sample')] if o.exists())
df = read_split(split).assign(fold=0)
torch.set_num_threads(max(1, torch.get_num_threads()))

def epoch(dl, full=True):
    "Seconds and ROIs for one epoch; `full=False`: loading and collation only (what DataLoader workers do),"
    "without the batch transforms, which run on the GPU in a real run"
    t = time.perf_counter(); n = 0
    if full:
        for b in dl: n += len(b[0])
    else:
        for i in range(0, len(dl.dataset), dl.bs):
            b = dl.create_batch(dl.before_batch([dl.do_item(j) for j in range(i, min(i+dl.bs, len(dl.dataset)))]))
            n += len(b[0])
    return time.perf_counter()-t, n

res = {}
with tempfile.TemporaryDirectory() as d:
    for name,cache in [('no cache', None), ('frame cache', d)]:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            dls = fathom_dls(df, valid_fold=None, bs=a.bs, cache=cache, num_workers=a.workers, seed=0, vocab=load_taxonomy().names)
        dl = dls.train.new(shuffle=False, drop_last=False)
        if cache: epoch(dl)  # fill the cache (the first epoch pays for decoding once)
        for full in (False, True):
            t,n = min(epoch(dl, full) for _ in range(a.epochs))
            res[name, full] = t
            what = 'with batch augmentation on the CPU' if full else 'loading + collation'
            print(f"{name:12s} {what:36s}: {n} ROIs in {t:.2f} s = {1000*t/n:.1f} ms/ROI, {n/t:.0f} ROIs/s")
for full in (False, True):
    print(f"speed-up from the frame cache, {'with CPU batch augmentation' if full else 'loading + collation'}: {res['no cache', full]/res['frame cache', full]:.1f}x")
print(f"split: {split} ({df['image_id'].nunique()} frames, {len(df)} ROIs); bs {a.bs}, workers {a.workers}; "
      f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} torch threads")
