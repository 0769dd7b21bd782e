// SPDX-License-Identifier: BSD-2-Clause
// A second photo opened while the first one's mask is still being
// suggested (issue 15): the time from choosing it until its own suggested
// mask shows, and until its first after image; each over N tries, printed
// as median and max. A benchmark: it asserts nothing.
// Usage: node bench/studio_reopen.mjs STUDIO.html PHOTO [N]
import { launch, openStudio } from './studio_page.mjs';

const [page_path, photo, n_arg] = process.argv.slice(2);
const N = Number(n_arg) || 3;
const browser = await launch();
const mask = [], first = [];
for (let i = 0; i < N; i++) {
  const { page, errors } = await openStudio(browser, page_path);
  await page.setInputFiles('#open', photo);
  await page.waitForFunction(() => document.body.dataset.suggest === 'running', null, { timeout: 120000 });
  const t = await page.evaluate(() => {
    window.__t0 = performance.now();
    window.__r0 = Number(document.body.dataset.renders || 0);
    window.__mask = 0;
    // The second photo's suggestion: the one asked after __t0.
    const look = () => {
      const b = document.body.dataset;
      if (window.__asked && b.suggest === 'done' && !window.__mask) window.__mask = performance.now() - window.__t0;
      if (b.suggest === 'running' && window.smpStudio.st.askId > window.__a0) window.__asked = true;
      requestAnimationFrame(look);
    };
    window.__a0 = window.smpStudio.st.askId + 1; // the second photo's decode takes the next id
    requestAnimationFrame(look);
    return window.__t0;
  });
  await page.setInputFiles('#open', photo);
  await page.waitForFunction(() => Number(document.body.dataset.renders || 0) > window.__r0 && document.body.dataset.state === 'idle',
    null, { timeout: 600000 });
  const r = await page.evaluate(() => ({ mask: window.__mask, first: performance.now() - window.__t0,
    replaced: window.smpStudio.st.replaced }));
  mask.push(r.mask);
  first.push(r.first);
  console.log(`  ${i + 1}: mask shown at ${r.mask.toFixed(0)} ms, first after image at ${r.first.toFixed(0)} ms` +
    ` (workers replaced: ${r.replaced ?? 'not this page'})${errors.length ? `; errors: ${errors.join('; ')}` : ''}; t0 ${t.toFixed(0)}`);
  await page.context().close();
}
const med = a => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const f = a => `median ${med(a).toFixed(0)} ms, max ${Math.max(...a).toFixed(0)} ms`;
console.log(`reopen during a suggestion (${N} times): its mask shown ${f(mask)}; first after image ${f(first)}`);
await browser.close();
