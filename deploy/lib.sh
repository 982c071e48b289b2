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
