#!/usr/bin/env bash
# Stop the throwaway PostgreSQL started by scripts/pg-up.sh.
set -euo pipefail
PGROOT=${PGROOT:-${TMPDIR:-/tmp}/helpline-pg}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -d "$PGROOT/data" ] || exit 0
if [ "$(id -u)" = 0 ]; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null || true
else
  "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null || true
fi
