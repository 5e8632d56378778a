"""Recovery benchmark for dispsim calibrate (issue 15; not in CI: minutes per seed).

For each of SEEDS independent seeds: makes synthetic data with `dispsim calibrate --synthetic` at a
point inside the priors of scenarios/calibration-synthetic.yaml (one replication of that seed, as
real data is one realisation), calibrates to it with the same file (seed, observed file and,
optionally, particles and generations replaced), and checks whether every parameter's 90% credible
interval (`dispsim info --csv`) contains its true value. Prints one line per seed and the count.

Usage: recovery_bench.py DISPSIM SOURCE_DIR [--seeds 10] [--particles 200] [--generations 6] [-j 2]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

TRUTH = {"population.inflow.level_per_day": 200.0, "choice.b_success": 1.5, "choice.leave.asc": -2.5}

ap = argparse.ArgumentParser()
ap.add_argument("bin")
ap.add_argument("src")
ap.add_argument("--seeds", type=int, default=10)
ap.add_argument("--particles", type=int, default=200)
ap.add_argument("--generations", type=int, default=6)
ap.add_argument("-j", default="2")
a = ap.parse_args()
src = os.path.abspath(a.src)
with open(os.path.join(src, "scenarios", "calibration-synthetic.yaml")) as f:
    base = f.read()
base = base.replace("scenario: baseline.yaml", f"scenario: {src}/scenarios/baseline.yaml")
base = re.sub(r"particles: \d+", f"particles: {a.particles}", base)
base = re.sub(r"generations: \d+", f"generations: {a.generations}", base)
spec = ",".join(f"{k}={v}" for k, v in TRUTH.items())
covered = 0
with tempfile.TemporaryDirectory() as d:
    for s in range(a.seeds):
        seed = 1000 + s
        obs, cal, post = (os.path.join(d, f"{n}{s}{e}") for n, e in (("obs", ".csv"), ("cal", ".yaml"),
                                                                     ("post", ".h5")))
        text = re.sub(r"seed: \d+", f"seed: {seed}", base)
        with open(cal, "w") as f:
            f.write(text.replace("observed: data/synthetic-observed.csv",
                                 f"observed: {src}/scenarios/data/synthetic-observed.csv"))
        subprocess.run([a.bin, "calibrate", cal, "--synthetic", spec, "-o", obs], check=True,
                       capture_output=True)
        with open(cal, "w") as f:
            f.write(text.replace("observed: data/synthetic-observed.csv", f"observed: {obs}"))
        t0 = time.time()
        subprocess.run([a.bin, "calibrate", cal, "-o", post, "-j", a.j, "-q"], check=True)
        rows = subprocess.run([a.bin, "info", post, "--csv"], check=True, capture_output=True,
                              text=True).stdout.strip().split("\n")[1:]
        inside = []
        for row, (path, true) in zip(rows, TRUTH.items()):
            name, mean, q05, q50, q95 = row.split(",")
            ok = float(q05) <= true <= float(q95)
            inside.append(ok)
            print(f"  seed {seed} {name}: true {true:g}, mean {float(mean):.4g}, 90% CI [{float(q05):.4g}, "
                  f"{float(q95):.4g}] {'contains' if ok else 'MISSES'}", flush=True)
        covered += all(inside)
        print(f"seed {seed}: {'all parameters covered' if all(inside) else 'not all covered'} "
              f"({time.time() - t0:.0f} s)", flush=True)
print(f"recovery: {covered} of {a.seeds} seeds have every true value inside its 90% credible interval "
      f"({a.particles} particles, {a.generations} generations)")
sys.exit(0 if covered >= 0.8 * a.seeds else 1)
