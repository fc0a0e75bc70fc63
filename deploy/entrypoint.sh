#!/bin/sh
# Container start: apply the schema migrations, then serve with N workers on one port.
#   (no arguments)       helpline db upgrade && exec helpline run --workers ${HELPLINE_WORKERS:-2}
#   any arguments        run them instead, e.g. `docker run IMAGE helpline db current`
# `helpline db upgrade` holds a PostgreSQL advisory lock, so replicas starting together migrate once.
# Set HELPLINE_MIGRATE_ON_START=0 where a separate job migrates (deploy/k8s/migrate-job.yaml).
set -eu
if [ "$#" -gt 0 ]; then
    exec "$@"
fi
if [ "${HELPLINE_MIGRATE_ON_START:-1}" = "1" ]; then
    helpline db upgrade
fi
exec helpline run --workers "${HELPLINE_WORKERS:-2}"
