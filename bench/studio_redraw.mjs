// SPDX-License-Identifier: BSD-2-Clause
// The studio page's redraw times in headless Chromium (issue 15's
// "interactive speed"): a photo and its mask opened at a tablet's size,
// then density, dot size, shade and session changes and brush strokes (and
// age, edge, regularity and sessions count when asked), each waited
// for; the page's own performance.now() figures (window.smpStudio.timings:
// from the change to the after image drawn, and to the preview at the
// displayed size when the page makes one, and to the tone preview (tone.js)
// when it draws one; the first image drawn is the earliest of those; a
// state drawn before, which the
// page draws again from memory, apart) are printed as median and max
// per kind, and written as JSON; so is the longest gap between animation
// frames while each redraw ran (how long the page's thread was blocked:
// the slider, the divider and the brush wait that long). A benchmark: it
// asserts nothing.
// Usage: node bench/studio_redraw.mjs STUDIO.html PHOTO MASK [N] [OUT.json]
// (KINDS=density,dot,shade,session,mask,drag,during,soon,age,edge,regularity,sessions picks some; drag, during,
// soon and the last four are not in the default)
// WARM=1: before each change, wait until the page has made the sliders'
// other positions ready (its data-warm idle; a page without it waits for
// nothing), and print how long that took. Kind `during`: a new seed (all
// made ready before of no use), its exact image, then a density change of
// one step (the first position made ready again) while the next job runs,
// 0, 100 or 200 ms after it started.
// STUDIO_QUERY=bands=0: the page with one redraw worker (no render split); share=0.45: the redraw worker's share.
// (playwright-core from tests/browser/node_modules; CHROMIUM=/usr/bin/chromium)
import { writeFileSync } from 'node:fs';
import { launch, openStudio } from './studio_page.mjs';

const [page_path, photo, mask, n_arg, out] = process.argv.slice(2);
const N = Number(n_arg) || 5;
const KINDS = (process.env.KINDS || 'density,dot,shade,session,mask').split(',');
const WARM = process.env.WARM === '1';

const browser = await launch();
const { page, errors, probe, gap } = await openStudio(browser, page_path);
const renders = () => page.evaluate(() => Number(document.body.dataset.renders || 0));
const settle = k => page.waitForFunction(n => document.body.dataset.state === 'idle' &&
  Number(document.body.dataset.renders) >= n, k, { timeout: 600000 });
const last = () => page.evaluate(() => window.smpStudio.timings[window.smpStudio.timings.length - 1]);

let t = performance.now();
await page.setInputFiles('#open', photo);
await settle(1);
const open_ms = performance.now() - t;
await page.setInputFiles('#open-mask', mask);
await settle(2);
const size = await page.evaluate(() => `${window.smpStudio.st.w}x${window.smpStudio.st.h}`);
// The page's positions made ready: whether it makes them, and its record
// (warmNext in studio.js) once idle.
const warming = await page.evaluate(() => 'warm' in window.smpStudio.st);
const warmState = () => page.evaluate(() => {
  const w = window.smpStudio.st.warm;
  return w && { t0: w.t0, jobs: w.jobs, made: w.made, cover: w.cover, held: w.held, bytes: w.bytes, ms: w.ms.slice(),
    heap: window.smpStudio.st.heaps.full };
});
const warmRecords = [];
async function warmIdle() {
  if (!WARM || !warming) return;
  await page.waitForFunction(() => document.body.dataset.warm === 'idle' && document.body.dataset.state === 'idle',
    null, { timeout: 600000 });
  // One record per run of positions (a context's first cover; the jobs
  // made for it later, around a moved value, are counted in the next one).
  const w = await warmState(), prev = warmRecords[warmRecords.length - 1];
  if (!w || !w.jobs) return;
  if (prev && prev.t0 === w.t0) warmRecords[warmRecords.length - 1] = Object.assign(w, { cover: prev.cover, first: prev.first });
  else warmRecords.push(Object.assign(w, { first: w.jobs }));
}
async function range(id, v) {
  await warmIdle();
  const k = await renders();
  await probe();
  await page.locator(`#${id}`).fill(String(v));
  await settle(k + 1);
  return Object.assign(await last(), { gap: await gap() });
}
await range('dot', 0.3);
await range('dilution', 0.3);
const runs = {};
for (const k of KINDS) runs[k] = [];
for (let i = 0; i < N && runs.density; i++) runs.density.push(await range('density', 100 + 20 * (i % 5) + (i >= 5 ? 10 : 0)));
for (let i = 0; i < N && runs.dot; i++) runs.dot.push(await range('dot', String(Math.round(24 + 2 * (i % 6)) / 100)));
// The shade and the session shown: nothing to sample again.
for (let i = 0; i < N && runs.shade; i++) runs.shade.push(await range('dilution', String(Math.round(20 + 5 * (i % 8)) / 100)));
for (let i = 0; i < N && runs.session; i++) {
  const k = await renders();
  await probe();
  await page.selectOption('#session', String((i + 1) % 3));
  await settle(k + 1);
  runs.session.push(Object.assign(await last(), { gap: await gap() }));
}
// The other pickers and the regularity: their dots are made again (age,
// edge, regularity, sessions) or only drawn again (age).
async function pick(id, v) {
  await warmIdle();
  const k = await renders();
  await probe();
  await page.selectOption(`#${id}`, String(v));
  await settle(k + 1);
  return Object.assign(await last(), { gap: await gap() });
}
const AGES = ['1y', '3y', 'healed', '5y', 'fresh'], EDGES = ['soft', 'sharp', 'broken'], SESSIONS = [2, 4, 1, 3];
for (let i = 0; i < N && runs.age; i++) runs.age.push(await pick('age', AGES[i % AGES.length]));
for (let i = 0; i < N && runs.edge; i++) runs.edge.push(await pick('edge', EDGES[i % EDGES.length]));
for (let i = 0; i < N && runs.regularity; i++) runs.regularity.push(await range('regularity', String(Math.round(50 + 3 * (i % 8)) / 100)));
for (let i = 0; i < N && runs.sessions; i++) runs.sessions.push(await pick('sessions', SESSIONS[i % SESSIONS.length]));
// A density slider dragged with the mouse: from a value drawn, a step
// every 80 ms for about a second, then let go; the time is from the
// drag's last value to its exact image.
for (let i = 0; i < N && runs.drag; i++) {
  const from = 80 + 10 * i, to = from + 60;
  await range('density', from);
  const k = await renders();
  await probe();
  const b = await page.locator('#density').boundingBox();
  const at = v => b.x + 8 + (b.width - 16) * (v - 40) / 160; // the thumb's centre (16 px wide)
  const y = b.y + b.height / 2;
  await page.mouse.move(at(from), y);
  await page.mouse.down();
  for (let v = from + 5; v <= to; v += 5) {
    await page.mouse.move(at(v), y);
    await page.waitForTimeout(80);
  }
  await page.mouse.up();
  await page.waitForFunction(n => document.body.dataset.state === 'idle' &&
    Number(document.body.dataset.renders) > n && window.smpStudio.st.latest.done, k, { timeout: 600000 });
  runs.drag.push(Object.assign(await last(), { gap: await gap(),
    value: await page.evaluate(() => document.getElementById('density').value) }));
}
// A change that lands while a position is being made ready.
for (let i = 0; i < N && runs.during; i++) {
  const k0 = await renders();
  await page.locator('#seed').fill(String(100 + i));
  await page.locator('#seed').dispatchEvent('change');
  await settle(k0 + 1);
  const d = Number(await page.evaluate(() => document.getElementById('density').value));
  let inflight = null;
  if (warming) {
    // The next job started once the first position (density one step up) is made.
    await page.waitForFunction(() => { const w = window.smpStudio.st.warm, f = window.smpStudio.st.workers.full;
      return w && w.made >= 1 && f.warming; }, null, { timeout: 600000, polling: 5 });
    await page.waitForTimeout(100 * (i % 3));
    inflight = await page.evaluate(() => { const f = window.smpStudio.st.workers.full;
      return f.warming ? performance.now() - f.warming.t0 : null; });
  }
  const k = await renders();
  await probe();
  await page.locator('#density').fill(String(d + 5 <= 200 ? d + 5 : d - 5));
  await settle(k + 1);
  runs.during.push(Object.assign(await last(), { gap: await gap(), inflight }));
}
// A density change made 30 ms after the last exact image came, while the
// redraw worker makes the tone preview's basis from it (asked when no change
// waits, 160-300 ms): the change waits behind the step of it under way (the
// whole basis before da8a895). `basis`: whether one was on its way when the
// change came.
for (let i = 0; i < N && runs.soon; i++) {
  await warmIdle();
  const v = 100 + 20 * (i % 4), k0 = await renders();
  await page.locator('#density').fill(String(v));
  await page.waitForFunction(n => Number(document.body.dataset.renders) > n, k0, { timeout: 600000, polling: 5 });
  await page.waitForTimeout(30);
  const basis = await page.evaluate(() => { const w = window.smpStudio.st.workers; return !!(w && w.full.bases.size); });
  const k = await renders();
  await probe();
  await page.locator('#density').fill(String(v + 5));
  await settle(k + 1);
  runs.soon.push(Object.assign(await last(), { gap: await gap(), basis }));
}
// Mask touch-ups inside the treated area: a stroke of the eraser, then the
// brush over it again, by turns (each changes the mask).
const box = await page.locator('#view').boundingBox();
for (let i = 0; i < N && runs.mask; i++) {
  await page.click(i % 2 ? 'button[data-tool=brush]' : 'button[data-tool=eraser]');
  const k = await renders();
  await probe();
  const j = i >> 1, x = box.x + box.width * (0.45 + 0.04 * j), y = box.y + box.height * (0.35 + 0.03 * j);
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + box.width * 0.03, y + box.height * 0.01, { steps: 4 });
  await page.mouse.up();
  await settle(k + 1);
  runs.mask.push(Object.assign(await last(), { gap: await gap() }));
}
await warmIdle();
const info = await page.evaluate(() => ({ dropped: window.smpStudio.st.dropped, workers: !!window.smpStudio.st.workers,
  bands: window.smpStudio.st.workers ? !!window.smpStudio.st.workers.bands : false,
  reduced: window.smpStudio.st.reduced, toneFailed: window.smpStudio.st.toneFailed, heaps: window.smpStudio.heaps() }));
await browser.close();

const stat = v => {
  const s = v.filter(x => x != null).sort((a, b) => a - b);
  return s.length ? { median: Math.round(s[s.length >> 1]), max: Math.round(s[s.length - 1]), n: s.length } : null;
};
const summary = { size, open_ms: Math.round(open_ms), workers: info.workers, bands: info.bands, reduced: info.reduced, heaps: info.heaps,
  tone_failed: info.toneFailed, errors };
for (let [k, v] of Object.entries(runs)) {
  const seen = v.filter(x => x.seen); // drawn again from the page's last few after images
  v = v.filter(x => !x.seen);
  summary[k] = { full: stat(v.map(x => x.ms)), engine: stat(v.map(x => x.engine)), seen: stat(seen.map(x => x.ms)),
    first: stat(v.map(x => Math.min(...[x.tone, x.reduced, x.ms].filter(y => y != null)))),
    tone: stat(v.map(x => x.tone)), tone_shown: v.filter(x => x.tone != null).length,
    reduced: stat(v.map(x => x.reduced)), reduced_engine: stat(v.map(x => x.reducedEngine)),
    frame_gap: stat(v.map(x => x.gap)),
    reused: v.map(x => x.reused) };
  // Where the exact image's time went (the page's timings' stages): median per stage.
  // (A render split between two workers: its own stages, split.*; here whether the redraw worker drew them all.)
  // (The engine's own steps as steps.*.)
  const nested = (x, name) => Object.entries(x.stages[name] || {}).filter(([, y]) => typeof y === 'number')
    .map(([s, y]) => ({ [`${name}.${s}`]: y }));
  const flat = x => x.stages && Object.assign({}, x.stages, ...nested(x, 'steps'), ...nested(x, 'split'),
    { split: undefined, steps: undefined });
  const stg = v.map(flat);
  const st_keys = [...new Set(stg.flatMap(x => Object.keys(x || {}).filter(s => s !== 'split' && s !== 'steps')))];
  summary[k].stages = Object.fromEntries(st_keys.map(s => [s, stat(stg.map(x => x && x[s]))]));
  summary[k].split = { n: v.filter(x => x.stages && x.stages.split).length,
    here: v.filter(x => x.stages && x.stages.split && x.stages.split.here).length };
  const f = summary[k];
  const fmt = x => (x ? `median ${x.median} ms, max ${x.max} ms` : 'none');
  console.log(`${k} (${size}${info.reduced ? `, preview ${info.reduced.w}x${info.reduced.h}` : ''}): ` +
    `first image ${fmt(f.first)}; tone preview ${fmt(f.tone)} (${f.tone_shown} of ${v.length}); ` +
    `exact ${fmt(f.full)} (engine ${fmt(f.engine)})` + (f.reduced ? `; exact at the view's size ${fmt(f.reduced)}` : '') +
    `; longest frame gap ${fmt(f.frame_gap)}; ${v.length} times` +
    (f.seen ? `; back to a state drawn before: ${fmt(f.seen)}, ${f.seen.n} times` : '') +
    (v.some(x => 'basis' in x) ? `; a basis on its way at the change ${v.filter(x => x.basis).length} times` : ''));
  if (st_keys.length) console.log(`  ${k} stages (median ms): ` + st_keys.map(s => `${s} ${f.stages[s] ? f.stages[s].median : '-'}`).join(', ') +
    (f.split.n ? `; split ${f.split.n} times (${f.split.here} drawn by the redraw worker alone)` : ''));
}
if (WARM && warming) {
  // How long making every position ready took (from the first job to the
  // queue's end, when nothing interrupted it), per job, and what the memo holds.
  const covers = warmRecords.filter(w => w.cover != null);
  const jobs = warmRecords.flatMap(w => w.ms);
  summary.warm = { covers: covers.map(w => ({ cover: Math.round(w.cover), jobs: w.first, all_jobs: w.jobs, made: w.made,
    held: w.held, mb: +(w.bytes / 2 ** 20).toFixed(1), heap_mb: +(w.heap / 2 ** 20).toFixed(0) })), job: stat(jobs) };
  const c = summary.warm.covers.length ? summary.warm.covers[0] : null;
  console.log(`warm: ${c ? `all positions made in ${c.cover} ms (${c.jobs} jobs; memo then or later ${c.held} lists, ` +
    `${c.mb} MB; heap ${c.heap_mb} MB)` : 'no complete cover'}; per job median ${summary.warm.job ? summary.warm.job.median : '-'} ms, ` +
    `max ${summary.warm.job ? summary.warm.job.max : '-'} ms`);
}
if (runs.during) console.log(`during: job in flight for ${runs.during.map(x => x.inflight == null ? '-' : Math.round(x.inflight)).join(', ')} ms ` +
  `when the change came; exact ${runs.during.map(x => Math.round(x.ms)).join(', ')} ms; reused ${runs.during.map(x => x.reused).join(', ')}`);
if (errors.length) console.log(`page errors: ${errors.join('; ')}`);
if (out) writeFileSync(out, JSON.stringify({ summary, runs }, null, 1));
