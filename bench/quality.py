"""Quality on real data: out-of-fold mean distance on the bundled sample with the `sample` preset and variations.

Run from the repository root:  .venv/bin/python bench/quality.py [--seeds 42,43] [--variants base,roi_only,lam0,lam0.1]
Each variant is a full 5-fold run of the sample preset (about 4 minutes on 2 cores); each run reports argmax and
min-risk decoding, and the best constant prediction out of fold. Runs go to runs/bench-quality/<variant>-<seed>/ and
are resumed if there.
"""
import argparse, json, statistics, warnings
warnings.filterwarnings('ignore')
from pathlib import Path
from fastai.learner import defaults
from fastai.callback.progress import ProgressCallback
from fathomnbs.run import preset
from fathomnbs.train import train

VARIANTS = {
    'base': {},                                                   # the sample preset: two streams, lambda 1
    'roi_only': dict(views=('roi',), archs=('tf_efficientnet_lite0',)),
    'lam0': dict(lam=0.),
    'lam0.1': dict(lam=0.1),                                      # the 2nd place's lambda
}
p = argparse.ArgumentParser()
p.add_argument('--seeds', default='42')
p.add_argument('--variants', default=','.join(VARIANTS))
p.add_argument('--out', default='runs/bench-quality')
a = p.parse_args()
defaults.callbacks = [c for c in defaults.callbacks if c is not ProgressCallback]
rows = []
for v in a.variants.split(','):
    for seed in map(int, a.seeds.split(',')):
        cfg = preset('sample', seed=seed, **VARIANTS[v])
        s = train(cfg, 'data/sample', Path(a.out)/f'{v}-{seed}')
        rows.append((v, seed, s['oof_dist_argmax'], s['oof_dist_min_risk'], s['best_constant_oof']))
        print(f"{v:9s} seed {seed}: argmax {rows[-1][2]:.3f}, min-risk {rows[-1][3]:.3f}, best constant {rows[-1][4]:.3f}", flush=True)
print("\nvariant    argmax            min-risk          best constant")
for v in dict.fromkeys(r[0] for r in rows):
    rs = [r for r in rows if r[0]==v]
    f = lambda k: f"{statistics.mean(r[k] for r in rs):.3f}" + (f" ± {statistics.stdev(r[k] for r in rs):.3f}" if len(rs)>1 else "        ")
    print(f"{v:9s}  {f(2)}  {f(3)}  {f(4)}   ({len(rs)} seed(s))")
