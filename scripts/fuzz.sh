#!/bin/sh
# Runs every libFuzzer target for SECONDS each, starting from a copy of its
# seed corpus (the stored seeds are not modified). Crash inputs are kept in
# build/fuzz/findings/<target>/. usage: scripts/fuzz.sh BUILD_DIR SECONDS
set -eu
build=${1:-build/fuzz}
secs=${2:-60}
cd "$(dirname "$0")/.."
status=0
for bin in "$build"/fuzz/fuzz_*; do
    name=$(basename "$bin" | sed 's/^fuzz_//')
    work="$build/findings/$name"
    mkdir -p "$work/corpus"
    cp -n fuzz/corpus/"$name"/* "$work/corpus/" 2>/dev/null || true
    echo "== $name ($secs s)"
    if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
        -artifact_prefix="$work/" "$work/corpus" 2>"$work/log" ; then
        echo "   FAILED: see $work/log"
        status=1
    fi
    grep -E "DONE|SUMMARY" "$work/log" | tail -n 2 | sed 's/^/   /'
done
exit $status
