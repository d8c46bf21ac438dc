#!/bin/sh
# Benchmarks, one section per topic (see bench/README.md). usage: bench/run.sh BUILD_DIR
# Instruction counts come from callgrind (repeatable on a noisy machine);
# wall times are best-of-N and only meaningful as ratios on the same machine.
set -eu
build=${1:-build/release}
shared=${RH_SHARED_DIR:-../shared}

# --- wearable formats (issue 4): FIT decode into the activity model --------
if [ -d "$shared/data/fit/files" ]; then
  fitdir="$shared/data/fit/files"
  bytes=$(cat "$fitdir"/* | wc -c)
  echo "== FIT: full decode into the activity model ($bytes bytes, $(ls "$fitdir" | wc -l) files)"
  "$build/bench/bench_fit" "$fitdir" 20
  if command -v valgrind >/dev/null 2>&1; then
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect=bench_decode_all \
      "$build/bench/bench_fit" "$fitdir" 1 >/dev/null 2>&1
    ir=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}')
    rm -f "$out"
    echo "callgrind: $ir instructions for $bytes bytes = $(awk "BEGIN {printf \"%.1f\", $ir / $bytes}") instructions/byte"
  fi
  echo "== rehabit activity check over the corpus (whole process, best of 5)"
  best=999
  for i in 1 2 3 4 5; do
    t0=$(date +%s.%N)
    "$build/src/cli/rehabit" activity check "$fitdir"/* >/dev/null || true
    t1=$(date +%s.%N)
    best=$(awk "BEGIN {d = $t1 - $t0; print (d < $best) ? d : $best}")
  done
  echo "activity check, 66 files: ${best} s"
  if command -v gpsbabel >/dev/null 2>&1; then
    echo "== GPSBabel 1.8 (partial read: tracks only) over the same files, best of 3"
    best=999
    for i in 1 2 3; do
      t0=$(date +%s.%N)
      for f in "$fitdir"/*; do
        gpsbabel -i garmin_fit -f "$f" -o unicsv -F /dev/null >/dev/null 2>&1 || true
      done
      t1=$(date +%s.%N)
      best=$(awk "BEGIN {d = $t1 - $t0; print (d < $best) ? d : $best}")
    done
    echo "gpsbabel: ${best} s = $(awk "BEGIN {printf \"%.1f\", $bytes / $best / 1e6}") MB/s (whole processes)"
    t0=$(date +%s.%N)
    for f in "$fitdir"/*; do "$build/src/cli/rehabit" activity show --csv "$f" >/dev/null 2>&1 || true; done
    t1=$(date +%s.%N)
    echo "rehabit activity show --csv per file, same loop: $(awk "BEGIN {print $t1 - $t0}") s"
  fi
else
  echo "== FIT: skipped ($shared/data/fit absent)"
fi

# --- screening + prescription (issue 2): batch throughput --------------------
echo "== prescribe: every example profile through screen + prescribe + JSON, 200 rounds"
"$build/bench/bench_prescribe" 200 examples/profiles
if command -v valgrind >/dev/null 2>&1; then
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect=bench_one_round \
    "$build/bench/bench_prescribe" 1 examples/profiles >/dev/null 2>&1
  ir=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}')
  n=$(ls examples/profiles/*.json | wc -l)
  rm -f "$out"
  echo "callgrind: $ir instructions for $n profiles = $(awk "BEGIN {printf \"%.2f\", $ir / $n / 1e6}") M instructions per profile"
fi
