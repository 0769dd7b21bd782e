# SPDX-License-Identifier: BSD-2-Clause
"""scipy.stats.qmc.PoissonDisk with smpsim's domain and spacing (uniform).
Usage: python3 peers_scipy.py N R_MM
Prints one row: dots, seconds, M dots/s, peak RSS MB, bytes/dot, rho.
With SMPSIM_BENCH_POINTS=FILE, also writes the points there as "x y" lines (mm)."""
import math
import os
import resource
import sys
import time

from scipy.spatial import cKDTree
from scipy.stats import qmc

n, r = float(sys.argv[1]), float(sys.argv[2])
side = math.sqrt(n)  # mm: 1 dot/mm² at 100 dots/cm²
engine = qmc.PoissonDisk(d=2, radius=r / side, ncandidates=30, seed=1)
t0 = time.perf_counter()
pts = engine.fill_space() * side
secs = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
dist, _ = cKDTree(pts).query(pts, k=2)
rho = dist[:, 1].min() / math.sqrt(2 * side * side / (math.sqrt(3) * len(pts)))
print(f"{len(pts)} {secs:.4f} {len(pts) / secs / 1e6:.3f} {rss:.1f} {rss * 1048576 / len(pts):.1f} {rho:.4f}")
if os.environ.get("SMPSIM_BENCH_POINTS"):
    with open(os.environ["SMPSIM_BENCH_POINTS"], "w") as f:
        f.writelines(f"{x} {y}\n" for x, y in pts)
