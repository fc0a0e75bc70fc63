#!/usr/bin/env bash
# The run command: on a fresh machine it creates the venv, installs the bot and starts it on its
# embedded default (SQLite in ./var, the web chat at http://127.0.0.1:8080/, no tokens needed).
# Arguments go to `helpline`, e.g. scripts/run.sh chat   (default: run)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
if [ ! -x .venv/bin/helpline ] || [ pyproject.toml -nt .venv/bin/helpline ]; then
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -e . 2>&1 | grep -v "is ignored: it is neither" || true
  touch .venv/bin/helpline
fi
[ $# -gt 0 ] || set -- run
exec .venv/bin/helpline "$@"
