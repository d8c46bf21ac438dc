#!/bin/sh
# Runs the rehabit binary of a non-sanitizer build under valgrind memcheck on
# the shipped examples and the shared data (when present); fails on any error
# or leak. usage: scripts/valgrind.sh BUILD_DIR
set -eu
build=${1:-build/dev}
cd "$(dirname "$0")/.."
bin="$build/src/cli/rehabit"
vg="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
fail=0
run() {
    if ! $vg "$bin" "$@" >/dev/null 2>/tmp/rh_vg.log; then
        code=$?
        if [ "$code" -eq 99 ] || grep -q "ERROR SUMMARY: [1-9]" /tmp/rh_vg.log; then
            echo "valgrind: errors in: rehabit $*"; cat /tmp/rh_vg.log; fail=1; return
        fi
    fi
    echo "clean: rehabit $*"
}
run kb check
for f in examples/profiles/*.json; do
    run prescribe "$f"
    run prescribe "$f" --format text --lang zh
done
for f in examples/answers/*.json; do
    run score "$(basename "$f" .json)" "$f"
done
run prescribe fuzz/corpus/profile/bad_age
if [ -d ../shared/data/fit/files ]; then
    for f in $(ls ../shared/data/fit/files/* | head -n 5); do run activity show "$f" --json; done
    run activity check ../shared/data/fit/negative/files/*
    if [ -f ../shared/data/fit/files/hrv-activity.fit ]; then
        run activity show ../shared/data/fit/files/hrv-activity.fit --json
        build_plan=$(mktemp)
        "$bin" prescribe examples/profiles/g1-mud-s1-outpatient.json >"$build_plan"
        run activity zones ../shared/data/fit/files/hrv-activity.fit --prescription "$build_plan"
        rm -f "$build_plan"
    fi
fi
if [ -d ../shared/data/tcx_gpx ]; then
    for f in $(find ../shared/data/tcx_gpx -name '*.tcx' -o -name '*.gpx' | sort | head -n 4); do
        run activity show "$f" --json
    done
fi
run hrm decode 16 4b 00 04 40 03
rec=$(ls ../shared/data/mitdb/*.hea 2>/dev/null | head -n 1 || true)
if [ -n "$rec" ]; then
    rec=${rec%.hea}
    run ecg peaks "$rec" --json
    run ecg eval "$rec" --ref atr --detect
    run hrv "$rec" --ann atr --json --window 300 --method welch --correct
fi
exit $fail
