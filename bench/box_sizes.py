"""ROI sizes of the competition's test set against labelled training ROIs: why the 1st place's downscale augmentation.

Run from the repository root:  .venv/bin/python bench/box_sizes.py [--shared ../shared/fathomnet2025]
Reads the COCO jsons' boxes (no images): the official test set (788 boxes), the bundled sample (132 training boxes) and
the shared holdout (31 training boxes, unlabelled). Prints percentiles of the box's longer side in pixels and as a
fraction of the frame's longer side, and the test/train ratio of the medians.
"""
import argparse, json
from pathlib import Path
import numpy as np

p = argparse.ArgumentParser()
p.add_argument('--shared', default='../shared/fathomnet2025')
a = p.parse_args()
sh = Path(a.shared)
sets = {'test (official)': sh/'dataset_test.json', 'sample (train)': Path('data/sample/dataset_sample.json'),
        'holdout (train)': sh/'holdout'/'dataset_holdout.json'}
Q = [10, 25, 50, 75, 90]

def sizes(f):
    d = json.loads(Path(f).read_text())
    im = {i['id']:max(i['width'], i['height']) for i in d['images']}
    side = np.array([max(o['bbox'][2], o['bbox'][3]) for o in d['annotations']], float)
    frame = np.array([im[o['image_id']] for o in d['annotations']], float)
    return side, side/frame

print(f"| set | boxes | longer side px, percentiles {'/'.join(map(str, Q))} | fraction of the frame, 25/50/75 |\n|---|---|---|---|")
med = {}
for name,f in sets.items():
    if not f.exists(): print(f"| {name} | (no {f}) | | |"); continue
    s,r = sizes(f); med[name] = (np.median(s), np.median(r))
    print(f"| {name} | {len(s)} | {' / '.join(f'{v:.0f}' for v in np.percentile(s, Q))} | "
          f"{' / '.join(f'{v:.3f}' for v in np.percentile(r, [25, 50, 75]))} |")
if 'test (official)' in med and 'sample (train)' in med:
    t,s = med['test (official)'],med['sample (train)']
    print(f"\nmedian test / sample: {t[0]/s[0]:.2f} in pixels, {t[1]/s[1]:.2f} as a fraction of the frame")
