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
  # The same with freed memory kept by glibc between files (no trimming, no
  # mmap): the decoder without the kernel handing the model's pages out again
  # for every file, which dominates the wall time above on some machines.
  printf 'model memory kept between files: '
  MALLOC_TRIM_THRESHOLD_=1000000000 MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TOP_PAD_=100000000 \
    "$build/bench/bench_fit" "$fitdir" 20 | tail -n 1
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

# --- heart signals (issue 3): QRS detection, HRV ---------------------------
if [ -d "$shared/data/mitdb" ]; then
  mitdb="$shared/data/mitdb"
  nrec=$(ls "$mitdb"/*.hea | wc -l)
  echo "== QRS: detection incl. file decoding, MIT-BIH DS1 ($nrec records of 30 min, 2 x 360 Hz)"
  for leads in 2 1; do
    "$build/bench/bench_qrs" "$mitdb" 5 $leads | tail -1
  done
  if command -v valgrind >/dev/null 2>&1; then
    for fn in bench_detect_record:2 bench_detect_record:1 bench_decode_record:2; do
      out=$(mktemp)
      valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect="${fn%:*}" \
        "$build/bench/bench_qrs" "$mitdb" 1 "${fn#*:}" >/dev/null 2>&1
      ir=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}')
      rm -f "$out"
      what="detection incl. decoding, ${fn#*:} lead(s)"
      [ "${fn%:*}" = bench_decode_record ] && what="decoding alone (header, read, checksums)"
      echo "callgrind: $what: $(awk "BEGIN {printf \"%.1f\", $ir / $nrec / 1e6}") M instructions/record (gqrs: about 408 M)"
    done
  fi
  echo "== EC57 accuracy of the same runs (rehabit ecg eval --detect, gross)"
  for leads in 2 1; do
    printf "%s lead(s): " $leads
    "$build/src/cli/rehabit" ecg eval $(ls "$mitdb"/*.hea | sed 's/\.hea$//') --ref atr --detect \
      --leads $leads | awk '/^gross/ {print "TP " $2 " FN " $3 " FP " $4 "  Se " $5 " %  +P " $6 " %"}'
  done
else
  echo "== QRS: skipped ($shared/data/mitdb absent)"
fi
if [ -d "$shared/data/nsr2db" ]; then
  for rec in nsr001 nsr004; do
    echo "== HRV of a 24 h RR series: nsr2db $rec (best of 10)"
    "$build/bench/bench_hrv" "$shared/data/nsr2db/$rec" ecg 10
    if command -v valgrind >/dev/null 2>&1; then
      out=$(mktemp)
      valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect=bench_hrv_full \
        "$build/bench/bench_hrv" "$shared/data/nsr2db/$rec" ecg 1 >/dev/null 2>&1
      ir=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}')
      rm -f "$out"
      echo "callgrind: full HRV (time + Lomb + Welch + SD1/SD2 + DFA): $(awk "BEGIN {printf \"%.0f\", $ir / 1e6}") M instructions"
    fi
  done
  echo "== rehabit hrv nsr001 --ann ecg --json, whole process (best of 5)"
  best=999
  for i in 1 2 3 4 5; do
    t0=$(date +%s.%N)
    "$build/src/cli/rehabit" hrv "$shared/data/nsr2db/nsr001" --ann ecg --json >/dev/null
    t1=$(date +%s.%N)
    best=$(awk "BEGIN {d = $t1 - $t0; print (d < $best) ? d : $best}")
  done
  echo "rehabit hrv (24 h, incl. reading the annotations and printing): ${best} s"
else
  echo "== HRV: skipped ($shared/data/nsr2db absent)"
fi
