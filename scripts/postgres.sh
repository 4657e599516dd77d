#!/usr/bin/env bash
# A throwaway PostgreSQL server for tradedesk's tests (Debian, as root).
#
#   scripts/postgres.sh          install PostgreSQL if missing, start the server (or find it running)
#                                and print its admin URL on stdout, e.g.
#                                postgres://tradedesk:tradedesk@127.0.0.1:54329/postgres
#   scripts/postgres.sh stop     stop it (its data directory stays; the next start reuses it)
#
#   export TRADEDESK_TEST_PG_URL="$(scripts/postgres.sh)" && npm test
#
# The server listens on 127.0.0.1 only, with its own data and unix-socket directory under
# $TRADEDESK_PG_DIR (default /tmp/tradedesk-pg-$PORT), owned by the `postgres` OS user. It is tuned for
# tests, not for keeping data: fsync is off. Role `tradedesk` (password auth over TCP, CREATEDB) is what
# the tests use; each test home gets its own database (test/support/cli.ts). Progress goes to stderr,
# only the URL to stdout.
set -euo pipefail

PORT="${TRADEDESK_PG_PORT:-54329}"
BASE="${TRADEDESK_PG_DIR:-/tmp/tradedesk-pg-$PORT}"
DATA="$BASE/data"
SOCKET="$BASE/socket"
LOG="$BASE/server.log"
ROLE=tradedesk
PASSWORD=tradedesk
URL="postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/postgres"

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run me as root (I install packages and run the server as the postgres user)"

# The newest installed PostgreSQL's binaries, e.g. /usr/lib/postgresql/15/bin.
pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl ]] && echo "$dir"
}

as_postgres() { runuser -u postgres -- "$@"; }

is_up() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2 >/dev/null 2>&1; }

install_postgres() {
  say "PostgreSQL is not installed: installing it from the Debian mirrors"
  # Only our own cluster: no `main` cluster on 5432 that nobody uses.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/tradedesk-no-main.conf
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2 </dev/null
  apt-get install -y --no-install-recommends postgresql >&2 </dev/null
}

stop_server() {
  if [[ -f $DATA/PG_VERSION ]] && as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2
    say "stopped the server on port $PORT"
  else
    say "no server of ours is running on port $PORT"
  fi
}

init_cluster() {
  say "creating a cluster in $DATA"
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  mkdir -p "$BASE"
  chown postgres: "$BASE"
  chmod 700 "$BASE"
  as_postgres test -w "$BASE" 2>/dev/null ||
    die "the postgres user cannot reach $BASE (a parent directory is closed to it): set TRADEDESK_PG_DIR elsewhere"
  as_postgres mkdir -p "$SOCKET"
  # Peer auth on the socket for the postgres OS user (this script), passwords over TCP (the tests; a
  # wrong password must really fail). C.UTF-8 exists on every Debian, whatever locales are generated.
  as_postgres "$BIN/initdb" -D "$DATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 --no-sync \
    --auth-local=peer --auth-host=scram-sha-256 >&2
  as_postgres tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# scripts/postgres.sh: a throwaway server for tests
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKET'
max_connections = 400
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

start_server() {
  [[ -f $DATA/PG_VERSION ]] || init_cluster
  as_postgres mkdir -p "$SOCKET"
  say "starting PostgreSQL on 127.0.0.1:$PORT (log: $LOG)"
  if ! as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >&2; then
    tail -n 30 "$LOG" >&2 || true
    die "the server did not start"
  fi

  for _ in $(seq 1 60); do
    is_up && break
    sleep 0.5
  done
  is_up || die "the server does not accept connections on 127.0.0.1:$PORT (log: $LOG)"

  as_postgres "$BIN/psql" -X -q -h "$SOCKET" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 >&2 <<EOF
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  ELSE
    ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF;
END
\$\$;
EOF
}

BIN=$(pg_bin || true)
case "${1:-start}" in
  start)
    [[ -n $BIN ]] || install_postgres
    BIN=$(pg_bin) || die "PostgreSQL binaries not found in /usr/lib/postgresql/*/bin after installing"
    if is_up; then
      say "a server is already up on port $PORT"
    else
      start_server
    fi
    echo "$URL"
    ;;
  stop)
    [[ -n $BIN ]] || { say "PostgreSQL is not installed: nothing to stop"; exit 0; }
    stop_server
    ;;
  *)
    die "usage: $0 [start|stop]"
    ;;
esac
