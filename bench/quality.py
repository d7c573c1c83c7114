"""Quality on real data: the `sample` preset (and variants) against honest baselines, on the bundled sample.

Run from the repository root:
    .venv/bin/python bench/quality.py [--seeds 42,43,44] [--variants base,mlp] [--schemes grouped,random] [--no-heldout]

For each variant and seed:
- each fold scheme (5 folds grouped by frame, and 5 random folds): the run's out-of-fold distance (min-risk decoding;
  each fold read at its best epoch, so slightly optimistic), beside a logistic-regression probe on the same cached
  features (every view's, concatenated) and the same folds, scored without any selection, and the best constant;
- a frame-held-out check: train with the final fit on a random 70% of the frames, predict the ROIs of the other
  frames with the folds, the final fit, or both (`--models`), and score them on the ROIs whose taxon is seen in
  training (new footage of known animals) and on all of them; beside the probe trained on the same 70%.
Runs go to runs/bench-quality/<variant>-<scheme>-<seed>/ and are resumed if there. Mean ± sd over seeds at the end.
"""
import argparse, dataclasses, json, statistics, sys, time, warnings
warnings.filterwarnings('ignore')
from pathlib import Path
import numpy as np, pandas as pd, torch
from fastai.learner import defaults
from fastai.callback.progress import ProgressCallback
from sklearn.linear_model import LogisticRegression
from fathomnbs.run import preset, resolve
from fathomnbs.train import train, run_features
from fathomnbs.inference import predict
from fathomnbs.data import read_split, add_folds
from fathomnbs.taxonomy import load_taxonomy, best_constant
from fathomnbs.loss import dist_tensor, decode_probs

VARIANTS = {
    'base': {},                                    # the sample preset
    'probe': dict(head='probe'),                   # the probe head: centred, L2-normalised features, a logistic regression (C 100)
    'linear': dict(head='linear'),                 # the linear head trained by fastai (AdamW, early stopping on validation distance)
    'mlp': dict(head='mlp'),                       # the MLP head instead of the linear one
    'wd0.1': dict(wd=0.1),                         # stronger weight decay
    'ls0': dict(smoothing=0.),                     # no label smoothing
    'lam0.1': dict(lam=0.1),                       # the 2nd place's weight of the distance term
    'long': dict(epochs=300, patience=100),        # a longer schedule, more patience
    'roi_only': dict(views=('roi',), archs=('tf_efficientnet_lite0',)),
    'images': dict(feature_cache=False, aug={}, epochs=10, patience=10, head='mlp'),  # the previous preset: MLP head on augmented images, BatchNorms adapting
    # issue 15 on the CPU: the image path (backbones frozen, BatchNorms adapting, augmentation), 10 epochs
    'frame_img': dict(feature_cache=False, aug={}, epochs=10, patience=10),                       # ROI + frame, concat
    'context_img': dict(feature_cache=False, aug={}, epochs=10, patience=10, shared=True,          # + 3x and 5x context crops
                        views=('roi', 'context3', 'context5', 'frame'), archs=('tf_efficientnet_lite0',)),
    'attention_img': dict(feature_cache=False, aug={}, epochs=10, patience=10, shared=True, fusion='attention',
                          views=('roi', 'context3', 'context5', 'frame'), archs=('tf_efficientnet_lite0',)),
    'downscale_img': dict(feature_cache=False, aug={'downscale': 0.5}, epochs=10, patience=10),  # ROI + frame, downscale aug
}
p = argparse.ArgumentParser()
p.add_argument('--seeds', default='42,43,44')
p.add_argument('--variants', default='base')
p.add_argument('--schemes', default='grouped,random')
p.add_argument('--no-heldout', action='store_true')
p.add_argument('--data', default='data/sample')
p.add_argument('--out', default='runs/bench-quality')
a = p.parse_args()
defaults.callbacks = [c for c in defaults.callbacks if c is not ProgressCallback]
tax,D = load_taxonomy(),dist_tensor(tax=load_taxonomy())
df = read_split(a.data)
y = np.array([tax.idx[o] for o in df['label']])

def dist(probs, yy): return float(D[decode_probs(torch.as_tensor(probs), D, 'min_risk'), torch.as_tensor(yy)].float().mean())

def probe(Xtr, ytr, Xte):
    "Logistic regression (scikit-learn's defaults, C=1) → probabilities over the 79 categories"
    lr = LogisticRegression(C=1.0, max_iter=3000).fit(Xtr, ytr)
    out = np.zeros((len(Xte), len(tax)), dtype=np.float32); out[:, lr.classes_] = lr.predict_proba(Xte)
    return out

def quiet(f, *args, **kw):
    "Run f with its printing sent to a log file (the bench prints its own lines)"
    import contextlib, io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf): r = f(*args, **kw)
    return r

rows = []
for v in a.variants.split(','):
    for seed in map(int, a.seeds.split(',')):
        base = preset('sample', seed=seed, **VARIANTS[v])
        X = torch.cat(quiet(run_features, resolve(dataclasses.replace(base, feature_cache=True, aug=None, export=False, freeze=True, fusion='concat')), df).tensors, 1).numpy()
        for scheme in a.schemes.split(','):
            cfg = dataclasses.replace(base, grouped=scheme=='grouped')
            t0 = time.time()
            s = quiet(train, cfg, a.data, Path(a.out)/f'{v}-{scheme}-{seed}')
            secs = time.time()-t0
            f = add_folds(df, cfg.folds, grouped=cfg.grouped, seed=seed)['fold'].values
            pp = np.zeros((len(df), len(tax)), dtype=np.float32)
            for k in range(cfg.folds): pp[f==k] = probe(X[f!=k], y[f!=k], X[f==k])
            r = dict(variant=v, seed=seed, what=f'oof {scheme}', run=s['oof_dist_min_risk'], probe=dist(pp, y),
                     constant=s['best_constant_oof'], secs=secs)
            rows.append(r); print(json.dumps(r), flush=True)
        if a.no_heldout: continue
        rng = np.random.default_rng(seed)
        frames = np.array(sorted(df['image_id'].unique()))
        tr_f = set(rng.choice(frames, int(round(0.7*len(frames))), replace=False).tolist())
        tr = df['image_id'].isin(tr_f).values
        seen = np.isin(y, y[tr]) & ~tr
        out = Path(a.out)/f'{v}-heldout-{seed}'
        cfg = dataclasses.replace(base, final_fit=True)
        quiet(train, cfg, a.data, out, df=df[tr].reset_index(drop=True))
        pp = probe(X[tr], y[tr], X[~tr])
        c,_ = best_constant(df['label'][tr], tax)
        r = dict(variant=v, seed=seed, what='heldout', n_seen=int(seen.sum()), n_all=int((~tr).sum()),
                 probe_seen=dist(pp[seen[~tr]], y[seen]), probe_all=dist(pp, y[~tr]),
                 constant_seen=float(D[tax.idx[c], y[seen]].float().mean()), constant_all=float(D[tax.idx[c], y[~tr]].float().mean()))
        for m in ('folds', 'full', 'all'):
            t = quiet(predict, out, df[~tr].reset_index(drop=True), out/f'pred-{m}', models=m, progress=False)
            d = np.array([tax.distance(p_, l) for p_,l in zip(t['prediction'], t['label'])])
            r[f'{m}_seen'],r[f'{m}_all'] = float(d[seen[~tr]].mean()),float(d.mean())
        rows.append(r); print(json.dumps(r), flush=True)

def ms(xs): return f"{statistics.mean(xs):.2f} ± {statistics.stdev(xs):.2f}" if len(xs)>1 else f"{xs[0]:.2f}"
print("\n| variant | check | run | probe | best constant | seeds |\n|---|---|---|---|---|---|")
R = pd.DataFrame(rows)
for (v,w),g in R.groupby(['variant', 'what'], sort=False):
    if w.startswith('oof'):
        print(f"| {v} | {w} (time {ms(list(g['secs']))} s) | {ms(list(g['run']))} | {ms(list(g['probe']))} | {ms(list(g['constant']))} | {len(g)} |")
    else:
        for part in ('seen', 'all'):
            runs = ', '.join(f"{m} {ms(list(g[f'{m}_{part}']))}" for m in ('folds', 'full', 'all'))
            print(f"| {v} | held-out frames, {part} taxa ({ms(list(g[f'n_{part}']))} ROIs) | {runs} | {ms(list(g[f'probe_{part}']))} | "
                  f"{ms(list(g[f'constant_{part}']))} | {len(g)} |")
