"""Probes on the `sample` preset's cached features, on new frames: how the features are prepared and regularised.

Run from the repository root:  .venv/bin/python bench/probes.py [--seeds 42..51] [--sizes 128]

The frame-held-out check of `bench/quality.py` (a seeded 70% of the bundled sample's frames train, the ROIs of the
others are scored; "seen": those whose taxon is in training), for scikit-learn logistic-regression probes on the
preset's features (ROI at `--sizes` px + frame at 160 px, the two views' pooled Lite0 features concatenated) prepared
as they are (raw), L2-normalised, centred on the training mean and L2-normalised (CL2N), or standardised, at several
C, and CL2N with C chosen by grouped 5-fold CV inside the training frames (on the inner validation ROIs of seen
taxa, from 1, 10, 100, 1000); min-risk decoding. Mean ± sd over seeds, and the paired difference to the raw probe at C = 1 (the issue's
baseline) with its standard error; the best constant for scale.
"""
import argparse, contextlib, dataclasses, io, warnings
warnings.filterwarnings('ignore')
import numpy as np, torch
from sklearn.linear_model import LogisticRegression
from fathomnbs.run import preset, resolve
from fathomnbs.train import run_features
from fathomnbs.data import read_split
from fathomnbs.taxonomy import load_taxonomy, best_constant
from fathomnbs.loss import dist_tensor, decode_probs
from fathomnbs.confidence import fit_logistic
from sklearn.model_selection import GroupKFold

p = argparse.ArgumentParser()
p.add_argument('--seeds', default=','.join(map(str, range(42, 52))))
p.add_argument('--sizes', default='128')
p.add_argument('--data', default='data/sample')
a = p.parse_args()
tax,D = load_taxonomy(),dist_tensor(tax=load_taxonomy())
df = read_split(a.data); y = np.array([tax.idx[o] for o in df['label']])
def dist(pr, yy): return float(D[decode_probs(torch.as_tensor(pr).float(), D, 'min_risk'), torch.as_tensor(yy)].mean())
def prep(A, B, how):
    unit = lambda v: v/np.linalg.norm(v, axis=1, keepdims=True)
    if how=='raw': return A, B
    if how=='l2': return unit(A), unit(B)
    if how=='cl2n': m = A.mean(0); return unit(A-m), unit(B-m)
    m,s = A.mean(0),A.std(0)+1e-6; return (A-m)/s, (B-m)/s
CV_CS = (1., 10., 100., 1000.)
def cl2n_proba(A, yA, B, C):
    "CL2N on A's mean, a logistic regression on A, probabilities of B's rows over every taxon"
    A,B = prep(A, B, 'cl2n'); cls = np.unique(yA); W,b = fit_logistic(A, yA, C)
    z = B@W.T+b
    if len(cls)==2: z = np.c_[np.zeros(len(B)), z]
    e = np.exp(z-z.max(1, keepdims=True)); pr = np.zeros((len(B), len(tax)), np.float32); pr[:, cls] = e/e.sum(1, keepdims=True)
    return pr
def cv_c(A, yA, groups):
    "C chosen inside the training frames: grouped 5-fold CV, min-risk distance on validation ROIs whose taxon the inner fold trained on"
    score = {C: [] for C in CV_CS}
    for itr,iva in GroupKFold(5).split(A, yA, groups):
        sv = np.isin(yA[iva], yA[itr])
        if not sv.any() or len(np.unique(yA[itr]))<2: continue
        for C in CV_CS: score[C].append(dist(cl2n_proba(A[itr], yA[itr], A[iva][sv], C), yA[iva][sv])*sv.sum())
    return min(CV_CS, key=lambda C: sum(score[C]))
GRID = (('raw', (1.,)), ('l2', (1., 10., 100.)), ('cl2n', (1., 10., 100., 1000.)), ('std', (0.01, 0.1, 1.)))
for size in map(int, a.sizes.split(',')):
    with contextlib.redirect_stdout(io.StringIO()):
        X = torch.cat(run_features(resolve(preset('sample', roi_size=size)), df, load_taxonomy()).tensors, 1).numpy()
    res,const,chosen = {},[],[]
    for seed in map(int, a.seeds.split(',')):
        frames = np.array(sorted(df['image_id'].unique()))
        keep = set(np.random.default_rng(seed).choice(frames, int(round(0.7*len(frames))), replace=False).tolist())
        tr = df['image_id'].isin(keep).values; seen = np.isin(y, y[tr])[~tr]; yt = y[~tr]
        c,_ = best_constant(df['label'][tr], tax); dc = D[tax.idx[c], torch.as_tensor(yt)].numpy()
        const.append((dc[seen].mean(), dc.mean()))
        for how,Cs in GRID:
            A,B = prep(X[tr], X[~tr], how)
            for C in Cs:
                lr = LogisticRegression(C=C, max_iter=5000).fit(A, y[tr])
                pr = np.zeros((len(B), len(tax)), np.float32); pr[:, lr.classes_] = lr.predict_proba(B)
                res.setdefault(f'{how}, C = {C:g}', []).append((dist(pr[seen], yt[seen]), dist(pr, yt)))
        C = cv_c(X[tr], y[tr], df['image_id'].values[tr]); chosen.append(C)
        pr = cl2n_proba(X[tr], y[tr], X[~tr], C)
        res.setdefault('cl2n, C by grouped CV in the training frames', []).append((dist(pr[seen], yt[seen]), dist(pr, yt)))
    base = np.array(res['raw, C = 1']); n = len(base)
    print(f"\nROI {size} px + frame 160 px, {n} seeds\n\n| probe | seen taxa | all ROIs | paired Δ seen (± se) | paired Δ all (± se) |\n|---|---|---|---|---|")
    for k,r in res.items():
        r = np.array(r); d = r-base
        print(f"| {k} | {r[:,0].mean():.2f} ± {r[:,0].std(ddof=1):.2f} | {r[:,1].mean():.2f} ± {r[:,1].std(ddof=1):.2f} | "
              f"{d[:,0].mean():+.2f} ± {d[:,0].std(ddof=1)/np.sqrt(n):.2f} | {d[:,1].mean():+.2f} ± {d[:,1].std(ddof=1)/np.sqrt(n):.2f} |")
    c = np.array(const)
    print(f"C chosen by grouped CV, per seed: {', '.join(f'{C:g}' for C in chosen)}")
    print(f"| best constant | {c[:,0].mean():.2f} ± {c[:,0].std(ddof=1):.2f} | {c[:,1].mean():.2f} ± {c[:,1].std(ddof=1):.2f} | | |")
