#!/usr/bin/env bash
# Restart the PostgreSQL started by scripts/pg-up.sh on the same data directory: nothing is deleted.
# Used by bench/faults (a database restart under load). Prints the same URL as pg-up.sh.
#   PGROOT=... PGPORT=... scripts/pg-restart.sh [--down-for SECONDS]
set -euo pipefail
PGROOT=${PGROOT:-${TMPDIR:-/tmp}/helpline-pg}
PGPORT=${PGPORT:-25432}
DOWN_FOR=0
if [ "${1:-}" = "--down-for" ]; then DOWN_FOR=$2; fi
[ -f "$PGROOT/data/PG_VERSION" ] || { echo "pg-restart: no cluster in $PGROOT/data (run pg-up.sh)" >&2; exit 2; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
if [ "$(id -u)" = 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi
as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null || true
sleep "$DOWN_FOR"
as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 start >/dev/null  # pg-up.sh's settings
echo "postgresql+asyncpg://postgres@127.0.0.1:$PGPORT/postgres"
