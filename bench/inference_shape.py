"""Test-set-shaped inference: shared frame features versus one frame pass per ROI.

Run from the repository root:  .venv/bin/python bench/inference_shape.py [--frames 40] [--tta]
Takes the official test json's frame and box sizes (325 frames, 788 ROIs; ../shared/fathomnet2025/dataset_test.json,
else a synthetic stand-in with 2.4 ROIs per frame), synthetic pixels, the 2nd-place architecture (V2-M on the ROI at 224,
V2-S on the frame at 384, pretrained=False), eval mode. On a CPU it times the first --frames frames and their ROIs and
projects to the whole test set, and to 5 folds x 2 views.
"""
import argparse, json, platform, time, warnings
warnings.filterwarnings('ignore')
from pathlib import Path
import numpy as np, torch
from PIL import Image
from fathomnbs.model import StreamNet

p = argparse.ArgumentParser()
p.add_argument('--frames', type=int, default=40, help='frames to time (their ROIs come with them); 0: all')
p.add_argument('--bs', type=int, default=16)
p.add_argument('--archs', default='tf_efficientnetv2_m,tf_efficientnetv2_s')
p.add_argument('--size', default='224,384')
a = p.parse_args()
rs,fs = map(int, a.size.split(','))
j = Path('../shared/fathomnet2025/dataset_test.json')
if j.exists():
    d = json.loads(j.read_text())
    ims = {o['id']:(o['width'], o['height']) for o in d['images']}
    anns = [(o['image_id'], o['bbox']) for o in d['annotations']]
else:
    rng = np.random.default_rng(0); ims = {i:(1920, 1080) for i in range(325)}
    anns = [(int(i), [100., 100., 60., 40.]) for i in rng.integers(0, 325, 788)]
n_f_all,n_r_all = len(ims),len(anns)
frames = sorted(np.random.default_rng(1).permutation(sorted(ims))[:a.frames or None].tolist()) if a.frames else sorted(ims)
keep = set(frames)
anns = [o for o in anns if o[0] in keep]
fidx = {f:k for k,f in enumerate(frames)}
rng = np.random.default_rng(0)

def prep():
    "Synthetic frames at their real size, squashed to the frame size; ROIs cut at their real boxes, squashed"
    fr,ro = [],[]
    for f in frames:
        w,h = ims[f]
        img = Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8))
        fr.append(np.array(img.resize((fs, fs), Image.BILINEAR)))
        for (i,(x,y,bw,bh)) in [o for o in anns if o[0]==f]:
            ro.append(np.array(img.crop((x, y, x+bw, y+bh)).resize((rs, rs), Image.BILINEAR)))
    t = lambda l: torch.from_numpy(np.stack(l)).permute(0, 3, 1, 2).float().div(255)
    return t(fr), t(ro)

t0 = time.perf_counter(); xf,xr = prep(); t_prep = time.perf_counter()-t0
roi_frame = torch.tensor([fidx[o[0]] for o in anns])
m = StreamNet(tuple(a.archs.split(','))).eval()
torch.set_grad_enabled(False)
def run(fn):
    t = time.perf_counter(); out = fn(); return time.perf_counter()-t, out
def feats(i, x): return torch.cat([m.view_features(i, x[s:s+a.bs]) for s in range(0, len(x), a.bs)])
def shared():
    fr = feats(1, xf); ro = feats(0, xr)
    return m.forward_head([ro, fr[roi_frame]])
def per_roi():
    ro = feats(0, xr); fr = feats(1, xf[roi_frame])
    return m.forward_head([ro, fr])
m.forward_head([feats(0, xr[:2]), feats(1, xf[:2])])  # warm-up
t_sh,o1 = run(shared); t_pr,o2 = run(per_roi)
t_r,_ = run(lambda: feats(0, xr)); t_f,_ = run(lambda: feats(1, xf))
tr,tf = t_r/len(xr),t_f/len(xf)  # seconds per image in each stream
print(f"timed subset: {len(frames)} frames, {len(anns)} ROIs ({len(anns)/len(frames):.2f} per frame); synthetic input preparation {t_prep:.1f} s")
print(f"  shared frame features {t_sh:.1f} s; one frame pass per ROI {t_pr:.1f} s: {t_pr/t_sh:.2f}x; max |diff| {float((o1-o2).abs().max()):.2e}")
print(f"  per image: ROI stream {1000*tr:.0f} ms, frame stream {1000*tf:.0f} ms")
sh,pr = n_r_all*tr + n_f_all*tf,n_r_all*(tr+tf)
print(f"whole test set ({n_f_all} frames, {n_r_all} ROIs, {n_r_all/n_f_all:.2f} per frame), projected per model and view: "
      f"shared {sh:.0f} s, per-ROI {pr:.0f} s: {pr/sh:.2f}x")
print(f"5 folds x 2 views on this CPU: {10*sh/60:.1f} min shared, {10*pr/60:.1f} min per-ROI")
print(f"{a.archs} at {rs}/{fs}, bs {a.bs}, fp32; {platform.machine()}, {torch.get_num_threads()} torch threads")
