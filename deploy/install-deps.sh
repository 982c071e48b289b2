#!/usr/bin/env bash
# Installs what building, running and testing relay-gateway needs: Debian packages and the npm
# packages of the Node test projects. Idempotent: a second run installs nothing new.
set -euo pipefail

# Usage: deploy/install-deps.sh [--build-only]
#   --build-only  only what compiling relay-gateway needs (the container image's builder stage)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_ONLY=0
case "${1:-}" in
  "") ;;
  --build-only) BUILD_ONLY=1 ;;
  *)
    echo "usage: deploy/install-deps.sh [--build-only]" >&2
    exit 2
    ;;
esac
# Compiling relay-gateway (libsystemd-dev: systemd notifications, built in when present).
BUILD_PACKAGES=(
  build-essential cmake pkg-config ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-test1.81-dev
  libpugixml-dev libpqxx-dev libpq-dev libssl-dev libsystemd-dev
  prometheus-cpp-dev  # GET /metrics: prometheus-cpp's core (registry, text format)
)
# Running and testing it (systemd: systemd-analyze for the unit's checks).
TEST_PACKAGES=(
  git curl
  postgresql-15 postgresql-client-15
  clang libclang-rt-14-dev clang-format
  wrk postgresql-contrib systemd
  prometheus          # promtool: the tests check a real scrape and deploy/prometheus/alerts.yml
  chromium            # the dashboard's browser tests (tests/browser) drive it with playwright-core
)
APT_PACKAGES=("${BUILD_PACKAGES[@]}")
[ "$BUILD_ONLY" -eq 1 ] || APT_PACKAGES+=("${TEST_PACKAGES[@]}")

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: Debian packages already installed"
fi

[ "$BUILD_ONLY" -eq 0 ] || exit 0
# Node test projects: the contract tests and the Kubernetes manifest checks (pinned by their locks).
for project in tests/contract deploy/k8s/test; do
  if [ -f "$ROOT/$project/package.json" ] && command -v npm >/dev/null; then
    if [ ! -d "$ROOT/$project/node_modules" ]; then
      (cd "$ROOT/$project" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
done
