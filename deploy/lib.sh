# Shell functions the deploy scripts share (sourced, never run): probing a loopback port and
# stopping a process with a bounded wait, so each script does these the same way.
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
