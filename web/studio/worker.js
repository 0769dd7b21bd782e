// SPDX-License-Identifier: BSD-2-Clause
// A redraw worker: its own engine session (the library in WebAssembly,
// with an analysis cache: smp_simulate_cached) holding one photo, so the
// page's thread never waits on a render. The page sends the photo once,
// then a request per change (the settings and the mask); each is answered
// with the after image as RGBA, or with what went wrong. The page keeps
// at most one request in flight per worker and drops stale answers.
'use strict';
let M = null, S = 0, P = 0, W = 0, H = 0;
const early = []; // messages that came while the engine was starting

function post(msg, transfer) { self.postMessage(msg, transfer || []); }

function setPhoto(m) {
  const buf = M._st_rgba(S, m.w, m.h);
  if (!buf) return 'out of memory';
  M.HEAPU8.set(new Uint8Array(m.rgba), buf);
  if (M._st_set_photo(S, m.w, m.h, m.format)) return M.UTF8ToString(M._st_message(S));
  W = m.w; H = m.h;
  return null;
}

function render(m) {
  const t0 = performance.now();
  if (!W) return { ok: false, msg: 'no photo' };
  const err = smpApplySettings(M, S, P, m.settings, m.ppm);
  if (err) return { ok: false, msg: err };
  // The mask as painted (working size): the library resamples a mask of
  // the photo's aspect ratio to a smaller photo.
  const mp = (m.mw === W && m.mh === H) ? M._st_mask(S) : M._st_mask_alloc(S, m.mw, m.mh);
  if (!mp) return { ok: false, msg: 'out of memory' };
  M.HEAPU8.set(new Uint8Array(m.mask), mp);
  if (M._st_simulate_cached(S)) return { ok: false, msg: M.UTF8ToString(M._st_message(S)) };
  const t1 = performance.now();
  const p = M._st_after(S);
  if (!p) return { ok: false, msg: 'out of memory' };
  const rgba = M.HEAPU8.slice(p, p + 4 * W * H).buffer;
  const info = [];
  for (let k = 0; k < 8; k++) info.push(M._st_info(S, k));
  return { ok: true, rgba, w: W, h: H, info, engineMs: t1 - t0, reused: M._st_reused(S) };
}

self.onmessage = (e) => {
  const m = e.data;
  if (!M && m.type !== 'init') { early.push(m); return; }
  handle(m);
};

function handle(m) {
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
  } else if (m.type === 'photo') {
    const err = setPhoto(m);
    if (err) post({ type: 'failed', msg: err });
  } else if (m.type === 'render') {
    let r;
    try {
      r = render(m);
    } catch (err) {
      r = { ok: false, msg: String(err && err.message || err) };
    }
    r.type = 'done';
    r.id = m.id;
    post(r, r.rgba ? [r.rgba] : []);
  }
}
