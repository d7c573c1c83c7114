"""Calibration of the `sample` preset, out of fold: the temperature, NLL and ECE before and after, beside the ECE that a
perfectly calibrated predictor with the same confidences would show on as few rows (the floor of the measurement).

Run from the repository root:  .venv/bin/python bench/calibration.py [--seeds 42,43,44,45,46] [--runs runs/bench-unknown] [--head linear]

Trains the preset per seed into <runs>/<seed> (resumed, so after `bench/unknown.py` nothing trains), reads its
out-of-fold logits and `calibration.json`, and reports for the ROIs of taxa their fold trained on ("seen") and for all:
NLL, the top label's ECE (15 bins) and the predicted name's (its subtree's mass against "the truth is at or below it",
min-risk decoding), at T = 1 and at the run's temperature; the floor is the mean ECE of 500 draws of labels right
with exactly the stated probabilities. Last, the ECE pooled over the seeds' out-of-fold predictions.
"""
import argparse, contextlib, io, statistics, warnings
warnings.filterwarnings('ignore')
from pathlib import Path
import numpy as np, pandas as pd, torch
from fastai.learner import defaults
from fastai.callback.progress import ProgressCallback
from fathomnbs.run import preset, RunDir
from fathomnbs.train import train, oof_logits, seen_rows
from fathomnbs.confidence import softmax_t, top_label, ece, subtree_confidence, is_right
from fathomnbs.loss import dist_tensor, decode_probs

p = argparse.ArgumentParser()
p.add_argument('--seeds', default='42,43,44,45,46')
p.add_argument('--runs', default='runs/bench-unknown')
p.add_argument('--data', default='data/sample')
p.add_argument('--head', default=None, help="the preset's head (default), or 'linear'")
a = p.parse_args()
defaults.callbacks = [c for c in defaults.callbacks if c is not ProgressCallback]
rng = np.random.default_rng(0)
floor = lambda c: float(np.mean([ece(c, rng.random(len(c))<c) for _ in range(500)]))
rows,pool = [],{}
for seed in map(int, a.seeds.split(',')):
    out = Path(a.runs)/str(seed)
    with contextlib.redirect_stdout(io.StringIO()): train(preset('sample', seed=seed, **({'head':a.head} if a.head else {})), a.data, out)
    run = RunDir(out); tax = run.taxonomy(); D = dist_tensor(tax); cal = run.read_calibration(); t = cal['temperature']
    df = pd.read_csv(run.folds_csv); y = np.array([tax.idx[o] for o in df['label']]); folds = sorted(df['fold'].unique())
    Z = oof_logits(run, df, folds, len(tax)); seen = seen_rows(df, y, folds)
    for part,m in (('seen', seen), ('all', np.ones(len(df), bool))):
        for when,tt in (('before', 1.), ('after', t)):
            pr = softmax_t(Z[m], tt); c,r = top_label(pr, y[m])
            pred = decode_probs(torch.from_numpy(pr), D, 'min_risk').numpy(); cn,rn = subtree_confidence(pr, pred, tax),is_right(pred, y[m], tax)
            rows.append(dict(seed=seed, part=part, when=when, T=t, n=int(m.sum()), nll=float(-np.log(np.maximum(pr[np.arange(m.sum()), y[m]], 1e-12)).mean()),
                             ece=ece(c, r), floor=floor(c), ece_name=ece(cn, rn), floor_name=floor(cn), dist=float(D[pred, y[m]].mean())))
            k = pool.setdefault((part, when), [[], [], [], []]); k[0].append(c); k[1].append(r); k[2].append(cn); k[3].append(rn)
R = pd.DataFrame(rows)
ms = lambda xs: f"{statistics.mean(xs):.3f} ± {statistics.stdev(xs):.3f}" if len(xs)>1 else f"{list(xs)[0]:.3f}"
print(f"\ntemperature over {R['seed'].nunique()} seeds: {ms(list(R.drop_duplicates('seed')['T']))}\n")
print("| ROIs | T | n | NLL | top-label ECE | its floor | predicted name's ECE | its floor | min-risk distance |\n|---|---|---|---|---|---|---|---|---|")
for (part,when),g in R.groupby(['part', 'when'], sort=False):
    print(f"| {part} | {'1' if when=='before' else 'fitted'} | {g['n'].iloc[0]} | {ms(g['nll'])} | {ms(g['ece'])} | {ms(g['floor'])} | {ms(g['ece_name'])} | {ms(g['floor_name'])} | {ms(g['dist'])} |")
print("\npooled over the seeds' out-of-fold predictions:")
for (part,when),(c,r,cn,rn) in pool.items():
    c,r,cn,rn = map(np.concatenate, (c, r, cn, rn))
    print(f"  {part:4s} {when:6s} n {len(c)}: top-label ECE {ece(c, r):.3f} (floor {floor(c):.3f}); name ECE {ece(cn, rn):.3f} (floor {floor(cn):.3f})")
