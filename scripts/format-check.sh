#!/bin/sh
# Fails when a tracked C file differs from its clang-format layout (run by
# ctest as lint.format; `make format` fixes). Exit 77 (skipped) without
# clang-format or outside a git checkout.
set -eu
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null 2>&1; then
    echo "SKIPPED: clang-format is not installed (scripts/deps.sh test installs it)"
    exit 77
fi
if ! files=$(git ls-files '*.c' '*.h' 2>/dev/null) || [ -z "$files" ]; then
    echo "SKIPPED: not a git checkout, no file list"
    exit 77
fi
# shellcheck disable=SC2086
clang-format --dry-run --Werror $files
echo "clang-format: $(echo "$files" | wc -l) files clean"
