#!/usr/bin/env bash
# Installs what building, running and testing relay-gateway needs: Debian packages and the npm
# packages of the contract tests. Idempotent: a second run installs nothing new.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APT_PACKAGES=(
  build-essential cmake pkg-config git curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-test1.81-dev
  libpugixml-dev libpqxx-dev libpq-dev libssl-dev
  postgresql-15 postgresql-client-15
  clang libclang-rt-14-dev clang-format
  wrk postgresql-contrib
  prometheus-cpp-dev  # GET /metrics: prometheus-cpp's core (registry, text format)
  prometheus          # promtool: the tests check a real scrape and deploy/prometheus/alerts.yml
)

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

if [ -f "$ROOT/tests/contract/package.json" ] && command -v npm >/dev/null; then
  if [ ! -d "$ROOT/tests/contract/node_modules" ]; then
    (cd "$ROOT/tests/contract" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
