#!/usr/bin/env bash
# Benchmarks GET /ops/api/summary on a seeded private PostgreSQL: BENCH_DELIVERIES deliveries in a
# realistic mix (deploy/bench/ops-summary-seed.sql), and GET /ops/api/activity; figures only.
# Read the RATIO: the summary against a bare "SELECT count(*) FROM deliveries" timed in the same run
# (the machines are shared and noisy), and against GET /ops/api/session (an authenticated no-op).
set -euo pipefail

# Environment: BENCH_DELIVERIES (default 100000), BENCH_QUEUED_PERCENT (10: share of deliveries
# left queued, the backlog), BENCH_REQUESTS (50 sequential requests per run), BENCH_BINARY
# (build/relay-gateway), BENCH_KEEP_DIR=1 keeps the temporary folder (logs, cluster).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DELIVERIES="${BENCH_DELIVERIES:-100000}"
QUEUED_PERCENT="${BENCH_QUEUED_PERCENT:-10}"
REQUESTS="${BENCH_REQUESTS:-50}"
BINARY="${BENCH_BINARY:-$ROOT/build/relay-gateway}"
KEEP_DIR="${BENCH_KEEP_DIR:-0}"
SEED="$ROOT/deploy/bench/ops-summary-seed.sql"
PG_CLUSTER="$ROOT/deploy/pg-cluster.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$ROOT/deploy/lib.sh"

die() {
  echo "bench-ops-summary: $*" >&2
  exit 1
}
note() { echo "bench-ops-summary: $*" >&2; }

[[ "$DELIVERIES" =~ ^[1-9][0-9]{0,6}$ ]] || die "BENCH_DELIVERIES must be 1..9999999"
if ! [[ "$QUEUED_PERCENT" =~ ^[0-9]{1,3}$ ]] || [ "$QUEUED_PERCENT" -gt 100 ]; then
  die "BENCH_QUEUED_PERCENT must be 0..100"
fi
[[ "$REQUESTS" =~ ^[1-9][0-9]{0,3}$ ]] || die "BENCH_REQUESTS must be 1..9999"
[ -x "$BINARY" ] || die "no gateway binary at $BINARY (deploy/build.sh)"
for tool in curl python3; do command -v "$tool" >/dev/null || die "$tool is missing"; done

WORK_DIR=""
PG_DIR=""
PG_STARTED=0
GATEWAY_PID=""
bench_traps

WORK_DIR="$(mktemp -d /tmp/relay-bench-ops-summary.XXXXXX)"
chmod 755 "$WORK_DIR" # the postgres user (when run as root) must reach the cluster folder inside
PG_DIR="$WORK_DIR/pg"

# --- PostgreSQL: private cluster, seeded ------------------------------------------------------------
private_pg_start "$PG_CLUSTER" "$PG_DIR" "$WORK_DIR/pg-start.err" ||
  { cat "$WORK_DIR/pg-start.err" >&2; die "PostgreSQL did not start"; }
bench_database || die "could not create the benchmark database"

bench_clear_gateway_env
export DATABASE_URL="$DB_URL"
timeout 120 "$BINARY" migrate >"$WORK_DIR/migrate.log" 2>&1 ||
  { cat "$WORK_DIR/migrate.log" >&2; die "migrate failed"; }
note "seeding $DELIVERIES deliveries ($QUEUED_PERCENT% queued)"
SEED_START=$SECONDS
timeout 1800 "$PSQL" "$DB_URL" -Xq -v deliveries="$DELIVERIES" -v queued_percent="$QUEUED_PERCENT" \
  -f "$SEED" >"$WORK_DIR/seed.log" 2>&1 || { tail -n 20 "$WORK_DIR/seed.log" >&2; die "seed failed"; }
SEED_SECONDS=$((SECONDS - SEED_START))
sql() { timeout 60 "$PSQL" "$DB_URL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
AUDIT_ROWS="$(sql "SELECT count(*) FROM audit_events")"
BACKLOG="$(sql "SELECT count(*) FROM deliveries WHERE state NOT IN ('completed', 'failed', 'cancelled')")"

# --- gateway: relay off (nothing changes under the measurement), an operator, a session ------------
export GATEWAY_LISTEN="127.0.0.1:0" GATEWAY_OPS_LISTEN="127.0.0.1:0" GATEWAY_RELAY_ENABLED=false
GATEWAY_TOKEN_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')"
export GATEWAY_TOKEN_SECRET
PASSWORD="$("$BINARY" operator add bench --role viewer 2>>"$WORK_DIR/cli.log" | sed -nE 's/^password: (.*)$/\1/p')"
[ -n "$PASSWORD" ] || die "operator add printed no password"
"$BINARY" serve >"$WORK_DIR/gateway.out" 2>"$WORK_DIR/gateway.log" &
GATEWAY_PID=$!
OPS_PORT=""
for ((i = 0; i < 300; i++)); do
  OPS_PORT="$(sed -nE 's#.*\(operations: http://127\.0\.0\.1:([0-9]+)\).*#\1#p' "$WORK_DIR/gateway.out" | head -n 1)"
  [ -z "$OPS_PORT" ] || break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { cat "$WORK_DIR/gateway.log" >&2; die "gateway exited at start"; }
  sleep 0.1
done
[ -n "$OPS_PORT" ] || die "gateway did not listen within 30 s"
OPS="http://127.0.0.1:$OPS_PORT"
LOGIN="$(python3 -c 'import json,sys; print(json.dumps({"username": "bench", "password": sys.argv[1]}))' "$PASSWORD")"
TOKEN="$(curl -fsS --max-time 30 -H 'Content-Type: application/json' -d "$LOGIN" "$OPS/ops/api/login" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
AUTH="Authorization: Bearer $TOKEN"
curl -fsS --max-time 30 -H "$AUTH" -o "$WORK_DIR/summary.json" "$OPS/ops/api/summary" ||
  die "GET /ops/api/summary failed"

# times PATH: REQUESTS sequential GETs (after 3 warm-ups), one time_total (seconds) per line.
times() {
  local i
  for ((i = 0; i < 3; i++)); do curl -fsS -o /dev/null --max-time 30 -H "$AUTH" "$OPS$1"; done
  for ((i = 0; i < REQUESTS; i++)); do
    curl -fsS -o /dev/null --max-time 30 -w '%{time_total}\n' -H "$AUTH" "$OPS$1"
  done
}
# The database reference: a bare count of the deliveries table through psql's \timing.
count_times() {
  local i
  for ((i = 0; i < REQUESTS; i++)); do
    "$PSQL" "$DB_URL" -Xq -c '\timing on' -c 'SELECT count(*) FROM deliveries' |
      sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' | awk '{ printf "%.6f\n", $1 / 1000 }'
  done
}
times /ops/api/summary >"$WORK_DIR/summary.times"
times /ops/api/activity >"$WORK_DIR/activity.times"
times /ops/api/session >"$WORK_DIR/session.times"
count_times >"$WORK_DIR/count.times"

python3 - "$WORK_DIR" "$DELIVERIES" "$BACKLOG" "$AUDIT_ROWS" "$SEED_SECONDS" <<'EOF'
import json, statistics, sys
work, deliveries, backlog, audit_rows, seed_seconds = sys.argv[1:]
def load(name):
    return sorted(float(line) for line in open(f"{work}/{name}.times") if line.strip())
def pct(values, p):
    return values[min(len(values) - 1, int(len(values) * p))]
summary, session, count = load("summary"), load("session"), load("count")
activity = load("activity")
with open(f"{work}/summary.json") as f:
    answer = json.load(f)
print(f"deliveries {deliveries}, unfinished (backlog) {backlog}, audit events {audit_rows}, seeded in {seed_seconds} s")
print(f"summary answer: {len(json.dumps(answer))} bytes, counted {answer['deliveries']['counted']}, "
      f"sends to make {answer['pacer']['sends_to_make']}")
print(f"{'run':44} {'p50 ms':>8} {'p90 ms':>8} {'max ms':>8}")
for name, values in (("GET /ops/api/summary", summary), ("GET /ops/api/activity (the hour per minute)", activity), ("GET /ops/api/session (HTTP + auth reference)", session),
                     ("SELECT count(*) FROM deliveries (psql)", count)):
    print(f"{name:44} {pct(values, 0.5) * 1000:8.1f} {pct(values, 0.9) * 1000:8.1f} {values[-1] * 1000:8.1f}")
print(f"ratio summary / count(*) of deliveries (p50): {statistics.median(summary) / statistics.median(count):.2f}")
print(f"ratio summary / session (p50): {statistics.median(summary) / statistics.median(session):.1f}")
print(f"ratio activity / session (p50): {statistics.median(activity) / statistics.median(session):.1f}")
EOF
