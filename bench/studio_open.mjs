// SPDX-License-Identifier: BSD-2-Clause
// Opening a photo in the studio page in headless Chromium (issue 15): the
// longest gap between animation frames from choosing the photo until its
// first after image is drawn or has failed (how long the page's thread could not answer
// the divider, the sliders or the zoom), the time until the suggested mask
// shows (the page's data-suggest="done", or, for a page that suggests on
// its own thread, the first frame with a mask), and until the first after
// image; each over N openings of PHOTO, printed as median and max; and the
// engines' memory (each worker's WebAssembly heap) once it is drawn.
// A benchmark: it asserts nothing.
// Usage: node bench/studio_open.mjs STUDIO.html PHOTO [N]
// (playwright-core from tests/browser/node_modules; CHROMIUM=/usr/bin/chromium)
import { launch, openStudio } from './studio_page.mjs';

const [page_path, photo, n_arg] = process.argv.slice(2);
const N = Number(n_arg) || 3;
const browser = await launch();
const runs = [];
for (let i = 0; i < N; i++) {
  // A fresh page each time: the first opening, as a consultant has it.
  const { page, errors, probe, gap } = await openStudio(browser, page_path);
  await probe();
  // Watched by frames: when the mask first shows (a page of its own
  // suggesting sets data-suggest; an older one shows it with the photo).
  await page.evaluate(() => {
    window.__t0 = performance.now();
    window.__mask = 0;
    window.__long = []; // gaps over 100 ms: [ms, when it ended]
    let last = performance.now();
    const gaps = (t) => {
      if (t - last > 100) window.__long.push([Math.round(t - last), Math.round(t - window.__t0)]);
      last = t;
      if (window.__probe) requestAnimationFrame(gaps);
    };
    requestAnimationFrame(gaps);
    const look = () => {
      const b = document.body.dataset, s = window.smpStudio;
      if (b.suggest === 'done' || (!b.suggest && s.st.w && s.maskSum() > 0)) window.__mask = performance.now() - window.__t0;
      else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await page.setInputFiles('#open', photo);
  // Idle again: the first redraw drawn, or failed (its message in the status).
  await page.waitForFunction(() => document.body.dataset.state === 'idle' && document.body.dataset.suggest !== 'running',
    null, { timeout: 600000 });
  const r = await page.evaluate(() => ({ drawn: Number(document.body.dataset.renders || 0) >= 1,
    status: document.getElementById('status').textContent, now: performance.now() - window.__t0,
    mask: window.__mask, long: window.__long, size: `${window.smpStudio.st.w}x${window.smpStudio.st.h}`,
    heaps: window.smpStudio.heaps ? window.smpStudio.heaps() : null }));
  r.gap = await gap();
  r.errors = errors;
  runs.push(r);
  console.log(`  ${i + 1}: ${r.size}: longest frame gap ${r.gap.toFixed(0)} ms, mask shown at ${r.mask.toFixed(0)} ms, ` +
    `${r.drawn ? 'first after image' : `no after image ("${r.status}")`} at ${r.now.toFixed(0)} ms; gaps over 100 ms (length@end): ${r.long.map(([g, t]) => `${g}@${t}`).join(' ') || 'none'}` +
    `${r.heaps ? `; engine heaps MB: ${Object.entries(r.heaps).map(([k, v]) => `${k} ${(v / 1048576).toFixed(0)}`).join(', ')}` : ''}${errors.length ? `; errors: ${errors.join('; ')}` : ''}`);
  await page.context().close();
}
await browser.close();
const stat = v => { const s = v.slice().sort((a, b) => a - b); return `median ${s[s.length >> 1].toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms`; };
console.log(`open (${runs[0].size}, ${N} times): longest frame gap ${stat(runs.map(r => r.gap))}; ` +
  `mask shown ${stat(runs.map(r => r.mask))}; first after image (or its failure) ${stat(runs.map(r => r.now))}`);
