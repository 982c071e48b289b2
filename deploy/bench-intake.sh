#!/usr/bin/env bash
# Benchmarks message intake (POST /api/OutgoingSecureMessages storing a new message) on a private PostgreSQL; prints figures, never pass/fail.
# Read the RATIOS: intake against GET /healthz (HTTP cost) and against pgbench doing one intake's SQL (raw database cost), all measured in this run.
set -euo pipefail

# Environment: BENCH_SECONDS (default 10 per run), BENCH_CONNECTIONS (16: wrk connections = pgbench
# clients), BENCH_THREADS (2: wrk and pgbench threads), BENCH_GATEWAY_THREADS (2: http.threads),
# BENCH_POOL_SIZE (4: database.pool_size), BENCH_BINARY (default build/relay-gateway),
# BENCH_KEEP_DIR=1 keeps the temporary folder (gateway log, wrk/pgbench output) for a look afterwards.
# PG_FAST_UNSAFE=1 is passed to deploy/pg-cluster.sh (fsync off) and shown in the output; default off.
# Runs, BENCH_SECONDS each: healthz, intake, idempotent re-post, pgbench with BENCH_CONNECTIONS
# clients, pgbench with BENCH_POOL_SIZE clients (the concurrency the gateway itself gives PostgreSQL).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
CLIENT_THREADS="${BENCH_THREADS:-2}"
GATEWAY_THREADS="${BENCH_GATEWAY_THREADS:-2}"
POOL_SIZE="${BENCH_POOL_SIZE:-4}"
BINARY="${BENCH_BINARY:-$ROOT/build/relay-gateway}"
KEEP_DIR="${BENCH_KEEP_DIR:-0}"
LUA_SCRIPT="$ROOT/deploy/bench/intake.lua"
SQL_SCRIPT="$ROOT/deploy/bench/intake.sql"
CONFIG_EXAMPLE="$ROOT/config/gateway.example.json"
SAMPLE="$(realpath -m "$ROOT/../shared/samples/message.json")"
PG_CLUSTER="$ROOT/deploy/pg-cluster.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$ROOT/deploy/lib.sh"

die() {
  echo "bench-intake: $*" >&2
  exit 1
}
note() { echo "bench-intake: $*" >&2; }

for pair in "BENCH_SECONDS=$SECONDS_PER_RUN" "BENCH_CONNECTIONS=$CONNECTIONS" \
  "BENCH_THREADS=$CLIENT_THREADS" "BENCH_GATEWAY_THREADS=$GATEWAY_THREADS" \
  "BENCH_POOL_SIZE=$POOL_SIZE"; do
  [[ "${pair#*=}" =~ ^[1-9][0-9]{0,4}$ ]] || die "${pair%%=*} must be a positive integer, got '${pair#*=}'"
done
[ "$SECONDS_PER_RUN" -le 3600 ] || die "BENCH_SECONDS is at most 3600"
[ "$CONNECTIONS" -ge "$CLIENT_THREADS" ] || die "BENCH_CONNECTIONS must be >= BENCH_THREADS"
[ "$POOL_SIZE" -le 64 ] || die "BENCH_POOL_SIZE is at most 64 (database.pool_size)"
[ "$CONNECTIONS" -le 150 ] || die "BENCH_CONNECTIONS is at most 150 (the cluster allows 200 connections)"

[ -x "$BINARY" ] || die "$BINARY not found: run deploy/build.sh (or set BENCH_BINARY)"
for tool in wrk curl base64 sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is missing (deploy/install-deps.sh installs it)"
done
command -v jq >/dev/null || command -v python3 >/dev/null || die "needs jq or python3 to edit JSON"
for file in "$LUA_SCRIPT" "$SQL_SCRIPT" "$CONFIG_EXAMPLE" "$SAMPLE"; do
  [ -f "$file" ] || die "$file is missing"
done

# --- everything this script starts is stopped by bench_cleanup (deploy/lib.sh) ---------------------
WORK_DIR=""
PG_DIR=""
PG_STARTED=0
GATEWAY_PID=""
CHILD_PID=""
bench_traps

WORK_DIR="$(mktemp -d /tmp/relay-bench.XXXXXX)"
chmod 755 "$WORK_DIR" # the postgres user (when run as root) must reach the cluster folder inside
PG_DIR="$WORK_DIR/pg"

# --- PostgreSQL: private cluster on a free loopback port ------------------------------------------
private_pg_start "$PG_CLUSTER" "$PG_DIR" "$WORK_DIR/pg-start.err" ||
  { cat "$WORK_DIR/pg-start.err" >&2; die "PostgreSQL did not start"; }
bench_database || die "could not create the benchmark database"
PGBENCH="$PG_BINDIR/pgbench"
[ -x "$PGBENCH" ] || PGBENCH="$(command -v pgbench || true)"
[ -x "$PGBENCH" ] || die "pgbench is missing (postgresql-contrib; deploy/install-deps.sh installs it)"
sql() { timeout 30 "$PSQL" "$DB_URL" -XAtqc "$1"; }
PG_VERSION="$(sql "SHOW server_version")"

# --- gateway: temp config, migrate, vendor, serve on a free port (127.0.0.1:0), token -------------
CONFIG="$WORK_DIR/gateway.json"
json_edit "$CONFIG_EXAMPLE" "$CONFIG" \
  ".http.threads = $GATEWAY_THREADS | .database.pool_size = $POOL_SIZE" \
  "d['http']['threads'] = $GATEWAY_THREADS; d['database']['pool_size'] = $POOL_SIZE"
# The temp config and these variables decide; the caller's overrides of the same keys do not.
unset GATEWAY_TOKEN_SECRET_FILE DATABASE_URL_FILE GATEWAY_LISTEN_FILE GATEWAY_HTTP_THREADS \
  GATEWAY_DATABASE_POOL_SIZE GATEWAY_LOG_LEVEL
export DATABASE_URL="$DB_URL"
export GATEWAY_LISTEN="127.0.0.1:0"
export GATEWAY_OPS_LISTEN="127.0.0.1:0"
GATEWAY_TOKEN_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')"
export GATEWAY_TOKEN_SECRET

timeout 120 "$BINARY" migrate --config "$CONFIG" >"$WORK_DIR/migrate.log" 2>&1 ||
  { cat "$WORK_DIR/migrate.log" >&2; die "migrate failed"; }
VENDOR=bench
VENDOR_PASSWORD="$(bench_vendor_add "$BINARY" "$CONFIG" "$VENDOR")" || die "vendor add failed"
VENDOR_ID="$(sql "SELECT id FROM vendors WHERE name = '$VENDOR'")"
[[ "$VENDOR_ID" =~ ^[0-9]+$ ]] || die "vendor $VENDOR not found after 'vendor add'"

"$BINARY" serve --config "$CONFIG" >"$WORK_DIR/gateway.out" 2>"$WORK_DIR/gateway.log" &
GATEWAY_PID=$!
rc=0
GATEWAY_PORT="$(bench_gateway_port "$WORK_DIR/gateway.out" "$GATEWAY_PID" 300)" || rc=$?
[ "$rc" -ne 1 ] || { cat "$WORK_DIR/gateway.log" >&2; die "gateway exited at start"; }
[ -n "$GATEWAY_PORT" ] || { tail -n 20 "$WORK_DIR/gateway.log" >&2; die "gateway did not listen within 30 s"; }
BASE="http://127.0.0.1:$GATEWAY_PORT"
curl -fsS -o /dev/null --max-time 5 "$BASE/healthz" || die "GET /healthz failed"

TOKEN="$(bench_token "$BASE" "$VENDOR" "$VENDOR_PASSWORD")"
[ -n "$TOKEN" ] || die "no access_token from POST /token"

# Body template: the sample message with a placeholder where each request's ExternalId goes.
TEMPLATE="$WORK_DIR/body-template.json"
json_edit "$SAMPLE" "$TEMPLATE" '.externalId = "@@EXTERNAL_ID@@"' 'd["externalId"] = "@@EXTERNAL_ID@@"'
# The attachment as pgbench inserts it (same bytes as the sample).
if command -v jq >/dev/null; then
  ATTACHMENT_B64="$(jq -r '.fileData[0].fileData' "$SAMPLE")"
else
  ATTACHMENT_B64="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fileData"][0]["fileData"])' "$SAMPLE")"
fi
ATTACHMENT_SIZE="$(base64 -d <<<"$ATTACHMENT_B64" | wc -c)"
ATTACHMENT_SHA="$(base64 -d <<<"$ATTACHMENT_B64" | sha256sum | cut -d' ' -f1)"
TAG="B$(date +%s)"

# The re-post message, stored once now: doubles as a check that intake works at all.
REPOST_ID="$TAG-REPOST"
sed "s/@@EXTERNAL_ID@@/$REPOST_ID/" "$TEMPLATE" >"$WORK_DIR/repost.json"
repost_status="$(curl -sS -o "$WORK_DIR/repost-answer.json" -w '%{http_code}' --max-time 30 \
  -X POST "$BASE/api/OutgoingSecureMessages" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' --data-binary @"$WORK_DIR/repost.json")"
[ "$repost_status" = "200" ] || { cat "$WORK_DIR/repost-answer.json" >&2; die "first POST answered $repost_status"; }

# --- measurement helpers ---------------------------------------------------------------------------
CLK_TCK="$(getconf CLK_TCK)"
# PostgreSQL: the postmaster with its reaped children (ended backends) plus the live children.
pg_ticks() { process_tree_ticks "$PG_MASTER_PID"; }
# The load generator: CPU of this shell's waited-for descendants (wrk or pgbench under timeout).
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
# Row counts of messages, message_patients, attachments, deliveries, audit_events (space-separated).
count_rows() {
  sql "SELECT (SELECT count(*) FROM messages) || ' ' || (SELECT count(*) FROM message_patients) || ' ' ||
              (SELECT count(*) FROM attachments) || ' ' || (SELECT count(*) FROM deliveries) || ' ' ||
              (SELECT count(*) FROM audit_events)"
}
# "N messages (per message: 2.00 patients, ...)" between two count_rows results.
rows_added() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " "); m = y[1] - x[1]
    if (m == 0) { printf "0 messages, other rows +%d/+%d/+%d/+%d (patients/attachments/deliveries/audit)",
                  y[2]-x[2], y[3]-x[3], y[4]-x[4], y[5]-x[5]; exit }
    printf "%d messages (per message: %.2f patients, %.2f attachments, %.2f deliveries, %.2f audit events)",
      m, (y[2]-x[2])/m, (y[3]-x[3])/m, (y[4]-x[4])/m, (y[5]-x[5])/m }'
}
field() { sed -nE "s/.*(^| )$1=([^ ]*).*/\2/p" <<<"$2" | head -n 1; }

declare -A RPS P50 P99 BAD STORED CPU NOTE
RUNS=()

# wrk_run NAME MODE: one wrk run of SECONDS_PER_RUN, results into the tables above.
wrk_run() {
  local name="$1" mode="$2" out="$WORK_DIR/wrk-$1.txt" before after start end line rc=0
  RUNS+=("$name")
  sql "CHECKPOINT" >/dev/null
  before="$(count_rows)"
  start="$(cpu_snapshot)"
  run_bounded $((SECONDS_PER_RUN + 60)) "$out" wrk -t "$CLIENT_THREADS" -c "$CONNECTIONS" \
    -d "${SECONDS_PER_RUN}s" --timeout 10s -s "$LUA_SCRIPT" "$BASE" -- "$mode" "$TOKEN" "$TEMPLATE" \
    "$([ "$mode" = repost ] && echo "$REPOST_ID" || echo "$TAG")" || rc=$?
  end="$(cpu_snapshot)"
  after="$(count_rows)"
  line="$(grep -m1 '^wrk-result ' "$out" || true)"
  if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
    note "wrk ($name) failed (exit $rc); its output:"
    cat "$out" >&2
    die "wrk run $name failed"
  fi
  local requests duration ok non2xx socket_errors
  requests="$(field requests "$line")"
  duration="$(field duration_us "$line")"
  ok="$(field ok2xx "$line")"
  non2xx="$(field non2xx "$line")"
  socket_errors=$(($(field connect_err "$line") + $(field read_err "$line") + $(field write_err "$line") + \
    $(field timeout_err "$line")))
  RPS[$name]="$(awk -v r="$requests" -v d="$duration" 'BEGIN { printf "%.1f", r / (d / 1e6) }')"
  P50[$name]="$(awk -v v="$(field p50_us "$line")" 'BEGIN { printf "%.2f", v / 1000 }')"
  P99[$name]="$(awk -v v="$(field p99_us "$line")" 'BEGIN { printf "%.2f", v / 1000 }')"
  BAD[$name]="$non2xx"
  STORED[$name]=$((${after%% *} - ${before%% *}))
  CPU[$name]="$(cpu_cores "$start" "$end")"
  NOTE[$name]="wrk: $requests answers ($ok 2xx, $non2xx non-2xx; statuses $(field statuses "$line"); socket errors $socket_errors)"
  if [ "$mode" = intake ]; then
    local db_rate wrk_rate
    db_rate="$(awk -v s="${STORED[$name]}" -v d="$duration" 'BEGIN { printf "%.1f", s / (d / 1e6) }')"
    wrk_rate="$(awk -v s="$ok" -v d="$duration" 'BEGIN { printf "%.1f", s / (d / 1e6) }')"
    NOTE[$name]+="; stored (db count) $(rows_added "$before" "$after"); $db_rate messages/s by the"
    NOTE[$name]+=" database's count vs $wrk_rate 2xx/s by wrk (difference $((STORED[$name] - ok)):"
    NOTE[$name]+=" requests still in flight when wrk stopped counting)"
  elif [ "$mode" = repost ]; then
    NOTE[$name]+="; created (db count) $(rows_added "$before" "$after") (expected 0)"
  fi
}

# pgbench_run NAME CLIENTS: the intake SQL for SECONDS_PER_RUN; latency percentiles from its log.
pgbench_run() {
  local name="$1" clients="$2" out="$WORK_DIR/pgbench-$1.txt" before after start end rc=0
  local threads=$((CLIENT_THREADS < clients ? CLIENT_THREADS : clients))
  RUNS+=("$name")
  sql "CHECKPOINT" >/dev/null
  before="$(count_rows)"
  start="$(cpu_snapshot)"
  run_bounded $((SECONDS_PER_RUN + 60)) "$out" "$PGBENCH" -n -M extended -c "$clients" -j "$threads" \
    -T "$SECONDS_PER_RUN" -f "$SQL_SCRIPT" -D "vendor=$VENDOR_ID" -D "b64=$ATTACHMENT_B64" \
    -D "size=$ATTACHMENT_SIZE" -D "sha=$ATTACHMENT_SHA" -D "hash=$(sha256sum <<<"$TAG" | cut -d' ' -f1)" \
    -l --log-prefix="$WORK_DIR/pgblog-$name" -h 127.0.0.1 -p "$PG_PORT" -U postgres relay || rc=$?
  end="$(cpu_snapshot)"
  after="$(count_rows)"
  local tps processed failed
  tps="$(sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\).*/\1/p' "$out" | head -n 1)"
  processed="$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$out" | head -n 1)"
  failed="$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' "$out" | head -n 1)"
  if [ "$rc" -ne 0 ] || [ -z "$tps" ]; then
    note "pgbench ($name) failed (exit $rc); its output:"
    cat "$out" >&2
    die "pgbench run $name failed"
  fi
  # Log lines: client_id transaction_no latency_us script_no epoch epoch_us.
  local percentiles
  percentiles="$(cat "$WORK_DIR/pgblog-$name".* | awk '{ print $3 }' | sort -n | awk '
    { v[NR] = $1 }
    END { if (NR == 0) { print "0 0"; exit }
          i50 = int(NR * 0.50 + 0.5); if (i50 < 1) i50 = 1
          i99 = int(NR * 0.99 + 0.5); if (i99 < 1) i99 = 1; if (i99 > NR) i99 = NR
          printf "%.2f %.2f", v[i50] / 1000, v[i99] / 1000 }')"
  RPS[$name]="$(awk -v t="$tps" 'BEGIN { printf "%.1f", t }')"
  P50[$name]="${percentiles% *}"
  P99[$name]="${percentiles#* }"
  BAD[$name]="${failed:-0}"
  STORED[$name]=$((${after%% *} - ${before%% *}))
  CPU[$name]="$(cpu_cores "$start" "$end")"
  NOTE[$name]="pgbench: $processed transactions, ${failed:-0} failed; stored (db count) $(rows_added "$before" \
    "$after"); $(awk -v s="${STORED[$name]}" -v d="$SECONDS_PER_RUN" 'BEGIN { printf "%.1f", s / d }') messages/s"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.3f", a / b }'; }

# --- the runs --------------------------------------------------------------------------------------
note "PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT, gateway on $BASE; $((SECONDS_PER_RUN * 5)) s of runs follow"
wrk_run healthz healthz
wrk_run intake intake
wrk_run repost repost
pgbench_run "pgbench-c$CONNECTIONS" "$CONNECTIONS"
PGB_MAIN="pgbench-c$CONNECTIONS"
if [ "$POOL_SIZE" -ne "$CONNECTIONS" ]; then
  pgbench_run "pgbench-c$POOL_SIZE" "$POOL_SIZE"
fi
GATEWAY_PROBLEMS="$(grep -c -E '"level":"(warn|error)"' "$WORK_DIR/gateway.log" || true)"
GATEWAY_LOG_LINES="$(wc -l <"$WORK_DIR/gateway.log")"
kill -0 "$GATEWAY_PID" 2>/dev/null || die "the gateway died during the runs (see BENCH_KEEP_DIR=1)"

# --- report ----------------------------------------------------------------------------------------
declare -A LABEL=(
  [healthz]="GET /healthz (HTTP reference)"
  [intake]="POST new message (intake)"
  [repost]="POST same message (re-post)"
  ["pgbench-c$CONNECTIONS"]="pgbench intake SQL, $CONNECTIONS clients"
  ["pgbench-c$POOL_SIZE"]="pgbench intake SQL, $POOL_SIZE clients"
)
echo
echo "relay-gateway intake benchmark (figures, not pass/fail: compare the ratios, raw numbers depend on the machine)"
echo "env: nproc=$(nproc) postgresql=$PG_VERSION duration=${SECONDS_PER_RUN}s/run connections=$CONNECTIONS" \
  "client_threads=$CLIENT_THREADS gateway http.threads=$GATEWAY_THREADS database.pool_size=$POOL_SIZE" \
  "durability=$([ "${PG_FAST_UNSAFE:-0}" = 1 ] && echo 'PG_FAST_UNSAFE=1 (fsync off)' || echo 'default (fsync on)')" \
  "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "     all on one machine: wrk/pgbench, gateway and PostgreSQL share the $(nproc) cores; gateway log level info"
echo
printf '%-34s %10s %9s %9s %8s %8s  %s\n' "run" "req/s" "p50 ms" "p99 ms" "non-2xx" "stored" "cores gw/pg/client"
for name in "${RUNS[@]}"; do
  printf '%-34s %10s %9s %9s %8s %8s  %s\n' "${LABEL[$name]}" "${RPS[$name]}" "${P50[$name]}" \
    "${P99[$name]}" "${BAD[$name]}" "${STORED[$name]}" "${CPU[$name]}"
done
echo "  (pgbench: req/s = TPS, non-2xx = failed transactions; stored = rows added to messages, by count(*))"
echo
printf '%-34s %10s %9s %9s\n' "ratio" "req/s" "p50" "p99"
ratio_row() {
  printf '%-34s %10s %9s %9s\n' "$1" "$(ratio "${RPS[$2]}" "${RPS[$3]}")" \
    "$(ratio "${P50[$2]}" "${P50[$3]}")" "$(ratio "${P99[$2]}" "${P99[$3]}")"
}
ratio_row "intake / healthz" intake healthz
ratio_row "intake / pgbench $CONNECTIONS clients" intake "$PGB_MAIN"
if [ "$POOL_SIZE" -ne "$CONNECTIONS" ]; then
  ratio_row "intake / pgbench $POOL_SIZE clients" intake "pgbench-c$POOL_SIZE"
fi
ratio_row "re-post / healthz" repost healthz
ratio_row "re-post / intake" repost intake
echo "  (req/s ratio 1.0 = as fast as the reference; latency ratio 1.0 = as quick, 5.0 = five times slower)"
echo
echo "checks:"
for name in "${RUNS[@]}"; do
  echo "  ${LABEL[$name]}: ${NOTE[$name]}"
done
echo "  gateway log: $GATEWAY_LOG_LINES lines, $GATEWAY_PROBLEMS of them warn/error"
if [ "$GATEWAY_PROBLEMS" -gt 0 ]; then
  grep -E '"level":"(warn|error)"' "$WORK_DIR/gateway.log" | sed -E 's/"ts":"[^"]*",//' | sort | uniq -c |
    sort -rn | head -n 5 | sed 's/^/    /'
fi
