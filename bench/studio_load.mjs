// SPDX-License-Identifier: BSD-2-Clause
// The studio page's own start in headless Chromium: from navigation to the
// engine ready (document.body.dataset.state 'empty'), by the page's clock
// (performance.now() from its time origin), over N loads of each page
// given, alternated; with which engine it took (st.simd) and the page's
// bytes. JS_FLAGS=--no-enable-sse4-1 gives a V8 without WebAssembly SIMD
// (the page then takes its engine without). A benchmark: it asserts nothing.
// Usage: node bench/studio_load.mjs N PAGE.html...
// (playwright-core from tests/browser/node_modules; CHROMIUM=/usr/bin/chromium)
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../tests/browser/package.json'));
const { chromium } = require('playwright-core');
const [n_arg, ...pages] = process.argv.slice(2);
const N = Number(n_arg) || 5;
const args = ['--no-sandbox'].concat(process.env.JS_FLAGS ? [`--js-flags=${process.env.JS_FLAGS}`] : []);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args });
const times = pages.map(() => []), simd = pages.map(() => null);
for (let i = 0; i < N; i++)
  for (const [k, p] of pages.entries()) {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    // The moment the page says its engine is ready, on its own clock.
    await page.addInitScript(() => {
      new MutationObserver((_, o) => {
        if (document.body && document.body.dataset.state === 'empty' && window.__ready == null) {
          window.__ready = performance.now();
          o.disconnect();
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
    });
    await page.goto(pathToFileURL(p).href, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.state === 'empty', null, { timeout: 60000, polling: 5 });
    times[k].push(await page.evaluate(() => window.__ready));
    simd[k] = await page.evaluate(() => window.smpStudio.st.simd);
    await context.close();
  }
await browser.close();
for (const [k, p] of pages.entries()) {
  const s = times[k].slice().sort((a, b) => a - b);
  console.log(`${p}: ${statSync(p).size} bytes, engine ${simd[k] ? 'with' : 'without'} SIMD; ready after median ` +
    `${s[s.length >> 1].toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms (${N} loads)`);
}
