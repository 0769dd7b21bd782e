// SPDX-License-Identifier: BSD-2-Clause
// The studio's engine (WebAssembly, in node) on one photo and mask: the CPU
// time of a plain run and of the cached redraws the page's workers make
// (a density change, a dot size change, a mask edit inside the treated
// area, a dilution change, another session shown), by process.cpuUsage(),
// which a busy machine moves less than wall time. A benchmark: it asserts
// nothing. Usage: node bench/studio_engine_cpu.mjs build/studio/smpsim.js PHOTO.png MASK.png
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../tests/browser/package.json'));
const { PNG } = require('pngjs');
const [studio_js, photo_png, mask_png] = process.argv.slice(2);
const M = await require(join(process.cwd(), studio_js))({ wasmBinary: readFileSync(studio_js.replace(/\.js$/, '.wasm')) });
const photo = PNG.sync.read(readFileSync(photo_png)), mask = PNG.sync.read(readFileSync(mask_png));
const { width: w, height: h } = photo;
const S = M._st_new(), P = M._st_params(S);
const buf = M._st_rgba(S, w, h); // may grow the memory: HEAPU8 read after
M.HEAPU8.set(photo.data, buf);
M._st_set_photo(S, w, h, 1);
const fill = () => { const m = M._st_mask(S); for (let i = 0; i < w * h; i++) M.HEAPU8[m + i] = mask.data[4 * i]; };
fill();
M._smp_params_set_dot_diameter(P, 0.3);
M._smp_params_set_dilution(P, 0.3);
const layers = M._malloc(24);
M.HEAPF64.set([30, 70, 100], layers / 8);
M._smp_params_set_layers(P, layers, 3);
const cpu = (f) => { const a = process.cpuUsage(); const r = f(); const b = process.cpuUsage(a); return [r, (b.user + b.system) / 1000]; };
const run = (what, f) => {
  const [st, ms] = cpu(f);
  console.log(`${what.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms CPU (status ${st}, reused ${M._st_reused(S)}, ${M._st_info(S, 0)} dots)`);
};
console.log(`${photo_png}: ${w}x${h}, WebAssembly in node ${process.version}`);
run('plain smp_simulate', () => M._st_simulate(S));
run('cached: first (fills the cache)', () => M._st_simulate_cached(S));
M._smp_params_set_density(P, 120);
run('cached: density 120', () => M._st_simulate_cached(S));
M._smp_params_set_dot_diameter(P, 0.32);
run('cached: dot 0.32 mm', () => M._st_simulate_cached(S));
const m = M._st_mask(S);
for (let y = -20; y <= 20; y++) for (let x = -20; x <= 20; x++) if (x * x + y * y <= 400) M.HEAPU8[m + (h / 2 + y) * w + w / 2 + x] = 0;
run('cached: mask edit (disc erased)', () => M._st_simulate_cached(S));
M._smp_params_set_dilution(P, 0.4);
run('cached: dilution 0.4', () => M._st_simulate_cached(S));
M._smp_params_set_show_session(P, 2);
run('cached: session 2 of 3 shown', () => M._st_simulate_cached(S));
