#!/bin/sh
# The 5-minute tour (`make run`): runs rehabit on the shipped examples.
set -eu
bin=${1:-build/release/rehabit}
cd "$(dirname "$0")/.."
"$bin" --version
