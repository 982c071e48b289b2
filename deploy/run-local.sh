#!/usr/bin/env bash
# Quick start: installs deps, builds, runs a persistent private PostgreSQL in .local/pg and the
# Metriport simulator, migrates, creates a demo vendor and serves the gateway in the foreground.
set -euo pipefail

# Environment: RELAY_PG_PORT (default 55432), RELAY_GATEWAY_PORT (default 8080), RELAY_OPS_PORT
# (operations listener, default 8090),
# RELAY_SIM_PORT (default 8081), RELAY_PG_DIR (default .local/pg; must be reachable by the postgres
# user when run as root).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOCAL_DIR="$ROOT/.local"
PG_DIR="${RELAY_PG_DIR:-$LOCAL_DIR/pg}"
PG_PORT="${RELAY_PG_PORT:-55432}"
GATEWAY_PORT="${RELAY_GATEWAY_PORT:-8080}"
OPS_PORT="${RELAY_OPS_PORT:-8090}"
SIM_PORT="${RELAY_SIM_PORT:-8081}"
BINARY="$ROOT/build/relay-gateway"
SIMULATOR="$ROOT/build/metriport-sim"
CONFIG_EXAMPLE="$ROOT/config/gateway.example.json"
CONFIG="$LOCAL_DIR/gateway.json"
VENDOR_FILE="$LOCAL_DIR/demo-vendor.txt"
OPERATOR_FILE="$LOCAL_DIR/demo-operator.txt"
SECRET_FILE="$LOCAL_DIR/token-secret"
SAMPLE="$(realpath -m "$ROOT/../shared/samples/message.json")"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$ROOT/deploy/lib.sh"

die() {
  echo "run-local: $*" >&2
  exit 1
}

bash deploy/install-deps.sh
BUILD_TARGETS="relay-gateway metriport-sim" bash deploy/build.sh # the tests are not needed
[ -x "$BINARY" ] || die "$BINARY was not built"
[ -x "$SIMULATOR" ] || die "$SIMULATOR was not built"
# Checked before PostgreSQL starts, so a second copy of this script leaves the first one alone.
if port_probe "$GATEWAY_PORT"; then
  die "something already listens on 127.0.0.1:$GATEWAY_PORT (set RELAY_GATEWAY_PORT)"
fi
if port_probe "$OPS_PORT"; then
  die "something already listens on 127.0.0.1:$OPS_PORT (set RELAY_OPS_PORT)"
fi
if port_probe "$SIM_PORT"; then
  die "something already listens on 127.0.0.1:$SIM_PORT (set RELAY_SIM_PORT)"
fi
mkdir -p "$LOCAL_DIR"
chmod 755 "$LOCAL_DIR" # the postgres user (when run as root) must reach .local/pg

# --- PostgreSQL: persistent private cluster, stopped again when this script ends -----------------
PG_STARTED=0
GATEWAY_PID=""
SIM_PID=""
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  if [ -n "$GATEWAY_PID" ] && kill -0 "$GATEWAY_PID" 2>/dev/null; then
    stop_process "$GATEWAY_PID" 150
  fi
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
    stop_process "$SIM_PID" 50
  fi
  if [ "$PG_STARTED" -eq 1 ]; then
    bash "$ROOT/deploy/pg-cluster.sh" stop "$PG_DIR" || true
  fi
}
trap cleanup EXIT

bash deploy/pg-cluster.sh init "$PG_DIR" "$PG_PORT"
bash deploy/pg-cluster.sh start "$PG_DIR" "$PG_PORT"
PG_STARTED=1
PSQL="$(bash deploy/pg-cluster.sh bindir "$PG_DIR")/psql"
ADMIN_URL="$(bash deploy/pg-cluster.sh url "$PG_DIR")"
export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/relay"
if [ "$(timeout 30 "$PSQL" "$ADMIN_URL" -XAtqc "SELECT 1 FROM pg_database WHERE datname = 'relay'")" != "1" ]; then
  timeout 30 "$PSQL" "$ADMIN_URL" -Xqc "CREATE DATABASE relay" >/dev/null
  echo "run-local: created database relay"
fi

# --- secrets (generated once, mode 600, passed by environment, never written into the config) ---
umask 077
if [ ! -s "$SECRET_FILE" ]; then
  head -c 48 /dev/urandom | base64 | tr -d '\n=+/' >"$SECRET_FILE"
  echo "run-local: generated $SECRET_FILE"
fi
chmod 600 "$SECRET_FILE"
# The gateway refuses GATEWAY_TOKEN_SECRET and GATEWAY_TOKEN_SECRET_FILE together.
unset GATEWAY_TOKEN_SECRET
export GATEWAY_TOKEN_SECRET_FILE="$SECRET_FILE"
umask 022

[ -f "$CONFIG_EXAMPLE" ] || die "$CONFIG_EXAMPLE is missing"
if [ ! -f "$CONFIG" ]; then
  cp "$CONFIG_EXAMPLE" "$CONFIG"
  echo "run-local: wrote $CONFIG from config/gateway.example.json (edit it freely; it is kept)"
elif [ "$CONFIG_EXAMPLE" -nt "$CONFIG" ]; then
  echo "run-local: note: config/gateway.example.json is newer than $CONFIG (delete it to refresh)"
fi
export GATEWAY_LISTEN="127.0.0.1:$GATEWAY_PORT"
export GATEWAY_OPS_LISTEN="127.0.0.1:$OPS_PORT"

# --- Metriport simulator on loopback: the gateway relays to it, it signs webhooks back -----------
SIM_KEY_FILE="$LOCAL_DIR/simulator-keys"
if [ ! -s "$SIM_KEY_FILE" ]; then
  (umask 077 && printf '%s\n%s\n' "$(head -c 24 /dev/urandom | base64 | tr -d '\n=+/')" \
    "$(head -c 24 /dev/urandom | base64 | tr -d '\n=+/')" >"$SIM_KEY_FILE")
fi
METRIPORT_API_KEY="$(sed -n 1p "$SIM_KEY_FILE")"
METRIPORT_WEBHOOK_KEY="$(sed -n 2p "$SIM_KEY_FILE")"
export METRIPORT_API_KEY METRIPORT_WEBHOOK_KEY
export METRIPORT_BASE_URL="http://127.0.0.1:$SIM_PORT/medical/v1"
"$SIMULATOR" --listen "127.0.0.1:$SIM_PORT" --api-key "$METRIPORT_API_KEY" \
  --webhook-url "http://127.0.0.1:$GATEWAY_PORT/webhooks/metriport" \
  --webhook-key "$METRIPORT_WEBHOOK_KEY" --settings '{"webhook_delay_ms": 500}' \
  >"$LOCAL_DIR/simulator.log" 2>&1 &
SIM_PID=$!
for ((i = 0; i < 100; i++)); do
  curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$SIM_PORT/_sim/counters" 2>/dev/null && break
  kill -0 "$SIM_PID" 2>/dev/null || die "metriport-sim exited; see $LOCAL_DIR/simulator.log"
  sleep 0.1
done

timeout 120 "$BINARY" migrate --config "$CONFIG"

# --- demo vendor: created once, its password kept in .local/demo-vendor.txt (mode 600) ------------
if [ ! -s "$VENDOR_FILE" ]; then
  if output="$(timeout 60 "$BINARY" vendor add demo --config "$CONFIG" 2>&1)"; then
    # The CLI prints the password on a line containing "password"; the password is its last word.
    line="$(grep -i -m1 'password' <<<"$output" || true)"
    password="$(awk '{print $NF}' <<<"$line" | sed -E 's/^.*=//; s/^["'\'']//; s/["'\'']$//')"
    [ -n "$password" ] || die "could not find the password in the output of 'vendor add demo'"
    (umask 077 && printf '%s\n' "$password" >"$VENDOR_FILE")
    echo "run-local: created vendor demo"
  else
    echo "$output" >&2
    echo "run-local: 'vendor add demo' failed; if demo exists without $VENDOR_FILE, remove" \
      "$PG_DIR to start afresh. Continuing without demo credentials." >&2
  fi
fi
DEMO_PASSWORD="$(cat "$VENDOR_FILE" 2>/dev/null || true)"
[ ! -f "$VENDOR_FILE" ] || chmod 600 "$VENDOR_FILE"

# --- demo operator (admin) for the operations listener, kept in .local/demo-operator.txt ----------
if [ ! -s "$OPERATOR_FILE" ]; then
  if output="$(timeout 60 "$BINARY" operator add demo-admin --role admin --config "$CONFIG" 2>&1)"; then
    password="$(grep -m1 '^password: ' <<<"$output" | awk '{print $NF}')"
    [ -n "$password" ] || die "could not find the password in the output of 'operator add'"
    (umask 077 && printf '%s\n' "$password" >"$OPERATOR_FILE")
    echo "run-local: created operator demo-admin"
  else
    echo "$output" >&2
    echo "run-local: 'operator add demo-admin' failed; continuing without operator credentials." >&2
  fi
fi
OPERATOR_PASSWORD="$(cat "$OPERATOR_FILE" 2>/dev/null || true)"

# --- gateway in the foreground -------------------------------------------------------------------
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT"
OPS_URL="http://127.0.0.1:$OPS_PORT"

print_instructions() {
  local pw
  pw="$(printf '%q' "$DEMO_PASSWORD")"
  cat <<EOF

==================================================================================================
relay-gateway is serving on $GATEWAY_URL (PostgreSQL: $DATABASE_URL)
Metriport simulator: $METRIPORT_BASE_URL (log: .local/simulator.log; what it received:
  curl -sS http://127.0.0.1:$SIM_PORT/_sim/received)
demo vendor: username demo, password ${DEMO_PASSWORD:-(unknown: see the warning above)}

Get a token:
  TOKEN=\$(curl -sS -X POST $GATEWAY_URL/token -d grant_type=password -d username=demo --data-urlencode password=$pw | sed -E 's/.*"access_token" *: *"([^"]+)".*/\1/')

Post the sample message, then read it back:
  curl -sS -X POST $GATEWAY_URL/api/OutgoingSecureMessages -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' --data-binary @$SAMPLE
  curl -sS "$GATEWAY_URL/api/OutgoingSecureMessages?externalId=MSG-0001" -H "Authorization: Bearer \$TOKEN"

Operations (dashboard and API): $OPS_URL/ops/  operator demo-admin (admin), password ${OPERATOR_PASSWORD:-(unknown)}
  OPS=\$(curl -sS -X POST $OPS_URL/ops/api/login -H 'Content-Type: application/json' -d '{"username":"demo-admin","password":"$OPERATOR_PASSWORD"}' | sed -E 's/.*"token" *: *"([^"]+)".*/\1/')
  curl -sS $OPS_URL/ops/api/session -H "Authorization: Bearer \$OPS"

See each patient's delivery with its Metriport patient and message ids (a second terminal):
  DATABASE_URL=$DATABASE_URL $BINARY deliveries demo MSG-0001
  DATABASE_URL=$DATABASE_URL $BINARY queue

Ctrl-C stops the gateway, the simulator and PostgreSQL.
==================================================================================================

EOF
}

# Runs as a child (not exec) so the trap can stop PostgreSQL once the gateway has exited; INT and
# TERM are forwarded to the gateway as TERM, its graceful shutdown signal.
"$BINARY" serve --config "$CONFIG" &
GATEWAY_PID=$!
INTERRUPTED=0
trap 'INTERRUPTED=1; kill -TERM "$GATEWAY_PID" 2>/dev/null || true' INT TERM
for ((i = 0; i < 200; i++)); do
  if curl -fsS -o /dev/null --max-time 1 "$GATEWAY_URL/healthz" 2>/dev/null; then
    break
  fi
  kill -0 "$GATEWAY_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$GATEWAY_PID" 2>/dev/null; then
  print_instructions
fi
# A trapped signal interrupts wait; wait again to get the gateway's own exit status.
while :; do
  INTERRUPTED=0
  status=0
  wait "$GATEWAY_PID" || status=$?
  [ "$INTERRUPTED" -eq 1 ] || break
done
GATEWAY_PID=""
echo "run-local: gateway exited ($status)"
exit "$status"
