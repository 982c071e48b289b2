#!/usr/bin/env bash
# Benchmarks intake and a real vendor's login under a login flood (random user names on POST /token), on a private PostgreSQL; prints figures, never pass/fail.
# Read the RATIOS: intake p50/p99 with the flood against without it, and the vendor's login time with the flood against without it, all measured in this run.
set -euo pipefail

# Environment: BENCH_SECONDS (default 10 per run), BENCH_CONNECTIONS (16: intake wrk connections),
# BENCH_FLOOD_CONNECTIONS (64: flood wrk connections), BENCH_THREADS (2: threads of each wrk),
# BENCH_GATEWAY_THREADS (2: http.threads), BENCH_POOL_SIZE (4: database.pool_size),
# BENCH_BINARY (default build/relay-gateway), BENCH_CONFIG_FILTER (a jq filter applied to the
# config made from config/gateway.example.json, e.g. 'del(.auth)' for a binary without that
# section), BENCH_KEEP_DIR=1 keeps the temporary folder (gateway log, wrk output) afterwards.
# Runs: intake alone; the vendor's logins alone (one every half second); then the flood with
# intake and the vendor's logins at the same time (the flood starts 2 s before and ends after).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
FLOOD_CONNECTIONS="${BENCH_FLOOD_CONNECTIONS:-64}"
CLIENT_THREADS="${BENCH_THREADS:-2}"
GATEWAY_THREADS="${BENCH_GATEWAY_THREADS:-2}"
POOL_SIZE="${BENCH_POOL_SIZE:-4}"
BINARY="${BENCH_BINARY:-$ROOT/build/relay-gateway}"
CONFIG_FILTER="${BENCH_CONFIG_FILTER:-.}"
KEEP_DIR="${BENCH_KEEP_DIR:-0}"
INTAKE_LUA="$ROOT/deploy/bench/intake.lua"
FLOOD_LUA="$ROOT/deploy/bench/login-flood.lua"
CONFIG_EXAMPLE="$ROOT/config/gateway.example.json"
SAMPLE="$(realpath -m "$ROOT/../shared/samples/message.json")"
PG_CLUSTER="$ROOT/deploy/pg-cluster.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$ROOT/deploy/lib.sh"

die() {
  echo "bench-login-flood: $*" >&2
  exit 1
}
note() { echo "bench-login-flood: $*" >&2; }

for pair in "BENCH_SECONDS=$SECONDS_PER_RUN" "BENCH_CONNECTIONS=$CONNECTIONS" \
  "BENCH_FLOOD_CONNECTIONS=$FLOOD_CONNECTIONS" "BENCH_THREADS=$CLIENT_THREADS" \
  "BENCH_GATEWAY_THREADS=$GATEWAY_THREADS" "BENCH_POOL_SIZE=$POOL_SIZE"; do
  [[ "${pair#*=}" =~ ^[1-9][0-9]{0,4}$ ]] || die "${pair%%=*} must be a positive integer, got '${pair#*=}'"
done
[ "$SECONDS_PER_RUN" -le 3600 ] || die "BENCH_SECONDS is at most 3600"
[ "$CONNECTIONS" -ge "$CLIENT_THREADS" ] || die "BENCH_CONNECTIONS must be >= BENCH_THREADS"
[ "$FLOOD_CONNECTIONS" -ge "$CLIENT_THREADS" ] || die "BENCH_FLOOD_CONNECTIONS must be >= BENCH_THREADS"
[ "$FLOOD_CONNECTIONS" -le 900 ] || die "BENCH_FLOOD_CONNECTIONS is at most 900 (http.max_connections is 1024)"
[ "$POOL_SIZE" -le 64 ] || die "BENCH_POOL_SIZE is at most 64 (database.pool_size)"
[ -x "$BINARY" ] || die "$BINARY not found: run deploy/build.sh (or set BENCH_BINARY)"
for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || die "$tool is missing (deploy/install-deps.sh installs it)"
done
for file in "$INTAKE_LUA" "$FLOOD_LUA" "$CONFIG_EXAMPLE" "$SAMPLE"; do
  [ -f "$file" ] || die "$file is missing"
done

# --- everything this script starts is stopped by bench_cleanup (deploy/lib.sh) ---------------------
WORK_DIR=""
PG_DIR=""
PG_STARTED=0
GATEWAY_PID=""
CHILD_PIDS=()
bench_traps

WORK_DIR="$(mktemp -d /tmp/relay-bench.XXXXXX)"
chmod 755 "$WORK_DIR" # the postgres user (when run as root) must reach the cluster folder inside
PG_DIR="$WORK_DIR/pg"

# --- PostgreSQL: private cluster on a free loopback port ------------------------------------------
private_pg_start "$PG_CLUSTER" "$PG_DIR" "$WORK_DIR/pg-start.err" ||
  { cat "$WORK_DIR/pg-start.err" >&2; die "PostgreSQL did not start"; }
bench_database || die "could not create the benchmark database"
sql() { timeout 30 "$PSQL" "$DB_URL" -XAtqc "$1"; }

# --- gateway: temp config, migrate, vendor, serve on a free port (127.0.0.1:0), token -------------
CONFIG="$WORK_DIR/gateway.json"
jq -c ".http.threads = $GATEWAY_THREADS | .database.pool_size = $POOL_SIZE | .relay.enabled = false | $CONFIG_FILTER" \
  "$CONFIG_EXAMPLE" >"$CONFIG" || die "BENCH_CONFIG_FILTER is not a valid jq filter"
# The temp config and these variables decide; the caller's overrides of the same keys do not.
unset GATEWAY_TOKEN_SECRET_FILE DATABASE_URL_FILE GATEWAY_LISTEN_FILE GATEWAY_HTTP_THREADS \
  GATEWAY_DATABASE_POOL_SIZE GATEWAY_LOG_LEVEL
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^GATEWAY_AUTH_' || true)
export DATABASE_URL="$DB_URL"
export GATEWAY_LISTEN="127.0.0.1:0"
GATEWAY_TOKEN_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')"
export GATEWAY_TOKEN_SECRET

timeout 120 "$BINARY" migrate --config "$CONFIG" >"$WORK_DIR/migrate.log" 2>&1 ||
  { cat "$WORK_DIR/migrate.log" >&2; die "migrate failed"; }
VENDOR=bench
VENDOR_PASSWORD="$(bench_vendor_add "$BINARY" "$CONFIG" "$VENDOR")" || die "vendor add failed"

"$BINARY" serve --config "$CONFIG" >"$WORK_DIR/gateway.out" 2>"$WORK_DIR/gateway.log" &
GATEWAY_PID=$!
rc=0
GATEWAY_PORT="$(bench_gateway_port "$WORK_DIR/gateway.out" "$GATEWAY_PID" 300)" || rc=$?
[ "$rc" -ne 1 ] || { cat "$WORK_DIR/gateway.log" >&2; die "gateway exited at start"; }
[ -n "$GATEWAY_PORT" ] || { tail -n 20 "$WORK_DIR/gateway.log" >&2; die "gateway did not listen within 30 s"; }
BASE="http://127.0.0.1:$GATEWAY_PORT"

# login: one POST /token as the vendor; prints "STATUS SECONDS" (000 when curl failed).
login() {
  curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 60 -X POST "$BASE/token" \
    -d grant_type=password --data-urlencode "username=$VENDOR" \
    --data-urlencode "password=$VENDOR_PASSWORD" 2>/dev/null || echo "000 60"
}
TOKEN="$(bench_token "$BASE" "$VENDOR" "$VENDOR_PASSWORD")"
[ -n "$TOKEN" ] || die "no access_token from POST /token"
TEMPLATE="$WORK_DIR/body-template.json"
jq -c '.externalId = "@@EXTERNAL_ID@@"' "$SAMPLE" >"$TEMPLATE"
TAG="F$(date +%s)"

field() { sed -nE "s/.*(^| )$1=([^ ]*).*/\2/p" <<<"$2" | head -n 1; }
ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

# intake_run NAME: wrk posting new messages for SECONDS_PER_RUN; prints its wrk-result line.
intake_run() {
  local out="$WORK_DIR/wrk-intake-$1.txt"
  timeout -k 5 $((SECONDS_PER_RUN + 60)) wrk -t "$CLIENT_THREADS" -c "$CONNECTIONS" \
    -d "${SECONDS_PER_RUN}s" --timeout 30s -s "$INTAKE_LUA" "$BASE" -- intake "$TOKEN" "$TEMPLATE" \
    "$TAG-$1" >"$out" 2>&1 || { cat "$out" >&2; die "wrk (intake $1) failed"; }
  grep -m1 '^wrk-result ' "$out" || { cat "$out" >&2; die "wrk (intake $1) printed no result"; }
}
# logins_during SECONDS OUT: the vendor logs in every half second for SECONDS, one line per login.
logins_during() {
  local until=$((SECONDS + $1))
  : >"$2"
  while [ "$SECONDS" -lt "$until" ]; do
    login >>"$2"
    sleep 0.5
  done
}
# login_summary FILE: "N logins, statuses S, p50 X ms, max Y ms".
login_summary() {
  local count statuses sorted
  count="$(wc -l <"$1")"
  [ "$count" -gt 0 ] || { echo "0 logins"; return 0; }
  statuses="$(cut -d' ' -f1 "$1" | sort | uniq -c | awk '{ printf "%s%s:%s", (NR > 1 ? "," : ""), $2, $1 }')"
  sorted="$(awk '{ printf "%.1f\n", $2 * 1000 }' "$1" | sort -n)"
  echo "$count logins, statuses $statuses, p50 $(sed -n "$(((count + 1) / 2))p" <<<"$sorted") ms," \
    "max $(tail -n 1 <<<"$sorted") ms"
}
login_p50() { login_summary "$1" | sed -nE 's/.*p50 ([0-9.]+) ms.*/\1/p'; }

# --- the runs --------------------------------------------------------------------------------------
note "gateway on $BASE; about $((SECONDS_PER_RUN * 3 + 10)) s of runs follow"
INTAKE_ALONE="$(intake_run alone)"
logins_during "$SECONDS_PER_RUN" "$WORK_DIR/logins-alone.txt"

FLOOD_OUT="$WORK_DIR/wrk-flood.txt"
timeout -k 5 $((SECONDS_PER_RUN + 70)) wrk -t "$CLIENT_THREADS" -c "$FLOOD_CONNECTIONS" \
  -d "$((SECONDS_PER_RUN + 4))s" --timeout 30s -s "$FLOOD_LUA" "$BASE" >"$FLOOD_OUT" 2>&1 &
FLOOD_PID=$!
CHILD_PIDS+=("$FLOOD_PID")
sleep 2
logins_during "$SECONDS_PER_RUN" "$WORK_DIR/logins-flood.txt" &
LOGINS_PID=$!
CHILD_PIDS+=("$LOGINS_PID")
INTAKE_FLOOD="$(intake_run flood)"
wait "$LOGINS_PID" || true
wait "$FLOOD_PID" || { cat "$FLOOD_OUT" >&2; die "wrk (flood) failed"; }
FLOOD="$(grep -m1 '^wrk-result ' "$FLOOD_OUT")" || { cat "$FLOOD_OUT" >&2; die "wrk (flood) printed no result"; }
kill -0 "$GATEWAY_PID" 2>/dev/null || die "the gateway died during the runs (see BENCH_KEEP_DIR=1)"

# --- report ----------------------------------------------------------------------------------------
echo
echo "relay-gateway login-flood benchmark (figures, not pass/fail: compare the ratios)"
echo "env: nproc=$(nproc) duration=${SECONDS_PER_RUN}s/run intake_connections=$CONNECTIONS" \
  "flood_connections=$FLOOD_CONNECTIONS gateway http.threads=$GATEWAY_THREADS" \
  "database.pool_size=$POOL_SIZE auth=$(jq -c '.auth // "none"' "$CONFIG") loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-36s %9s %9s %9s  %s\n' "intake (POST new message)" "req/s" "p50 ms" "p99 ms" "statuses"
for run in alone flood; do
  line="$INTAKE_ALONE"
  [ "$run" = flood ] && line="$INTAKE_FLOOD"
  printf '%-36s %9s %9s %9s  %s\n' "$([ "$run" = alone ] && echo "without flood" || echo "with $FLOOD_CONNECTIONS-connection login flood")" \
    "$(awk -v r="$(field requests "$line")" -v d="$(field duration_us "$line")" 'BEGIN { printf "%.1f", r / (d / 1e6) }')" \
    "$(ms "$(field p50_us "$line")")" "$(ms "$(field p99_us "$line")")" "$(field statuses "$line")"
done
echo
if [ "$(field requests "$INTAKE_FLOOD")" -eq 0 ]; then
  echo "intake with flood / without:  n/a: no intake request was answered during the flood run (starved)"
else
  echo "intake with flood / without:  p50 x$(ratio "$(field p50_us "$INTAKE_FLOOD")" "$(field p50_us "$INTAKE_ALONE")")," \
    "p99 x$(ratio "$(field p99_us "$INTAKE_FLOOD")" "$(field p99_us "$INTAKE_ALONE")")"
fi
echo "vendor login without flood:   $(login_summary "$WORK_DIR/logins-alone.txt")"
echo "vendor login during flood:    $(login_summary "$WORK_DIR/logins-flood.txt")"
echo "vendor login flood / without: p50 x$(ratio "$(login_p50 "$WORK_DIR/logins-flood.txt")" "$(login_p50 "$WORK_DIR/logins-alone.txt")")"
echo "flood: $(field requests "$FLOOD") answers in $(ms $(($(field duration_us "$FLOOD") / 1000))) s," \
  "statuses $(field statuses "$FLOOD"), refusals with Retry-After $(field refusals_with_retry_after "$FLOOD")," \
  "p50 $(ms "$(field p50_us "$FLOOD")") ms, p99 $(ms "$(field p99_us "$FLOOD")") ms," \
  "socket errors connect/read/write/timeout $(field connect_err "$FLOOD")/$(field read_err "$FLOOD")/$(field write_err "$FLOOD")/$(field timeout_err "$FLOOD")"
echo "gateway log: $(wc -l <"$WORK_DIR/gateway.log") lines, $(grep -c '"level":"error"' "$WORK_DIR/gateway.log" || true) errors"
