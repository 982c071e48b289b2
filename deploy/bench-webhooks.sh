#!/usr/bin/env bash
# Benchmarks the gateway's webhook acknowledgement (POST <webhook_path> answering 200 once the signed
# message.status event is stored) at a STATED request rate, on a private PostgreSQL; figures, never pass/fail.
# Read the RATIOS: webhooks against GET /healthz at the same rate and connections, both measured in this run.
set -euo pipefail

# Environment: BENCH_RATE (default 200 requests/s, all connections together), BENCH_SECONDS (20: the
# paced runs send BENCH_RATE x BENCH_SECONDS requests), BENCH_CONNECTIONS (8), BENCH_THREADS (2: wrk
# threads), BENCH_UNPACED_REQUESTS (10000: requests of each unpaced run), BENCH_GATEWAY_THREADS (2:
# http.threads), BENCH_POOL_SIZE (4: database.pool_size), BENCH_APPLY_WAIT (30: seconds to wait for
# the relay to look at the stored events), BENCH_BINARY (build/relay-gateway), BENCH_SIMULATOR
# (build/metriport-sim), BENCH_KEEP_DIR=1 keeps the temporary folder (logs, wrk output, fixtures).
# PG_FAST_UNSAFE=1 is passed to deploy/pg-cluster.sh (fsync off) and shown in the output; default off.
# Runs: GET /healthz paced (the reference), webhooks paced, webhooks unpaced, GET /healthz unpaced.
# Every webhook is a distinct signed message.status event (tests/contract/generate-webhooks.js, checked
# with Metriport's schema and SDK), sent exactly once, so every 200 stores a new webhook_events row.
# Pacing (deploy/bench/webhooks.lua): each wrk thread sends on a fixed schedule (threads/rate apart),
# so the rate holds whatever the latency, as long as BENCH_CONNECTIONS cover rate x latency; each
# connection's first request goes at once (one burst of BENCH_CONNECTIONS at the start). wrk's
# latency runs from writing a request to reading its answer. The gateway runs with the relay on,
# pointed at a metriport-sim ('{}' settings): it applies stored events after answering; the events
# name random Metriport message ids that match no delivery, so they are expected to wait.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RATE="${BENCH_RATE:-200}"
SECONDS_PER_RUN="${BENCH_SECONDS:-20}"
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
CLIENT_THREADS="${BENCH_THREADS:-2}"
UNPACED="${BENCH_UNPACED_REQUESTS:-10000}"
GATEWAY_THREADS="${BENCH_GATEWAY_THREADS:-2}"
POOL_SIZE="${BENCH_POOL_SIZE:-4}"
APPLY_WAIT="${BENCH_APPLY_WAIT:-30}"
BINARY="${BENCH_BINARY:-$ROOT/build/relay-gateway}"
SIMULATOR="${BENCH_SIMULATOR:-$ROOT/build/metriport-sim}"
KEEP_DIR="${BENCH_KEEP_DIR:-0}"
LUA_SCRIPT="$ROOT/deploy/bench/webhooks.lua"
CONFIG_EXAMPLE="$ROOT/config/gateway.example.json"
CONTRACT_DIR="$ROOT/tests/contract"
GENERATOR="$CONTRACT_DIR/generate-webhooks.js"
PG_CLUSTER="$ROOT/deploy/pg-cluster.sh"
MARGIN=10 # spare signed events beyond the runs' (the preflight uses one)
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$ROOT/deploy/lib.sh"

die() {
  echo "bench-webhooks: $*" >&2
  exit 1
}
note() { echo "bench-webhooks: $*" >&2; }

for pair in "BENCH_RATE=$RATE" "BENCH_SECONDS=$SECONDS_PER_RUN" "BENCH_CONNECTIONS=$CONNECTIONS" \
  "BENCH_THREADS=$CLIENT_THREADS" "BENCH_UNPACED_REQUESTS=$UNPACED" \
  "BENCH_GATEWAY_THREADS=$GATEWAY_THREADS" "BENCH_POOL_SIZE=$POOL_SIZE" "BENCH_APPLY_WAIT=$APPLY_WAIT"; do
  [[ "${pair#*=}" =~ ^[1-9][0-9]{0,5}$ ]] || die "${pair%%=*} must be a positive integer, got '${pair#*=}'"
done
[ "$RATE" -le 20000 ] || die "BENCH_RATE is at most 20000"
[ "$SECONDS_PER_RUN" -le 600 ] || die "BENCH_SECONDS is at most 600"
PACED=$((RATE * SECONDS_PER_RUN))
[ "$PACED" -le 200000 ] || die "BENCH_RATE x BENCH_SECONDS is at most 200000 requests"
[ "$UNPACED" -le 200000 ] || die "BENCH_UNPACED_REQUESTS is at most 200000"
[ "$CONNECTIONS" -ge "$CLIENT_THREADS" ] || die "BENCH_CONNECTIONS must be >= BENCH_THREADS"
[ "$CONNECTIONS" -le 150 ] || die "BENCH_CONNECTIONS is at most 150"
[ "$CLIENT_THREADS" -le 16 ] || die "BENCH_THREADS is at most 16"
[ "$POOL_SIZE" -le 64 ] || die "BENCH_POOL_SIZE is at most 64 (database.pool_size)"
[ "$APPLY_WAIT" -le 600 ] || die "BENCH_APPLY_WAIT is at most 600"
# wrk gives every thread connections/threads connections (the remainder is dropped).
CONNECTIONS=$((CONNECTIONS / CLIENT_THREADS * CLIENT_THREADS))

[ -x "$BINARY" ] || die "$BINARY not found: run deploy/build.sh (or set BENCH_BINARY)"
[ -x "$SIMULATOR" ] || die "$SIMULATOR not found: run deploy/build.sh (or set BENCH_SIMULATOR)"
for tool in wrk curl node base64 getconf awk sed timeout mktemp; do
  command -v "$tool" >/dev/null || die "$tool is missing (deploy/install-deps.sh installs it)"
done
command -v jq >/dev/null || command -v python3 >/dev/null || die "needs jq or python3 to read and edit JSON"
for file in "$LUA_SCRIPT" "$CONFIG_EXAMPLE" "$GENERATOR" "$PG_CLUSTER"; do
  [ -f "$file" ] || die "$file is missing"
done

# json_string FILE KEY: a top-level string member of the one JSON document in FILE, raw ("" when absent).
json_string() {
  if command -v jq >/dev/null; then
    jq -j --arg k "$2" '.[$k] // "" | tostring' "$1"
  else
    python3 -c 'import json,sys
v = json.load(open(sys.argv[1])).get(sys.argv[2], "")
sys.stdout.write("" if v is None else str(v))' "$1" "$2"
  fi
}

# --- everything this script starts is stopped by bench_cleanup (deploy/lib.sh) ---------------------
WORK_DIR=""
PG_DIR=""
PG_STARTED=0
GATEWAY_PID=""
SIM_PID=""
CHILD_PID=""
bench_traps

SCRIPT_START="$(date +%s)"
WORK_DIR="$(mktemp -d /tmp/relay-bench-webhooks.XXXXXX)"
chmod 755 "$WORK_DIR" # the postgres user (when run as root) must reach the cluster folder inside
PG_DIR="$WORK_DIR/pg"

# --- Metriport's npm packages for the generator (tests/contract, pinned by its package-lock.json) --
if [ ! -f "$CONTRACT_DIR/node_modules/@metriport/shared/package.json" ] ||
  [ ! -f "$CONTRACT_DIR/node_modules/@metriport/api-sdk/package.json" ]; then
  command -v npm >/dev/null || die "npm is missing: needed once for 'npm ci' in tests/contract"
  note "installing tests/contract's packages (npm ci)"
  run_bounded 600 "$WORK_DIR/npm-ci.log" npm --prefix "$CONTRACT_DIR" ci --no-audit --no-fund ||
    { tail -n 20 "$WORK_DIR/npm-ci.log" >&2; die "npm ci in tests/contract failed"; }
fi

# --- PostgreSQL: private cluster on a free loopback port ------------------------------------------
private_pg_start "$PG_CLUSTER" "$PG_DIR" "$WORK_DIR/pg-start.err" ||
  { cat "$WORK_DIR/pg-start.err" >&2; die "PostgreSQL did not start"; }
bench_database || die "could not create the benchmark database"
sql() { timeout 60 "$PSQL" "$DB_URL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
PG_VERSION="$(sql "SHOW server_version")"
PG_FSYNC="$(sql "SHOW fsync")"
PG_SYNC_COMMIT="$(sql "SHOW synchronous_commit")"

# --- configuration: this script's values win over the caller's environment ------------------------
bench_clear_gateway_env
CONFIG="$WORK_DIR/gateway.json"
json_edit "$CONFIG_EXAMPLE" "$CONFIG" \
  ".http.threads = $GATEWAY_THREADS | .database.pool_size = $POOL_SIZE | .relay.enabled = true" \
  "d['http']['threads'] = $GATEWAY_THREADS; d['database']['pool_size'] = $POOL_SIZE; d['relay']['enabled'] = True"
WEBHOOK_PATH="$(json_string "$CONFIG" webhook_path)"
[ -n "$WEBHOOK_PATH" ] || WEBHOOK_PATH="/webhooks/metriport"
[[ "$WEBHOOK_PATH" =~ ^/[A-Za-z0-9._~/-]*$ ]] || die "unexpected webhook_path '$WEBHOOK_PATH' in $CONFIG_EXAMPLE"
export DATABASE_URL="$DB_URL"
export GATEWAY_LISTEN="127.0.0.1:0"
export GATEWAY_OPS_LISTEN="127.0.0.1:0"
GATEWAY_TOKEN_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')"
WEBHOOK_KEY="$(head -c 24 /dev/urandom | base64 | tr -d '\n=+/')" # no comma: one key, no rotation
export GATEWAY_TOKEN_SECRET
export METRIPORT_WEBHOOK_KEY="$WEBHOOK_KEY"

timeout 120 "$BINARY" migrate --config "$CONFIG" >"$WORK_DIR/migrate.log" 2>&1 ||
  { cat "$WORK_DIR/migrate.log" >&2; die "migrate failed"; }

# --- metriport-sim on a free port (port 0), default settings: the relay's Metriport -----------------
SIM_KEY="$(head -c 24 /dev/urandom | base64 | tr -d '\n=+/')"
"$SIMULATOR" --listen 127.0.0.1:0 --api-key "$SIM_KEY" --settings '{}' \
  >"$WORK_DIR/sim.out" 2>"$WORK_DIR/sim.log" &
SIM_PID=$!
SIM_PORT=""
for ((i = 0; i < 300; i++)); do
  SIM_PORT="$(sed -nE 's#^metriport-sim listening on 127\.0\.0\.1:([0-9]+).*#\1#p' "$WORK_DIR/sim.out" | head -n 1)"
  [ -z "$SIM_PORT" ] || break
  kill -0 "$SIM_PID" 2>/dev/null || { cat "$WORK_DIR/sim.out" "$WORK_DIR/sim.log" >&2; die "metriport-sim exited at start"; }
  sleep 0.1
done
[ -n "$SIM_PORT" ] || die "metriport-sim did not listen within 30 s"
export METRIPORT_BASE_URL="http://127.0.0.1:$SIM_PORT/medical/v1" METRIPORT_API_KEY="$SIM_KEY"

# --- gateway: serve on 127.0.0.1:0 ------------------------------------------------------------------
"$BINARY" serve --config "$CONFIG" >"$WORK_DIR/gateway.out" 2>"$WORK_DIR/gateway.log" &
GATEWAY_PID=$!
rc=0
GATEWAY_PORT="$(bench_gateway_port "$WORK_DIR/gateway.out" "$GATEWAY_PID" 300)" || rc=$?
[ "$rc" -ne 1 ] || { cat "$WORK_DIR/gateway.log" >&2; die "gateway exited at start"; }
[ -n "$GATEWAY_PORT" ] || { tail -n 20 "$WORK_DIR/gateway.log" >&2; die "gateway did not listen within 30 s"; }
BASE="http://127.0.0.1:$GATEWAY_PORT"
curl -fsS -o /dev/null --max-time 5 "$BASE/healthz" || die "GET /healthz failed"

# --- signed events: the paced run's, the unpaced run's and a margin, plus a ping -----------------------
FIXTURE="$WORK_DIR/webhooks.jsonl"
GENERATED=$((PACED + UNPACED + MARGIN))
GEN_START="$(date +%s.%N)"
run_bounded 600 "$WORK_DIR/generate.log" env WEBHOOK_KEY="$WEBHOOK_KEY" WEBHOOK_FIXTURE_FILE="$FIXTURE" \
  WEBHOOK_COUNT="$GENERATED" WEBHOOK_EXTRAS=1 node "$GENERATOR" ||
  { cat "$WORK_DIR/generate.log" >&2; die "generate-webhooks.js failed"; }
GEN_SECONDS="$(awk -v a="$GEN_START" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
grep '^{"kind":"message\.status' "$FIXTURE" >"$WORK_DIR/status.jsonl" || true
[ "$(wc -l <"$WORK_DIR/status.jsonl")" -eq "$GENERATED" ] || die "the generator wrote too few message.status lines"
head -n "$PACED" "$WORK_DIR/status.jsonl" >"$WORK_DIR/paced.jsonl"
sed -n "$((PACED + 1)),$((PACED + UNPACED))p" "$WORK_DIR/status.jsonl" >"$WORK_DIR/unpaced.jsonl"
sed -n "$((PACED + UNPACED + 1))p" "$WORK_DIR/status.jsonl" >"$WORK_DIR/preflight.jsonl"
grep -m1 '^{"kind":"ping"' "$FIXTURE" >"$WORK_DIR/ping.jsonl" || die "the generator wrote no ping line"
BODY_BYTES="$(json_string "$WORK_DIR/preflight.jsonl" rawBody | wc -c)"

# post_fixture LINE_FILE SIGNATURE ANSWER_FILE: POSTs the line's rawBody (exact bytes) with the given
# signature header; prints the HTTP status.
post_fixture() {
  json_string "$1" rawBody >"$WORK_DIR/post-body.json"
  curl -sS -o "$3" -w '%{http_code}' --max-time 10 -X POST "$BASE$WEBHOOK_PATH" \
    -H 'Content-Type: application/json' -H "x-metriport-signature: $2" \
    --data-binary @"$WORK_DIR/post-body.json" || true
}
webhook_rows() { sql "SELECT count(*) FROM webhook_events"; }

# --- preflight: the endpoint stores a signed event, dedupes it, refuses a bad signature, answers a ping
PRE_SIGNATURE="$(json_string "$WORK_DIR/preflight.jsonl" signature)"
pre_status="$(post_fixture "$WORK_DIR/preflight.jsonl" "$PRE_SIGNATURE" "$WORK_DIR/preflight-answer.txt")"
if [ "$pre_status" != 200 ]; then
  note "a signed message.status to POST $WEBHOOK_PATH answered $pre_status: $(head -c 300 "$WORK_DIR/preflight-answer.txt")"
  [ "$pre_status" != 404 ] || die "the gateway has no webhook endpoint at $WEBHOOK_PATH (404): build a gateway with it"
  die "the webhook endpoint does not accept a signed event"
fi
PRE_ANSWER="$(tr -d ' \n' <"$WORK_DIR/preflight-answer.txt")"
ROWS_AFTER_FIRST="$(webhook_rows)"
dup_status="$(post_fixture "$WORK_DIR/preflight.jsonl" "$PRE_SIGNATURE" "$WORK_DIR/dup-answer.txt")"
ROWS_AFTER_DUP="$(webhook_rows)"
BAD_SIGNATURE="$(printf '%064d' 0)"
bad_status="$(post_fixture "$WORK_DIR/preflight.jsonl" "$BAD_SIGNATURE" "$WORK_DIR/bad-answer.txt")"
ping_status="$(post_fixture "$WORK_DIR/ping.jsonl" "$(json_string "$WORK_DIR/ping.jsonl" signature)" \
  "$WORK_DIR/ping-answer.txt")"
PING_VALUE="$(json_string "$WORK_DIR/ping.jsonl" rawBody | sed -nE 's/.*"ping":"([^"]*)".*/\1/p')"
ROWS_BEFORE_RUNS="$(webhook_rows)" # the ping is stored too
if [ "$(tr -d ' \n' <"$WORK_DIR/ping-answer.txt")" = "{\"pong\":\"$PING_VALUE\"}" ]; then
  PING_NOTE="ping $ping_status with the same pong"
else
  PING_NOTE="ping $ping_status, answer $(head -c 100 "$WORK_DIR/ping-answer.txt") (expected {\"pong\":\"$PING_VALUE\"})"
fi
PREFLIGHT="signed message.status $pre_status $PRE_ANSWER (rows $ROWS_AFTER_FIRST); the same event again"
PREFLIGHT+=" $dup_status (rows $ROWS_AFTER_DUP); wrong signature $bad_status (expected 401); $PING_NOTE"

# --- measurement helpers ---------------------------------------------------------------------------
CLK_TCK="$(getconf CLK_TCK)"
# PostgreSQL: the postmaster with its reaped children (ended backends) plus the live children.
pg_ticks() { process_tree_ticks "$PG_MASTER_PID"; }
# The load generator: CPU of this shell's waited-for children (wrk).
client_ticks() {
  local stat fields
  read -r stat <"/proc/$$/stat"
  read -r -a fields <<<"${stat##*) }"
  echo $((fields[13] + fields[14]))
}
now() { date +%s.%N; }
cpu_snapshot() { echo "$(now) $(proc_ticks "$GATEWAY_PID") $(pg_ticks) $(client_ticks)"; }
# "gateway/postgres/client" cores used between two snapshots.
cpu_cores() {
  awk -v tck="$CLK_TCK" -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " "); wall = y[1] - x[1]; if (wall <= 0) wall = 1
    printf "%.2f/%.2f/%.2f", (y[2]-x[2])/tck/wall, (y[3]-x[3])/tck/wall, (y[4]-x[4])/tck/wall }'
}
field() { sed -nE "s/.*(^| )$1=([^ ]*).*/\2/p" <<<"$2" | head -n 1; }
ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
log_problems() { grep -c -E '"level":"(warn|error)"' "$1" || true; }

declare -A SENT ANSWERED OK RATE_OUT P50 P90 P99 PMAX STATUSES CPU ERRORS ROWS NOTE

# wrk_run NAME MODE FILE COUNT RATE(0 = unpaced): one wrk run of COUNT requests; stops wrk (SIGINT)
# once every thread has had all its answers, or after the bound; results into the tables above.
wrk_run() {
  local name="$1" mode="$2" file="$3" count="$4" rate="$5"
  local out="$WORK_DIR/wrk-$name.txt" done_dir="$WORK_DIR/done-$name" limit before after start end line
  if [ "$rate" -gt 0 ]; then limit=$((count / rate + 60)); else limit=$((count / 50 + 60)); fi
  mkdir -p "$done_dir"
  sql "CHECKPOINT" >/dev/null
  before="$(webhook_rows)"
  start="$(cpu_snapshot)"
  wrk -t "$CLIENT_THREADS" -c "$CONNECTIONS" -d "${limit}s" --timeout 10s -s "$LUA_SCRIPT" "$BASE" -- \
    "$mode" "$file" "$count" "$rate" "$CLIENT_THREADS" "$done_dir" "$WEBHOOK_PATH" >"$out" 2>&1 &
  CHILD_PID=$!
  local deadline=$((SECONDS + limit + 15)) stopped=0
  while kill -0 "$CHILD_PID" 2>/dev/null; do
    if [ "$stopped" -eq 0 ] && [ "$(find "$done_dir" -type f -name 'done-*' | wc -l)" -ge "$CLIENT_THREADS" ]; then
      kill -INT "$CHILD_PID" 2>/dev/null || true # wrk stops, prints its summary and runs done()
      stopped=1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      kill -KILL "$CHILD_PID" 2>/dev/null || true
      break
    fi
    sleep 0.05
  done
  local rc=0
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  end="$(cpu_snapshot)"
  after="$(webhook_rows)"
  line="$(grep -m1 '^wrk-result ' "$out" || true)"
  if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
    note "wrk ($name) failed (exit $rc); its output:"
    cat "$out" >&2
    die "wrk run $name failed"
  fi
  [ "$(field threads "$line")" = "$CLIENT_THREADS" ] || die "wrk ($name) ran $(field threads "$line") threads"
  SENT[$name]="$(field sent "$line")"
  ANSWERED[$name]="$(field answered "$line")"
  OK[$name]="$(field ok200 "$line")"
  RATE_OUT[$name]="$(awk -v n="${ANSWERED[$name]}" -v s="$(field span_us "$line")" \
    'BEGIN { if (s + 0 == 0) print "n/a"; else printf "%.1f", n / (s / 1e6) }')"
  P50[$name]="$(ms "$(field p50_us "$line")")"
  P90[$name]="$(ms "$(field p90_us "$line")")"
  P99[$name]="$(ms "$(field p99_us "$line")")"
  PMAX[$name]="$(ms "$(field max_us "$line")")"
  STATUSES[$name]="$(field statuses "$line")"
  CPU[$name]="$(cpu_cores "$start" "$end")"
  ERRORS[$name]=$(($(field connect_err "$line") + $(field read_err "$line") + $(field write_err "$line") + \
    $(field timeout_err "$line")))
  ROWS[$name]=$((after - before))
  NOTE[$name]="other answer bodies $(field other_bodies "$line"), socket errors ${ERRORS[$name]}"
  NOTE[$name]+=" (connect/read/write/timeout $(field connect_err "$line")/$(field read_err "$line")/"
  NOTE[$name]+="$(field write_err "$line")/$(field timeout_err "$line")), extra requests $(field extra_sent "$line")"
  [ "$stopped" -eq 1 ] || NOTE[$name]+=", NOT every request was answered before the ${limit}s bound"
}

note "PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT (fsync=$PG_FSYNC), gateway on $BASE; runs of" \
  "$PACED requests at $RATE/s, then $UNPACED unpaced"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
wrk_run healthz-paced healthz - "$PACED" "$RATE"
wrk_run webhooks-paced webhook "$WORK_DIR/paced.jsonl" "$PACED" "$RATE"
wrk_run webhooks-unpaced webhook "$WORK_DIR/unpaced.jsonl" "$UNPACED" 0
wrk_run healthz-unpaced healthz - "$UNPACED" 0
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- the relay's view of the stored events (it applies them after the 200) -------------------------
EXPECTED_ROWS=$((ROWS_BEFORE_RUNS + ${OK[webhooks-paced]} + ${OK[webhooks-unpaced]}))
apply_deadline=$((SECONDS + APPLY_WAIT))
while :; do
  UNLOOKED="$(sql "SELECT count(*) FROM webhook_events WHERE applied_at IS NULL AND outcome IS NULL")"
  if [ "$UNLOOKED" -eq 0 ] || [ "$SECONDS" -ge "$apply_deadline" ]; then break; fi
  sleep 0.5
done
read -r TOTAL_ROWS APPLIED_ROWS STATUS_ROWS STATUS_WAITING STATUS_APPLIED < <(sql "
  SELECT count(*), count(applied_at), count(*) FILTER (WHERE event_type = 'message.status'),
         count(*) FILTER (WHERE event_type = 'message.status' AND outcome = 'waiting'),
         count(applied_at) FILTER (WHERE event_type = 'message.status')
  FROM webhook_events" | tr '|' ' ')
OUTCOMES="$(sql "SELECT o || '=' || n FROM (SELECT coalesce(outcome, '(none)') AS o, count(*) AS n
                 FROM webhook_events GROUP BY 1) AS t ORDER BY o" | paste -sd ' ' -)"
GATEWAY_PROBLEMS="$(log_problems "$WORK_DIR/gateway.log")"
SCRIPT_SECONDS=$(($(date +%s) - SCRIPT_START))

# --- report ------------------------------------------------------------------------------------------
row() {
  printf '%-22s %7s %8s %8s %7s %7s %7s %8s  %-18s %s\n' "$@"
}
print_run() {
  row "$2" "${SENT[$1]}" "${ANSWERED[$1]}" "${RATE_OUT[$1]}" "${P50[$1]}" "${P90[$1]}" "${P99[$1]}" \
    "${PMAX[$1]}" "${STATUSES[$1]}" "${CPU[$1]}"
}
match() { if [ "$1" = "$2" ]; then echo "match"; else echo "MISMATCH: $(($1 - $2))"; fi; }

echo
echo "Webhook acknowledgement: POST $WEBHOOK_PATH (signed message.status, ${BODY_BYTES} bytes, stored before 200)"
echo "PostgreSQL $PG_VERSION fsync=$PG_FSYNC synchronous_commit=$PG_SYNC_COMMIT" \
  "(PG_FAST_UNSAFE=${PG_FAST_UNSAFE:-0}); gateway http.threads=$GATEWAY_THREADS database.pool_size=$POOL_SIZE," \
  "relay on (metriport-sim); wrk $CLIENT_THREADS threads, $CONNECTIONS connections; $(nproc) CPUs shared by all"
echo "preflight: $PREFLIGHT"
echo
echo "paced at $RATE requests/s for ${SECONDS_PER_RUN}s ($PACED requests per run):"
row "run" "sent" "answered" "rate/s" "p50 ms" "p90 ms" "p99 ms" "max ms" "statuses" "cores gw/pg/wrk"
print_run healthz-paced "healthz (reference)"
print_run webhooks-paced "webhooks"
row "ratio webhooks/healthz" "" "" "" "$(ratio "${P50[webhooks-paced]}" "${P50[healthz-paced]}")" \
  "$(ratio "${P90[webhooks-paced]}" "${P90[healthz-paced]}")" "$(ratio "${P99[webhooks-paced]}" "${P99[healthz-paced]}")" \
  "$(ratio "${PMAX[webhooks-paced]}" "${PMAX[healthz-paced]}")" "" ""
for name in healthz-paced webhooks-paced; do
  if [ "${RATE_OUT[$name]}" != n/a ] && awk -v a="${RATE_OUT[$name]}" -v r="$RATE" 'BEGIN { exit !(a < 0.97 * r) }'; then
    echo "  note: $name reached ${RATE_OUT[$name]}/s, below the stated $RATE/s (connections x latency too small, or CPU)"
  fi
done
echo
echo "unpaced ($UNPACED requests per run, $CONNECTIONS connections, as fast as answered):"
row "run" "sent" "answered" "rate/s" "p50 ms" "p90 ms" "p99 ms" "max ms" "statuses" "cores gw/pg/wrk"
print_run webhooks-unpaced "webhooks"
print_run healthz-unpaced "healthz (reference)"
row "ratio webhooks/healthz" "" "" "$(ratio "${RATE_OUT[webhooks-unpaced]}" "${RATE_OUT[healthz-unpaced]}")" \
  "$(ratio "${P50[webhooks-unpaced]}" "${P50[healthz-unpaced]}")" "$(ratio "${P90[webhooks-unpaced]}" "${P90[healthz-unpaced]}")" \
  "$(ratio "${P99[webhooks-unpaced]}" "${P99[healthz-unpaced]}")" "$(ratio "${PMAX[webhooks-unpaced]}" "${PMAX[healthz-unpaced]}")" "" ""
echo
echo "webhooks at $RATE/s: p50 ${P50[webhooks-paced]} ms, p99 ${P99[webhooks-paced]} ms =" \
  "$(ratio "${P50[webhooks-paced]}" "${P50[healthz-paced]}")x / $(ratio "${P99[webhooks-paced]}" "${P99[healthz-paced]}")x" \
  "GET /healthz at the same rate; max throughput ${RATE_OUT[webhooks-unpaced]} webhooks/s"
echo
echo "checks:"
for name in webhooks-paced webhooks-unpaced; do
  echo "  $name: webhook_events +${ROWS[$name]} rows for ${OK[$name]} answers 200 ($(match "${ROWS[$name]}" "${OK[$name]}"));" \
    "${SENT[$name]} sent, ${ANSWERED[$name]} answered; ${NOTE[$name]}"
done
for name in healthz-paced healthz-unpaced; do echo "  $name: ${NOTE[$name]}"; done
echo "  webhook_events: $TOTAL_ROWS rows in all (expected $EXPECTED_ROWS: $ROWS_BEFORE_RUNS from the preflight + the runs' 200s;" \
  "$(match "$TOTAL_ROWS" "$EXPECTED_ROWS")); applied (applied_at set): $APPLIED_ROWS; outcomes: ${OUTCOMES:-none}"
echo "  message.status rows: $STATUS_ROWS, applied $STATUS_APPLIED, waiting $STATUS_WAITING, not yet looked at" \
  "$UNLOOKED (after up to ${APPLY_WAIT}s). Expected: all waiting, none applied: the events name random" \
  "Metriport message ids that match no delivery (the preflight ping is the row stored applied at once)"
echo "  gateway log: $GATEWAY_PROBLEMS warn/error lines ($(wc -l <"$WORK_DIR/gateway.log") lines)"
echo "  fixtures: $GENERATED signed events generated and checked (schema + SDK signature check) in ${GEN_SECONDS}s"
echo "  machine load average (1/5/15 min) before the runs $LOAD_BEFORE, after $LOAD_AFTER ($(nproc) CPUs;" \
  "other work on the machine shows up as noise in the latencies)"
echo "  whole script: ${SCRIPT_SECONDS}s"
