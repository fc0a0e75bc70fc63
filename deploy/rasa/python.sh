#!/usr/bin/env bash
# Run the Rasa venv's Python (3.10) with the same environment as train.sh and serve.sh:
#   deploy/rasa/python.sh bench/nlu/rasa_inproc.py MODEL TEXTS.json
# Builds the venv first if needed (exit code 3: no Python 3.10).
set -euo pipefail
# shellcheck source=deploy/rasa/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$RASA_DIR/build.sh" >/dev/null
args=()
for arg in "$@"; do   # make relative paths absolute: Rasa runs from its work directory
    if [[ -e "$arg" ]]; then args+=("$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")"); else args+=("$arg"); fi
done
work="$RASA_HOME/work"
mkdir -p "$work"
rasa_env
cd "$work"
exec "$RASA_VENV/bin/python" "${args[@]}"
