# Shell functions the deploy scripts share (sourced, never run): loopback ports, stopping processes,
# a private PostgreSQL, JSON edits, CPU ticks and bounded child commands, so each script does these
# the same way.
# shellcheck shell=bash

# port_probe PORT [SECONDS]: tries to connect to 127.0.0.1:PORT within SECONDS (default 2) and
# returns the attempt's status: 0 something accepts, 1 refused (nothing listens), 124 timed out.
port_probe() {
  # shellcheck disable=SC2016 # $0 expands in the inner shell
  timeout "${2:-2}" bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null
}

# wait_for_exit PID TENTHS: waits until PID is gone, at most TENTHS tenths of a second.
wait_for_exit() {
  local tries
  for ((tries = 0; tries < $2; tries++)); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
}

# stop_process PID TENTHS: sends PID TERM, waits at most TENTHS tenths of a second for it to end,
# then sends KILL (harmless once it has gone). Does not reap it: the caller waits for its child.
stop_process() {
  kill -TERM "$1" 2>/dev/null || true
  wait_for_exit "$1" "$2"
  kill -KILL "$1" 2>/dev/null || true
}

# free_port: prints a random loopback port (20000-59999) that nothing accepts on; 100 tries.
free_port() {
  local port tries
  for ((tries = 0; tries < 100; tries++)); do
    port=$((20000 + RANDOM % 40000))
    if ! port_probe "$port" 1; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# json_edit IN OUT JQ_FILTER PY_EXPR: edits a JSON file with jq, or python3 where jq is absent
# (PY_EXPR transforms the parsed document `d` in place).
json_edit() {
  if command -v jq >/dev/null; then
    jq -c "$3" "$1" >"$2"
  else
    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"), separators=(",", ":"))' "$1" "$2" "$4"
  fi
}

# json_get FILE KEY: a top-level scalar of a JSON object ("" when absent).
json_get() {
  if command -v jq >/dev/null; then
    jq -r --arg k "$2" '.[$k] // "" | tostring' "$1"
  else
    python3 -c 'import json,sys
v = json.load(open(sys.argv[1])).get(sys.argv[2], "")
print("" if v is None else v)' "$1" "$2"
  fi
}

# wait_for_port REGEX FILE PID TENTHS: waits until FILE has a line matching the sed -E REGEX, whose
# group 1 is a port, and prints that port; returns 1 when PID exited first, 2 after TENTHS tenths.
wait_for_port() {
  local port tries
  for ((tries = 0; tries < $4; tries++)); do
    port="$(sed -nE "s#$1#\1#p" "$2" 2>/dev/null | head -n 1)"
    if [ -n "$port" ]; then
      echo "$port"
      return 0
    fi
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 2
}

# private_pg_start PG_CLUSTER_SCRIPT DIR ERR_FILE: creates and starts a private cluster (see
# pg-cluster.sh) on a free loopback port, three tries with a new port each. Sets PG_PORT, and
# PG_STARTED=1 once a start was tried (the caller's cleanup stops it whatever state it is in).
# Returns 1 when it did not start (ERR_FILE holds the last attempt's errors).
private_pg_start() {
  local attempt
  PG_PORT="$(free_port)" || { echo "found no free loopback port" >"$3"; return 1; }
  timeout 180 bash "$1" init "$2" "$PG_PORT" >/dev/null || return 1
  for ((attempt = 1; ; attempt++)); do
    # shellcheck disable=SC2034 # read by the caller's cleanup
    PG_STARTED=1
    timeout 60 bash "$1" start "$2" "$PG_PORT" >/dev/null 2>"$3" && return 0
    [ "$attempt" -lt 3 ] || return 1
    PG_PORT="$(free_port)" || return 1
    timeout 60 bash "$1" init "$2" "$PG_PORT" >/dev/null # a second init updates the port
  done
}

# proc_ticks PID [all]: CPU ticks of one process, utime+stime of all its threads (0 once it is
# gone); with "all" plus its reaped children's.
proc_ticks() {
  local stat fields
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || { echo 0; return 0; }
  read -r -a fields <<<"${stat##*) }" # fields[0] is field 3 (state) of proc(5)
  if [ "${2:-}" = all ]; then
    echo $((fields[11] + fields[12] + fields[13] + fields[14]))
  else
    echo $((fields[11] + fields[12]))
  fi
}

# process_tree_ticks PID: CPU ticks of PID with its reaped children plus its live children (a
# postmaster and its backends).
process_tree_ticks() {
  local total stat fields dir
  total="$(proc_ticks "$1" all)"
  for dir in /proc/[0-9]*; do
    { read -r stat <"$dir/stat"; } 2>/dev/null || continue
    read -r -a fields <<<"${stat##*) }"
    if [ "${fields[1]}" = "$1" ]; then
      total=$((total + fields[11] + fields[12]))
    fi
  done
  echo "$total"
}

# run_bounded LIMIT OUT CMD...: runs CMD for at most LIMIT seconds, output into OUT, in the
# background, and waits for it, so Ctrl-C interrupts the wait at once (timeout(1) runs in its own
# process group and would not see the terminal's SIGINT). CHILD_PID names it meanwhile, for the
# caller's cleanup.
run_bounded() {
  local limit="$1" out="$2"
  shift 2
  timeout -k 5 "$limit" "$@" >"$out" 2>&1 &
  CHILD_PID=$!
  local rc=0
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  return "$rc"
}

# --- the benchmarks' shared lifecycle (deploy/bench-*.sh) -------------------------------------------
# A benchmark keeps what it started in these variables, and bench_cleanup, its EXIT trap
# (bench_traps), stops them in this order on success, failure or Ctrl-C: CHILD_PID and CHILD_PIDS
# (load generators: TERM, waited for), HOLDER_PID (3 s), GATEWAY_PIDS (all told to stop at once,
# then 15 s each) and GATEWAY_PID (15 s), SIM_PID (5 s), then the private cluster when PG_STARTED=1
# (PG_CLUSTER, PG_DIR); last WORK_DIR is removed, or kept with KEEP_DIR=1 or when the cluster did not
# stop. The benchmark defines note() for the line saying it was kept.

# bench_stop PID TENTHS: stop_process, then reaps it; nothing when it has gone already.
bench_stop() {
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    stop_process "$1" "$2"
    wait "$1" 2>/dev/null || true
  fi
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
bench_cleanup() {
  local status=$? pid
  trap - EXIT INT TERM
  # shellcheck disable=SC2153 # CHILD_PIDS: set by the benchmarks that start several
  for pid in ${CHILD_PID:-} ${CHILD_PIDS[@]+"${CHILD_PIDS[@]}"}; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  bench_stop "${HOLDER_PID:-}" 30
  for pid in ${GATEWAY_PIDS[@]+"${GATEWAY_PIDS[@]}"}; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in ${GATEWAY_PIDS[@]+"${GATEWAY_PIDS[@]}"} ${GATEWAY_PID:-}; do
    bench_stop "$pid" 150
  done
  bench_stop "${SIM_PID:-}" 50
  local pg_stopped=1
  if [ "${PG_STARTED:-0}" -eq 1 ]; then
    timeout 60 bash "$PG_CLUSTER" stop "$PG_DIR" >/dev/null 2>&1 || pg_stopped=0
  fi
  if [ -n "${WORK_DIR:-}" ] && [ -d "$WORK_DIR" ]; then
    if [ "${KEEP_DIR:-0}" = "1" ] || [ "$pg_stopped" -eq 0 ]; then
      note "kept $WORK_DIR"
    else
      rm -rf -- "$WORK_DIR"
    fi
  fi
  exit "$status"
}

# bench_traps: bench_cleanup on exit; INT and TERM exit (130, 143) through it.
bench_traps() {
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# bench_vendor_add BINARY CONFIG NAME: creates the vendor and prints its generated password; on
# failure prints the command's output to stderr and returns 1.
bench_vendor_add() {
  local output password
  output="$(timeout 60 "$1" vendor add "$3" --config "$2" 2>&1)" || { echo "$output" >&2; return 1; }
  password="$(grep -i -m1 'password' <<<"$output" | awk '{print $NF}' |
    sed -E 's/^.*=//; s/^["'\'']//; s/["'\'']$//')"
  [ -n "$password" ] || { echo "no password in the output of 'vendor add'" >&2; return 1; }
  echo "$password"
}

# bench_gateway_port OUT_FILE PID TENTHS: the vendor port `relay-gateway serve` announced in
# OUT_FILE (its stdout); wait_for_port's status (1: it exited, 2: not within TENTHS).
bench_gateway_port() {
  wait_for_port '^relay-gateway listening on http://127\.0\.0\.1:([0-9]+).*' "$1" "$2" "$3"
}

# bench_token BASE NAME PASSWORD: a bearer token from POST /token (prints nothing on failure).
bench_token() {
  curl -sS --max-time 30 -X POST "$1/token" -d grant_type=password \
    --data-urlencode "username=$2" --data-urlencode "password=$3" |
    sed -nE 's/.*"access_token" *: *"([^"]+)".*/\1/p'
}

# bench_database: creates database "relay" in the cluster private_pg_start started (PG_CLUSTER,
# PG_DIR, PG_PORT); sets PG_BINDIR, PSQL (the cluster's psql, else the one on PATH), DB_URL and
# PG_MASTER_PID. Returns 1 when psql is missing or the database cannot be created.
# shellcheck disable=SC2034 # DB_URL and PG_MASTER_PID are the caller's
bench_database() {
  PG_BINDIR="$(bash "$PG_CLUSTER" bindir "$PG_DIR")"
  PSQL="$PG_BINDIR/psql"
  [ -x "$PSQL" ] || PSQL="$(command -v psql || true)"
  [ -x "$PSQL" ] || { echo "psql is missing (postgresql-client)" >&2; return 1; }
  timeout 30 "$PSQL" "$(bash "$PG_CLUSTER" url "$PG_DIR")" -Xqc "CREATE DATABASE relay" >/dev/null ||
    return 1
  DB_URL="postgresql://postgres@127.0.0.1:$PG_PORT/relay"
  PG_MASTER_PID="$(head -n 1 "$PG_DIR/postmaster.pid" | tr -dc '0-9')"
}

# bench_clear_gateway_env: unsets the caller's GATEWAY_*, METRIPORT_*, DATABASE_URL and
# DATABASE_URL_FILE, so only the benchmark's own configuration decides.
bench_clear_gateway_env() {
  local name
  while IFS= read -r name; do
    case "$name" in
      GATEWAY_* | METRIPORT_* | DATABASE_URL | DATABASE_URL_FILE) unset "$name" ;;
    esac
  done < <(compgen -e)
}
