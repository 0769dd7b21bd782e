// SPDX-License-Identifier: BSD-2-Clause
// A redraw worker: its own engine session (the library in WebAssembly,
// with an analysis cache: smp_simulate_cached) holding one photo, so the
// page's thread never waits on a render. The page sends the photo once,
// then a request per change (the settings and the mask); each is answered
// with the after image as RGBA, or with what went wrong. The page keeps
// at most one request in flight per worker and drops stale answers.
// The same script serves the mask worker (analysis, below: the suggested
// mask, the hairline and the scale estimate, which need the scalp
// analysis, a second or more at the working size) and the full-size
// export (exportFull, below).
'use strict';
let M = null, S = 0, P = 0, W = 0, H = 0;
let photoPx = null; // the photo's RGBA as the page sent it (for the tone preview's photo)
const early = []; // messages that came while the engine was starting

function post(msg, transfer) { self.postMessage(msg, transfer || []); }

function setPhoto(m) {
  const buf = M._st_rgba(S, m.w, m.h);
  if (!buf) return 'out of memory';
  M.HEAPU8.set(new Uint8Array(m.rgba), buf);
  if (M._st_set_photo(S, m.w, m.h, m.format)) return M.UTF8ToString(M._st_message(S));
  W = m.w; H = m.h;
  photoGen = m.gen;
  maskNow = null;
  spare.length = 0;
  shrinkBuf = null;
  photoPx = m.keep ? new Uint8ClampedArray(m.rgba) : null; // the redraw worker's, for toneBasis
  return null;
}

// sim.c's steps, in the order it reports them (bench/steps.h names them too).
const STEPS = ['read_inputs', 'use_shade_maps', 'skin_maps', 'measure_stubble', 'shape_coverage', 'choose_shade',
  'place_dots', 'render_after', 'measure_after'];
// The clock the page reads too (performance.now() starts with each worker).
const clock = () => performance.timeOrigin + performance.now();
function render(m) {
  const t0 = performance.now(), start = clock();
  if (!W) return { ok: false, msg: 'no photo' };
  const err = smpApplySettings(M, S, P, m.settings, m.ppm);
  if (err) return { ok: false, msg: err };
  // The mask as painted (working size): the library resamples a mask of
  // the photo's aspect ratio to a smaller photo.
  const mp = (m.mw === W && m.mh === H) ? M._st_mask(S) : M._st_mask_alloc(S, m.mw, m.mh);
  if (!mp) return { ok: false, msg: 'out of memory' };
  M.HEAPU8.set(new Uint8Array(m.mask), mp);
  maskNow = m.maskHash;
  renderId = m.id;
  // The page's share of the render for this worker, balanced by when the two parts came (studio.js: tuneShare).
  if (m.share && bandsPort && bandsShare) M._st_bands_tune(S, m.share);
  postMs = 0;
  if (M._st_simulate_cached(S)) return { ok: false, msg: M.UTF8ToString(M._st_message(S)) };
  const t1 = performance.now();
  const steps = {}; // the engine's own steps (sim.c), as glue.c timed them
  STEPS.forEach((name, k) => { const ms = M._st_step_ms(S, k); if (ms >= 0) steps[name] = ms; });
  // The rows from split on are the render-only worker's (smpBandsPost):
  // the page puts them in (-1: all drawn here).
  const split = M._st_bands_split(S);
  // (A split render: its own rows alone; the page puts the others in.)
  const rows = split >= 0 ? split : H;
  const p = M._st_after_rows(S, rows);
  if (!p) return { ok: false, msg: 'out of memory' };
  const t2 = performance.now();
  const rgba = rgbaOut(p, 4 * W * rows, 4 * W * H);
  const info = [];
  for (let k = 0; k < 10; k++) info.push(M._st_info(S, k));
  const notes = smpNotes(M, S);
  // Where the time went (ms), for the page's timings: the engine, the
  // after image as RGBA, its copy out; start and end on the common clock.
  const stages = { engine: t1 - t0, steps, post: postMs, rgba: t2 - t1, copy: performance.now() - t2, start, end: clock() };
  // The mask's buffer goes back with the answer (the page keeps it for the tone preview).
  return { ok: true, rgba, w: W, h: H, info, notes, engineMs: t1 - t0, reused: M._st_reused(S), heap: M.HEAPU8.length, stages,
    after: p, mask: m.mask, split };
}

// The render split between this worker and a render-only one (the page's
// 'bands' worker; glue.c, st_bands_*), over a MessageChannel between the
// two: while the engine draws the first bands of an after image, the
// other draws the rest, from the dots and the render's inputs posted here
// once they are made (the engine calls smpBandsPost from within the run),
// and answers the page with its rows.
let bandsPort = null, bandsShare = 0, renderId = 0, photoGen = 0;
// The jobs' buffers, back from the render-only worker once it has read
// them: writing a fresh 1.3 MB buffer (26 000 dots) cost 3.5 ms of page
// faults, on the path to that worker's start; a used one, 0.05 ms.
const jobSpare = [];
let postMs = 0; // the last run's time in smpBandsPost (the page's timings: stages.post)
// Called by the engine (glue.c: bands_post) in the middle of a run: 1 when posted.
// eslint-disable-next-line no-unused-vars
function smpBandsPost(head, headLen, dots, dotsLen, spec, specLen, strands, strandsLen, maps) {
  if (!bandsPort) return 0;
  const t0 = performance.now();
  if (maps) {
    const sp = specLen ? M.HEAPU8.slice(spec, spec + specLen).buffer : null;
    const sr = strandsLen ? M.HEAPU8.slice(strands, strands + strandsLen).buffer : null;
    bandsPort.postMessage({ type: 'maps', head: M.HEAPU8.slice(head, head + headLen).buffer, spec: sp, strands: sr },
      [sp, sr].filter(Boolean));
  }
  const len = headLen + dotsLen;
  let buf = null;
  while (jobSpare.length && !buf) { buf = jobSpare.pop(); if (buf.byteLength < len) buf = null; }
  // (A quarter more: room for the denser positions' dots.)
  if (!buf) buf = new ArrayBuffer(len + (len >> 2));
  const job = new Uint8Array(buf, 0, len);
  job.set(M.HEAPU8.subarray(head, head + headLen));
  job.set(M.HEAPU8.subarray(dots, dots + dotsLen), headLen);
  bandsPort.postMessage({ type: 'job', id: renderId, gen: photoGen, job: buf, len, start: clock() }, [buf]);
  postMs = performance.now() - t0;
  return 1;
}
// The render-only worker's rows (y0 on) into this engine's after image,
// for the tone preview's basis made from it; their buffer goes back there.
function bandsRows(m) {
  if (m.id !== renderId || !M._st_bands_split) return;
  const a = M._malloc(m.rgba.byteLength);
  if (a) {
    M.HEAPU8.set(new Uint8Array(m.rgba), a);
    M._st_bands_rows(S, a, m.y0);
    M._free(a);
  }
  if (bandsPort) bandsPort.postMessage({ type: 'recycle', buf: m.rgba }, [m.rgba]);
}
// The render-only worker failed: the rest of the last run's render drawn
// here, its rows answered as that worker's would be.
function bandsRest(m) {
  const y0 = M._st_bands_split(S);
  if (m.id !== renderId || y0 < 0) return { ok: false, msg: 'no split render to finish' };
  const t0 = performance.now();
  if (M._st_bands_rest(S)) return { ok: false, msg: M.UTF8ToString(M._st_message(S)) };
  const p = M._st_after(S);
  if (!p) return { ok: false, msg: 'out of memory' };
  const rgba = M.HEAPU8.slice(p + 4 * W * y0, p + 4 * W * H).buffer;
  return { ok: true, y0, rgba, here: true, ms: performance.now() - t0 };
}
// The render-only worker's side: the skin maps when they change, then a
// job per split render (its rows answered to the page), buffers back.
const bandsSpare = [];
function bandsJob(m) {
  if (m.type === 'recycle') { if (bandsSpare.length < 2) bandsSpare.push(m.buf); return; }
  if (!M || !S) return;
  if (m.type === 'maps') {
    const h = M._malloc(m.head.byteLength);
    const put = (b) => {
      if (!b) return 0;
      const q = M._malloc(b.byteLength);
      if (q) M.HEAPU8.set(new Uint8Array(b), q);
      return q;
    };
    M.HEAPU8.set(new Uint8Array(m.head), h);
    M._st_bands_maps(S, h, put(m.spec), put(m.strands));
    M._free(h);
    return;
  }
  if (m.type !== 'job') return;
  const t0 = performance.now(), start = clock();
  const len = m.len;
  const j = m.gen === photoGen ? M._malloc(len) : 0;
  let r;
  // (Messages on the page's channel and on this one may come in either
  // order: a job for a photo not yet here, or gone, is refused.)
  if (m.gen !== photoGen) r = { ok: false, msg: 'a render job for another photo' };
  else if (!j) r = { ok: false, msg: 'out of memory' };
  if (j) M.HEAPU8.set(new Uint8Array(m.job, 0, len), j);
  bandsPort.postMessage({ type: 'job back', buf: m.job }, [m.job]);
  if (!r) {
    const p = M._st_bands_render(S, j, len);
    M._free(j);
    if (!p) r = { ok: false, msg: M.UTF8ToString(M._st_message(S)) };
    else {
      const y0 = M._st_bands_split(S), n = 4 * W * (H - y0);
      let b = null;
      while (bandsSpare.length && !b) { b = bandsSpare.pop(); if (b.byteLength !== n) b = null; }
      if (b) new Uint8Array(b).set(M.HEAPU8.subarray(p, p + n));
      else b = M.HEAPU8.slice(p, p + n).buffer;
      r = { ok: true, y0, rgba: b, ms: performance.now() - t0 };
    }
  }
  Object.assign(r, { type: 'rows', id: m.id, posted: m.start, start, end: clock(), heap: M.HEAPU8.length });
  post(r, r.rgba ? [r.rgba] : []);
}

// A slider position's dots made ready (st_prepare: sampled into the
// cache's memo, no image) while the consultant looks at the last exact
// image, so that a change to that position later skips the sampling. The
// page sends one position per message, only when no change waits, so a
// change waits behind one at most. On the mask of the last render (its
// hash: maskHash), which is the engine's.
let maskNow = null;
function warm(m) {
  if (!W) return { ok: false, msg: 'no photo' };
  readySpare();
  if (m.maskHash !== maskNow) return { ok: false, msg: 'another mask' };
  const t0 = performance.now();
  const err = smpApplySettings(M, S, P, m.settings, m.ppm);
  if (err) return { ok: false, msg: err };
  const made = M._st_prepare(S);
  if (made < 0) return { ok: false, msg: M.UTF8ToString(M._st_message(S)) };
  // Another edge style made ready: its coverage at the tone preview's size.
  const cover = m.cover && tonePx ? toneCover(tonePx.w, tonePx.h) : null;
  return { ok: true, made, ms: performance.now() - t0, held: M._st_points_held(S, 0),
    bytes: M._st_points_held(S, 1), heap: M.HEAPU8.length, cover, coverSize: cover && [tonePx.w, tonePx.h] };
}

// n bytes at p in the engine's memory into a buffer the page gave back
// (recycle), else a new one: a fresh 12 MB buffer per redraw costs 30 ms
// in Chromium (its allocation and the collections it brings), a copy 3.
const spare = [];
// (n of its size bytes: the rest is the page's to fill.)
function rgbaOut(p, n, size) {
  let b = null;
  while (spare.length && !b) {
    b = spare.pop();
    if (b.byteLength !== size) b = null;
  }
  if (!b && n === size) return M.HEAPU8.slice(p, p + n).buffer;
  if (!b) b = new ArrayBuffer(size);
  new Uint8Array(b).set(M.HEAPU8.subarray(p, p + n));
  return b;
}
// A spare written through once, made while the consultant looks (warm), for
// the next exact image: the page gives buffers back only once it holds
// SEEN_MAX images, and the first writes to a fresh one cost the first
// redraws after opening a photo 18 ms here and 20-30 ms more in the page's
// join of the two parts (its pages taken from the system one by one).
function readySpare() {
  if (spare.length) return;
  const b = new ArrayBuffer(4 * W * H);
  new Uint32Array(b).fill(0);
  spare.push(b);
}

// The tone preview's basis (tone.js) from this run: its maps at the
// preview's size (at most this photo's), the area per dot for each of
// the dot sizes asked, the after image at the preview's size (its
// calibration: the photo's own size, or drawn smaller), and when asked the
// photo at that size; and the basis made from them here (smpTone.basis:
// its coverage, dot patch and calibration), not on the page's thread, where
// on a tablet's slower CPU it held the thumb and the finger for a second
// or two each time an exact image came.
let tonePx = null; // the photo at the preview's size: { src, w, h, px }
// Made in steps (a generator: sendBasis yields to the worker's messages
// between them): the after image drawn smaller, the maps, the areas and
// the basis itself each take 25-80 ms on the 12 MP crown.
function* toneBasis({ w, h, dots, photo, scale }, after, info, edge) {
  if (!(w <= W && h <= H)) return null;
  const small = w !== W || h !== H;
  const exact = small ? shrink(new Uint8ClampedArray(M.HEAPU8.buffer, after, 4 * W * H), w, h)
    : M.HEAPU8.slice(after, after + 4 * W * H).buffer;
  if (!tonePx || tonePx.src !== photoPx || tonePx.w !== w || tonePx.h !== h) {
    const px = small ? shrink(photoPx, w, h) : photoPx.slice().buffer;
    if (!px) return null;
    tonePx = { src: photoPx, w, h, px: new Uint8ClampedArray(px) };
  }
  yield;
  const p = M._st_tone_maps(S, w, h);
  if (!p) return null;
  const maps = M.HEAPU8.slice(p, p + 4 * w * h);
  // The coverage under the other edge styles whose shapings the engine
  // holds (made ready before), for an edge change's tone preview.
  const covers = {};
  try {
    for (const e of EDGE_STYLES) {
      if (e === edge || M._smp_params_set_edge(P, e)) continue;
      const c = toneCover(w, h);
      if (c) covers[e] = c;
    }
  } finally {
    M._smp_params_set_edge(P, edge);
  }
  yield;
  const a = M._malloc(24), areas = new Float64Array(3 * dots.length);
  for (let i = 0; i < dots.length; i++) {
    if (M._st_tone_area(S, dots[i], a)) { M._free(a); return null; }
    areas.set(M.HEAPF64.subarray(a / 8, a / 8 + 3), 3 * i);
  }
  M._free(a);
  yield;
  const b = smpTone.basis(w, h, tonePx.px, maps, dots, areas, info[1], info[2], exact ? new Uint8Array(exact) : null, scale);
  yield;
  // The core's darkening by depth (tone.js coreDarkening), here and not on the page's thread.
  const dark = smpTone.darkHist(b);
  const built = { cover: b.cover.buffer, exact: b.exact ? b.exact.buffer : null, scale: b.scale,
    patch: b.patch ? { P: b.patch.P, d: b.patch.d.buffer } : null, dark: dark && { hist: dark.hist.buffer, n: dark.n } };
  return { maps: maps.buffer, areas, dots, w, h, built, covers, photo: photo ? tonePx.px.slice().buffer : null };
}
const EDGE_STYLES = [0, 1, 2]; // smp_edge's
// The engine's coverage under the params' edge style at w x h, or null.
function toneCover(w, h) {
  const p = M._st_tone_cover(S, w, h);
  return p ? M.HEAPU8.slice(p, p + w * h).buffer : null;
}
// An RGBA image of W x H drawn at w x h, as the page draws a canvas
// smaller (null without OffscreenCanvas).
let shrinkBuf = null;
function shrink(rgba, w, h) {
  if (typeof OffscreenCanvas === 'undefined') return null;
  const big = new OffscreenCanvas(W, H), c = new OffscreenCanvas(w, h), g = c.getContext('2d');
  // Through one buffer kept for the photo's size (a fresh 12 MB one per
  // redraw costs Chromium about 30 ms).
  if (!shrinkBuf || shrinkBuf.length !== rgba.length) shrinkBuf = new Uint8ClampedArray(rgba.length);
  shrinkBuf.set(rgba);
  big.getContext('2d').putImageData(new ImageData(shrinkBuf, W, H), 0, 0);
  g.imageSmoothingQuality = 'high';
  g.drawImage(big, 0, 0, w, h);
  return g.getImageData(0, 0, w, h).data.buffer;
}

// What needs the scalp analysis (made once per photo, at the photo's own
// scale estimate as `smpsim mask PHOTO` makes it): the suggested mask
// (op 'suggest'), a hairline cutting the mask sent (op 'hairline', its
// points xy in working pixels) and the scale estimate (op 'scale').
// Answered with the mask (photo size) or the px/mm, or what went wrong.
function analysis(m) {
  if (!W) return { ok: false, msg: 'no photo' };
  M._smp_params_set_px_per_mm(P, 0);
  if (m.op === 'scale') {
    const ppm = M._st_scale_estimate(S);
    return ppm > 0 ? { ok: true, ppm } : { ok: false, msg: M.UTF8ToString(M._st_message(S)) };
  }
  let mp = M._st_mask_alloc(S, W, H);
  if (!mp) return { ok: false, msg: 'out of memory' };
  let r;
  if (m.op === 'hairline') {
    M.HEAPU8.set(new Uint8Array(m.mask), mp);
    const a = M._malloc(16 * m.xy.length);
    if (!a) return { ok: false, msg: 'out of memory' };
    M.HEAPF64.set(m.xy.flat(), a / 8);
    r = M._st_hairline(S, a, m.xy.length);
    M._free(a);
  } else r = M._st_suggest(S);
  if (r) return { ok: false, msg: M.UTF8ToString(M._st_message(S)) };
  mp = M._st_mask(S);
  return { ok: true, mask: M.HEAPU8.slice(mp, mp + W * H).buffer };
}

// An export worker (started for one export, then ended, which frees its
// engine's memory): the after image at the photo's own size, made here so
// that the page's thread never holds the decode, the render or the PNG
// encoding. The photo is decoded here again from its file (the browser's
// decoder, EXIF orientation applied) and goes into the engine by strips of
// rows, so no whole-photo copy is made on the JavaScript side. Answers a
// PNG Blob and, when asked, the image as an ImageBitmap (the page's loupe).
const STRIP = 256;
async function exportFull(m) {
  if (typeof OffscreenCanvas === 'undefined') throw new Error('no OffscreenCanvas in workers here');
  const opts = { imageOrientation: 'from-image', colorSpaceConversion: 'none' };
  // Smaller than the photo (over the page's limit): decoded to that size.
  if (m.resize) Object.assign(opts, { resizeWidth: m.w, resizeHeight: m.h, resizeQuality: 'high' });
  const bmp = await createImageBitmap(m.file, opts);
  // At the size asked (the page's limit may make it smaller than the photo).
  const w = m.w || bmp.width, h = m.h || bmp.height;
  if (w * h > m.maxPixels) {
    bmp.close();
    throw new Error(`${w}×${h} is over the ${(m.maxPixels / 1e6).toFixed(0)} MP the engine takes`);
  }
  const err = smpApplySettings(M, S, P, m.settings, m.ppm);
  if (err) throw new Error(err);
  const c = new OffscreenCanvas(w, h), g = c.getContext('2d', { willReadFrequently: true });
  g.imageSmoothingQuality = 'high';
  g.drawImage(bmp, 0, 0, w, h);
  bmp.close();
  const buf = M._st_rgba(S, w, h);
  if (!buf) throw new Error(`out of memory for a ${w}×${h} photo`);
  for (let y = 0; y < h; y += STRIP) {
    const n = Math.min(STRIP, h - y);
    M.HEAPU8.set(g.getImageData(0, y, w, n).data, buf + 4 * w * y);
  }
  if (M._st_set_photo(S, w, h, m.format)) throw new Error(M.UTF8ToString(M._st_message(S)));
  // The RGBA copies go while the engine renders (its peak): the canvas's
  // pixels and the exchange buffer (whose memory the engine then reuses).
  c.width = 1; c.height = 1;
  M._st_rgba_release(S);
  const mp = M._st_mask_alloc(S, m.mw, m.mh);
  if (!mp) throw new Error('out of memory');
  M.HEAPU8.set(new Uint8Array(m.mask), mp);
  if (M._st_simulate(S)) throw new Error(M.UTF8ToString(M._st_message(S)));
  const p = M._st_after(S);
  if (!p) throw new Error(`out of memory for a ${w}×${h} after image`);
  c.width = w; c.height = h;
  for (let y = 0; y < h; y += STRIP) {
    const n = Math.min(STRIP, h - y);
    g.putImageData(new ImageData(new Uint8ClampedArray(M.HEAPU8.buffer, p + 4 * w * y, 4 * w * n), w, n), 0, y);
  }
  const heap = M.HEAPU8.length;
  M._st_free(S); // the engine's buffers go now; the canvas holds the image
  S = 0;
  return encode(c, w, h, m.keep, heap, m.png);
}
// A canvas to PNG (unless png is false) and the bitmap, when kept: the answer to post.
async function encode(c, w, h, keep, heap, png) {
  const blob = png === false ? null : await c.convertToBlob({ type: 'image/png' });
  const bitmap = keep ? c.transferToImageBitmap() : null;
  return { ok: true, blob, bitmap, w, h, heap };
}
async function exported(m) {
  let r;
  try {
    if (m.type === 'encode') {
      const c = new OffscreenCanvas(m.w, m.h);
      c.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(m.rgba), m.w, m.h), 0, 0);
      r = await encode(c, m.w, m.h, false, 0);
    } else r = await exportFull(m);
  } catch (err) {
    r = { ok: false, msg: String(err && err.message || err) };
  }
  r.type = 'exported';
  post(r, r.bitmap ? [r.bitmap] : []);
}

// A photo decoded for the page (createImageBitmap with its options): the
// bitmap goes back, or what went wrong.
async function decode(m) {
  try {
    const bitmap = await createImageBitmap(m.file, m.opts);
    post({ type: 'decoded', id: m.id, bitmap }, [bitmap]);
  } catch (err) {
    post({ type: 'decoded', id: m.id, msg: String(err && err.message || err) });
  }
}

self.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'encode') { exported(m); return; } // no engine needed
  if (m.type === 'decode') { decode(m); return; }
  if (!M && m.type !== 'init') { early.push(m); return; }
  handle(m);
};

// What f gives for request m, or what went wrong in it.
function answer(f, m) {
  try {
    return f(m);
  } catch (err) {
    return { ok: false, msg: String(err && err.message || err) };
  }
}

// The tone preview's basis of the last after image, made when the page
// asks for it: it asks only when no change waits, so a slider drag's next
// exact image does not wait the basis's 160-300 ms behind it; and it is
// made in steps with the worker's messages between them, so that a change
// that comes meanwhile waits one step (at most ~80 ms), not the whole.
// Any other work on the engine drops it (its after image is gone then).
let owed = null, making = null;
function dropOwed() {
  for (const o of [owed, making]) if (o) post({ type: 'basis', id: o.id, tone: null, skipped: true });
  owed = making = null;
}
function sendBasis(o) {
  const t0 = performance.now(), parts = toneBasis(o.tone, o.after, o.info, o.edge);
  making = o;
  const step = () => {
    if (making !== o) return; // dropped by other work
    let r;
    try {
      r = parts.next();
    } catch (err) {
      r = { done: true, value: null };
    }
    if (!r.done) { setTimeout(step, 0); return; }
    making = null;
    const t = r.value;
    post({ type: 'basis', id: o.id, tone: t, ms: performance.now() - t0 },
      t ? [t.maps, t.built.cover].concat(t.built.exact ? [t.built.exact] : [], t.built.patch ? [t.built.patch.d] : [],
        t.photo ? [t.photo] : [], Object.values(t.covers)) : []);
  };
  step();
}

function handle(m) {
  if (m.type === 'basis') {
    const o = owed && owed.id === m.id ? owed : null;
    if (o) { owed = null; sendBasis(o); } else dropOwed();
    return;
  }
  if (m.type === 'port') {
    // The channel between the redraw worker and the render-only one (port
    // null: none, the whole render here), and this one's share of the work.
    bandsPort = m.port;
    if (bandsPort && m.share == null) bandsPort.onmessage = (e) => bandsJob(e.data);
    else if (bandsPort) bandsPort.onmessage = (e) => { if (e.data.type === 'job back' && jobSpare.length < 2) jobSpare.push(e.data.buf); };
    if (m.share != null) {
      bandsShare = bandsPort ? m.share : 0;
      M._st_bands_share(S, bandsShare);
    }
    return;
  }
  if (m.type === 'remaps') { M._st_bands_share(S, bandsShare); return; } // the skin maps sent again with the next job
  if (m.type === 'rows') { bandsRows(m); return; } // the basis owed waits for them
  if (m.type !== 'recycle' && m.type !== 'finish') dropOwed();
  if (m.type === 'init') {
    // eslint-disable-next-line no-undef
    SmpStudio({ wasmBinary: new Uint8Array(m.wasm), print: () => {}, printErr: () => {} }).then((mod) => {
      M = mod;
      S = M._st_new();
      if (!S) throw new Error('out of memory');
      P = M._st_params(S);
      post({ type: 'ready' });
      for (const q of early.splice(0)) handle(q);
    }).catch((err) => post({ type: 'failed', msg: String(err && err.message || err) }));
  } else if (m.type === 'recycle') {
    if (spare.length < 2) spare.push(m.buf);
  } else if (m.type === 'photo') {
    const err = setPhoto(m);
    if (err) post({ type: 'failed', msg: err });
  } else if (m.type === 'finish') {
    const r = answer(bandsRest, m);
    Object.assign(r, { type: 'rows', id: m.id });
    post(r, r.rgba ? [r.rgba] : []);
  } else if (m.type === 'export') {
    exported(m);
  } else if (m.type === 'analysis') {
    const r = answer(analysis, m);
    Object.assign(r, { type: 'analysed', id: m.id, op: m.op, heap: M.HEAPU8.length });
    post(r, r.mask ? [r.mask] : []);
  } else if (m.type === 'warm') {
    const r = answer(warm, m);
    Object.assign(r, { type: 'warmed', id: m.id });
    post(r, r.cover ? [r.cover] : []);
  } else if (m.type === 'render') {
    const r = answer(render, m);
    r.type = 'done';
    r.id = m.id;
    const after = r.after;
    delete r.after;
    // The after image goes first; the tone preview's basis (a fifth of a
    // second more on a working-size photo) follows in its own message when
    // the page asks, made from the after image still in the engine's memory.
    r.basis = !!(r.ok && m.tone && after);
    post(r, r.rgba ? [r.rgba].concat(r.mask ? [r.mask] : []) : []);
    if (r.basis) owed = { id: m.id, tone: m.tone, after, info: r.info, edge: m.settings.edge };
  }
}
