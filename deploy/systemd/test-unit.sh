#!/usr/bin/env bash
# Checks deploy/systemd: install.sh into a scratch root, `systemd-analyze verify` with no message at
# all, and `systemd-analyze security` rating the unit "OK" with an exposure of at most 2.0.
set -euo pipefail

# Usage: deploy/systemd/test-unit.sh RELAY_GATEWAY_BINARY   (ctest passes the built binary)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BINARY="${1:?usage: test-unit.sh RELAY_GATEWAY_BINARY}"
MAX_EXPOSURE="2.0"
UNIT=relay-gateway.service

fail() {
  echo "test-unit: FAIL $*" >&2
  exit 1
}
command -v systemd-analyze >/dev/null || fail "systemd-analyze not found (deploy/install-deps.sh installs systemd)"

SCRATCH="$(mktemp -d /tmp/relay-systemd.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT
# The units the service refers to (multi-user.target, sysinit.target, ...) come from this system.
mkdir -p "$SCRATCH/usr/lib/systemd"
cp -a /usr/lib/systemd/system "$SCRATCH/usr/lib/systemd/"
RELAY_ROOT="$SCRATCH" RELAY_BINARY="$BINARY" bash "$ROOT/deploy/systemd/install.sh" >/dev/null

[ "$(stat -c %a "$SCRATCH/etc/relay-gateway/credentials")" = 700 ] || fail "credentials folder is not 0700"
[ -x "$SCRATCH/usr/local/bin/relay-gateway" ] || fail "binary not installed"
grep -q '^GATEWAY_OPS_LISTEN=' "$SCRATCH/etc/relay-gateway/relay-gateway.env" || fail "env file not installed"

# verify: a warning (an unknown or misspelt key, a missing binary) is a failure too.
output="$(cd "$SCRATCH" && systemd-analyze verify --man=no --root="$SCRATCH" "$UNIT" 2>&1)" ||
  fail "systemd-analyze verify: $output"
[ -z "$output" ] || fail "systemd-analyze verify said: $output"
echo "test-unit: systemd-analyze verify: clean"

# security: the last line is "→ Overall exposure level for relay-gateway.service: 1.0 OK 🙂".
report="$(systemd-analyze security --no-pager --offline=true --root="$SCRATCH" "$UNIT" 2>&1)" ||
  fail "systemd-analyze security: $report"
overall="$(grep -a 'Overall exposure level' <<<"$report" || true)"
[[ "$overall" =~ :\ ([0-9]+\.[0-9])\ ([A-Z]+) ]] || fail "no exposure level in: $report"
exposure="${BASH_REMATCH[1]}"
rating="${BASH_REMATCH[2]}"
if [ "$rating" != OK ] || awk -v e="$exposure" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e > m) }'; then
  grep -a '✗' <<<"$report" >&2 || true
  fail "exposure $exposure $rating (want OK, at most $MAX_EXPOSURE)"
fi
echo "test-unit: systemd-analyze security: exposure $exposure $rating"

# Type=notify and the credentials the gateway reads through *_FILE are what the unit says.
grep -qx 'Type=notify' "$ROOT/deploy/systemd/$UNIT" || fail "the unit is not Type=notify"
for name in DATABASE_URL GATEWAY_TOKEN_SECRET METRIPORT_API_KEY METRIPORT_WEBHOOK_KEY; do
  grep -qx "Environment=${name}_FILE=%d/.*" "$ROOT/deploy/systemd/$UNIT" || fail "$name is not read from a credential"
done
echo "test-unit: ok"
