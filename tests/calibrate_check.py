"""dispsim calibrate end to end on tests/calibration-tiny.yaml (issue 15, phase 2a), parts 1 and 2
also on its resample-move twin tests/calibration-tiny-rm.yaml:

  1. -j 1, -j 2 and 2 MPI ranks give byte-identical posterior files;
  2. a calibration killed by SIGKILL part-way and resumed with --resume gives the same file, and
     resuming ran only what the checkpoint lacked;
  3. dispsim info reads the posterior (table and --csv rows parameter,mean,q05,q50,q95 that agree
     with the particles and weights in the file), counts per target the observed periods inside
     the predictive 90% band, prints them with --csv --predictive, and dispsim report draws its page;
  4. a bad calibration file exits 65 with its file:line:col message and writes nothing;
  5. --synthetic writes an observed CSV that a calibration file then loads and fits.

Usage: calibrate_check.py DISPSIM SOURCE_DIR
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

BIN, SRC = sys.argv[1], os.path.abspath(sys.argv[2])
TINY = os.path.join(SRC, "tests", "calibration-tiny.yaml")
# mpirun as root needs these (as in hpc_check.py).
MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_btl_vader_single_copy_mechanism="none", OMPI_MCA_rmaps_base_oversubscribe="1",
               OMPI_MCA_mca_base_component_disable_dlclose="1")
# Under the sanitizer build: Open MPI is built without frame pointers, so leak reports need the slow
# unwinder to reach the frames that tests/lsan.supp names (as in hpc_check.py).
if "ASAN_OPTIONS" in os.environ:
    MPI_ENV["ASAN_OPTIONS"] = os.environ["ASAN_OPTIONS"] + ":fast_unwind_on_malloc=0"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def dispsim(*args, expect=0, cwd=None):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, cwd=cwd)
    if p.returncode != expect:
        sys.stderr.write(p.stdout + p.stderr)
    check(p.returncode == expect, f"dispsim {' '.join(args[:2])} ... exits {expect} (got {p.returncode})")
    return p


def records(ckpt):
    """Whole records in a checkpoint (header 4096 bytes; record size from its header)."""
    if not os.path.exists(ckpt) or os.path.getsize(ckpt) <= 4096:
        return 0
    with open(ckpt, "rb") as f:
        head = f.read(4096).decode("latin-1")
    fields = dict(l.split("=", 1) for l in head.split("\n") if "=" in l)
    rec = 24 + 8 * int(fields["rep_values"]) + 8 * int(fields["streams"])
    return (os.path.getsize(ckpt) - 4096) // rec


def same_bytes(a, b, what):
    with open(a, "rb") as x, open(b, "rb") as y:
        check(x.read() == y.read(), f"{what}: byte for byte the same posterior file")


def bitwise_and_resumable(calib, d, tag):
    """Parts 1 and 2 for one calibration file; returns the -j 1 posterior's path."""
    one, two, killed = (os.path.join(d, f"{tag}-{n}") for n in ("one.h5", "two.h5", "killed.h5"))
    dispsim("calibrate", calib, "-o", one, "-j", "1", "-q")
    dispsim("calibrate", calib, "-o", two, "-j", "2", "-q")
    same_bytes(one, two, f"{tag}: -j 1 against -j 2")
    ranks = os.path.join(d, f"{tag}-ranks.h5")
    p = subprocess.run(["mpirun", "-n", "2", "--oversubscribe", BIN, "calibrate", calib, "-o", ranks, "-j", "1",
                        "-q"], capture_output=True, text=True, env=MPI_ENV)
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
    check(p.returncode == 0, f"{tag}: mpirun -n 2 dispsim calibrate exits 0 (got {p.returncode})")
    same_bytes(one, ranks, f"{tag}: -j 1 against 2 MPI ranks")
    # SIGKILL once a few simulations are checkpointed, then --resume.
    proc = subprocess.Popen([BIN, "calibrate", calib, "-o", killed, "-j", "1", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t0 = time.time()
    while records(killed + ".ckpt") < 3 and proc.poll() is None and time.time() - t0 < 120:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    kept = records(killed + ".ckpt")
    check(kept >= 3 and not os.path.exists(killed), f"{tag}: SIGKILL left {kept} simulations and no posterior file")
    p = dispsim("calibrate", calib, "-o", killed, "-j", "2", "--resume")
    check(f"resuming: {kept} simulations kept" in p.stderr, f"{tag}: --resume reuses every kept simulation")
    same_bytes(one, killed, f"{tag}: SIGKILL then --resume")
    check(not os.path.exists(killed + ".ckpt"), f"{tag}: the checkpoint is gone once the posterior is written")
    return one


def main():
    with tempfile.TemporaryDirectory() as d:
        # The resample-move sampler skips the moves it rejects unsimulated, so its generations run
        # fewer items than particles x replications: the same guarantees must hold.
        rm = bitwise_and_resumable(os.path.join(SRC, "tests", "calibration-tiny-rm.yaml"), d, "resample-move")
        with h5py.File(rm, "r") as f:
            ngen, n = f["generations/tolerance"].shape[0], f["posterior/weights"].shape[0]
            tol = f["generations/tolerance"][:]
        check(ngen == 3 and n == 6 and bool(np.all(np.diff(tol) <= 0)),
              f"resample-move: 3 generations of 6 particles, tolerances not rising ({tol})")
        # Its effective sample counts copies of a resampled particle once: 1 / sum of squared
        # summed weights over the distinct rows (6 particles for 2 parameters is always thin).
        with h5py.File(rm, "r") as f:
            x, w = f["posterior/particles"][:], f["posterior/weights"][:]
            sampler = f["posterior"].attrs["sampler"]
        rows = {}
        for xi, wi in zip(map(tuple, x), w):
            rows[xi] = rows.get(xi, 0.0) + wi
        ess = 1.0 / sum(v * v for v in rows.values())
        p = dispsim("info", rm)
        m = re.search(r"effective sample of ([0-9.]+) particles", p.stdout)
        check(sampler in ("resample-move", b"resample-move") and "sampler resample-move" in p.stdout,
              "the file and info name the sampler")
        check(m is not None and abs(float(m.group(1)) - ess) < 0.05,
              f"info's effective sample is that of the distinct particles ({m and m.group(1)} against {ess:.2f})")
        one = bitwise_and_resumable(TINY, d, "pmc")
        with h5py.File(one, "r") as f:
            x, w = f["posterior/particles"][:], f["posterior/weights"][:]
            ngen = f["generations/tolerance"].shape[0]
            names = [n.decode() if isinstance(n, bytes) else n for n in f["parameters/name"][:]]
            lo, hi = f["parameters/prior_min"][:], f["parameters/prior_max"][:]
            npts = f["predictive/observed"].shape[0]
            pp, pmean = f["predictive/particles"][:], f["predictive/mean"][:]
            pq05, pq95 = f["predictive/q05"][:], f["predictive/q95"][:]
        # predictive/particles is what the band is computed from: its weighted mean is the file's
        # mean (summation order aside) and every band lies within the particles' range.
        check(pp.shape == (6, npts) and np.allclose(w @ pp, pmean, rtol=1e-12, atol=0)
              and bool(np.all((pq05 >= pp.min(axis=0)) & (pq95 <= pp.max(axis=0)))),
              "predictive/particles: one row per particle, its weighted mean the predictive mean")
        check(x.shape == (6, 2) and abs(w.sum() - 1) < 1e-12 and ngen >= 1 and npts == 3,
              f"the file holds 6 particles x 2 parameters, weights summing to 1, {ngen} generations, 3 points")
        check(bool(np.all((x >= lo) & (x <= hi))), "every particle lies inside its prior's support")
        check(names == ["inflow", "leave_asc"], f"parameter names {names}")

        # dispsim info: the table, and CSV rows that agree with the file's particles and weights.
        p = dispsim("info", one)
        check("posterior correlations" in p.stdout and "inflow" in p.stdout, "info prints the posterior table")
        ess = [float(l.split()[3]) for l in p.stdout.split("\n") if re.match(r"^\d+ +[0-9.e+-]+ +[0-9.]+ +[0-9.]+$", l)]
        warned = "warning: the posterior rests on an effective sample of" in p.stdout
        check(len(ess) > 0 and warned == (ess[-1] < 5 * 2),
              f"info warns exactly when the final ESS ({ess[-1] if ess else None}) is under 5 per parameter")
        p = dispsim("info", one, "--csv")
        rows = p.stdout.strip().split("\n")
        check(rows[0] == "parameter,mean,q05,q50,q95" and len(rows) == 3, "info --csv: header and a row per parameter")
        for j, row in enumerate(rows[1:]):
            vals = [float(v) for v in row.split(",")[1:]]
            check(abs(vals[0] - float(w @ x[:, j])) <= 1e-9 * abs(vals[0]) and vals[1] <= vals[2] <= vals[3],
                  f"info --csv {names[j]}: mean is the weighted mean, q05 <= q50 <= q95")

        # Coverage of the predictive band: observed points moved to known places relative to the
        # file's own band (inside at the median, outside just above q95, inside exactly at q05).
        cov = os.path.join(d, "coverage.h5")
        with open(one, "rb") as a, open(cov, "wb") as b:
            b.write(a.read())
        with h5py.File(cov, "r+") as f:
            q05, q50, q95 = (f["predictive/" + q][:] for q in ("q05", "q50", "q95"))
            moved = np.array([q50[0], q95[1] + max(1.0, abs(q95[1])), q05[2]])
            f["predictive/observed"][:] = moved
            targets = [t.decode() if isinstance(t, bytes) else t for t in f["predictive/target"][:]]
            periods = [t.decode() if isinstance(t, bytes) else t for t in f["predictive/period"][:]]
        check(targets == ["boat_arrivals", "boat_arrivals", "leavers"], f"predictive targets {targets}")
        p = dispsim("info", cov)
        check("boat_arrivals: 1 of 2 periods inside the 90% predictive band" in p.stdout
              and "leavers: 1 of 1 periods inside the 90% predictive band" in p.stdout
              and "all targets: 2 of 3 points inside" in p.stdout, "info counts the periods inside the 90% band")
        # analysis/coverage.py computes the bands from predictive/particles with dispsim's quantile
        # rule: the same counts as info; a sum of a target with itself is inside exactly where the
        # target is (observed and band both double).
        cp = subprocess.run([sys.executable, os.path.join(SRC, "analysis", "coverage.py"), cov,
                             "twice=boat_arrivals+boat_arrivals"], capture_output=True, text=True)
        check(cp.returncode == 0 and "  boat_arrivals: 1 of 2\n" in cp.stdout and "  leavers: 1 of 1\n" in cp.stdout
              and "  twice (= boat_arrivals + boat_arrivals): 1 of 2\n" in cp.stdout
              and "all observed points: 2 of 3" in cp.stdout,
              f"coverage.py counts as info does, and sums of targets per particle:\n{cp.stdout}{cp.stderr}")
        cp = subprocess.run([sys.executable, os.path.join(SRC, "analysis", "coverage.py"), cov, "v=boat_arrivals+nope"],
                            capture_output=True, text=True)
        check(cp.returncode != 0 and "no target 'nope'" in cp.stderr, "coverage.py names an unknown target")
        p = dispsim("info", cov, "--csv", "--predictive")
        rows = p.stdout.strip().split("\n")
        check(rows[0] == "target,period,observed,q05,q50,q95,inside" and len(rows) == 4,
              "info --csv --predictive: header and a row per observed point")
        for k, row in enumerate(rows[1:]):
            t, per, *vals = row.split(",")
            v = [float(x) for x in vals]
            check(t == targets[k] and per == periods[k] and v[:4] == [moved[k], q05[k], q50[k], q95[k]]
                  and int(v[4]) == [1, 0, 1][k], f"info --csv --predictive row {k}: the file's values, inside "
                  f"{[1, 0, 1][k]}")
        p = dispsim("info", one, "--csv", "--predictive")
        inside = [int(r.rsplit(",", 1)[1]) for r in p.stdout.strip().split("\n")[1:]]
        with h5py.File(one, "r") as f:
            obs_, lo_, hi_ = (f["predictive/" + q][:] for q in ("observed", "q05", "q95"))
        check(inside == [int(a <= b <= c) for a, b, c in zip(lo_, obs_, hi_)],
              "info --csv --predictive: inside is q05 <= observed <= q95 on the calibration's own file")

        # dispsim report: the posterior page (marginals, pairs, predictive), every chart a PNG.
        page = os.path.join(d, "post.html")
        p = dispsim("report", one, "-o", page)
        with open(page) as f:
            body = f.read()
        check(p.stderr.startswith("dispsim report: 3 charts") and body.count("data:image/png;base64,") == 3
              and "Posterior predictive" in body, "report draws the posterior page's 3 charts")

        # A bad calibration file: exit 65, its position in the message, no output file.
        bad = os.path.join(d, "bad.yaml")
        with open(TINY) as f:
            text = f.read().replace("path: choice.leave.asc", "path: choice.leave.no_such_field")
        text = text.replace("../scenarios/", os.path.join(SRC, "scenarios") + "/")
        with open(bad, "w") as f:
            f.write(text)
        out = os.path.join(d, "bad.h5")
        p = dispsim("calibrate", bad, "-o", out, expect=65)
        check(re.search(r"bad\.yaml:\d+:\d+: parameters\.leave_asc\.path", p.stderr) is not None,
              "a bad parameter path is reported at its file:line:col")
        check(not os.path.exists(out) and not os.path.exists(out + ".ckpt"), "nothing is written for a bad file")

        # --synthetic: the CSV loads as the observed file of a calibration.
        obs = os.path.join(d, "obs.csv")
        dispsim("calibrate", TINY, "--synthetic", "population.inflow.level_per_day=200,choice.leave.asc=-2.5",
                "-o", obs)
        with open(obs) as f:
            lines = f.read().strip().split("\n")
        check(lines[0] == "series,period,value,unit,source" and len(lines) == 4, "--synthetic writes 3 points")
        syn = os.path.join(d, "syn.yaml")
        with open(syn, "w") as f:
            f.write(text.replace("no_such_field", "asc").replace(
                os.path.join(SRC, "scenarios", "data", "synthetic-observed.csv"), obs))
        # Loading syn.yaml validates obs.csv and finds every target's series and periods in it.
        dispsim("calibrate", syn, "--synthetic", "choice.leave.asc=-2.5", "-o", os.path.join(d, "again.csv"))
        p = dispsim("calibrate", TINY, "--synthetic", "choice.nothing=1", "-o", os.path.join(d, "x.csv"), expect=65)
        check(not os.path.exists(os.path.join(d, "x.csv")), "--synthetic with a bad path writes nothing")
        p = dispsim("calibrate", TINY, "--synthetic", "inflow=300", "-o", os.path.join(d, "x.csv"), expect=65)
        check("prior's support [100, 260], got 300" in p.stderr and not os.path.exists(os.path.join(d, "x.csv")),
              "--synthetic refuses a value outside the prior (parameters by name too)")
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("all calibrate checks passed")


main()
