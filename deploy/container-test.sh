#!/usr/bin/env bash
# Builds deploy/Dockerfile with podman on local Debian bases (debootstrap: no registry needed) and
# runs the image's own binary, read-only, as its numeric user, against PostgreSQL and the simulator.
set -euo pipefail

# Containers cannot run in this sandbox (crun is refused setrlimit), so the image is mounted
# (`podman image mount`) and its binary run with `chroot --userspec` on a read-only bind of it: migrate,
# serve, the image's HEALTHCHECK command, /readyz 200, and one message relayed to the simulator
# and read back Sent. Slow (a full compile inside the builder stage): deploy/run-tests.sh runs it
# only with CONTAINER_TEST=1. Needs root (podman, mounts, chroot); installs podman and debootstrap.
# Environment: CONTAINER_TEST_MIRROR (Debian mirror for debootstrap, default deb.debian.org),
# CONTAINER_TEST_REBUILD_BASE=1 (rebuild the local bases even if present), CONTAINER_TEST_KEEP=1
# (keep the built image), RELAY_SIMULATOR_BINARY (default build/metriport-sim, built if missing).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$ROOT/deploy/lib.sh"
MIRROR="${CONTAINER_TEST_MIRROR:-http://deb.debian.org/debian}"
BUILDER_BASE=localhost/relay-base:bookworm
RUNTIME_BASE=localhost/relay-base:bookworm-slim
IMAGE=localhost/relay-gateway:container-test
IMAGE_UID=10001
SIMULATOR="${RELAY_SIMULATOR_BINARY:-$ROOT/build/metriport-sim}"
SAMPLE="$(realpath -m "$ROOT/../shared/samples/message.json")"
started=$SECONDS

say() { echo "container-test: $*"; }
die() {
  echo "container-test: FAIL $*" >&2
  exit 1
}
[ "$(id -u)" -eq 0 ] || die "run as root (podman image mount, bind mounts and chroot need it)"
[ -f "$SAMPLE" ] || die "$SAMPLE is missing"

# --- tools -------------------------------------------------------------------------------------
need=()
for tool in podman:podman debootstrap:debootstrap curl:curl jq:jq; do
  command -v "${tool%%:*}" >/dev/null || need+=("${tool##*:}")
done
if [ "${#need[@]}" -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -x "$SIMULATOR" ]; then
  BUILD_TARGETS=metriport-sim bash "$ROOT/deploy/build.sh"
  SIMULATOR="$ROOT/build/metriport-sim"
fi

WORK="$(mktemp -d /tmp/relay-container-test.XXXXXX)"
chmod 755 "$WORK" # the postgres user (pg-cluster as root) must reach its data folder
PG_DIR="$WORK/pg"
RO_ROOT="$WORK/root"
IMAGE_MOUNTED=0
GATEWAY_PID=""
SIM_PID=""
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  set +e
  [ -z "$GATEWAY_PID" ] || stop_process "$GATEWAY_PID" 300
  [ -z "$SIM_PID" ] || stop_process "$SIM_PID" 50
  bash "$ROOT/deploy/pg-cluster.sh" stop "$PG_DIR" >/dev/null 2>&1
  if mountpoint -q "$RO_ROOT" 2>/dev/null; then umount -R "$RO_ROOT"; fi
  [ "$IMAGE_MOUNTED" -eq 0 ] || podman image unmount "$IMAGE" >/dev/null
  [ "${CONTAINER_TEST_KEEP:-0}" = 1 ] || podman rmi -f "$IMAGE" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- local base images: what docker.io's debian:bookworm and bookworm-slim are made from ----------
make_bases() {
  local rootfs="$WORK/rootfs"
  if [ "${CONTAINER_TEST_REBUILD_BASE:-0}" != 1 ] && podman image exists "$BUILDER_BASE" &&
    podman image exists "$RUNTIME_BASE"; then
    say "bases $BUILDER_BASE and $RUNTIME_BASE present (CONTAINER_TEST_REBUILD_BASE=1 rebuilds them)"
    return
  fi
  say "debootstrap --variant=minbase bookworm ($MIRROR)"
  timeout 1800 debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*
  tar -C "$rootfs" -c . | podman import --quiet --change 'CMD ["bash"]' - "$BUILDER_BASE" >/dev/null
  # Slim as Debian's -slim images are: no documentation, manuals or translations, now or later.
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
    'path-exclude /usr/share/locale/*' 'path-exclude /usr/share/groff/*' \
    'path-exclude /usr/share/lintian/*' >"$rootfs/etc/dpkg/dpkg.cfg.d/slim"
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$rootfs"/usr/share/{man,info,locale,groff,lintian}/*
  tar -C "$rootfs" -c . | podman import --quiet --change 'CMD ["bash"]' - "$RUNTIME_BASE" >/dev/null
  rm -rf "$rootfs"
}
make_bases

# --- the image -----------------------------------------------------------------------------------
VERSION="$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo dev)"
REVISION="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
SOURCE="file://$ROOT"
say "podman build (the builder stage compiles relay-gateway: minutes)"
build_started=$SECONDS
if ! timeout 5400 podman build --isolation=chroot --format docker --pull=never \
  --ignorefile "$ROOT/deploy/Dockerfile.dockerignore" -f "$ROOT/deploy/Dockerfile" \
  --build-arg BUILDER_BASE="$BUILDER_BASE" --build-arg BASE="$RUNTIME_BASE" \
  --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" --build-arg SOURCE="$SOURCE" \
  -t "$IMAGE" "$ROOT" >"$WORK/build.log" 2>&1; then
  tail -60 "$WORK/build.log" >&2
  die "podman build failed"
fi
say "built in $((SECONDS - build_started))s"

inspect() { podman image inspect --format "$1" "$IMAGE"; }
SIZE_BYTES="$(inspect '{{.Size}}')"
SIZE_MB="$(awk -v b="$SIZE_BYTES" 'BEGIN { printf "%.1f", b / 1000000 }')"
[ "$(inspect '{{.Config.User}}')" = "$IMAGE_UID:$IMAGE_UID" ] || die "image user is not $IMAGE_UID:$IMAGE_UID"
[ "$(inspect '{{index .Config.Labels "org.opencontainers.image.revision"}}')" = "$REVISION" ] ||
  die "label org.opencontainers.image.revision is not the commit"
[ "$(inspect '{{index .Config.Labels "org.opencontainers.image.version"}}')" = "$VERSION" ] ||
  die "label org.opencontainers.image.version is wrong"
healthcheck="$(inspect '{{json .Config.Healthcheck}}')"
grep -q '"healthcheck"' <<<"$healthcheck" || die "no HEALTHCHECK running relay-gateway healthcheck: $healthcheck"

# --- the image's filesystem, read-only, as a container would see it --------------------------------
MERGED="$(podman image mount "$IMAGE")"
IMAGE_MOUNTED=1
mkdir -p "$RO_ROOT"
mount --bind "$MERGED" "$RO_ROOT"
mount -o remount,bind,ro "$RO_ROOT"
mount -t tmpfs -o size=16m,mode=1777 tmpfs "$RO_ROOT/tmp"
mount -t proc proc "$RO_ROOT/proc"
mount --bind /dev "$RO_ROOT/dev"
touch "$RO_ROOT/usr/local/bin/probe" 2>/dev/null && die "the image's root filesystem is writable"
leftovers="$(find "$RO_ROOT/var/lib/apt/lists" "$RO_ROOT/var/cache/apt" -type f 2>/dev/null | head -3)"
[ -z "$leftovers" ] || die "apt's lists or caches were left in the image: $leftovers"
IMAGE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
in_image() {
  env -i PATH="$IMAGE_PATH" HOME=/nonexistent "$@"
}
as_image_user() {
  local vars=()
  while [ "$#" -gt 0 ] && [[ "$1" == *=* ]]; do
    vars+=("$1")
    shift
  done
  in_image "${vars[@]}" chroot --userspec="$IMAGE_UID:$IMAGE_UID" "$RO_ROOT" "$@"
}
libraries="$(in_image chroot "$RO_ROOT" ldd /usr/local/bin/relay-gateway)" || die "ldd failed in the image"
! grep -q 'not found' <<<"$libraries" || die "libraries missing from the image: $libraries"
packages="$(in_image chroot "$RO_ROOT" dpkg-query -W -f '${Package}\n')" || die "dpkg-query failed in the image"
grep -qx 'libpqxx-6.4' <<<"$packages" || die "libpqxx-6.4 is not in the image: $(tr '\n' ' ' <<<"$packages")"
dev_packages="$(grep -E -- '-dev$|^(gcc|g\+\+|cpp|cmake|make)(-[0-9]+)?$' <<<"$packages" || true)"
[ -z "$dev_packages" ] || die "build packages in the runtime image: $(tr '\n' ' ' <<<"$dev_packages")"

# --- PostgreSQL, the simulator, secrets ---------------------------------------------------------
free_port() {
  local port attempt rc
  for ((attempt = 0; attempt < 50; attempt++)); do
    port=$((20000 + RANDOM % 12000))
    rc=0
    port_probe "$port" || rc=$?
    if [ "$rc" -eq 1 ]; then
      echo "$port"
      return
    fi
  done
  die "no free loopback port"
}
PG_PORT="$(free_port)"
bash "$ROOT/deploy/pg-cluster.sh" init "$PG_DIR" "$PG_PORT" >/dev/null
bash "$ROOT/deploy/pg-cluster.sh" start "$PG_DIR" "$PG_PORT" >/dev/null
PSQL="$(bash "$ROOT/deploy/pg-cluster.sh" bindir "$PG_DIR")/psql"
"$PSQL" "$(bash "$ROOT/deploy/pg-cluster.sh" url "$PG_DIR")" -XAtqc "CREATE DATABASE relay"

GATEWAY_PORT="$(free_port)"
OPS_PORT="$(free_port)"
SIM_PORT="$(free_port)"
API_KEY="container-test-api-key-$RANDOM$RANDOM"
WEBHOOK_KEY="container-test-webhook-key-$RANDOM$RANDOM"
"$SIMULATOR" --listen "127.0.0.1:$SIM_PORT" --api-key "$API_KEY" \
  --webhook-url "http://127.0.0.1:$GATEWAY_PORT/webhooks/metriport" --webhook-key "$WEBHOOK_KEY" \
  --settings '{"webhook_delay_ms": 200}' >"$WORK/simulator.log" 2>&1 &
SIM_PID=$!

# Secrets as a container gets them: files on a mount (here the tmpfs), read through *_FILE.
SECRETS=/tmp/secrets
install -d -m 0700 -o "$IMAGE_UID" -g "$IMAGE_UID" "$RO_ROOT$SECRETS"
write_secret() {
  printf '%s\n' "$2" >"$RO_ROOT$SECRETS/$1"
  chown "$IMAGE_UID:$IMAGE_UID" "$RO_ROOT$SECRETS/$1"
  chmod 0400 "$RO_ROOT$SECRETS/$1"
}
write_secret database_url "postgresql://postgres@127.0.0.1:$PG_PORT/relay"
write_secret token_secret "$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')"
write_secret metriport_api_key "$API_KEY"
write_secret metriport_webhook_key "$WEBHOOK_KEY"
# The example configuration (routing for the sample's sender) replaces the image's own, as a
# Kubernetes ConfigMap would.
install -m 0644 "$ROOT/config/gateway.example.json" "$RO_ROOT/tmp/gateway.json"
GATEWAY_ENV=(
  DATABASE_URL_FILE=$SECRETS/database_url
  GATEWAY_TOKEN_SECRET_FILE=$SECRETS/token_secret
  METRIPORT_API_KEY_FILE=$SECRETS/metriport_api_key
  METRIPORT_WEBHOOK_KEY_FILE=$SECRETS/metriport_webhook_key
  METRIPORT_BASE_URL="http://127.0.0.1:$SIM_PORT/medical/v1"
  GATEWAY_LISTEN="127.0.0.1:$GATEWAY_PORT"
  GATEWAY_OPS_LISTEN="127.0.0.1:$OPS_PORT"
  GATEWAY_RELAY_POLL_INTERVAL_MS=200
)

# --- migrate, a vendor, serve ------------------------------------------------------------------
migrate_output="$(as_image_user "${GATEWAY_ENV[@]}" /usr/local/bin/relay-gateway migrate --config /tmp/gateway.json)" ||
  die "migrate failed: $migrate_output"
grep -q 'applied' <<<"$migrate_output" || die "migrate said: $migrate_output"
say "migrate (uid $IMAGE_UID, read-only root): $(tail -1 <<<"$migrate_output")"
vendor_output="$(as_image_user "${GATEWAY_ENV[@]}" /usr/local/bin/relay-gateway vendor add demo --config /tmp/gateway.json)" ||
  die "vendor add failed"
PASSWORD="$(grep -m1 '^password: ' <<<"$vendor_output" | awk '{print $NF}')"
[ -n "$PASSWORD" ] || die "no password in the output of vendor add"

# env and chroot exec in turn: $! is the gateway's own process id.
env -i PATH="$IMAGE_PATH" HOME=/nonexistent "${GATEWAY_ENV[@]}" \
  chroot --userspec="$IMAGE_UID:$IMAGE_UID" "$RO_ROOT" /usr/local/bin/relay-gateway serve \
  --config /tmp/gateway.json >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
# The image's HEALTHCHECK command, as the image runs it (its own config names no port here, so the
# port comes from GATEWAY_OPS_LISTEN as in any container that sets it).
healthy=0
for ((i = 0; i < 150; i++)); do
  if as_image_user "${GATEWAY_ENV[@]}" /usr/local/bin/relay-gateway healthcheck --config /tmp/gateway.json \
    >/dev/null 2>&1; then
    healthy=1
    break
  fi
  kill -0 "$GATEWAY_PID" 2>/dev/null || { tail -20 "$WORK/gateway.log" >&2; die "serve exited"; }
  sleep 0.2
done
[ "$healthy" -eq 1 ] || { tail -20 "$WORK/gateway.log" >&2; die "relay-gateway healthcheck never passed"; }
gateway_uid="$(awk '/^Uid:/ { print $2 }' "/proc/$GATEWAY_PID/status")"
[ "$(readlink "/proc/$GATEWAY_PID/exe")" = "$RO_ROOT/usr/local/bin/relay-gateway" ] ||
  die "process $GATEWAY_PID is not the image's relay-gateway"
[ "$gateway_uid" = "$IMAGE_UID" ] || die "serve runs as uid $gateway_uid, not $IMAGE_UID"
readyz="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$OPS_PORT/readyz")"
[ "$readyz" = 200 ] || die "/readyz answered $readyz"
say "serve: healthcheck exit 0, /readyz 200, running as uid $gateway_uid"

# --- one message, relayed ----------------------------------------------------------------------
GATEWAY="http://127.0.0.1:$GATEWAY_PORT"
token_answer="$(curl -sS --max-time 30 -X POST "$GATEWAY/token" -d grant_type=password -d username=demo \
  --data-urlencode "password=$PASSWORD")"
TOKEN="$(jq -r '.access_token // empty' <<<"$token_answer")"
[ -n "$TOKEN" ] || die "no token"
post_status="$(curl -sS -o "$WORK/post.json" -w '%{http_code}' --max-time 30 -X POST \
  "$GATEWAY/api/OutgoingSecureMessages" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' --data-binary "@$SAMPLE")"
[ "$post_status" = 200 ] || die "POST answered $post_status"
EXTERNAL_ID="$(jq -r '.ExternalId // .externalId' "$SAMPLE")"
PATIENTS="$(jq '(.Patients // .patients) | length' "$SAMPLE")"
status=""
for ((i = 0; i < 300; i++)); do
  status="$(curl -sS --max-time 5 "$GATEWAY/api/OutgoingSecureMessages?externalId=$EXTERNAL_ID" \
    -H "Authorization: Bearer $TOKEN" | jq -r '.Status // .status // empty')"
  [ "$status" = Sent ] && break
  sleep 0.2
done
[ "$status" = Sent ] || { tail -20 "$WORK/gateway.log" >&2; die "the message is '$status', not Sent, after 60 s"; }
accepted="$(curl -sS --max-time 5 "http://127.0.0.1:$SIM_PORT/_sim/counters" | jq -r '.sends_accepted')"
[ "$accepted" = "$PATIENTS" ] || die "the simulator accepted $accepted sends, expected $PATIENTS"
say "relayed: POST 200, $accepted sends accepted by the simulator, message read back Sent"

stop_process "$GATEWAY_PID" 300
gateway_exit=0
wait "$GATEWAY_PID" || gateway_exit=$?
GATEWAY_PID=""
[ "$gateway_exit" -eq 0 ] || die "serve exited $gateway_exit on SIGTERM"

echo
BASE_MB="$(podman image inspect --format '{{.Size}}' "$RUNTIME_BASE" | awk '{ printf "%.1f", $1 / 1000000 }')"
echo "container-test: image $IMAGE ($VERSION) size ${SIZE_MB} MB ($SIZE_BYTES bytes), of which the runtime base (bookworm minbase, slimmed) ${BASE_MB} MB"
echo "container-test: runtime packages: $(in_image chroot "$RO_ROOT" cat /usr/local/share/relay-gateway/runtime-packages.txt | tr '\n' ' ')"
echo "container-test: proved: multi-stage build; user $IMAGE_UID:$IMAGE_UID; OCI labels; HEALTHCHECK; no build packages; read-only root; migrate, serve, healthcheck, /readyz 200, one message relayed and Sent; clean exit on SIGTERM"
echo "container-test: $(date -u +%Y-%m-%d) in $((SECONDS - started))s"
echo "1 passed, 0 failed"
