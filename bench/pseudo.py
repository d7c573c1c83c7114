"""Pseudo-labels on the bundled sample: hide the labels of a third of the frames, train on the rest, predict the hidden
third, train again with the confident predictions as pseudo-labels, and score both runs on the hidden third's true labels
(as the 3rd place did on the test set, in rounds).

Run from the repository root:  .venv/bin/python bench/pseudo.py [--seeds 42,43,44] [--thresholds 0.0,0.5,0.7] [--rounds 2]
The preset is `sample` (frozen backbones, cached features). A threshold is a quantile of the first round's prediction
probabilities (0.5: the surer half), so that it means the same at every seed. Runs go to runs/bench-pseudo/.
"""
import argparse, contextlib, dataclasses, io, json, statistics, warnings
warnings.filterwarnings('ignore')
from pathlib import Path
import numpy as np, pandas as pd
from fastai.learner import defaults
from fastai.callback.progress import ProgressCallback
from fathomnbs.run import preset
from fathomnbs.train import train
from fathomnbs.inference import predict
from fathomnbs.data import read_split
from fathomnbs.taxonomy import load_taxonomy

p = argparse.ArgumentParser()
p.add_argument('--seeds', default='42,43,44')
p.add_argument('--thresholds', default='0.0,0.5,0.7')
p.add_argument('--rounds', type=int, default=2)
p.add_argument('--out', default='runs/bench-pseudo')
a = p.parse_args()
defaults.callbacks = [c for c in defaults.callbacks if c is not ProgressCallback]
tax = load_taxonomy()
df = read_split('data/sample')

def quiet(f, *args, **kw):
    with contextlib.redirect_stdout(io.StringIO()): return f(*args, **kw)

def dist(t, truth): return float(np.mean([tax.distance(p_, l) for p_,l in zip(t['prediction'], truth)]))

rows = []
for seed in map(int, a.seeds.split(',')):
    rng = np.random.default_rng(seed)
    frames = np.array(sorted(df['image_id'].unique()))
    hidden = set(rng.choice(frames, len(frames)//3, replace=False).tolist())
    lab = df[~df['image_id'].isin(hidden)].reset_index(drop=True)
    truth = df[df['image_id'].isin(hidden)].reset_index(drop=True)
    unl = truth.assign(label='')
    out = Path(a.out)/f'seed{seed}'
    cfg = preset('sample', seed=seed)
    quiet(train, cfg, 'data/sample', out/'r0', df=lab)
    t0 = quiet(predict, out/'r0', unl, out/'r0_pred', progress=False)
    r = dict(seed=seed, n_hidden=len(unl), base=dist(t0, truth['label']))
    for q in map(float, a.thresholds.split(',')):
        thr = float(np.quantile(t0['probability'], q))
        prev = out/'r0_pred'
        for k in range(1, a.rounds+1):
            run = out/f'q{q}_r{k}'
            s = quiet(train, dataclasses.replace(cfg, pseudo=str(prev), pseudo_threshold=thr), 'data/sample', run, df=lab)
            t = quiet(predict, run, unl, out/f'q{q}_r{k}_pred', progress=False)
            r[f'q{q}_round{k}'] = dist(t, truth['label']); r[f'q{q}_n{k}'] = s['n_pseudo']
            prev = out/f'q{q}_r{k}_pred'
    rows.append(r); print(json.dumps(r), flush=True)

R = pd.DataFrame(rows)
ms = lambda c: f"{R[c].mean():.2f} ± {R[c].std():.2f}" if len(R)>1 else f"{R[c].iloc[0]:.2f}"
print(f"\nhidden third ({ms('n_hidden')} ROIs), mean distance, {len(R)} seed(s):")
print(f"| round | {' | '.join(f'threshold q{q}' for q in a.thresholds.split(','))} |")
print(f"|---|{'---|'*len(a.thresholds.split(','))}")
print(f"| 0 (labelled two thirds only) | {' | '.join(ms('base') for _ in a.thresholds.split(','))} |")
for k in range(1, a.rounds+1):
    print(f"| {k} | " + ' | '.join(f"{ms(f'q{float(q)}_round{k}')} ({R[f'q{float(q)}_n{k}'].mean():.0f} pseudo)" for q in a.thresholds.split(',')) + " |")
