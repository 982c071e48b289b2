#!/usr/bin/env bash
# Benchmarks the relay END TO END: deliveries per second from "queued in PostgreSQL" to "accepted by
# Metriport (metriport-sim, zero latency) with the Metriport id recorded" (deliveries.state =
# 'accepted'), on a private PostgreSQL; prints figures, never pass/fail.
# Read the RATIOS: the relay against (1) the simulator's own send capacity (wrk POSTing sends straight
# to it) and (2) a peer, ../shared/peers/graphile-relay.mjs (graphile-worker: patient lookup + send
# per job) on the same PostgreSQL cluster and simulator, both measured in this run; and the database
# cost per delivery of each (commits from pg_stat_database.xact_commit, WAL bytes from
# pg_current_wal_lsn(), before and after).
set -euo pipefail

# Environment: BENCH_MESSAGES (default 1000 messages), BENCH_PATIENTS (1 patient each: deliveries =
# messages x patients), BENCH_PATIENT_IDS (distinct: every message its own patients, so every
# delivery looks its patient up, as the peer's jobs do; shared: BENCH-PAT-1.. in every message, so
# all but the first lookups come from the patient cache), BENCH_ATTACHMENT (0; 1 adds the sample PDF
# to every message: one document reference + upload per delivery), BENCH_WORKERS (32: relay.workers =
# wrk connections = the peer's concurrency), BENCH_THREADS (2: wrk threads), BENCH_PEER (1; 0 skips
# the peer), BENCH_POOL_SIZE (4: database.pool_size),
# BENCH_SIM_SECONDS (10: the simulator reference run), BENCH_SIM_THREADS (1: metriport-sim --threads,
# its default), BENCH_TIMEOUT (600: seconds the relay may take to accept every delivery),
# BENCH_BINARY (build/relay-gateway), BENCH_SIMULATOR (build/metriport-sim), BENCH_KEEP_DIR=1 keeps
# the temporary folder (gateway, simulator and peer logs, wrk output) for a look afterwards.
# PG_FAST_UNSAFE=1 is passed to deploy/pg-cluster.sh (fsync off) and shown in the output; default off.
# Fixed: relay.poll_interval_ms 200, METRIPORT_SENDS_PER_MINUTE 100000 (the pacer's even spacing
# then allows ~1650 sends/s: far above what is measured here), simulator settings '{}' (latency 0, no
# faults) and no webhook URL (deliveries stay 'accepted': nothing confirms them to 'completed').
# Steps: intake of every message with the relay off (not measured), the simulator reference, the
# relay run (gateway started with the relay on, timed until every delivery is accepted), then the
# peer (its own database in the same cluster; npm ci of its pinned packages into the temporary
# folder) relaying as many single-patient jobs through the same simulator.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MESSAGES="${BENCH_MESSAGES:-1000}"
PATIENTS="${BENCH_PATIENTS:-1}"
PATIENT_IDS="${BENCH_PATIENT_IDS:-distinct}"
ATTACHMENT="${BENCH_ATTACHMENT:-0}"
WORKERS="${BENCH_WORKERS:-32}"
PEER="${BENCH_PEER:-1}"
CLIENT_THREADS="${BENCH_THREADS:-2}"
POOL_SIZE="${BENCH_POOL_SIZE:-4}"
SIM_SECONDS="${BENCH_SIM_SECONDS:-10}"
SIM_THREADS="${BENCH_SIM_THREADS:-1}"
RELAY_TIMEOUT="${BENCH_TIMEOUT:-600}"
BINARY="${BENCH_BINARY:-$ROOT/build/relay-gateway}"
SIMULATOR="${BENCH_SIMULATOR:-$ROOT/build/metriport-sim}"
KEEP_DIR="${BENCH_KEEP_DIR:-0}"
POLL_INTERVAL_MS=200
SENDS_PER_MINUTE=100000
SIM_LUA="$ROOT/deploy/bench/relay-sim.lua"
PEER_DIR="$(realpath -m "$ROOT/../shared/peers")"
CONFIG_EXAMPLE="$ROOT/config/gateway.example.json"
SAMPLE="$(realpath -m "$ROOT/../shared/samples/message.json")"
PG_CLUSTER="$ROOT/deploy/pg-cluster.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$ROOT/deploy/lib.sh"

die() {
  echo "bench-relay: $*" >&2
  exit 1
}
note() { echo "bench-relay: $*" >&2; }

for pair in "BENCH_MESSAGES=$MESSAGES" "BENCH_PATIENTS=$PATIENTS" "BENCH_WORKERS=$WORKERS" \
  "BENCH_THREADS=$CLIENT_THREADS" "BENCH_POOL_SIZE=$POOL_SIZE" "BENCH_SIM_SECONDS=$SIM_SECONDS" \
  "BENCH_SIM_THREADS=$SIM_THREADS" "BENCH_TIMEOUT=$RELAY_TIMEOUT"; do
  [[ "${pair#*=}" =~ ^[1-9][0-9]{0,5}$ ]] || die "${pair%%=*} must be a positive integer, got '${pair#*=}'"
done
[[ "$ATTACHMENT" =~ ^[01]$ ]] || die "BENCH_ATTACHMENT must be 0 or 1, got '$ATTACHMENT'"
[[ "$PEER" =~ ^[01]$ ]] || die "BENCH_PEER must be 0 or 1, got '$PEER'"
[[ "$PATIENT_IDS" =~ ^(distinct|shared)$ ]] || die "BENCH_PATIENT_IDS must be distinct or shared, got '$PATIENT_IDS'"
[ "$MESSAGES" -le 50000 ] || die "BENCH_MESSAGES is at most 50000"
[ "$PATIENTS" -le 500 ] || die "BENCH_PATIENTS is at most 500 (intake.max_patients)"
[ $((MESSAGES * PATIENTS)) -le 200000 ] || die "BENCH_MESSAGES x BENCH_PATIENTS is at most 200000 deliveries"
[ "$WORKERS" -le 100 ] || die "BENCH_WORKERS is at most 100 (the cluster allows 200 connections)"
[ "$POOL_SIZE" -le 64 ] || die "BENCH_POOL_SIZE is at most 64 (database.pool_size)"
[ "$SIM_SECONDS" -le 3600 ] || die "BENCH_SIM_SECONDS is at most 3600"
[ "$SIM_THREADS" -le 8 ] || die "BENCH_SIM_THREADS is at most 8 (metriport-sim --threads)"
[ "$RELAY_TIMEOUT" -le 86400 ] || die "BENCH_TIMEOUT is at most 86400"
DELIVERIES=$((MESSAGES * PATIENTS))
WRK_THREADS=$((CLIENT_THREADS < WORKERS ? CLIENT_THREADS : WORKERS))

[ -x "$BINARY" ] || die "$BINARY not found: run deploy/build.sh (or set BENCH_BINARY)"
[ -x "$SIMULATOR" ] || die "$SIMULATOR not found: run deploy/build.sh (or set BENCH_SIMULATOR)"
for tool in wrk curl base64 getconf awk sed timeout realpath mktemp; do
  command -v "$tool" >/dev/null || die "$tool is missing (deploy/install-deps.sh installs it)"
done
command -v jq >/dev/null || command -v python3 >/dev/null || die "needs jq or python3 to read and edit JSON"
for file in "$SIM_LUA" "$CONFIG_EXAMPLE" "$SAMPLE" "$PG_CLUSTER"; do
  [ -f "$file" ] || die "$file is missing"
done
if [ "$PEER" = 1 ]; then
  for file in graphile-relay.mjs package.json package-lock.json; do
    [ -f "$PEER_DIR/$file" ] || die "$PEER_DIR/$file is missing (BENCH_PEER=0 skips the peer)"
  done
  { command -v node >/dev/null && command -v npm >/dev/null; } || die "node and npm are needed for the peer (BENCH_PEER=0 skips it)"
fi

# --- everything this script starts is stopped by bench_cleanup (deploy/lib.sh) ---------------------
WORK_DIR=""
PG_DIR=""
PG_STARTED=0
GATEWAY_PID=""
SIM_PID=""
CHILD_PID=""
bench_traps

SCRIPT_START="$(date +%s)"
WORK_DIR="$(mktemp -d /tmp/relay-bench-relay.XXXXXX)"
chmod 755 "$WORK_DIR" # the postgres user (when run as root) must reach the cluster folder inside
PG_DIR="$WORK_DIR/pg"

# --- PostgreSQL: private cluster on a free loopback port ------------------------------------------
private_pg_start "$PG_CLUSTER" "$PG_DIR" "$WORK_DIR/pg-start.err" ||
  { cat "$WORK_DIR/pg-start.err" >&2; die "PostgreSQL did not start"; }
bench_database || die "could not create the benchmark database"
ADMIN_URL="$(bash "$PG_CLUSTER" url "$PG_DIR")" # the peer's database is created through it
sql() { timeout 60 "$PSQL" "$DB_URL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
PG_VERSION="$(sql "SHOW server_version")"
PG_FSYNC="$(sql "SHOW fsync")"
PG_SYNC_COMMIT="$(sql "SHOW synchronous_commit")"

# --- configuration: one file per phase; this script's values win over the caller's environment ----
bench_clear_gateway_env
MAX_HOST_CONNECTIONS=$((WORKERS > 16 ? WORKERS : 16))
CONFIG_INTAKE="$WORK_DIR/gateway-intake.json"
CONFIG_RELAY="$WORK_DIR/gateway-relay.json"
json_edit "$CONFIG_EXAMPLE" "$CONFIG_INTAKE" \
  ".database.pool_size = $POOL_SIZE | .relay.enabled = false" \
  "d['database']['pool_size'] = $POOL_SIZE; d['relay']['enabled'] = False"
json_edit "$CONFIG_EXAMPLE" "$CONFIG_RELAY" \
  ".database.pool_size = $POOL_SIZE | .relay.enabled = true | .relay.workers = $WORKERS |
   .relay.poll_interval_ms = $POLL_INTERVAL_MS | .METRIPORT_SENDS_PER_MINUTE = $SENDS_PER_MINUTE |
   .metriport.max_connections_per_host = $MAX_HOST_CONNECTIONS" \
  "d['database']['pool_size'] = $POOL_SIZE; d['relay']['enabled'] = True
d['relay']['workers'] = $WORKERS; d['relay']['poll_interval_ms'] = $POLL_INTERVAL_MS
d['METRIPORT_SENDS_PER_MINUTE'] = $SENDS_PER_MINUTE
d['metriport']['max_connections_per_host'] = $MAX_HOST_CONNECTIONS"
if command -v jq >/dev/null; then
  DESTINATION="$(jq -r '.routing.routes["DR-100"].destination' "$CONFIG_RELAY")"
else
  DESTINATION="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["routing"]["routes"]["DR-100"]["destination"])' "$CONFIG_RELAY")"
fi
if [ -z "$DESTINATION" ] || [ "$DESTINATION" = null ]; then die "no route for DR-100 in $CONFIG_EXAMPLE"; fi
export DATABASE_URL="$DB_URL"
export GATEWAY_LISTEN="127.0.0.1:0"
export GATEWAY_OPS_LISTEN="127.0.0.1:0"
GATEWAY_TOKEN_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')"
export GATEWAY_TOKEN_SECRET

timeout 120 "$BINARY" migrate --config "$CONFIG_INTAKE" >"$WORK_DIR/migrate.log" 2>&1 ||
  { cat "$WORK_DIR/migrate.log" >&2; die "migrate failed"; }
VENDOR=bench
VENDOR_PASSWORD="$(bench_vendor_add "$BINARY" "$CONFIG_INTAKE" "$VENDOR")" || die "vendor add failed"

# --- metriport-sim on a free port (port 0), no webhook URL, default settings ------------------------
SIM_KEY="$(head -c 24 /dev/urandom | base64 | tr -d '\n=+/')"
"$SIMULATOR" --listen 127.0.0.1:0 --api-key "$SIM_KEY" --settings '{}' --threads "$SIM_THREADS" \
  >"$WORK_DIR/sim.out" 2>"$WORK_DIR/sim.log" &
SIM_PID=$!
rc=0
SIM_PORT="$(wait_for_port '^metriport-sim listening on 127\.0\.0\.1:([0-9]+).*' "$WORK_DIR/sim.out" "$SIM_PID" 300)" || rc=$?
[ "$rc" -ne 1 ] || { cat "$WORK_DIR/sim.out" "$WORK_DIR/sim.log" >&2; die "metriport-sim exited at start"; }
[ -n "$SIM_PORT" ] || die "metriport-sim did not listen within 30 s"
SIM_BASE="http://127.0.0.1:$SIM_PORT"
curl -fsS -o /dev/null --max-time 5 "$SIM_BASE/_sim/counters" || die "GET /_sim/counters failed"
export METRIPORT_BASE_URL="$SIM_BASE/medical/v1" METRIPORT_API_KEY="$SIM_KEY"
sim_counters() { curl -fsS --max-time 10 "$SIM_BASE/_sim/counters" >"$1" || die "GET /_sim/counters failed"; }

# start_gateway CONFIG LOG_NAME: serve on 127.0.0.1:0; sets GATEWAY_PID and BASE.
start_gateway() {
  "$BINARY" serve --config "$1" >"$WORK_DIR/$2.out" 2>"$WORK_DIR/$2.log" &
  GATEWAY_PID=$!
  local port="" rc=0
  port="$(bench_gateway_port "$WORK_DIR/$2.out" "$GATEWAY_PID" 150)" || rc=$?
  [ "$rc" -ne 1 ] || { cat "$WORK_DIR/$2.log" >&2; die "gateway ($2) exited at start"; }
  [ -n "$port" ] || { tail -n 20 "$WORK_DIR/$2.log" >&2; die "gateway ($2) did not listen within 15 s"; }
  BASE="http://127.0.0.1:$port"
}
# stop_gateway: SIGTERM, at most 30 s, exit status into GATEWAY_EXIT.
stop_gateway() {
  GATEWAY_EXIT=0
  stop_process "$GATEWAY_PID" 300
  wait "$GATEWAY_PID" 2>/dev/null || GATEWAY_EXIT=$?
  GATEWAY_PID=""
}
log_problems() { grep -c -E '"level":"(warn|error)"' "$1" || true; }
log_problem_summary() {
  grep -E '"level":"(warn|error)"' "$1" | sed -E 's/"ts":"[^"]*",//; s/"(delivery_id|instance|seq)":"[^"]*",?//g' |
    sort | uniq -c | sort -rn | head -n 5 | sed 's/^/      /'
}

# --- intake (relay off): BENCH_MESSAGES messages of BENCH_PATIENTS patients, not measured ----------
start_gateway "$CONFIG_INTAKE" gateway-intake
curl -fsS -o /dev/null --max-time 5 "$BASE/healthz" || die "GET /healthz failed"
TOKEN="$(bench_token "$BASE" "$VENDOR" "$VENDOR_PASSWORD")"
[ -n "$TOKEN" ] || die "no access_token from POST /token"

# The body: the sample message with BENCH_PATIENTS patients (BENCH-PAT-1.., or with
# BENCH_PATIENT_IDS=distinct BENCH-PAT-<message>-1..), the file only with BENCH_ATTACHMENT=1, and the
# ExternalId also in the subject so every send's body is unique (the simulator's duplicate counters
# then mean "sent twice").
TEMPLATE="$WORK_DIR/body-template.json"
PATIENT_PREFIX="BENCH-PAT-"
[ "$PATIENT_IDS" = shared ] || PATIENT_PREFIX="BENCH-PAT-@@EXTERNAL_ID@@-"
json_edit "$SAMPLE" "$TEMPLATE" \
  ".externalId = \"@@EXTERNAL_ID@@\" | .subject = (.subject + \" @@EXTERNAL_ID@@\") |
   .patients = [range(1; $PATIENTS + 1) | {externalId: \"$PATIENT_PREFIX\(.)\", isRepresentative: false,
                                            representativeExternalId: \"\"}] |
   if $ATTACHMENT == 1 then . else del(.fileData) end" \
  "d['externalId'] = '@@EXTERNAL_ID@@'; d['subject'] = d['subject'] + ' @@EXTERNAL_ID@@'
d['patients'] = [{'externalId': '$PATIENT_PREFIX%d' % i, 'isRepresentative': False, 'representativeExternalId': ''} for i in range(1, $PATIENTS + 1)]
if $ATTACHMENT != 1: d.pop('fileData', None)"
grep -q '@@EXTERNAL_ID@@' "$TEMPLATE" || die "could not build the message template"
# One curl process posts every message (4 at a time) from a config file: body inline, quoted for
# curl's config syntax (backslash and double quote escaped).
TAG="RB$(date +%s)"
CURL_CONFIG="$WORK_DIR/intake.curl"
escaped_template="$(sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' "$TEMPLATE")"
{
  echo "parallel"
  echo "parallel-max = 4"
  for ((m = 1; m <= MESSAGES; m++)); do
    [ "$m" -eq 1 ] || echo "next"
    echo "url = \"$BASE/api/OutgoingSecureMessages\""
    echo "header = \"Authorization: Bearer $TOKEN\""
    echo "header = \"Content-Type: application/json\""
    echo "data-binary = \"${escaped_template//@@EXTERNAL_ID@@/$TAG-$m}\""
    echo "output = \"/dev/null\""
    printf '%s\n' 'write-out = "intake-status=%{http_code}\n"'
    echo "max-time = 60"
    echo "silent"
    echo "no-progress-meter"
    echo "show-error"
  done
} >"$CURL_CONFIG"
INTAKE_START="$(date +%s.%N)"
run_bounded $((MESSAGES / 5 + 120)) "$WORK_DIR/intake-statuses.txt" curl -sS -K "$CURL_CONFIG" ||
  note "curl reported an error during intake (statuses are checked next)"
INTAKE_END="$(date +%s.%N)"
# Counted by their marker: curl's parallel progress meter (stderr, same file) may share a line.
INTAKE_OK="$(grep -o 'intake-status=200' "$WORK_DIR/intake-statuses.txt" | wc -l)"
if [ "$INTAKE_OK" -ne "$MESSAGES" ]; then
  grep -o 'intake-status=[0-9]*' "$WORK_DIR/intake-statuses.txt" | sort | uniq -c | head -n 10 >&2
  die "intake: $INTAKE_OK of $MESSAGES posts answered 200"
fi
QUEUED="$(sql "SELECT count(*) FROM deliveries WHERE state = 'queued'")"
[ "$QUEUED" -eq "$DELIVERIES" ] || die "intake stored $QUEUED queued deliveries, expected $DELIVERIES"
INTAKE_PROBLEMS="$(log_problems "$WORK_DIR/gateway-intake.log")"
stop_gateway
[ "$GATEWAY_EXIT" -eq 0 ] || note "the intake gateway exited $GATEWAY_EXIT on SIGTERM"
INTAKE_RATE="$(awk -v n="$MESSAGES" -v a="$INTAKE_START" -v b="$INTAKE_END" 'BEGIN { printf "%.0f", n / (b - a) }')"

# --- measurement helpers ---------------------------------------------------------------------------
CLK_TCK="$(getconf CLK_TCK)"
# PostgreSQL: the postmaster with its reaped children (ended backends) plus the live children.
pg_ticks() { process_tree_ticks "$PG_MASTER_PID"; }
# The client side: this shell and its waited-for children (psql polls, wrk, the peer).
client_ticks() { proc_ticks $$ all; }
now() { date +%s.%N; }
# "wall gateway postgres simulator client" (ticks); the gateway's only while it runs.
cpu_snapshot() {
  local gateway=0
  [ -z "$GATEWAY_PID" ] || gateway="$(proc_ticks "$GATEWAY_PID")"
  echo "$(now) $gateway $(pg_ticks) $(proc_ticks "$SIM_PID") $(client_ticks)"
}
# "gateway/postgres/simulator/client" cores used between two snapshots.
cpu_cores() {
  awk -v tck="$CLK_TCK" -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " "); wall = y[1] - x[1]; if (wall <= 0) wall = 1
    printf "%.2f/%.2f/%.2f/%.2f", (y[2]-x[2])/tck/wall, (y[3]-x[3])/tck/wall, (y[4]-x[4])/tck/wall,
      (y[5]-x[5])/tck/wall }'
}
# CPU seconds of field N (2 gateway .. 5 client) between two snapshots.
cpu_seconds() {
  awk -v tck="$CLK_TCK" -v a="$1" -v b="$2" -v f="$3" 'BEGIN {
    split(a, x, " "); split(b, y, " "); printf "%.2f", (y[f]-x[f])/tck }'
}
field() { sed -nE "s/.*(^| )$1=([^ ]*).*/\2/p" <<<"$2" | head -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.3f", a / b }'; }
# "commits wal_lsn" of database $1 (its backends report their counts when they end: read after).
db_cost_snapshot() {
  sql "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = '$1') || ' ' || pg_current_wal_lsn()"
}
# "commits/delivery WAL-bytes/delivery" between two snapshots, for $3 deliveries.
db_cost_per() {
  local commits0="${1% *}" lsn0="${1#* }" commits1="${2% *}" lsn1="${2#* }" wal
  wal="$(sql "SELECT pg_wal_lsn_diff('$lsn1', '$lsn0')::bigint")"
  awk -v c="$((commits1 - commits0))" -v w="$wal" -v n="$3" 'BEGIN { printf "%.2f %.0f\n", c / n, w / n }'
}

# --- reference 1: the simulator's own send capacity (wrk, WORKERS connections) ----------------------
note "PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT (fsync=$PG_FSYNC), simulator on $SIM_BASE;" \
  "$DELIVERIES deliveries queued; simulator reference ${SIM_SECONDS}s, then the relay run"
patient_json="$(curl -fsS --max-time 10 -H "x-api-key: $SIM_KEY" \
  "$SIM_BASE/medical/v1/patient/external-id?externalId=BENCH-PAT-1")" || die "simulator patient lookup failed"
SIM_PATIENT="$(sed -nE 's/^\{.*"id" *: *"([0-9a-fA-F-]{36})".*$/\1/p' <<<"$patient_json" | head -n 1)"
[ -n "$SIM_PATIENT" ] || SIM_PATIENT="$(grep -oE '"id" *: *"[0-9a-fA-F-]{36}"' <<<"$patient_json" | head -n 1 | grep -oE '[0-9a-fA-F-]{36}')"
[ -n "$SIM_PATIENT" ] || die "no patient id in the simulator's answer"
probe_status="$(curl -sS -o "$WORK_DIR/sim-probe.json" -w '%{http_code}' --max-time 10 -X POST \
  -H "x-api-key: $SIM_KEY" -H 'Content-Type: application/json' \
  --data-binary "{\"destination\":\"$DESTINATION\",\"subject\":\"probe\",\"body\":\"probe\"}" \
  "$SIM_BASE/medical/v1/message?patientId=$SIM_PATIENT")"
[ "$probe_status" = 200 ] || { cat "$WORK_DIR/sim-probe.json" >&2; die "a direct send to the simulator answered $probe_status"; }

sql "CHECKPOINT" >/dev/null
SIM_CPU_START="$(cpu_snapshot)"
rc=0
run_bounded $((SIM_SECONDS + 60)) "$WORK_DIR/wrk-sim.txt" wrk -t "$WRK_THREADS" -c "$WORKERS" \
  -d "${SIM_SECONDS}s" --timeout 10s -s "$SIM_LUA" "$SIM_BASE" -- "$SIM_KEY" "$SIM_PATIENT" \
  "$DESTINATION" "$TAG-REF" || rc=$?
SIM_CPU_END="$(cpu_snapshot)"
sim_line="$(grep -m1 '^wrk-result ' "$WORK_DIR/wrk-sim.txt" || true)"
if [ "$rc" -ne 0 ] || [ -z "$sim_line" ]; then
  cat "$WORK_DIR/wrk-sim.txt" >&2
  die "wrk against the simulator failed (exit $rc)"
fi
sim_counters "$WORK_DIR/sim-counters-ref.json"
SIM_RPS="$(awk -v r="$(field ok2xx "$sim_line")" -v d="$(field duration_us "$sim_line")" 'BEGIN { printf "%.1f", r / (d / 1e6) }')"
SIM_P50="$(awk -v v="$(field p50_us "$sim_line")" 'BEGIN { printf "%.2f", v / 1000 }')"
SIM_P99="$(awk -v v="$(field p99_us "$sim_line")" 'BEGIN { printf "%.2f", v / 1000 }')"
SIM_SOCKET_ERRORS=$(($(field connect_err "$sim_line") + $(field read_err "$sim_line") + \
  $(field write_err "$sim_line") + $(field timeout_err "$sim_line")))
SIM_CORES="$(cpu_cores "$SIM_CPU_START" "$SIM_CPU_END")"
SIM_NOTE="wrk: $(field requests "$sim_line") answers (statuses $(field statuses "$sim_line"), socket errors"
SIM_NOTE+=" $SIM_SOCKET_ERRORS); simulator counted sends_accepted=$(json_get "$WORK_DIR/sim-counters-ref.json" sends_accepted)"
# Forget the reference's messages and counters (keeps the settings) so the relay run counts alone.
curl -fsS -o /dev/null --max-time 30 -X POST "$SIM_BASE/_sim/reset" || die "POST /_sim/reset failed"
sim_counters "$WORK_DIR/sim-counters-before.json"
[ "$(json_get "$WORK_DIR/sim-counters-before.json" sends)" = 0 ] || die "the simulator's counters did not reset"

# --- the relay run: gateway with the relay on, timed until every delivery is accepted --------------
sql "CHECKPOINT" >/dev/null
RELAY_COST_START="$(db_cost_snapshot relay)"
RELAY_CPU_START="$(cpu_snapshot)" # the gateway counts from 0: it starts now
RELAY_T0="$(now)"
RELAY_CPU_START="$RELAY_T0 ${RELAY_CPU_START#* }"
start_gateway "$CONFIG_RELAY" gateway-relay
deadline=$(($(date +%s) + RELAY_TIMEOUT))
ACCEPTED=0
PENDING="$DELIVERIES"
RELAY_T1=""
while :; do
  state_line="$(sql "SELECT count(*) FILTER (WHERE state = 'accepted') || ' ' ||
    count(*) FILTER (WHERE state IN ('queued', 'resolving', 'uploading', 'sending', 'retry_wait'))
    FROM deliveries" 2>/dev/null || echo "")"
  if [ -n "$state_line" ]; then
    ACCEPTED="${state_line% *}"
    PENDING="${state_line#* }"
  fi
  if [ "$ACCEPTED" -ge "$DELIVERIES" ]; then
    RELAY_T1="$(now)"
    break
  fi
  if [ -n "$state_line" ] && [ "$PENDING" -eq 0 ]; then
    note "no delivery left to relay but only $ACCEPTED of $DELIVERIES accepted"
    break
  fi
  kill -0 "$GATEWAY_PID" 2>/dev/null || die "the gateway died during the relay run (see BENCH_KEEP_DIR=1)"
  if [ "$(date +%s)" -ge "$deadline" ]; then
    note "timeout: $ACCEPTED of $DELIVERIES accepted after ${RELAY_TIMEOUT}s"
    break
  fi
  sleep 0.1
done
RELAY_CPU_END="$(cpu_snapshot)"
sim_counters "$WORK_DIR/sim-counters-relay.json"
RELAY_PROBLEMS="$(log_problems "$WORK_DIR/gateway-relay.log")"
stop_gateway
[ "$GATEWAY_EXIT" -eq 0 ] || note "the relay gateway exited $GATEWAY_EXIT on SIGTERM"
[ -n "$RELAY_T1" ] || die "the relay did not accept every delivery (see above; BENCH_KEEP_DIR=1 keeps the logs)"
sleep 1 # the gateway's backends have ended; their statistics are in pg_stat_database
read -r RELAY_COMMITS RELAY_WAL < <(db_cost_per "$RELAY_COST_START" "$(db_cost_snapshot relay)" "$DELIVERIES")

RELAY_WALL="$(awk -v a="$RELAY_T0" -v b="$RELAY_T1" 'BEGIN { printf "%.3f", b - a }')"
RELAY_RATE="$(awk -v n="$DELIVERIES" -v w="$RELAY_WALL" 'BEGIN { printf "%.1f", n / w }')"
RELAY_CORES="$(cpu_cores "$RELAY_CPU_START" "$RELAY_CPU_END")"
GATEWAY_CPU="$(cpu_seconds "$RELAY_CPU_START" "$RELAY_CPU_END" 2)"
PG_CPU="$(cpu_seconds "$RELAY_CPU_START" "$RELAY_CPU_END" 3)"
SIMULATOR_CPU="$(cpu_seconds "$RELAY_CPU_START" "$RELAY_CPU_END" 4)"
# From the database's own clock: process start -> last accept, and first claim -> last accept
# (no 100 ms poll granularity; the second leaves out the gateway's start-up).
read -r FIRST_CLAIM LAST_ACCEPT P50 P99 PMAX LATENCY_N < <(sql "
  WITH claimed AS (
    SELECT entity_id, min(occurred_at) AS at FROM audit_events
    WHERE entity_type = 'delivery' AND event = 'delivery.claimed' GROUP BY entity_id),
  accepted AS (
    SELECT entity_id, min(occurred_at) AS at FROM audit_events
    WHERE entity_type = 'delivery' AND event = 'delivery.accepted' GROUP BY entity_id),
  joined AS (
    SELECT c.at AS claimed_at, a.at AS accepted_at,
           extract(epoch FROM a.at - c.at) * 1000 AS ms
    FROM claimed c JOIN accepted a USING (entity_id))
  SELECT extract(epoch FROM min(claimed_at)), extract(epoch FROM max(accepted_at)),
         round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2),
         round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 2),
         round(max(ms)::numeric, 2), count(*)
  FROM joined" | tr '|' ' ')
[ -n "${LATENCY_N:-}" ] || die "could not read the per-delivery latencies from audit_events"
DB_WALL="$(awk -v a="$RELAY_T0" -v b="$LAST_ACCEPT" 'BEGIN { printf "%.3f", b - a }')"
DB_RATE="$(awk -v n="$DELIVERIES" -v w="$DB_WALL" 'BEGIN { printf "%.1f", n / w }')"
SPAN_WALL="$(awk -v a="$FIRST_CLAIM" -v b="$LAST_ACCEPT" 'BEGIN { printf "%.3f", b - a }')"
SPAN_RATE="$(awk -v n="$DELIVERIES" -v w="$SPAN_WALL" 'BEGIN { printf "%.1f", n / w }')"
STARTUP_MS="$(awk -v a="$RELAY_T0" -v b="$FIRST_CLAIM" 'BEGIN { printf "%.0f", (b - a) * 1000 }')"

# Exactly once, from both sides.
read -r DB_ACCEPTED DB_DEAD DB_OTHER ATTEMPTS SENDS_WITH_ID DISTINCT_IDS CLAIM_EVENTS RETRY_EVENTS < <(sql "
  SELECT (SELECT count(*) FROM deliveries WHERE state = 'accepted'),
         (SELECT count(*) FROM deliveries WHERE state = 'dead'),
         (SELECT count(*) FROM deliveries WHERE state NOT IN ('accepted', 'dead')),
         (SELECT coalesce(sum(attempts), 0) FROM deliveries),
         (SELECT count(*) FROM delivery_sends WHERE metriport_message_id IS NOT NULL),
         (SELECT count(DISTINCT metriport_message_id) FROM delivery_sends),
         (SELECT count(*) FROM audit_events WHERE event = 'delivery.claimed'),
         (SELECT count(*) FROM audit_events WHERE event IN ('delivery.retry_scheduled',
            'delivery.send_ambiguous', 'delivery.rate_limited', 'delivery.lease_expired', 'delivery.dead'))" |
  tr '|' ' ')
SC="$WORK_DIR/sim-counters-relay.json"
SIM_SENDS="$(json_get "$SC" sends)"
SIM_ACCEPTED="$(json_get "$SC" sends_accepted)"
SIM_DUP_BODY="$(json_get "$SC" sends_duplicate_body)"
SIM_DUP_MSG="$(json_get "$SC" messages_duplicate)"
SIM_API_CALLS="$(json_get "$SC" api_calls)"
SIM_LOOKUPS="$(json_get "$SC" patient_lookups)"
SIM_DOCS="$(json_get "$SC" documents_created)"
SIM_UPLOADS="$(json_get "$SC" documents_uploaded)"
SIM_REJECTED="$(json_get "$SC" sends_rejected)"
# Uploads (PUT /_upload) carry no API key; api_calls counts the keyed Medical API calls.
CALLS_PER_DELIVERY="$(awk -v c="$SIM_API_CALLS" -v u="$SIM_UPLOADS" -v n="$DELIVERIES" \
  'BEGIN { printf "%.2f", (c + u) / n }')"

# --- reference 2: the peer, a graphile-worker relay, on the same cluster and simulator --------------
PEER_RATE="" PEER_ENQUEUE="" PEER_COMMITS="" PEER_WAL="" PEER_NOTE="skipped (BENCH_PEER=0)" PEER_CORES=""
PEER_SENDS="" PEER_DUP_BODY=""
if [ "$PEER" = 1 ]; then
  mkdir -p "$WORK_DIR/peer"
  cp "$PEER_DIR/graphile-relay.mjs" "$PEER_DIR/package.json" "$PEER_DIR/package-lock.json" "$WORK_DIR/peer/"
  (cd "$WORK_DIR/peer" && run_bounded 600 "$WORK_DIR/peer-npm.log" npm ci --no-audit --no-fund) ||
    { tail -n 20 "$WORK_DIR/peer-npm.log" >&2; die "npm ci for the peer failed"; }
  timeout 30 "$PSQL" "$ADMIN_URL" -Xqc "CREATE DATABASE peer" >/dev/null
  curl -fsS -o /dev/null --max-time 30 -X POST "$SIM_BASE/_sim/reset" || die "POST /_sim/reset failed"
  sql "CHECKPOINT" >/dev/null
  PEER_COST_START="$(db_cost_snapshot peer)"
  PEER_CPU_START="$(cpu_snapshot)"
  rc=0
  (cd "$WORK_DIR/peer" && DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/peer" \
    METRIPORT_BASE_URL="$SIM_BASE/medical/v1" METRIPORT_API_KEY="$SIM_KEY" DESTINATION="$DESTINATION" \
    N="$DELIVERIES" CONCURRENCY="$WORKERS" run_bounded "$RELAY_TIMEOUT" "$WORK_DIR/peer.txt" \
    node graphile-relay.mjs) || rc=$?
  PEER_CPU_END="$(cpu_snapshot)"
  [ "$rc" -eq 0 ] || { tail -n 20 "$WORK_DIR/peer.txt" >&2; die "the peer failed (exit $rc)"; }
  sleep 1
  read -r PEER_COMMITS PEER_WAL < <(db_cost_per "$PEER_COST_START" "$(db_cost_snapshot peer)" "$DELIVERIES")
  PEER_RATE="$(sed -nE 's/^peer relay: ([0-9.]+) deliveries\/s.*/\1/p' "$WORK_DIR/peer.txt" | head -n 1)"
  PEER_ENQUEUE="$(sed -nE 's/^peer enqueue: ([0-9.]+) jobs\/s.*/\1/p' "$WORK_DIR/peer.txt" | head -n 1)"
  [ -n "$PEER_RATE" ] || { cat "$WORK_DIR/peer.txt" >&2; die "no 'peer relay:' line from the peer"; }
  PEER_CORES="$(cpu_cores "$PEER_CPU_START" "$PEER_CPU_END")"
  sim_counters "$WORK_DIR/sim-counters-peer.json"
  PEER_SENDS="$(json_get "$WORK_DIR/sim-counters-peer.json" sends_accepted)"
  PEER_DUP_BODY="$(json_get "$WORK_DIR/sim-counters-peer.json" sends_duplicate_body)"
  PEER_NOTE="graphile-worker $(sed -nE 's/.*"graphile-worker": *"([^"]+)".*/\1/p' "$WORK_DIR/peer/package.json" | head -n 1),"
  PEER_NOTE+=" concurrency $WORKERS, $DELIVERIES jobs enqueued one per transaction at ${PEER_ENQUEUE:-?}/s;"
  PEER_NOTE+=" simulator counted sends_accepted=$PEER_SENDS sends_duplicate_body=$PEER_DUP_BODY"
fi

# --- report ----------------------------------------------------------------------------------------
RATIO_SIM="$(ratio "$RELAY_RATE" "$SIM_RPS")"
SCRIPT_SECONDS=$(($(date +%s) - SCRIPT_START))
echo
echo "relay-gateway relay benchmark (figures, not pass/fail: compare the ratios, raw numbers depend on the machine)"
echo "env: nproc=$(nproc) postgresql=$PG_VERSION" \
  "durability=$([ "${PG_FAST_UNSAFE:-0}" = 1 ] && echo 'PG_FAST_UNSAFE=1 (fsync off)' || echo 'default (fsync on)')" \
  "(fsync=$PG_FSYNC synchronous_commit=$PG_SYNC_COMMIT) loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "     deliveries=$DELIVERIES ($MESSAGES messages x $PATIENTS patients, attachment=$([ "$ATTACHMENT" = 1 ] && echo 'yes (sample PDF)' || echo no))" \
  "relay.workers=$WORKERS database.pool_size=$POOL_SIZE relay.poll_interval_ms=$POLL_INTERVAL_MS" \
  "METRIPORT_SENDS_PER_MINUTE=$SENDS_PER_MINUTE simulator: latency 0, --threads $SIM_THREADS"
echo "     all on one machine: gateway, PostgreSQL, metriport-sim and wrk/pgbench/psql share the $(nproc) cores"
echo "     patients: $PATIENT_IDS ($([ "$PATIENT_IDS" = distinct ] && echo 'every delivery looks its patient up, like the peer' || echo 'all but the first lookups from the patient cache'))"
echo
printf '%-44s %12s %9s %9s  %s\n' "run" "per second" "p50 ms" "p99 ms" "cores gw/pg/sim/client"
printf '%-44s %12s %9s %9s  %s\n' "relay end to end (start -> all accepted, poll)" "$RELAY_RATE" \
  "$P50" "$P99" "$RELAY_CORES"
printf '%-44s %12s\n' "  same, by the database clock (start -> last)" "$DB_RATE"
printf '%-44s %12s\n' "  same, first claim -> last accept" "$SPAN_RATE"
printf '%-44s %12s %9s %9s  %s\n' "simulator direct send (wrk, $WORKERS conns)" "$SIM_RPS" "$SIM_P50" \
  "$SIM_P99" "$SIM_CORES"
printf '%-44s %12s %9s %9s  %s\n' "peer: graphile-worker relay ($WORKERS jobs at once)" \
  "${PEER_RATE:-skipped}" "-" "-" "${PEER_CORES:--}"
echo "  (relay: deliveries/s, latency per delivery from its first delivery.claimed to delivery.accepted"
echo "   audit event; simulator: 2xx sends/s and wrk's latency; peer: jobs/s from its first job to its"
echo "   last (patient lookup + send each), as it prints it; cores: CPU seconds / wall seconds of the"
echo "   gateway, PostgreSQL, metriport-sim and this script's clients (the peer's node among them))"
echo
printf '%-44s %12s\n' "ratio" "deliveries/s"
printf '%-44s %12s\n' "relay / simulator direct send rate" "$RATIO_SIM"
printf '%-44s %12s\n' "relay / peer" "$(ratio "$RELAY_RATE" "${PEER_RATE:-0}")"
printf '%-44s %12s\n' "relay (first claim -> last) / peer" "$(ratio "$SPAN_RATE" "${PEER_RATE:-0}")"
echo
printf '%-44s %12s %14s\n' "database cost per delivery" "commits" "WAL bytes"
printf '%-44s %12s %14s\n' "relay (claim -> accepted; intake not counted)" "$RELAY_COMMITS" "$RELAY_WAL"
printf '%-44s %12s %14s\n' "peer (its enqueue counted)" "${PEER_COMMITS:--}" "${PEER_WAL:--}"
echo
echo "relay: $RELAY_RATE deliveries/s = $(ratio "$RELAY_RATE" "${PEER_RATE:-0}") × the peer ($RELAY_COMMITS commits, $RELAY_WAL WAL bytes per delivery; peer ${PEER_COMMITS:--}, ${PEER_WAL:--})"
echo
echo "details:"
echo "  relay: $DELIVERIES deliveries in ${RELAY_WALL}s wall (gateway start -> poll saw all accepted);" \
  "database clock ${DB_WALL}s; first claim ${STARTUP_MS} ms after start, claim->accept span ${SPAN_WALL}s;" \
  "max claim->accept ${PMAX} ms over $LATENCY_N deliveries"
echo "  relay CPU: gateway ${GATEWAY_CPU}s ($(awk -v c="$GATEWAY_CPU" -v n="$DELIVERIES" 'BEGIN { printf "%.2f", c * 1000 / n }') ms/delivery)," \
  "PostgreSQL ${PG_CPU}s ($(awk -v c="$PG_CPU" -v n="$DELIVERIES" 'BEGIN { printf "%.2f", c * 1000 / n }') ms/delivery)," \
  "metriport-sim ${SIMULATOR_CPU}s"
echo "  simulator reference: $SIM_NOTE"
echo "  peer: $PEER_NOTE"
echo "  intake (not measured): $MESSAGES posts, all 200, ~$INTAKE_RATE messages/s with curl 4 at a time"
echo
echo "checks (exactly once):"
echo "  database: accepted=$DB_ACCEPTED dead=$DB_DEAD other=$DB_OTHER (expected $DELIVERIES/0/0)," \
  "sum(attempts)=$ATTEMPTS, sends with a Metriport id=$SENDS_WITH_ID (distinct $DISTINCT_IDS)," \
  "delivery.claimed events=$CLAIM_EVENTS (expected $DELIVERIES), retry/ambiguous/429/lease/dead events=$RETRY_EVENTS"
echo "  simulator: sends=$SIM_SENDS sends_accepted=$SIM_ACCEPTED (expected $DELIVERIES)" \
  "rejected=$SIM_REJECTED sends_duplicate_body=$SIM_DUP_BODY messages_duplicate=$SIM_DUP_MSG" \
  "patient_lookups=$SIM_LOOKUPS documents_created=$SIM_DOCS uploaded=$SIM_UPLOADS" \
  "api_calls=$SIM_API_CALLS (+uploads: $CALLS_PER_DELIVERY HTTP calls per delivery)"
verdict="ok"
if [ "$SIM_ACCEPTED" != "$DELIVERIES" ] || [ "$SIM_DUP_BODY" != 0 ] || [ "$DB_ACCEPTED" != "$DELIVERIES" ] ||
  [ "$DISTINCT_IDS" != "$DELIVERIES" ] || [ "$CLAIM_EVENTS" != "$DELIVERIES" ]; then
  verdict="MISMATCH: see the counts above"
fi
if [ "$PEER" = 1 ] && { [ "$PEER_SENDS" != "$DELIVERIES" ] || [ "$PEER_DUP_BODY" != 0 ]; }; then
  verdict="$verdict; peer MISMATCH: sends_accepted=$PEER_SENDS duplicates=$PEER_DUP_BODY"
fi
echo "  exactly once: $verdict"
echo "  gateway logs: intake $INTAKE_PROBLEMS warn/error lines, relay $RELAY_PROBLEMS warn/error lines" \
  "($(wc -l <"$WORK_DIR/gateway-relay.log") lines)"
if [ "$RELAY_PROBLEMS" -gt 0 ]; then log_problem_summary "$WORK_DIR/gateway-relay.log"; fi
echo "  whole script: ${SCRIPT_SECONDS}s"
