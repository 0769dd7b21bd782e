// SPDX-License-Identifier: BSD-2-Clause
// The tone preview (issue 15): drawn on the page's thread within a few
// milliseconds of a density, dot size, shade, session, age or edge style
// change or a mask edit, while the workers make the exact image, which then replaces
// it. It is the last exact image with its dots' optical depth scaled by
// the new density and dot size's over its own (the pigment model's depth
// is their product) and by the shade's, session's and age's (lookScale,
// ageLook; what the match chooses again: held), so the dots keep their
// places and texture; where the mask (or the edge style: the coverage its
// shaping gives, smp_cache_tone_cover) changed since, its dots tiled from
// a square of its core (depthPatch), or without one the
// model's mean (smp_cache_tone_maps, smp_result_tone_area): skin under
// n dots/mm² of a size transmits exp(-n * area) of its diffuse light per
// channel, the shine stays on top and strands keep their pixels. Its
// basis comes with an exact image from the worker that renders at the
// preview's size: the coverage the dots followed, the hair already there,
// the shine and strands, and the area per dot for the dot sizes the
// slider offers; the exponent is calibrated on that exact image (its
// core's luminance), as the engine's match calibrates its own model.
// Never exported: the exports are the engine's exact images.
'use strict';
const smpTone = (() => {
  const toLin = new Float32Array(256);
  for (let i = 0; i < 256; i++) { const c = i / 255; toLin[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; }
  const N = 4096, toSrgb = new Uint8Array(N + 1);
  for (let i = 0; i <= N; i++) {
    const v = i / N, s = v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
    toSrgb[i] = Math.round(255 * Math.min(1, Math.max(0, s)));
  }
  const Y = [0.2126, 0.7152, 0.0722];

  // b: { w, h, photo (RGBA at w x h), maps (4 bytes a pixel), dots, areas
  // (3 per dot size), density (dots/cm² used), scale }.
  function areaAt(b, dot) {
    const d = b.dots, n = d.length;
    let i = 0;
    while (i < n - 2 && d[i + 1] < dot) i++;
    const f = Math.min(1, Math.max(0, (dot - d[i]) / (d[i + 1] - d[i])));
    return [0, 1, 2].map(c => b.areas[3 * i + c] + f * (b.areas[3 * (i + 1) + c] - b.areas[3 * i + c]));
  }

  // Per channel, a table over (photo code, exact code) of the exact
  // image's pixel with its optical depth times pow[c]: the dots stay where
  // the exact image has them, darker or fainter, so a density or dot size
  // change keeps their texture (a flat tone reads as a grey stain, the look
  // SMP avoids) until the engine's image comes.
  // lp (le / lp)^s is lp^(1-s) le^s: two tables of 256 powers per channel,
  // not an exp and a log per entry (65 536 of each, 25 ms of a tablet's
  // preview).
  // light: the light times that (a veil over full coverage: lookScale).
  function depthTables(pow, light = 1) {
    return pow.map(s => {
      const t = new Uint8Array(65536), keep = new Float64Array(256), dark = new Float64Array(256);
      for (let i = 0; i < 256; i++) { keep[i] = toLin[i] ** (1 - s); dark[i] = toLin[i] ** s; }
      for (let p = 0; p < 256; p++) {
        const lp = toLin[p], kp = keep[p] * light, same = light === 1 ? p : toSrgb[(lp * light * N + 0.5) | 0];
        for (let e = 0; e < 256; e++)
          t[(p << 8) | e] = toLin[e] >= lp ? same : toSrgb[(kp * dark[e] * N + 0.5) | 0];
      }
      return t;
    });
  }

  // A pixel's sRGB code with the pigment under its skin: of linear light
  // lin, the diffuse part (lin - shine) passes t, the shine stays on top,
  // and a strand's share keeps the photo's light, as the engine draws it.
  function underSkin(lin, shine, t, strand) {
    let v = (lin - shine) * t + shine;
    v += (lin - v) * strand;
    return toSrgb[(v * N + 0.5) | 0];
  }

  // The preview into out (RGBA, w x h): the photo, darkened where cover
  // (the dots' coverage per pixel, 0..255; the basis's own when null) is.
  // With the basis's exact image, that image where the coverage did not
  // change, its dots' depth scaled to these settings (depthTables; as it
  // is at the basis's own, same), and the model where the coverage did.
  // look: the dots for another shade or session shown (lookScale; null:
  // the basis's).
  function draw(b, density, dot, out, cover, same, look = null) {
    const k = cover || b.cover, m = b.maps, ph = b.photo, area = areaAt(b, dot);
    const was = b.exact ? areaAt(b, b.dot) : null, drop = look && look.keep < 1, veil = look && look.veil || 0;
    const one = !look ? 1 : drop || veil ? look.q : look.s, mean = !look ? 1 : look.s; // the exact image's dots', a model's
    const pow = was && [0, 1, 2].map(c => density * area[c] / (b.density * was[c]));
    same = same && one === 1 && !drop && !veil;
    if (!b.exact) out.set(ph);
    else if (same) out.set(b.exact);
    else scaleExact(b, pow.map(v => v * one), out, drop ? look.keep : 1, veil);
    if (pow) for (let c = 0; c < 3; c++) pow[c] *= mean;
    if (b.exact && !cover) return;
    if (b.patch) return patchChanged(b, k, pow, out);
    const lut = [new Float32Array(256), new Float32Array(256), new Float32Array(256)];
    for (let c = 0; c < 3; c++)
      for (let v = 0; v < 256; v++) lut[c][v] = Math.exp(-b.scale * mean * density / 100 * v / 255 * area[c]);
    const [t0, t1, t2] = lut;
    for (let i = 0, n = b.w * b.h; i < n; i++) {
      const kv = k[i];
      if (b.exact) {
        if (kv === b.cover[i]) continue;
        if (!kv) { out.set(ph.subarray(4 * i, 4 * i + 4), 4 * i); continue; }
      } else if (!kv) continue;
      const j = 4 * i, r = toLin[ph[j]], g = toLin[ph[j + 1]], bl = toLin[ph[j + 2]];
      const s = m[j + 2] / 255 * Math.min(r, g, bl), strand = m[j + 3] / 255;
      out[j] = underSkin(r, s, t0[kv], strand);
      out[j + 1] = underSkin(g, s, t1[kv], strand);
      out[j + 2] = underSkin(bl, s, t2[kv], strand);
    }
  }

  // Where a mask edit changed the coverage: the exact image's dots of
  // b.patch tiled there, their depth scaled to the settings (pow) and the
  // coverage, under the shine and strands as the engine draws them, so a
  // stroke shows dots at once, not a flat tone; the photo where the
  // coverage fell to nothing.
  function patchChanged(b, k, pow, out) {
    const m = b.maps, ph = b.photo, { P, d } = b.patch;
    for (let i = 0, n = b.w * b.h; i < n; i++) {
      const kv = k[i];
      if (kv === b.cover[i]) continue;
      const j = 4 * i;
      if (!kv) { out[j] = ph[j]; out[j + 1] = ph[j + 1]; out[j + 2] = ph[j + 2]; continue; }
      const y = (i / b.w) | 0, x = i - y * b.w, q = 3 * ((y % P) * P + (x % P)), f = kv / 255;
      const lin = [toLin[ph[j]], toLin[ph[j + 1]], toLin[ph[j + 2]]];
      const s = m[j + 2] / 255 * Math.min(lin[0], lin[1], lin[2]), strand = m[j + 3] / 255;
      for (let c = 0; c < 3; c++) out[j + c] = underSkin(lin[c], s, Math.exp(-d[q + c] * f * pow[c]), strand);
    }
  }

  // The exact image's dots to tile where a mask edit adds coverage: the
  // optical depth per channel of a P x P square of its core (coverage 250
  // and more in nine tenths of it: the hair already there thins the dots
  // in spots), the least shiny one (the shine lies over the pigment and
  // hides part of its depth); null without such a square.
  function depthPatch(b) {
    const { w, h, cover, maps: m, photo: ph, exact: ex } = b, P = 64, W1 = w + 1;
    if (w < P || h < P) return null;
    const bad = new Int32Array(W1 * (h + 1)), shine = new Float64Array(W1 * (h + 1));
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = (y + 1) * W1 + x + 1;
        bad[i] = bad[i - 1] + bad[i - W1] - bad[i - W1 - 1] + (cover[y * w + x] < 250);
        shine[i] = shine[i - 1] + shine[i - W1] - shine[i - W1 - 1] + m[4 * (y * w + x) + 2];
      }
    const sum = (a, x, y) => a[(y + P) * W1 + x + P] - a[y * W1 + x + P] - a[(y + P) * W1 + x] + a[y * W1 + x];
    let best = null, least = Infinity;
    for (let y = 0; y + P <= h; y += 8)
      for (let x = 0; x + P <= w; x += 8)
        if (sum(bad, x, y) <= P * P / 10 && sum(shine, x, y) < least) { least = sum(shine, x, y); best = [x, y]; }
    if (!best) return null;
    const d = new Float32Array(3 * P * P);
    for (let y = 0; y < P; y++)
      for (let x = 0; x < P; x++) {
        const j = 4 * ((best[1] + y) * w + best[0] + x);
        for (let c = 0; c < 3; c++) {
          const p = toLin[ph[j + c]], r = p > 0 ? Math.min(1, toLin[ex[j + c]] / p) : 1;
          d[3 * (y * P + x) + c] = -Math.log(Math.max(r, 1e-4));
        }
      }
    return { P, d };
  }

  // The basis's exact image with its dots' depth scaled by pow (per
  // channel: depthTables) into out; outside the coverage it is the photo.
  // keep < 1: that share of cells (about half a millimetre: b.soften px)
  // keeps its dots, the others show the photo (a hash of the cell, drawn
  // once a row of cells); veil > 0: under that share of the light less,
  // times the coverage (lookScale: in the tables, taken back in part
  // where the coverage is not full).
  function scaleExact(b, pow, out, keep = 1, veil = 0) {
    const ph = b.photo, ex = b.exact, cover = b.cover, w = b.w, cs = Math.max(1, b.soften || 1);
    const [t0, t1, t2] = depthTables(pow, 1 - veil);
    // (Each pixel's column: whether its cell in this row of cells keeps its
    // dots. The veil where the coverage k is not full: the tables' taken
    // back by gk[k], on the sRGB codes as a power of 1 / 2.2 of the light's
    // factor: within a code of the exact conversion, without its three
    // lookups a channel over the edge's wide band.)
    const cut = Math.floor(keep * 4294967296), kept = new Uint8Array(w).fill(1), gk = new Float64Array(256);
    if (veil) for (let k = 0; k < 256; k++) gk[k] = ((1 - veil * k / 255) / (1 - veil)) ** (1 / 2.2);
    out.set(ex);
    for (let y = 0; y < b.h; y++) {
      if (keep < 1 && y % cs === 0) {
        const cy = y / cs;
        for (let cx = 0; cx * cs < w; cx++) {
          let hsh = Math.imul(cx, 0x9e3779b1) ^ Math.imul(cy + 0x632be5ab, 0x85ebca77);
          hsh = Math.imul(hsh ^ (hsh >>> 15), 0x2c1b3c6d);
          hsh = Math.imul(hsh ^ (hsh >>> 12), 0x297a2d39);
          const v = ((hsh ^ (hsh >>> 15)) >>> 0) < cut ? 1 : 0;
          for (let x = cx * cs, e = Math.min(w, x + cs); x < e; x++) kept[x] = v;
        }
      }
      for (let x = 0, i = y * w; x < w; x++, i++) {
        const k = cover[i];
        if (!k) continue;
        const j = 4 * i;
        if (keep < 1 && !kept[x]) { out[j] = ph[j]; out[j + 1] = ph[j + 1]; out[j + 2] = ph[j + 2]; continue; }
        if (veil && k < 255) {
          const g = gk[k]; // (out clamps and rounds)
          out[j] = t0[(ph[j] << 8) | ex[j]] * g;
          out[j + 1] = t1[(ph[j + 1] << 8) | ex[j + 1]] * g;
          out[j + 2] = t2[(ph[j + 2] << 8) | ex[j + 2]] * g;
          continue;
        }
        out[j] = t0[(ph[j] << 8) | ex[j]];
        out[j + 1] = t1[(ph[j + 1] << 8) | ex[j + 1]];
        out[j + 2] = t2[(ph[j + 2] << 8) | ex[j + 2]];
      }
    }
  }

  // The pigment's depth for a shade and a session shown, relative to each
  // dot's: session k of n is drawn at dilution d + 0.05 (n - k), at most
  // 0.95, and a dot's optical depth is the pigment's gain times 1 - the
  // dilution (look.c smp__session_depths, optics.c smp__od_for_dilution),
  // so the gain cancels in a ratio. s: { dilution (0..1), layers
  // (cumulative %), session (0: all) }. Its dots' share of the last
  // session's (count) and their depth summed (sum).
  function sessionDepth(dilution, layers, session) {
    const n = layers.length, shown = session > 0 && session < n ? session : n;
    let sum = 0, prev = 0;
    for (let k = 1; k <= shown; k++) {
      const d = Math.min(1, Math.max(0, Math.min(0.95, dilution + 0.05 * (n - k))));
      sum += (layers[k - 1] - prev) / 100 * (1 - d);
      prev = layers[k - 1];
    }
    return { count: prev / 100, sum };
  }

  // The look's dot size and load factors for an age in years (-1 fresh,
  // 0 healed), as the engine's (optics.c smp__optics_for_look): a dot's
  // depth goes with its load; its size, as a dot size change's does (the
  // preview's areas are the basis's look's; its halo's spread is not
  // modelled).
  function ageLook(years) {
    return years < 0 ? { size: 1.4, load: 1.15 } : { size: Math.min(1 + 0.04 * years, 1.4), load: Math.exp(-years / 5) };
  }

  // How the basis's dots change for the shade and session of s over the
  // basis's (b.look: the same fields, its dilution the one the engine
  // used): { q, keep, s }. The same dots shown (keep 1): each dot's depth
  // scales by q, the mean ratio, as the engine's does (exactly with one
  // session). Fewer dots shown (keep < 1, another session): a share keep
  // of the basis's dots, each at depth q, the others gone; the preview
  // cannot know which dots the session has, so it keeps cells about half
  // a millimetre wide by a hash (at the preview's size a dot is a pixel or
  // two): sparser dots of the right depth, the core's mean darkening that
  // share of the basis's. More dots (keep > 1): none to place, so the
  // basis's dots at depth q under a veil (veil: the share of the light it
  // takes, times the coverage) that gives the core the mean darkening of
  // that many dots at depth q (coreDarkening): darker dots instead would
  // read as a sparser, more contrasted pattern than the engine's. s: the
  // uniform depth scale giving the same mean, where the preview draws dots
  // of its own (a mask edit's). Null: not modelled.
  // load: the dots' load over the basis's (the age's: ageLook). count: the
  // dots' number over the basis's (a density the match chose: held), dot:
  // their size, whose darkened area the draw's own depth scaling carries
  // (here it only weighs the darkening the kept or veiled dots give).
  function lookScale(b, s, load = 1, count = 1, dot = b.dot) {
    const was = sessionDepth(b.look.dilution, b.look.layers, b.look.session);
    const now = sessionDepth(s.dilution, s.layers, s.session);
    if (!(was.sum > 0 && was.count > 0)) return null;
    if (!(now.sum > 0)) return { q: 0, keep: 1, s: 0 };
    const q = load * (now.sum / now.count) / (was.sum / was.count); // each dot's depth
    const keep = count * now.count / was.count;
    if (Math.abs(keep - 1) < 1e-9) return { q, keep: 1, s: q };
    const h = coreDarkening(b), size = lumArea(b, dot) / lumArea(b, b.dot);
    if (!h) return keep < 1 ? { q, keep, s: q * keep, veil: 0 } : null;
    const dots = h.at(q * size), target = Math.min(h.max, keep * dots);
    let lo = 0, hi = 16;
    for (let i = 0; i < 40; i++) { const mid = (lo + hi) / 2; if (h.at(mid) < target) lo = mid; else hi = mid; }
    return { q, keep, s: (lo + hi) / 2 / size, veil: keep > 1 && dots < 1 ? Math.min(0.9, (keep - 1) * dots / (1 - dots)) : 0 };
  }

  // A dot's darkened area, weighed by luminance.
  function lumArea(b, dot) {
    const a = areaAt(b, dot);
    return Y[0] * a[0] + Y[1] * a[1] + Y[2] * a[2];
  }

  // What the engine's match chooses again after a change to what was
  // fixed. Where the basis's met its reference (b.aim 1: smp_aim), the same
  // tone. The dots' ink over the core goes as density x darkened area x
  // depth (the match's model, match.c predict_from_area), so the axes
  // left to the match (free: { density, dot, dilution }) take back the
  // change's ratio: the density first, then the dot size, then the
  // dilution, each within the match's range (match.c ranges), as the engine
  // moves them (a fixed density: smaller, paler dots; a fixed dot size or
  // shade: more or fewer dots). want: { density, dot, dilution }, the
  // settings with the free axes at the basis's values; returns the same,
  // matched. Where the reference is darker than the ranges reach (b.aim
  // 2), the most ink they allow. Without this the preview darkened with a
  // density or dot size change that the exact image then took back (at the
  // page's opening settings: the core's mean 167.6 -> 160.4 -> 167.6).
  function held(b, want, free) {
    const [most, least] = free.dot ? [150, 80] : [200, 40]; // dots/cm² (match.c ranges)
    // (Before the shortcut below: an axis the basis fixed may be free now.)
    if (b.aim === 2) {
      return { density: free.density ? most : want.density, dot: free.dot ? 0.35 : want.dot,
        dilution: free.dilution ? 0 : want.dilution };
    }
    if (want.density === b.density && want.dot === b.dot && want.dilution === b.look.dilution) return want;
    const aY = dot => lumArea(b, dot);
    const depth = d => { const s = sessionDepth(d, b.look.layers, 0); return s.count > 0 ? s.sum / s.count : 0; };
    const ink = (n, dot, d) => n * aY(dot) * depth(d);
    const out = Object.assign({}, want), was = ink(b.density, b.dot, b.look.dilution), now = ink(want.density, want.dot, want.dilution);
    if (!(was > 0 && now > 0)) return out;
    let r = was / now;
    // The value in [lo, hi] where f (monotone) is nearest target.
    const solve = (f, target, lo, hi) => {
      const up = f(hi) > f(lo);
      for (let i = 0; i < 40; i++) { const m = (lo + hi) / 2; if ((f(m) < target) === up) lo = m; else hi = m; }
      return (lo + hi) / 2;
    };
    if (free.density) {
      out.density = Math.min(most, Math.max(least, want.density * r));
      r *= want.density / out.density;
    }
    if (free.dot && Math.abs(r - 1) > 1e-9) {
      out.dot = solve(aY, aY(want.dot) * r, 0.25, 0.35);
      r *= aY(want.dot) / aY(out.dot);
    }
    if (free.dilution && Math.abs(r - 1) > 1e-9) out.dilution = solve(depth, depth(want.dilution) * r, 0, 0.9);
    return out;
  }

  // The core's mean darkening (1 - after / before, luminance, linear) with
  // the basis's dots' depth times s: at(s), from a histogram of the
  // exact image's core pixels' ratios (kept with the basis).
  function coreDarkening(b) {
    if (b.darkening !== undefined) return b.darkening;
    b.darkening = null;
    const d = b.dark || darkHist(b);
    if (!d) return null;
    const { hist, n } = d, B = hist.length;
    const at = s => {
      let v = 0;
      for (let i = 0; i < B; i++) if (hist[i]) v += hist[i] * (1 - ((i + 0.5) / B) ** s);
      return v / n;
    };
    b.darkening = { at, max: at(16) };
    return b.darkening;
  }
  // Its histogram: { hist (512 bins of after / before), n (core pixels) },
  // or null. Made with the basis, in the worker (a pass over the image:
  // 30 ms at 3 MP in node, 4 times that on a tablet's page thread).
  function darkHist(b) {
    if (!b.exact) return null;
    // (Pixels the dots leave as they were count, with no darkening.)
    const B = 512, hist = new Float64Array(B), m = b.maps, ph = b.photo, ex = b.exact;
    let n = 0;
    for (let i = 0, N = b.w * b.h; i < N; i++) {
      if (m[4 * i] < 250) continue;
      const j = 4 * i;
      const y0 = Y[0] * toLin[ph[j]] + Y[1] * toLin[ph[j + 1]] + Y[2] * toLin[ph[j + 2]];
      const y1 = Y[0] * toLin[ex[j]] + Y[1] * toLin[ex[j + 1]] + Y[2] * toLin[ex[j + 2]];
      if (!(y0 > 0)) continue;
      n++;
      if (y1 < y0) hist[Math.floor(y1 / y0 * B)]++;
    }
    return n ? { hist, n } : null;
  }

  // The core's luminance (coverage 250 and more) relative to the photo's:
  // of an image (RGBA), or of the model at scale 1.
  function coreRatio(b, img, density, dot) {
    const m = b.maps, ph = b.photo;
    let before = 0, after = 0;
    const model = img ? null : new Uint8ClampedArray(ph.length);
    if (model) draw(Object.assign({}, b, { scale: 1, exact: null, patch: null }), density, dot, model, null);
    const a = img || model;
    for (let i = 0, n = b.w * b.h; i < n; i++) {
      if (m[4 * i] < 250) continue;
      for (let c = 0; c < 3; c++) { before += Y[c] * toLin[ph[4 * i + c]]; after += Y[c] * toLin[a[4 * i + c]]; }
    }
    return before > 0 ? after / before : NaN;
  }

  // A basis from a worker's answer, calibrated on its exact image (at the
  // same size) when there is one, else at the scale given.
  function basis(w, h, photo, maps, dots, areas, density, dot, exact, scale) {
    const cover = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) cover[i] = maps[4 * i];
    const b = { w, h, photo, maps, dots, areas, density, dot, cover, scale, exact: null, patch: null };
    if (!exact) return b;
    b.exact = new Uint8ClampedArray(exact.buffer);
    b.patch = depthPatch(b);
    const real = coreRatio(b, exact), model = coreRatio(b, null, density, dot);
    const k = Math.log(real) / Math.log(model);
    if (Number.isFinite(k) && model < 0.999 && real < 1) b.scale = Math.min(2, Math.max(0.5, k));
    return b;
  }

  // Box blur of radius r (px) along rows then columns, in place.
  function blur(a, w, h, r) {
    const tmp = new Float32Array(Math.max(w, h));
    const pass = (n, count, at) => {
      for (let line = 0; line < count; line++) {
        let sum = 0;
        for (let i = -r; i <= r; i++) sum += a[at(line, Math.min(n - 1, Math.max(0, i)))];
        for (let i = 0; i < n; i++) {
          tmp[i] = sum / (2 * r + 1);
          sum += a[at(line, Math.min(n - 1, i + r + 1))] - a[at(line, Math.max(0, i - r))];
        }
        for (let i = 0; i < n; i++) a[at(line, i)] = tmp[i];
      }
    };
    pass(w, h, (y, x) => y * w + x);
    pass(h, w, (x, y) => y * w + x);
  }

  // The box of the pixels whose values differ in a and b (w wide, n
  // pixels), [x0, y0, x1, y1]; x1 < 0 when none. Four pixels a word where
  // both lie on word boundaries: each preview of a stroke compares two
  // 3 MB masks whole.
  function changedBox(a, b, w, n) {
    let x0 = w, y0 = n, x1 = -1, y1 = -1;
    const at = i => {
      const y = (i / w) | 0, x = i - y * w;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    };
    let i = 0;
    if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
      const m = n >> 2, wa = new Uint32Array(a.buffer, a.byteOffset, m), wb = new Uint32Array(b.buffer, b.byteOffset, m);
      for (let k = 0; k < m; k++)
        if (wa[k] !== wb[k]) for (let j = 4 * k; j < 4 * k + 4; j++) if (a[j] !== b[j]) at(j);
      i = 4 * m;
    }
    for (; i < n; i++) if (a[i] !== b[i]) at(i);
    return [x0, y0, x1, y1];
  }
  // The coverage coverFor gives, its array kept for the next (draw reads
  // it once): not 1.7-3 MB made fresh for each preview of a stroke.
  let coverOut = null;

  // The coverage after a mask edit: the basis's, plus what the mask gained
  // or lost since (working size mw x mh), at the preview's size, softened
  // as the edge softens coverage (radius r preview px, twice) and taking
  // the hair already there into account. Null when nothing changed.
  function coverFor(b, was, now, mw, mh, r) {
    const [x0, y0, x1, y1] = changedBox(was, now, mw, mw * mh);
    if (x1 < 0) return null;
    const kx = b.w / mw, ky = b.h / mh, pad = 2 * r + 2;
    const X0 = Math.max(0, Math.floor(x0 * kx) - pad), X1 = Math.min(b.w - 1, Math.ceil(x1 * kx) + pad);
    const Y0 = Math.max(0, Math.floor(y0 * ky) - pad), Y1 = Math.min(b.h - 1, Math.ceil(y1 * ky) + pad);
    const W = X1 - X0 + 1, H = Y1 - Y0 + 1, d = new Float32Array(W * H), cnt = new Float32Array(W * H);
    for (let y = Math.floor(Y0 / ky); y < Math.min(mh, Math.ceil((Y1 + 1) / ky)); y++) {
      const Y = Math.min(H - 1, Math.max(0, Math.floor(y * ky) - Y0));
      for (let x = Math.floor(X0 / kx); x < Math.min(mw, Math.ceil((X1 + 1) / kx)); x++) {
        const i = Y * W + Math.min(W - 1, Math.max(0, Math.floor(x * kx) - X0));
        d[i] += now[y * mw + x] - was[y * mw + x];
        cnt[i]++;
      }
    }
    for (let i = 0; i < d.length; i++) d[i] = cnt[i] ? d[i] / cnt[i] : 0;
    blur(d, W, H, r);
    blur(d, W, H, r);
    if (!coverOut || coverOut.length !== b.cover.length) coverOut = new Uint8Array(b.cover.length);
    const cover = coverOut;
    cover.set(b.cover);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = (y + Y0) * b.w + x + X0;
        cover[i] = Math.min(255, Math.max(0, Math.round(cover[i] + d[y * W + x] * b.maps[4 * i + 1] / 255)));
      }
    return cover;
  }

  return { basis, draw, coverFor, areaAt, lookScale, ageLook, held, darkHist };
})();
