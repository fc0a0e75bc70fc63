#!/usr/bin/env bash
# The test command. On a fresh machine it installs what the tests need (Python venv, PostgreSQL, Chromium),
# starts a throwaway PostgreSQL, and runs the whole suite on SQLite and on PostgreSQL.
# Extra arguments go to pytest, e.g. scripts/test.sh tests/unit -x
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

apt_needed=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_needed+=(postgresql)
if [ ${#apt_needed[@]} -gt 0 ]; then
  echo "installing: ${apt_needed[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_needed[@]}" >/dev/null
fi
# the console's browser tests drive Debian's chromium through Playwright (no `playwright install`);
# installed with its recommended fonts, as in the tested recipe
if [ ! -x /usr/bin/chromium ]; then
  echo "installing: chromium"
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

PYTHON=${PYTHON:-python3.11}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e ".[dev]" 2>&1 | grep -v "is ignored: it is neither" || true

export PGPORT=${PGPORT:-25432}
export PGROOT=${TMPDIR:-/tmp}/helpline-pg-$PGPORT
HELPLINE_TEST_POSTGRES_URL=$(bash scripts/pg-up.sh)
export HELPLINE_TEST_POSTGRES_URL
trap 'bash scripts/pg-down.sh' EXIT

export PTB_TIMEDELTA=1
# tests build their own settings; keep a developer's own environment out of them
unset HELPLINE_DATABASE_URL HELPLINE_DATA_DIR TELEGRAM_BOT_TOKEN TWILIO_AUTH_TOKEN RASA_URL || true
.venv/bin/python -m pytest "$@"
