// SPDX-License-Identifier: BSD-2-Clause
// The studio page: a photo opened on the device (never sent anywhere), its
// suggested mask edited with a brush, an eraser and a hairline, the look
// set in the command's units, and the after image made by the library
// compiled to WebAssembly (the engine above). The photo is worked on at a
// working size (long side WORK_LONG px); exports carry the settings in the
// command's option names, so `smpsim render PHOTO MASK --settings FILE`
// makes the same after image on a desktop.
// The engine runs in Web Workers (worker.js, started from blob: URLs), so
// the page never waits on it: the redraws at the working size in one, and
// what needs the scalp analysis (the suggested mask when a photo opens,
// the hairline, the scale estimate) in another, the mask worker.
// A worker has at most one request in flight; a newer change replaces the
// one waiting, and an answer to anything but the latest change is dropped.
// Before them, a density, dot size, shade, session or age change or a mask
// edit draws the tone preview (tone.js) at once, marked "refining…" until the exact image.
'use strict';
(() => {
  // Test hooks, by the page's address (studio.html?work=480&export-mp=0.3):
  // a smaller working size and smaller limits below, so that a test's small
  // photo takes the paths of a big one. They can only lower them.
  const hook = (name, max) => Math.min(max, Number(new URLSearchParams(location.search).get(name)) || max);
  const WORK_LONG = Math.max(64, hook('work', 2000));
  // The render split with a second worker (?bands=0: one worker draws it
  // all, as before), and the redraw worker's share of the render's dots
  // (the rest are the render-only worker's; ?share= for measuring): under
  // half, as the redraw worker also measures the run (7-8 ms) and turns its
  // rows to RGBA, while the other only copies its rows of the photo first
  // and turns them to RGBA. (The 12 MP crown at 2000x1500: its 24 bands of
  // 64 rows split at 11 (0.45) or 12 (0.5); at 12 the redraw worker's part
  // ran 25 M x86 instructions more than the other's and then measured, at
  // 11 it ran 79 M less: callgrind, the native render.)
  const query = new URLSearchParams(location.search);
  const BANDS = query.get('bands') !== '0';
  const BANDS_SHARE = Math.min(0.9, Math.max(0.1, Number(query.get('share')) || 0.45));
  // That share is where it starts: each split render then moves it toward
  // where the two parts would come together (tuneShare), unless ?share= fixes it.
  const SHARE_FIXED = query.has('share');
  const SHARE_MIN = 0.2, SHARE_MAX = 0.8, SHARE_STEP = 0.05;
  // A render-only worker's rows not come by then: it is taken as failed,
  // and the redraw worker draws them and all later renders (the same bytes).
  const BANDS_WAIT_MS = 3000;
  // The engine's own pixel limit (smp_params_set_max_pixels' default): a
  // larger photo is refused on opening, with a message.
  const PIPELINE_MAX = hook('max-mp', 200) * 1e6;
  // The after image at full size is made up to this many pixels; a larger
  // photo's is made at the largest size within it (said on saving). A
  // full-size render's engine grows to about 11 bytes a pixel (533 MB for
  // 48 MP, bench/RESULTS.md), the worker's canvas adds 4: 50 MP keeps the
  // export under 1 GB, and a 48 MP photo exports at its own size.
  const EXPORT_MAX = hook('export-mp', 50) * 1e6;
  // The loupe keeps the full-size after image (4 bytes a pixel) up to this.
  const KEEP_MAX = 24e6;
  const ZOOM_MAX = 16;
  const mp = px => (px / 1e6).toFixed(px < 10e6 ? 2 : 0); // megapixels, to say
  const SPLITS = [[100], [60, 100], [30, 70, 100], [25, 50, 75, 100]];
  const EDGES = { broken: 0, soft: 1, sharp: 2 };
  const UNDO_MAX = 20;
  const $ = id => document.getElementById(id);
  const view = $('view'), vctx = view.getContext('2d');
  const canvas = () => document.createElement('canvas');
  const before = canvas(), after = canvas(), overlay = canvas(), toneCanvas = canvas();
  // The dot sizes the tone preview knows the pigment's darkening for: the
  // slider's range.
  const TONE_DOTS = Array.from({ length: 37 }, (_, i) => Math.round(14 + i) / 100);
  let M = null, S = 0, P = 0; // the engine, its session and params
  const st = {
    name: 'photo', w: 0, h: 0, fullW: 0, fullH: 0, scale: 1, ppm: 0, tool: 'view', split: 0.5,
    hairline: [], measure: [], undo: [], redo: [], busy: false, pending: null, ovl: null, renders: 0,
    timings: [], chosen: null, recycled: 0,
    workers: null, reduced: null, reqId: 0, edits: 0, asks: new Map(), askId: 0, suggestMs: null, latest: null, showing: 'full', dropped: 0,
    opening: 0, replaced: 0,
    // The view's zoom: z, and the working pixel at the view's top left.
    z: 1, ox: 0, oy: 0, loupeOn: true, focus: null, loupeSource: null,
    tone: null, tonePhoto: null, toneShown: 0, toneFailed: 0,
    toneNext: 0, toneTimer: 0, lastTap: null, held: null, holdTimer: 0, requests: 0,
    shownKey: null, full: null, exporting: false, exports: 0, heaps: { page: 0, full: 0, mask: 0, export: 0, bands: 0 },
    splits: new Map(), bandRows: new Map(), bandsSplit: 0, bandsHere: 0, bandsFailed: null,
    share: BANDS_SHARE, shares: [], // the redraw worker's share now, and after each split render
    // The slider positions made ready (warmNext), and the pointers down.
    warm: null, pointers: new Set(),
    simd: false, // the engine built with WebAssembly SIMD runs (start)
  };
  // For tests and for looking: redraw timings and the state, read-only in spirit.
  window.smpStudio = { st, timings: st.timings, maskSum: () => maskSum(), before, after, toneCanvas, captionParts,
    mask: () => maskView().slice(), plainNote: n => plainNote(n),
    // The settings as the page sends them (the slider positions made ready are kept by them: st.warm.done).
    settings: () => settingsNow(),
    // The mask's hash as kept and as read now (tests: they must agree).
    maskHashes: () => [maskHash(), maskHashOf(maskView())],
    memory: () => (M ? M.HEAPU8.length : 0),
    heaps: () => Object.assign({}, st.heaps, { page: M ? M.HEAPU8.length : 0 }) };

  // The status line, in words for the consultant and the client; what a
  // developer wants (sizes, milliseconds, the page's reason) goes in its
  // title (its tooltip), the redraws' timings in window.smpStudio.timings.
  const status = (text, detail = '') => { $('status').textContent = text; $('status').title = detail; };
  const state = (s) => { document.body.dataset.state = s; };
  state('loading');

  // ------------------------------------------------------------ the engine
  // The engine with WebAssembly SIMD where the browser has it (its renderer
  // a third quicker, the same bytes), else the one without (older tablets'
  // browsers): asked by validating a tiny module, one function returning
  // i32x4.splat(0). ?simd=0 takes the one without (tests).
  const SIMD_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 17, 11];
  const simd = () => {
    try { return query.get('simd') !== '0' && WebAssembly.validate(new Uint8Array(SIMD_PROBE)); } catch (e) { return false; }
  };
  function start() {
    st.simd = simd();
    const b64 = $(st.simd ? 'engine-wasm-simd' : 'engine-wasm').textContent.trim();
    const bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    // eslint-disable-next-line no-undef
    return SmpStudio({ wasmBinary: bytes, print: () => {}, printErr: () => {} }).then(m => {
      M = m;
      S = M._st_new();
      if (!S) throw new Error('out of memory');
      P = M._st_params(S);
      st.wasm = bytes;
      startWorkers(bytes);
      state('empty');
    });
  }
  // The redraw workers: the engine's loader, the shared settings code and
  // worker.js, as one script from a blob: URL (the page's CSP allows
  // worker-src blob:); each gets its own copy of the wasm. Without workers
  // the page redraws on its own thread (scheduleHere).
  function startWorkers(bytes) {
    let url;
    try {
      const src = ['engine-js', 'shared-js', 'worker-js'].map(id => $(id).textContent).join('\n;\n');
      url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
      st.workerUrl = url;
      const make = (kind) => {
        const wk = { kind, w: new Worker(url), busy: false, pending: null, ready: false, bases: new Map() };
        wk.w.onmessage = (e) => fromWorker(wk, e.data);
        wk.w.onerror = (e) => {
          e.preventDefault();
          if (kind === 'bands') bandsFailed(`bands worker: ${e.message || 'failed'}`);
          else workersFailed(`${kind} worker: ${e.message || 'failed'}`);
        };
        const copy = bytes.slice().buffer;
        wk.w.postMessage({ type: 'init', wasm: copy }, [copy]);
        return wk;
      };
      // The third, 'bands', renders part of each after image's rows for
      // the redraw worker (pairBands). (One rendering the whole image at the
      // view's displayed size for a quicker exact image made the working
      // size's a quarter to twice slower on two cores, for an image the
      // tone preview now gives at once: bench/RESULTS.md.)
      st.workers = { full: make('full'), mask: make('mask'), bands: BANDS ? make('bands') : null };
      st.makeWorker = make;
      pairBands();
    } catch (e) {
      st.workers = null;
    }
  }
  // A photo opened while a worker still works for the one before (its
  // suggested mask, 1-3 s on a 12 MP photo; an exact image, several): its
  // answer is of no use, and the new photo's decoding and first image would
  // wait behind it, so the busy worker is replaced by a fresh one (its
  // engine starts in a fraction of that).
  function freeWorkers() {
    if (!st.workers) return;
    const analysing = [...st.asks.values()].some(a => a.op !== 'decode');
    for (const [kind, busy] of [['mask', analysing], ['full', st.workers.full.busy]]) {
      if (!busy) continue;
      st.workers[kind].w.terminate();
      st.workers[kind] = st.makeWorker(kind);
      st.replaced++;
      if (kind === 'full') {
        for (const w of st.splits.values()) clearTimeout(w.timer);
        st.splits.clear();
        st.bandRows.clear();
        pairBands();
      }
    }
    if (!analysing) return;
    for (const a of st.asks.values()) if (a.op === 'decode') a.reject(new Error('replaced'));
    st.asks.clear();
    suggesting(false);
  }
  function workersFailed(why) {
    if (!st.workers) return;
    for (const wk of Object.values(st.workers).filter(Boolean)) wk.w.terminate();
    st.workers = null;
    st.busy = false;
    // The page's engine takes the photo (its mask kept) and what was asked of the mask worker.
    if (st.w) photoHere();
    const asks = [...st.asks.values()];
    st.asks.clear();
    for (const a of asks) if (a.op === 'decode') a.reject(new Error(why)); else askHere(a);
    status('Changes take longer now: the page draws them itself.', why);
    if (st.w) schedule('retry');
  }
  // The redraw worker and the render-only one (worker.js: smpBandsPost)
  // joined by a channel of their own, with the redraw worker's share of a
  // render's work; without a render-only worker, none (the whole render in
  // the redraw worker).
  function pairBands() {
    const full = st.workers && st.workers.full, bands = st.workers && st.workers.bands;
    if (!full) return;
    if (!bands) { full.w.postMessage({ type: 'port', port: null, share: 0 }); return; }
    const ch = new MessageChannel();
    full.w.postMessage({ type: 'port', port: ch.port1, share: BANDS_SHARE }, [ch.port1]);
    bands.w.postMessage({ type: 'port', port: ch.port2 }, [ch.port2]);
  }
  // The render-only worker failed: gone, and the redraw worker draws the
  // rows it was drawing and all later renders (the same bytes).
  function bandsFailed(why) {
    if (!st.workers || !st.workers.bands) return;
    st.workers.bands.w.terminate();
    st.workers.bands = null;
    st.bandsFailed = why;
    pairBands();
    for (const w of [...st.splits.values()]) finishHere(w);
  }
  // A split render's answer from the redraw worker (its rows above m.split
  // drawn) waits for the render-only worker's rows, which may have come
  // first; they go into its RGBA, then on as one answer (answered).
  function splitDone(wk, m) {
    for (const id of st.bandRows.keys()) if (id < m.id) st.bandRows.delete(id);
    const w = { wk, m, rows: st.bandRows.get(m.id) || null, got: performance.now(), asked: false, timer: 0 };
    st.bandRows.delete(m.id);
    st.splits.set(m.id, w);
    st.bandsSplit++;
    if (w.rows && w.rows.ok) joined(w);
    else if (!st.workers.bands || w.rows) {
      if (w.rows) wk.w.postMessage({ type: 'remaps' }); // (as in rowsCame)
      finishHere(w);
    }
    else w.timer = setTimeout(() => bandsFailed('the render-only worker does not answer'), BANDS_WAIT_MS);
  }
  // The rows drawn by the redraw worker itself (worker.js: bandsRest).
  function finishHere(w) {
    clearTimeout(w.timer);
    if (w.asked) return;
    w.asked = true;
    w.rows = null;
    st.bandsHere++;
    w.wk.w.postMessage({ type: 'finish', id: w.m.id });
  }
  function rowsCame(m) {
    if (m.heap) st.heaps.bands = m.heap;
    const w = st.splits.get(m.id);
    if (!w) { if (!m.here) { m.came = performance.now(); st.bandRows.set(m.id, m); } return; }
    if (w.asked !== !!m.here) return; // the render-only worker's, late: the redraw worker's come
    if (m.ok) { w.rows = m; joined(w); return; }
    if (!m.here) {
      // (Its skin maps may be what it lacked: the redraw worker sends them with its next job.)
      w.wk.w.postMessage({ type: 'remaps' });
      finishHere(w);
      return;
    }
    // Neither drew them: the answer fails as the render would have.
    clearTimeout(w.timer);
    st.splits.delete(m.id);
    answered(w.wk, { type: 'done', id: m.id, ok: false, msg: m.msg, mask: w.m.mask });
  }
  function joined(w) {
    clearTimeout(w.timer);
    st.splits.delete(w.m.id);
    const m = w.m, r = w.rows, t = performance.now();
    new Uint8Array(m.rgba).set(new Uint8Array(r.rgba), 4 * m.w * r.y0);
    // The redraw worker's after image gets them too (its tone preview's
    // basis is made from it), and the buffer goes back to the other worker.
    if (!r.here) w.wk.w.postMessage({ type: 'rows', id: m.id, y0: r.y0, rgba: r.rgba }, [r.rgba]);
    // Where the split's time went (ms): the redraw worker's run until it
    // posted the job, the job's way to the other worker, its render there,
    // the wait here for its rows after the redraw worker's answer, joining.
    // How much later the render-only worker's rows came than the redraw
    // worker's answer (less than 0: sooner).
    const late = r.came != null ? r.came - w.got : t - w.got;
    if (m.stages) {
      const b = r.here ? null : { posted: r.posted - m.stages.start, to: r.start - r.posted };
      m.stages.split = Object.assign({ row: r.y0, here: !!r.here, bands: r.ms, wait: t - w.got,
        join: performance.now() - t, share: st.share, late }, b);
    }
    if (!r.here) tuneShare(late, m.stages, r.ms);
    m.got = w.got;
    answered(w.wk, m);
  }
  // The redraw worker's share balanced by when the two parts come: the
  // later one sets the redraw's time, and what each part costs differs with
  // the photo, the dots, the machine and what else runs (the page's tone
  // preview takes a core while both workers render; the redraw worker also
  // restores the analysis before it hands the job over and measures the
  // run after). The share moves by half the gap, over what a whole render
  // takes (both parts' time: moving the share by x moves x of it from one
  // part to the other), at most SHARE_STEP a render. Any share gives the
  // same bytes (a band is drawn whole by one worker).
  function tuneShare(late, ws, bandsMs) {
    if (SHARE_FIXED || !ws || !(ws.engine > 0) || !(bandsMs > 0) || !Number.isFinite(late)) return;
    const step = Math.max(-SHARE_STEP, Math.min(SHARE_STEP, 0.5 * late / (2 * (ws.engine + bandsMs))));
    st.share = Math.max(SHARE_MIN, Math.min(SHARE_MAX, st.share + step));
    st.shares.push(Number(st.share.toFixed(4)));
    if (st.shares.length > 64) st.shares.shift();
  }
  function fromWorker(wk, m) {
    if (m.type === 'ready') wk.ready = true;
    else if (m.type === 'failed') {
      if (wk.kind === 'bands') bandsFailed(m.msg);
      else if (!wk.ready) workersFailed(m.msg);
      else status(m.msg);
    } else if (m.type === 'rows') {
      rowsCame(m);
    } else if (m.type === 'done') {
      if (m.heap) st.heaps[wk.kind] = m.heap;
      if (m.ok && m.split >= 0) splitDone(wk, m);
      else answered(wk, m);
    } else if (m.type === 'basis') {
      basis(wk, m);
    } else if (m.type === 'warmed') {
      if (m.heap) st.heaps[wk.kind] = m.heap;
      warmed(wk, m);
    } else if (m.type === 'analysed') {
      if (m.heap) st.heaps.mask = m.heap;
      const a = st.asks.get(m.id);
      st.asks.delete(m.id);
      if (a) analysed(a, m);
    } else if (m.type === 'decoded') {
      const a = st.asks.get(m.id);
      st.asks.delete(m.id);
      if (a) (m.bitmap ? a.resolve(m.bitmap) : a.reject(new Error(m.msg)));
    }
  }
  const msg = () => M.UTF8ToString(M._st_message(S));
  const maskView = () => M.HEAPU8.subarray(M._st_mask(S), M._st_mask(S) + st.w * st.h);
  function maskSum() {
    if (!st.w) return 0;
    const m = maskView();
    let s = 0;
    for (let i = 0; i < m.length; i++) s += m[i];
    return s;
  }

  // ------------------------------------------------------------ the photo
  async function openFile(file) {
    if (!file || !M) return;
    if (file.type && !file.type.startsWith('image/')) { status(`${file.name}: not an image`); return; }
    // A later opening wins over one still decoding.
    const opening = ++st.opening, current = () => opening === st.opening;
    freeWorkers();
    state('busy');
    status(`Opening ${file.name}…`);
    // The photo's size from its header (an <img> from a blob: URL loads
    // without decoding, its size oriented as shot), so that a photo over
    // the engine's limit is refused before it is decoded, and a big one is
    // decoded straight to the working size: the whole photo's pixels (192 MB
    // at 48 MP) are not held at once. (Where the <img> cannot tell, the
    // photo is decoded whole and drawn smaller, as before.)
    const size = await headerSize(file);
    if (!current()) return;
    const refuse = (W, H) => {
      status(`${file.name}: ${W}×${H} is ${mp(W * H)} MP, over the ${mp(PIPELINE_MAX)} MP this page takes: ` +
        'make it smaller first.');
      state(st.w ? 'idle' : 'empty');
    };
    if (size && size[0] * size[1] > PIPELINE_MAX) { refuse(...size); return; }
    const k0 = size ? Math.min(1, WORK_LONG / Math.max(...size)) : 1;
    let bmp;
    try {
      // The photo as shot (EXIF orientation), its pixels as stored (no
      // colour conversion: the command reads them so too).
      const opts = { imageOrientation: 'from-image', colorSpaceConversion: 'none' };
      if (k0 < 1) Object.assign(opts, { resizeWidth: Math.max(1, Math.round(size[0] * k0)),
        resizeHeight: Math.max(1, Math.round(size[1] * k0)), resizeQuality: 'high' });
      bmp = await decode(file, opts);
    } catch (e) {
      if (!current()) return;
      status(`${file.name}: cannot decode this image here`);
      state(st.w ? 'idle' : 'empty');
      return;
    }
    const W = size ? size[0] : bmp.width, H = size ? size[1] : bmp.height;
    // What the pixels were decoded from, by the file's first bytes: the
    // library allows for JPEG's 8x8 blocks (at the photo's own size only).
    const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
    if (!current()) { bmp.close(); return; }
    const is = (...b) => b.every((v, i) => head[i] === v);
    const format = is(0xff, 0xd8, 0xff) ? 2 : is(0x89, 0x50, 0x4e, 0x47) ? 1
      : is(0x52, 0x49, 0x46, 0x46) && head[8] === 0x57 ? 3 : 0;
    if (W * H > PIPELINE_MAX) { bmp.close(); refuse(W, H); return; }
    st.name = (file.name || 'photo').replace(/\.[^.]*$/, '') || 'photo';
    st.fullW = W; st.fullH = H;
    st.file = file; st.format = format;
    st.scale = Math.min(1, WORK_LONG / Math.max(W, H));
    const w = Math.max(1, Math.round(W * st.scale)), h = Math.max(1, Math.round(H * st.scale));
    for (const c of [before, after, overlay, view]) { c.width = w; c.height = h; }
    const bctx = before.getContext('2d');
    bctx.imageSmoothingQuality = 'high';
    bctx.drawImage(bmp, 0, 0, w, h);
    bmp.close();
    const px = bctx.getImageData(0, 0, w, h);
    // With workers the page's engine holds the mask alone; without, the photo too.
    const err = st.workers ? (M._st_mask_alloc(S, w, h) ? null : 'out of memory') : photoHere(px.data, w, h);
    maskChanged();
    if (err) { status(err); state('empty'); return; }
    st.w = w; st.h = h;
    st.ovl = new ImageData(w, h);
    st.undo.length = 0; st.redo.length = 0; st.hairline = []; st.measure = [];
    after.getContext('2d').drawImage(before, 0, 0);
    document.body.classList.add('has-photo');
    st.showing = 'full';
    st.z = 1; st.ox = 0; st.oy = 0; st.focus = null; st.shownKey = null; st.shownMatch = st.toneMatch = null;
    if (st.full) st.full.bitmap.close();
    st.full = null;
    zoomUi();
    // Nothing of the photo before stays: its scale, points, engine's
    // notes and close-up (another client's scalp). This one shows at once,
    // its suggested mask when it comes, its after image after that.
    st.ppm = 0;
    $('ppm').value = '';
    hairlineRow();
    measureRow();
    showNotes([]);
    $('chosen').textContent = '';
    compose();
    seen.clear();
    st.asks.clear(); // answers about the photo before are of no use now
    sendPhoto(px.data);
    // (The overlay, resized above, is clear, as the mask is.)
    undoButtons();
    // The suggested mask, then the first redraw (with no mask there is nothing to draw).
    st.suggestMs = null;
    ask({ op: 'suggest', reason: 'photo', t0: performance.now() });
  }
  // The photo (RGBA at w x h; the before canvas when not given) into the
  // page's engine, the mask kept: for redraws on the page's own thread.
  // Gives null or what went wrong.
  function photoHere(rgba, w = st.w, h = st.h) {
    const keep = st.w ? maskView().slice() : null;
    const data = rgba || before.getContext('2d').getImageData(0, 0, w, h).data;
    const buf = M._st_rgba(S, w, h);
    if (!buf) return 'out of memory';
    M.HEAPU8.set(data, buf);
    if (M._st_set_photo(S, w, h, st.scale === 1 ? st.format : 0)) return msg();
    if (keep && keep.length === w * h) maskView().set(keep);
    return null;
  }

  // ------------------------------------------------------------ analysis
  // What needs the scalp analysis: the suggested mask (a photo opened, or
  // the Suggest button), a hairline, the scale estimate. Asked of the mask
  // worker (the first one takes a second or more on a big photo, while the
  // page answers: the view says "suggesting…"); without workers, done here.
  // A mask comes back for the mask as it was when asked: an edit since
  // (the brush, a mask file, undo) wins, and the answer is dropped.
  function ask(a) {
    a.id = ++st.askId;
    a.edits = st.edits;
    if (a.op === 'suggest') suggesting(true);
    if (!st.workers) { askHere(a); return; }
    st.asks.set(a.id, a);
    st.workers.mask.w.postMessage({ type: 'analysis', op: a.op, id: a.id, xy: a.xy,
      mask: a.op === 'hairline' ? maskView().slice().buffer : undefined });
  }
  function askHere(a) {
    let m;
    if (a.op === 'scale') {
      const e = M._st_scale_estimate(S);
      m = e > 0 ? { ok: true, ppm: e } : { ok: false, msg: msg() };
    } else {
      const keep = maskView().slice(); // the library works on the page's own mask: put back below
      let r;
      if (a.op === 'hairline') {
        const p = M._malloc(16 * a.xy.length);
        M.HEAPF64.set(a.xy.flat(), p / 8);
        r = M._st_hairline(S, p, a.xy.length);
        M._free(p);
      } else r = M._st_suggest(S);
      m = r ? { ok: false, msg: msg() } : { ok: true, mask: maskView().slice().buffer };
      maskView().set(keep);
    }
    analysed(a, m);
  }
  function suggesting(on) {
    $('suggesting').hidden = !on;
    $('suggest').disabled = on;
    document.body.dataset.suggest = on ? 'running' : st.suggestMs != null ? 'done' : 'none';
    if (on) { status('Suggesting the mask…'); state('busy'); }
  }
  function analysed(a, m) {
    if (a.op === 'scale') {
      if (!m.ok) { status('The scale cannot be estimated from this photo: measure it.'); return; }
      st.ppm = m.ppm / st.scale;
      $('ppm').value = st.ppm.toFixed(3);
      schedule('scale');
      return;
    }
    const stale = a.edits !== st.edits;
    if (a.op === 'suggest') {
      if (m.ok && !stale) st.suggestMs = performance.now() - a.t0;
      suggesting(false);
      if (stale) status('The mask was edited while it was suggested: yours is kept (Suggest makes it again).');
      else if (!m.ok) status(`No mask suggested (${m.msg}): paint the area to treat with the brush.`);
    } else if (stale) { status('The mask was edited meanwhile: apply the hairline again.'); return; }
    else if (!m.ok) { status(`Hairline: ${m.msg}`); return; }
    if (m.ok && !stale) {
      if (a.reason !== 'photo') snapshot();
      maskView().set(new Uint8Array(m.mask));
      st.edits++;
      paintOverlay(0, 0, st.w, st.h);
      // Suggest pressed shows the mask it made (until the next tool); the
      // one made as a photo opens does not, for the client's first look.
      if (a.reason === 'suggest') $('overlay').checked = true;
      compose();
      if (a.op === 'hairline') { st.hairline = []; hairlineRow(); }
    }
    // The first redraw of a photo comes after its suggestion, whatever it gave.
    if (!stale || a.reason === 'photo') schedule(a.reason);
    else if (!st.busy) state('idle');
  }

  // The photo decoded (createImageBitmap) in the mask worker: a big one's
  // resizing held the page's thread for a quarter second or more.
  function decode(file, opts) {
    if (!st.workers) return createImageBitmap(file, opts);
    return new Promise((resolve, reject) => {
      const id = ++st.askId;
      st.asks.set(id, { op: 'decode', resolve, reject });
      st.workers.mask.w.postMessage({ type: 'decode', id, file, opts });
    });
  }

  // A photo's width and height as shown (EXIF orientation applied), from
  // its header; null when the browser cannot tell that way.
  async function headerSize(file) {
    const url = URL.createObjectURL(file);
    try {
      const img = new Image();
      await new Promise((res, rej) => { img.onload = res; img.onerror = rej; img.src = url; });
      return img.naturalWidth > 0 && img.naturalHeight > 0 ? [img.naturalWidth, img.naturalHeight] : null;
    } catch (e) {
      return null;
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  // A mask made elsewhere, stretched to the photo: its alpha where it has
  // transparency, else its brightness (as the command reads masks).
  async function openMask(file) {
    if (!file || !st.w) return;
    let bmp;
    try {
      bmp = await createImageBitmap(file, { imageOrientation: 'from-image', colorSpaceConversion: 'none',
        premultiplyAlpha: 'none' });
    } catch (e) {
      status(`${file.name}: cannot decode this image here`);
      return;
    }
    const c = canvas();
    c.width = st.w; c.height = st.h;
    const g = c.getContext('2d');
    g.imageSmoothingQuality = 'high';
    g.drawImage(bmp, 0, 0, st.w, st.h);
    bmp.close();
    const d = g.getImageData(0, 0, st.w, st.h).data;
    let alpha = false;
    for (let i = 3; i < d.length && !alpha; i += 4) alpha = d[i] < 255;
    snapshot();
    const m = maskView();
    for (let i = 0; i < m.length; i++)
      m[i] = alpha ? d[4 * i + 3] : Math.floor((2126 * d[4 * i] + 7152 * d[4 * i + 1] + 722 * d[4 * i + 2] + 5000) / 10000);
    paintOverlay(0, 0, st.w, st.h);
    $('overlay').checked = true; // the mask opened shows, until the next tool
    compose();
    schedule('mask file');
  }

  // ------------------------------------------------------------ settings
  function layers() { return SPLITS[Number($('sessions').value) - 1]; }
  function ageYears(v) { return v === 'fresh' ? -1 : v === 'healed' ? 0 : parseFloat(v); }
  // The look as the controls set it, for smpApplySettings (settings.js).
  function settingsNow() {
    return {
      seed: Number($('seed').value) || 0,
      density: $('density-auto').checked ? 'auto' : Number($('density').value),
      dot: $('dot-auto').checked ? 'auto' : Number($('dot').value),
      dilution: $('dilution-auto').checked ? -1 : Number($('dilution').value),
      layers: layers(), session: Number($('session').value), age: ageYears($('age').value),
      edge: EDGES[$('edge').value], regularity: Number($('regularity').value),
    };
  }
  // The settings in the command's option names (see smpsim render --settings).
  function settings() {
    const s = { seed: Number($('seed').value) || 0 };
    s.density = $('density-auto').checked ? 'auto' : Number($('density').value);
    s.dot = $('dot-auto').checked ? 'auto' : Number($('dot').value);
    if (!$('dilution-auto').checked) s.dilution = Number($('dilution').value);
    s.sessions = layers().length;
    if (Number($('session').value)) s.session = Number($('session').value);
    s.age = $('age').value;
    s.edge = $('edge').value;
    s.regularity = Number($('regularity').value);
    if (st.ppm > 0) s['px-per-mm'] = st.ppm;
    s._studio = `${st.name}: ${st.fullW}x${st.fullH} px, worked at ${st.w}x${st.h}; the mask is ${st.name}-mask.png; ` +
      `smpsim render PHOTO ${st.name}-mask.png --settings ${st.name}-settings.json -o after.png`;
    return s;
  }
  function outputs() {
    $('density-out').textContent = $('density-auto').checked ? 'auto' : `${$('density').value} dots/cm²`;
    $('dot-out').textContent = $('dot-auto').checked ? 'auto' : `${Number($('dot').value).toFixed(2)} mm`;
    $('dilution-out').textContent = $('dilution-auto').checked ? 'matched' : Number($('dilution').value).toFixed(2);
    $('regularity-out').textContent = Number($('regularity').value).toFixed(2);
    $('brush-out').textContent = `${$('brush').value} px`;
  }
  function sessionOptions() {
    const sel = $('session'), n = layers().length, keep = Number(sel.value) || 0;
    sel.textContent = '';
    sel.add(new Option(n > 1 ? `all ${n}` : 'after', '0'));
    for (let k = 1; k < n; k++) sel.add(new Option(`after ${k}`, String(k)));
    sel.value = keep < n ? String(keep) : '0';
  }

  // ------------------------------------------------------------ redraw
  // The size the tone preview is drawn at: the view's displayed size
  // (device pixels) when that is under the working size, else null (the
  // working size). Its cost on the page's thread goes with its pixels: an
  // upright tablet's view (1510x1132 at DPR 2) drew 2000x1500 when this
  // took only sizes under 0.7 of it.
  function reducedSize() {
    const b = view.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
    const k = Math.min(b.width * dpr / st.w, b.height * dpr / st.h);
    if (!(k > 0) || k > 0.9 || Math.min(st.w, st.h) * k < 128) return null;
    const w = Math.round(st.w * k), h = Math.round(st.h * k);
    return { w, h, k: w / st.w };
  }
  function sendPhoto(rgba) {
    if (!st.workers) return;
    // Requests for the photo before are of no use now.
    for (const wk of Object.values(st.workers).filter(Boolean)) { wk.pending = null; wk.bases.clear(); }
    maskPool.length = 0;
    st.latest = null;
    st.warm = null;
    for (const w of st.splits.values()) clearTimeout(w.timer);
    st.splits.clear();
    st.bandRows.clear();
    st.photoGen = (st.photoGen || 0) + 1; // a render-only job says which photo it is for
    for (const wk of [st.workers.bands, st.workers.mask, st.workers.full].filter(Boolean)) {
      const full = wk === st.workers.full ? rgba.buffer : rgba.slice().buffer; // the last one takes the page's copy
      wk.w.postMessage({ type: 'photo', gen: st.photoGen, w: st.w, h: st.h, format: st.scale === 1 ? st.format : 0, rgba: full,
        keep: wk === st.workers.full }, [full]);
    }
    st.reduced = reducedSize();
    st.tone = null;
    st.tonePhoto = null; // at the tone preview's size, from the worker with the first basis
  }

  // The mask's contents in a few numbers (FNV-1a and a weighted sum over
  // its 32-bit words), so that an undo finds the after image drawn before.
  function maskHashOf(m) {
    const n = m.length >> 2, u = new Uint32Array(m.buffer, m.byteOffset, n);
    let a = 0x811c9dc5, b = 0;
    for (let i = 0; i < n; i++) { a = Math.imul(a ^ u[i], 16777619); b = (b + Math.imul(u[i], i + 1)) | 0; }
    for (let i = 4 * n; i < m.length; i++) a = Math.imul(a ^ m[i], 16777619);
    return `${a >>> 0}.${b >>> 0}.${m.length}`;
  }
  // The page's mask's, made again only after it changed: every write to it
  // ends with paintOverlay (the overlay shows it), a new photo's with
  // maskChanged. Read whole, 3 MB took 30 ms of an emulated tablet's
  // slider change, and the positions made ready read it twice each.
  let maskHashKept = null;
  function maskChanged() { maskHashKept = null; }
  function maskHash() {
    const m = maskView();
    if (!maskHashKept || maskHashKept.at !== m.byteOffset || maskHashKept.n !== m.length)
      maskHashKept = { at: m.byteOffset, n: m.length, hash: maskHashOf(m) };
    return maskHashKept.hash;
  }
  // The last few after images drawn, by their settings and mask: going back
  // to one (undo, redo, a slider or a session back where it was) draws it
  // again at once. Cleared with the photo.
  const SEEN_MAX = 4;
  const seen = new Map();
  function remember(key, img, info) {
    seen.delete(key);
    seen.set(key, { img, info });
    while (seen.size > SEEN_MAX) {
      const k = seen.keys().next().value, buf = seen.get(k).img.data.buffer;
      seen.delete(k);
      // Its pixels go back to the redraw worker, which fills them with a
      // later after image (unless the tone preview's basis still reads them).
      const b = st.tone && st.tone.exact;
      if (st.workers && !(b && b.buffer === buf) && buf.byteLength === 4 * st.w * st.h) {
        st.workers.full.w.postMessage({ type: 'recycle', buf }, [buf]);
        st.recycled++;
      }
    }
  }

  // A change asks for a redraw. The same settings and mask as a request
  // still on its way (a slider's input, then its change) ask for nothing.
  // While the density, dot size or shade slider moves, the tone preview follows
  // it and the exact image waits until the slider is let go or rests for
  // HOLD_MS: an exact image asked at every move kept the engine busy with
  // a position already passed, and the one let go at waited behind it
  // (0.5-1.7 s more on the crown: bench/RESULTS.md).
  const HOLD_MS = 250;
  function holdExact(msg) {
    clearTimeout(st.holdTimer);
    st.held = msg;
    st.holdTimer = setTimeout(sendHeld, HOLD_MS);
  }
  function sendHeld() {
    clearTimeout(st.holdTimer);
    const m = st.held, L = st.latest;
    st.held = null;
    if (!m || !L || L.id !== m.id || L.done) return;
    askExact(m);
  }
  function askExact(msg) {
    st.requests++;
    request(st.workers.full, msg);
    st.latest.asked = performance.now();
  }
  function schedule(reason, moving) {
    if (!st.w) return;
    if (!st.workers) { scheduleHere(reason); return; }
    // While a photo's mask is being suggested, the first redraw waits for it
    // (it takes the settings as they are then); an edit of the mask goes on.
    for (const a of st.asks.values()) if (a.reason === 'photo' && a.edits === st.edits) return;
    const t0 = performance.now();
    const s = settingsNow();
    const mhash = maskHash(), key = JSON.stringify([s, st.ppm]) + mhash;
    if (st.latest && !st.latest.done && st.latest.key === key) {
      if (!moving) sendHeld(); // let go where it rested
      return;
    }
    const id = ++st.reqId;
    const known = seen.get(key);
    if (known) {
      st.latest = { id, key, reason, t0, done: true };
      st.shownKey = key;
      st.shownMatch = matchOf(s, known.info);
      if (st.shownMatch.aim === 1) st.toneMatch = st.shownMatch;
      remember(key, known.img, known.info);
      after.getContext('2d').putImageData(known.img, 0, 0);
      st.showing = 'full';
      compose();
      rendered(reason, performance.now() - t0, 0, known.info, { seen: true });
      st.busy = false; // the workers' answers to earlier changes will be dropped
      idleWhenBased();
      return;
    }
    st.latest = { id, key, reason, t0, toneMs: null, done: false, settings: s };
    st.busy = true;
    state('busy');
    status('Updating the after image…');
    const mask = maskView();
    // The tone preview after the exact image is asked: the engine's run
    // starts with steps the second worker waits for (the dots made, 15-30
    // ms), while the page draws the preview on the other core. A slider's
    // move (input) draws it in a task of its own, so that its change event,
    // when one follows at once, asks for the exact image first.
    // (A stroke's end is drawn at once: no move follows it.)
    const L = st.latest;
    const toneNow = () => {
      if (st.latest === L && !L.done && tonePaced(s, mask, mhash, reason === 'mask')) L.toneMs = performance.now() - t0;
    };
    // The worker sends the tone preview's basis at the preview's size (and
    // the photo at that size, once).
    const tone = st.reduced ? { w: st.reduced.w, h: st.reduced.h } : { w: st.w, h: st.h };
    tone.dots = TONE_DOTS;
    tone.photo = !st.tonePhoto;
    tone.scale = st.tone ? st.tone.scale : 1; // the last calibration, for a basis without an exact image
    const msg = { type: 'render', id, settings: s, ppm: st.ppm * st.scale, mask: maskCopy(mask),
      mw: st.w, mh: st.h, tone, maskHash: mhash };
    if (moving && st.tone && (reason === 'density' || reason === 'dot' || reason === 'shade' || reason === 'regularity')) {
      holdExact(msg);
      setTimeout(toneNow, 0);
      return;
    }
    st.held = null;
    clearTimeout(st.holdTimer);
    askExact(msg);
    toneNow();
  }
  // One request in flight per worker; a newer one replaces the one waiting.
  function request(wk, msg) {
    if (wk.busy) { wk.pending = msg; return; }
    wk.busy = true;
    // (The mask comes back with the answer: answered.)
    wk.sent = msg.tone ? { id: msg.id, settings: msg.settings, ppm: st.ppm, mask: null, maskHash: msg.maskHash } : null;
    if (msg.type === 'render') msg.share = st.share;
    wk.w.postMessage(msg, [msg.mask]);
  }
  // The mask's copies for the worker (3 MB at 2000x1500; a fresh one costs
  // Chromium 8 ms): the worker sends each back with its answer, the tone
  // preview's basis keeps it, and a basis replaced gives it to a later
  // request.
  const maskPool = [];
  function maskCopy(mask) {
    const b = maskPool.pop();
    if (!b || b.byteLength !== mask.length) return mask.slice().buffer;
    new Uint8Array(b).set(mask);
    return b;
  }
  function maskFree(m) { if (m && maskPool.length < 2) maskPool.push(m.buffer); }

  // What the match chose for the exact image shown (st_info: 1 density,
  // 2 dot size, 5 dilution, 8 its aim: 1 the reference's tone, 2 the most
  // ink; -1 when the run has no measures).
  function matchOf(s, info) {
    return { settings: s, density: info[1], dot: info[2], dilution: info[5], aim: info[8] > 0 ? info[8] : 0, ppm: st.ppm };
  }
  // The tone preview of settings s and the mask (working size) from the
  // last basis, drawn at once; false when the change is one it does not
  // model (only density, dot size, the shade, the sessions, the session
  // shown, the age, the regularity and the mask may differ from the basis's, at the same
  // scale, or the edge style, with the same mask, when the basis has its coverage).
  function tonePreview(s, mask, mhash) {
    const b = st.tone;
    if (!b || b.ppm !== st.ppm) return false;
    // What the match chose: the exact image's shown, when its match met the
    // reference's tone (drawn again from memory, undo or a box ticked back,
    // it is not the basis's, whose settings may fix what is auto now); else
    // the last one's that met it (a shade fixed too light for it, then
    // matched again: the match meets it again); else the shown one's that
    // took the most ink, else the basis's. Auto now: the values it chose,
    // until the exact image says what the match chooses (a mask edit at
    // the opening's settings); fixed for it, matched again below (held)
    // when it aimed at a tone or the most ink.
    const usable = x => x && x.aim && x.ppm === b.ppm, sm = st.shownMatch, tm = st.toneMatch;
    const m = usable(sm) && sm.aim === 1 ? sm : usable(tm) ? tm : usable(sm) ? sm : null;
    const ref = m || { settings: b.settings, density: b.density, dot: b.dot, dilution: b.look.dilution, aim: b.aim };
    const kept = (v, was, used) => v === 'auto' && (was === 'auto' || ref.aim) ? used : v;
    let density = kept(s.density, ref.settings.density, ref.density), dot = kept(s.dot, ref.settings.dot, ref.dot);
    if (typeof density !== 'number' || typeof dot !== 'number') return false;
    // The regularity moves the dots, not their number: the tone is the
    // basis's (its dots where they were, until the exact image).
    const rest = x => JSON.stringify(Object.assign({}, x, { density: 0, dot: 0, dilution: 0, layers: 0, session: 0, age: 0,
      regularity: 0, edge: 0 }));
    if (rest(s) !== rest(b.settings)) return false;
    // The shade and sessions: the dilution the basis's engine used
    // (matched or given); auto now, matched again as the density is.
    if (!(ref.dilution >= 0) || (s.dilution < 0 && ref.settings.dilution >= 0 && !ref.aim)) return false;
    let dilution = s.dilution < 0 ? ref.dilution : s.dilution;
    // What is left to the match is matched again for that match's aim
    // (tone.js held).
    const free = { density: s.density === 'auto', dot: s.dot === 'auto', dilution: s.dilution < 0 };
    // Its density changes the exact image's dots' number, not their depth
    // (lookScale's count): more, paler dots or fewer, deeper ones at the
    // same tone, as the engine's image will show.
    let count = 1;
    if (ref.aim && (free.density || free.dot || free.dilution)) {
      const from = ref === m ? Object.assign({}, b, { density: m.density, dot: m.dot, aim: m.aim,
        look: Object.assign({}, b.look, { dilution: m.dilution }) }) : b;
      ({ density, dot, dilution } = smpTone.held(from, { density, dot, dilution }, free));
      if (b.exact) {
        count = density / b.density;
        density = b.density;
      }
    }
    // The age: fainter or darker dots (its load), larger or smaller (as a dot size change).
    const was = smpTone.ageLook(b.settings.age), now = smpTone.ageLook(s.age), sized = dot * now.size / was.size;
    const look = smpTone.lookScale(b, { dilution, layers: s.layers, session: s.session }, now.load / was.load, count, sized);
    if (!look) return false;
    // The mask as the basis's (its hash): its coverage; else what changed.
    // Another edge style: the coverage its shaping gives (the engine's, made
    // ready), where its dots are tiled as where a stroke added coverage.
    let cover = null;
    if (s.edge !== b.settings.edge) {
      cover = mhash === b.maskHash && b.covers[s.edge];
      if (!cover) return false;
    } else if (mhash !== b.maskHash) cover = smpTone.coverFor(b, b.mask, mask, st.w, st.h, b.soften);
    const g = toneCanvas.getContext('2d');
    if (toneCanvas.width !== b.w || toneCanvas.height !== b.h) { toneCanvas.width = b.w; toneCanvas.height = b.h; }
    // One buffer for the previews of a basis's size (they come at a slider's pace).
    if (!st.toneImg || st.toneImg.width !== b.w || st.toneImg.height !== b.h) st.toneImg = g.createImageData(b.w, b.h);
    const img = st.toneImg;
    smpTone.draw(b, density, sized, img.data, cover, density === b.density && sized === b.dot,
      look.keep === 1 && look.q === 1 ? null : look);
    g.putImageData(img, 0, 0);
    st.showing = 'tone';
    status('Quick preview: the exact dots follow…');
    st.toneShown++;
    document.body.dataset.tones = String(st.toneShown);
    compose();
    return true;
  }
  // The tone preview at most half the time while a slider or a finger
  // moves: on a slow tablet's CPU one takes 100-500 ms, and drawn at every
  // move it held the page's thread for seconds (the thumb and the stroke
  // lagged the finger). Within the pause after one, the latest change's is
  // drawn when the pause ends, unless its exact image came first.
  function tonePaced(s, mask, mhash, now_anyway) {
    const now = performance.now();
    if (now < st.toneNext && !now_anyway) {
      clearTimeout(st.toneTimer);
      const L = st.latest;
      st.toneTimer = setTimeout(() => {
        if (st.latest !== L || (L && L.done)) return;
        if (tonePaced(settingsNow(), maskView(), maskHash()) && L && L.toneMs == null) L.toneMs = performance.now() - L.t0;
      }, st.toneNext - now);
      return false;
    }
    const ok = tonePreview(s, mask, mhash);
    const t = performance.now();
    st.toneNext = t + (t - now);
    return ok;
  }
  // A worker's answer with the tone preview's basis: kept with the
  // settings and mask it was made for (even when a newer change is on its
  // way: it is exact for its own).
  function keepTone(sent, m) {
    if (m.ok && m.tone && m.tone.photo) st.tonePhoto = new Uint8ClampedArray(m.tone.photo);
    if (!m.ok || !m.tone || !sent || !sent.mask || !st.tonePhoto || st.tonePhoto.length !== 4 * m.tone.w * m.tone.h) {
      if (m.ok && sent && !m.skipped) st.toneFailed++;
      if (sent) maskFree(sent.mask);
      return;
    }
    // Calibrated on the exact image at the preview's size (the worker's
    // own, or its after image drawn at that size); else the last
    // calibration stands (it is the photo's and the look's).
    // (Made in the worker: built, on the photo it sent before.)
    const t = m.tone, k = t.built;
    const b = { w: t.w, h: t.h, photo: st.tonePhoto, maps: new Uint8Array(t.maps), dots: t.dots, areas: t.areas,
      density: m.info[1], dot: m.info[2], cover: new Uint8Array(k.cover), scale: k.scale,
      exact: k.exact ? new Uint8ClampedArray(k.exact) : null, patch: k.patch ? { P: k.patch.P, d: new Float32Array(k.patch.d) } : null,
      dark: k.dark ? { hist: new Float64Array(k.dark.hist), n: k.dark.n } : null };
    // The edge softens coverage over about a millimetre (m.info[3]: px/mm of the worker's size).
    b.soften = Math.max(1, Math.round(0.5 * m.info[3] * m.tone.w / m.w));
    b.id = sent.id;
    b.settings = sent.settings;
    // The look its dots were drawn with: the dilution the engine used (matched or given).
    b.look = { dilution: m.info[5], layers: sent.settings.layers, session: sent.settings.session };
    b.aim = m.info[8] > 0 ? m.info[8] : 0; // (st_info: -1 when the run has no measures)
    b.ppm = sent.ppm;
    b.mask = sent.mask;
    b.maskHash = sent.maskHash;
    // The coverage under the other edge styles the engine held (more come
    // as they are made ready: warmed).
    b.covers = {};
    for (const [e, c] of Object.entries(t.covers || {})) if (c.byteLength === t.w * t.h) b.covers[e] = new Uint8Array(c);
    if (st.tone) maskFree(st.tone.mask);
    st.tone = b;
  }
  function answered(wk, m) {
    // (A split render's: when the redraw worker's part came; keep then
    // includes the wait for the other part, split.wait.)
    const got = m.got || performance.now();
    if (m.mask && wk.sent) wk.sent.mask = new Uint8Array(m.mask);
    // The tone preview's basis comes in a message after this one (basis,
    // below): what it was asked with and this answer wait for it there.
    if (m.basis && wk.sent) wk.bases.set(m.id, { sent: wk.sent, m });
    else keepTone(wk.sent, m);
    wk.sent = null;
    const kept = performance.now();
    wk.busy = false;
    const next = wk.pending;
    wk.pending = null;
    // The next change first; the basis only when none waits (worker.js).
    if (next) request(wk, next);
    else if (m.basis) wk.w.postMessage({ type: 'basis', id: m.id });
    const L = st.latest;
    if (!L || m.id !== L.id || L.done) { st.dropped++; return; } // stale: a newer change is on its way
    if (!m.ok) {
      if (wk.kind === 'full') { status(m.msg); L.done = true; st.busy = false; idleWhenBased(); }
      return;
    }
    m.info.notes = m.notes || [];
    const img = new ImageData(new Uint8ClampedArray(m.rgba), m.w, m.h);
    after.getContext('2d').putImageData(img, 0, 0);
    const put = performance.now();
    st.showing = 'full';
    st.shownKey = L.key;
    st.shownMatch = matchOf(L.settings, m.info);
    if (st.shownMatch.aim === 1) st.toneMatch = st.shownMatch;
    compose();
    L.done = true;
    remember(L.key, img, m.info);
    const now = performance.now(), ms = now - L.t0;
    // Where the time went (ms): the page's asking (the tone preview drawn,
    // the request posted), to the worker's start, in it (its own
    // stages; post: within the engine's, the render-only worker's job
    // handed over), its answer's way back, then the page's part: the tone
    // preview's basis kept, the image put, the view drawn.
    const ws = m.stages, T = performance.timeOrigin;
    const stages = ws ? { ask: L.asked - L.t0, send: ws.start - T - L.asked, engine: ws.engine, steps: ws.steps, post: ws.post, rgba: ws.rgba,
      copy: ws.copy, basis: ws.basis, back: T + got - ws.end, keep: kept - got, put: put - kept, view: now - put,
      split: ws.split } : null;
    rendered(L.reason, ms, m.engineMs, m.info, { tone: L.toneMs, reused: m.reused, stages, id: m.id });
    st.busy = false;
    idleWhenBased();
  }
  // Idle once no tone preview's basis is still on its way either (so a
  // change made then finds it).
  function idleWhenBased() {
    if (!st.busy && !(st.workers && st.workers.full.bases.size)) {
      state('idle');
      warmNext();
    }
  }

  // While the consultant looks at an exact image, the redraw worker makes
  // the dots of the density and dot size sliders' other positions ready
  // (worker.js warm: sampled into the engine's memo, no image), nearest
  // first, one position per message: a change then waits behind one at
  // most, and a change to a position made ready skips the sampling (a
  // density change's 0.4-0.6 s of its 0.6 s). Not while a change is on its
  // way, a slider is held or a finger, mouse or pen is down; resumed after.
  // The positions done are kept while what the dots read stays (ctx: the
  // seed, sessions, edge, regularity, scale and mask; the shade too when
  // density or dot size is auto, as the match that chooses them reads
  // it); any of those changed, they start again (the engine's memo keeps
  // its own: a position it holds is answered at once).
  function warmCtx() {
    const s = settingsNow(), auto = s.density === 'auto' || s.dot === 'auto';
    return JSON.stringify([s.seed, s.layers, s.edge, s.regularity, auto && s.dilution, st.ppm, st.scale, maskHash()]);
  }
  // The positions around the slider's value: one step out, then two, ...;
  // at each distance density up, dot size up, density down, dot size down
  // (a dot size's job takes the current density's first sessions from the
  // engine's memo, which keeps the last three densities' only); after the
  // first step, the other edge styles (the engine keeps three shapings'
  // dots side by side) and the sessions picker's other splits; the
  // regularity up and down to WARM_REG steps out (a change of any of these
  // samples every session again: 0.5-1.5 s here).
  const WARM_REG = 3;
  function warmQueue() {
    const s = settingsNow(), out = [];
    const axis = (id, key, most) => {
      const el = $(id), lo = Number(el.min), hi = Number(el.max), step = Number(el.step), v = Number(el.value);
      const at = k => Math.round((v + k * step) / step) * step;
      return { key, lo, hi, v, auto: s[key] === 'auto', at, n: Math.min(most || Infinity, Math.round((hi - lo) / step)) };
    };
    const axes = [axis('density', 'density'), axis('dot', 'dot'), axis('regularity', 'regularity', WARM_REG)];
    const far = Math.max(...axes.map(a => a.n));
    for (let k = 0; k <= far; k++) {
      for (const sign of k ? [1, -1] : [0])
        for (const a of axes) {
          if (!k && !a.auto) continue; // the position shown (unless auto: the slider's own value then)
          if (k > a.n) continue;
          const x = Number(a.at(sign * k).toFixed(2));
          if (x < a.lo - 1e-9 || x > a.hi + 1e-9) continue;
          out.push(Object.assign({}, s, { [a.key]: x }));
        }
      if (k === 1) {
        for (const e of Object.values(EDGES)) if (e !== s.edge) out.push(Object.assign({}, s, { edge: e }));
        for (const L of SPLITS)
          if (L.length !== s.layers.length) out.push(Object.assign({}, s, { layers: L, session: s.session < L.length ? s.session : 0 }));
      }
    }
    return out;
  }
  function warmNext() {
    const wk = st.workers && st.workers.full;
    if (!wk || !wk.ready || !st.w || !st.latest || !st.latest.done || st.busy || wk.busy || wk.pending ||
      wk.bases.size || st.held || st.pointers.size || st.exporting) return;
    const ctx = warmCtx();
    if (!st.warm || st.warm.ctx !== ctx)
      st.warm = { ctx, done: new Set(), off: false, centre: null, t0: null, jobs: 0, made: 0, ms: [], cover: null };
    const W = st.warm;
    // The positions around another value: those farther than the memo's
    // bound kept around the last may fit now.
    const s = settingsNow(), centre = JSON.stringify([s.density, s.dot]);
    if (W.centre !== centre) { W.centre = centre; W.off = false; }
    const next = W.off ? null : warmQueue().find(x => !W.done.has(JSON.stringify(x)));
    if (!next) {
      if (W.t0 != null && W.cover == null) W.cover = performance.now() - W.t0;
      document.body.dataset.warm = 'idle';
      return;
    }
    if (W.t0 == null) W.t0 = performance.now();
    wk.busy = true;
    const mh = maskHash();
    wk.warming = { key: JSON.stringify(next), t0: performance.now(), settings: next, maskHash: mh, ppm: st.ppm };
    document.body.dataset.warm = 'busy';
    // Another edge style: its coverage comes back for the tone preview.
    wk.w.postMessage({ type: 'warm', id: ++st.reqId, settings: next, ppm: st.ppm * st.scale, maskHash: mh,
      cover: next.edge !== s.edge });
  }
  // smp_cache_prepare's answers (smpsim.h's SMP_PREPARED_*).
  const PREPARED = { NOT_KEPT: 0, MADE: 1, HELD: 2, PART: 3 };
  function warmed(wk, m) {
    const w = wk.warming, W = st.warm;
    wk.warming = null;
    wk.busy = false;
    // Another edge style's coverage, for the tone preview of the basis
    // made for these settings, mask, scale and size but the edge.
    const b = st.tone, other = x => JSON.stringify(Object.assign({}, x, { edge: 0 }));
    if (w && m.ok && m.cover && b && b.maskHash === w.maskHash && b.ppm === w.ppm && m.coverSize[0] === b.w &&
      m.coverSize[1] === b.h && other(b.settings) === other(w.settings))
      b.covers[w.settings.edge] = new Uint8Array(m.cover);
    if (W && w) {
      // Partly made (one session's dots): the same position again next.
      if (!(m.ok && m.made === PREPARED.PART)) W.done.add(w.key);
      W.jobs++;
      W.ms.push(performance.now() - w.t0);
      if (m.ok && m.made === PREPARED.MADE) W.made++;
      // Not kept (the memo's bound): the positions farther out would not be
      // either, until the value moves (warmNext).
      if (m.ok && m.made === PREPARED.NOT_KEPT) W.off = true;
      W.held = m.held;
      W.bytes = m.bytes;
    }
    // A change that came meanwhile goes now; else the next position.
    const next = wk.pending;
    wk.pending = null;
    if (next) request(wk, next);
    else warmNext();
  }
  // The tone preview's basis for an after image drawn before (answered).
  function basis(wk, m) {
    const a = wk.bases.get(m.id);
    if (!a) return;
    wk.bases.delete(m.id);
    keepTone(a.sent, Object.assign({}, a.m, { tone: m.tone, skipped: m.skipped }));
    const tm = st.timings.find(t => t.id === m.id);
    if (tm && tm.stages) tm.stages.basis = m.ms;
    idleWhenBased();
  }
  // A full after image drawn: the timing, what the engine chose, the labels.
  function rendered(reason, ms, engine, info, extra) {
    st.renders++;
    const tm = Object.assign({ reason, ms, engine, w: st.w, h: st.h }, extra);
    st.timings.push(tm);
    // (dots: all sessions'; shown: the session shown's, st_info 9)
    st.chosen = { dots: info[0], shown: info[9] >= 0 ? info[9] : info[0], density: info[1], dot: info[2], ppm: info[3],
      assumed: info[4] };
    const c = st.chosen;
    $('chosen').textContent = chosenText(c);
    // Auto: the thumbs and labels show what the match chose, so a box
    // unticked starts from the picture shown (to the slider's step), not
    // from where the thumb was left.
    for (const [id, v, text] of [['density', c.density, `${c.density.toFixed(0)} dots/cm²`],
      ['dot', c.dot, `${c.dot.toFixed(2)} mm`], ['dilution', info[5], `${Number(info[5]).toFixed(2)}`]])
      if ($(`${id}-auto`).checked && v >= 0) {
        $(id).value = String(v);
        $(`${id}-out`).textContent = `${id === 'dilution' ? 'matched' : 'auto'}: ${text}`;
      }
    // What the engine says of this run, for the consultant to pass on, in
    // plain words over the view; its own words, with their figures, in the
    // panel's "The engine's notes, with figures".
    showNotes(info.notes || []);
    const pre = extra.tone != null ? `tone preview in ${extra.tone.toFixed(0)} ms, ` : '';
    const secs = extra.seen ? '' : ` in ${Math.max(0.1, ms / 1000).toFixed(1)} s`;
    status(reason === 'photo' ? `Ready${secs}: drag ↔ to compare before and after` : `${CHANGED[reason] || 'After image'} updated${secs}`,
      `${st.w}×${st.h}: ${pre}redrawn in ${ms.toFixed(0)} ms (${reason})`);
    const k = Number($('session').value);
    $('tag-after').textContent = k ? `After session ${k}` : 'After';
    sideTags(); // (its width changed)
    document.body.dataset.renders = String(st.renders);
  }

  // What the after image shows, in the panel: its dots, density and dot
  // size; of the session shown when it is not the last (its share of the
  // density: the sessions' cumulative percentages), with the whole
  // treatment's after it. (It gave all sessions' dots under "After session 1".)
  function chosenText(c) {
    const L = layers(), n = L.length, k = Number($('session').value), count = x => Number(x).toLocaleString('en-US');
    const all = `${count(c.dots)} dots, ${c.density.toFixed(0)} dots/cm²`;
    const what = k > 0 && k < n
      ? `After session ${k} of ${n}: ${count(c.shown)} dots, ${(c.density * L[k - 1] / 100).toFixed(0)} dots/cm² ` +
        `(all ${n}: ${all})`
      : n > 1 ? `After all ${n} sessions: ${all}` : all;
    return `${what}; ${c.dot.toFixed(2)} mm dots; scale ${(c.ppm / st.scale).toFixed(2)} px/mm${c.assumed ? ' (assumed)' : ''}`;
  }

  // The engine's notes as the command prints them (its words, for whoever
  // runs it) speak of lightness L*, CIEDE2000 residuals and blur in mm: the
  // client reads the view too, so it shows them in plain words (plainNote),
  // and the figures under "The engine's notes, with figures" in the panel, folded.
  function showNotes(notes) {
    $('notes').textContent = notes.map(plainNote).join('\n');
    $('figures-text').textContent = notes.join('\n');
    $('figures').hidden = !notes.length;
  }
  const NUM = '([\\d.]+)';
  const PLAIN = [
    [/^the treated area already matches its surroundings \(L\*[^)]*\): it barely changes; a light session is enough$/,
      () => 'The treated area already matches the hair around it: it will barely change, and a light session is enough.'],
    [new RegExp(`^matching the surrounding hair \\(L\\*[^)]*\\) takes the most dots the practice range allows \\(${NUM} dots/cm² of ${NUM} mm\\); (.*)$`),
      (d, s, rest) => `Matching the hair around it takes the most dots that practice allows (${d} dots/cm² of ${s} mm); ${rest}.`],
    [/^the treated area is already as dark as its surroundings \(L\*[^)]*\): (.*)$/,
      rest => `The treated area is already as dark as the hair around it: ${rest}.`],
    [/^at these settings the treated area comes out darker than its surroundings \(L\*[^)]*\): (.*)$/,
      rest => `At these settings the treated area comes out darker than the hair around it: ${rest}.`],
    [new RegExp(`^the surrounding hair is darker than SMP reaches \\(L\\*[^)]* with ${NUM} dots/cm² of ${NUM} mm\\): ([^;]*)`),
      (d, s, rest) => `The hair around the treated area is darker than SMP reaches, even with ${d} dots/cm² of ${s} mm: ${rest}.`],
    [new RegExp(`^the pigment's shade differs from the surroundings' \\(residual CIEDE2000 [^ ]+ at ${NUM} dots/cm² of ${NUM} mm\\)$`),
      (d, s) => `The pigment's shade still differs from the hair around it (at ${d} dots/cm² of ${s} mm).`],
    [new RegExp(`^no usable reference or core: kept ${NUM} dots/cm² of ${NUM} mm dots$`),
      (d, s) => `No clear hair around the mask, or no bare skin inside it, to match: auto kept ${d} dots/cm² of ${s} mm.`],
    [/^the surroundings are out of focus in this photo \([^)]*\): (.*)$/,
      () => 'The hair around the treated area is out of focus in this photo: its follicles cannot be counted, so the dots ' +
        'are matched to its tone.'],
    [/^the shorter side spanning .* px\/mm; kept to .*$/,
      () => 'The photo\'s scale is a guess, held within the usual range: set it (Measure, or px/mm) for true dot sizes.'],
    // (The page has no feather to narrow.)
    [/^no dots placed: at [^ ]+ px\/mm the mask lies within the edge's [^ ]+ mm ramp or under hair already there/,
      () => 'No dots placed: the mask is narrower than its soft edge, or under hair already there; check the scale.'],
  ];
  // A note in plain words: the table's form, else the note without its
  // figures in brackets and residuals, as a sentence.
  function plainNote(note) {
    for (const [re, f] of PLAIN) {
      const m = re.exec(note);
      if (m) return f(...m.slice(1));
    }
    const t = note.replace(/\s*\((?=[^)]*(L\*|CIEDE2000|ΔE|px\/mm|blur))[^)]*\)/g, '')
      .replace(/[;,]?\s*residual (CIEDE2000|ΔE)[^;:]*/g, '').trim();
    return t && `${t[0].toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
  }

  // What a redraw's reason changed, as the status line says it.
  const CHANGED = { density: 'Density', dot: 'Dot size', shade: 'Shade', sessions: 'Sessions', session: 'Session',
    age: 'Age', edge: 'Edge', regularity: 'Regularity', seed: 'Seed', mask: 'Mask', 'mask file': 'Mask file', undo: 'Mask',
    suggest: 'Suggested mask', hairline: 'Hairline', scale: 'Scale', retry: 'After image' };

  // Without workers: the redraw on the page's thread, changes during one
  // folded into the next.
  function scheduleHere(reason) {
    const t0 = performance.now();
    if (st.busy) { st.pending = st.pending || { reason, t0 }; return; }
    st.busy = true;
    state('busy');
    status('Updating the after image…');
    // After the next paint, so "Updating…" shows while the engine works
    // (it holds the page's one thread until it is done).
    requestAnimationFrame(() => setTimeout(() => run(reason, t0), 0));
  }
  function run(reason, t0) {
    const err = smpApplySettings(M, S, P, settingsNow(), st.ppm * st.scale);
    let ok = !err;
    const t1 = performance.now();
    if (ok && M._st_simulate_cached(S)) { ok = false; status(msg()); }
    const t2 = performance.now();
    if (ok) {
      const p = M._st_after(S);
      if (!p) { ok = false; status('out of memory'); }
      else {
        after.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(M.HEAPU8.buffer, p, 4 * st.w * st.h)
          .slice(), st.w, st.h), 0, 0);
        st.showing = 'full';
        st.shownKey = JSON.stringify([settingsNow(), st.ppm]) + maskHash();
        compose();
      }
    }
    const t3 = performance.now();
    if (err) status(err);
    if (ok) {
      const info = [];
      for (let k = 0; k < 10; k++) info.push(M._st_info(S, k));
      info.notes = smpNotes(M, S);
      rendered(reason, t3 - t0, t2 - t1, info, { reused: M._st_reused(S) });
    }
    st.busy = false;
    const next = st.pending;
    st.pending = null;
    if (next) scheduleHere(next.reason);
    else state('idle');
  }

  // The view: after, the before left of the divider, the mask, the taps,
  // zoomed by st.z from the working pixel (st.ox, st.oy) at its top left.
  // The divider stays where it is on the screen: the before shows left of
  // it, whatever the zoom.
  function compose() {
    if (!st.w) return;
    const z = st.z;
    vctx.setTransform(z, 0, 0, z, -st.ox * z, -st.oy * z);
    // The after image, or the tone preview until it comes.
    if (st.showing === 'tone') vctx.drawImage(toneCanvas, 0, 0, st.w, st.h);
    else vctx.drawImage(after, 0, 0);
    // Until the exact image at the working size is in, the view says so.
    $('refining').hidden = st.showing === 'full';
    document.body.dataset.showing = st.showing;
    const x = splitX();
    if (x > 0) vctx.drawImage(before, 0, 0, x, st.h, 0, 0, x, st.h);
    if ($('overlay').checked) vctx.drawImage(overlay, 0, 0);
    const field = drawLoupe();
    if (field) {
      vctx.strokeStyle = '#fff'; vctx.lineWidth = 2 * st.w / Math.max(1, view.clientWidth) / z;
      vctx.strokeRect(...field);
    }
    const r = Math.max(4, st.w / 250) / z;
    const dots = (pts, colour) => {
      vctx.fillStyle = colour; vctx.strokeStyle = '#000'; vctx.lineWidth = r / 3;
      for (const [px, py] of pts) { vctx.beginPath(); vctx.arc(px, py, r, 0, 7); vctx.fill(); vctx.stroke(); }
    };
    if (st.tool === 'hairline') {
      vctx.strokeStyle = '#6cf'; vctx.lineWidth = r / 2;
      vctx.beginPath();
      st.hairline.forEach(([px, py], i) => (i ? vctx.lineTo(px, py) : vctx.moveTo(px, py)));
      vctx.stroke();
      dots(st.hairline, '#6cf');
    }
    if (st.tool === 'measure') {
      if (st.measure.length === 2) {
        vctx.strokeStyle = '#fc6'; vctx.lineWidth = r / 2; vctx.beginPath();
        vctx.moveTo(...st.measure[0]); vctx.lineTo(...st.measure[1]); vctx.stroke();
      }
      dots(st.measure, '#fc6');
    }
    vctx.setTransform(1, 0, 0, 1, 0, 0);
    $('divider').style.left = `${st.split * 100}%`;
    $('divider').setAttribute('aria-valuenow', String(Math.round(st.split * 100)));
    sideTags();
  }
  // The Before and After tags name only the sides in view: each shows
  // while its side of the divider has room for it (with the divider at 0 %
  // the whole view is the after image, and "Before" stayed over it).
  function sideTags() {
    const W = view.clientWidth, x = st.split * W;
    for (const [id, room] of [['tag-before', x], ['tag-after', W - x]]) {
      const t = $(id);
      t.style.visibility = room >= t.offsetWidth + 16 ? '' : 'hidden';
    }
  }
  // Where the divider falls on the photo (working pixels).
  const splitX = () => Math.min(st.w, Math.max(0, st.ox + st.split * st.w / st.z));

  // ------------------------------------------------------------ zoom
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  function clampView() {
    st.z = clamp(st.z, 1, ZOOM_MAX);
    st.ox = clamp(st.ox, 0, st.w - st.w / st.z);
    st.oy = clamp(st.oy, 0, st.h - st.h / st.z);
  }
  // A screen point as the view's canvas pixel, and as a working pixel.
  function canvasAt(x, y) {
    const r = view.getBoundingClientRect();
    return [(x - r.left) * st.w / r.width, (y - r.top) * st.h / r.height];
  }
  function imageAt(x, y) {
    const [cx, cy] = canvasAt(x, y);
    return [st.ox + cx / st.z, st.oy + cy / st.z];
  }
  // Zoom to z keeping the working pixel (ix, iy) under the screen point (x, y).
  function zoomKeep(z, ix, iy, x, y) {
    const [cx, cy] = canvasAt(x, y);
    st.z = clamp(z, 1, ZOOM_MAX);
    st.ox = ix - cx / st.z;
    st.oy = iy - cy / st.z;
    clampView();
    st.focus = st.z > 1 ? [clamp(ix, 0, st.w), clamp(iy, 0, st.h)] : null;
    zoomUi();
    compose();
  }
  const zoomAt = (f, x, y) => { if (st.w) zoomKeep(st.z * f, ...imageAt(x, y), x, y); };
  function zoomCentre(f) {
    const r = view.getBoundingClientRect();
    zoomAt(f, r.left + r.width / 2, r.top + r.height / 2);
  }
  function zoomUi() {
    $('zoom-fit').textContent = `×${st.z.toFixed(1)}`;
    $('zoom-out').disabled = st.z <= 1;
    $('zoom-in').disabled = st.z >= ZOOM_MAX;
    document.body.dataset.zoom = st.z.toFixed(3);
  }
  // The loupe: the after image at 100 % (a pixel of it to a CSS pixel)
  // around the focus (the last point touched or zoomed at, else the view's
  // centre), from the after image at the photo's full size when the page
  // has it for what the view shows (kept from the last full-size export,
  // see fullAfter), else from the working one; its label says which. Gives
  // its field (working pixels), outlined on the view, or null when hidden.
  function drawLoupe() {
    const box = $('loupe-box'), on = st.loupeOn && st.z > 1;
    box.hidden = !on;
    $('loupe-full').hidden = true;
    if (!on) { st.loupeSource = null; return null; }
    const Lw = Math.max(16, box.clientWidth), Lh = Math.max(16, box.clientHeight), dpr = window.devicePixelRatio || 1;
    const lc = $('loupe'), cw = Math.round(Lw * dpr), ch = Math.round(Lh * dpr);
    if (lc.width !== cw || lc.height !== ch) { lc.width = cw; lc.height = ch; }
    const full = st.full && st.showing === 'full' && st.full.key === st.shownKey ? st.full : null;
    const src = full ? full.bitmap : after, k = full ? full.w / st.w : 1;
    const sw = full ? full.w : st.w, sh = full ? full.h : st.h;
    const [fx, fy] = st.focus || [st.ox + st.w / st.z / 2, st.oy + st.h / st.z / 2];
    const nw = Math.min(Lw, sw), nh = Math.min(Lh, sh);
    const sx = clamp(Math.round(fx * k - nw / 2), 0, sw - nw), sy = clamp(Math.round(fy * k - nh / 2), 0, sh - nh);
    const g = lc.getContext('2d');
    g.imageSmoothingEnabled = false;
    g.fillStyle = '#000';
    g.fillRect(0, 0, cw, ch);
    g.drawImage(src, sx, sy, nw, nh, 0, 0, nw * dpr, nh * dpr);
    st.loupeSource = full || st.scale === 1 ? 'full' : 'working';
    $('loupe-label').textContent = st.loupeSource === 'full' ? '100 %, full size' : '100 %, working size';
    $('loupe-label').title = `from the after image at ${sw}×${sh}`;
    box.dataset.source = st.loupeSource;
    // Offered when the page can make and keep the full-size image.
    $('loupe-full').hidden = st.loupeSource === 'full' || !st.workers || st.fullW * st.fullH > KEEP_MAX ||
      st.fullW * st.fullH > EXPORT_MAX;
    st.loupeRect = [sx, sy, nw, nh];
    // Outlined on the view while it is smaller than what the view shows.
    return nw / k < st.w / st.z && nh / k < st.h / st.z ? [sx / k, sy / k, nw / k, nh / k] : null;
  }
  // The mask as a red tint over the box (x, y, w, h), a pixel at a time
  // from a table of the 256 tints (whole RGBA words: a byte at a time took
  // a quarter second on a working-size photo).
  const tint = new Uint32Array(256);
  {
    const b = new Uint8ClampedArray(tint.buffer);
    for (let v = 0; v < 256; v++) { b[4 * v] = 255; b[4 * v + 1] = 40; b[4 * v + 2] = 40; b[4 * v + 3] = v * 0.45; }
  }
  function paintOverlay(x0, y0, bw, bh) {
    maskChanged();
    const m = maskView(), o = new Uint32Array(st.ovl.data.buffer);
    for (let y = y0; y < y0 + bh; y++)
      for (let x = x0, i = y * st.w + x0; x < x0 + bw; x++, i++) o[i] = tint[m[i]];
    overlay.getContext('2d').putImageData(st.ovl, 0, 0, x0, y0, bw, bh);
  }

  // ------------------------------------------------------------ mask edits
  function snapshot() {
    st.edits++;
    st.undo.push(maskView().slice());
    if (st.undo.length > UNDO_MAX) st.undo.shift();
    st.redo.length = 0;
    undoButtons();
  }
  function restore(from, to) {
    if (!from.length) return;
    to.push(maskView().slice());
    maskView().set(from.pop());
    st.edits++;
    paintOverlay(0, 0, st.w, st.h);
    undoButtons();
    schedule('undo');
  }
  function undoButtons() {
    $('undo').disabled = !st.undo.length;
    $('redo').disabled = !st.redo.length;
  }
  // A disc of the brush (255) or the eraser (0) at (cx, cy) working pixels.
  function dab(cx, cy, value) {
    const r = Number($('brush').value) / 2, m = maskView();
    const x0 = Math.max(0, Math.floor(cx - r)), x1 = Math.min(st.w - 1, Math.ceil(cx + r));
    const y0 = Math.max(0, Math.floor(cy - r)), y1 = Math.min(st.h - 1, Math.ceil(cy + r));
    if (x1 < x0 || y1 < y0) return;
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++)
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) m[y * st.w + x] = value;
    paintOverlay(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
  }
  function stroke(from, to, value) {
    const d = Math.hypot(to[0] - from[0], to[1] - from[1]);
    const step = Math.max(1, Number($('brush').value) / 6), n = Math.ceil(d / step);
    for (let i = 1; i <= n; i++) dab(from[0] + (to[0] - from[0]) * i / n, from[1] + (to[1] - from[1]) * i / n, value);
  }

  // ------------------------------------------------------------ pointer
  // One pointer: the tool (at zoom 1 the view tool moves the divider; when
  // zoomed it pans). Two (touch): a pinch zooms and pans, and takes back
  // what the first finger began (a stroke's dabs, a tap's point).
  const at = e => imageAt(e.clientX, e.clientY);
  const frac = e => { const r = view.getBoundingClientRect(); return clamp((e.clientX - r.left) / r.width, 0, 1); };
  const pts = new Map();
  let drag = null, pinch = null;
  function pinchState() {
    const [a, b] = [...pts.values()];
    return { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
  function undoGesture() {
    if (!drag) return;
    if (drag.kind === 'paint') {
      maskView().set(st.undo.pop());
      paintOverlay(0, 0, st.w, st.h);
      undoButtons();
    } else if (drag.kind === 'tap') {
      if (drag.tool === 'hairline') { st.hairline.pop(); hairlineRow(); } else { st.measure = drag.measure; measureRow(); }
    }
    drag = null;
  }
  // The fingers on the stage (the view and the divider's handle), seen
  // before the view's and the divider's own handlers: a second one starts a
  // pinch, which they then do not see.
  const stage = $('stage');
  // The pointers down anywhere (a finger on a slider, a stroke, a pan):
  // no position is made ready meanwhile (warmNext). After the last is
  // lifted, a moment for the change it makes (a slider's) to be asked first.
  window.addEventListener('pointerdown', (e) => st.pointers.add(e.pointerId), true);
  const lifted = (e) => {
    st.pointers.delete(e.pointerId);
    if (!st.pointers.size) setTimeout(warmNext, 100);
  };
  window.addEventListener('pointerup', lifted, true);
  window.addEventListener('pointercancel', lifted, true);
  stage.addEventListener('pointerdown', (e) => {
    if (!st.w || e.target.closest('#zoombar')) return;
    pts.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pts.size < 2) return;
    e.stopPropagation();
    e.preventDefault();
    if (pinch) return;
    undoGesture();
    for (const id of pts.keys()) if (divider.hasPointerCapture(id)) divider.releasePointerCapture(id);
    const p = pinchState();
    pinch = { d0: p.d, z0: st.z, i: imageAt(p.x, p.y) };
    try { stage.setPointerCapture(e.pointerId); } catch (err) { /* a pointer already gone */ }
    compose();
  }, true);
  stage.addEventListener('pointermove', (e) => {
    if (!pts.has(e.pointerId)) return;
    pts.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (!pinch) return;
    e.stopPropagation();
    if (pts.size === 2) {
      const p = pinchState();
      zoomKeep(pinch.z0 * p.d / pinch.d0, ...pinch.i, p.x, p.y);
    }
  }, true);
  const lift = (e) => {
    pts.delete(e.pointerId);
    if (pinch) {
      e.stopPropagation();
      if (!pts.size) pinch = null; // every finger up before anything more
    }
  };
  stage.addEventListener('pointerup', lift, true);
  stage.addEventListener('pointercancel', lift, true);
  view.addEventListener('pointerdown', (e) => {
    if (!st.w) return;
    try { view.setPointerCapture(e.pointerId); } catch (err) { /* a pointer already gone */ }
    e.preventDefault();
    if (!st.workers && st.busy && st.tool !== 'view') return;
    const p = at(e);
    st.focus = p;
    if (st.tool === 'view') {
      // On the notes: a tap folds them, a drag is the view's (below).
      if (onNotes(e)) drag = { kind: 'notes', x: e.clientX, y: e.clientY };
      else if (st.z > 1) drag = { kind: 'pan', x: e.clientX, y: e.clientY };
      else { drag = { kind: 'divider' }; st.split = frac(e); }
      Object.assign(drag, { t0: e.timeStamp, x0: e.clientX, y0: e.clientY, touch: e.pointerType === 'touch' });
    } else if (st.tool === 'brush' || st.tool === 'eraser') {
      snapshot();
      drag = { kind: 'paint', last: p, value: st.tool === 'brush' ? 255 : 0 };
      dab(p[0], p[1], drag.value);
    } else if (st.tool === 'hairline') {
      drag = { kind: 'tap', tool: 'hairline' };
      if (st.hairline.length < 9) st.hairline.push(p);
      else drag = null;
      hairlineRow();
    } else if (st.tool === 'measure') {
      drag = { kind: 'tap', tool: 'measure', measure: st.measure };
      st.measure = st.measure.length >= 2 ? [p] : [...st.measure, p];
      measureRow();
    }
    compose();
  });
  view.addEventListener('pointermove', (e) => {
    if (!st.w) return;
    if (!drag) {
      // Hovering (mouse, pen): the loupe follows.
      if (st.z > 1 && e.pointerType !== 'touch' && !pts.size) { st.focus = at(e); compose(); }
      return;
    }
    if (drag.kind === 'notes') {
      if (Math.hypot(e.clientX - drag.x0, e.clientY - drag.y0) < 10) return;
      drag.kind = st.z > 1 ? 'pan' : 'divider';
    }
    const p = at(e);
    st.focus = p;
    if (drag.kind === 'divider') st.split = frac(e);
    else if (drag.kind === 'pan') {
      const r = view.getBoundingClientRect();
      st.ox -= (e.clientX - drag.x) * st.w / r.width / st.z;
      st.oy -= (e.clientY - drag.y) * st.h / r.height / st.z;
      drag.x = e.clientX; drag.y = e.clientY;
      clampView();
    } else if (drag.kind === 'paint') {
      stroke(drag.last, p, drag.value);
      drag.last = p;
      // The stroke's tone at once, once a frame (the exact image when it ends).
      if (st.workers && !drag.toneFrame)
        drag.toneFrame = requestAnimationFrame(() => { if (drag) drag.toneFrame = 0; tonePaced(settingsNow(), maskView()); });
    }
    compose();
  });
  // A finger's double tap fits the photo again, as a double click does
  // (not every browser makes the two taps a dblclick; Chromium does, and
  // the fit it asks again then does nothing).
  function doubleTap(e) {
    if (!drag.touch || e.timeStamp - drag.t0 > 300 || Math.hypot(e.clientX - drag.x0, e.clientY - drag.y0) > 20) return;
    const t = st.lastTap;
    st.lastTap = { t: e.timeStamp, x: e.clientX, y: e.clientY };
    if (!t || e.timeStamp - t.t > 400 || Math.hypot(e.clientX - t.x, e.clientY - t.y) > 40) return;
    st.lastTap = null;
    if (st.z > 1) zoomCentre(1 / st.z);
  }
  const end = (e) => {
    // A stroke's end draws its tone preview at once (schedule): the one a
    // move left for the next frame would draw the same mask again.
    if (drag && drag.kind === 'paint') { cancelAnimationFrame(drag.toneFrame); schedule('mask'); }
    if (drag && (drag.kind === 'pan' || drag.kind === 'divider') && e.type === 'pointerup') doubleTap(e);
    if (drag && drag.kind === 'notes' && e.type === 'pointerup') foldNotes();
    drag = null;
  };
  view.addEventListener('pointerup', end);
  view.addEventListener('pointercancel', end);
  // The wheel zooms at the pointer; a trackpad's pinch comes as the wheel
  // with ctrl (small steps, so a larger factor per step).
  $('stage').addEventListener('wheel', (e) => {
    if (!st.w) return;
    e.preventDefault();
    const dy = e.deltaY * (e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1);
    zoomAt(Math.exp(-dy * (e.ctrlKey ? 0.01 : 0.002)), e.clientX, e.clientY);
  }, { passive: false });
  view.addEventListener('dblclick', () => { if (st.tool === 'view') zoomCentre(1 / st.z); });
  window.addEventListener('resize', compose); // the loupe's size follows the stage's
  $('zoom-in').addEventListener('click', () => zoomCentre(1.5));
  $('zoom-out').addEventListener('click', () => zoomCentre(1 / 1.5));
  $('zoom-fit').addEventListener('click', () => zoomCentre(1 / st.z));
  // The engine's notes lie over the photo and let its gestures through
  // (pointer-events: none); a tap on them, seen by the view, folds them to
  // one line or unfolds them.
  function onNotes(e) {
    const n = $('notes');
    if (!n.textContent || !n.offsetParent) return false;
    const r = n.getBoundingClientRect();
    return e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
  }
  function foldNotes() {
    const n = $('notes');
    n.setAttribute('aria-expanded', String(!n.classList.toggle('folded')));
  }
  $('loupe-on').addEventListener('click', () => {
    st.loupeOn = !st.loupeOn;
    $('loupe-on').setAttribute('aria-pressed', String(st.loupeOn));
    compose();
  });

  // The divider itself: dragged in any tool, and by the keys.
  const divider = $('divider');
  divider.addEventListener('pointerdown', (e) => {
    divider.setPointerCapture(e.pointerId);
    divider.focus();
    e.preventDefault();
    e.stopPropagation();
  });
  divider.addEventListener('pointermove', (e) => {
    if (!divider.hasPointerCapture(e.pointerId)) return;
    st.split = frac(e);
    compose();
  });
  divider.addEventListener('keydown', (e) => {
    const step = e.shiftKey ? 0.1 : 0.02;
    const to = { ArrowLeft: st.split - step, ArrowRight: st.split + step, Home: 0, End: 1 }[e.key];
    if (to === undefined) return;
    st.split = Math.min(1, Math.max(0, Math.round(to * 100) / 100));
    compose();
    e.preventDefault();
  });

  // ------------------------------------------------------------ tools
  function setTool(t) {
    st.tool = t;
    document.body.dataset.tool = t;
    for (const b of document.querySelectorAll('[data-tool]')) b.setAttribute('aria-pressed', String(b.dataset.tool === t));
    $('hairline-row').hidden = t !== 'hairline';
    $('measure-row').hidden = t !== 'measure';
    view.style.cursor = t === 'view' ? 'ew-resize' : 'crosshair';
    // The mask's tint shows while the mask is edited (brush, eraser,
    // hairline) and not in the view tool, where the client looks at the
    // after image (on by default, a client's first look was a red tint over
    // the after side); the box turns it on or off until the next tool.
    $('overlay').checked = t === 'brush' || t === 'eraser' || t === 'hairline';
    compose();
  }
  function hairlineRow() {
    const n = st.hairline.length;
    $('hairline-n').textContent = n < 3 ? `Tap ${3 - n} more point${n === 2 ? '' : 's'} (3 to 9)` : `${n} points`;
    $('hairline-apply').disabled = n < 3;
  }
  function measureRow() {
    const [a, b] = st.measure;
    const d = b ? Math.hypot(b[0] - a[0], b[1] - a[1]) / st.scale : 0;
    $('measure-px').textContent = b ? `${d.toFixed(1)} px apart` : 'Tap two points a known distance apart';
    $('measure-apply').disabled = !b;
  }
  for (const b of document.querySelectorAll('[data-tool]')) b.addEventListener('click', () => setTool(b.dataset.tool));
  $('undo').addEventListener('click', () => restore(st.undo, st.redo));
  $('redo').addEventListener('click', () => restore(st.redo, st.undo));
  // Ctrl+Z (Cmd+Z) undoes a mask edit, Ctrl+Shift+Z or Ctrl+Y redoes it
  // (not Cmd+Y: a Mac browser's history), wherever the focus is but in a
  // field that takes text (the caption, the numbers), whose own undo the
  // browser gives. (Any <input> was passed over: with a slider or a box
  // focused, as after setting the brush size, the keys did nothing.) The
  // key is read by its letter when that is Latin (a German keyboard's Z
  // sits where a US one has Y), else by its place (KeyboardEvent.code): on
  // a Russian or Greek layout the keys gave "я" or "ζ" and did nothing.
  const typing = el => el && (el.isContentEditable || el.tagName === 'TEXTAREA' ||
    (el.tagName === 'INPUT' && !['range', 'checkbox', 'radio', 'button', 'file'].includes(el.type)));
  document.addEventListener('keydown', (e) => {
    const k = /^[a-z]$/i.test(e.key) ? e.key.toLowerCase() : { KeyZ: 'z', KeyY: 'y' }[e.code];
    if (!(e.ctrlKey || e.metaKey) || e.altKey || !(k === 'z' || (k === 'y' && e.ctrlKey)) || typing(e.target)) return;
    if (e.shiftKey || k === 'y') restore(st.redo, st.undo); else restore(st.undo, st.redo);
    e.preventDefault();
  });
  $('suggest').addEventListener('click', () => {
    if (!st.w) return;
    ask({ op: 'suggest', reason: 'suggest', t0: performance.now() });
  });
  $('overlay').addEventListener('change', compose);
  $('hairline-apply').addEventListener('click', () => {
    if (!st.w || st.hairline.length < 3) return;
    status('Cutting the mask along the hairline…');
    ask({ op: 'hairline', reason: 'hairline', xy: st.hairline.map(p => p.slice()) });
  });
  $('hairline-clear').addEventListener('click', () => { st.hairline = []; hairlineRow(); compose(); });
  $('measure-apply').addEventListener('click', () => {
    const [a, b] = st.measure, mm = Number($('measure-mm').value);
    if (!b || !(mm > 0)) return;
    st.ppm = Math.hypot(b[0] - a[0], b[1] - a[1]) / st.scale / mm;
    $('ppm').value = st.ppm.toFixed(3);
    schedule('scale');
  });
  $('ppm').addEventListener('change', () => { st.ppm = Number($('ppm').value) || 0; schedule('scale'); });
  $('ppm-auto').addEventListener('click', () => { if (st.w) ask({ op: 'scale', reason: 'scale' }); });

  // ------------------------------------------------------------ controls
  const redrawOn = {
    density: 'density', 'density-auto': 'density', dot: 'dot', 'dot-auto': 'dot', dilution: 'shade',
    'dilution-auto': 'shade', sessions: 'sessions', session: 'session', age: 'age', edge: 'edge',
    regularity: 'regularity', seed: 'seed',
  };
  for (const [id, reason] of Object.entries(redrawOn)) {
    const el = $(id);
    const changed = (moving) => {
      if (id === 'density') $('density-auto').checked = false;
      if (id === 'dot') $('dot-auto').checked = false;
      if (id === 'dilution') $('dilution-auto').checked = false;
      if (id === 'sessions') sessionOptions();
      outputs();
      schedule(reason, moving === true);
    };
    // Sliders redraw while they move when the redraws run in workers (the
    // latest position is drawn, the ones passed over are dropped; density
    // and dot size by the tone preview until they rest: schedule); on the
    // page's own thread, when let go.
    el.addEventListener('input', () => (el.type === 'range' && st.workers ? changed(true) : outputs()));
    el.addEventListener('change', changed);
  }
  $('brush').addEventListener('input', outputs);

  // ------------------------------------------------------------ open
  $('open-mask').addEventListener('change', (e) => { openMask(e.target.files[0]); e.target.value = ''; });
  for (const id of ['open', 'camera'])
    $(id).addEventListener('change', (e) => { openFile(e.target.files[0]); e.target.value = ''; });
  document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    openFile(e.dataTransfer.files[0]);
  });

  // ------------------------------------------------------------ export
  function save(blob, name) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }
  const toBlob = (c, type, q) => new Promise(res => c.toBlob(res, type, q));
  function maskCanvas() {
    const c = canvas();
    c.width = st.w; c.height = st.h;
    const img = new ImageData(st.w, st.h), m = maskView();
    for (let i = 0; i < m.length; i++) {
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = m[i];
      img.data[4 * i + 3] = 255;
    }
    c.getContext('2d').putImageData(img, 0, 0);
    return c;
  }
  // The preview's caption: the client, the treatment, the date. An earlier
  // session's picture gets that session's density first, as the command's
  // preview does (it gave the whole treatment's under "After session 1").
  function captionParts() {
    const L = layers(), sess = Number($('session').value), n = L.length, earlier = sess > 0 && sess < n;
    const ch = st.chosen;
    const density = !ch ? '' : earlier
      ? `${(ch.density * L[sess - 1] / 100).toFixed(0)} dots/cm² after session ${sess} of ${n} ` +
        `(${ch.density.toFixed(0)} after all), ${ch.dot.toFixed(2)} mm`
      : `${ch.density.toFixed(0)} dots/cm², ${ch.dot.toFixed(2)} mm`;
    return [$('caption').value.trim(), density, n > 1 && !earlier ? `${n} sessions` : '', settings().age,
      new Date().toISOString().slice(0, 10)].filter(Boolean);
  }
  // Before and after in the chosen layout, labelled, with a caption line.
  function previewCanvas() {
    const layout = $('layout').value, w = st.w, h = st.h;
    const side = layout === 'side', split = layout === 'split';
    const pw = split ? w : side ? 2 * w : w, ph = split ? h : side ? h : 2 * h;
    const fs = Math.max(14, Math.round(Math.max(pw, ph) / 60)), lh = Math.round(fs * 1.4);
    const sess = Number($('session').value), n = layers().length, earlier = sess > 0 && sess < n;
    const parts = captionParts();
    const c = canvas(), g = c.getContext('2d'), font = `${fs}px system-ui, sans-serif`;
    g.font = font;
    // The caption in as many lines as the image's width takes (a client's
    // name and the date were cut off at the right edge).
    const lines = captionLines(g, parts, pw - fs), cap = Math.round(fs * 0.8) + lines.length * lh;
    c.width = pw; c.height = ph + cap;
    g.fillStyle = '#000'; g.fillRect(0, 0, c.width, c.height);
    const afterLabel = earlier ? `After session ${sess}` : 'After';
    const label = (text, x, y) => {
      g.font = `600 ${fs}px system-ui, sans-serif`;
      const tw = g.measureText(text).width;
      g.fillStyle = '#000a'; g.fillRect(x, y, tw + fs, fs * 1.6);
      g.fillStyle = '#fff'; g.fillText(text, x + fs / 2, y + fs * 1.2);
    };
    if (split) {
      const x = Math.round(splitX()); // where the divider is on the photo
      g.drawImage(after, 0, 0);
      g.drawImage(before, 0, 0, x, h, 0, 0, x, h);
      g.fillStyle = '#fff'; g.fillRect(x - 1, 0, 2, h);
      // Each side labelled where it shows, with room for its label (as the
      // view's tags): the divider at an edge showed "Before" over the after image.
      g.font = `600 ${fs}px system-ui, sans-serif`;
      const room = t => g.measureText(t).width + 2 * fs;
      if (x >= room('Before')) label('Before', fs / 2, fs / 2);
      if (w - x >= room(afterLabel)) label(afterLabel, w - g.measureText(afterLabel).width - 1.5 * fs, fs / 2);
    } else {
      g.drawImage(before, 0, 0);
      g.drawImage(after, side ? w : 0, side ? 0 : h);
      label('Before', fs / 2, fs / 2);
      label(afterLabel, (side ? w : 0) + fs / 2, (side ? 0 : h) + fs / 2);
    }
    g.font = font;
    g.fillStyle = '#ddd';
    lines.forEach((line, i) => g.fillText(line, fs / 2, ph + fs * 0.4 + i * lh + fs, pw - fs));
    return c;
  }
  // The caption's parts joined by " · " into lines no wider than width (at
  // g's font): a part too long for a line breaks at its spaces (a word
  // longer still is squeezed to fit when drawn).
  function captionLines(g, parts, width) {
    const lines = [];
    let line = '';
    const fits = t => g.measureText(t).width <= width;
    for (const part of parts) {
      if (fits(line ? `${line} · ${part}` : part)) { line = line ? `${line} · ${part}` : part; continue; }
      if (line) lines.push(line);
      line = '';
      for (const word of part.split(/\s+/)) {
        if (!line || fits(`${line} ${word}`)) line = line ? `${line} ${word}` : word;
        else { lines.push(line); line = word; }
      }
    }
    if (line) lines.push(line);
    return lines;
  }
  // The after image at the photo's own size as a PNG Blob: what
  // `smpsim render PHOTO MASK --settings` makes from the exports. Made in
  // an export worker (worker.js: the photo decoded there again, the working
  // mask resampled by the library, the PNG encoded there), started for this
  // export and ended after it, so the page's thread stays free and the
  // engine's memory for the full size goes with the worker. A photo over
  // EXPORT_MAX pixels is made at the largest size within it. The image is
  // kept (as an ImageBitmap, up to KEEP_MAX pixels) for the loupe while the
  // view shows the same settings and mask. Without workers: on the page's
  // thread (fullAfterHere). forLoupe: only the image for the loupe, no PNG.
  async function fullAfter(forLoupe) {
    if (!st.workers || !st.workerUrl) return toBlob(await fullAfterHere(), 'image/png');
    const key = st.latest && st.latest.done ? st.latest.key : null;
    const big = st.fullW * st.fullH > EXPORT_MAX;
    const k = big ? Math.sqrt(EXPORT_MAX / (st.fullW * st.fullH)) : 1;
    const W = big ? Math.floor(st.fullW * k) : st.fullW, H = big ? Math.floor(st.fullH * k) : st.fullH;
    let msg, transfer = [];
    if (st.scale === 1) {
      // The working image is the photo: the after image drawn is the one.
      const rgba = after.getContext('2d').getImageData(0, 0, st.w, st.h).data.buffer;
      msg = { type: 'encode', rgba, w: st.w, h: st.h };
      transfer = [rgba];
    } else {
      const mask = maskView().slice().buffer;
      msg = { type: 'export', file: st.file, w: W, h: H, resize: big, format: big ? 0 : st.format, settings: settingsNow(),
        ppm: st.ppm * k, mask, mw: st.w, mh: st.h, keep: !big && !!key && W * H <= KEEP_MAX, maxPixels: PIPELINE_MAX,
        png: !forLoupe };
      transfer = [mask];
      status(`Making the after image at ${big ? '' : 'full size, '}${W}×${H} px${forLoupe ? ' for the loupe' : ''}…`);
    }
    const r = await new Promise((resolve, reject) => {
      const wk = new Worker(st.workerUrl);
      const done = (f) => { wk.terminate(); f(); };
      wk.onmessage = (e) => {
        const m = e.data;
        if (m.type === 'failed') done(() => reject(new Error(m.msg)));
        else if (m.type === 'exported') done(() => (m.ok ? resolve(m) : reject(new Error(m.msg))));
      };
      wk.onerror = (e) => { e.preventDefault(); done(() => reject(new Error(e.message || 'the export worker failed'))); };
      if (msg.type === 'export') {
        const copy = st.wasm.slice().buffer;
        wk.postMessage({ type: 'init', wasm: copy }, [copy]);
      }
      wk.postMessage(msg, transfer);
    });
    if (r.heap) st.heaps.export = r.heap;
    if (r.bitmap) {
      if (st.full) st.full.bitmap.close();
      st.full = { bitmap: r.bitmap, w: r.w, h: r.h, key };
      compose();
    }
    if (forLoupe) { status(`The loupe shows the after image at full size, ${r.w}×${r.h} px`); return null; }
    // Over the export's limit, what to do in words a consultant in a
    // browser can act on (it named a command, smpsim render, first); the
    // command in the tooltip.
    if (big)
      status(`The photo is ${mp(st.fullW * st.fullH)} MP, more than this page makes: the after image is saved at ` +
        `${r.w}×${r.h} (${mp(r.w * r.h)} MP). For one at full size, also save the Mask PNG and the Settings, and ` +
        'make it from them on a computer with smpsim.',
      `On a computer: smpsim render PHOTO ${st.name}-mask.png --settings ${st.name}-settings.json -o after.png ` +
        `(the photo at its ${st.fullW}×${st.fullH})`);
    else status(`Saved at full size, ${r.w}×${r.h} px`);
    return r.blob;
  }
  // The same on the page's own thread, for a browser without workers.
  async function fullAfterHere() {
    if (st.scale === 1) return after;
    status(`Making the after image at full size, ${st.fullW}×${st.fullH} px…`);
    state('busy');
    await new Promise(r => setTimeout(r, 0));
    const bmp = await createImageBitmap(st.file, { imageOrientation: 'from-image', colorSpaceConversion: 'none' });
    const W = bmp.width, H = bmp.height, c = canvas();
    c.width = W; c.height = H;
    const g = c.getContext('2d');
    g.drawImage(bmp, 0, 0);
    bmp.close();
    const S2 = M._st_new();
    try {
      if (!S2) throw new Error('out of memory');
      if (W * H > EXPORT_MAX) throw new Error(`${(W * H / 1e6).toFixed(0)} MP is over this page's ` +
        `${EXPORT_MAX / 1e6} MP for a full-size render on its own thread`);
      const err = smpApplySettings(M, S2, M._st_params(S2), settingsNow(), st.ppm);
      if (err) throw new Error(err);
      const buf = M._st_rgba(S2, W, H);
      if (!buf) throw new Error('out of memory');
      M.HEAPU8.set(g.getImageData(0, 0, W, H).data, buf);
      if (M._st_set_photo(S2, W, H, st.format)) throw new Error(M.UTF8ToString(M._st_message(S2)));
      const m2 = M._st_mask_alloc(S2, st.w, st.h);
      if (!m2) throw new Error('out of memory');
      M.HEAPU8.set(maskView(), m2);
      if (M._st_simulate(S2)) throw new Error(M.UTF8ToString(M._st_message(S2)));
      const p = M._st_after(S2);
      if (!p) throw new Error('out of memory');
      g.putImageData(new ImageData(new Uint8ClampedArray(M.HEAPU8.buffer, p, 4 * W * H).slice(), W, H), 0, 0);
      status(`Made at full size, ${W}×${H} px`);
      return c;
    } finally {
      M._st_free(S2);
      state('idle');
    }
  }
  const need = (f, drawn = true) => async () => {
    if (!st.w || (drawn && st.busy)) { status(st.w ? 'A moment: the after image is being updated.' : 'Open a photo first.'); return; }
    await f();
  };
  // The loupe's "Full size": the full-size after image made for it alone.
  $('loupe-full').addEventListener('click', need(async () => {
    if (st.exporting) { status('The after image is being made.'); return; }
    st.exporting = true;
    document.body.dataset.exporting = '1';
    try {
      await fullAfter(true);
    } catch (e) {
      status(`Full size failed: ${e.message || e}`);
    } finally {
      st.exporting = false;
      delete document.body.dataset.exporting;
      compose();
    }
  }));
  $('save-after').addEventListener('click', need(async () => {
    if (st.exporting) { status('The after image is being made.'); return; }
    st.exporting = true;
    $('save-after').disabled = true;
    document.body.dataset.exporting = '1';
    let blob;
    try {
      blob = await fullAfter();
    } catch (e) {
      status(`Full size failed (${e.message || e}): saved at the working size, ${st.w}×${st.h}`);
      blob = await toBlob(after, 'image/png');
    } finally {
      st.exporting = false;
      $('save-after').disabled = false;
      delete document.body.dataset.exporting;
    }
    st.exports++;
    save(blob, `${st.name}-after.png`);
  }));
  // (The mask and the settings are the controls', drawn or not.)
  $('save-mask').addEventListener('click', need(async () => save(await toBlob(maskCanvas(), 'image/png'), `${st.name}-mask.png`),
    false));
  $('save-preview').addEventListener('click', need(async () =>
    save(await toBlob(previewCanvas(), 'image/jpeg', 0.92), `${st.name}-preview.jpg`)));
  $('save-settings').addEventListener('click', need(async () =>
    save(new Blob([JSON.stringify(settings(), null, 2) + '\n'], { type: 'application/json' }), `${st.name}-settings.json`), false));

  sessionOptions();
  outputs();
  setTool('view');
  start().then(() => status('Open a photo of the scalp (or drop one here): it stays on this device.'),
    (e) => { status('The page cannot start in this browser.', String(e.message || e)); state('failed'); });
})();
