"""Training overhead: the two-stream fastai Learner versus a plain PyTorch loop, same model, data and batch size.

Run from the repository root:  .venv/bin/python bench/train_overhead.py [--epochs 2] [--bs 16] [--size 128,160]
Both loops iterate the same fastai DataLoader (the bundled sample, no augmentation), so the data cost is the same;
what differs is the Learner's machinery (callbacks, recorder, fastai's optimizer). Alternates the two, keeps the best
epoch time of each, and prints samples/s and the ratio (target: fastai >= 0.9 of the plain loop).
"""
import argparse, platform, tempfile, time, warnings
warnings.filterwarnings('ignore')
import torch
from fathomnbs.data import read_split
from fathomnbs.datablock import fathom_dls
from fathomnbs.model import StreamNet, fathom_splitter
from fathomnbs.loss import HierLoss
from fathomnbs.taxonomy import load_taxonomy
from fathomnbs.step import adamw  # fastai's Adam, the optimizer this figure was measured with
from fastai.learner import Learner
import fastai.callback.all

p = argparse.ArgumentParser()
p.add_argument('--epochs', type=int, default=3, help='timed epochs of each loop (alternated)')
p.add_argument('--bs', type=int, default=16)
p.add_argument('--size', default='128,160', help='ROI,frame input sizes')
p.add_argument('--arch', default='tf_efficientnet_lite0')
a = p.parse_args()
rs,fs = map(int, a.size.split(','))
df = read_split('data/sample').assign(fold=0)
with tempfile.TemporaryDirectory() as d:
    dls = fathom_dls(df, valid_fold=None, bs=a.bs, roi_size=rs, frame_size=fs, aug=None, cache=d, num_workers=0, seed=0, vocab=load_taxonomy().names)
    for b in dls.train: pass  # fill the frame cache
    torch.manual_seed(0)
    model = StreamNet((a.arch,)*2)
    loss = HierLoss(tax=load_taxonomy())
    learn = Learner(dls, model, loss_func=loss, opt_func=adamw, lr=1e-4, wd=1e-4, splitter=fathom_splitter)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=1e-4, eps=1e-8)

    def plain_epoch():
        model.train(); n = 0; t = time.perf_counter()
        for *xb,y in dls.train:
            out = model(*xb); l = loss(out, y)
            opt.zero_grad(); l.backward(); opt.step(); n += len(y)
        return time.perf_counter()-t, n

    def fastai_epoch():
        t = time.perf_counter()
        with learn.no_bar(), learn.no_logging(): learn.fit(1)
        return time.perf_counter()-t, len(dls.train)*a.bs

    plain_epoch(); fastai_epoch()  # warm-up
    res = {'plain':[], 'fastai':[]}
    for _ in range(a.epochs):
        res['plain'].append(plain_epoch()); res['fastai'].append(fastai_epoch())
for k,v in res.items():
    t,n = min(v)
    print(f"{k:6s}: {n} samples in {t:.2f} s = {n/t:.1f} samples/s (best of {len(v)})")
ratio = min(res['plain'])[0]/min(res['fastai'])[0]
print(f"fastai / plain throughput: {ratio:.3f} (target >= 0.9)")
print(f"{a.arch} x2 at {rs}/{fs}, bs {a.bs}, no augmentation, valid set empty; {platform.machine()}, {torch.get_num_threads()} torch threads")
