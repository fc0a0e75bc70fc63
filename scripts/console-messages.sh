#!/usr/bin/env bash
# The console's words (bot/console/i18n.py): extract every marked string with Babel and merge the result
# into the Latvian and Russian catalogs. A new string arrives with an empty msgstr, and
# tests/unit/test_console_catalogs.py fails until someone translates it; a string no longer used is dropped.
# Then it compiles each .po to the .mo the app reads when it starts (commit both).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
"$PYBABEL" extract -F bot/console/babel.cfg -k N_ --add-location=file --sort-by-file \
  --project="helpline-bot console" --version=0.1.0 -o "$pot" bot/console
"$PYBABEL" update -i "$pot" -d bot/console/locale -D console --width 100 \
  --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
# the app reads the compiled .mo (stdlib gettext, no Babel in a running worker); a fuzzy entry stays English
"$PYBABEL" compile -d bot/console/locale -D console --statistics
