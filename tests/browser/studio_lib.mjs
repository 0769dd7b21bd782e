// SPDX-License-Identifier: BSD-2-Clause
// What the studio page's browser checks share (studio_page.mjs, the tablet
// flow; studio_export_touch.mjs, the full-size export, big photos, the
// phone and touch): the arguments, Chromium, pages that record their
// requests and console errors, the waits and measures on the page, and the
// closing checks (no request beyond the file, no console error).
// Usage of a check script: node SCRIPT STUDIO.html PHOTO MASK SMPSIM IMGTOOL SHOTS
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const [page_path, photo, mask, smpsim, imgtool, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
export const tmp = mkdtempSync(join(tmpdir(), 'smpsim-studio-page-'));
let failures = 0;
export function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'}: studio page: ${what}`);
  if (!ok) failures++;
}

export const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'] });
const requests = [], errors = [];
// A page whose requests and console errors the closing checks see.
export function watch(page, name) {
  page.on('request', r => requests.push(r.url().slice(0, 60)));
  page.on('console', m => { if (m.type() === 'error') errors.push(`${name}: ${m.text()}`); });
  page.on('pageerror', e => errors.push(`${name}: ${e}`));
  return page;
}
// The studio in a new context (touch and mobile below 600 px wide unless
// given), loaded and empty.
export async function open(viewport, name, query = '', context = {}) {
  const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1, acceptDownloads: true,
    hasTouch: viewport.width < 600, isMobile: viewport.width < 600, ...context });
  const page = watch(await ctx.newPage(), name);
  await goto(page, query);
  return page;
}
export async function goto(page, query = '') {
  await page.goto(pathToFileURL(page_path).href + query, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.state === 'empty', null, { timeout: 60000 });
}
export const renders = page => page.evaluate(() => Number(document.body.dataset.renders || 0));
// Waits for the redraw a change asked for (at least n renders done, idle).
export async function settle(page, n) {
  await page.waitForFunction(k => document.body.dataset.state === 'idle' && Number(document.body.dataset.renders) >= k,
    n, { timeout: 120000 });
}
// Runs f (a save: a click and its download) with frames asked for: Chromium
// encodes a canvas's toBlob in the page's idle time, which headless
// Chromium gives only after a frame, and it draws none while nothing on the
// page changes, so a preview JPEG or a mask PNG saved after a key press came
// 1 s late (no idle time: the encoder's own deadline) or 6-7 s (some, then
// none till its second deadline).
export async function withFrames(page, f) {
  await page.evaluate(() => {
    const on = window.__frames = {};
    const tick = () => { if (window.__frames === on) requestAnimationFrame(tick); };
    tick();
  });
  try {
    return await f();
  } finally {
    await page.evaluate(() => { window.__frames = null; });
  }
}
// A screenshot, by Chromium's own capture with its fast PNG encoder (0.11 s
// a shot here; Playwright's page.screenshot took 0.18-0.3 s).
const sessions = new WeakMap();
export async function shot(page, name) {
  if (!sessions.has(page)) sessions.set(page, await page.context().newCDPSession(page));
  const { data } = await sessions.get(page).send('Page.captureScreenshot', { format: 'png', optimizeForSpeed: true });
  writeFileSync(join(shots, `${name}.png`), Buffer.from(data, 'base64'));
}
// The after image's mean brightness where the mask is white (the treated core).
export const coreMean = page => page.evaluate(() => {
  const s = window.smpStudio, m = s.mask(), { width: w, height: h } = s.after;
  const d = s.after.getContext('2d').getImageData(0, 0, w, h).data;
  let sum = 0, n = 0;
  for (let i = 0; i < w * h; i++) if (m[i] === 255) { sum += d[4 * i] + d[4 * i + 1] + d[4 * i + 2]; n++; }
  return n ? sum / n / 3 : NaN;
});
// A point of the photo (working pixels) on the screen.
export async function screen(page, x, y) {
  const b = await page.locator('#view').boundingBox();
  const { w, h } = await page.evaluate(() => ({ w: window.smpStudio.st.w, h: window.smpStudio.st.h }));
  return [b.x + x * b.width / w, b.y + y * b.height / h];
}

export const zoomOf = page => page.evaluate(() => window.smpStudio.st.z);
// The loupe's pixels against the image it says it shows, at 100 %: equal
// (the loupe copies pixel for pixel at a device pixel ratio of 1).
export const loupeShows = page => page.evaluate(() => {
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
export const usable = page => page.evaluate(() => {
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

// The tone preview's basis against the view and the working size.
export const toneSize = p => p.evaluate(() => {
  const st = window.smpStudio.st;
  return { on: !!st.workers, reduced: st.reduced, tone: st.tone && `${st.tone.w}x${st.tone.h}`, work: `${st.w}x${st.h}`,
    photo: st.tonePhoto && st.tone && st.tonePhoto.length === 4 * st.tone.w * st.tone.h, showing: st.showing };
});

// The closing checks; exits with the count of failures.
export async function finish() {
  const external = requests.filter(u => !/^(file|data|blob):/.test(u));
  check(external.length === 0, `no requests beyond the file itself (${external.join(', ') || 'none'})`);
  check(errors.length === 0, `no console errors (${errors.join('; ') || 'none'})`);
  await browser.close();
  if (failures) console.log(`  the exports are kept in ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
  process.exit(failures ? 1 : 0);
}
