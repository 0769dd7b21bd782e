// SPDX-License-Identifier: BSD-2-Clause
// Peers, measured with the same domain and spacing as smpsim's sampler.
// Usage: node peers.js LIB N uniform|variable R_MM
//   LIB: poisson-disk-sampling | fast-2d-poisson-disk-sampling
// Prints one row: dots, seconds, M dots/s, peak RSS MB, bytes/dot, rho.
// With SMPSIM_BENCH_POINTS=FILE, also writes the points there as "x y" lines (mm).
'use strict';
const [lib, nArg, mode, rArg] = process.argv.slice(2);
const n = Number(nArg), r = Number(rArg), variable = mode === 'variable';
const side = Math.sqrt(n / (variable ? 0.5625 : 1)); // mm: 1 dot/mm² at 100 dots/cm², as bench_sampler
const Sampler = require(lib);

// The same field as bench_sampler: a smooth band pattern times a step.
const cover = (x, y) => (0.75 + 0.25 * Math.sin(2 * Math.PI * (y / side) * 4)) * (x < side / 2 ? 0.5 : 1);
const rAt = (x, y) => r / Math.sqrt(cover(x, y)); // r = K / sqrt(density)
const rMax = r / Math.sqrt(0.25);

let opts;
if (lib === 'poisson-disk-sampling') {
  opts = variable
    ? { shape: [side, side], minDistance: r, maxDistance: rMax, tries: 30,
        distanceFunction: (p) => (rAt(p[0], p[1]) - r) / (rMax - r) }
    : { shape: [side, side], minDistance: r, tries: 30 };
} else {
  if (variable) { console.log('- - - - - -'); process.exit(0); } // uniform only
  opts = { shape: [side, side], radius: r, tries: 30 };
}
const t0 = process.hrtime.bigint();
const pts = new Sampler(opts).fill();
const secs = Number(process.hrtime.bigint() - t0) / 1e9;

function minDistance(points, cell) {
  const gw = Math.floor(side / cell) + 1, head = new Int32Array(gw * gw).fill(-1);
  const next = new Int32Array(points.length);
  points.forEach((p, i) => { const g = Math.floor(p[1] / cell) * gw + Math.floor(p[0] / cell); next[i] = head[g]; head[g] = i; });
  let best = Infinity;
  points.forEach((p, i) => {
    const gx = Math.floor(p[0] / cell), gy = Math.floor(p[1] / cell);
    for (let y = gy - 1; y <= gy + 1; y++) for (let x = gx - 1; x <= gx + 1; x++) {
      if (x < 0 || y < 0 || x >= gw || y >= gw) continue;
      for (let j = head[y * gw + x]; j >= 0; j = next[j]) if (j > i) {
        const d = Math.hypot(p[0] - points[j][0], p[1] - points[j][1]);
        if (d < best) best = d;
      }
    }
  });
  return best;
}
const rss = process.resourceUsage().maxRSS / 1024;
const rho = variable ? NaN : minDistance(pts, r) / Math.sqrt(2 * side * side / (Math.sqrt(3) * pts.length));
console.log(`${pts.length} ${secs.toFixed(4)} ${(pts.length / secs / 1e6).toFixed(3)} ${rss.toFixed(1)} ${(rss * 1048576 / pts.length).toFixed(1)} ${rho.toFixed(4)}`);
if (process.env.SMPSIM_BENCH_POINTS) {
  require('fs').writeFileSync(process.env.SMPSIM_BENCH_POINTS, pts.map((p) => `${p[0]} ${p[1]}`).join('\n') + '\n');
}
