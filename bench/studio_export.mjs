// SPDX-License-Identifier: BSD-2-Clause
// The studio page with a big photo in headless Chromium (issue 15's
// "memory stays bounded" and an export that does not block the page):
// opens PHOTO (and MASK) at a tablet's size, then saves the after image at
// full size. Prints, for opening and for the export: the wall time, the
// longest gap between animation frames (how long the page's thread could
// not respond), the largest resident memory (VmRSS from /proc) of the
// browser's renderer process (the page and its workers are threads of it)
// and of all its processes together, and the engines' heaps the page
// reports; with performance.measureUserAgentSpecificMemory when the page
// may call it (it needs cross-origin isolation, which file:// lacks).
// A benchmark: it asserts nothing.
// Usage: node bench/studio_export.mjs STUDIO.html PHOTO [MASK]
// (playwright-core from tests/browser/node_modules; CHROMIUM=/usr/bin/chromium)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { launch, openStudio } from './studio_page.mjs';

const [page_path, photo, mask] = process.argv.slice(2);

const browser = await launch();
// The browser's processes: this script's descendants, by /proc (itself left out).
const root = process.pid;
function tree() {
  const kids = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
      (kids.get(ppid) || kids.set(ppid, []).get(ppid)).push(Number(d));
    } catch (e) { /* gone */ }
  }
  const out = [], todo = [...(kids.get(root) || [])];
  while (todo.length) { const p = todo.pop(); out.push(p); todo.push(...(kids.get(p) || [])); }
  return out;
}
function rss(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return { kb: Number((/VmRSS:\s+(\d+)/.exec(s) || [0, 0])[1]), renderer: /--type=renderer/.test(cmd) };
  } catch (e) { return { kb: 0, renderer: false }; }
}
let peak = { renderer: 0, all: 0 };
const sampler = setInterval(() => {
  let all = 0, rend = 0;
  for (const p of tree()) { const r = rss(p); all += r.kb; if (r.renderer) rend = Math.max(rend, r.kb); }
  peak.renderer = Math.max(peak.renderer, rend);
  peak.all = Math.max(peak.all, all);
}, 100);
const resetPeak = () => { const p = peak; peak = { renderer: 0, all: 0 }; return p; };

const { page, errors, probe, gap } = await openStudio(browser, page_path, { acceptDownloads: true });
const uam = () => page.evaluate(async () => (self.crossOriginIsolated && performance.measureUserAgentSpecificMemory
  ? (await performance.measureUserAgentSpecificMemory()).bytes : null));
const heaps = () => page.evaluate(() => (window.smpStudio.heaps ? window.smpStudio.heaps() : { page: window.smpStudio.memory() }));
const mb = kb => `${(kb / 1024).toFixed(0)} MB`;
function report(what, ms, g, p, h, u) {
  console.log(`${what}: ${(ms / 1000).toFixed(1)} s; longest frame gap ${g.toFixed(0)} ms; peak RSS renderer ` +
    `${mb(p.renderer)}, all processes ${mb(p.all)}; engine heaps ${JSON.stringify(h)}` +
    (u != null ? `; measureUserAgentSpecificMemory ${(u / 1048576).toFixed(0)} MB` : '; measureUserAgentSpecificMemory unavailable'));
}
resetPeak();
console.log(`photo ${photo} (${statSync(photo).size} bytes)`);
let t = performance.now();
await probe();
await page.setInputFiles('#open', photo);
await page.waitForFunction(() => document.body.dataset.state === 'idle' || document.body.dataset.state === 'empty',
  null, { timeout: 900000, polling: 200 });
let g = await gap();
report('open', performance.now() - t, g, resetPeak(), await heaps(), await uam());
console.log(`  status: ${await page.locator('#status').textContent()}`);
if (mask && await page.evaluate(() => window.smpStudio.st.w > 0)) {
  const k = await page.evaluate(() => window.smpStudio.st.renders);
  await page.setInputFiles('#open-mask', mask);
  await page.waitForFunction(n => document.body.dataset.state === 'idle' && window.smpStudio.st.renders > n, k,
    { timeout: 900000, polling: 200 });
  resetPeak();
}
if (await page.evaluate(() => window.smpStudio.st.w > 0)) {
  t = performance.now();
  await probe();
  const dl = page.waitForEvent('download', { timeout: 1800000 });
  await page.click('#save-after');
  const d = await dl;
  const path = await d.path();
  g = await gap();
  report('export (after PNG)', performance.now() - t, g, resetPeak(), await heaps(), await uam());
  console.log(`  ${d.suggestedFilename()}: ${statSync(path).size} bytes; status: ${await page.locator('#status').textContent()}`);
  // What stays once it is over (the export worker ended, the page's heap as it is).
  await new Promise(r => setTimeout(r, 3000));
  resetPeak();
  await new Promise(r => setTimeout(r, 500));
  const now = resetPeak();
  console.log(`  3 s later: RSS renderer ${mb(now.renderer)}, all processes ${mb(now.all)}; engine heaps ${JSON.stringify(await heaps())}`);
}
clearInterval(sampler);
if (errors.length) console.log(`page errors: ${errors.join('; ')}`);
await browser.close();
