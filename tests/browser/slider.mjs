// SPDX-License-Identifier: BSD-2-Clause
// The before/after page in a real browser (Debian's Chromium through
// playwright-core): loads with no failed requests or console errors, both
// images decode, and dragging the divider or pressing the arrow keys moves
// it and changes which image shows at a fixed point (screenshot pixels).
// Usage: node slider.mjs PAGE.html
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { pathToFileURL } from 'node:url';

const page_path = process.argv[2];
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'}: browser: ${what}`);
  if (!ok) failures++;
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, deviceScaleFactor: 1 });
const page = await context.newPage();
const failed = [], errors = [], requests = [];
page.on('requestfailed', r => failed.push(r.url().slice(0, 80)));
page.on('request', r => requests.push(r.url().slice(0, 40)));
page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
page.on('pageerror', e => errors.push(String(e)));
await page.goto(pathToFileURL(page_path).href, { waitUntil: 'load' });

const external = requests.filter(u => !u.startsWith('file:') && !u.startsWith('data:'));
check(failed.length === 0, `no failed requests (${failed.join(', ') || 'none'})`);
check(external.length === 0, `no requests beyond the file itself (${external.join(', ') || 'none'})`);
const decoded = await page.evaluate(async () => {
  const imgs = Array.from(document.querySelectorAll('img'));
  const ok = await Promise.all(imgs.map(i => i.decode().then(() => i.naturalWidth > 0, () => false)));
  return { n: imgs.length, ok: ok.filter(Boolean).length };
});
check(decoded.n >= 2 && decoded.ok === decoded.n, `images decode (${decoded.ok} of ${decoded.n})`);

const stage = await page.locator('#stage').boundingBox();
const focus = (await page.locator('#stage').getAttribute('data-focus')).split(',').map(Number);
const fx = stage.x + focus[0] * stage.width, fy = stage.y + focus[1] * stage.height;
const value = async () => Number(await page.locator('#divider').getAttribute('aria-valuenow'));
// The mean of a 9 x 9 box of the screen at the treated point.
async function probe() {
  const png = PNG.sync.read(await page.screenshot({ clip: { x: Math.round(fx) - 4, y: Math.round(fy) - 4,
    width: 9, height: 9 } }));
  let sum = 0;
  for (let i = 0; i < png.data.length; i += 4) sum += (png.data[i] + png.data[i + 1] + png.data[i + 2]) / 3;
  return sum / (png.data.length / 4);
}
async function drag(toX) {
  const d = await page.locator('#divider').boundingBox();
  await page.mouse.move(d.x + d.width / 2, fy);
  await page.mouse.down();
  await page.mouse.move((d.x + d.width / 2 + toX) / 2, fy, { steps: 4 });
  await page.mouse.move(toX, fy, { steps: 4 });
  await page.mouse.up();
}

check(await value() === 50, 'the divider starts in the middle');
await drag(fx + 0.2 * stage.width); // the treated point left of the divider: before shows
const v_before = await value(), before = await probe();
await drag(fx - 0.2 * stage.width); // now right of it: after shows
const v_after = await value(), after = await probe();
check(Math.abs(v_before - v_after - 40) <= 2, `dragging moves the divider (${v_before} -> ${v_after})`);
check(before - after > 8, `the point shows before, then after (mean ${before.toFixed(1)} -> ${after.toFixed(1)})`);
await page.locator('#divider').focus();
for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight'); // 20 x 2 %
const v_keys = await value(), back = await probe();
check(v_keys - v_after === 40, `arrow keys move the divider (${v_after} -> ${v_keys})`);
check(Math.abs(back - before) < 2, `and the point shows before again (mean ${back.toFixed(1)})`);
await page.keyboard.press('Shift+ArrowLeft');
check(await value() === v_keys - 10, 'shift+arrow moves 10 %');

const sessions = await page.locator('[data-show]').count();
if (sessions > 1) {
  await drag(fx - 0.2 * stage.width);
  await page.locator('[data-show]').first().click();
  const first = await probe();
  check(first > after + 2 && (await page.locator('#label-after').textContent()) === 'Session 1',
        `the session selector shows session 1 (mean ${first.toFixed(1)} vs ${after.toFixed(1)})`);
}
check(errors.length === 0, `no console errors (${errors.join('; ') || 'none'})`);
await browser.close();
process.exit(failures ? 1 : 0);
