#!/usr/bin/env bash
# Configures and builds relay-gateway with CMake (Release, warnings as errors), incrementally.
# Quiet on success (one line); on failure prints the captured compiler output so CI shows the error.
set -euo pipefail

# Usage: deploy/build.sh [extra cmake configure arguments...]
# Environment: BUILD_DIR (default <repo>/build), BUILD_TARGETS (space-separated; default: all),
#              BUILD_TYPE (default Release), BUILD_JOBS (default nproc).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
BUILD_TYPE="${BUILD_TYPE:-Release}"
BUILD_JOBS="${BUILD_JOBS:-$(nproc)}"
read -r -a TARGETS <<<"${BUILD_TARGETS:-}"

mkdir -p "$BUILD_DIR"
LOG="$BUILD_DIR/build.log"
started=$SECONDS

show_log_and_fail() {
  echo "build: $1 failed; output follows ($LOG)" >&2
  # Compiler errors come first in a failed log; keep CI output bounded.
  if [ "$(wc -l <"$LOG")" -gt 300 ]; then
    echo "----- error lines -----" >&2
    grep -n -E ': (fatal )?error:|undefined reference|CMake Error|\*\*\* \[' "$LOG" | head -n 40 >&2 || true
    echo "----- last 150 lines -----" >&2
    tail -n 150 "$LOG" >&2
  else
    cat "$LOG" >&2
  fi
  exit 1
}

if ! timeout 600 cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DRELAY_WERROR=ON \
  "$@" >"$LOG" 2>&1; then
  show_log_and_fail "configure"
fi

target_args=()
if [ "${#TARGETS[@]}" -gt 0 ]; then
  target_args=(--target "${TARGETS[@]}")
fi
if ! timeout 1800 cmake --build "$BUILD_DIR" -j "$BUILD_JOBS" "${target_args[@]}" >>"$LOG" 2>&1; then
  show_log_and_fail "build"
fi

echo "build: ok (${BUILD_DIR#"$ROOT"/}, $((SECONDS - started))s)"
