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
if [ "$target" = results ]; then
  # HDF5 1.10 leaks on the error paths of malformed files (see tests/lsan.supp), and symbolising
  # its frames to match suppressions would cost most of the speed: leaks are left to the
  # sanitizer test suite, which checks the results layer on valid and damaged files.
  opts+=(-detect_leaks=0)
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
exec nice -n 10 "$bin" "${opts[@]}" "$@" "build-fuzz/work/$target" "build-fuzz/corpus/$target"
