#!/usr/bin/env bash
# Installs relay-gateway as a systemd service: binary, unit, config and env file (kept if present),
# a root-only credentials folder; then enables and starts it once every credential is in place.
set -euo pipefail

# Environment: RELAY_ROOT (default /: install into another root, e.g. for tests; nothing is started
# there), RELAY_BINARY (default: build it with deploy/build.sh and use build/relay-gateway).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEST="${RELAY_ROOT:-/}"
DEST="${DEST%/}"
UNIT_DIR="$DEST/etc/systemd/system"
ETC_DIR="$DEST/etc/relay-gateway"
CREDENTIALS_DIR="$ETC_DIR/credentials"
CREDENTIALS=(database_url token_secret metriport_api_key metriport_webhook_key)

if [ -z "${RELAY_BINARY:-}" ]; then
  bash "$ROOT/deploy/install-deps.sh"
  BUILD_TARGETS=relay-gateway bash "$ROOT/deploy/build.sh"
  RELAY_BINARY="$ROOT/build/relay-gateway"
fi
[ -x "$RELAY_BINARY" ] || { echo "install: $RELAY_BINARY is not an executable" >&2; exit 1; }

install -D -m 0755 "$RELAY_BINARY" "$DEST/usr/local/bin/relay-gateway"
install -D -m 0644 "$ROOT/deploy/systemd/relay-gateway.service" "$UNIT_DIR/relay-gateway.service"
install -d -m 0755 "$ETC_DIR"
# The service's transient user reads these (no secrets in them); an existing copy is kept.
[ -e "$ETC_DIR/gateway.json" ] ||
  install -m 0644 "$ROOT/config/gateway.example.json" "$ETC_DIR/gateway.json"
[ -e "$ETC_DIR/relay-gateway.env" ] ||
  install -m 0644 "$ROOT/deploy/systemd/relay-gateway.env.example" "$ETC_DIR/relay-gateway.env"
install -d -m 0700 "$CREDENTIALS_DIR"

missing=()
for name in "${CREDENTIALS[@]}"; do
  [ -f "$CREDENTIALS_DIR/$name" ] || missing+=("$name")
done
echo "install: relay-gateway installed under ${DEST:-/} (unit, /usr/local/bin, /etc/relay-gateway)"

if [ -n "$DEST" ] || [ ! -d /run/systemd/system ]; then
  echo "install: not starting it (another root, or systemd is not running here)"
  exit 0
fi
systemctl daemon-reload
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install: put each secret in its own root-only file, then run this again:" >&2
  for name in "${missing[@]}"; do
    echo "  $CREDENTIALS_DIR/$name" >&2
  done
  echo "(metriport_webhook_key may be empty: every webhook is then refused)" >&2
  exit 1
fi
systemctl enable --now relay-gateway.service
systemctl --no-pager --lines=0 status relay-gateway.service
