"""Issue 6's proofs, on the default study (scenarios/inspector-study.yaml, 3 replications of its 6
variants): the results file is the same, dataset by dataset and bit for bit (and byte for byte as a
file), when written by

  1. one process, one thread;          2. one process, two threads;
  3. two MPI ranks (mpirun --oversubscribe, started here);
  4. three shards (--shard i/3) merged by dispsim merge;
  5. a run killed with SIGKILL part-way (its checkpoint's last record torn on purpose) and resumed;
  6. a run stopped by SIGTERM (exit 75) and one by SIGUSR1 (exit 75), each resumed;
  7. an MPI run stopped by SIGTERM to mpirun and resumed under mpirun.

Also: the thread count comes from -j, else SLURM_CPUS_PER_TASK, else OMP_NUM_THREADS.

A killed run must leave no results file, and `dispsim info` must call its checkpoint INCOMPLETE
(exit 75). `dispsim reproduce` must pass on the study's file and fail, naming the dataset, on a copy
whose data were altered with h5py.

Run by ctest with Debian's /usr/bin/python3: hpc_check.py DISPSIM SOURCE_DIR."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

BIN, SRC = sys.argv[1], sys.argv[2]
STUDY = os.path.join(SRC, "scenarios", "inspector-study.yaml")
REPS = "3"
# mpirun as root needs these; a container may forbid the cross-memory attach of shared memory.
MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_btl_vader_single_copy_mechanism="none", OMPI_MCA_rmaps_base_oversubscribe="1",
               OMPI_MCA_mca_base_component_disable_dlclose="1")
# Under the sanitizer build: Open MPI is built without frame pointers, so leak reports need the slow
# unwinder to reach the frames that tests/lsan.supp names.
if "ASAN_OPTIONS" in os.environ:
    MPI_ENV["ASAN_OPTIONS"] = os.environ["ASAN_OPTIONS"] + ":fast_unwind_on_malloc=0"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def run(args, env=None, expect=0):
    p = subprocess.run(args, capture_output=True, text=True, env=env)
    if p.returncode != expect:
        sys.stderr.write(p.stdout + p.stderr)
    check(p.returncode == expect, f"{' '.join(os.path.basename(a) for a in args[:3])} ... exits {expect} "
                                  f"(got {p.returncode})")
    return p


def dispsim(*args, expect=0):
    return run([BIN, *args], expect=expect)


def mpirun(*args, expect=0):
    return run(["mpirun", "-n", "2", "--oversubscribe", BIN, *args], env=MPI_ENV, expect=expect)


def datasets(path):
    """Every dataset of the file: name -> (dtype, shape, bytes)."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                data = obj[()]
                raw = data.tobytes() if isinstance(data, np.ndarray) and data.dtype.kind != "O" else repr(data)
                out[name] = (str(obj.dtype), obj.shape, raw)
        f.visititems(visit)
    return out


def same_as(reference, path, what):
    a, b = datasets(reference), datasets(path)
    differ = [k for k in a if k not in b or a[k] != b[k]] + [k for k in b if k not in a]
    check(len(a) > 20 and not differ, f"{what}: {len(a)} datasets bit for bit equal to one process"
          + (f"; differ: {differ[:5]}" if differ else ""))
    with open(reference, "rb") as x, open(path, "rb") as y:
        check(x.read() == y.read(), f"{what}: the file is byte for byte the same")


def wait_for_records(ckpt, n, proc, timeout=300):
    """Waits until the checkpoint holds at least n records (its size says so)."""
    rec = None
    t0 = time.time()
    while time.time() - t0 < timeout and proc.poll() is None:
        if os.path.exists(ckpt) and os.path.getsize(ckpt) > 4096:
            with open(ckpt, "rb") as f:
                head = f.read(4096).decode("latin-1")
            fields = dict(l.split("=", 1) for l in head.split("\n") if "=" in l)
            rec = 24 + 8 * int(fields["rep_values"]) + 8 * int(fields["streams"])
            if (os.path.getsize(ckpt) - 4096) // rec >= n:
                return rec
        time.sleep(0.05)
    check(False, f"{ckpt}: {n} records appeared in time")
    return rec


def interrupt(args, out, sig, records=2, env=None):
    """Starts a run, sends `sig` once `records` replications are checkpointed, returns the exit code."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    rec = wait_for_records(out + ".ckpt", records, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err, rec


def main():
    d = tempfile.mkdtemp(prefix="dispsim_hpc_")
    common = [STUDY, "-r", REPS, "-q"]
    try:
        one = os.path.join(d, "one.h5")
        dispsim("run", *common, "-j", "1", "-o", one)

        two = os.path.join(d, "threads.h5")
        dispsim("run", *common, "-j", "2", "-o", two)
        same_as(one, two, "2 threads")

        ranks = os.path.join(d, "ranks.h5")
        mpirun("run", *common, "-j", "1", "-o", ranks)
        same_as(one, ranks, "2 MPI ranks")
        check(not [f for f in os.listdir(d) if ".tmp." in f or f.endswith(".ckpt")],
              "2 MPI ranks: no temporary file or checkpoint left")

        shards = [os.path.join(d, f"shard{i}.h5") for i in (1, 2, 3)]
        for i, s in enumerate(shards, 1):
            dispsim("run", *common, "-j", "2", "--shard", f"{i}/3", "-o", s)
        merged = os.path.join(d, "merged.h5")
        dispsim("merge", "-o", merged, *shards)
        same_as(one, merged, "3 shards merged")

        # SIGKILL part-way; then the last record is torn, as a kill in the middle of a write would.
        killed = os.path.join(d, "killed.h5")
        rc, _, rec = interrupt([BIN, "run", *common, "-j", "2", "-o", killed], killed, signal.SIGKILL, records=3)
        check(rc == -signal.SIGKILL, f"SIGKILL: the run was killed (status {rc})")
        check(not os.path.exists(killed), "SIGKILL: no results file")
        info = dispsim("info", killed, expect=66)
        check("--resume" in info.stderr, "info on the killed run's output points to the checkpoint")
        info = dispsim("info", killed + ".ckpt", expect=75)
        check("INCOMPLETE" in info.stdout, "info calls the checkpoint INCOMPLETE")
        size = os.path.getsize(killed + ".ckpt")
        with open(killed + ".ckpt", "r+b") as f:
            f.truncate(size - rec // 2)
        dispsim("run", *common, "-j", "2", "-o", killed, expect=73)  # without --resume: refused
        p = dispsim("run", STUDY, "-r", REPS, "-j", "2", "-o", killed, "--resume")
        check("torn" in p.stderr, "resume reports the torn record it dropped")
        same_as(one, killed, "SIGKILL part-way, then --resume")
        check(not os.path.exists(killed + ".ckpt"), "the checkpoint is deleted once the file is written")

        # The graceful signals: exit 75, checkpoint kept, resume identical.
        for sig in (signal.SIGTERM, signal.SIGUSR1):
            out = os.path.join(d, f"{sig.name}.h5")
            rc, err, _ = interrupt([BIN, "run", *common[:-1], "-j", "2", "-o", out], out, sig)
            check(rc == 75 and "--resume" in err, f"{sig.name}: exit 75 and how to resume (got {rc})")
            check(not os.path.exists(out), f"{sig.name}: no results file")
            dispsim("run", *common, "-j", "2", "-o", out, "--resume")
            same_as(one, out, f"{sig.name}, then --resume")

        # Resuming with other options is refused, naming what differs.
        other = os.path.join(d, "other.h5")
        interrupt([BIN, "run", *common, "-j", "1", "-o", other], other, signal.SIGTERM, records=1)
        p = dispsim("run", *common, "--seed", "7", "-o", other, "--resume", expect=65)
        check("you ran --seed 7, the checkpoint has --seed " in p.stderr,
              "resume with another seed is refused, in the options' terms (--seed 7 against the checkpoint's)")
        p = dispsim("run", STUDY, "-r", "2", "-q", "-o", other, "--resume", expect=65)
        check("you ran -r 2, the checkpoint has -r " in p.stderr,
              "resume with other replications is refused, naming -r as given and as checkpointed")

        # MPI: SIGTERM to mpirun (as Slurm's time limit would), then resume under mpirun.
        mpi = os.path.join(d, "mpi.h5")
        rc, _, _ = interrupt(["mpirun", "-n", "2", "--oversubscribe", BIN, "run", *common, "-j", "1", "-o", mpi],
                             mpi, signal.SIGTERM, env=MPI_ENV)
        check(rc != 0 and not os.path.exists(mpi), f"MPI + SIGTERM: stopped (status {rc}), no results file")
        mpirun("run", *common, "-j", "1", "-o", mpi, "--resume")
        same_as(one, mpi, "2 MPI ranks, SIGTERM, then --resume under mpirun")

        # Thread counts from the environment: -j, else SLURM_CPUS_PER_TASK, else OMP_NUM_THREADS.
        short = os.path.join(d, "short.yaml")
        with open(STUDY) as f, open(short, "w") as g:
            # The variants from the start date: 2023-01-01 would be after the run, which is refused.
            g.write(f.read().replace("horizon_days: 365", "horizon_days: 10").replace("warmup_days: 90",
                    "warmup_days: 0").replace("from: 2023-01-01", "from: 2022-10-03")
                    .replace("from: 2023-07-10, to: 2023-07-17", "from: 2022-10-05, to: 2022-10-12"))
        base = {k: v for k, v in os.environ.items() if k not in ("SLURM_CPUS_PER_TASK", "OMP_NUM_THREADS")}
        for extra, args, want in (({"SLURM_CPUS_PER_TASK": "2", "OMP_NUM_THREADS": "1"}, [], 2),
                                  ({"OMP_NUM_THREADS": "1"}, [], 1), ({"OMP_NUM_THREADS": "2"}, [], 2),
                                  ({"SLURM_CPUS_PER_TASK": "2"}, ["-j", "1"], 1)):
            timing = os.path.join(d, "timing")
            run([BIN, "run", short, "-r", "2", "-q", "-f", "-o", os.path.join(d, "t.h5"), "--timing", timing,
                 *args], env=dict(base, **extra))
            with open(timing) as f:
                got = dict(l.strip().split("=", 1) for l in f if "=" in l)
            check(got.get("threads") == str(want), f"{extra} {args}: {want} thread(s) (got {got.get('threads')})")

        # Reproduction of the study's file, and of a copy with one value altered.
        p = dispsim("reproduce", one, "-j", "2")
        check("bit for bit" in p.stdout, "reproduce passes on the default study's file")
        altered = os.path.join(d, "altered.h5")
        shutil.copy(one, altered)
        with h5py.File(altered, "r+") as f:
            f["totals/arrivals"][0, 0, 0] += 1
        p = dispsim("reproduce", altered, "-j", "2", expect=65)
        check("totals/arrivals" in p.stdout + p.stderr, "reproduce fails on the altered copy, naming totals/arrivals")
    finally:
        shutil.rmtree(d, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("all checks passed")


main()
