// SPDX-License-Identifier: BSD-2-Clause
// The studio page in a real browser (Debian's Chromium through
// playwright-core), used at a tablet's size as a consultant would: open
// the sample (the divider answers while its mask is suggested in a worker)
// and its mask, paint, undo and redo, move the density (the tone preview at
// once, then the exact image; positions made ready while idle; two workers
// draw what one does), draw a hairline, set the scale, switch sessions,
// move the divider, zoom (wheel, ctrl+wheel) with the loupe at 100 %,
// export: the files decode and the settings make the same after image
// through the native command. Every control 44 px or more. No request
// beyond the file, no console error (studio_lib.mjs). Screenshots go to
// SHOTS; the redraw timings are printed, never asserted. The full-size
// export, big photos, the phone and touch: studio_export_touch.mjs.
// Usage: node studio_page.mjs STUDIO.html PHOTO MASK SMPSIM IMGTOOL SHOTS
import { PNG } from 'pngjs';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { photo, mask, smpsim, imgtool, tmp, check, open, finish, renders, settle, shot, coreMean, screen, zoomOf,
  loupeShows, usable, toneSize, withFrames } from './studio_lib.mjs';

// ---------------------------------------------------------------- tablet
const page = await open({ width: 1024, height: 768 }, 'tablet');
await shot(page, 'tablet-0-empty');
// The mask is suggested in a worker while the page answers: an arrow key
// on the divider is handled while the view still says "suggesting the
// mask…" (what the page was doing when the key came is recorded by the
// key's own handler). A photo opened while the one before is still being
// suggested does not wait behind it: the busy mask worker is replaced, and
// the new photo gets its own suggestion and after image. (One opening
// tries both; when the suggestion wins a race (a fast machine), the photo
// is opened again, up to three times.)
await page.evaluate(() => document.getElementById('divider').addEventListener('keydown', () => {
  window.__keyWhile = document.body.dataset.suggest;
}));
let during = null, replaced = null, tries = 0;
while (tries++ < 3 && !(during && during.keyWhile === 'running' && replaced && replaced.by > 0)) {
  const before = await page.evaluate(() => window.smpStudio.st.replaced);
  await page.setInputFiles('#open', photo);
  // The suggestion running (the decode before it takes an ask of its own), or already done.
  await page.waitForFunction(() => document.body.dataset.suggest === 'running' ||
    (document.body.dataset.state === 'idle' && document.body.dataset.suggest === 'done'), null, { timeout: 120000 });
  await page.locator('#divider').focus();
  await page.keyboard.press('ArrowLeft');
  const key = await page.evaluate(() => ({ keyWhile: window.__keyWhile, at: document.getElementById('divider').getAttribute('aria-valuenow'),
    tag: !document.getElementById('suggesting').hidden }));
  if (!(during && during.keyWhile === 'running')) during = key;
  const running = await page.evaluate(() => document.body.dataset.suggest === 'running');
  const r0 = await renders(page);
  await page.setInputFiles('#open', photo);
  await page.waitForFunction(r => document.body.dataset.state === 'idle' && document.body.dataset.suggest === 'done' &&
    Number(document.body.dataset.renders || 0) > r, r0, { timeout: 120000 });
  const got = { running, by: await page.evaluate(b => window.smpStudio.st.replaced - b, before),
    mask: await page.evaluate(() => window.smpStudio.maskSum()) };
  if (!running) got.by = -1; // the suggestion won the race: no test of it, try again
  if (!(replaced && replaced.by > 0)) replaced = got;
  await page.locator('#divider').focus();
  await page.keyboard.press('ArrowRight'); // back to the middle, where the checks below expect it
}
check(during.keyWhile === 'running' && during.at === '48',
  `the divider answers a key while the mask is being suggested (${JSON.stringify(during)}, opening ${tries - 1} of 3)`);
check(replaced.by > 0 && replaced.mask > 0,
  `a photo opened during a suggestion replaces the busy worker and gets its own mask and after image (${JSON.stringify(replaced)})`);
await settle(page, 1);
check((await page.evaluate(() => window.smpStudio.st.w)) > 0 && await page.evaluate(() => document.body.dataset.suggest) === 'done' &&
  await page.evaluate(() => window.smpStudio.maskSum()) > 0, 'the sample opens, its suggested mask shows, and it renders');
// The redraws run in Web Workers (from blob: URLs, allowed by the page's
// CSP from file://); the tone preview's basis comes with the first one, at
// the view's displayed size when that is well under the working size.
const workers = await toneSize(page);
check(workers.on, 'the redraws run in Web Workers');
// (the working size when the view shows the photo near it, as the sample's 960x720 on a tablet)
check(workers.photo && workers.tone === (workers.reduced ? `${workers.reduced.w}x${workers.reduced.h}` : workers.work),
  `the tone preview's basis comes at the view's size, or the working size when that is near it (${workers.tone})`);
// What the status line says where a consultant and a client read it
// (checked in plain words with the sessions below).
const statuses = [];
const statusNow = async what => statuses.push([what, await page.locator('#status').textContent()]);
await statusNow('photo opened');
// A client's first look is the after image itself, not the mask's tint:
// the view's pixel on a treated spot right of the divider is the after
// image's (the mask shows while a mask tool is in use: the brush below).
const firstLook = await page.evaluate(() => {
  const s = window.smpStudio, st = s.st, m = s.mask(), v = document.getElementById('view');
  const x0 = Math.ceil(st.w * st.split) + 2;
  let at = -1;
  for (let i = 0; i < m.length && at < 0; i++) if (m[i] === 255 && i % st.w > x0) at = i;
  const px = c => Array.from(c.getContext('2d').getImageData(at % st.w, Math.floor(at / st.w), 1, 1).data).join();
  return { overlay: document.getElementById('overlay').checked, at, view: px(v), after: px(s.after) };
});
check(!firstLook.overlay && firstLook.at >= 0 && firstLook.view === firstLook.after,
  `the first look at an opened photo is the after image, no mask tint over it (${JSON.stringify(firstLook)})`);
await shot(page, 'tablet-1-open');
// (The renders are counted from the page's start: the openings above made several.)
const r_mask = await renders(page);
await page.setInputFiles('#open-mask', mask);
await settle(page, r_mask + 1);
const sum0 = await page.evaluate(() => window.smpStudio.maskSum());
check(sum0 > 0, 'the mask file loads');
// The mask opened shows its tint (in the view tool the tint was off, so a
// consultant saw no sign of the mask just loaded), until the next tool.
check(await page.isChecked('#overlay'), 'an opened mask file shows its tint');
// The page keeps the mask's hash between its edits (maskHash): after each
// edit below, the one kept must be the mask's as it is now.
const staleHash = [];
const hashFollows = async what => {
  const [kept, now] = await page.evaluate(() => window.smpStudio.maskHashes());
  if (kept !== now) staleHash.push(what);
};
await hashFollows('mask file');
await shot(page, 'tablet-2-mask');

// A stroke with the brush across the top left (hair, outside the mask).
// (The tools by their buttons: the body carries the tool in use as
// data-tool too, and a click on it lands mid-view, on the divider's path.)
await page.click('button[data-tool=brush]');
const brushOverlay = await page.isChecked('#overlay');
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
await hashFollows('stroke');
await shot(page, 'tablet-3-brush');
// Undo takes the stroke back, redo puts it again.
n = await renders(page);
await page.click('#undo');
await settle(page, n + 1);
check(await page.evaluate(() => window.smpStudio.maskSum()) === sum0, 'undo takes the stroke back');
await hashFollows('undo');
n = await renders(page);
await page.click('#redo');
await settle(page, n + 1);
check(await page.evaluate(() => window.smpStudio.maskSum()) === painted.sum, 'redo puts it again');
await hashFollows('redo');
// Ctrl+Z and Ctrl+Shift+Z undo and redo with a slider focused (the
// brush size set, then the stroke taken back: they did nothing there),
// but not in a text field, where they are the field's own undo.
{
  const keyed = [];
  for (const [id, keys] of [['brush', 'Control+z'], ['density', 'Control+Shift+z']]) {
    const k = await renders(page), was = await page.evaluate(() => window.smpStudio.maskSum());
    await page.locator(`#${id}`).focus();
    await page.keyboard.press(keys);
    keyed.push(await page.evaluate(() => window.smpStudio.maskSum()));
    if (keyed.at(-1) !== was) await settle(page, k + 1); // (an undo's redraw; none when the key did nothing)
  }
  await page.locator('#caption').focus();
  await page.keyboard.type('ab');
  await page.keyboard.press('Control+z');
  const inText = { mask: await page.evaluate(() => window.smpStudio.maskSum()), caption: await page.inputValue('#caption') };
  await page.fill('#caption', '');
  check(keyed[0] === sum0 && keyed[1] === painted.sum && inText.mask === painted.sum && inText.caption !== 'ab',
    `Ctrl+Z and Ctrl+Shift+Z undo and redo the mask with a slider focused, and undo the typing in a text field ` +
    `(mask ${painted.sum} -> ${keyed.join(' -> ')}; in the caption: mask ${inText.mask}, "${inText.caption}")`);
  await hashFollows('keyboard undo, redo');
}
// The same keys on a keyboard whose letters are not Latin, by the key's
// place (KeyboardEvent.code): a Russian layout's Z key gives "я" and its Y
// "н" (they did nothing); a German one's Z, where a US keyboard has Y, by
// its letter: undo. In a text field they are still the field's own (the
// page does not take them).
// (Keys as Chromium takes them from a keyboard: through DevTools.)
{
  const cdp = await page.context().newCDPSession(page);
  const press = async (key, code, vk, shift) => {
    const e = { modifiers: 2 | (shift ? 8 : 0), key, code, windowsVirtualKeyCode: vk, nativeVirtualKeyCode: vk };
    await cdp.send('Input.dispatchKeyEvent', Object.assign({ type: 'rawKeyDown' }, e));
    await cdp.send('Input.dispatchKeyEvent', Object.assign({ type: 'keyUp' }, e));
  };
  const keyed = [];
  await page.locator('#brush').focus();
  for (const [key, code, vk, shift] of [['я', 'KeyZ', 90], ['н', 'KeyY', 89], ['z', 'KeyY', 89], ['Я', 'KeyZ', 90, true]]) {
    const k = await renders(page), was = await page.evaluate(() => window.smpStudio.maskSum());
    await press(key, code, vk, shift);
    keyed.push(await page.evaluate(() => window.smpStudio.maskSum()));
    if (keyed.at(-1) !== was) await settle(page, k + 1);
  }
  // (In the caption: the key as the page left it, seen after its handler.)
  await page.evaluate(() => window.addEventListener('keydown', e => { window.__taken = e.defaultPrevented; }, { once: true }));
  await page.locator('#caption').focus();
  await press('я', 'KeyZ', 90);
  const inText = { mask: await page.evaluate(() => window.smpStudio.maskSum()), taken: await page.evaluate(() => window.__taken) };
  check(keyed.join() === [sum0, painted.sum, sum0, painted.sum].join() && inText.mask === painted.sum && inText.taken === false,
    `on a Russian layout Ctrl+я, Ctrl+н and Ctrl+Shift+Я undo and redo the mask, a German Z undoes, and in a text field ` +
    `the page leaves Ctrl+я to it (mask ${painted.sum} -> ${keyed.join(' -> ')}; in the caption: mask ${inText.mask}, ` +
    `the key taken ${inText.taken})`);
  await hashFollows('keyboard undo, redo by the key\'s place');
  await cdp.detach();
}

const BROKEN = 0, SOFT = 1, SHARP = 2; // studio.js EDGES
const covered = () => page.evaluate(() => Object.keys(window.smpStudio.st.tone.covers).map(Number).sort());
{
  await page.click('button[data-tool=view]');
  const viewOverlay = await page.isChecked('#overlay');
  check(brushOverlay && !viewOverlay, `the mask shows while the brush is in use, not in the view tool (brush ${brushOverlay}, view ${viewOverlay})`);
}
// A change's tone preview against the exact image that replaces it: the
// treated core's darkening in each (and, for an edge style e, in the band
// whose coverage that style changes), with the state shown after the change.
async function toneAgainstExact(act, e = null) {
  // The basis the preview is drawn from and the image before.
  await page.evaluate(() => {
    const s = window.smpStudio, b = s.st.tone, g = document.createElement('canvas').getContext('2d');
    g.canvas.width = b.w; g.canvas.height = b.h;
    g.drawImage(s.after, 0, 0, b.w, b.h);
    window.__before = { b, was: g.getImageData(0, 0, b.w, b.h).data };
  });
  const t0 = await page.evaluate(() => window.smpStudio.st.toneShown);
  const n = await renders(page);
  await act();
  // (Drawn in a task of its own, after the pause the last one took: tonePaced.)
  await page.waitForFunction(([t, k]) => window.smpStudio.st.toneShown > t || Number(document.body.dataset.renders) > k,
    [t0, n], { timeout: 120000 });
  const now = await page.evaluate(() => {
    const s = window.smpStudio, b = s.st.tone, c = s.toneCanvas;
    window.__pre = { b, px: c.getContext('2d').getImageData(0, 0, c.width, c.height).data };
    const last = s.timings[s.timings.length - 1];
    return { tones: s.st.toneShown, showing: s.st.showing, refining: !document.getElementById('refining').hidden,
      last: last && { reason: last.reason, seen: !!last.seen, tone: last.tone } };
  });
  await settle(page, n + 1);
  const covers = await covered(); // (as the page turns idle: the new basis's)
  const got = await page.evaluate(e => {
    const s = window.smpStudio, { b, px } = window.__pre, last = s.timings[s.timings.length - 1];
    const c = document.createElement('canvas');
    c.width = b.w; c.height = b.h;
    const g = c.getContext('2d');
    g.drawImage(s.after, 0, 0, b.w, b.h);
    const ex = g.getImageData(0, 0, b.w, b.h).data;
    const lin = v => (v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    const Y = (a, i) => 0.2126 * lin(a[i]) + 0.7152 * lin(a[i + 1]) + 0.0722 * lin(a[i + 2]);
    let p0 = 0, p1 = 0, e1 = 0;
    for (let i = 0; i < b.w * b.h; i++) if (b.cover[i] >= 250) { p0 += Y(b.photo, 4 * i); p1 += Y(px, 4 * i); e1 += Y(ex, 4 * i); }
    // Where the edge style's coverage is well above the preview's basis's
    // (up) and well below (down): the darkening there, relative to the photo's.
    const { b: b0, was } = window.__before, k = e != null && b0.covers[e], band = {};
    for (const side of ['up', 'down']) {
      const o = band[side] = { n: 0, photo: 0, preview: 0, exact: 0, was: 0 };
      if (k) for (let i = 0; i < b0.w * b0.h; i++) if ((side === 'up' ? k[i] - b0.cover[i] : b0.cover[i] - k[i]) >= 32) {
        o.n++; o.photo += Y(b0.photo, 4 * i); o.preview += Y(px, 4 * i); o.exact += Y(ex, 4 * i); o.was += Y(was, 4 * i);
      }
      for (const x of ['preview', 'exact', 'was']) o[x] = 1 - o[x] / o.photo;
    }
    return { tone: last.tone, showing: s.st.showing, refining: !document.getElementById('refining').hidden,
      preview: 1 - p1 / p0, exact: 1 - e1 / p0, band };
  }, e);
  return { t0, now, got, covers };
}

// The preview came first, the exact image replaced it, and the preview's
// core darkened about as that image's.
function toneChecks(what, t0, now, got) {
  // (The exact image may come before the test looks, on a loaded machine or a
  // fast redraw: the timing's tone, set only while the change waits for it,
  // says the preview came first; still shown, it is marked refining.)
  check(now.tones === t0 + 1 && got.tone != null && (now.showing === 'tone' ? now.refining : now.showing === 'full'),
    `${what} draws the tone preview first, marked refining while shown (showing ${now.showing}, ${now.tones - t0} drawn, ` +
    `last ${JSON.stringify(now.last)})`);
  check(got.showing === 'full' && !got.refining, `then the exact image replaces it (${what})`);
  check(got.exact > 0.005 && got.preview > 0.7 * got.exact && got.preview < 1.3 * got.exact,
    `its core darkens about as the exact image's (${what}: ${(100 * got.preview).toFixed(1)} % vs ${(100 * got.exact).toFixed(1)} %)`);
}

// At the opening's matched settings (density, dot size and shade auto), a
// dot size change leaves the density and the shade to the match, which
// keeps the core's tone (more or fewer dots), and so does a density change
// then, with the shade matched (paler dots at 150 dots/cm²). So the
// preview's core darkens about as the exact image's (taking the basis's
// values for the others, it darkened 1.5 and 3.3 times as much here:
// tone.js held). Then back to the opening's settings (drawn from memory).
await page.click('button[data-tool=view]');
for (const [what, act] of [['a dot size change with the density and shade matched', () => page.locator('#dot').fill('0.35')],
  ['a density change with the shade matched', () => page.locator('#density').fill('150')]]) {
  const r = await toneAgainstExact(act);
  toneChecks(what, r.t0, r.now, r.got);
}
for (const id of ['density-auto', 'dot-auto']) {
  n = await renders(page);
  await page.check(`#${id}`);
  await settle(page, n + 1);
}
// Drawn from memory, the opening's settings leave the density change's
// basis, which fixed the density and the dot size that are auto now: a
// change then is matched again from it (it had drawn no preview).
{
  const was = await page.evaluate(() => window.smpStudio.st.tone.settings);
  check(was.density === 150 && was.dot === 0.35, `the basis is still the density change's (${JSON.stringify(was)})`);
  const what = 'a dot size change from settings drawn again from memory';
  const r = await toneAgainstExact(() => page.locator('#dot').fill('0.25'));
  toneChecks(what, r.t0, r.now, r.got);
  n = await renders(page);
  await page.check('#dot-auto');
  await settle(page, n + 1);
}
// Auto, the sliders show what the match chose: unticked, the density
// starts from there (to its step of 5), not from where its thumb was left.
{
  const shown = () => page.evaluate(() => {
    const c = window.smpStudio.st.chosen, $ = id => document.getElementById(id);
    return { density: c.density, dot: c.dot, thumb: Number($('density').value), dotThumb: Number($('dot').value),
      label: $('density-out').textContent };
  });
  const a = await shown();
  check(Math.abs(a.thumb - a.density) <= 2.5 && Math.abs(a.dotThumb - a.dot) <= 0.005 &&
    a.label.includes(a.density.toFixed(0)), `with auto ticked the sliders show what the match chose (${JSON.stringify(a)})`);
  n = await renders(page);
  await page.uncheck('#density-auto');
  await settle(page, n + 1);
  const b = await shown();
  check(Math.abs(b.density - a.density) <= 2.5, `unticked, the density starts from the match's (${a.density} -> ${b.density})`);
  n = await renders(page);
  await page.check('#density-auto');
  await settle(page, n + 1);
}

// Density, with the dot and the shade fixed (auto ones would keep the
// tone): 60, then 180 dots/cm². The treated core darkens.
await page.click('button[data-tool=view]');
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
// In plain words: the client reads the view too. No lightness (L*),
// colour difference (CIEDE2000, ΔE) or blur figures, nor the engine's
// "reference", "core" or "ramp" over the view; the engine's own words, with
// the figures, folded in the panel ("The engine's notes, with figures"). (It showed
// "(L* 73.4; at most 75.2 with ...): ...; residual CIEDE2000 3.1".)
const jargon = /L\*|CIEDE|ΔE|residual|\bblur\b|\breference\b|\bcore\b|\bramp\b/;
const plainly = t => t.split('\n').every(l => !jargon.test(l) && /^[A-Z].*\.$/.test(l));
{
  const figures = await page.evaluate(() => {
    const d = document.getElementById('figures');
    return d && { hidden: d.hidden, open: d.open, text: document.getElementById('figures-text').textContent };
  });
  check(plainly(noted) && figures && !figures.hidden && !figures.open && /darker than SMP reaches \(L\* [\d.]+/.test(figures.text),
    `the note over the view is in plain words ("${noted}"), the engine's own with its figures folded in the panel ` +
    `(${JSON.stringify(figures)})`);
  // Every note the library can give (its format strings in src/, figures
  // filled in), as the page words it.
  const forms = [];
  for (const dir of ['src/base', 'src/io', 'src/pipeline', 'src/present'])
    for (const f of readdirSync(dir).filter(x => x.endsWith('.c'))) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const m of text.matchAll(/(?:smp__note\([^,]+,|snprintf\([\w.>-]*note, sizeof [^,]+,)((?:\s*"(?:[^"\\]|\\.)*")+)/g)) {
        const fmt = [...m[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(x => x[1]).join('');
        if (fmt !== '%s')
          forms.push(fmt.replace(/%%/g, '%').replace(/%\.1f/g, '72.5').replace(/%\.0f/g, '120').replace(/%\.2f/g, '0.28')
            .replace(/%(\.3)?g/g, '8').replace(/%u/g, '960'));
      }
    }
  const worded = await page.evaluate(fs => window.smpStudio.plainNote ? fs.map(window.smpStudio.plainNote) : [], forms);
  const unplain = forms.filter((f, i) => !worded[i] || !plainly(worded[i]));
  check(forms.length >= 12 && worded.length === forms.length && !unplain.length,
    `every note the library gives (${forms.length} forms in src/) is worded plainly on the page ` +
    `(not: ${unplain.map((f, i) => `"${f}" -> "${worded[forms.indexOf(f)]}"`).join('; ') || 'none'})`);
}
// The shade matched again from there: the match, which took the most ink
// for the lightest shade, now meets the stubble's tone, as it did at the
// opening (the preview kept the lightest shade's look: tone.js held).
// (Another regularity first: the matched state is not one drawn before.)
{
  await setRange('regularity', 0.5);
  const r = await toneAgainstExact(() => page.check('#dilution-auto'));
  toneChecks('the shade matched again after the lightest', r.t0, r.now, r.got);
  await setRange('regularity', 0.6);
}
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
check(plainly(unnoted) && /darker than the hair around it/.test(unnoted), `that run's own note is in plain words too ("${unnoted}")`);
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
await statusNow('density changed');
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
// The render is split between the redraw worker and a render-only one
// (checked below against a page with one worker, ?bands=0): that page is
// opened now, with the mask as painted above (through its export), and
// brought to these settings while the redraw worker here makes positions
// ready (below).
const paintedMask = await save('#save-mask');
const oneReady = (async () => {
  const one = await open({ width: 1024, height: 768 }, 'one-worker', '?bands=0&simd=0');
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
  return one;
})();
// While the consultant looks, the redraw worker makes the sliders' other
// positions ready (their dots sampled into the engine's memo), nearest
// first: once it has made those below ready (st.warm.done; all of them
// took it 25-35 s more here), a density change takes its dots from the memo
// (the worker's reused flags: SMP_REUSED_POINTS, 8), and 180 made so (four
// other positions first, one and two steps either side, so that it is not
// drawn from the page's memory) is the image made cold before, to the byte.
const madeReady = changes => page.waitForFunction(cs => {
  const s = window.smpStudio, W = s.st.warm, now = s.settings();
  return document.body.dataset.state === 'idle' && W && cs.every(c => W.done.has(JSON.stringify(Object.assign({}, now, c))));
}, changes, { timeout: 300000 });
await madeReady([185, 175, 190, 170].map(density => ({ density })));
const warmed = await page.evaluate(() => { const w = window.smpStudio.st.warm; return { made: w.made, jobs: w.jobs, held: w.held }; });
const warmReused = [];
for (const v of [185, 175, 190, 170, 180]) {
  await setRange('density', v);
  warmReused.push(await page.evaluate(() => { const t = window.smpStudio.timings.at(-1); return t.seen ? 'seen' : t.reused; }));
}
check(warmed.jobs > 0 && warmReused.every(r => typeof r === 'number' && (r & 8)) && !(darkReused & 8),
  `after the positions are made ready (${JSON.stringify(warmed)}), density changes take their dots from the memo ` +
  `(reused ${warmReused.join(', ')}; the cold one ${darkReused})`);
check(await afterHash() === dark_hash, 'a density change served from the memo draws the image made cold, to the byte');
// The regularity one step either side and the other edge styles are made
// ready too (the engine keeps three edge shapings' dots side by side): a
// regularity change one step out, and (back at the regularity made ready
// around, drawn from the page's memory) an edge style change take their dots from the memo.
await madeReady([{ regularity: 0.61 }, { edge: SOFT }]);
const lookReused = [];
for (const [id, v] of [['regularity', '0.61'], ['regularity', '0.6'], ['edge', 'soft'], ['edge', 'broken']]) {
  const k = await renders(page);
  if (id === 'edge') await page.selectOption('#edge', v);
  else await page.locator(`#${id}`).fill(v);
  await settle(page, k + 1);
  lookReused.push(await page.evaluate(() => { const t = window.smpStudio.timings.at(-1); return t.seen ? 'seen' : t.reused; }));
}
check(lookReused[0] & 8 && lookReused[1] === 'seen' && lookReused[2] & 8 && lookReused[3] === 'seen',
  `a regularity change one step out and an edge style change take their dots from the memo (reused ${lookReused.join(', ')})`);

// The render is split between the redraw worker and a render-only one
// (each draws its bands, the page joins the rows): the image is the one
// worker's to the byte, the same page with ?bands=0 at the same settings;
// that page runs the engine without WebAssembly SIMD too (?simd=0), this one
// the engine with it: the same bytes.
// The redraw worker's share moves after each split render (tuneShare:
// toward where the two parts come together), within its bounds: the images
// above were drawn at shares other than the first, to the same bytes.
// When the render-only worker dies unseen, the redraw worker draws its rows
// (after a wait), to the same bytes, and splits no more.
const bandsSeen = await page.evaluate(() => ({ split: window.smpStudio.st.bandsSplit, here: window.smpStudio.st.bandsHere,
  shares: window.smpStudio.st.shares.slice() }));
const one = await oneReady;
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
check(bandsSeen.shares.length === bandsSeen.split && bandsSeen.shares.every(x => x >= 0.2 && x <= 0.8) &&
  bandsSeen.shares.some(x => x !== 0.45), `the render's share moves with each split render, within 0.2-0.8 (${bandsSeen.shares.join(', ')})`);
check(simds[0] === true && simds[1] === false,
  `the engine with WebAssembly SIMD draws the image the one without draws (SIMD: ${simds.join(', ')})`);
await page.evaluate(() => window.smpStudio.st.workers.bands.w.terminate());
// (The one-worker page's at the same time: this one waits 3 s for the rows.)
await Promise.all([setRange('density', 165), (async () => {
  const k = await renders(one);
  await one.locator('#density').fill('165');
  await settle(one, k + 1);
})()]);
const lone = await page.evaluate(() => ({ here: window.smpStudio.st.bandsHere, failed: window.smpStudio.st.bandsFailed,
  bands: !!window.smpStudio.st.workers.bands }));
const loneHash = await afterHash();
check(lone.here === 1 && !lone.bands && loneHash === await oneHash(one),
  `the render-only worker gone, the redraw worker draws its rows: the same image (${JSON.stringify(lone)})`);
await one.context().close();
await setRange('density', 180); // back: the exports below expect it

// The hairline: three taps across the upper third, applied.
await page.click('button[data-tool=hairline]');
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
await hashFollows('hairline');
await page.check('#overlay');
await shot(page, 'tablet-6-hairline');
n = await renders(page);
await page.click('#undo');
await settle(page, n + 1);
check(await page.evaluate(() => window.smpStudio.maskSum()) === before_hl, 'undo takes the hairline back');
await hashFollows('hairline undone');
check(!staleHash.length, `the mask's hash kept follows every edit (file, stroke, undo, redo, hairline, undo; stale after: ${staleHash.join(', ') || 'none'})`);
await page.uncheck('#overlay');

// The measure: two taps 200 working px apart said to be 25 mm: 8 px/mm.
await page.click('button[data-tool=measure]');
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
const chosenNow = () => page.evaluate(() => ({ c: window.smpStudio.st.chosen, text: document.getElementById('chosen').textContent }));
const chosen3 = await chosenNow();
n = await renders(page);
await page.selectOption('#session', '1');
await settle(page, n + 1);
await statusNow('session 1 shown');
const first = await coreMean(page);
check(first > all3 + 1, `session 1 of 3 shows lighter than all three (mean ${first.toFixed(1)} vs ${all3.toFixed(1)})`);
// The dots counted are the session shown's: session 1 of 3 (30 % of the
// density) about 30 % of all three's, and the line says which it is (it
// gave all three's count under "After session 1").
const chosen1 = await chosenNow();
{
  const share = chosen1.c.shown / chosen3.c.dots, fmt = x => Number(x).toLocaleString('en-US');
  check(chosen3.c.shown === chosen3.c.dots && share > 0.2 && share < 0.4 && chosen1.c.dots === chosen3.c.dots &&
    /session 1 of 3/.test(chosen1.text) && chosen1.text.includes(`${fmt(chosen1.c.shown)} dots`) &&
    chosen3.text.includes(`${fmt(chosen3.c.dots)} dots`),
    `the dots counted are the session shown's (all 3: "${chosen3.text}"; session 1: "${chosen1.text}")`);
  // So does the preview JPEG's caption: it gave all three's density under
  // "After session 1".
  const cap1 = (await page.evaluate(() => window.smpStudio.captionParts())).join(' · ');
  const d1 = (chosen1.c.density * 0.3).toFixed(0), d3 = chosen1.c.density.toFixed(0);
  check(cap1.includes(`${d1} dots/cm² after session 1 of 3 (${d3} after all)`) && !/3 sessions/.test(cap1),
    `the preview's caption gives session 1's density ("${cap1}")`);
}
// The status line in plain words for the consultant and the client: no
// pixel sizes, milliseconds or the page's reasons in parentheses; times in
// seconds.
{
  const dev = /\d\s*×\s*\d|\d\s*ms\b|redrawn|render|tone preview|\((photo|density|dot|shade|sessions?|age|edge|regularity|seed|mask|undo|scale|hairline)\)/i;
  check(statuses.every(([, t]) => t && !dev.test(t) && t.length <= 70) && statuses.some(([, t]) => /\d\.\d s\b/.test(t)),
    `the status line speaks plainly, with units (${statuses.map(([w, t]) => `${w}: "${t}"`).join('; ')})`);
}
await shot(page, 'tablet-8-session1');

// The divider, by the keys.
await page.click('button[data-tool=view]');
await page.locator('#divider').focus();
for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
check(await page.locator('#divider').getAttribute('aria-valuenow') === '40', 'the arrow keys move the divider');
await page.keyboard.press('Shift+ArrowRight');
check(await page.locator('#divider').getAttribute('aria-valuenow') === '50', 'shift+arrow moves it 10 %');
// The Before and After tags name what shows: at 0 % (all after) no
// "Before", at 100 % (all before) no "After"; both in between.
{
  const tags = async () => [await page.isVisible('#tag-before'), await page.isVisible('#tag-after')].join();
  const at = { 50: await tags() };
  await page.keyboard.press('Home');
  at[0] = await tags();
  await page.keyboard.press('End');
  at[100] = await tags();
  await page.keyboard.press('Home');
  for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
  check(at[50] === 'true,true' && at[0] === 'false,true' && at[100] === 'true,false',
    `the tags show only the sides in view (Before, After at 50 %: ${at[50]}; 0 %: ${at[0]}; 100 %: ${at[100]})`);
}

// Zoom: the wheel at a point keeps that point under the pointer; a
// trackpad's pinch (the wheel with ctrl) zooms further; the loupe shows the
// after image at 100 %; the divider still works; a drag pans; Fit goes back,
// and so does a double click.
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
  // A double click fits too.
  await page.mouse.move(px, py);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction(() => window.smpStudio.st.z > 1);
  const z3 = await zoomOf(page);
  await page.mouse.dblclick(px, py);
  const z4 = await zoomOf(page);
  check(z4 === 1, `a double click fits the photo again (×${z3.toFixed(2)} -> ×${z4.toFixed(2)})`);
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
  const [d] = await withFrames(page, () => Promise.all([page.waitForEvent('download'), page.click(button)]));
  const path = join(tmp, d.suggestedFilename());
  await d.saveAs(path);
  return path;
}
// The mask and the settings are saved while a redraw is on its way (they
// are the controls', not the image's; they were refused until it came).
{
  await page.evaluate(() => {
    window.__busyAt = [];
    for (const id of ['save-mask', 'save-settings'])
      document.getElementById(id).addEventListener('click', () => window.__busyAt.push(window.smpStudio.st.busy), { capture: true });
  });
  n = await renders(page);
  // The change and both clicks in one task, so that the clicks come while
  // the redraw the change asks is under way however fast it is (a click
  // sent after the change found it done now and then: it takes 0.1-0.3 s).
  const downloads = [];
  let onDownload;
  const both = new Promise(resolve => {
    onDownload = d => { if (downloads.push(d) === 2) resolve(); };
    page.on('download', onDownload);
  });
  let timer;
  await withFrames(page, async () => {
    await page.evaluate(() => {
      const r = document.getElementById('regularity');
      r.value = '0.55';
      r.dispatchEvent(new Event('change', { bubbles: true }));
      document.getElementById('save-mask').click();
      document.getElementById('save-settings').click();
    });
    await Promise.race([both, new Promise(resolve => { timer = setTimeout(resolve, 30000); })]);
  });
  clearTimeout(timer);
  page.off('download', onDownload);
  const saved = [];
  for (const d of downloads) {
    const path = join(tmp, d.suggestedFilename());
    await d.saveAs(path);
    saved.push(path);
  }
  const busyAt = await page.evaluate(() => window.__busyAt);
  check(busyAt.length === 2 && busyAt[0] && saved.length === 2 && saved.every(f => readFileSync(f).length > 0),
    `the mask and the settings save during a redraw (busy at each click: ${busyAt.join(', ')})`);
  await settle(page, n + 1);
  n = await renders(page);
  await page.locator('#regularity').fill('0.6');
  await settle(page, n + 1);
}
const after_png = await save('#save-after'), mask_png = await save('#save-mask');
const preview_jpg = await save('#save-preview'), settings_json = await save('#save-settings');
let decoded = 0;
for (const f of [after_png, mask_png, preview_jpg]) {
  try { execFileSync(imgtool, ['info', f]); decoded++; } catch (e) { console.log(`  ${f}: ${e.message}`); }
}
check(decoded === 3, `the after PNG, the mask PNG and the preview JPEG decode (${decoded} of 3)`);
// A long caption on the stacked preview wraps within the image (one line
// ran off its right edge, taking the date with it): the caption's band is
// taller, and no text lies in its right margin.
{
  await page.selectOption('#layout', 'stack');
  await page.fill('#caption', 'Client A. Example, consultation of the first of December, crown and frontal recession, ' +
    'three sessions');
  const jpg = await save('#save-preview'), png = join(tmp, 'preview-long.png');
  execFileSync(imgtool, ['png', jpg, png]);
  const im = PNG.sync.read(readFileSync(png));
  const { w, h } = await page.evaluate(() => ({ w: window.smpStudio.st.w, h: window.smpStudio.st.h }));
  const fs = Math.max(14, Math.round(Math.max(w, 2 * h) / 60)); // the caption's font size (studio.js previewCanvas)
  let lit = 0;
  for (let y = 2 * h; y < im.height; y++)
    for (let x = im.width - Math.floor(fs / 3); x < im.width; x++) lit += im.data[4 * (y * im.width + x)] > 128;
  check(im.width === w && im.height - 2 * h > 3 * fs && lit === 0,
    `a long caption wraps within the preview (${im.width}x${im.height} for ${w}x${2 * h} of photos: a caption band of ` +
    `${im.height - 2 * h} px at ${fs} px type; ${lit} bright pixels in the right margin)`);
  // The split preview labels only the sides it shows: with the divider at
  // the left edge (all after), no "Before" over the after image; "After"
  // at its right. (The label boxes' pixels against the after image's
  // there: their mean absolute difference, 0-255.)
  await page.selectOption('#layout', 'split');
  await page.locator('#divider').focus();
  await page.keyboard.press('Home');
  const sjpg = await save('#save-preview'), spng = join(tmp, 'preview-split.png');
  execFileSync(imgtool, ['png', sjpg, spng]);
  const si = PNG.sync.read(readFileSync(spng));
  const boxes = [[fs, 3 * fs], [w - 3 * fs, w - fs]].map(([x0, x1]) => [x0, Math.round(fs * 0.7), x1, Math.round(fs * 1.9)]);
  const ref = await page.evaluate(bs => bs.map(([x0, y0, x1, y1]) =>
    Array.from(window.smpStudio.after.getContext('2d').getImageData(x0, y0, x1 - x0, y1 - y0).data)), boxes);
  const diff = boxes.map(([x0, y0, x1, y1], b) => {
    let s = 0, k = 0;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++)
        for (let c = 0; c < 3; c++, k++) s += Math.abs(si.data[4 * (y * si.width + x) + c] - ref[b][4 * ((y - y0) * (x1 - x0) + x - x0) + c]);
    return (s / k).toFixed(1);
  });
  check(diff[0] < 10 && diff[1] > 40, `the split preview with the divider at 0 % has no "Before" label over the after ` +
    `image, and the "After" one (the label boxes differ from the after image by ${diff.join(' and ')} levels)`);
  await page.locator('#divider').focus(); // (the save button took it)
  await page.keyboard.press('End');
  for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowLeft');
  await page.selectOption('#layout', 'side');
  await page.fill('#caption', '');
}
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

// A shade change, a session shown, a regularity change and another edge
// style draw the tone preview at once too (tone.js lookScale: the dots' depth for the new
// dilution; another session's share of the dots; the regularity moves the
// dots but not their number: the last image's; the edge style's coverage,
// its shaping made ready, where the exact image's dots are tiled as after a
// stroke), then the exact image replaces it; the
// preview's core is about as dark as that image's (not misleading), and so
// is the band whose coverage another edge style changes.
let coveredAfter = null;
for (const [what, act] of [['a shade change', () => page.locator('#dilution').fill('0.65')],
  ['another session shown', () => page.selectOption('#session', '2')],
  ['a regularity change', () => page.locator('#regularity').fill('0.45')],
  ['another edge style', () => page.selectOption('#edge', 'sharp')]]) {
  const edge = what === 'another edge style';
  if (edge) {
    // A brush stroke in the top left corner first: the engine's edge
    // shapings go with the mask they were made on, so the stroke's basis
    // comes without the other styles' coverage (read as the page turns idle,
    // before the redraw worker's first position made ready answers), and the
    // warm job that makes the sharp style ready brings it.
    await page.click('button[data-tool=brush]');
    n = await renders(page);
    const [ax, ay] = await screen(page, 20, 20), [bx, by] = await screen(page, 80, 30);
    await page.mouse.move(ax, ay);
    await page.mouse.down();
    await page.mouse.move(bx, by, { steps: 4 });
    await page.mouse.up();
    await settle(page, n + 1);
    const fromBasis = await covered();
    await page.waitForFunction(e => document.body.dataset.state === 'idle' && window.smpStudio.st.tone.covers[e],
      SHARP, { timeout: 120000 });
    check(!fromBasis.includes(SHARP), `after a mask edit the sharp edge's coverage comes from the warm job that makes ` +
      `it ready, not with the basis (the basis's: [${fromBasis}])`);
  }
  const { t0, now, got, covers } = await toneAgainstExact(act, edge ? SHARP : null);
  if (edge) coveredAfter = covers;
  toneChecks(what, t0, now, got);
  if (edge) {
    const { up, down } = got.band, pc = x => `${(100 * x).toFixed(1)} %`;
    const closer = o => Math.abs(o.preview - o.exact) < 0.5 * Math.abs(o.was - o.exact);
    check(up.n > 100 && down.n > 100 && closer(up) && closer(down),
      `the edge's coverage darkens the preview where it rose (${up.n} px: ${pc(up.was)} -> ${pc(up.preview)}) and ` +
      `lightens it where it fell (${down.n} px: ${pc(down.was)} -> ${pc(down.preview)}), toward the exact image's ` +
      `(${pc(up.exact)}, ${pc(down.exact)})`);
    check(coveredAfter.includes(BROKEN) && coveredAfter.includes(SOFT), `the next basis brings the coverage of the ` +
      `styles the engine holds (broken: the stroke's run; soft: made ready) ([${coveredAfter}])`);
  }
}
await shot(page, 'tablet-11-session-tone');

const timings = await page.evaluate(() => window.smpStudio.timings);

// A photo whose EXIF says "rotate 90°": the page works on it as shown.
const rotated = join(tmp, 'exif6.jpg');
execFileSync(imgtool, ['exif-jpeg', '300', '200', '6', rotated]);
// Opened over the photo before, zoomed in with its loupe showing, its
// scale measured and its notes shown: the new photo shows at once, before
// its after image, and keeps nothing of the one before (another client's).
await page.click('#zoom-in');
const was = await page.evaluate(() => ({ ppm: window.smpStudio.st.ppm, loupe: !document.getElementById('loupe-box').hidden }));
n = await renders(page);
await page.setInputFiles('#open', rotated);
await page.waitForFunction(() => window.smpStudio.st.w === 200, null, { timeout: 60000 });
const opened = await page.evaluate(k => {
  const v = document.getElementById('view'), d = v.getContext('2d').getImageData(0, 0, v.width, v.height).data;
  let lit = 0;
  for (let i = 0; i < d.length; i += 4) lit += d[i] + d[i + 1] + d[i + 2] > 30;
  return { renders: Number(document.body.dataset.renders) - k, lit: lit / (d.length / 4), ppm: window.smpStudio.st.ppm,
    field: document.getElementById('ppm').value, notes: document.getElementById('notes').textContent,
    loupe: !document.getElementById('loupe-box').hidden, measure: document.getElementById('measure-px').textContent };
}, n);
// (Its after image may come first on a quick machine: then the notes are its own.)
check(was.ppm > 0 && was.loupe && opened.ppm === 0 && opened.field === '' && !opened.loupe &&
  /Tap two points/.test(opened.measure) && (opened.renders > 0 || (opened.lit > 0.9 && opened.notes === '')),
  `a photo opened keeps nothing of the one before and shows at once (before: ${JSON.stringify(was)}; ${JSON.stringify(opened)})`);
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

await finish();
