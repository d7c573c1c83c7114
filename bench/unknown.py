"""The unknown score on real negatives: crops of the bundled sample's frames where no box lies, against its labelled ROIs, out of fold.

Run from the repository root:  .venv/bin/python bench/unknown.py [--seeds 42,43,44,45,46] [--per-frame 2]

For each seed: train the `sample` preset (runs/bench-unknown/<seed>, resumed if there; grouped folds), cut `--per-frame`
background crops per frame (`background_rows`, seed 1000 + seed: another draw than the crops the run's background head
trained on), and score every ROI and crop out of fold: each by the fold model that validated on its frame, through
the run's prediction path (both test-time views, the run's temperature). The scores:
- `1 - top probability` (calibrated), `energy` (-T·logsumexp(z/T) of the views' mean logits),
- `nearest ROI`: one less the largest cosine similarity of the ROI features to the fold's training ROIs,
- `background head`: the run's rule, fitted on the fold's training ROIs against the training crops of their frames.
Prints the AUROC of each (background against ROIs; 0.5 is chance), and the share of crops the default flag (0.95 of
the ROIs' scores) catches; mean ± sd over seeds.
"""
import argparse, contextlib, io, json, statistics, warnings
warnings.filterwarnings('ignore')
from pathlib import Path
import numpy as np, pandas as pd, torch
from sklearn.metrics import roc_auc_score
from fastai.learner import defaults
from fastai.callback.progress import ProgressCallback
from fathomnbs.run import preset, RunDir
from fathomnbs.train import train, BACKGROUND_CROPS
from fathomnbs.inference import load_run, feature_logits
from fathomnbs.features import Inputs
from fathomnbs.data import read_split
from fathomnbs.confidence import background_rows, fit_background, background_score, softmax_t, unknown_threshold

p = argparse.ArgumentParser()
p.add_argument('--seeds', default='42,43,44,45,46')
p.add_argument('--per-frame', type=int, default=2)
p.add_argument('--data', default='data/sample')
p.add_argument('--out', default='runs/bench-unknown')
a = p.parse_args()
defaults.callbacks = [c for c in defaults.callbacks if c is not ProgressCallback]
df = read_split(a.data)
unit = lambda x: x/np.linalg.norm(x, axis=1, keepdims=True)
rows = []
for seed in map(int, a.seeds.split(',')):
    out = Path(a.out)/str(seed)
    with contextlib.redirect_stdout(io.StringIO()): train(preset('sample', seed=seed), a.data, out)
    run = RunDir(out); cal = run.read_calibration(); t = cal['temperature']
    folds = pd.read_csv(run.folds_csv)['fold'].to_numpy()
    fold_of = dict(zip(df['image_id'], folds))
    ev = background_rows(df, a.per_frame, seed=1000+seed); ev_f = ev['image_id'].map(fold_of).to_numpy()
    tr = background_rows(df, BACKGROUND_CROPS[0], seed=seed); tr_f = tr['image_id'].map(fold_of).to_numpy()
    cfg,_ = run.read_config(); j = next(k for k,v in enumerate(cfg.views) if v!='frame')
    S = {k:(np.zeros(len(df)), np.zeros(len(ev))) for k in ('1 - top probability', 'energy', 'nearest ROI', 'background head')}
    feats = {}
    for k in sorted(set(folds)):
        _,fms = load_run(out, folds=[k], models='folds', device='cpu')
        for name,rr in (('roi', df), ('ev', ev), ('tr', tr)):
            z,fc = feature_logits(fms, Inputs(rr, cfg, cache='default'), tta=cfg.tta!='none', progress=False)
            feats[name] = (z[0], fc.features[j].numpy())
        for name,m,dst in (('roi', folds==k, 0), ('ev', ev_f==k, 1)):
            z,f = feats[name][0][m],feats[name][1][m]
            S['1 - top probability'][dst][m] = 1-softmax_t(z, t).max(1)
            S['energy'][dst][m] = -t*torch.logsumexp(torch.from_numpy(z)/t, 1).numpy()
            S['nearest ROI'][dst][m] = 1-(unit(f)@unit(feats['roi'][1][folds!=k]).T).max(1)
        h = fit_background(feats['roi'][1][folds!=k], feats['tr'][1][tr_f!=k])
        S['background head'][0][folds==k] = background_score(h, feats['roi'][1][folds==k])
        S['background head'][1][ev_f==k] = background_score(h, feats['ev'][1][ev_f==k])
    lab = np.r_[np.zeros(len(df)), np.ones(len(ev))]
    r = dict(seed=seed, n_roi=len(df), n_background=len(ev), run_auroc_oof=cal['unknown'].get('auroc_background_oof'))
    for name,(s_roi,s_bg) in S.items():
        r[name] = float(roc_auc_score(lab, np.r_[s_roi, s_bg]))
        r[f'{name} caught'] = float((s_bg>unknown_threshold(s_roi, 0.95)).mean())
    rows.append(r); print(json.dumps(r), flush=True)

R = pd.DataFrame(rows)
ms = lambda xs: f"{statistics.mean(xs):.3f} ± {statistics.stdev(xs):.3f}" if len(xs)>1 else f"{xs[0]:.3f}"
print(f"\n{len(R)} seed(s); {R['n_roi'].iloc[0]} ROIs against {ms(list(R['n_background']))} background crops, out of fold\n")
print("| unknown score | AUROC, background against ROIs | crops flagged at the default quantile (0.95) |\n|---|---|---|")
for name in S: print(f"| {name} | {ms(list(R[name]))} | {ms(list(R[f'{name} caught']))} |")
print(f"\nthe runs' own out-of-fold AUROC (their 8-per-frame training crops, `summary.json`): {ms(list(R['run_auroc_oof']))}")
