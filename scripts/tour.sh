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
    # Monitoring: a recorded session against the plan prescribed above.
    fit=$shared/data/fit/files/hrv-activity.fit
    [ -f "$fit" ] || fit=$(ls "$shared"/data/fit/files/*.fit 2>/dev/null | head -n 1)
    if [ -n "$fit" ]; then
        step activity show "$fit"
        "$bin" activity show "$fit"
        plan=$(mktemp)
        "$bin" prescribe examples/profiles/g1-mud-s1-outpatient.json >"$plan"
        step activity zones "$fit" --prescription g1-plan.json
        "$bin" activity zones "$fit" --prescription "$plan"
        rm -f "$plan"
    fi
    # Resting HRV and beat detection on MIT-BIH records.
    ecg=$(ls "$shared"/data/mitdb/*.hea 2>/dev/null | head -n 1)
    if [ -n "$ecg" ]; then
        ecg=${ecg%.hea}
        step ecg peaks "$ecg"
        "$bin" ecg peaks "$ecg"
        step ecg eval "$ecg" --ref atr --detect
        "$bin" ecg eval "$ecg" --ref atr --detect
    fi
    rec=$(ls "$shared"/data/nsr2db/*.hea 2>/dev/null | head -n 1)
    if [ -n "$rec" ]; then
        rec=${rec%.hea}
        step hrv "$rec" --ann ecg
        "$bin" hrv "$rec" --ann ecg
    fi
fi
