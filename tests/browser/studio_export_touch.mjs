// SPDX-License-Identifier: BSD-2-Clause
// The studio page in a real browser, beyond the tablet flow of
// studio_page.mjs: the after image at full size made in the export worker
// while the page answers (and what the native command makes from the
// exported settings), a big photo's limits (by the page's test hooks), at
// a phone's size (the panel scrolls, every control 44 px or more, a pinch
// zooms the view), and a finger only (touch events at phone and tablet
// sizes): a stroke paints, a slider follows the drag, two fingers zoom the
// view and not the page, a double tap fits. No request beyond the file, no
// console error (studio_lib.mjs). Screenshots go to SHOTS; the export's
// longest frame gap is printed, never asserted.
// Usage: node studio_export_touch.mjs STUDIO.html PHOTO MASK SMPSIM IMGTOOL SHOTS
import { PNG } from 'pngjs';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { photo, mask, smpsim, imgtool, tmp, check, open, goto, finish, renders, settle, shot, zoomOf, loupeShows,
  usable, toneSize, withFrames } from './studio_lib.mjs';

// ---------------------------------------------------------------- export
// The after image at full size, made off the page's thread: the sample
// opened at a working size of 480 px (studio.html?work=480), so the export
// renders its 960x720 in the export worker. While it runs the divider still
// answers the keys; the download is the photo's size and is what the native
// command makes from the mask and settings; then the loupe shows the
// full-size after image at 100 %. The longest frame gap is printed.
{
  const ep = await open({ width: 1024, height: 768 }, 'export', '?work=480');
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
  // Whether the export still ran is read when the page took the key: an
  // export that ended first (a loaded machine can put that long between
  // the test's steps; seen once) is made again, up to three times.
  let during, d, before;
  for (let attempt = 0; attempt < 3 && !(during && during.exporting); attempt++) {
    const dl = ep.waitForEvent('download', { timeout: 300000 });
    await ep.click('#save-after');
    await ep.waitForFunction(() => document.body.dataset.exporting === '1');
    before = await ep.evaluate(() => {
      const dv = document.getElementById('divider');
      window.__keyDuring = null;
      dv.addEventListener('keydown', () => { window.__keyDuring = document.body.dataset.exporting === '1'; }, { once: true });
      return Number(dv.getAttribute('aria-valuenow'));
    });
    await ep.locator('#divider').focus();
    await ep.keyboard.press('ArrowLeft');
    during = Object.assign(await ep.evaluate(() => ({ at: Number(document.getElementById('divider').getAttribute('aria-valuenow')),
      exporting: window.__keyDuring })), { attempts: attempt + 1 });
    d = await dl;
  }
  check(during.at === before - 2 && during.exporting,
    `the divider answers the keys while the export runs (${before} -> ${JSON.stringify(during)})`);
  const full_png = join(tmp, 'export-full.png');
  await d.saveAs(full_png);
  const gapMs = await ep.evaluate(() => { window.__probe = false; return window.__gap; });
  const settings_json2 = join(tmp, 'export-settings.json'), mask_png2 = join(tmp, 'export-mask.png');
  for (const [b, f] of [['#save-settings', settings_json2], ['#save-mask', mask_png2]]) {
    const [x] = await withFrames(ep, () => Promise.all([ep.waitForEvent('download'), ep.click(b)]));
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
  await shot(ep, 'tablet-11-loupe-full');
  // Another look: the loupe goes back to the working size, and its "Full
  // size" makes the full-size image for it alone.
  const k = await renders(ep);
  await ep.selectOption('#session', '1');
  await settle(ep, k + 1);
  const back = await loupeShows(ep);
  const offered = await ep.locator('#loupe-full').isVisible();
  await shot(ep, 'tablet-12-loupe-working');
  await ep.click('#loupe-full');
  await ep.waitForFunction(() => window.smpStudio.st.loupeSource === 'full' && !document.body.dataset.exporting, null,
    { timeout: 300000 });
  const again = await loupeShows(ep);
  check(back.source === 'working' && offered && again.source === 'full' && again.differ === 0 && !await ep.locator('#loupe-full').isVisible(),
    `a changed look shows the working size in the loupe ("${back.label}"); its Full size button brings the full size back ("${again.label}")`);
  await ep.context().close();
}
// Big photos, by the page's test hooks that lower its limits (a real one
// would take minutes here): over the engine's limit the photo is refused
// with a message; over the export's, the after image is saved at the
// largest size within it, and the message says so.
{
  const bp = await open({ width: 1024, height: 768 }, 'big', '?max-mp=0.5');
  await bp.setInputFiles('#open', photo);
  await bp.waitForFunction(() => /MP this page takes/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
  const refused = await bp.evaluate(() => ({ w: window.smpStudio.st.w, state: document.body.dataset.state,
    status: document.getElementById('status').textContent }));
  check(refused.w === 0 && refused.state === 'empty', `a photo over the engine's pixel limit is refused on opening ("${refused.status}")`);
  await goto(bp, '?work=240&export-mp=0.3');
  await bp.setInputFiles('#open', photo);
  await settle(bp, 1);
  const [bd] = await Promise.all([bp.waitForEvent('download', { timeout: 300000 }), bp.click('#save-after')]);
  const big_png = join(tmp, 'export-big.png');
  await bd.saveAs(big_png);
  const bi = PNG.sync.read(readFileSync(big_png)), bmsg = await bp.locator('#status').textContent();
  check(bi.width * bi.height <= 0.3e6 && bi.width * bi.height > 0.28e6 && Math.abs(bi.width / bi.height - 4 / 3) < 0.01 &&
    bmsg.includes(`saved at ${bi.width}×${bi.height}`), `over the export's limit the after image is saved within it, ` +
    `${bi.width}x${bi.height} ("${bmsg}")`);
  // The message says what to do in a browser, in plain words: save the
  // mask and the settings (the buttons by their names) for a full-size one
  // made on a computer; the command itself only in its tooltip (it said
  // "smpsim render makes it at full size from the mask and settings").
  const btip = await bp.locator('#status').getAttribute('title');
  check(/more than this page makes/.test(bmsg) && /save the Mask PNG and the Settings/.test(bmsg) && !/smpsim render|--/.test(bmsg) &&
    /smpsim render PHOTO \S+-mask\.png --settings \S+-settings\.json/.test(btip || ''),
    `the big photo's message says what to do without naming a command ("${bmsg}"; tooltip "${btip}")`);
  // A photo larger than the working size is decoded straight to it, EXIF orientation kept.
  const rot = join(tmp, 'exif6-big.jpg');
  execFileSync(imgtool, ['exif-jpeg', '300', '200', '6', rot]);
  const kr = await renders(bp);
  await bp.setInputFiles('#open', rot);
  await settle(bp, kr + 1);
  const rd = await bp.evaluate(() => { const st = window.smpStudio.st; return `${st.fullW}x${st.fullH} at ${st.w}x${st.h}`; });
  check(rd === '200x300 at 160x240', `EXIF orientation 6 on a photo over the working size: a 300x200 JPEG opens as ${rd}`);
  await bp.context().close();
}

// ---------------------------------------------------------------- phone
const phone = await open({ width: 390, height: 844 }, 'phone');
await phone.setInputFiles('#open', photo);
await phone.waitForFunction(() => document.body.dataset.state === 'idle', null, { timeout: 120000 });
await shot(phone, 'phone-1-open');
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
await shot(phone, 'phone-2-panel');
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
  await shot(phone, 'phone-3-pinched');
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
  // A tool by a tap on its button, once more if the tap missed it: the
  // status line above the view can wrap to another line between finding
  // the button and the tap (a redraw's timings), moving the panel under the
  // finger (once, in a clean clone's full suite: the view tool's tap missed,
  // and the double taps below painted with the brush). Says how many taps.
  const pickTool = async (t) => {
    for (let k = 1; k <= 3; k++) {
      await tap(...(await centre(`button[data-tool=${t}]`)).slice(0, 2));
      if (await p.evaluate(() => window.smpStudio.st.tool) === t) return k;
    }
    return 0;
  };
  if (await zoomOf(p) > 1) await tap(...(await centre('#zoom-fit')).slice(0, 2));
  // The brush, by a tap; a finger's stroke across the photo's top.
  const brushTaps = await pickTool('brush');
  const tool = await p.evaluate(() => window.smpStudio.st.tool);
  let [, , vb] = await centre('#view');
  const m0 = await p.evaluate(() => window.smpStudio.maskSum()), k = await renders(p);
  await drag(vb.x + vb.width * 0.25, vb.y + vb.height * 0.08, vb.x + vb.width * 0.75, vb.y + vb.height * 0.1, 10);
  await settle(p, k + 1);
  const m1 = await p.evaluate(() => window.smpStudio.maskSum());
  check(tool === 'brush' && m1 > m0, `${name}: a tap picks the brush (${brushTaps} tap(s)) and a finger's stroke paints ` +
    `the mask (${m0} -> ${m1})`);
  await shot(p, `${name}-touch-1-stroke`);
  const viewToolTaps = await pickTool('view');
  check(viewToolTaps > 0, `${name}: a tap picks the view tool again (${viewToolTaps} tap(s))`);
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
  // Two taps the page saw more than 400 ms apart (or a tap held over
  // 300 ms: a loaded machine can put that between the test's events) are
  // not a double tap: then the pair is tried again, up to three times. So
  // is a pair in time that did not fit (once, under a clean clone's full
  // suite: held 6/44 ms, 192 ms apart, not reproduced under two busy
  // loops): a broken double tap fails all three, each printed.
  // Chromium also makes the two taps a dblclick, which the page's mouse
  // path fits on too: held back here (before it reaches the view), so the
  // check is of the touch path (doubleTap), which browsers without that
  // dblclick have alone.
  await p.evaluate(() => {
    window.viewTaps = [];
    document.getElementById('view').addEventListener('pointerdown', e => window.viewTaps.push(['down', e.timeStamp]));
    document.getElementById('view').addEventListener('pointerup', e => window.viewTaps.push(['up', e.timeStamp]));
    window.addEventListener('dblclick', e => e.stopPropagation(), true);
  });
  let z2 = z, gaps = [];
  for (let attempt = 0; attempt < 3 && z2 !== 1; attempt++) {
    if (attempt) await p.waitForTimeout(450); // the last pair's taps past the page's 400 ms
    await p.evaluate(() => { window.viewTaps = []; });
    await tap(vb.x + vb.width * 0.3, vb.y + vb.height / 2);
    await p.waitForTimeout(60);
    await tap(vb.x + vb.width * 0.3, vb.y + vb.height / 2);
    z2 = await zoomOf(p);
    const t = await p.evaluate(() => window.viewTaps.map(([, ts]) => ts));
    gaps.push(t.length === 4 ? `held ${(t[1] - t[0]).toFixed(0)}/${(t[3] - t[2]).toFixed(0)} ms, ${(t[3] - t[1]).toFixed(0)} ms apart` : `${t.length} events`);
  }
  check(z2 === 1, `${name}: a double tap fits the photo again (×${z.toFixed(2)} -> ×${z2.toFixed(2)}; ${gaps.join('; ')})`);
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
  // it let go. A rest of HOLD_MS (250 ms) between two moves, or after the
  // last before the count, asks for one, and a loaded machine can put one
  // there: so at most one per such rest, timed by the slider's own input
  // events in the page.
  // Last in the flow: its finger rests on the slider for a second.
  const [, sy2, sb2] = await centre('#density');
  const sx2 = v => sb2.x + 8 + (sb2.width - 16) * (v - sv[1]) / (sv[2] - sv[1]);
  const counts = () => p.evaluate(() => ({ asked: window.smpStudio.st.requests, tones: window.smpStudio.st.toneShown,
    v: Number(document.getElementById('density').value), chosen: window.smpStudio.st.chosen,
    rests: (window.densityInputs || []).concat([performance.now()]).slice(1)
      .filter((t, i) => t - window.densityInputs[i] >= 250).length }));
  await p.evaluate(() => {
    window.densityInputs = [];
    document.getElementById('density').addEventListener('input', () => window.densityInputs.push(performance.now()));
  });
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
  check(c1.tones > c0.tones && c1.asked - c0.asked <= c1.rests && c2.asked - c1.asked <= 1 && c2.v > c0.v &&
    Math.round(c2.chosen.density) === c2.v,
    `${name}: a slow drag of the density slider shows the tone preview (${c1.tones - c0.tones} drawn) and asks for ` +
    `${c1.asked - c0.asked} exact images while it moves (10 moves, ${c1.rests} rests of 250 ms or more between them or after the last), ` +
    `${c2.asked - c1.asked} when let go, drawn at ` +
    `${Math.round(c2.chosen.density)} dots/cm² (the slider at ${c2.v})`);
}
await touchFlow(phone, 'phone');
{
  const tp = await open({ width: 1024, height: 768 }, 'tablet-touch', '', { deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await tp.setInputFiles('#open', photo);
  await tp.waitForFunction(() => document.body.dataset.state === 'idle' && Number(document.body.dataset.renders) >= 1, null, { timeout: 120000 });
  await touchFlow(tp, 'tablet');
  await tp.context().close();
}
await finish();
