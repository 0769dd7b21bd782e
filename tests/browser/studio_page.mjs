// SPDX-License-Identifier: BSD-2-Clause
// The studio page in a real browser (Debian's Chromium through
// playwright-core), used as a consultant would: open the sample (the
// divider answers while its mask is suggested in a worker) and its mask, paint, move the density, draw a hairline, undo, switch sessions,
// move the divider, zoom (wheel, ctrl+wheel, a two-finger pinch) with the
// loupe at 100 %, export; with a finger only (touch events, at phone and
// tablet sizes): a stroke paints, a slider follows the drag, two fingers
// zoom the view and not the page, a double tap fits; the exports decode and the settings make the
// same after image through the native command; the full-size export runs
// in a worker while the page answers; a big photo's limits (by the page's
// test hooks); every control 44 px or more at tablet and phone sizes. No
// request beyond the file, no console error. Screenshots of each step
// (tablet and phone sizes) go to SHOTS, and the redraw timings and the
// export's longest frame gap are printed, never asserted.
// Usage: node studio_page.mjs STUDIO.html PHOTO MASK SMPSIM IMGTOOL SHOTS
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [page_path, photo, mask, smpsim, imgtool, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'smpsim-studio-page-'));
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'}: studio page: ${what}`);
  if (!ok) failures++;
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'] });
const requests = [], errors = [];
async function open(viewport, name, query = '') {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, acceptDownloads: true,
    hasTouch: viewport.width < 600, isMobile: viewport.width < 600 });
  const page = await context.newPage();
  page.on('request', r => requests.push(r.url().slice(0, 60)));
  page.on('console', m => { if (m.type() === 'error') errors.push(`${name}: ${m.text()}`); });
  page.on('pageerror', e => errors.push(`${name}: ${e}`));
  await page.goto(pathToFileURL(page_path).href + query, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.state === 'empty', null, { timeout: 60000 });
  return page;
}
const renders = page => page.evaluate(() => Number(document.body.dataset.renders || 0));
// Waits for the redraw a change asked for (at least n renders done, idle).
async function settle(page, n) {
  await page.waitForFunction(k => document.body.dataset.state === 'idle' && Number(document.body.dataset.renders) >= k,
    n, { timeout: 120000 });
}
async function shot(page, name) { await page.screenshot({ path: join(shots, `${name}.png`) }); }
// The after image's mean brightness where the mask is white (the treated core).
const coreMean = page => page.evaluate(() => {
  const s = window.smpStudio, m = s.mask(), { width: w, height: h } = s.after;
  const d = s.after.getContext('2d').getImageData(0, 0, w, h).data;
  let sum = 0, n = 0;
  for (let i = 0; i < w * h; i++) if (m[i] === 255) { sum += d[4 * i] + d[4 * i + 1] + d[4 * i + 2]; n++; }
  return n ? sum / n / 3 : NaN;
});
// A point of the photo (working pixels) on the screen.
async function screen(page, x, y) {
  const b = await page.locator('#view').boundingBox();
  const { w, h } = await page.evaluate(() => ({ w: window.smpStudio.st.w, h: window.smpStudio.st.h }));
  return [b.x + x * b.width / w, b.y + y * b.height / h];
}

const zoomOf = page => page.evaluate(() => window.smpStudio.st.z);
// The loupe's pixels against the image it says it shows, at 100 %: equal
// (the loupe copies pixel for pixel at a device pixel ratio of 1).
const loupeShows = page => page.evaluate(() => {
  const s = window.smpStudio, st = s.st, box = document.getElementById('loupe-box');
  if (box.hidden || !st.loupeRect) return { shown: false };
  const [sx, sy, w, h] = st.loupeRect, src = st.loupeSource === 'full' && st.full ? st.full.bitmap : s.after;
  const c = document.createElement('canvas');
  c.width = w; c.height = h;
  c.getContext('2d').drawImage(src, sx, sy, w, h, 0, 0, w, h);
  const want = c.getContext('2d').getImageData(0, 0, w, h).data;
  const got = document.getElementById('loupe').getContext('2d').getImageData(0, 0, w, h).data;
  let differ = 0;
  for (let i = 0; i < want.length; i++) if (want[i] !== got[i]) differ++;
  return { shown: true, n: `${w}x${h}`, big: Math.min(w, h) > 50, differ, source: st.loupeSource,
    label: document.getElementById('loupe-label').textContent };
});
// Every control on the screen is at least 44x44 CSS px (a checkbox counts
// with its label, which takes the tap), and no text is under 12 px.
const usable = page => page.evaluate(() => {
  const small = [], tiny = [];
  const seen = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  for (const el of document.querySelectorAll('button, select, input, label.btn, [role=slider]')) {
    if (el.type === 'file' || !seen(el)) continue;
    const t = el.type === 'checkbox' && el.closest('label') || el, r = t.getBoundingClientRect();
    if (r.width < 44 - 0.5 || r.height < 44 - 0.5) small.push(`${el.id || el.textContent.trim() || el.type} ${r.width.toFixed(0)}x${r.height.toFixed(0)}`);
  }
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || !seen(el)) continue;
    const f = parseFloat(getComputedStyle(el).fontSize);
    if (f < 12) tiny.push(`${el.id || el.tagName} ${f}px`);
  }
  return { small, tiny };
});

// ---------------------------------------------------------------- tablet
const page = await open({ width: 1024, height: 768 }, 'tablet');
await shot(page, 'tablet-0-empty');
// The mask is suggested in a worker while the page answers: an arrow key
// on the divider is handled while the view still says "suggesting the
// mask…" (what the page was doing when the key came is recorded by the
// key's own handler). When the suggestion wins the race (a fast machine),
// the photo is opened again, up to three times.
await page.evaluate(() => document.getElementById('divider').addEventListener('keydown', () => {
  window.__keyWhile = document.body.dataset.suggest;
}));
let during = null, tries = 0;
while (tries++ < 3 && !(during && during.keyWhile === 'running')) {
  await page.setInputFiles('#open', photo);
  // The suggestion running (the decode before it takes an ask of its own), or already done.
  await page.waitForFunction(() => document.body.dataset.suggest === 'running' ||
    (document.body.dataset.state === 'idle' && document.body.dataset.suggest === 'done'), null, { timeout: 120000 });
  await page.locator('#divider').focus();
  await page.keyboard.press('ArrowLeft');
  during = await page.evaluate(() => ({ keyWhile: window.__keyWhile, at: document.getElementById('divider').getAttribute('aria-valuenow'),
    tag: !document.getElementById('suggesting').hidden }));
  await page.waitForFunction(() => document.body.dataset.state === 'idle' && document.body.dataset.suggest !== 'running',
    null, { timeout: 120000 });
  await page.keyboard.press('ArrowRight'); // back to the middle, where the checks below expect it
}
check(during.keyWhile === 'running' && during.at === '48',
  `the divider answers a key while the mask is being suggested (${JSON.stringify(during)}, opening ${tries - 1} of 3)`);
// A photo opened while the one before is still being suggested does not
// wait behind it: the busy mask worker is replaced, and the new photo gets
// its own suggestion and after image (tried up to three times, as above).
let replaced = null;
for (let i = 0; i < 3 && !(replaced && replaced.by > 0); i++) {
  const before = await page.evaluate(() => window.smpStudio.st.replaced);
  await page.setInputFiles('#open', photo);
  await page.waitForFunction(() => document.body.dataset.suggest === 'running' ||
    (document.body.dataset.state === 'idle' && document.body.dataset.suggest === 'done'), null, { timeout: 120000 });
  const running = await page.evaluate(() => document.body.dataset.suggest === 'running');
  const r0 = await renders(page);
  await page.setInputFiles('#open', photo);
  await page.waitForFunction(r => document.body.dataset.state === 'idle' && document.body.dataset.suggest === 'done' &&
    Number(document.body.dataset.renders || 0) > r, r0, { timeout: 120000 });
  replaced = { running, by: await page.evaluate(b => window.smpStudio.st.replaced - b, before),
    mask: await page.evaluate(() => window.smpStudio.maskSum()) };
  if (!running) replaced.by = -1; // the suggestion won the race: no test of it, try again
}
check(replaced.by > 0 && replaced.mask > 0,
  `a photo opened during a suggestion replaces the busy worker and gets its own mask and after image (${JSON.stringify(replaced)})`);
await settle(page, 1);
check((await page.evaluate(() => window.smpStudio.st.w)) > 0 && await page.evaluate(() => document.body.dataset.suggest) === 'done' &&
  await page.evaluate(() => window.smpStudio.maskSum()) > 0, 'the sample opens, its suggested mask shows, and it renders');
// The redraws run in Web Workers (from blob: URLs, allowed by the page's
// CSP from file://); the tone preview's basis comes with the first one, at
// the view's displayed size when that is well under the working size.
const toneSize = p => p.evaluate(() => {
  const st = window.smpStudio.st;
  return { on: !!st.workers, reduced: st.reduced, tone: st.tone && `${st.tone.w}x${st.tone.h}`, work: `${st.w}x${st.h}`,
    photo: st.tonePhoto && st.tone && st.tonePhoto.length === 4 * st.tone.w * st.tone.h, showing: st.showing };
});
const workers = await toneSize(page);
check(workers.on, 'the redraws run in Web Workers');
// (the working size when the view shows the photo near it, as the sample's 960x720 on a tablet)
check(workers.photo && workers.tone === (workers.reduced ? `${workers.reduced.w}x${workers.reduced.h}` : workers.work),
  `the tone preview's basis comes at the view's size, or the working size when that is near it (${workers.tone})`);
await shot(page, 'tablet-1-open');
// (The renders are counted from the page's start: the openings above made several.)
const r_mask = await renders(page);
await page.setInputFiles('#open-mask', mask);
await settle(page, r_mask + 1);
const sum0 = await page.evaluate(() => window.smpStudio.maskSum());
check(sum0 > 0, 'the mask file loads');
await shot(page, 'tablet-2-mask');

// A stroke with the brush across the top left (hair, outside the mask).
await page.click('[data-tool=brush]');
let n = await renders(page);
const [ax, ay] = await screen(page, 60, 60), [bx, by] = await screen(page, 260, 90);
await page.mouse.move(ax, ay);
await page.mouse.down();
await page.mouse.move(bx, by, { steps: 8 });
await page.mouse.up();
// At the opening's matched settings too, the stroke draws the tone
// preview at once (with the values the last match chose).
const strokeTone = await page.evaluate(() => ({ showing: window.smpStudio.st.showing,
  auto: document.getElementById('density-auto').checked, tones: window.smpStudio.st.toneShown }));
check(strokeTone.auto && strokeTone.showing === 'tone' && strokeTone.tones > 0,
  `a stroke at matched settings draws the tone preview at once (${JSON.stringify(strokeTone)})`);
await shot(page, 'tablet-3a-stroke-preview');
await settle(page, n + 1);
const painted = await page.evaluate(() => {
  const s = window.smpStudio, m = s.mask();
  return { sum: s.maskSum(), at: m[75 * s.st.w + 160] };
});
check(painted.sum > sum0 && painted.at === 255, `a brush stroke adds to the mask (${sum0} -> ${painted.sum})`);
await shot(page, 'tablet-3-brush');
// Undo takes the stroke back, redo puts it again.
n = await renders(page);
await page.click('#undo');
await settle(page, n + 1);
check(await page.evaluate(() => window.smpStudio.maskSum()) === sum0, 'undo takes the stroke back');
n = await renders(page);
await page.click('#redo');
await settle(page, n + 1);
check(await page.evaluate(() => window.smpStudio.maskSum()) === painted.sum, 'redo puts it again');

// Density, with the dot and the shade fixed (auto ones would keep the
// tone): 60, then 180 dots/cm². The treated core darkens.
await page.click('[data-tool=view]');
await page.uncheck('#overlay');
const setRange = async (id, v) => {
  const k = await renders(page);
  await page.locator(`#${id}`).fill(String(v)); // input, then change: one redraw
  await settle(page, k + 1);
};
// The engine's notes show under the view: the lightest shade with auto
// density cannot reach the sample's stubble, and the page says so.
await setRange('dilution', 0.95);
const noted = await page.evaluate(() => document.getElementById('notes').textContent);
check(/darker than SMP reaches/.test(noted) && await page.isVisible('#notes'),
  `the engine's note shows, in words a consultant can pass on ("${noted.slice(0, 70)}...")`);
await setRange('dot', 0.3);
await setRange('dilution', 0.3);
await setRange('density', 60);
const light = await coreMean(page);
await setRange('density', 180);
const dark = await coreMean(page);
// (Made cold: 24 slider steps from 60, where the positions made ready start.)
const darkReused = await page.evaluate(() => window.smpStudio.timings.at(-1).reused);
// The after image's pixels (FNV-1a), to compare when the state is drawn again from memory.
const afterHash = () => page.evaluate(() => {
  const { after } = window.smpStudio, d = after.getContext('2d').getImageData(0, 0, after.width, after.height).data;
  let a = 0x811c9dc5;
  for (let i = 0; i < d.length; i++) a = Math.imul(a ^ d[i], 16777619);
  return a >>> 0;
});
const dark_hash = await afterHash();
check(dark < light - 2, `more density darkens the core (mean ${light.toFixed(1)} -> ${dark.toFixed(1)})`);
const unnoted = await page.evaluate(() => document.getElementById('notes').textContent);
check(!/SMP reaches/.test(unnoted), `a run without that note clears it (fixed density: "${unnoted}")`);
await shot(page, 'tablet-4-density');
// The tone preview (tone.js): a density change draws it at once, marked
// "refining…", then the exact image replaces it. Its core (the basis's
// coverage 250 and more) is darker than the photo's there.
const tones0 = await page.evaluate(() => window.smpStudio.st.toneShown);
n = await renders(page);
await page.locator('#density').fill('200');
// Its dots are the last exact image's, deeper (the density rose): where
// that image's core is darker than the photo, the preview is darker still,
// pixel by pixel (a flat tone over the core correlates about 0.2).
const shownNow = await page.evaluate(() => {
  const s = window.smpStudio, b = s.st.tone, d = s.toneCanvas.getContext('2d').getImageData(0, 0, b.w, b.h).data;
  const lum = (a, j) => a[j] + a[j + 1] + a[j + 2];
  let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, deeper = 0;
  for (let i = 0; i < b.w * b.h; i++) {
    if (b.cover[i] < 250) continue;
    const x = lum(b.photo, 4 * i) - lum(b.exact, 4 * i), y = lum(b.photo, 4 * i) - lum(d, 4 * i);
    n++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y; deeper += y >= x;
  }
  const corr = (sxy - sx * sy / n) / Math.sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
  return { showing: s.st.showing, refining: !document.getElementById('refining').hidden, tones: s.st.toneShown,
    corr, deeper: deeper / n };
});
check(shownNow.corr > 0.9 && shownNow.deeper > 0.95, `the tone preview keeps the exact image's dots, deeper ` +
  `(correlation of the darkening ${shownNow.corr.toFixed(3)}, ${(100 * shownNow.deeper).toFixed(1)} % of the core as dark or darker)`);
await shot(page, 'tablet-4b-tone-preview');
await settle(page, n + 1);
const tone = await page.evaluate(() => {
  const s = window.smpStudio, b = s.st.tone, c = s.toneCanvas, last = s.timings[s.timings.length - 1];
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, ph = s.st.tonePhoto;
  let a = 0, p = 0, k = 0;
  for (let i = 0; i < c.width * c.height; i++)
    if (b.cover[i] >= 250) { a += d[4 * i] + d[4 * i + 1] + d[4 * i + 2]; p += ph[4 * i] + ph[4 * i + 1] + ph[4 * i + 2]; k++; }
  return { drawnFirst: last.tone != null, showing: s.st.showing, refining: !document.getElementById('refining').hidden,
    preview: a / k / 3, photo: p / k / 3, n: k };
});
check(shownNow.tones === tones0 + 1 && shownNow.showing !== 'full' && shownNow.refining && tone.drawnFirst,
  `a density change draws the tone preview at once, marked refining (showing ${shownNow.showing})`);
check(tone.showing === 'full' && !tone.refining, 'then the exact image replaces it');
check(tone.n > 0 && tone.preview < tone.photo - 2,
  `the tone preview darkens the core (photo ${tone.photo.toFixed(1)} -> ${tone.preview.toFixed(1)}, ${tone.n} px)`);
// Where a mask edit adds coverage, the tone preview tiles the exact
// image's dots (tone.js depthPatch): a square outside the mask, given full
// coverage, darkens in spots between the strands, several times as
// unevenly as the model's flat tone does there (which varies only with the
// photo), for about as much darkening.
const patchTone = await page.evaluate(() => {
  const s = window.smpStudio, b = s.st.tone, S = 48;
  let at = null;
  for (let y = 0; y + S <= b.h && !at; y += 8)
    for (let x = 0; x + S <= b.w && !at; x += 8) {
      let clear = true;
      for (let j = y; j < y + S && clear; j++) for (let i = x; i < x + S; i++) if (b.cover[j * b.w + i]) { clear = false; break; }
      if (clear) at = [x, y];
    }
  const cover = b.cover.slice();
  for (let j = at[1]; j < at[1] + S; j++) cover.fill(255, j * b.w + at[0], j * b.w + at[0] + S);
  const spread = basis => {
    const out = new Uint8ClampedArray(4 * b.w * b.h), ys = [];
    smpTone.draw(basis, b.density, b.dot, out, cover, true);
    for (let j = at[1]; j < at[1] + S; j++)
      for (let i = at[0]; i < at[0] + S; i++) {
        const k = 4 * (j * b.w + i);
        if (b.maps[k + 3] <= 32) ys.push(b.photo[k] + b.photo[k + 1] + b.photo[k + 2] - out[k] - out[k + 1] - out[k + 2]);
      }
    const mean = ys.reduce((a, v) => a + v, 0) / ys.length;
    const sd = Math.sqrt(ys.reduce((a, v) => a + (v - mean) * (v - mean), 0) / ys.length);
    return { mean: mean / 3, cv: sd / mean, n: ys.length };
  };
  return { patch: !!b.patch, dots: spread(b), flat: spread(Object.assign({}, b, { exact: null, patch: null })) };
});
check(patchTone.patch && patchTone.dots.n > 100 && patchTone.dots.cv > 2 * patchTone.flat.cv &&
  patchTone.dots.mean > 0.5 * patchTone.flat.mean && patchTone.dots.mean < 2 * patchTone.flat.mean,
  `a mask edit's tone preview tiles the exact image's dots (darkening ${patchTone.dots.mean.toFixed(1)} levels, ` +
  `coefficient of variation ${patchTone.dots.cv.toFixed(2)}; the flat tone's ${patchTone.flat.mean.toFixed(1)}, ` +
  `${patchTone.flat.cv.toFixed(2)}; ${patchTone.dots.n} px between the strands)`);
await setRange('density', 180); // back (drawn again from memory): the exports below expect it
// The images drawn before are kept (the last few); older ones' pixels went back to the redraw
// worker, which filled them with later after images: the one kept is as it was drawn.
const again = await page.evaluate(() => ({ seen: window.smpStudio.timings.at(-1).seen, recycled: window.smpStudio.st.recycled }));
check(again.seen && again.recycled > 0 && await afterHash() === dark_hash,
  `an image drawn again from memory is the one drawn before, with older images' buffers recycled (${JSON.stringify(again)})`);
// While the consultant looks, the redraw worker makes the sliders' other
// positions ready (their dots sampled into the engine's memo): once the
// page says it is done, a density change takes its dots from the memo
// (the worker's reused flags: SMP_REUSED_POINTS, 8), and 180 made so (four
// other positions first, so that it is not drawn from the page's memory)
// is the image made cold before, to the byte.
await page.waitForFunction(() => document.body.dataset.warm === 'idle' && document.body.dataset.state === 'idle',
  null, { timeout: 300000 });
const warmed = await page.evaluate(() => { const w = window.smpStudio.st.warm; return { made: w.made, jobs: w.jobs, held: w.held }; });
const warmReused = [];
for (const v of [185, 190, 195, 175, 180]) {
  await setRange('density', v);
  warmReused.push(await page.evaluate(() => { const t = window.smpStudio.timings.at(-1); return t.seen ? 'seen' : t.reused; }));
}
check(warmed.jobs > 0 && warmReused.every(r => typeof r === 'number' && (r & 8)) && !(darkReused & 8),
  `after the positions are made ready (${JSON.stringify(warmed)}), density changes take their dots from the memo ` +
  `(reused ${warmReused.join(', ')}; the cold one ${darkReused})`);
check(await afterHash() === dark_hash, 'a density change served from the memo draws the image made cold, to the byte');

// The render is split between the redraw worker and a render-only one
// (each draws its bands, the page joins the rows): the image is the one
// worker's to the byte, the same page with ?bands=0 at the same settings;
// that page runs the engine without WebAssembly SIMD too (?simd=0), this one
// the engine with it: the same bytes.
// When the render-only worker dies unseen, the redraw worker draws its rows
// (after a wait), to the same bytes, and splits no more.
const bandsSeen = await page.evaluate(() => ({ split: window.smpStudio.st.bandsSplit, here: window.smpStudio.st.bandsHere }));
// (The mask as painted above, through its export.)
const paintedMask = await save('#save-mask');
const one = await open({ width: 1024, height: 768 }, 'one-worker', '?bands=0&simd=0');
{
  let k = await renders(one);
  await one.setInputFiles('#open', photo);
  await settle(one, k + 1);
  k = await renders(one);
  await one.setInputFiles('#open-mask', paintedMask);
  await settle(one, k + 1);
  for (const [id, v] of [['dot', 0.3], ['dilution', 0.3], ['density', 180]]) {
    k = await renders(one);
    await one.locator(`#${id}`).fill(String(v));
    await settle(one, k + 1);
  }
}
const oneHash = p => p.evaluate(() => {
  const { after } = window.smpStudio, d = after.getContext('2d').getImageData(0, 0, after.width, after.height).data;
  let a = 0x811c9dc5;
  for (let i = 0; i < d.length; i++) a = Math.imul(a ^ d[i], 16777619);
  return a >>> 0;
});
const oneSplit = await one.evaluate(() => window.smpStudio.st.bandsSplit);
const simds = [await page.evaluate(() => window.smpStudio.st.simd), await one.evaluate(() => window.smpStudio.st.simd)];
check(bandsSeen.split > 0 && bandsSeen.here === 0 && oneSplit === 0 && await oneHash(one) === dark_hash,
  `the after image drawn by two workers is the one worker's, to the byte (${JSON.stringify(bandsSeen)} split; one worker's ${oneSplit})`);
check(simds[0] === true && simds[1] === false,
  `the engine with WebAssembly SIMD draws the image the one without draws (SIMD: ${simds.join(', ')})`);
await page.evaluate(() => window.smpStudio.st.workers.bands.w.terminate());
await setRange('density', 170);
const lone = await page.evaluate(() => ({ here: window.smpStudio.st.bandsHere, failed: window.smpStudio.st.bandsFailed,
  bands: !!window.smpStudio.st.workers.bands }));
const loneHash = await afterHash();
{
  const k = await renders(one);
  await one.locator('#density').fill('170');
  await settle(one, k + 1);
}
check(lone.here === 1 && !lone.bands && loneHash === await oneHash(one),
  `the render-only worker gone, the redraw worker draws its rows: the same image (${JSON.stringify(lone)})`);
await one.context().close();
await setRange('density', 180); // back: the exports below expect it

// The hairline: three taps across the upper third, applied.
await page.click('[data-tool=hairline]');
const before_hl = await page.evaluate(() => window.smpStudio.maskSum());
for (const [x, y] of [[100, 250], [430, 200], [860, 250]]) {
  const [sx, sy] = await screen(page, x, y);
  await page.mouse.click(sx, sy);
}
check(await page.locator('#hairline-apply').isEnabled(), 'three taps make a hairline to apply');
await shot(page, 'tablet-5-hairline-points');
n = await renders(page);
await page.click('#hairline-apply');
await settle(page, n + 1);
const after_hl = await page.evaluate(() => window.smpStudio.maskSum());
const status_hl = await page.locator('#status').textContent();
check(after_hl !== before_hl && !/Hairline:/.test(status_hl), `the hairline changes the mask (${before_hl} -> ${after_hl}; ${status_hl})`);
await page.check('#overlay');
await shot(page, 'tablet-6-hairline');
n = await renders(page);
await page.click('#undo');
await settle(page, n + 1);
check(await page.evaluate(() => window.smpStudio.maskSum()) === before_hl, 'undo takes the hairline back');
await page.uncheck('#overlay');

// The measure: two taps 200 working px apart said to be 25 mm: 8 px/mm.
await page.click('[data-tool=measure]');
for (const [x, y] of [[300, 600], [500, 600]]) {
  const [sx, sy] = await screen(page, x, y);
  await page.mouse.click(sx, sy);
}
await page.fill('#measure-mm', '25');
n = await renders(page);
await page.click('#measure-apply');
await settle(page, n + 1);
const ppm = Number(await page.inputValue('#ppm'));
check(Math.abs(ppm - 8) < 0.05, `two taps and a distance set the scale (${ppm} px/mm)`);
await shot(page, 'tablet-7-measure');

// Sessions: the first of three is lighter than all three.
n = await renders(page);
await page.selectOption('#sessions', '3');
await settle(page, n + 1);
const all3 = await coreMean(page);
n = await renders(page);
await page.selectOption('#session', '1');
await settle(page, n + 1);
const first = await coreMean(page);
check(first > all3 + 1, `session 1 of 3 shows lighter than all three (mean ${first.toFixed(1)} vs ${all3.toFixed(1)})`);
await shot(page, 'tablet-8-session1');

// The divider, by the keys.
await page.click('[data-tool=view]');
await page.locator('#divider').focus();
for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
check(await page.locator('#divider').getAttribute('aria-valuenow') === '40', 'the arrow keys move the divider');
await page.keyboard.press('Shift+ArrowRight');
check(await page.locator('#divider').getAttribute('aria-valuenow') === '50', 'shift+arrow moves it 10 %');

// Zoom: the wheel at a point keeps that point under the pointer; a
// trackpad's pinch (the wheel with ctrl) zooms further; the loupe shows the
// after image at 100 %; the divider still works; a drag pans; Fit goes back.
{
  const vb = await page.locator('#view').boundingBox();
  const px = vb.x + vb.width * 0.7, py = vb.y + vb.height * 0.4;
  const under = () => page.evaluate(([x, y]) => {
    const st = window.smpStudio.st, r = document.getElementById('view').getBoundingClientRect();
    return [st.ox + (x - r.left) * st.w / r.width / st.z, st.oy + (y - r.top) * st.h / r.height / st.z];
  }, [px, py]);
  const p0 = await under();
  await page.mouse.move(px, py);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction(() => window.smpStudio.st.z > 1);
  const z1 = await zoomOf(page), p1 = await under();
  check(z1 > 1.5 && Math.hypot(p1[0] - p0[0], p1[1] - p0[1]) < 1,
    `the wheel zooms the view at the pointer (×${z1.toFixed(2)}; the point under it moved ${Math.hypot(p1[0] - p0[0], p1[1] - p0[1]).toFixed(2)} px)`);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -40);
  await page.keyboard.up('Control');
  await page.waitForFunction(z => window.smpStudio.st.z > z, z1);
  const z2 = await zoomOf(page);
  check(z2 > z1, `ctrl+wheel (a trackpad's pinch) zooms further (×${z1.toFixed(2)} -> ×${z2.toFixed(2)})`);
  const loupe = await loupeShows(page);
  check(loupe.shown && loupe.differ === 0 && loupe.big,
    `the loupe shows the after image at 100 % (${loupe.n} px from the ${loupe.source} size, ${loupe.differ} values differ; "${loupe.label}")`);
  await shot(page, 'tablet-10-zoomed');
  // The divider, dragged by its handle while zoomed; the zoom stays.
  const hb = await page.locator('#divider').boundingBox();
  await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
  await page.mouse.down();
  await page.mouse.move(vb.x + vb.width * 0.3, hb.y + hb.height / 2, { steps: 4 });
  await page.mouse.up();
  const split = Number(await page.locator('#divider').getAttribute('aria-valuenow'));
  check(split >= 28 && split <= 32 && await zoomOf(page) === z2, `the divider drags while zoomed (to ${split} %)`);
  // A drag on the view pans it.
  const ox0 = await page.evaluate(() => window.smpStudio.st.ox);
  await page.mouse.move(vb.x + vb.width * 0.6, vb.y + vb.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(vb.x + vb.width * 0.7, vb.y + vb.height * 0.5, { steps: 4 });
  await page.mouse.up();
  const ox1 = await page.evaluate(() => window.smpStudio.st.ox);
  check(ox1 < ox0, `a drag pans the zoomed view (left edge ${ox0.toFixed(1)} -> ${ox1.toFixed(1)} px)`);
  await page.click('#zoom-fit');
  check(await zoomOf(page) === 1 && await page.locator('#loupe-box').isHidden(), 'Fit goes back to the whole photo; the loupe hides');
  await page.locator('#divider').focus();
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Shift+ArrowLeft');
}
const tabletUse = await usable(page);
check(!tabletUse.small.length && !tabletUse.tiny.length, `at 1024x768 every control is 44 px or more and no text under 12 px ` +
  `(${[...tabletUse.small, ...tabletUse.tiny].join(', ') || 'none'})`);

// Exports.
async function save(button) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  const path = join(tmp, d.suggestedFilename());
  await d.saveAs(path);
  return path;
}
const after_png = await save('#save-after'), mask_png = await save('#save-mask');
const preview_jpg = await save('#save-preview'), settings_json = await save('#save-settings');
let decoded = 0;
for (const f of [after_png, mask_png, preview_jpg]) {
  try { execFileSync(imgtool, ['info', f]); decoded++; } catch (e) { console.log(`  ${f}: ${e.message}`); }
}
check(decoded === 3, `the after PNG, the mask PNG and the preview JPEG decode (${decoded} of 3)`);
const settings = JSON.parse(readFileSync(settings_json, 'utf8'));
check(settings.density === 180 && settings.sessions === 3 && settings.session === 1,
  `the settings say what was set (${JSON.stringify(settings)})`);
const native_png = join(tmp, 'native.png');
execFileSync(smpsim, ['render', photo, mask_png, '--settings', settings_json, '-o', native_png], { stdio: 'pipe' });
const a = PNG.sync.read(readFileSync(after_png)), b = PNG.sync.read(readFileSync(native_png));
let max = 0, differ = 0;
for (let i = 0; i < a.width * a.height; i++) {
  let d = 0;
  for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(a.data[4 * i + c] - b.data[4 * i + c]));
  max = Math.max(max, d);
  if (d) differ++;
}
check(a.width === b.width && a.height === b.height && max <= 1,
  `smpsim render --settings makes the page's after image (largest difference ${max}, ${differ} pixels differ)`);
await shot(page, 'tablet-9-exported');

const timings = await page.evaluate(() => window.smpStudio.timings);

// A photo whose EXIF says "rotate 90°": the page works on it as shown.
const rotated = join(tmp, 'exif6.jpg');
execFileSync(imgtool, ['exif-jpeg', '300', '200', '6', rotated]);
n = await renders(page);
await page.setInputFiles('#open', rotated);
await page.waitForFunction(k => document.body.dataset.state === 'idle' && window.smpStudio.st.w === 200 ||
  Number(document.body.dataset.renders) > k, n, { timeout: 60000 });
const dims = await page.evaluate(() => `${window.smpStudio.st.w}x${window.smpStudio.st.h}`);
check(dims === '200x300', `EXIF orientation 6: a 300x200 JPEG opens as 200x300 (${dims})`);
// The redraw times the page measured (performance.now(), from the change to
// the after image drawn; the tone preview's when there was one): printed, never asserted.
const by_reason = {};
for (const t of timings) (by_reason[t.reason] = by_reason[t.reason] || []).push(t);
const med = v => v.length ? `median ${v[v.length >> 1].toFixed(0)} ms, max ${v[v.length - 1].toFixed(0)} ms` : 'none';
for (const [r, list] of Object.entries(by_reason)) {
  const v = list.map(t => t.ms).sort((x, y) => x - y);
  const pv = list.map(t => t.tone).filter(x => x != null).sort((x, y) => x - y);
  console.log(`  redraw (${r}, ${timings[0].w}x${timings[0].h}): ${med(v)}; tone preview ${med(pv)}; ${v.length} times`);
}

// ---------------------------------------------------------------- export
// The after image at full size, made off the page's thread: the sample
// opened at a working size of 480 px (studio.html?work=480), so the export
// renders its 960x720 in the export worker. While it runs the divider still
// answers the keys; the download is the photo's size and is what the native
// command makes from the mask and settings; then the loupe shows the
// full-size after image at 100 %. The longest frame gap is printed.
{
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 }, deviceScaleFactor: 1, acceptDownloads: true });
  const ep = await ctx.newPage();
  ep.on('request', r => requests.push(r.url().slice(0, 60)));
  ep.on('console', m => { if (m.type() === 'error') errors.push(`export: ${m.text()}`); });
  ep.on('pageerror', e => errors.push(`export: ${e}`));
  await ep.goto(`${pathToFileURL(page_path).href}?work=480`, { waitUntil: 'load' });
  await ep.waitForFunction(() => document.body.dataset.state === 'empty', null, { timeout: 60000 });
  await ep.setInputFiles('#open', photo);
  await settle(ep, 1);
  await ep.setInputFiles('#open-mask', mask);
  await settle(ep, 2);
  const work = await ep.evaluate(() => `${window.smpStudio.st.w}x${window.smpStudio.st.h}`);
  await ep.evaluate(() => {
    window.__gap = 0; window.__probe = true;
    let t0 = performance.now();
    const tick = (t) => { window.__gap = Math.max(window.__gap, t - t0); t0 = t; if (window.__probe) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const dl = ep.waitForEvent('download', { timeout: 300000 });
  await ep.click('#save-after');
  await ep.waitForFunction(() => document.body.dataset.exporting === '1');
  await ep.locator('#divider').focus();
  await ep.keyboard.press('ArrowLeft');
  const during = await ep.evaluate(() => ({ at: document.getElementById('divider').getAttribute('aria-valuenow'),
    exporting: document.body.dataset.exporting === '1' }));
  check(during.at === '48' && during.exporting, `the divider answers the keys while the export runs (${JSON.stringify(during)})`);
  const d = await dl;
  const full_png = join(tmp, 'export-full.png');
  await d.saveAs(full_png);
  const gapMs = await ep.evaluate(() => { window.__probe = false; return window.__gap; });
  const settings_json2 = join(tmp, 'export-settings.json'), mask_png2 = join(tmp, 'export-mask.png');
  for (const [b, f] of [['#save-settings', settings_json2], ['#save-mask', mask_png2]]) {
    const [x] = await Promise.all([ep.waitForEvent('download'), ep.click(b)]);
    await x.saveAs(f);
  }
  const native2 = join(tmp, 'export-native.png');
  execFileSync(smpsim, ['render', photo, mask_png2, '--settings', settings_json2, '-o', native2], { stdio: 'pipe' });
  const fa = PNG.sync.read(readFileSync(full_png)), fb = PNG.sync.read(readFileSync(native2));
  let fmax = 0;
  for (let i = 0; i < fa.width * fa.height && fa.width === fb.width; i++)
    for (let c = 0; c < 3; c++) fmax = Math.max(fmax, Math.abs(fa.data[4 * i + c] - fb.data[4 * i + c]));
  check(fa.width === 960 && fa.height === 720 && fb.width === 960 && fb.height === 720 && fmax <= 1,
    `worked at ${work}, the after image is saved at the photo's 960x720 from the export worker, as smpsim render makes it (largest difference ${fmax})`);
  console.log(`  export at full size: longest frame gap ${gapMs.toFixed(0)} ms (printed, not asserted)`);
  await ep.click('#zoom-in');
  await ep.click('#zoom-in');
  const fl = await loupeShows(ep);
  check(fl.shown && fl.source === 'full' && fl.differ === 0,
    `after the export the loupe shows the full-size after image at 100 % (${fl.source}, ${fl.differ} values differ; "${fl.label}")`);
  await ep.screenshot({ path: join(shots, 'tablet-11-loupe-full.png') });
  // Another look: the loupe goes back to the working size, and its "Full
  // size" makes the full-size image for it alone.
  const k = await renders(ep);
  await ep.selectOption('#session', '1');
  await settle(ep, k + 1);
  const back = await loupeShows(ep);
  const offered = await ep.locator('#loupe-full').isVisible();
  await ep.screenshot({ path: join(shots, 'tablet-12-loupe-working.png') });
  await ep.click('#loupe-full');
  await ep.waitForFunction(() => window.smpStudio.st.loupeSource === 'full' && !document.body.dataset.exporting, null,
    { timeout: 300000 });
  const again = await loupeShows(ep);
  check(back.source === 'working' && offered && again.source === 'full' && again.differ === 0 && !await ep.locator('#loupe-full').isVisible(),
    `a changed look shows the working size in the loupe ("${back.label}"); its Full size button brings the full size back ("${again.label}")`);
  await ctx.close();
}
// Big photos, by the page's test hooks that lower its limits (a real one
// would take minutes here): over the engine's limit the photo is refused
// with a message; over the export's, the after image is saved at the
// largest size within it, and the message says so.
{
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 }, deviceScaleFactor: 1, acceptDownloads: true });
  const bp = await ctx.newPage();
  bp.on('request', r => requests.push(r.url().slice(0, 60)));
  bp.on('console', m => { if (m.type() === 'error') errors.push(`big: ${m.text()}`); });
  bp.on('pageerror', e => errors.push(`big: ${e}`));
  await bp.goto(`${pathToFileURL(page_path).href}?max-mp=0.5`, { waitUntil: 'load' });
  await bp.waitForFunction(() => document.body.dataset.state === 'empty', null, { timeout: 60000 });
  await bp.setInputFiles('#open', photo);
  await bp.waitForFunction(() => /MP the engine takes/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
  const refused = await bp.evaluate(() => ({ w: window.smpStudio.st.w, state: document.body.dataset.state,
    status: document.getElementById('status').textContent }));
  check(refused.w === 0 && refused.state === 'empty', `a photo over the engine's pixel limit is refused on opening ("${refused.status}")`);
  await bp.goto(`${pathToFileURL(page_path).href}?work=240&export-mp=0.3`, { waitUntil: 'load' });
  await bp.waitForFunction(() => document.body.dataset.state === 'empty', null, { timeout: 60000 });
  await bp.setInputFiles('#open', photo);
  await settle(bp, 1);
  const [bd] = await Promise.all([bp.waitForEvent('download', { timeout: 300000 }), bp.click('#save-after')]);
  const big_png = join(tmp, 'export-big.png');
  await bd.saveAs(big_png);
  const bi = PNG.sync.read(readFileSync(big_png)), bmsg = await bp.locator('#status').textContent();
  check(bi.width * bi.height <= 0.3e6 && bi.width * bi.height > 0.28e6 && Math.abs(bi.width / bi.height - 4 / 3) < 0.01 &&
    /within this page's limit/.test(bmsg), `over the export's limit the after image is saved within it, ${bi.width}x${bi.height} ("${bmsg}")`);
  // A photo larger than the working size is decoded straight to it, EXIF orientation kept.
  const rot = join(tmp, 'exif6-big.jpg');
  execFileSync(imgtool, ['exif-jpeg', '300', '200', '6', rot]);
  const kr = await renders(bp);
  await bp.setInputFiles('#open', rot);
  await settle(bp, kr + 1);
  const rd = await bp.evaluate(() => { const st = window.smpStudio.st; return `${st.fullW}x${st.fullH} at ${st.w}x${st.h}`; });
  check(rd === '200x300 at 160x240', `EXIF orientation 6 on a photo over the working size: a 300x200 JPEG opens as ${rd}`);
  await ctx.close();
}

// ---------------------------------------------------------------- phone
const phone = await open({ width: 390, height: 844 }, 'phone');
await phone.setInputFiles('#open', photo);
await phone.waitForFunction(() => document.body.dataset.state === 'idle', null, { timeout: 120000 });
await phone.screenshot({ path: join(shots, 'phone-1-open.png') });
// On a phone the view is a third of the working size: the tone preview is drawn at that size.
const phoneView = await toneSize(phone);
check(phoneView.reduced && phoneView.photo && phoneView.tone === `${phoneView.reduced.w}x${phoneView.reduced.h}` &&
  phoneView.showing === 'full', `on a phone the tone preview's basis is at the view's ${phoneView.tone}, the after image ` +
  `at the working size ${phoneView.work} (showing ${phoneView.showing})`);
// The controls scroll under the picture; the export buttons are reachable.
await phone.locator('#save-settings').scrollIntoViewIfNeeded();
const exportBox = await phone.locator('#save-settings').boundingBox();
check(exportBox && exportBox.height >= 40 && exportBox.y + exportBox.height <= 844,
  `on a phone the export buttons scroll into view, 40 px or taller (${exportBox && exportBox.height} px)`);
await phone.screenshot({ path: join(shots, 'phone-2-panel.png') });
const narrow = await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
check(narrow, 'on a phone the page fits the width (no sideways scrolling)');
const phoneUse = await usable(phone);
check(!phoneUse.small.length && !phoneUse.tiny.length, `at 390x844 every control is 44 px or more and no text under 12 px ` +
  `(${[...phoneUse.small, ...phoneUse.tiny].join(', ') || 'none'})`);
// Two fingers (touch events, as a phone sends them) spread apart: the view zooms; the loupe shows.
await phone.locator('#view').scrollIntoViewIfNeeded();
{
  const vb = await phone.locator('#view').boundingBox();
  const cx = vb.x + vb.width / 2, cy = vb.y + vb.height / 2;
  const cdp = await phone.context().newCDPSession(phone);
  const touch = (type, d) => cdp.send('Input.dispatchTouchEvent', { type,
    touchPoints: type === 'touchEnd' ? [] : [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }] });
  await touch('touchStart', 20);
  for (let d = 30; d <= 80; d += 10) await touch('touchMove', d);
  await touch('touchEnd', 80);
  const z = await zoomOf(phone);
  check(z > 2, `a two-finger pinch zooms the view (×${z.toFixed(2)}, fingers 40 -> 160 px apart)`);
  const pl = await loupeShows(phone);
  check(pl.shown && pl.differ === 0, `on a phone the loupe shows the after image at 100 % (${pl.n} px, "${pl.label}")`);
  await phone.screenshot({ path: join(shots, 'phone-3-pinched.png') });
}

// ---------------------------------------------------------------- touch
// A finger only (CDP touch events, as a tablet sends them; no mouse, no
// keys), at the phone's size and in a tablet's touch context: a tap picks
// the brush, a stroke paints the mask, a drag along the density slider
// moves it and redraws, two fingers zoom the view (not the page), a double
// tap fits the photo again, and a pinch on the panel leaves the page's
// scale alone.
async function touchFlow(p, name) {
  const cdp = await p.context().newCDPSession(p);
  const touch = (type, pts) => cdp.send('Input.dispatchTouchEvent', { type,
    touchPoints: pts.map(([x, y], i) => ({ x, y, id: i + 1 })) });
  const tap = async (x, y) => { await touch('touchStart', [[x, y]]); await touch('touchEnd', []); };
  const drag = async (x0, y0, x1, y1, n = 8) => {
    await touch('touchStart', [[x0, y0]]);
    for (let i = 1; i <= n; i++) await touch('touchMove', [[x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n]]);
    await touch('touchEnd', []);
  };
  const pinch = async (cx, cy, d0, d1) => {
    await touch('touchStart', [[cx - d0, cy], [cx + d0, cy]]);
    for (let i = 1; i <= 6; i++) { const d = d0 + (d1 - d0) * i / 6; await touch('touchMove', [[cx - d, cy], [cx + d, cy]]); }
    await touch('touchEnd', []);
  };
  const centre = async (sel) => {
    await p.locator(sel).scrollIntoViewIfNeeded();
    const b = await p.locator(sel).boundingBox();
    return [b.x + b.width / 2, b.y + b.height / 2, b];
  };
  const scale = () => p.evaluate(() => visualViewport.scale);
  if (await zoomOf(p) > 1) await tap(...(await centre('#zoom-fit')).slice(0, 2));
  // The brush, by a tap; a finger's stroke across the photo's top.
  await tap(...(await centre('[data-tool=brush]')).slice(0, 2));
  const tool = await p.evaluate(() => window.smpStudio.st.tool);
  let [, , vb] = await centre('#view');
  const m0 = await p.evaluate(() => window.smpStudio.maskSum()), k = await renders(p);
  await drag(vb.x + vb.width * 0.25, vb.y + vb.height * 0.08, vb.x + vb.width * 0.75, vb.y + vb.height * 0.1, 10);
  await settle(p, k + 1);
  const m1 = await p.evaluate(() => window.smpStudio.maskSum());
  check(tool === 'brush' && m1 > m0, `${name}: a tap picks the brush and a finger's stroke paints the mask (${m0} -> ${m1})`);
  await shot(p, `${name}-touch-1-stroke`);
  await tap(...(await centre('[data-tool=view]')).slice(0, 2));
  // The density slider, dragged by a finger from its thumb towards its end.
  const [, sy, sb] = await centre('#density');
  const sv = await p.evaluate(() => { const e = document.getElementById('density'); return [Number(e.value), Number(e.min), Number(e.max)]; });
  const sx = v => sb.x + 8 + (sb.width - 16) * (v - sv[1]) / (sv[2] - sv[1]);
  const k2 = await renders(p), s0 = await scale();
  await drag(sx(sv[0]), sy, sx(sv[0] + 0.6 * (sv[2] - sv[0])), sy, 10);
  await settle(p, k2 + 1);
  const dv = await p.evaluate(() => ({ v: Number(document.getElementById('density').value), auto: document.getElementById('density-auto').checked,
    out: document.getElementById('density-out').textContent }));
  check(dv.v > sv[0] + 10 && !dv.auto && await renders(p) > k2 && await scale() === s0,
    `${name}: a finger drags the density slider (${sv[0]} -> ${dv.v}, "${dv.out}") and the view redraws`);
  await shot(p, `${name}-touch-2-slider`);
  // Two fingers on the view zoom it and not the page; a double tap fits again.
  [, , vb] = await centre('#view');
  await pinch(vb.x + vb.width / 2, vb.y + vb.height / 2, 20, 90);
  const z = await zoomOf(p), s1 = await scale();
  check(z > 2 && s1 === 1, `${name}: a pinch zooms the view (×${z.toFixed(2)}), the page stays at scale ${s1}`);
  await shot(p, `${name}-touch-3-pinch`);
  // (Clear of the divider's handle in the middle, which takes its own taps.)
  await tap(vb.x + vb.width * 0.3, vb.y + vb.height / 2);
  await p.waitForTimeout(60);
  await tap(vb.x + vb.width * 0.3, vb.y + vb.height / 2);
  const z2 = await zoomOf(p);
  check(z2 === 1, `${name}: a double tap fits the photo again (×${z.toFixed(2)} -> ×${z2.toFixed(2)})`);
  // The engine's notes over the photo fold to one line at a tap, and unfold at another.
  if (await p.isVisible('#notes')) {
    const [nx, ny] = await centre('#notes'), h0 = (await p.locator('#notes').boundingBox()).height;
    await tap(nx, ny);
    const h1 = (await p.locator('#notes').boundingBox()).height;
    const [mx, my] = await centre('#notes');
    await tap(mx, my);
    const h2 = (await p.locator('#notes').boundingBox()).height;
    check(h1 >= 44 && h1 <= 50 && h1 < h0 && h2 === h0, `${name}: a tap folds the notes to one line (${h0} -> ${h1} px) and another unfolds them (${h2} px)`);
    // A drag that starts on them is the view's: it moves the divider.
    const split0 = await p.evaluate(() => window.smpStudio.st.split), nb = await p.locator('#notes').boundingBox();
    await drag(nb.x + nb.width * 0.8, nb.y + nb.height / 2, nb.x + nb.width * 0.8 - 60, nb.y + nb.height / 2, 6);
    const split1 = await p.evaluate(() => window.smpStudio.st.split);
    check(split1 !== split0 && (await p.locator('#notes').boundingBox()).height === h0,
      `${name}: a finger's drag over the notes moves the divider (${split0.toFixed(2)} -> ${split1.toFixed(2)}), the notes stay unfolded`);
  } else console.log(`  ${name}: no notes shown, their fold not tried`);
  // Two fingers on the panel: the page keeps its scale (the controls stay where they are).
  const [px, py] = await centre('#look legend');
  await pinch(px, py + 40, 20, 90);
  const s2 = await scale();
  check(s2 === 1, `${name}: a pinch on the panel leaves the page's scale (${s2})`);
  // The density slider dragged slowly: the tone preview follows the finger
  // and no exact image is asked for until it lets go (each move asked for
  // one, which kept the engine on a position passed); then one, for where
  // it let go. (A pause of a quarter second, which a loaded machine can
  // put between two moves, asks for one: so fewer than half the moves.)
  // Last in the flow: its finger rests on the slider for a second.
  const [, sy2, sb2] = await centre('#density');
  const sx2 = v => sb2.x + 8 + (sb2.width - 16) * (v - sv[1]) / (sv[2] - sv[1]);
  const counts = () => p.evaluate(() => ({ asked: window.smpStudio.st.requests, tones: window.smpStudio.st.toneShown,
    v: Number(document.getElementById('density').value), chosen: window.smpStudio.st.chosen }));
  const c0 = await counts(), k3 = await renders(p);
  await touch('touchStart', [[sx2(c0.v), sy2]]);
  for (let i = 1; i <= 10; i++) {
    await touch('touchMove', [[sx2(c0.v + 5 * i), sy2]]);
    await p.waitForTimeout(60);
  }
  const c1 = await counts();
  await touch('touchEnd', []);
  await settle(p, k3 + 1);
  const c2 = await counts();
  check(c1.tones > c0.tones && c1.asked - c0.asked < 5 && c2.asked - c1.asked <= 1 && c2.v > c0.v &&
    Math.round(c2.chosen.density) === c2.v,
    `${name}: a slow drag of the density slider shows the tone preview (${c1.tones - c0.tones} drawn) and asks for ` +
    `${c1.asked - c0.asked} exact images while it moves (10 moves), ${c2.asked - c1.asked} when let go, drawn at ` +
    `${Math.round(c2.chosen.density)} dots/cm² (the slider at ${c2.v})`);
}
await touchFlow(phone, 'phone');
{
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const tp = await ctx.newPage();
  tp.on('request', r => requests.push(r.url().slice(0, 60)));
  tp.on('console', m => { if (m.type() === 'error') errors.push(`tablet-touch: ${m.text()}`); });
  tp.on('pageerror', e => errors.push(`tablet-touch: ${e}`));
  await tp.goto(pathToFileURL(page_path).href, { waitUntil: 'load' });
  await tp.waitForFunction(() => document.body.dataset.state === 'empty', null, { timeout: 60000 });
  await tp.setInputFiles('#open', photo);
  await tp.waitForFunction(() => document.body.dataset.state === 'idle' && Number(document.body.dataset.renders) >= 1, null, { timeout: 120000 });
  await touchFlow(tp, 'tablet');
  await ctx.close();
}

const external = requests.filter(u => !/^(file|data|blob):/.test(u));
check(external.length === 0, `no requests beyond the file itself (${external.join(', ') || 'none'})`);
check(errors.length === 0, `no console errors (${errors.join('; ') || 'none'})`);
await browser.close();
if (failures) console.log(`  the exports are kept in ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });
process.exit(failures ? 1 : 0);
