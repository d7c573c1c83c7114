"""A synthetic split folder at the competition's real sizes, for benchmarks of the whole training and prediction path.

Run from the repository root:  python bench/synth_split.py --frames 331 --rois 800 --out /tmp/synth [--unlabelled]
Writes the official download script's split layout, which `fathomnbs.data.read_split` reads:
  images/<image_id>.png                  the frames
  rois/<image_id>_<annotation_id>.png    each box cut from its frame, `frame.crop((x, y, x+w, y+h))`
  annotations.csv                        `path,label`, path `rois/<image_id>_<annotation_id>.png`
  dataset.json                           COCO: images, annotations (bbox [x, y, w, h]), the 79 categories (ids 1..79)
Sizes: each frame's (width, height) is an image of the official test json drawn at random, each box's (w, h) one of its
boxes (among those that fit the frame), placed uniformly in the frame. Without the json (`--test-json`, default
../shared/fathomnet2025/dataset_test.json) it falls back to `FALLBACK_FRAMES` and `FALLBACK_BOXES` and says so.
ROIs per frame: `--rois-per-frame` on average (2.42, the test set's), or `--rois` in all, spread evenly (each frame gets
the floor or the ceiling of the mean), so the total is exact. Labels: uniform over the 79 categories; `--unlabelled`
writes the test split's shape instead (empty labels, category_id null).
Pixels: a smooth random colour field (a coarse random grid upsampled), PNG at compress level 1: about the file size of a
real frame (a 1920x1080 frame is ~2.5 MB), and fast to write. Frames are written by `--workers` processes.
"""
from __future__ import annotations
import argparse, csv, json, math, os, sys, time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
TEST_JSONS = [ROOT.parent/'shared'/'fathomnet2025'/'dataset_test.json', ROOT/'shared'/'fathomnet2025'/'dataset_test.json']
# Stand-ins when the test json is not here: its three commonest frame sizes (about 70/15/15% of its 325 frames) and
# box sizes spread over its range (its median box is 54x48 px, 90% are under 170 px a side)
FALLBACK_FRAMES = [(1920, 1080)]*14 + [(720, 486)]*3 + [(720, 368)]*3
FALLBACK_BOXES = [(12, 10), (20, 18), (30, 26), (40, 36), (54, 48), (70, 60), (100, 90), (168, 162), (300, 240), (600, 450)]
GRID = 24  # px per cell of the random grid: smooth enough to compress like a real frame, noisy enough not to shrink to nothing

def load_taxonomy_names()->list[str]:
    "The 79 category names in the bundled (= the competition's id) order"
    sys.path.insert(0, str(ROOT))
    from fathomnbs.taxonomy import load_taxonomy
    return list(load_taxonomy().names)

def read_sizes(test_json:Path|None)->tuple[list, list, str]:
    "Frame sizes and box sizes to draw from, and where they come from"
    if test_json is not None and Path(test_json).exists():
        d = json.loads(Path(test_json).read_text())
        frames = [(int(o['width']), int(o['height'])) for o in d['images']]
        boxes = [(max(1, round(o['bbox'][2])), max(1, round(o['bbox'][3]))) for o in d['annotations']]
        return frames, boxes, f"{test_json} ({len(frames)} frames, {len(boxes)} boxes)"
    return FALLBACK_FRAMES, FALLBACK_BOXES, "fallback list (no test json)"

def plan(n_frames:int, n_rois:int, frames:list, boxes:list, names:list[str], labelled:bool, seed:int)->tuple[list, list]:
    "The COCO images and annotations of the split: sizes drawn from `frames` and `boxes`, boxes placed at random"
    rng = np.random.default_rng(seed)
    if n_rois<n_frames: raise SystemExit(f"--rois {n_rois} < --frames {n_frames}: every frame has at least one ROI")
    per = np.full(n_frames, n_rois//n_frames); per[rng.permutation(n_frames)[:n_rois%n_frames]] += 1
    bw,bh = np.array(boxes).T
    images,anns,aid = [],[],1
    for i in range(n_frames):
        fw,fh = frames[rng.integers(len(frames))]
        ok = np.flatnonzero((bw<=fw) & (bh<=fh))  # boxes that fit this frame (all, on a 1920x1080 one)
        images.append(dict(id=i+1, width=fw, height=fh, file_name=f"synthetic-{seed}-{i+1:06d}.png", license=0,
                           coco_url=f"synthetic://fathomnbs/{i+1}.png", flickr_url=None, date_captured=None))
        for j in rng.choice(ok, per[i]):
            w,h = int(bw[j]),int(bh[j])
            x,y = int(rng.integers(0, fw-w+1)),int(rng.integers(0, fh-h+1))
            cat = int(rng.integers(len(names)))+1 if labelled else None
            anns.append(dict(id=aid, image_id=i+1, category_id=cat, segmentation=[], area=float(w*h),
                             bbox=[float(x), float(y), float(w), float(h)], iscrowd=0))
            aid += 1
    return images, anns

def write_frame(job)->int:
    "Draw one frame, write it and its ROIs; returns the bytes written"
    out,im,boxes,seed = job
    w,h = im['width'],im['height']
    rng = np.random.default_rng([seed, im['id']])
    grid = rng.integers(0, 256, (h//GRID+2, w//GRID+2, 3), dtype=np.uint8)
    img = Image.fromarray(grid).resize((w, h), Image.BILINEAR)
    f = out/'images'/f"{im['id']}.png"
    img.save(f, compress_level=1); n = f.stat().st_size
    for aid,(x,y,bw,bh) in boxes:
        r = out/'rois'/f"{im['id']}_{aid}.png"
        img.crop((x, y, x+bw, y+bh)).save(r, compress_level=1); n += r.stat().st_size
    return n

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--frames', type=int, default=12, help="number of frames (default 12)")
    p.add_argument('--rois', type=int, help="number of ROIs in all (default: frames x --rois-per-frame)")
    p.add_argument('--rois-per-frame', type=float, default=2.42, help="mean ROIs per frame (default 2.42, the test set's)")
    p.add_argument('--out', required=True, help="split folder to write (must not exist, or be empty)")
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--test-json', default=next((str(o) for o in TEST_JSONS if o.exists()), None),
                   help="COCO json to draw frame and box sizes from (default: the shared official test json, if present)")
    g = p.add_mutually_exclusive_group()
    g.add_argument('--labelled', dest='labelled', action='store_true', default=True, help="random labels (default)")
    g.add_argument('--unlabelled', dest='labelled', action='store_false', help="test-shaped: empty labels, category_id null")
    p.add_argument('--workers', type=int, default=min(8, os.cpu_count() or 1), help="processes writing frames")
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    out = Path(a.out)
    if out.exists() and any(out.iterdir()): raise SystemExit(f"{out}: exists and is not empty; give a new folder")
    (out/'images').mkdir(parents=True, exist_ok=True); (out/'rois').mkdir(exist_ok=True)
    frames,boxes,src = read_sizes(a.test_json)
    if a.test_json is None or not Path(a.test_json).exists():
        print(f"note: no test json ({a.test_json or ', '.join(map(str, TEST_JSONS))} not found); frame sizes from "
              f"{sorted(set(FALLBACK_FRAMES))}, box sizes from {FALLBACK_BOXES}")
    names = load_taxonomy_names()
    n_rois = a.rois if a.rois is not None else max(a.frames, round(a.frames*a.rois_per_frame))
    images,anns = plan(a.frames, n_rois, frames, boxes, names, a.labelled, a.seed)
    by_img = {o['id']:[] for o in images}
    for o in anns: by_img[o['image_id']].append((o['id'], [int(v) for v in o['bbox']]))
    jobs = [(out, im, by_img[im['id']], a.seed) for im in images]
    if a.workers>1:
        with Pool(a.workers) as pool: nbytes = sum(pool.imap_unordered(write_frame, jobs, chunksize=4))
    else: nbytes = sum(map(write_frame, jobs))
    with open(out/'annotations.csv', 'w', newline='') as f:
        w = csv.writer(f); w.writerow(['path', 'label'])
        for o in anns: w.writerow([f"rois/{o['image_id']}_{o['id']}.png", names[o['category_id']-1] if a.labelled else ''])
    coco = dict(info=dict(description=f"SYNTHETIC split from bench/synth_split.py (seed {a.seed}); sizes from {src}; "
                          "pixels are random", year=2025, version='0', contributor='fathomnbs', url='', date_created=''),
                licenses=[dict(id=0, name='synthetic', url='')], images=images, annotations=anns,
                categories=[dict(id=k+1, name=n, supercategory='') for k,n in enumerate(names)])
    (out/'dataset.json').write_text(json.dumps(coco))
    dt = time.perf_counter()-t0
    fs = Counter((o['width'], o['height']) for o in images).most_common(3)
    bw = np.array([o['bbox'][2] for o in anns]); bh = np.array([o['bbox'][3] for o in anns])
    print(f"{out}: {len(images)} frames, {len(anns)} ROIs ({'labelled' if a.labelled else 'unlabelled'}), sizes from {src}; "
          f"frames {', '.join(f'{w}x{h} ({n})' for (w,h),n in fs)}{' ...' if len(fs)==3 else ''}; "
          f"box w median {np.median(bw):.0f} (max {bw.max():.0f}), h median {np.median(bh):.0f} (max {bh.max():.0f}); "
          f"{nbytes/2**20:.0f} MiB in {dt:.1f} s ({dt/len(images):.2f} s/frame with {a.workers} worker(s))")

if __name__=='__main__': main()
