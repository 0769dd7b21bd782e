// SPDX-License-Identifier: BSD-2-Clause
// The studio page on an emulated tablet (issue 15's "usable on a tablet"):
// a touch context (isMobile, hasTouch, deviceScaleFactor 2), the network
// offline, the page's CPU throttled (CDP Emulation.setCPUThrottlingRate,
// RATE, 4 by default: a mid-range tablet against this server core), the
// page from file://, and a consultant's session with touch input only
// (taps, one-finger drags and two-finger pinches through CDP
// Input.dispatchTouchEvent; no mouse, no keyboard): open the photo, paint
// and erase with a finger, tap a hairline, move the sliders with a finger,
// drag the divider, pinch, export. What it finds is printed (controls under
// 44 CSS px, sliders that ignore a touch drag, gestures that scroll or
// zoom the page, text under 12 px, controls off the screen) with the
// page's performance.now() redraw timings (median and max per kind) and its
// memory. A benchmark: it asserts nothing; screenshots per step go to SHOTS.
// Usage: node bench/studio_tablet.mjs STUDIO.html PHOTO SHOTS [SIZE...]
// (SIZE: land (1024x768), port (768x1024), phone (390x844, DPR 3); all by
// default; RATE=1 for no throttling; N=3 changes per kind)
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from './studio_page.mjs';

const [page_path, photo, shots, ...sizes_arg] = process.argv.slice(2);
const RATE = Number(process.env.RATE || 4), N = Number(process.env.N || 3);
const SIZES = { land: [1024, 768, 2], port: [768, 1024, 2], phone: [390, 844, 3] };
mkdirSync(shots, { recursive: true });
const browser = await launch();
const report = {};

// The browser's memory: the proportional set sizes of this Chromium's
// processes summed (the page, its workers, the GPU and browser processes).
function browserPss() {
  let kb = 0;
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (!cmd.includes('playwright_chromiumdev_profile') && !cmd.includes('--type=')) continue;
      if (!cmd.includes('chromium')) continue;
      const m = /Pss:\s+(\d+)/.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch { /* gone */ }
  }
  return Math.round(kb / 1024);
}

async function session(size) {
  const [width, height, dpr] = SIZES[size];
  const out = { size: `${width}x${height}@${dpr}`, problems: [], timings: {} };
  const problem = (s) => { out.problems.push(s); console.log(`  PROBLEM (${size}): ${s}`); };
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: dpr, isMobile: true,
    hasTouch: true, acceptDownloads: true });
  const requests = [];
  const page = await context.newPage();
  page.on('request', r => requests.push(r.url().slice(0, 60)));
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(pathToFileURL(page_path).href, { waitUntil: 'load' });
  await context.setOffline(true);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: RATE });
  await page.waitForFunction(() => document.body.dataset.state === 'empty', null, { timeout: 120000 });
  let step = 0;
  const shot = async name => page.screenshot({ path: join(shots, `${size}-${String(step++).padStart(2, '0')}-${name}.png`) });
  await shot('empty');

  // Touch input.
  const touch = (type, pts) => cdp.send('Input.dispatchTouchEvent', { type,
    touchPoints: pts.map(([x, y], i) => ({ x, y, id: i + 1, radiusX: 6, radiusY: 6, force: 1 })) });
  const tap = async (x, y) => { await touch('touchStart', [[x, y]]); await touch('touchEnd', []); };
  async function drag(x0, y0, x1, y1, steps = 8) {
    await touch('touchStart', [[x0, y0]]);
    for (let i = 1; i <= steps; i++) await touch('touchMove', [[x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps]]);
    await touch('touchEnd', []);
  }
  async function pinch(cx, cy, d0, d1, steps = 6) {
    await touch('touchStart', [[cx - d0, cy], [cx + d0, cy]]);
    for (let i = 1; i <= steps; i++) { const d = d0 + (d1 - d0) * i / steps; await touch('touchMove', [[cx - d, cy], [cx + d, cy]]); }
    await touch('touchEnd', []);
  }
  // The element's box, brought on the screen by a finger (a drag on the
  // panel, as a consultant scrolls it) when it is not; null when it cannot be.
  async function onScreen(sel) {
    const el = page.locator(sel).first();
    for (let i = 0; i < 6; i++) {
      const b = await el.boundingBox();
      if (!b) return null;
      // On the screen and not under anything (the photo stays over the
      // controls as they scroll on a phone): a finger at its middle reaches it.
      const hit = await page.evaluate(([x, y, q]) => {
        const e = document.elementFromPoint(x, y), t = document.querySelector(q);
        // (The view's middle is the divider's handle, or the notes: the stage's.)
        return !!e && !!t && (t === e || t.contains(e) || e.contains(t) || (q === '#view' && !!e.closest('#stage')));
      }, [b.x + b.width / 2, b.y + b.height / 2, sel]);
      if (hit && b.y >= 0 && b.y + b.height <= height && b.x >= 0 && b.x + b.width <= width) return b;
      // Scroll the page or the panel with a finger: on the panel's side (x at 3/4 of it).
      const pb = await page.locator('#panel').boundingBox();
      const x = pb && pb.width < width ? pb.x + pb.width * 0.9 : width * 0.95;
      const under = await page.evaluate(() => { const w = document.getElementById('stage-wrap').getBoundingClientRect(); return w.bottom; });
      const dy = b.y + b.height > height ? -Math.min(height * 0.4, b.y + b.height - height + 40)
        : Math.min(height * 0.4, Math.max(40 - b.y, under + 40 - b.y));
      // (Below the photo when it stays over the controls: a finger on it moves the divider.)
      const y0 = dy < 0 ? height * 0.8 : Math.max(height * 0.2, Math.min(under + 20, height * 0.5));
      await drag(x, y0, x, y0 + dy, 6);
      await page.waitForTimeout(400);
    }
    const b = await el.boundingBox();
    problem(`${sel} stays off the screen (${b && b.y.toFixed(0)}) after finger scrolls`);
    return b;
  }
  async function tapOn(sel) {
    const b = await onScreen(sel);
    await tap(b.x + b.width / 2, b.y + b.height / 2);
    return b;
  }
  const renders = () => page.evaluate(() => Number(document.body.dataset.renders || 0));
  const settle = (k, t = 600000) => page.waitForFunction(n => document.body.dataset.state === 'idle' &&
    Number(document.body.dataset.renders) >= n, k, { timeout: t, polling: 250 });
  const last = () => page.evaluate(() => window.smpStudio.timings[window.smpStudio.timings.length - 1]);
  const pageZoom = () => page.evaluate(() => ({ scale: visualViewport.scale, sx: scrollX, sy: scrollY,
    main: document.querySelector('main').scrollTop, panel: document.getElementById('panel').scrollTop }));
  const probe = () => page.evaluate(() => {
    window.__gap = 0; window.__probe = true;
    let t0 = performance.now();
    const tick = (t) => { window.__gap = Math.max(window.__gap, t - t0); t0 = t; if (window.__probe) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const gap = () => page.evaluate(() => { window.__probe = false; return Math.round(window.__gap); });
  // Until the page shows what a change asked for, how often it says
  // something (refining…, the status, the view): sampled every 100 ms.
  async function timed(kind, act) {
    const k = await renders();
    await probe();
    const t0 = Date.now();
    await act();
    await settle(k + 1);
    const tm = Object.assign({}, await last(), { gap: await gap(), wall: Date.now() - t0 });
    (out.timings[kind] = out.timings[kind] || []).push(tm);
    console.log(`  ${kind}: first ${Math.round(Math.min(...[tm.tone, tm.reduced, tm.ms].filter(y => y != null)))} ms, ` +
      `exact ${Math.round(tm.ms)} ms (engine ${Math.round(tm.engine || 0)}), longest frame gap ${tm.gap} ms`);
    return tm;
  }

  // Targets and text: every visible control at least 44x44 CSS px, text 12 px or more.
  async function audit(where) {
    const r = await page.evaluate(() => {
      const small = [], tiny = [], off = [];
      const seen = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
      for (const el of document.querySelectorAll('button, select, input, label.btn, [role=slider], output')) {
        if (el.type === 'file' || !seen(el)) continue;
        const t = el.type === 'checkbox' && el.closest('label') || el, r = t.getBoundingClientRect();
        const name = el.id || el.textContent.trim().slice(0, 12) || el.type;
        if (el.tagName !== 'OUTPUT' && (r.width < 43.5 || r.height < 43.5)) small.push(`${name} ${r.width.toFixed(0)}x${r.height.toFixed(0)}`);
        if (r.right > innerWidth + 1 || r.left < -1) off.push(`${name} x ${r.left.toFixed(0)}..${r.right.toFixed(0)}`);
      }
      const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const el = n.parentElement;
        if (!n.textContent.trim() || !el || !seen(el) || el.closest('script,style')) continue;
        const f = parseFloat(getComputedStyle(el).fontSize);
        if (f < 12) tiny.push(`${el.id || el.tagName} ${f}px`);
      }
      // The view on the screen without scrolling, and how much of it.
      const v = document.getElementById('view').getBoundingClientRect();
      return { small, tiny, off, view: [Math.round(v.left), Math.round(v.top), Math.round(v.width), Math.round(v.height)],
        wide: document.documentElement.scrollWidth > innerWidth + 1 };
    });
    if (r.small.length) problem(`${where}: targets under 44 px: ${r.small.join(', ')}`);
    if (r.tiny.length) problem(`${where}: text under 12 px: ${[...new Set(r.tiny)].join(', ')}`);
    if (r.off.length) problem(`${where}: controls off the screen's width: ${r.off.join(', ')}`);
    if (r.wide) problem(`${where}: the page scrolls sideways`);
    console.log(`  ${where}: view at ${r.view.join(',')}`);
    return r;
  }

  // ---------------------------------------------------------------- open
  await audit('empty page');
  // Open by a tap on "Open photo": the file chooser it opens gets the photo.
  const openT0 = Date.now();
  let k = await renders();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 10000 }).catch(() => null),
    tapOn('label:has(#open)')]);
  if (!chooser) {
    problem('a tap on "Open photo" opens no file chooser');
    await page.setInputFiles('#open', photo);
  } else await chooser.setFiles(photo);
  // Feedback while it opens: what the page says, sampled.
  const said = new Set();
  const sampler = setInterval(() => page.evaluate(() => `${document.getElementById('status').textContent} | ` +
    `${document.getElementById('suggesting').hidden ? '' : 'suggesting'} ${document.body.dataset.state}`)
    .then(s => said.add(s)).catch(() => {}), 300);
  await page.waitForTimeout(1500);
  await shot('opening');
  await settle(k + 1);
  clearInterval(sampler);
  out.open_ms = Date.now() - openT0;
  out.open_said = [...said];
  console.log(`  open (tap, chooser, suggested mask, first after image): ${out.open_ms} ms wall; said: ${[...said].join(' / ')}`);
  const info = await page.evaluate(() => ({ w: window.smpStudio.st.w, h: window.smpStudio.st.h, suggestMs: window.smpStudio.st.suggestMs,
    first: window.smpStudio.timings[0] }));
  out.open = info;
  await shot('opened');
  await audit('photo open');

  // Camera: the capture input through its chooser.
  {
    const [ch] = await Promise.all([page.waitForEvent('filechooser', { timeout: 5000 }).catch(() => null), tapOn('label:has(#camera)')]);
    out.camera = ch ? `chooser opens (capture=${await page.getAttribute('#camera', 'capture')})` : 'no chooser';
    if (ch) await ch.setFiles([]); // cancelled
    console.log(`  camera: ${out.camera}`);
  }

  const mem = async (where) => {
    const h = await cdp.send('Runtime.getHeapUsage');
    const pm = await page.evaluate(() => performance.memory ? performance.memory.usedJSHeapSize : 0);
    const heaps = await page.evaluate(() => window.smpStudio.heaps());
    const m = { where, js_used_mb: Math.round(h.usedSize / 1048576), js_total_mb: Math.round(h.totalSize / 1048576),
      perf_memory_mb: Math.round(pm / 1048576), wasm_mb: Object.fromEntries(Object.entries(heaps).map(([a, b]) => [a, Math.round(b / 1048576)])),
      browser_pss_mb: browserPss() };
    (out.memory = out.memory || []).push(m);
    console.log(`  memory ${where}: ${JSON.stringify(m)}`);
  };
  await mem('opened');

  const vb = async () => page.locator('#view').boundingBox();
  const maskSum = () => page.evaluate(() => window.smpStudio.maskSum());
  // ---------------------------------------------------------------- brush
  await tapOn('button[data-tool=brush]');
  let b = await vb();
  // A stroke at the picture's top, where the suggested mask may not reach.
  let z0 = await pageZoom(), m0 = await maskSum();
  await timed('mask', () => drag(b.x + b.width * 0.3, b.y + b.height * 0.12, b.x + b.width * 0.7, b.y + b.height * 0.16, 10));
  let m1 = await maskSum(), z1 = await pageZoom();
  out.brush = { before: m0, after: m1 };
  if (!(m1 > m0)) problem(`a finger stroke with the brush adds nothing to the mask (${m0} -> ${m1})`);
  if (JSON.stringify(z0) !== JSON.stringify(z1)) problem(`a finger stroke on the view moves the page (${JSON.stringify(z0)} -> ${JSON.stringify(z1)})`);
  await shot('brush');
  await tapOn('button[data-tool=eraser]');
  b = await vb();
  await timed('mask', () => drag(b.x + b.width * 0.4, b.y + b.height * 0.4, b.x + b.width * 0.55, b.y + b.height * 0.45, 10));
  const m2 = await maskSum();
  if (!(m2 < m1)) problem(`a finger stroke with the eraser takes nothing from the mask (${m1} -> ${m2})`);
  await shot('eraser');
  for (let i = 2; i < N; i++) {
    await tapOn(i % 2 ? 'button[data-tool=eraser]' : 'button[data-tool=brush]');
    b = await vb();
    await timed('mask', () => drag(b.x + b.width * (0.45 + 0.03 * i), b.y + b.height * 0.35, b.x + b.width * (0.5 + 0.03 * i), b.y + b.height * 0.38, 8));
  }
  // Undo by a tap.
  k = await renders();
  await tapOn('#undo');
  await settle(k + 1);

  // ---------------------------------------------------------------- hairline
  await tapOn('button[data-tool=hairline]');
  b = await vb();
  for (const f of [0.2, 0.5, 0.8]) await tap(b.x + b.width * f, b.y + b.height * (0.1 + 0.04 * Math.abs(f - 0.5)));
  const hl = await page.evaluate(() => window.smpStudio.st.hairline.length);
  if (hl !== 3) problem(`three taps for the hairline gave ${hl} points`);
  await shot('hairline-points');
  k = await renders();
  await tapOn('#hairline-apply');
  await settle(k + 1).catch(() => problem('the hairline made no new image'));
  await shot('hairline-applied');
  await tapOn('button[data-tool=view]');

  // ---------------------------------------------------------------- sliders
  // A finger on the slider's thumb, dragged along it.
  async function slide(id, to) {
    const b = await onScreen(`#${id}`);
    const r = await page.evaluate(i => { const e = document.getElementById(i); return { v: Number(e.value), min: Number(e.min), max: Number(e.max) }; }, id);
    const thumb = 16; // half a thumb's travel margin, roughly
    const xAt = v => b.x + thumb / 2 + (b.width - thumb) * (v - r.min) / (r.max - r.min);
    const y = b.y + b.height / 2;
    const z0 = await pageZoom();
    await drag(xAt(r.v), y, xAt(to), y, 10);
    const v = await page.evaluate(i => Number(document.getElementById(i).value), id);
    const z1 = await pageZoom();
    if (JSON.stringify(z0) !== JSON.stringify(z1)) problem(`a finger drag on #${id} moves the page (${JSON.stringify(z0)} -> ${JSON.stringify(z1)})`);
    return { from: r.v, want: to, got: v };
  }
  const densities = [150, 100, 180, 130, 90];
  for (let i = 0; i < N; i++) {
    let s;
    await timed('density', async () => { s = await slide('density', densities[i % densities.length]); });
    if (Math.abs(s.got - s.want) > 10) problem(`a finger drag on the density slider: ${JSON.stringify(s)}`);
  }
  await shot('density');
  const dots = [0.35, 0.25, 0.4, 0.3];
  for (let i = 0; i < N; i++) {
    let s;
    await timed('dot', async () => { s = await slide('dot', dots[i % dots.length]); });
    if (Math.abs(s.got - s.want) > 0.03) problem(`a finger drag on the dot slider: ${JSON.stringify(s)}`);
  }
  await shot('dot');
  // Sessions: a select, by taps (the picker is the browser's own; a tap opens it).
  {
    const sb = await onScreen('#sessions');
    await tap(sb.x + sb.width / 2, sb.y + sb.height / 2);
    await page.waitForTimeout(300);
    await shot('sessions-tapped');
    // The picker is native (not in the page): choose as the picker would.
    k = await renders();
    await page.selectOption('#sessions', '2');
    await settle(k + 1);
    k = await renders();
    await page.selectOption('#session', '0');
    await settle(k + 1);
    await shot('session-1');
  }
  await audit('after the sliders');

  // ---------------------------------------------------------------- divider
  const split0 = await page.evaluate(() => window.smpStudio.st.split);
  b = await onScreen('#view');
  {
    const x = b.x + b.width * split0, y = b.y + b.height * 0.5;
    await drag(x, y, b.x + b.width * 0.25, y, 10);
  }
  const split1 = await page.evaluate(() => window.smpStudio.st.split);
  if (!(split1 < split0 - 0.15)) problem(`the divider does not follow a finger (${split0} -> ${split1})`);
  await shot('divider');

  // ---------------------------------------------------------------- pinch
  z0 = await pageZoom();
  b = await onScreen('#view');
  await pinch(b.x + b.width * 0.5, b.y + b.height * 0.45, 30, 120);
  const zv = await page.evaluate(() => window.smpStudio.st.z);
  z1 = await pageZoom();
  if (!(zv > 2)) problem(`a pinch on the view zooms it to ×${zv.toFixed(2)} only`);
  if (JSON.stringify(z0) !== JSON.stringify(z1)) problem(`a pinch on the view zooms or moves the page (${JSON.stringify(z0)} -> ${JSON.stringify(z1)})`);
  out.pinch = zv;
  await shot('pinched');
  // Pan with a finger while zoomed.
  const o0 = await page.evaluate(() => [window.smpStudio.st.ox, window.smpStudio.st.oy]);
  await drag(b.x + b.width * 0.6, b.y + b.height * 0.5, b.x + b.width * 0.4, b.y + b.height * 0.4, 8);
  const o1 = await page.evaluate(() => [window.smpStudio.st.ox, window.smpStudio.st.oy]);
  if (o0[0] === o1[0]) problem('a finger drag does not pan the zoomed view');
  await shot('panned');
  // Double tap: fits again?
  await tap(b.x + b.width * 0.3, b.y + b.height * 0.5);
  await page.waitForTimeout(80);
  await tap(b.x + b.width * 0.3, b.y + b.height * 0.5);
  await page.waitForTimeout(300);
  const zd = await page.evaluate(() => window.smpStudio.st.z);
  out.doubletap = zd;
  if (zd !== 1) problem(`a double tap does not fit the view again (×${zd.toFixed(2)}); only the ×N button does`);
  // Pinch on the panel: does the page zoom?
  const pb = await page.locator('#panel').boundingBox();
  z0 = await pageZoom();
  await pinch(pb.x + pb.width / 2, Math.min(pb.y + pb.height / 2, height * 0.7), 20, 80);
  z1 = await pageZoom();
  if (z1.scale !== z0.scale) {
    problem(`a pinch on the panel zooms the whole page (scale ${z1.scale.toFixed(2)}): the controls go off the screen`);
    await shot('page-zoomed');
    await cdp.send('Emulation.resetPageScaleFactor');
    await page.waitForTimeout(300);
  }
  await tapOn('#zoom-fit');
  await audit('zoomed');

  // ---------------------------------------------------------------- export
  const got = {};
  for (const [id, what] of [['save-preview', 'preview'], ['save-mask', 'mask'], ['save-settings', 'settings'], ['save-after', 'after']]) {
    const t0 = Date.now();
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: id === 'save-after' ? 600000 : 60000 }).catch(() => null), tapOn(`#${id}`)]);
    if (!dl) { problem(`a tap on ${id} saves nothing`); continue; }
    const p = join(shots, `${size}-export-${dl.suggestedFilename()}`);
    await dl.saveAs(p);
    got[what] = { ms: Date.now() - t0, name: dl.suggestedFilename() };
    console.log(`  export ${what}: ${got[what].ms} ms (${got[what].name})`);
    if (what === 'after') await mem('after the full-size export');
  }
  out.exports = got;
  await shot('exported');
  await mem('end');
  out.requests = requests.filter(u => !u.startsWith('file:') && !u.startsWith('blob:') && !u.startsWith('data:'));
  out.errors = errors;
  if (out.requests.length) problem(`requests beyond the file: ${out.requests.join(', ')}`);
  if (errors.length) problem(`page errors: ${errors.join('; ')}`);
  await context.close();
  return out;
}

const stat = v => {
  const s = v.filter(x => x != null).sort((a, b) => a - b);
  return s.length ? { median: Math.round(s[s.length >> 1]), max: Math.round(s[s.length - 1]), n: s.length } : null;
};
for (const size of sizes_arg.length ? sizes_arg : Object.keys(SIZES)) {
  console.log(`${size} (CPU throttled ×${RATE}, offline, touch):`);
  const r = await session(size);
  r.summary = {};
  for (const [kind, v] of Object.entries(r.timings)) {
    const fresh = v.filter(x => !x.seen);
    r.summary[kind] = { first: stat(fresh.map(x => Math.min(...[x.tone, x.reduced, x.ms].filter(y => y != null)))),
      exact: stat(fresh.map(x => x.ms)), engine: stat(fresh.map(x => x.engine)), frame_gap: stat(fresh.map(x => x.gap)) };
    const f = r.summary[kind], fmt = x => (x ? `median ${x.median} ms, max ${x.max} ms` : 'none');
    console.log(`  ${kind}: first image ${fmt(f.first)}; exact ${fmt(f.exact)} (engine ${fmt(f.engine)}); ` +
      `longest frame gap ${fmt(f.frame_gap)}; ${fresh.length} times`);
  }
  report[size] = r;
  writeFileSync(join(shots, 'report.json'), JSON.stringify(report, null, 1));
}
await browser.close();
