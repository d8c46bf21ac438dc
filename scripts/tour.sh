#!/bin/sh
# The 5-minute tour (`make run`): rehabit on the shipped examples.
# usage: scripts/tour.sh [path/to/rehabit]
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/release/src/cli/rehabit}
shared=../shared

step() {
    printf '\n\033[1m$ rehabit %s\033[0m\n' "$*"
}

step --version
"$bin" --version

step kb check
"$bin" kb check | head -6

step score phq9 examples/answers/phq9.json "(first lines)"
"$bin" score phq9 examples/answers/phq9.json | head -24

step screen examples/profiles/g3-runner-chest-pain-refer.json "(first lines)"
"$bin" screen examples/profiles/g3-runner-chest-pain-refer.json | head -40

step prescribe examples/profiles/g1-mud-s1-outpatient.json --format text
"$bin" prescribe examples/profiles/g1-mud-s1-outpatient.json --format text

step prescribe examples/profiles/p2-hsp-late-subacute.json --format text --lang zh
"$bin" prescribe examples/profiles/p2-hsp-late-subacute.json --format text --lang zh

for f in examples/profiles/*.json; do
    printf '%-44s ' "$(basename "$f")"
    "$bin" screen "$f" | awk -F'"' '
        /"code": "[AB][123]"/ && !c { c = $4 }
        /"decision":/ { d[++n] = $4 }
        /"stage":/ && !s { s = $4 }
        END { printf "ACSM %s  exercise %-26s rTMS %-19s stage %s\n", c, d[1], d[2], s }'
done

if [ -d "$shared/data" ]; then
    fit=$(ls "$shared"/data/fit/files/*.fit 2>/dev/null | head -n 1)
    if [ -n "$fit" ] && "$bin" activity --help >/dev/null 2>&1; then
        step activity show "$fit" --summary
        "$bin" activity show "$fit" --summary
    fi
    if [ -f "$shared/data/mitdb/101.hea" ] && "$bin" hrv --help >/dev/null 2>&1; then
        step hrv "$shared/data/mitdb/101" --ann atr "(first lines)"
        "$bin" hrv "$shared/data/mitdb/101" --ann atr --json | head -30
    fi
fi
