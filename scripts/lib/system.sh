# shellcheck shell=bash
# System packages the test suite needs (Debian): PostgreSQL for the backend tests, Chromium for
# the e2e suite. Installed on demand, so a fresh machine needs nothing by hand.

irsa_apt_install() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  irsa_log "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

IRSA_PG_PORT="${IRSA_PG_PORT:-15432}"

# A throw-away PostgreSQL cluster on loopback, owned by the `postgres` user (initdb refuses root).
irsa_postgres_start() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  IRSA_PG_DIR="$(mktemp -d /tmp/irsa-pg.XXXXXX)"
  export IRSA_PG_DIR
  local run=()
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$IRSA_PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$IRSA_PG_DIR/data" --auth=trust --username=postgres -E UTF8 >"$IRSA_PG_DIR/initdb.log" 2>&1 \
    || { cat "$IRSA_PG_DIR/initdb.log" >&2; return 1; }
  "${run[@]}" "$bin/pg_ctl" -D "$IRSA_PG_DIR/data" -l "$IRSA_PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $IRSA_PG_PORT -c unix_socket_directories=$IRSA_PG_DIR -c max_connections=200 -c fsync=off" start >&2 \
    || { cat "$IRSA_PG_DIR/server.log" >&2; return 1; }
  IRSA_PG_BIN="$bin"
  export IRSA_PG_BIN
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:${IRSA_PG_PORT}"
  irsa_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$IRSA_PG_PORT"
}

# Stops the cluster, if it got that far, and removes its folder in any case (a failed initdb
# leaves one behind too).
irsa_postgres_stop() {
  [[ -n "${IRSA_PG_DIR:-}" && -d "$IRSA_PG_DIR" ]] || return 0
  if [[ -n "${IRSA_PG_BIN:-}" && -d "$IRSA_PG_DIR/data" ]]; then
    local run=()
    [[ $(id -u) -eq 0 ]] && run=(runuser -u postgres --)
    "${run[@]}" "$IRSA_PG_BIN/pg_ctl" -D "$IRSA_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$IRSA_PG_DIR"
}

IRSA_REDIS_PORT="${IRSA_REDIS_PORT:-16379}"

# A throw-away Redis (Debian's redis-server) on loopback, without persistence: the cache that
# backend replicas share in the two-replica tests.
irsa_redis_start() {
  IRSA_REDIS_DIR="$(mktemp -d /tmp/irsa-redis.XXXXXX)"
  export IRSA_REDIS_DIR
  redis-server --bind 127.0.0.1 --port "$IRSA_REDIS_PORT" --save '' --appendonly no \
    --dir "$IRSA_REDIS_DIR" --daemonize yes --pidfile "$IRSA_REDIS_DIR/redis.pid" \
    --logfile "$IRSA_REDIS_DIR/redis.log" || return 1
  local i
  for i in $(seq 1 50); do
    redis-cli -p "$IRSA_REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.2
  done
  export IRSA_TEST_REDIS_URL="redis://127.0.0.1:${IRSA_REDIS_PORT}"
  irsa_log "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$IRSA_REDIS_PORT"
}

irsa_redis_stop() {
  [[ -n "${IRSA_REDIS_DIR:-}" && -d "$IRSA_REDIS_DIR" ]] || return 0
  redis-cli -p "$IRSA_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$IRSA_REDIS_DIR"
}
