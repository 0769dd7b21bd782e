// SPDX-License-Identifier: BSD-2-Clause
// What the studio benchmarks share: Chromium (playwright-core from
// tests/browser/node_modules; CHROMIUM=/usr/bin/chromium), the page opened
// at a tablet's size and waited for, its errors collected, and a probe of
// the longest gap between animation frames (how long the page's thread
// could not respond) from probe() until gap(). STUDIO_QUERY=work=1000
// opens the page with that query (its test hooks). CHROMIUM_FLAGS: more
// command-line flags for Chromium, space-separated (as
// --js-flags=--no-liftoff, to compare the engine's code tiers).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../tests/browser/package.json'));
const { chromium } = require('playwright-core');

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', ...(process.env.CHROMIUM_FLAGS || '').split(' ').filter(Boolean)] });
}

// The page at 1024x768 (context options added), ready for a photo.
export async function openStudio(browser, page_path, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, deviceScaleFactor: 1, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  // STUDIO_QUERY: the page's test hooks (as work=1000).
  const q = process.env.STUDIO_QUERY ? `?${process.env.STUDIO_QUERY}` : '';
  await page.goto(pathToFileURL(page_path).href + q, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.state === 'empty', null, { timeout: 60000 });
  const probe = () => page.evaluate(() => {
    window.__gap = 0;
    window.__probe = true;
    let t0 = performance.now();
    const tick = (t) => { window.__gap = Math.max(window.__gap, t - t0); t0 = t; if (window.__probe) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const gap = () => page.evaluate(() => { window.__probe = false; return window.__gap; });
  return { page, errors, probe, gap };
}
