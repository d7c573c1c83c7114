"""Speed of the README's main job: `fathomnbs-train --preset sample` end to end, then `fathomnbs-predict`, on the bundled sample.

Run from the repository root, with nothing else running:  .venv/bin/python bench/sample_speed.py [--old]
Each command runs as a user runs it (a fresh process, imports included), first with an empty cache (every backbone pass
computed), then again into a new run folder with the cache filled. `--old` also times the previous `sample` preset
(no feature cache: the frozen backbones run on every image in every epoch, 10 epochs, MLP head, augmentation), for the
ratio in the same run.
"""
import argparse, os, re, subprocess, sys, tempfile, time
from pathlib import Path

p = argparse.ArgumentParser()
p.add_argument('--old', action='store_true')
a = p.parse_args()
bin_ = Path(sys.executable).parent
tmp = Path(tempfile.mkdtemp())
OLD = ['--feature-cache', 'false', '--aug', '{}', '--head', 'mlp', '--epochs', '10', '--patience', '10', '--final-fit', 'false']

def run(name, args, cache):
    t0 = time.time()
    r = subprocess.run(args, capture_output=True, text=True, env={**os.environ, 'FATHOMNBS_CACHE': str(cache)})
    dt = time.time()-t0
    if r.returncode: sys.exit(f"{name} failed:\n{r.stderr}")
    m = re.search(r'features: (\d+) backbone pass\(es\), (\d+) read', r.stdout)
    last = r.stdout.strip().splitlines()[-1]
    print(f"{name:44s} {dt:6.1f} s   passes {m[1] if m else '-':>4}  read {m[2] if m else '-':>4}   last line: {last}", flush=True)
    return dt

train,pred = str(bin_/'fathomnbs-train'),str(bin_/'fathomnbs-predict')
cold = run('train, sample preset, empty cache', [train, '--preset', 'sample', '--out', str(tmp/'r1')], tmp/'c1')
warm = run('train, sample preset, cache filled', [train, '--preset', 'sample', '--out', str(tmp/'r2')], tmp/'c1')
run('predict data/sample, cache filled by training', [pred, str(tmp/'r1'), 'data/sample', '--out', str(tmp/'p1')], tmp/'c1')
run('predict data/sample again', [pred, str(tmp/'r1'), 'data/sample', '--out', str(tmp/'p2')], tmp/'c1')
if a.old:
    old = run('train, previous sample preset (no feature cache)', [train, '--preset', 'sample', *OLD, '--out', str(tmp/'r3')], tmp/'c2')
    print(f"previous / new (empty cache): {old/cold:.1f}x")
