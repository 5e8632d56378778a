#!/usr/bin/env bash
# Builds the seed corpora of the two fuzz harnesses into DIR (default build-fuzz/corpus):
#   DIR/scenario: scenarios/*.yaml, tests/bad/*.yaml and tests/fuzz/seeds/*.yaml
#   DIR/results:  small results files written by DISPSIM (default build/dispsim) from shortened
#                 copies of the baseline (with and without the population), each also without its
#                 checksum trailer (so mutations reach HDF5's parser), plus a newer-schema file,
#                 a run's checkpoint and a few non-HDF5 files.
# Usage: tests/fuzz/make_corpus.sh [DIR] [DISPSIM]
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-build-fuzz/corpus}
bin=${2:-build/dispsim}
mkdir -p "$dir/scenario" "$dir/results"
cp scenarios/*.yaml tests/bad/*.yaml tests/fuzz/seeds/*.yaml "$dir/scenario/"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Three days without warm-up keeps the files small (tens of kilobytes), which fuzzes faster.
short='s/^  warmup_days: .*/  warmup_days: 0/; s/^  horizon_days: .*/  horizon_days: 3/'
sed "$short" scenarios/baseline.yaml >"$tmp/full.yaml"
sed "$short; /^population:/,\$d" scenarios/baseline.yaml >"$tmp/ports.yaml"
for s in full ports; do
  for r in 1 2; do
    "$bin" run "$tmp/$s.yaml" -r "$r" -j 1 -q --force -o "$dir/results/$s-r$r.h5"
    head -c -24 "$dir/results/$s-r$r.h5" >"$dir/results/$s-r$r-untrailed.h5"
  done
done
# A newer schema, forged with h5py where it is installed (it drops the trailer, as any rewrite does).
cp "$dir/results/ports-r1.h5" "$dir/results/schema99.h5"
/usr/bin/python3 -c 'import sys, h5py; h5py.File(sys.argv[1], "r+").attrs["dispsim_schema_version"] = 99' \
  "$dir/results/schema99.h5" 2>/dev/null || rm -f "$dir/results/schema99.h5"
# A checkpoint, as an interrupted run leaves one (dispsim info reads those too): under a file-size
# limit the final write fails and the checkpoint of both replications is kept.
prlimit --fsize=20000 "$bin" run "$tmp/full.yaml" -r 2 -j 1 -q --force -o "$tmp/ck.h5" 2>/dev/null || true
[ -f "$tmp/ck.h5.ckpt" ] && cp "$tmp/ck.h5.ckpt" "$dir/results/checkpoint.h5"
printf 'not an HDF5 file\n' >"$dir/results/text.h5"
head -c 100 "$dir/results/ports-r1.h5" >"$dir/results/truncated.h5"
: >"$dir/results/empty.h5"
echo "corpus in $dir: $(ls "$dir/scenario" | wc -l) scenarios, $(ls "$dir/results" | wc -l) results files"
