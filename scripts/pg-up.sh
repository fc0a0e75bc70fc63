#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for tests; prints the SQLAlchemy URL. Stop with scripts/pg-down.sh.
set -euo pipefail
PGROOT=${PGROOT:-${TMPDIR:-/tmp}/helpline-pg}
# below Linux's ephemeral range (32768-60999): a port in it can be held by some outgoing connection's local end,
# and then PostgreSQL cannot bind it ("Address already in use"; seen once here on 55472)
PGPORT=${PGPORT:-25432}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
if [ -f "$PGROOT/data/postmaster.pid" ]; then
  PGROOT=$PGROOT bash "$(dirname "$0")/pg-down.sh" >/dev/null 2>&1 || true
fi
rm -rf "$PGROOT"
mkdir -p "$PGROOT/data" "$PGROOT/sock"
if [ "$(id -u)" = 0 ]; then
  # initdb and pg_ctl refuse to run as root
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown -R postgres: "$PGROOT"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi
as_pg "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PGROOT/initdb.log"
# the settings live in the cluster's own config, so scripts/pg-restart.sh starts it exactly alike
{
  echo "port = $PGPORT"
  echo "listen_addresses = '127.0.0.1'"
  echo "unix_socket_directories = '$PGROOT/sock'"
  echo "max_connections = 200"
  # tests throw the cluster away, so they skip durability; PG_DURABLE=1 (the load and fault benchmarks)
  # keeps PostgreSQL's defaults, every commit flushed to disk, as in production
  if [ "${PG_DURABLE:-0}" != 1 ]; then
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
  fi
} | as_pg tee -a "$PGROOT/data/postgresql.conf" >/dev/null
if ! as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 start >/dev/null; then
  echo "pg-up: PostgreSQL did not start on port $PGPORT; its log says:" >&2
  tail -n 5 "$PGROOT/server.log" >&2
  exit 1
fi
echo "postgresql+asyncpg://postgres@127.0.0.1:$PGPORT/postgres"
