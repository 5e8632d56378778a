#!/usr/bin/env bash
# Runs one libFuzzer harness for a given time, one job, at low priority.
# Usage: tests/fuzz/run.sh scenario|results SECONDS [extra libFuzzer options...]
# Needs the fuzzing build (./setup.sh --fuzz, into build-fuzz/). The seed corpus is made on the
# first run (tests/fuzz/make_corpus.sh); inputs the fuzzer finds interesting are kept in
# build-fuzz/work/TARGET, crashes and leaks as build-fuzz/artifacts/TARGET/crash-* or leak-*.
# The last lines printed (stat::...) give the executions, executions per second and new inputs.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?usage: tests/fuzz/run.sh scenario|results SECONDS}
seconds=${2:?usage: tests/fuzz/run.sh scenario|results SECONDS}
shift 2
bin=build-fuzz/fuzz_$target
[ -x "$bin" ] || { echo "run.sh: $bin missing; run ./setup.sh --fuzz first" >&2; exit 1; }
[ -d build-fuzz/corpus/$target ] || tests/fuzz/make_corpus.sh build-fuzz/corpus build-fuzz/dispsim
mkdir -p "build-fuzz/work/$target" "build-fuzz/artifacts/$target"
opts=(-max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 -close_fd_mask=3 -print_final_stats=1
      -artifact_prefix="build-fuzz/artifacts/$target/")
leaks=1
if [ "$target" = results ]; then
  # HDF5 1.10 leaks on the error paths of malformed files (see tests/lsan.supp), and unwinding its
  # frames to match the suppression (fast_unwind_on_malloc=0) would cost most of the speed: leak
  # checks, per input and at exit, are left to the sanitizer test suite and to the full-stack
  # replay in tests/fuzz/README.md.
  opts+=(-detect_leaks=0)
  leaks=0
fi
# res_open reads each results file first in a forked child (results/res_probe.c). A child that
# HDF5 crashes is the defence working, not a finding: its sanitizer report goes to
# artifacts/results/probe-child.PID and libFuzzer's handler, which it inherits, also saves its
# input as a crash-* file there. A finding is a crash of the fuzzer's own process, which ends the
# run with "==ERROR" in its output and a non-zero exit status.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=$leaks:quarantine_size_mb=16:log_path=build-fuzz/artifacts/$target/probe-child}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
exec nice -n 10 "$bin" "${opts[@]}" "$@" "build-fuzz/work/$target" "build-fuzz/corpus/$target"
