#!/usr/bin/env bash
# Manages a private PostgreSQL 15 cluster in one folder (init, start, stop, status, url, bindir),
# so tests and local runs never depend on a system PostgreSQL service, /var/run or a fixed port.
set -euo pipefail

usage() {
  cat >&2 <<'EOF'
usage: deploy/pg-cluster.sh <init|start|stop|status|url|bindir> <data-dir> [port]

  init    create the cluster (initdb, trust auth, superuser "postgres"); port defaults to 55432
          and is remembered in the data folder; a second init only updates the port
  start   start it (idempotent) and wait until pg_isready answers, at most 30 s
  stop    pg_ctl stop -m fast (idempotent)
  status  print "running"/"stopped"; exit 0 when running, 3 when stopped, 4 when not initialised
  url     print postgresql://postgres@127.0.0.1:<port>/postgres
  bindir  print the folder of the PostgreSQL server binaries used

Listens on 127.0.0.1 only; the unix socket and the server log (server.log) live in the data folder.
PG_FAST_UNSAFE=1 (tests only): init skips initdb's final sync; start turns off fsync,
synchronous_commit and full_page_writes. Without it, start restores the defaults.
PG_BINDIR overrides where the server binaries are taken from. As root, PostgreSQL runs as "postgres".
EOF
  exit 2
}

if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then
  usage
fi
COMMAND="$1"
DATA_DIR="$(realpath -m -- "$2")"
PORT_ARG="${3:-}"
DEFAULT_PORT=55432
PORT_FILE="$DATA_DIR/relay-cluster.port"
CONF_FILE="$DATA_DIR/relay-cluster.conf"
LOG_FILE="$DATA_DIR/server.log"
START_TIMEOUT=30

die() {
  echo "pg-cluster: $*" >&2
  exit 1
}

if [ -n "$PORT_ARG" ]; then
  if ! [[ "$PORT_ARG" =~ ^[0-9]+$ ]] || [ "$PORT_ARG" -lt 1 ] || [ "$PORT_ARG" -gt 65535 ]; then
    die "port must be a number in 1..65535, got '$PORT_ARG'"
  fi
fi
case "$DATA_DIR" in
  *"'"* | *'"'* | *\\*) die "data folder path must not contain quotes or backslashes: $DATA_DIR" ;;
esac

# Server binaries: PG_BINDIR, then pg_config --bindir, then the Debian location of version 15.
find_bindir() {
  local candidate
  for candidate in "${PG_BINDIR:-}" "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/15/bin; do
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return 0
    fi
  done
  die "no PostgreSQL server binaries found (install postgresql-15 or set PG_BINDIR)"
}
BINDIR="$(find_bindir)"

# Runs a command as the cluster owner: "postgres" when invoked as root, the caller otherwise.
# Runs from / so that an unreadable current folder (e.g. /root) does not bother PostgreSQL.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

initialised() { [ -f "$DATA_DIR/PG_VERSION" ]; }

stored_port() {
  if [ -f "$PORT_FILE" ]; then
    tr -dc '0-9' <"$PORT_FILE"
  else
    echo "$DEFAULT_PORT"
  fi
}

# Writes the cluster's own settings (included from postgresql.conf); rewritten at every start so
# PG_FAST_UNSAFE and a changed port take effect, and the defaults come back without the flag.
write_settings() {
  local port="$1" tmp
  tmp="$(mktemp)"
  {
    echo "# Written by deploy/pg-cluster.sh at every start; edits here are overwritten."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = '$DATA_DIR'"
    echo "max_connections = 200"
    if [ "${PG_FAST_UNSAFE:-0}" = "1" ]; then
      echo "# PG_FAST_UNSAFE=1: throwaway test cluster, durability traded for speed."
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >"$tmp"
  chmod 644 "$tmp"
  as_owner cp "$tmp" "$CONF_FILE"
  rm -f "$tmp"
}

remember_port() {
  local port="$1" tmp
  tmp="$(mktemp)"
  echo "$port" >"$tmp"
  chmod 644 "$tmp"
  as_owner cp "$tmp" "$PORT_FILE"
  rm -f "$tmp"
}

# Running: postmaster.pid names a live (not zombie) process and pg_ctl agrees.
is_running() {
  if ! initialised || [ ! -f "$DATA_DIR/postmaster.pid" ]; then
    return 1
  fi
  local pid state
  pid="$(head -n 1 "$DATA_DIR/postmaster.pid" 2>/dev/null | tr -dc '0-9')"
  [ -n "$pid" ] || return 1
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
  if [ -z "$state" ] || [ "$state" = "Z" ]; then
    return 1
  fi
  as_owner "$BINDIR/pg_ctl" status -D "$DATA_DIR" >/dev/null 2>&1
}

cmd_init() {
  local port="${PORT_ARG:-$(stored_port)}"
  # The socket path ($DATA_DIR/.s.PGSQL.<port>) must fit in sun_path (107 bytes).
  [ "$((${#DATA_DIR} + 18))" -le 107 ] || die "data folder path too long for a unix socket: $DATA_DIR"
  if initialised; then
    if [ -n "$PORT_ARG" ] && [ "$PORT_ARG" != "$(stored_port)" ]; then
      is_running && die "running on port $(stored_port); stop it before changing the port"
      remember_port "$port"
    fi
    echo "pg-cluster: already initialised in $DATA_DIR (port $(stored_port))"
    return 0
  fi
  mkdir -p "$DATA_DIR"
  if [ -n "$(ls -A "$DATA_DIR")" ]; then
    die "$DATA_DIR is neither empty nor a cluster"
  fi
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user (install postgresql-15)"
    chown postgres: "$DATA_DIR"
    as_owner test -w "$DATA_DIR" ||
      die "user postgres cannot reach $DATA_DIR (a parent folder is not searchable); pick another folder"
  fi
  chmod 700 "$DATA_DIR"
  local output sync_flag=()
  [ "${PG_FAST_UNSAFE:-0}" != "1" ] || sync_flag=(--no-sync)
  if ! output="$(as_owner timeout 120 "$BINDIR/initdb" -D "$DATA_DIR" -A trust -U postgres \
    --encoding=UTF8 --locale=C.UTF-8 "${sync_flag[@]}" 2>&1)"; then
    # Fall back to the C locale where C.UTF-8 is unavailable; initdb leaves the folder to clean.
    find "$DATA_DIR" -mindepth 1 -delete
    output="$(as_owner timeout 120 "$BINDIR/initdb" -D "$DATA_DIR" -A trust -U postgres \
      --encoding=UTF8 --locale=C "${sync_flag[@]}" 2>&1)" || {
      echo "$output" >&2
      die "initdb failed in $DATA_DIR"
    }
  fi
  local conf="$DATA_DIR/postgresql.conf"
  as_owner sh -c "printf '\n# Private cluster settings of deploy/pg-cluster.sh\ninclude_if_exists = '\''relay-cluster.conf'\''\n' >> '$conf'"
  remember_port "$port"
  write_settings "$port"
  echo "pg-cluster: initialised $DATA_DIR (port $port)"
}

cmd_start() {
  initialised || die "no cluster in $DATA_DIR (run: deploy/pg-cluster.sh init $DATA_DIR [port])"
  if [ -n "$PORT_ARG" ] && [ "$PORT_ARG" != "$(stored_port)" ]; then
    is_running && die "running on port $(stored_port); stop it before changing the port"
    remember_port "$PORT_ARG"
  fi
  local port
  port="$(stored_port)"
  if is_running; then
    echo "pg-cluster: already running on 127.0.0.1:$port ($DATA_DIR)"
    return 0
  fi
  write_settings "$port"
  # A postmaster killed moments ago may linger as a zombie that still owns postmaster.pid.
  local pid tries
  pid="$(head -n 1 "$DATA_DIR/postmaster.pid" 2>/dev/null | tr -dc '0-9' || true)"
  for ((tries = 0; tries < 100; tries++)); do
    if [ -z "$pid" ] || [ ! -e "/proc/$pid" ]; then
      break
    fi
    sleep 0.1
  done
  if ! as_owner timeout $((START_TIMEOUT + 10)) "$BINDIR/pg_ctl" start -D "$DATA_DIR" -l "$LOG_FILE" \
    -w -t "$START_TIMEOUT" -s >/dev/null 2>&1; then
    echo "pg-cluster: PostgreSQL did not start; last lines of $LOG_FILE:" >&2
    tail -n 30 "$LOG_FILE" >&2 2>/dev/null || true
    exit 1
  fi
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 2; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "pg-cluster: pg_isready got no answer on 127.0.0.1:$port within ${START_TIMEOUT}s" >&2
      tail -n 30 "$LOG_FILE" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.2
  done
  echo "pg-cluster: running on 127.0.0.1:$port ($DATA_DIR)"
}

cmd_stop() {
  if ! is_running; then
    echo "pg-cluster: not running ($DATA_DIR)"
    return 0
  fi
  if ! as_owner timeout 40 "$BINDIR/pg_ctl" stop -D "$DATA_DIR" -m fast -w -t 30 -s; then
    if is_running; then
      echo "pg-cluster: fast shutdown failed, stopping immediately" >&2
      as_owner timeout 40 "$BINDIR/pg_ctl" stop -D "$DATA_DIR" -m immediate -w -t 30 -s || true
    fi
    is_running && die "PostgreSQL in $DATA_DIR did not stop"
  fi
  echo "pg-cluster: stopped ($DATA_DIR)"
}

cmd_status() {
  if ! initialised; then
    echo "not initialised"
    exit 4
  fi
  if is_running; then
    echo "running on 127.0.0.1:$(stored_port)"
  else
    echo "stopped"
    exit 3
  fi
}

case "$COMMAND" in
  init) cmd_init ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url)
    initialised || die "no cluster in $DATA_DIR"
    echo "postgresql://postgres@127.0.0.1:$(stored_port)/postgres"
    ;;
  bindir) echo "$BINDIR" ;;
  *) usage ;;
esac
