#!/usr/bin/env bash
# The project's one test command (README, CI): installs deps, builds, starts a throwaway PostgreSQL,
# runs ctest (unit, integration, fuzz replays), libFuzzer runs, the contract, manifest and browser tests.
set -euo pipefail

# Environment: FUZZ_SECONDS (default 60 per target; 0 skips the libFuzzer runs), FUZZ_JOBS (targets
# fuzzed at once, default nproc), CTEST_TIMEOUT (seconds per ctest test, default 900),
# CONTAINER_TEST=1 (also build and test the container image: deploy/container-test.sh, slow).
# Ends with "N passed, N failed" counting the stages: ctest, each fuzz target, the contract tests,
# the Kubernetes manifests, the dashboard in a browser, the container image when asked.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
FUZZ_BUILD_DIR="${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_JOBS="${FUZZ_JOBS:-$(nproc)}"
CTEST_TIMEOUT="${CTEST_TIMEOUT:-900}"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$ROOT/deploy/lib.sh"
[[ "$FUZZ_SECONDS" =~ ^[0-9]+$ ]] || { echo "run-tests: FUZZ_SECONDS must be a number" >&2; exit 2; }
[[ "$FUZZ_JOBS" =~ ^[1-9][0-9]*$ ]] || FUZZ_JOBS=1

passed=0
failed=0
failed_stages=()
stage_pass() {
  passed=$((passed + 1))
  echo "run-tests: PASS $1${2:+ ($2)}"
}
stage_fail() {
  failed=$((failed + 1))
  failed_stages+=("$1")
  echo "run-tests: FAIL $1${2:+ ($2)}" >&2
}
finish() {
  echo
  [ "${#failed_stages[@]}" -eq 0 ] || echo "failed: ${failed_stages[*]}"
  echo "$passed passed, $failed failed"
  if [ "$failed" -eq 0 ]; then
    exit 0
  fi
  exit 1
}

PG_DIR=""
WORK_DIR=""
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  if [ -n "$PG_DIR" ]; then
    mkdir -p "$BUILD_DIR/test-logs"
    cp "$PG_DIR/server.log" "$BUILD_DIR/test-logs/postgres.log" 2>/dev/null || true
    bash "$ROOT/deploy/pg-cluster.sh" stop "$PG_DIR" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  [ -z "$WORK_DIR" ] || rm -rf "$WORK_DIR"
}
trap cleanup EXIT

# Long steps run as background children and are waited for, so INT/TERM act at once: the
# children are sent TERM (timeout(1) passes it on), then cleanup stops PostgreSQL.
CHILDREN=()
# shellcheck disable=SC2317 # invoked by the INT/TERM traps
on_signal() {
  trap - INT TERM
  echo "run-tests: interrupted; stopping" >&2
  local pid
  for pid in "${CHILDREN[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${CHILDREN[@]}"; do
    wait_for_exit "$pid" 100
  done
  exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
forget_child() {
  local pid kept=()
  for pid in "${CHILDREN[@]}"; do
    [ "$pid" = "$1" ] || kept+=("$pid")
  done
  CHILDREN=("${kept[@]}")
}
run_child() {
  "$@" &
  local pid=$! rc=0
  CHILDREN+=("$pid")
  wait "$pid" || rc=$?
  forget_child "$pid"
  return "$rc"
}

# --- dependencies and build (nothing can be tested without them) -------------------------------
if ! run_child bash "$ROOT/deploy/install-deps.sh"; then
  stage_fail "install-deps"
  finish
fi
if ! BUILD_DIR="$BUILD_DIR" run_child bash "$ROOT/deploy/build.sh"; then
  stage_fail "build"
  finish
fi

# --- house style: every C++ file as clang-format (root .clang-format) writes it ------------------
if command -v clang-format >/dev/null && git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  mapfile -t cxx_files < <(git -C "$ROOT" ls-files '*.cpp' '*.hpp')
  if (cd "$ROOT" && clang-format --dry-run -Werror "${cxx_files[@]}" >/dev/null 2>&1); then
    stage_pass "format" "${#cxx_files[@]} files"
  else
    stage_fail "format" "run: clang-format -i \$(git ls-files '*.cpp' '*.hpp')"
  fi
fi

# --- private PostgreSQL cluster on a free loopback port -----------------------------------------
# Free means nothing accepts a connection on it; ports come from below the ephemeral range.
port_is_free() {
  local rc=0
  port_probe "$1" || rc=$?
  [ "$rc" -eq 1 ]
}
pick_port() {
  local attempt port
  for ((attempt = 0; attempt < 50; attempt++)); do
    port=$((20000 + RANDOM % 12000))
    if port_is_free "$port"; then
      echo "$port"
      return 0
    fi
  done
  echo "run-tests: no free loopback port found in 50 tries" >&2
  return 1
}

WORK_DIR="$(mktemp -d /tmp/relay-tests.XXXXXX)"
PG_DIR="$(mktemp -d /tmp/relay-pg.XXXXXX)"
export PG_FAST_UNSAFE=1
pg_started=0
for ((attempt = 0; attempt < 3; attempt++)); do
  port="$(pick_port)" || break
  if bash deploy/pg-cluster.sh init "$PG_DIR" "$port" >/dev/null &&
    bash deploy/pg-cluster.sh start "$PG_DIR" "$port"; then
    pg_started=1
    break
  fi
done
if [ "$pg_started" -ne 1 ]; then
  stage_fail "postgres" "could not start a private cluster"
  finish
fi
RELAY_TEST_DATABASE_URL="$(bash deploy/pg-cluster.sh url "$PG_DIR")"
export RELAY_TEST_DATABASE_URL
export RELAY_GATEWAY_BINARY="$BUILD_DIR/relay-gateway"
export RELAY_SIMULATOR_BINARY="$BUILD_DIR/metriport-sim"
# Every simulator the integration tests start records the send bodies and webhooks it saw here;
# the contract stage checks them against Metriport's own schemas.
export RELAY_CAPTURE_DIR="$BUILD_DIR/contract-capture"
rm -rf "$RELAY_CAPTURE_DIR"
mkdir -p "$RELAY_CAPTURE_DIR"

# --- ctest: unit, integration and fuzz corpus replays -------------------------------------------
ctest_started=$SECONDS
if run_child timeout 1500 ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error \
  --timeout "$CTEST_TIMEOUT" -j "$(nproc)"; then
  stage_pass "ctest" "$((SECONDS - ctest_started))s"
else
  stage_fail "ctest"
fi

# --- libFuzzer: each tests/fuzz/*_fuzz.cpp for FUZZ_SECONDS from a fresh copy of its corpus -------
mapfile -t fuzz_targets < <(find "$ROOT/tests/fuzz" -maxdepth 1 -name '*_fuzz.cpp' -printf '%f\n' |
  sed 's/\.cpp$//' | sort)
if [ "${#fuzz_targets[@]}" -eq 0 ]; then
  echo "run-tests: no fuzz targets in tests/fuzz; libFuzzer runs skipped"
elif [ "$FUZZ_SECONDS" -eq 0 ]; then
  echo "run-tests: FUZZ_SECONDS=0; libFuzzer runs skipped"
elif ! command -v clang++ >/dev/null; then
  echo "run-tests: clang++ not found; libFuzzer runs skipped"
else
  # Warnings are not errors here: clang warns differently from g++, and the g++ build gates them.
  fuzz_built=1
  BUILD_DIR="$FUZZ_BUILD_DIR" BUILD_TYPE=RelWithDebInfo BUILD_TARGETS="${fuzz_targets[*]}" \
    run_child bash deploy/build.sh -DCMAKE_CXX_COMPILER=clang++ -DRELAY_FUZZ=ON -DRELAY_WERROR=OFF \
    "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function" ||
    fuzz_built=0

  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
  run_fuzzer() {
    local name="$1" work="$WORK_DIR/fuzz/$1" binary="$2"
    local seeds="$ROOT/tests/fuzz/corpus/${1%_fuzz}"
    mkdir -p "$work/corpus" "$work/artifacts"
    if [ -d "$seeds" ]; then
      cp -R "$seeds/." "$work/corpus/"
    else
      echo "run-tests: $name has no seed corpus ($seeds)" >"$work/log"
    fi
    exec timeout -k 10 $((FUZZ_SECONDS + 300)) "$binary" -max_total_time="$FUZZ_SECONDS" \
      -rss_limit_mb=2048 -max_len=65536 -timeout=30 -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/" "$work/corpus" >>"$work/log" 2>&1
  }
  report_fuzzer() {
    local name="$1" rc="$2" binary="$3" work="$WORK_DIR/fuzz/$1"
    if [ "$rc" -eq 0 ]; then
      stage_pass "fuzz $name" "$( (grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$work/log" ||
        true) | sed 's/.*: /runs: /')"
      return
    fi
    local keep="$FUZZ_BUILD_DIR/artifacts/$name"
    rm -rf "$keep"
    mkdir -p "$keep"
    cp -R "$work/artifacts/." "$keep/" 2>/dev/null || true
    cp "$work/log" "$keep/fuzz.log"
    echo "----- $name: last 60 lines of the libFuzzer log (full log and inputs in $keep) -----" >&2
    tail -n 60 "$work/log" >&2
    stage_fail "fuzz $name" "exit $rc; reproduce: ${binary#"$ROOT"/} ${keep#"$ROOT"/}/<crash-file>"
  }

  pending=("${fuzz_targets[@]}")
  while [ "${#pending[@]}" -gt 0 ]; do
    batch=("${pending[@]:0:$FUZZ_JOBS}")
    pending=("${pending[@]:$FUZZ_JOBS}")
    pids=()
    binaries=()
    for name in "${batch[@]}"; do
      binary="$(find "$FUZZ_BUILD_DIR" -type f -name "$name" -perm -u+x -print -quit 2>/dev/null)"
      binaries+=("$binary")
      if [ "$fuzz_built" -ne 1 ] || [ -z "$binary" ]; then
        pids+=("")
        continue
      fi
      echo "run-tests: fuzzing $name for ${FUZZ_SECONDS}s"
      run_fuzzer "$name" "$binary" &
      pids+=("$!")
      CHILDREN+=("$!")
    done
    for i in "${!batch[@]}"; do
      if [ -z "${pids[$i]}" ]; then
        stage_fail "fuzz ${batch[$i]}" "not built"
        continue
      fi
      rc=0
      wait "${pids[$i]}" || rc=$?
      forget_child "${pids[$i]}"
      report_fuzzer "${batch[$i]}" "$rc" "${binaries[$i]}"
    done
  done
fi

# --- contract tests with Metriport's npm packages: the SDK against the simulator, and the gateway's
# captured traffic against @metriport/shared's schemas and the SDK's signature check ---------------
if [ -f "$ROOT/tests/contract/package.json" ]; then
  if ! command -v npm >/dev/null; then
    stage_fail "contract" "tests/contract/package.json exists but npm is not installed"
  elif run_child env -C "$ROOT/tests/contract" METRIPORT_SIM_BINARY="$RELAY_SIMULATOR_BINARY" \
    timeout 900 npm test; then
    stage_pass "contract"
  else
    stage_fail "contract"
  fi
else
  echo "run-tests: tests/contract/package.json absent; contract tests skipped"
fi

# --- Kubernetes manifests: schemas (kubernetes-models, CloudNativePG), no unknown fields, the rules
# of deploy/k8s; kustomize rendering when kubectl is installed ------------------------------------
if ! command -v npm >/dev/null; then
  stage_fail "k8s manifests" "npm is not installed"
elif run_child env -C "$ROOT/deploy/k8s/test" timeout 600 npm test; then
  stage_pass "k8s manifests"
else
  stage_fail "k8s manifests"
fi

# --- the operations dashboard in Debian's chromium (playwright-core, axe-core from the lock file)
# against a real gateway, PostgreSQL and the simulator; screenshots in build/test-artefacts ---------
if ! command -v npm >/dev/null; then
  stage_fail "browser" "npm is not installed"
elif ! [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  stage_fail "browser" "chromium is not installed (deploy/install-deps.sh installs it)"
elif run_child env -C "$ROOT/tests/browser" timeout 300 npm ci --no-audit --no-fund &&
  run_child env -C "$ROOT/tests/browser" RELAY_BROWSER_ARTEFACTS="$BUILD_DIR/test-artefacts/dashboard" \
    timeout 600 npm test; then
  stage_pass "browser"
else
  stage_fail "browser" "screenshots and logs: $BUILD_DIR/test-artefacts/dashboard"
fi

# --- container image (slow: a full compile inside podman): only with CONTAINER_TEST=1 ------------
if [ "${CONTAINER_TEST:-0}" = 1 ]; then
  if RELAY_SIMULATOR_BINARY="$RELAY_SIMULATOR_BINARY" run_child timeout 7200 \
    bash "$ROOT/deploy/container-test.sh"; then
    stage_pass "container"
  else
    stage_fail "container"
  fi
else
  echo "run-tests: CONTAINER_TEST is not 1; the container image test (deploy/container-test.sh) skipped"
fi

finish
