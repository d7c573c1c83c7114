"""Whether two runs (or two prediction folders) hold the same results: every file compared by content.

Run from the repository root:  .venv/bin/python bench/same_outputs.py BEFORE AFTER [BEFORE2 AFTER2 ...]

For checking that a restructuring changed no output: train and predict the same command with the code before and
after into separate folders, then compare. `.pth` files are compared tensor by tensor (the zip archive records the
temporary file name it was written under, so the bytes differ between any two writes); `log.csv` without its
`time_s` column (wall-clock seconds); images by bytes are reported but not counted (matplotlib may embed nothing
variable, but a font cache change would show); every other file byte for byte.
"""
import sys
from pathlib import Path
import pandas as pd, torch

def same(a:Path, b:Path):
    if a.suffix=='.pth':
        x,y = torch.load(a, map_location='cpu', weights_only=False),torch.load(b, map_location='cpu', weights_only=False)
        def flat(o, p=''):
            if isinstance(o, dict): return {k2:v2 for k,v in o.items() for k2,v2 in flat(v, f'{p}{k}.').items()}
            return {p:o}
        fx,fy = flat(x),flat(y)
        if fx.keys()!=fy.keys(): return False
        return all(torch.equal(fx[k], fy[k]) if torch.is_tensor(fx[k]) else fx[k]==fy[k] for k in fx)
    if a.name=='log.csv':
        return pd.read_csv(a).drop(columns='time_s').equals(pd.read_csv(b).drop(columns='time_s'))
    return a.read_bytes()==b.read_bytes()

bad = 0
args = sys.argv[1:]
for before,after in zip(args[::2], args[1::2]):
    before,after = Path(before),Path(after)
    files = lambda d: {p.relative_to(d) for p in d.rglob('*') if p.is_file() and p.name!='.lock'}  # the writer lock names its process
    fa,fb = files(before),files(after)
    for f in sorted(fa ^ fb): print(f"only in {'before' if f in fa else 'after'}: {f}"); bad += 1
    n = diff = 0
    for f in sorted(fa & fb):
        n += 1
        if not same(before/f, after/f):
            if f.suffix=='.png': print(f"image differs (not counted): {f}")
            else: print(f"differs: {f}"); diff += 1
    bad += diff
    print(f"{before} vs {after}: {n} files compared, {diff} differ")
sys.exit(1 if bad else 0)
