// SPDX-License-Identifier: BSD-2-Clause
// The studio's engine (the library in WebAssembly) against the native
// command: for each case, the same photo pixels, mask and options give the
// same dot list (the CSV, byte for byte) and the same after image (every
// channel within 1/255; the largest difference and the pixels that differ
// are printed); every other case runs on the engine built with WebAssembly
// SIMD. Then the page's redraws: st_simulate_cached after a density change
// and after a mask edit gives what a plain run gives, byte for byte, having
// taken the analysis from its cache (the cached runs with SIMD, the plain
// ones without).
// PHOTO.png holds PHOTO.jpg's pixels as the native command decodes them:
// the engine, like the page, is given pixels and what they came from.
// Where the native input is a PNG, the dots' fields must also agree to the
// last bit (imgtool dotbits against st_write_dot_bits): the CSV rounds to
// six decimals, and a last-bit difference (glibc's and musl's libm round
// differently) could one day tip a dot decision. REAL_DIR, when given,
// holds a real photo (hairline-1302x892.png and its mask) run the same way.
// Usage: node studio_engine.mjs STUDIO_JS PHOTO.jpg PHOTO.png MASK.png SMPSIM IMGTOOL [REAL_DIR]
import { PNG } from 'pngjs';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const [studio_js, photo_jpg, photo_png, mask_png, smpsim, imgtool, real_dir] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const factory = require(studio_js);
const tmp = mkdtempSync(join(tmpdir(), 'smpsim-studio-'));
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'}: studio engine: ${what}`);
  if (!ok) failures++;
}

const M1 = await factory({ wasmBinary: readFileSync(studio_js.replace(/\.js$/, '.wasm')) });
let M = M1; // the engine a case runs on
// The page's engine with WebAssembly SIMD (studio.mk: its renderer's loops
// four lanes at a time), next to the loader as simd/smpsim.wasm: it runs
// every other case below (against the native command too) and the cached
// redraws, compared byte for byte with the engine without SIMD.
const simd_wasm = join(dirname(studio_js), 'simd', 'smpsim.wasm');
const M2 = existsSync(simd_wasm) ? await factory({ wasmBinary: readFileSync(simd_wasm) }) : M1;
if (M2 === M1) console.log('SKIP: studio engine: no SIMD engine (simd/smpsim.wasm)');
const photo_main = PNG.sync.read(readFileSync(photo_png)), mask_main = PNG.sync.read(readFileSync(mask_png));
const { width: w, height: h } = photo_main;

// Each case: the native options, and the same settings through the API.
const cases = [
  { name: 'mask file, 8 px/mm, density 120, dot 0.3', mask: 'file', format: 1,
    args: ['--px-per-mm', '8', '--density', '120', '--dot', '0.3', '--seed', '3'],
    bits: ['ppm=8', 'density=120', 'dot=0.3', 'seed=3'],
    set: (S, P) => { M._smp_params_set_px_per_mm(P, 8); M._smp_params_set_density(P, 120);
      M._smp_params_set_dot_diameter(P, 0.3); M._st_set_seed(S, 3); } },
  // A JPEG (format 2): the blur is measured allowing for its 8x8 blocks.
  { name: 'suggested mask, matched look, session 2 of 3, 5 years, soft edge', mask: 'auto', format: 2,
    args: ['--seed', '5', '--sessions', '3', '--session', '2', '--age', '5y', '--edge', 'soft'],
    set: (S, P) => { const l = M._malloc(24); M.HEAPF64.set([30, 70, 100], l / 8);
      M._smp_params_set_layers(P, l, 3); M._free(l); M._smp_params_set_show_session(P, 2);
      M._st_set_seed(S, 5); M._smp_params_set_age(P, 5); M._smp_params_set_edge(P, 1); } },
];

// A mask at half the photo's size, resampled by the library (the page's
// full-size export renders the photo with the mask painted at working size).
const half = new PNG({ width: w >> 1, height: h >> 1, colorType: 0, inputColorType: 0, inputHasAlpha: false });
half.data = Buffer.alloc((w >> 1) * (h >> 1));
for (let y = 0; y < h >> 1; y++)
  for (let x = 0; x < w >> 1; x++) half.data[y * (w >> 1) + x] = mask_main.data[4 * (2 * y * w + 2 * x)];
const half_png = join(tmp, 'half.png');
writeFileSync(half_png, PNG.sync.write(half, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
// Three sessions at the default scale: before the library had its own
// sin/cos/exp/log (src/base/dmath.c), two of these 13 723 dots' y differed
// in the last bit between glibc and WebAssembly's musl.
const sessions = (l) => { const p = M._malloc(8 * l.length); M.HEAPF64.set(l, p / 8); return p; };
cases.push({ name: 'three sessions, density 100, default scale', mask: 'file', format: 1,
  args: ['--seed', '9', '--sessions', '3', '--density', '100'], bits: ['seed=9', 'layers=30/70/100', 'density=100'],
  set: (S, P) => { const l = sessions([30, 70, 100]); M._smp_params_set_layers(P, l, 3); M._free(l);
    M._smp_params_set_density(P, 100); M._st_set_seed(S, 9); } });
cases.push({ name: 'mask at half size, resampled', mask: 'half', format: 1,
  args: ['--px-per-mm', '8', '--seed', '9'], bits: ['ppm=8', 'seed=9'], set: (S, P) => { M._smp_params_set_px_per_mm(P, 8); M._st_set_seed(S, 9); } });

// A real photo (PNG, with its hand-drawn mask) at the default scale, three
// sessions, dilution 0.3, 0.3 mm dots, density 100 (dot 113's y differed
// in the last bit before src/base/dmath.c).
if (real_dir && existsSync(join(real_dir, 'hairline-1302x892.png'))) {
  cases.push({ name: 'real photo hairline-1302x892, three sessions', mask: 'file', format: 1,
    photo_png: join(real_dir, 'hairline-1302x892.png'), mask_png: join(real_dir, 'hairline-1302x892.mask.png'),
    args: ['--seed', '7', '--sessions', '3', '--dilution', '0.3', '--dot', '0.3', '--density', '100'],
    bits: ['seed=7', 'layers=30/70/100', 'dilution=0.3', 'dot=0.3', 'density=100'],
    set: (S, P) => { const l = sessions([30, 70, 100]); M._smp_params_set_layers(P, l, 3); M._free(l);
      M._smp_params_set_dilution(P, 0.3); M._smp_params_set_dot_diameter(P, 0.3);
      M._smp_params_set_density(P, 100); M._st_set_seed(S, 7); } });
} else {
  console.log('SKIP: studio engine: no real photo (../shared/photos)');
}

for (const [k, c] of cases.entries()) {
  M = k % 2 ? M2 : M1;
  if (M !== M1) c.name += ' (SIMD)';
  const S = M._st_new(), P = M._st_params(S);
  c.set(S, P);
  // The case's own photo and mask, or the sample's.
  const c_png = c.photo_png ?? photo_png, c_mask_png = c.mask_png ?? mask_png;
  const photo = c.photo_png ? PNG.sync.read(readFileSync(c_png)) : photo_main;
  const mask = c.mask_png ? PNG.sync.read(readFileSync(c_mask_png)) : mask_main;
  const { width: w, height: h } = photo;
  const buf = M._st_rgba(S, w, h); // may grow the memory: HEAPU8 is read after
  M.HEAPU8.set(photo.data, buf);
  check(M._st_set_photo(S, w, h, c.format) === 0, `${c.name}: the photo loads`);
  if (c.mask === 'auto') {
    check(M._st_suggest(S) === 0, `${c.name}: a mask is suggested (${M.UTF8ToString(M._st_message(S))})`);
  } else if (c.mask === 'half') {
    const m = M._st_mask_alloc(S, w >> 1, h >> 1);
    M.HEAPU8.set(half.data, m);
  } else {
    const m = M._st_mask(S);
    for (let i = 0; i < w * h; i++) M.HEAPU8[m + i] = mask.data[4 * i];
  }
  const t0 = performance.now();
  const st = M._st_simulate(S);
  const ms = performance.now() - t0;
  check(st === 0, `${c.name}: simulates (${st ? M.UTF8ToString(M._st_message(S)) : `${ms.toFixed(0)} ms`})`);
  const ptr = M._st_after(S);
  const after = M.HEAPU8.slice(ptr, ptr + 4 * w * h);
  // The dot list through the library's own writer, into the engine's memory file system.
  check(M._st_write_dots(S, k) === 0, `${c.name}: writes its dots`);
  const wasm_dots = M.FS.readFile(`/dots${k}.csv`, { encoding: 'utf8' });
  const wasm_bits = c.bits && M._st_write_dot_bits(S, k) === 0 ? M.FS.readFile(`/bits${k}.txt`, { encoding: 'utf8' }) : null;
  M._st_free(S);

  const out = join(tmp, `native${k}.png`), dots = join(tmp, `native${k}.csv`);
  const c_mask = c.mask === 'auto' ? 'auto' : c.mask === 'half' ? half_png : c_mask_png;
  execFileSync(smpsim, ['render', c.format === 2 ? photo_jpg : c_png, c_mask, ...c.args, '--dots', dots,
    '-o', out], { stdio: 'pipe' });
  const native = PNG.sync.read(readFileSync(out));
  const native_dots = readFileSync(dots, 'utf8');
  const n_dots = native_dots.split('\n').length - 2;
  check(wasm_dots === native_dots, `${c.name}: the same dot list (${n_dots} dots)`);
  if (c.bits) { // the raw fields: the same bits, dot by dot
    const native_bits = execFileSync(imgtool, ['dotbits', c_png, c_mask, ...c.bits],
      { encoding: 'utf8', maxBuffer: 1 << 28 });
    const a = (wasm_bits ?? '').split('\n'), b = native_bits.split('\n');
    let first = -1;
    for (let i = 0; i < Math.max(a.length, b.length) && first < 0; i++) if (a[i] !== b[i]) first = i;
    check(first < 0 && b.length > 2, `${c.name}: the dots' fields the same to the last bit (${b.length - 1} dots` +
      (first < 0 ? ')' : `; dot ${first} differs: wasm ${a[first]}, native ${b[first]})`));
  }
  let max = 0, differ = 0;
  for (let i = 0; i < w * h; i++) {
    let d = 0;
    for (let ch = 0; ch < 3; ch++) d = Math.max(d, Math.abs(after[4 * i + ch] - native.data[4 * i + ch]));
    if (d) differ++;
    max = Math.max(max, d);
  }
  check(max <= 1, `${c.name}: the after image within 1/255 (largest difference ${max}, ${differ} of ${w * h} ` +
    `pixels differ)`);
}
// The cached redraws, as the page's workers make them: the cached ones on
// the SIMD engine, the plain runs on the other.
{
  const session = (M, density) => {
    const S = M._st_new(), P = M._st_params(S);
    M._smp_params_set_px_per_mm(P, 8); M._smp_params_set_density(P, density);
    M._smp_params_set_dot_diameter(P, 0.3); M._st_set_seed(S, 3);
    const buf = M._st_rgba(S, w, h);
    M.HEAPU8.set(photo_main.data, buf);
    M._st_set_photo(S, w, h, 1);
    const m = M._st_mask(S);
    for (let i = 0; i < w * h; i++) M.HEAPU8[m + i] = mask_main.data[4 * i];
    return S;
  };
  const erase = (M, S) => { // a disc erased at the mask's middle: inside the treated area
    const m = M._st_mask(S);
    for (let y = -15; y <= 15; y++)
      for (let x = -15; x <= 15; x++) if (x * x + y * y <= 225) M.HEAPU8[m + (h / 2 + y) * w + w / 2 + x] = 0;
  };
  const output = (M, S, k) => {
    const p = M._st_after(S);
    M._st_write_dots(S, 100 + k);
    return { after: M.HEAPU8.slice(p, p + 4 * w * h), dots: M.FS.readFile(`/dots${100 + k}.csv`, { encoding: 'utf8' }) };
  };
  const same = (a, b) => a.dots === b.dots && a.after.length === b.after.length && a.after.every((v, i) => v === b.after[i]);
  const C = session(M2, 120);
  check(M2._st_simulate_cached(C) === 0 && M2._st_reused(C) === 0, 'cached: the first run fills the cache');
  M2._smp_params_set_density(M2._st_params(C), 150);
  const t0 = performance.now();
  check(M2._st_simulate_cached(C) === 0, `cached: a density change redraws (${(performance.now() - t0).toFixed(0)} ms)`);
  const reused = M2._st_reused(C);
  const D = session(M1, 150);
  check(M1._st_simulate(D) === 0, 'cached: the plain run at that density');
  const simd = M2 !== M1 ? ' (SIMD against not)' : '';
  check((reused & 1) && same(output(M2, C, 0), output(M1, D, 1)),
    `cached: after a density change, the same dots and after image as a plain run${simd} (reused ${reused})`);
  erase(M2, C); erase(M1, D);
  check(M2._st_simulate_cached(C) === 0 && M1._st_simulate(D) === 0, 'cached: a mask edit redraws');
  const reused2 = M2._st_reused(C);
  check(!(reused2 & 1) && same(output(M2, C, 2), output(M1, D, 3)),
    `cached: after a mask edit, the same dots and after image as a plain run${simd} (reused ${reused2})`);
  M2._st_free(C);
  M1._st_free(D);
}
rmSync(tmp, { recursive: true, force: true });
process.exit(failures ? 1 : 0);
