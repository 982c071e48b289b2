#!/usr/bin/env bash
# Scale-out figures on a private PostgreSQL: the relay's drain rate with 1, 2 and 3 gateway processes
# on one database (metriport-sim at 0 ms and at BENCH_LATENCY_MS), and one gateway's RSS idle, holding
# BENCH_CONNECTIONS keep-alive connections and with BENCH_QUEUED deliveries queued. Figures, never
# pass/fail: read each rate as a ratio to the 1-process rate measured in the same run.
set -euo pipefail

# Environment: BENCH_DELIVERIES (1000: deliveries per drain run at 0 ms), BENCH_LATENCY_DELIVERIES
# (500: per run at BENCH_LATENCY_MS), BENCH_LATENCY_MS (200: the simulator's latency_ms, waited on
# every Medical API call), BENCH_PROCESSES (3: runs with 1..N gateway processes), BENCH_WORKERS (8:
# relay.workers per process), BENCH_POOL_SIZE (4: database.pool_size), BENCH_CONNECTIONS (1000: held
# keep-alive connections), BENCH_QUEUED (100000: queued deliveries for the RSS figure),
# BENCH_QUEUED_SECONDS (10: how long the relay claims/scans before that RSS is read), BENCH_TIMEOUT
# (300: seconds one drain run may take), BENCH_BINARY (build/relay-gateway), BENCH_SIMULATOR
# (build/metriport-sim), BENCH_KEEP_DIR=1 keeps the temporary folder (logs) for a look afterwards.
# PG_FAST_UNSAFE=1 is passed to deploy/pg-cluster.sh (fsync off) and shown in the output; default off.
# Fixed: relay.poll_interval_ms 200 and METRIPORT_SENDS_PER_MINUTE 100000 (the shared pacer out of
# the way, as in bench-relay.sh), retention off in the drain runs, no webhook URL (deliveries stay
# 'accepted'), the sample message with 4 patients and no attachment, cloned with SQL
# (deploy/bench/scaleout-seed.sql) after one real intake. "Metriport paused" for the queued-RSS
# figure = simulator latency 600 s: the workers' first calls hang, the other deliveries stay queued.
# Needs node (deploy/bench/hold-connections.js holds the connections) and ss (iproute2).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DELIVERIES="${BENCH_DELIVERIES:-1000}"
LATENCY_DELIVERIES="${BENCH_LATENCY_DELIVERIES:-500}"
LATENCY_MS="${BENCH_LATENCY_MS:-200}"
MAX_PROCESSES="${BENCH_PROCESSES:-3}"
WORKERS="${BENCH_WORKERS:-8}"
POOL_SIZE="${BENCH_POOL_SIZE:-4}"
CONNECTIONS="${BENCH_CONNECTIONS:-1000}"
QUEUED="${BENCH_QUEUED:-100000}"
QUEUED_SECONDS="${BENCH_QUEUED_SECONDS:-10}"
RUN_TIMEOUT="${BENCH_TIMEOUT:-300}"
BINARY="${BENCH_BINARY:-$ROOT/build/relay-gateway}"
SIMULATOR="${BENCH_SIMULATOR:-$ROOT/build/metriport-sim}"
KEEP_DIR="${BENCH_KEEP_DIR:-0}"
PATIENTS=4
POLL_INTERVAL_MS=200
SENDS_PER_MINUTE=100000
SEED_SQL="$ROOT/deploy/bench/scaleout-seed.sql"
HOLDER_JS="$ROOT/deploy/bench/hold-connections.js"
CONFIG_EXAMPLE="$ROOT/config/gateway.example.json"
SAMPLE="$(realpath -m "$ROOT/../shared/samples/message.json")"
PG_CLUSTER="$ROOT/deploy/pg-cluster.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$ROOT/deploy/lib.sh"

die() {
  echo "bench-scaleout: $*" >&2
  exit 1
}
note() { echo "bench-scaleout: $*" >&2; }

for pair in "BENCH_DELIVERIES=$DELIVERIES" "BENCH_LATENCY_DELIVERIES=$LATENCY_DELIVERIES" \
  "BENCH_PROCESSES=$MAX_PROCESSES" "BENCH_WORKERS=$WORKERS" "BENCH_POOL_SIZE=$POOL_SIZE" \
  "BENCH_CONNECTIONS=$CONNECTIONS" "BENCH_QUEUED=$QUEUED" "BENCH_QUEUED_SECONDS=$QUEUED_SECONDS" \
  "BENCH_TIMEOUT=$RUN_TIMEOUT"; do
  [[ "${pair#*=}" =~ ^[1-9][0-9]{0,6}$ ]] || die "${pair%%=*} must be a positive integer, got '${pair#*=}'"
done
if ! [[ "$LATENCY_MS" =~ ^[0-9]{1,5}$ ]] || [ "$LATENCY_MS" -gt 60000 ]; then
  die "BENCH_LATENCY_MS must be 0..60000, got '$LATENCY_MS'"
fi
[ "$DELIVERIES" -le 200000 ] || die "BENCH_DELIVERIES is at most 200000"
[ "$LATENCY_DELIVERIES" -le 200000 ] || die "BENCH_LATENCY_DELIVERIES is at most 200000"
[ "$QUEUED" -le 2000000 ] || die "BENCH_QUEUED is at most 2000000"
[ "$MAX_PROCESSES" -le 8 ] || die "BENCH_PROCESSES is at most 8"
[ "$WORKERS" -le 64 ] || die "BENCH_WORKERS is at most 64"
[ "$POOL_SIZE" -le 64 ] || die "BENCH_POOL_SIZE is at most 64 (database.pool_size)"
# The cluster allows 200 connections: api pool + relay pool (workers up to 16, +1) + LISTEN, per process.
PER_PROCESS_DB=$((POOL_SIZE + (WORKERS < 16 ? WORKERS : 16) + 1 + 1))
[ $((MAX_PROCESSES * PER_PROCESS_DB)) -le 180 ] ||
  die "BENCH_PROCESSES x (pool + workers + 2) = $((MAX_PROCESSES * PER_PROCESS_DB)) database connections: at most 180"
[ "$CONNECTIONS" -le 15000 ] || die "BENCH_CONNECTIONS is at most 15000 (file descriptors)"
[ $((CONNECTIONS * 2 + 200)) -le "$(ulimit -n)" ] ||
  die "BENCH_CONNECTIONS=$CONNECTIONS needs ulimit -n of at least $((CONNECTIONS * 2 + 200)) (now $(ulimit -n))"
[ "$QUEUED_SECONDS" -le 600 ] || die "BENCH_QUEUED_SECONDS is at most 600"
PATIENT_MESSAGES=$(((DELIVERIES + PATIENTS - 1) / PATIENTS))
LATENCY_MESSAGES=$(((LATENCY_DELIVERIES + PATIENTS - 1) / PATIENTS))
QUEUED_MESSAGES=$(((QUEUED + PATIENTS - 1) / PATIENTS))

[ -x "$BINARY" ] || die "$BINARY not found: run deploy/build.sh (or set BENCH_BINARY)"
[ -x "$SIMULATOR" ] || die "$SIMULATOR not found: run deploy/build.sh (or set BENCH_SIMULATOR)"
for tool in node ss curl base64 getconf awk sed timeout realpath mktemp; do
  command -v "$tool" >/dev/null || die "$tool is missing (deploy/install-deps.sh installs it)"
done
command -v jq >/dev/null || command -v python3 >/dev/null || die "needs jq or python3 to read and edit JSON"
for file in "$SEED_SQL" "$HOLDER_JS" "$CONFIG_EXAMPLE" "$SAMPLE" "$PG_CLUSTER"; do
  [ -f "$file" ] || die "$file is missing"
done

# --- everything this script starts is stopped by bench_cleanup (deploy/lib.sh) ---------------------
WORK_DIR=""
PG_DIR=""
PG_STARTED=0
GATEWAY_PIDS=()
SIM_PID=""
HOLDER_PID=""
bench_traps

SCRIPT_START="$(date +%s)"
WORK_DIR="$(mktemp -d /tmp/relay-bench-scaleout.XXXXXX)"
chmod 755 "$WORK_DIR" # the postgres user (when run as root) must reach the cluster folder inside
PG_DIR="$WORK_DIR/pg"

# --- PostgreSQL: private cluster on a free loopback port ------------------------------------------
private_pg_start "$PG_CLUSTER" "$PG_DIR" "$WORK_DIR/pg-start.err" ||
  { cat "$WORK_DIR/pg-start.err" >&2; die "PostgreSQL did not start"; }
bench_database || die "could not create the benchmark database"
sql() { timeout 60 "$PSQL" "$DB_URL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
PG_VERSION="$(sql "SHOW server_version")"
PG_FSYNC="$(sql "SHOW fsync")"
PG_MAX_CONNECTIONS="$(sql "SHOW max_connections")"

# --- configuration: one file per phase; this script's values win over the caller's environment ----
bench_clear_gateway_env
MAX_HOST_CONNECTIONS=$((WORKERS > 16 ? WORKERS : 16))
HTTP_MAX_CONNECTIONS=$((CONNECTIONS + 64 > 1024 ? CONNECTIONS + 64 : 1024))
CONFIG_INTAKE="$WORK_DIR/gateway-intake.json"
CONFIG_RELAY="$WORK_DIR/gateway-relay.json"
CONFIG_RSS="$WORK_DIR/gateway-rss.json"
json_edit "$CONFIG_EXAMPLE" "$CONFIG_INTAKE" \
  ".database.pool_size = $POOL_SIZE | .relay.enabled = false | .retention.enabled = false" \
  "d['database']['pool_size'] = $POOL_SIZE; d['relay']['enabled'] = False; d['retention']['enabled'] = False"
json_edit "$CONFIG_EXAMPLE" "$CONFIG_RELAY" \
  ".database.pool_size = $POOL_SIZE | .relay.enabled = true | .relay.workers = $WORKERS |
   .relay.poll_interval_ms = $POLL_INTERVAL_MS | .METRIPORT_SENDS_PER_MINUTE = $SENDS_PER_MINUTE |
   .metriport.max_connections_per_host = $MAX_HOST_CONNECTIONS | .retention.enabled = false" \
  "d['database']['pool_size'] = $POOL_SIZE; d['relay']['enabled'] = True
d['relay']['workers'] = $WORKERS; d['relay']['poll_interval_ms'] = $POLL_INTERVAL_MS
d['METRIPORT_SENDS_PER_MINUTE'] = $SENDS_PER_MINUTE
d['metriport']['max_connections_per_host'] = $MAX_HOST_CONNECTIONS; d['retention']['enabled'] = False"
# The RSS phases: the example's settings (retention on), the relay as in the drain runs, and the
# connection cap above BENCH_CONNECTIONS (at the cap idle connections are evicted for newcomers).
json_edit "$CONFIG_EXAMPLE" "$CONFIG_RSS" \
  ".database.pool_size = $POOL_SIZE | .relay.enabled = true | .relay.workers = $WORKERS |
   .relay.poll_interval_ms = $POLL_INTERVAL_MS | .METRIPORT_SENDS_PER_MINUTE = $SENDS_PER_MINUTE |
   .metriport.max_connections_per_host = $MAX_HOST_CONNECTIONS |
   .http.max_connections = $HTTP_MAX_CONNECTIONS" \
  "d['database']['pool_size'] = $POOL_SIZE; d['relay']['enabled'] = True
d['relay']['workers'] = $WORKERS; d['relay']['poll_interval_ms'] = $POLL_INTERVAL_MS
d['METRIPORT_SENDS_PER_MINUTE'] = $SENDS_PER_MINUTE
d['metriport']['max_connections_per_host'] = $MAX_HOST_CONNECTIONS
d['http']['max_connections'] = $HTTP_MAX_CONNECTIONS"
FIRST_BYTE_TIMEOUT="$(jq -r '.http.first_byte_timeout_seconds' "$CONFIG_RSS" 2>/dev/null || echo 5)"
KEEP_ALIVE_TIMEOUT="$(jq -r '.http.keep_alive_timeout_seconds' "$CONFIG_RSS" 2>/dev/null || echo 60)"
export DATABASE_URL="$DB_URL"
export GATEWAY_LISTEN="127.0.0.1:0"
export GATEWAY_OPS_LISTEN="127.0.0.1:0"
GATEWAY_TOKEN_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')"
export GATEWAY_TOKEN_SECRET

timeout 120 "$BINARY" migrate --config "$CONFIG_INTAKE" >"$WORK_DIR/migrate.log" 2>&1 ||
  { cat "$WORK_DIR/migrate.log" >&2; die "migrate failed"; }
VENDOR=bench
VENDOR_PASSWORD="$(bench_vendor_add "$BINARY" "$CONFIG_INTAKE" "$VENDOR")" || die "vendor add failed"

# --- metriport-sim on a free port, no webhook URL ---------------------------------------------------
SIM_KEY="$(head -c 24 /dev/urandom | base64 | tr -d '\n=+/')"
"$SIMULATOR" --listen 127.0.0.1:0 --api-key "$SIM_KEY" --settings '{}' \
  >"$WORK_DIR/sim.out" 2>"$WORK_DIR/sim.log" &
SIM_PID=$!
rc=0
SIM_PORT="$(wait_for_port '^metriport-sim listening on 127\.0\.0\.1:([0-9]+).*' "$WORK_DIR/sim.out" "$SIM_PID" 300)" || rc=$?
[ "$rc" -ne 1 ] || { cat "$WORK_DIR/sim.out" "$WORK_DIR/sim.log" >&2; die "metriport-sim exited at start"; }
[ -n "$SIM_PORT" ] || die "metriport-sim did not listen within 30 s"
SIM_BASE="http://127.0.0.1:$SIM_PORT"
export METRIPORT_BASE_URL="$SIM_BASE/medical/v1" METRIPORT_API_KEY="$SIM_KEY"
# A webhook key as in production (none arrive: no webhook URL), so the gateway does not warn.
METRIPORT_WEBHOOK_KEY="$(head -c 24 /dev/urandom | base64 | tr -d '\n=+/')"
export METRIPORT_WEBHOOK_KEY
# sim_latency MS: the simulator's latency_ms; also forgets its records and counters.
sim_latency() {
  curl -fsS -o /dev/null --max-time 10 -X POST -H 'Content-Type: application/json' \
    --data-binary "{\"latency_ms\":$1}" "$SIM_BASE/_sim/settings" || die "POST /_sim/settings failed"
  curl -fsS -o /dev/null --max-time 30 -X POST "$SIM_BASE/_sim/reset" || die "POST /_sim/reset failed"
}

# --- gateways --------------------------------------------------------------------------------------
# start_gateways CONFIG COUNT NAME: starts COUNT `serve` processes at once (127.0.0.1:0 each) and waits
# until each listens; sets GATEWAY_PIDS, GATEWAY_PORTS and GATEWAY_OPS_PORTS.
start_gateways() {
  local i rc port
  GATEWAY_PIDS=()
  GATEWAY_PORTS=()
  GATEWAY_OPS_PORTS=()
  for ((i = 1; i <= $2; i++)); do
    "$BINARY" serve --config "$1" >"$WORK_DIR/$3-$i.out" 2>"$WORK_DIR/$3-$i.log" &
    GATEWAY_PIDS+=("$!")
  done
  for ((i = 1; i <= $2; i++)); do
    rc=0
    port="$(bench_gateway_port \
      "$WORK_DIR/$3-$i.out" "${GATEWAY_PIDS[i - 1]}" 300)" || rc=$?
    [ "$rc" -ne 1 ] || { cat "$WORK_DIR/$3-$i.log" >&2; die "gateway $3-$i exited at start"; }
    [ -n "$port" ] || { tail -n 20 "$WORK_DIR/$3-$i.log" >&2; die "gateway $3-$i did not listen within 30 s"; }
    GATEWAY_PORTS+=("$port")
    GATEWAY_OPS_PORTS+=("$(sed -nE 's#.*\(operations: http://127\.0\.0\.1:([0-9]+)\).*#\1#p' "$WORK_DIR/$3-$i.out" | head -n 1)")
  done
}
# stop_gateways: SIGTERM to all at once, at most 30 s each; non-zero exits counted in GATEWAY_BAD_EXITS.
stop_gateways() {
  local pid rc
  GATEWAY_BAD_EXITS=0
  for pid in "${GATEWAY_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${GATEWAY_PIDS[@]}"; do
    stop_process "$pid" 300
    rc=0
    wait "$pid" 2>/dev/null || rc=$?
    [ "$rc" -eq 0 ] || GATEWAY_BAD_EXITS=$((GATEWAY_BAD_EXITS + 1))
  done
  GATEWAY_PIDS=()
}
# memory_kb PID FIELD: VmRSS or VmHWM of a process in kB.
memory_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
now() { date +%s.%N; }
CLK_TCK="$(getconf CLK_TCK)"
xact_commits() { sql "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"; }
log_problems() { cat "$@" | grep -c -E '"level":"(warn|error)"' || true; }

# --- one real intake: the template message every run clones ----------------------------------------
start_gateways "$CONFIG_INTAKE" 1 gateway-intake
BASE="http://127.0.0.1:${GATEWAY_PORTS[0]}"
TOKEN="$(bench_token "$BASE" "$VENDOR" "$VENDOR_PASSWORD")"
[ -n "$TOKEN" ] || die "no access_token from POST /token"
TAG="SO$(date +%s)"
json_edit "$SAMPLE" "$WORK_DIR/template.json" \
  ".externalId = \"$TAG-TEMPLATE\" | del(.fileData) |
   .patients = [range(1; $PATIENTS + 1) | {externalId: \"BENCH-PAT-\(.)\", isRepresentative: false,
                                            representativeExternalId: \"\"}]" \
  "d['externalId'] = '$TAG-TEMPLATE'; d.pop('fileData', None)
d['patients'] = [{'externalId': 'BENCH-PAT-%d' % i, 'isRepresentative': False, 'representativeExternalId': ''} for i in range(1, $PATIENTS + 1)]"
status="$(curl -sS -o "$WORK_DIR/intake-answer.json" -w '%{http_code}' --max-time 30 \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data-binary "@$WORK_DIR/template.json" "$BASE/api/OutgoingSecureMessages")"
[ "$status" = 200 ] || { cat "$WORK_DIR/intake-answer.json" >&2; die "intake of the template answered $status"; }
stop_gateways
TEMPLATE_ID="$(sql "SELECT id FROM messages WHERE external_id = '$TAG-TEMPLATE'")"
[ -n "$TEMPLATE_ID" ] || die "the template message was not stored"
# seed MESSAGES: the queue holds MESSAGES x 4 fresh queued deliveries, nothing else.
seed() {
  timeout 600 "$PSQL" "$DB_URL" -Xq -v ON_ERROR_STOP=1 -v template="$TEMPLATE_ID" -v messages="$1" \
    -v tag="$TAG-$1" -f "$SEED_SQL" >"$WORK_DIR/seed.log" 2>&1 || { cat "$WORK_DIR/seed.log" >&2; die "seeding failed"; }
}

# --- part 1: drain runs ----------------------------------------------------------------------------
# drain_run PROCESSES LATENCY_MS MESSAGES: seeds, starts PROCESSES gateways with the relay on, waits
# until every delivery is accepted and appends one result line to $WORK_DIR/drain.txt.
drain_run() {
  local processes="$1" latency="$2" messages="$3" expected polls=0 state_line accepted=0 pending
  local t0 t1="" deadline pg0 pg1 sim0 sim1 commits0 commits1 audit_mark i gw_ticks=() hwm=() pid
  expected=$((messages * PATIENTS))
  seed "$messages"
  sim_latency "$latency"
  audit_mark="$(sql "SELECT coalesce(max(id), 0) FROM audit_events")"
  commits0="$(xact_commits)"
  pg0="$(process_tree_ticks "$PG_MASTER_PID")"
  sim0="$(proc_ticks "$SIM_PID")"
  t0="$(now)"
  start_gateways "$CONFIG_RELAY" "$processes" "gateway-p$processes-l$latency"
  deadline=$(($(date +%s) + RUN_TIMEOUT))
  while :; do
    state_line="$(sql "SELECT count(*) FILTER (WHERE state = 'accepted') || ' ' ||
      count(*) FILTER (WHERE state IN ('queued', 'resolving', 'uploading', 'sending', 'retry_wait'))
      FROM deliveries" 2>/dev/null || echo "")"
    polls=$((polls + 1))
    if [ -n "$state_line" ]; then
      accepted="${state_line% *}"
      pending="${state_line#* }"
      if [ "$accepted" -ge "$expected" ]; then
        t1="$(now)"
        break
      fi
      [ "$pending" -gt 0 ] || { note "no delivery left to relay but only $accepted of $expected accepted"; break; }
    fi
    for pid in "${GATEWAY_PIDS[@]}"; do
      kill -0 "$pid" 2>/dev/null || die "a gateway died during the drain run (BENCH_KEEP_DIR=1 keeps its log)"
    done
    if [ "$(date +%s)" -ge "$deadline" ]; then
      note "timeout: $accepted of $expected accepted after ${RUN_TIMEOUT}s"
      break
    fi
    sleep 0.2
  done
  [ -n "$t1" ] || t1="$(now)"
  for pid in "${GATEWAY_PIDS[@]}"; do
    gw_ticks+=("$(proc_ticks "$pid")")
    hwm+=("$(memory_kb "$pid" VmHWM)")
  done
  pg1="$(process_tree_ticks "$PG_MASTER_PID")"
  sim1="$(proc_ticks "$SIM_PID")"
  curl -fsS --max-time 10 "$SIM_BASE/_sim/counters" >"$WORK_DIR/sim-counters.json" || die "GET /_sim/counters failed"
  local api_calls
  api_calls="$(json_get "$WORK_DIR/sim-counters.json" api_calls)"
  stop_gateways
  # The gateways' backends have exited (their statistics are flushed); our own psql polls (one
  # transaction each) and the two readings are taken off.
  commits1="$(xact_commits)"
  local commits=$((commits1 - commits0 - polls - 1))
  local figures
  figures="$(sql "
    WITH claimed AS (
      SELECT entity_id, actor, min(occurred_at) AS at FROM audit_events
      WHERE id > $audit_mark AND entity_type = 'delivery' AND event = 'delivery.claimed'
      GROUP BY entity_id, actor),
    accepted AS (
      SELECT entity_id, min(occurred_at) AS at FROM audit_events
      WHERE id > $audit_mark AND entity_type = 'delivery' AND event = 'delivery.accepted'
      GROUP BY entity_id),
    joined AS (
      SELECT c.at AS claimed_at, a.at AS accepted_at, extract(epoch FROM a.at - c.at) * 1000 AS ms
      FROM claimed c JOIN accepted a USING (entity_id)),
    shares AS (
      SELECT string_agg(n::text, '+' ORDER BY n DESC) AS split
      FROM (SELECT count(*) AS n FROM claimed GROUP BY actor) s)
    SELECT count(*), extract(epoch FROM max(accepted_at) - min(claimed_at)),
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
           (SELECT split FROM shares),
           (SELECT count(*) FROM audit_events WHERE id > $audit_mark AND event IN
              ('delivery.retry_scheduled', 'delivery.send_ambiguous', 'delivery.rate_limited',
               'delivery.lease_expired', 'delivery.dead'))
    FROM joined" | tr '|' ' ')"
  local n span p50 split retries
  read -r n span p50 split retries <<<"$figures"
  n="${n:-0}" span="${span:-0}" p50="${p50:-0}" split="${split:-none}" retries="${retries:-0}"
  local gw_total=0 gw_list="" hwm_max=0
  for i in "${!gw_ticks[@]}"; do
    gw_total=$((gw_total + gw_ticks[i]))
    gw_list+="${gw_list:+/}$(awk -v t="${gw_ticks[i]}" -v k="$CLK_TCK" -v a="$t0" -v b="$t1" \
      'BEGIN { printf "%.2f", t / k / (b - a) }')"
    [ "${hwm[i]}" -le "$hwm_max" ] || hwm_max="${hwm[i]}"
  done
  local problems
  problems="$(log_problems "$WORK_DIR"/gateway-p"$processes"-l"$latency"-*.log)"
  # processes latency expected accepted n span wall p50 gw_cores pg_cores sim_cores cpu_ms commits split retries hwm problems
  awk -v p="$processes" -v l="$latency" -v e="$expected" -v acc="$accepted" -v n="$n" -v span="$span" \
    -v a="$t0" -v b="$t1" -v p50="$p50" -v gl="$gw_list" -v gt="$gw_total" -v pg=$((pg1 - pg0)) \
    -v sim=$((sim1 - sim0)) -v k="$CLK_TCK" -v c="$commits" -v claims="$split" -v r="$retries" \
    -v hwm="$hwm_max" -v bad="$GATEWAY_BAD_EXITS" -v prob="$problems" -v calls="${api_calls:-0}" \
    -v workers="$WORKERS" 'BEGIN {
      wall = b - a; rate = (span > 0) ? n / span : 0; per = calls / (n > 0 ? n : 1)
      # I/O ceiling: every worker waiting on Metriport all the time, nothing else taking time.
      ceiling = (l > 0 && per > 0) ? sprintf("%.0f", p * workers * 1000 / (l * per)) : "-"
      printf "%s %s %s %s %.1f %.2f %.2f %s %s %.2f %.2f %.2f %.2f %s %s %.1f %s %s %.2f %s %.1f\n", p, l,
        e, acc, rate, span, wall, p50, gl, pg / k / wall, sim / k / wall, gt / k * 1000 / (n > 0 ? n : 1),
        c / (n > 0 ? n : 1), claims, r, hwm / 1024, bad, prob, per, ceiling,
        pg / k * 1000 / (n > 0 ? n : 1) }' >>"$WORK_DIR/drain.txt"
  note "drain: $processes process(es), latency $latency ms: $accepted/$expected accepted in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
}

note "PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT (fsync=$PG_FSYNC); drain runs: 1..$MAX_PROCESSES processes" \
  "x latency 0 and $LATENCY_MS ms, then the RSS phases"
: >"$WORK_DIR/drain.txt"
for latency in 0 "$LATENCY_MS"; do
  messages="$PATIENT_MESSAGES"
  [ "$latency" -eq 0 ] || messages="$LATENCY_MESSAGES"
  for ((processes = 1; processes <= MAX_PROCESSES; processes++)); do
    drain_run "$processes" "$latency" "$messages"
  done
done

# --- part 2: one gateway's memory --------------------------------------------------------------------
sim_latency 0
seed 1 # a queue of 4: the idle gateway relays them at once
start_gateways "$CONFIG_RSS" 1 gateway-rss
RSS_PID="${GATEWAY_PIDS[0]}"
RSS_PORT="${GATEWAY_PORTS[0]}"
OPS_BASE="http://127.0.0.1:${GATEWAY_OPS_PORTS[0]}"
sleep 5
curl -fsS -o /dev/null --max-time 10 "$OPS_BASE/metrics" || die "GET /metrics failed"
sleep 1
IDLE_RSS="$(memory_kb "$RSS_PID" VmRSS)"
IDLE_HWM="$(memory_kb "$RSS_PID" VmHWM)"

# Held connections: each speaks once (GET /livez answered 200) so the first-byte timeout
# (http.first_byte_timeout_seconds) no longer applies; they then sit idle under the keep-alive timeout.
: >"$WORK_DIR/holder.out"
node "$HOLDER_JS" "$RSS_PORT" "$CONNECTIONS" /livez >"$WORK_DIR/holder.out" 2>"$WORK_DIR/holder.err" &
HOLDER_PID=$!
for ((i = 0; i < 600; i++)); do
  grep -q '^held ' "$WORK_DIR/holder.out" && break
  kill -0 "$HOLDER_PID" 2>/dev/null || { cat "$WORK_DIR/holder.err" >&2; die "the connection holder exited"; }
  sleep 0.1
done
HELD_LINE="$(grep -m1 '^held ' "$WORK_DIR/holder.out" || true)"
[ -n "$HELD_LINE" ] || die "the connection holder did not finish opening within 60 s"
sleep "$((FIRST_BYTE_TIMEOUT + 1))" # past the first-byte timeout: what is still open was kept
GATEWAY_KEPT="$(ss -Htn state established "( sport = :$RSS_PORT )" | wc -l)"
OPEN_GAUGE="$(curl -fsS --max-time 10 "$OPS_BASE/metrics" |
  sed -nE 's/^relay_http_open_connections\{listener="vendor"\} ([0-9.e+]+).*/\1/p' | head -n 1)"
CONN_RSS="$(memory_kb "$RSS_PID" VmRSS)"
CONN_HWM="$(memory_kb "$RSS_PID" VmHWM)"
kill -USR1 "$HOLDER_PID" 2>/dev/null || true
sleep 0.3
HOLDER_STATUS="$(grep '^status ' "$WORK_DIR/holder.out" | tail -n 1)"
stop_process "$HOLDER_PID" 30
wait "$HOLDER_PID" 2>/dev/null || true
HOLDER_PID=""
sleep 2
AFTER_CONN_RSS="$(memory_kb "$RSS_PID" VmRSS)"
RSS_PROBLEMS_1="$(log_problems "$WORK_DIR/gateway-rss-1.log")"
stop_gateways

# Queued: BENCH_QUEUED deliveries, Metriport "paused" (every call waits 600 s).
SEED_T0="$(now)"
seed "$QUEUED_MESSAGES"
SEED_SECONDS="$(awk -v a="$SEED_T0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
QUEUED_REAL="$(sql "SELECT count(*) FROM deliveries WHERE state = 'queued'")"
sim_latency 600000
start_gateways "$CONFIG_RSS" 1 gateway-queued
RSS_PID="${GATEWAY_PIDS[0]}"
OPS_BASE="http://127.0.0.1:${GATEWAY_OPS_PORTS[0]}"
QUEUED_T0="$(date +%s)"
while [ $(($(date +%s) - QUEUED_T0)) -lt "$QUEUED_SECONDS" ]; do
  # Scrapes read the queue's gauges from the database, as Prometheus would.
  curl -fsS -o /dev/null --max-time 10 "$OPS_BASE/metrics" || note "GET /metrics failed"
  sleep 2
done
QUEUED_RSS="$(memory_kb "$RSS_PID" VmRSS)"
QUEUED_HWM="$(memory_kb "$RSS_PID" VmHWM)"
QUEUED_CPU="$(awk -v t="$(proc_ticks "$RSS_PID")" -v k="$CLK_TCK" 'BEGIN { printf "%.2f", t / k }')"
QUEUED_STATES="$(sql "SELECT string_agg(state || '=' || n, ' ' ORDER BY state)
  FROM (SELECT state, count(*) AS n FROM deliveries GROUP BY state) s")"
# The simulator goes first, so the hanging calls fail at once and the gateway stops quickly.
stop_process "$SIM_PID" 50
wait "$SIM_PID" 2>/dev/null || true
SIM_PID=""
RSS_PROBLEMS_2="$(log_problems "$WORK_DIR/gateway-queued-1.log")"
stop_gateways

# --- report ----------------------------------------------------------------------------------------
ONE_RATE_0="$(awk '$1 == 1 && $2 == 0 { print $5 }' "$WORK_DIR/drain.txt")"
ONE_RATE_L="$(awk -v l="$LATENCY_MS" '$1 == 1 && $2 == l { print $5 }' "$WORK_DIR/drain.txt")"
SCRIPT_SECONDS=$(($(date +%s) - SCRIPT_START))
echo
echo "relay-gateway scale-out benchmark (figures, not pass/fail: compare the ratios, raw numbers depend on the machine)"
echo "env: nproc=$(nproc) postgresql=$PG_VERSION (max_connections=$PG_MAX_CONNECTIONS)" \
  "durability=$([ "${PG_FAST_UNSAFE:-0}" = 1 ] && echo 'PG_FAST_UNSAFE=1 (fsync off)' || echo 'default (fsync on)')" \
  "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "     per process: relay.workers=$WORKERS database.pool_size=$POOL_SIZE relay.poll_interval_ms=$POLL_INTERVAL_MS" \
  "METRIPORT_SENDS_PER_MINUTE=$SENDS_PER_MINUTE; $PATIENTS patients per message, no attachment"
echo "     all on one machine: gateways, PostgreSQL, metriport-sim and this script share the $(nproc) cores"
echo
echo "drain rate (queued -> accepted, first claim -> last accept by the database clock)"
printf '%-7s %-5s %-10s %8s %6s %7s %7s %-15s %8s %5s %6s %6s %7s %-12s %6s\n' "latency" "procs" \
  "deliveries" "per sec" "ratio" "ceiling" "p50 ms" "gw cores each" "pg cores" "sim" "gw ms" "pg ms" \
  "commits" "claims" "HWM MB"
while read -r p l e acc rate _span _wall p50 gl pgc simc cpu commits split retries hwm bad prob _calls ceiling pgms; do
  one="$ONE_RATE_0"
  [ "$l" -eq 0 ] || one="$ONE_RATE_L"
  printf '%-7s %-5s %-10s %8s %6s %7s %7s %-15s %8s %5s %6s %6s %7s %-12s %6s\n' "${l} ms" "$p" \
    "$acc/$e" "$rate" "$(awk -v a="$rate" -v b="$one" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }')" \
    "$ceiling" "$p50" "$gl" "$pgc" "$simc" "$cpu" "$pgms" "$commits" "$split" "$hwm"
  [ "$retries" = 0 ] && [ "$bad" = 0 ] && [ "$prob" = 0 ] ||
    echo "         ^ retry/ambiguous/429/lease/dead events=$retries, gateways exiting non-zero=$bad, warn/error log lines=$prob"
done <"$WORK_DIR/drain.txt"
echo "  (per sec: deliveries / (last delivery.accepted - first delivery.claimed); ratio: to 1 process"
echo "   at the same latency; ceiling: processes x workers / (latency x Medical API calls per delivery),"
echo "   the rate if workers did nothing but wait on Metriport; p50: claim -> accept per delivery; cores:"
echo "   CPU seconds / wall seconds from start to all accepted, per gateway process, PostgreSQL (all"
echo "   backends, this script's 5 polls/s too), simulator; gw ms / pg ms: CPU ms per delivery of all"
echo "   gateways / of PostgreSQL; commits: transactions committed per delivery (xact_commit of"
echo "   pg_stat_database, this script's polls taken off); claims: deliveries each process claimed;"
echo "   HWM: the largest VmHWM of the run's gateways)"
echo
echo "memory of one gateway process (VmRSS now / VmHWM peak)"
printf '%-52s %10s %10s\n' "state" "RSS MB" "HWM MB"
printf '%-52s %10s %10s\n' "idle (started, 4 deliveries relayed, one scrape)" "$(mb "$IDLE_RSS")" "$(mb "$IDLE_HWM")"
printf '%-52s %10s %10s\n' "holding $GATEWAY_KEPT keep-alive connections" "$(mb "$CONN_RSS")" "$(mb "$CONN_HWM")"
printf '%-52s %10s %10s\n' "  after the client closed them (2 s later)" "$(mb "$AFTER_CONN_RSS")" "-"
printf '%-52s %10s %10s\n' "$QUEUED_REAL queued, relay on, Metriport paused, ${QUEUED_SECONDS}s" "$(mb "$QUEUED_RSS")" "$(mb "$QUEUED_HWM")"
echo "  per held connection: $(awk -v a="$CONN_RSS" -v b="$IDLE_RSS" -v n="$GATEWAY_KEPT" \
  'BEGIN { if (n > 0) printf "%.1f KB", (a - b) / n; else print "n/a" }') of RSS above idle"
echo
echo "details:"
echo "  connections: client $HELD_LINE; ${FIRST_BYTE_TIMEOUT}+1 s later: $GATEWAY_KEPT established on the" \
  "gateway's port (ss), relay_http_open_connections{listener=\"vendor\"}=${OPEN_GAUGE:-?}; client ${HOLDER_STATUS:-status ?};" \
  "http.max_connections=$HTTP_MAX_CONNECTIONS, first_byte_timeout ${FIRST_BYTE_TIMEOUT}s, keep_alive_timeout ${KEEP_ALIVE_TIMEOUT}s"
echo "  Medical API calls per delivery (simulator's api_calls; the patient cache is warm after the first run):" \
  "$(awk '{ printf "%s%s ms/%s: %s", (NR > 1 ? ", " : ""), $2, $1, $19 }' "$WORK_DIR/drain.txt")"
echo "  queued: seeded $QUEUED_REAL deliveries in ${SEED_SECONDS}s with SQL; after ${QUEUED_SECONDS}s: $QUEUED_STATES;" \
  "gateway CPU ${QUEUED_CPU}s"
echo "  gateway logs, memory phases: $RSS_PROBLEMS_1 and $RSS_PROBLEMS_2 warn/error lines"
echo "  database connections per process: database.pool_size $POOL_SIZE + relay min(workers,16)+1 =" \
  "$(((WORKERS < 16 ? WORKERS : 16) + 1)) + LISTEN 1 + retention 1 (when enabled) = $((PER_PROCESS_DB + 1)) at most"
echo "  whole script: ${SCRIPT_SECONDS}s"
