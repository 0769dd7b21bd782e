#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""How close the studio's tone preview (web/studio/tone.js) is to the exact
render at the view's size (issue 15): mean CIEDE2000 over the treated core
(the preview's coverage 250 and more) between the preview drawn as the page
draws it and the exact after image resized to the view, for a density and
dot size change and a mask edit (a disc erased), from what bench/tone_dump
wrote; also between the core's mean colours. For scale: what showing the photo, or the image before the change,
would cost instead.
Usage: bench/tone_error.py DIR PHOTO MASK W H D1 S1 (DIR: tone_dump's)"""
import json
import sys

import numpy as np
from PIL import Image

d, photo, mask, W, H, d1, s1 = sys.argv[1:8]
W, H, d1, s1 = int(W), int(H), float(d1), float(s1)
info = json.load(open(f"{d}/info.json"))


def lin(u8):
    c = u8 / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def srgb(v):
    v = np.clip(v, 0, 1)
    return np.round(255 * np.where(v <= 0.0031308, 12.92 * v, 1.055 * v ** (1 / 2.4) - 0.055))


def view(path, mode="RGB"):  # resized to the view as the page's canvas does (high quality)
    return np.asarray(Image.open(path).convert(mode).resize((W, H), Image.LANCZOS), dtype=np.float64)


def lab(rgb8):
    li = lin(rgb8)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = li @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def de2000(a, b):
    L1, a1, b1 = a[..., 0], a[..., 1], a[..., 2]
    L2, a2, b2 = b[..., 0], b[..., 1], b[..., 2]
    C1, C2 = np.hypot(a1, b1), np.hypot(a2, b2)
    Cm = (C1 + C2) / 2
    G = 0.5 * (1 - np.sqrt(Cm ** 7 / (Cm ** 7 + 25 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p, h2p = np.degrees(np.arctan2(b1, a1p)) % 360, np.degrees(np.arctan2(b2, a2p)) % 360
    dLp, dCp = L2 - L1, C2p - C1p
    dh = h2p - h1p
    dh = np.where(C1p * C2p == 0, 0, np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh)))
    dHp = 2 * np.sqrt(C1p * C2p) * np.sin(np.radians(dh / 2))
    Lm, Cmp = (L1 + L2) / 2, (C1p + C2p) / 2
    hs = h1p + h2p
    hm = np.where(C1p * C2p == 0, hs, np.where(np.abs(h1p - h2p) <= 180, hs / 2,
                                                 np.where(hs < 360, (hs + 360) / 2, (hs - 360) / 2)))
    T = (1 - 0.17 * np.cos(np.radians(hm - 30)) + 0.24 * np.cos(np.radians(2 * hm))
         + 0.32 * np.cos(np.radians(3 * hm + 6)) - 0.20 * np.cos(np.radians(4 * hm - 63)))
    dth = 30 * np.exp(-(((hm - 275) / 25) ** 2))
    RC = 2 * np.sqrt(Cmp ** 7 / (Cmp ** 7 + 25 ** 7))
    SL = 1 + 0.015 * (Lm - 50) ** 2 / np.sqrt(20 + (Lm - 50) ** 2)
    SC, SH = 1 + 0.045 * Cmp, 1 + 0.015 * Cmp * T
    RT = -np.sin(np.radians(2 * dth)) * RC
    return np.sqrt((dLp / SL) ** 2 + (dCp / SC) ** 2 + (dHp / SH) ** 2 + RT * (dCp / SC) * (dHp / SH))


maps = np.fromfile(f"{d}/maps.raw", dtype=np.uint8).reshape(H, W, 4).astype(np.float64)
ph = view(photo)
core = maps[..., 0] >= 250


def preview(density, area, scale, cover):
    li = lin(ph)
    s = (maps[..., 2] / 255 * li.min(-1))[..., None]
    t = np.exp(-scale * density / 100 * (cover / 255)[..., None] * np.array(area))
    v = (li - s) * t + s
    v += (li - v) * (maps[..., 3] / 255)[..., None]
    return srgb(v)


def core_ratio(img):
    y = np.array([0.2126, 0.7152, 0.0722])
    return (lin(img)[core] @ y).sum() / (lin(ph)[core] @ y).sum()


exact0, exact1 = view(f"{d}/exact0.png"), view(f"{d}/exact1.png")
du = info["density_used"]
cover = maps[..., 0]
model = core_ratio(preview(du, info["area0"], 1.0, cover))
scale = min(2, max(0.5, np.log(core_ratio(exact0)) / np.log(model)))
out = {"core_px": int(core.sum()), "scale": round(float(scale), 3)}


def mean_de(a, b):
    e = de2000(lab(a[core]), lab(b[core]))
    # and of the core's mean colours (linear light): the tone alone, without the dots' texture
    y = lambda img: lab(srgb(lin(img[core]).mean(0)))
    t = de2000(y(a), y(b))
    return {"mean": round(float(e.mean()), 2), "p95": round(float(np.percentile(e, 95)), 2),
            "of_means": round(float(t), 2)}


out["change"] = {"preview": mean_de(preview(d1, info["area1"], scale, cover), exact1),
                 "bare_model": mean_de(preview(d1, info["area1"], 1.0, cover), exact1),
                 "photo": mean_de(ph, exact1), "image_before": mean_de(exact0, exact1)}
try:
    exact2 = view(f"{d}/exact2.png")
    was = view(mask, "L")
    now = view(f"{d}/mask_edit.png", "L")
    diff = now - was
    # the page's coverFor: what changed, softened by box blurs (radius 1 view px, twice)
    for _ in range(2):
        for ax in (0, 1):
            p = np.pad(diff, [(1, 1) if a == ax else (0, 0) for a in (0, 1)], mode="edge")
            diff = (np.take(p, range(0, p.shape[ax] - 2), ax) + np.take(p, range(1, p.shape[ax] - 1), ax)
                    + np.take(p, range(2, p.shape[ax]), ax)) / 3
    cov2 = np.clip(np.round(cover + diff * maps[..., 1] / 255), 0, 255)
    # as the page draws it at the basis's settings: its exact image where the coverage did not change
    on_exact = np.where((cov2 != cover)[..., None], preview(du, info["area0"], scale, cov2), exact0)
    out["mask_edit"] = {"preview": mean_de(on_exact, exact2), "tone_alone": mean_de(preview(du, info["area0"], scale, cov2), exact2),
                        "photo": mean_de(ph, exact2), "image_before": mean_de(exact0, exact2)}
except FileNotFoundError:
    pass
print(json.dumps(out))
