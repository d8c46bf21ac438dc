#!/bin/sh
# Installs the Debian 12 packages rehabit needs, only when some are missing.
# Runs apt-get as root, or through `sudo -n`; otherwise prints the exact command
# to run and fails. usage: scripts/deps.sh [build|test|fuzz|bench|all]
set -eu

what=${1:-build}
pkgs="build-essential cmake ninja-build pkg-config libjansson-dev libsodium-dev libexpat1-dev"
case "$what" in
  build) ;;
  test) pkgs="$pkgs libcmocka-dev clang-format" ;;
  fuzz) pkgs="$pkgs libcmocka-dev clang libclang-rt-14-dev" ;;
  bench) pkgs="$pkgs libcmocka-dev valgrind gpsbabel" ;;
  all) pkgs="$pkgs libcmocka-dev clang libclang-rt-14-dev valgrind gpsbabel clang-format" ;;
  *) echo "usage: $0 [build|test|fuzz|bench|all]" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

echo "rehabit: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
  run=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run="sudo -n"
else
  echo "rehabit: cannot install packages (not root, no passwordless sudo). Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -qq
# shellcheck disable=SC2086
$run apt-get install -y -qq --no-install-recommends $missing
