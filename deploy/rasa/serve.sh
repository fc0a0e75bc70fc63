#!/usr/bin/env bash
# Serve a Rasa NLU model on localhost with the HTTP API (POST /model/parse, GET /status).
#
#   RASA_PORT=5005 deploy/rasa/serve.sh [--model FILE]
#
# Without --model it runs train.sh first (which reuses a model trained on the same data).
# Prints the URL on stdout, then replaces itself with the Rasa process: the PID of this
# script is the server's PID, so stop it with `kill PID` (SIGTERM stops it cleanly).
# Exit code 3: no Python 3.10 for Rasa (from build.sh).
set -euo pipefail
# shellcheck source=deploy/rasa/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

model=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --model|-m) model="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "serve.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
"$RASA_DIR/build.sh" >/dev/null
if [[ -z "$model" ]]; then
    model="$("$RASA_DIR/train.sh" | tail -n 1)"
fi
[[ -f "$model" ]] || { echo "serve.sh: no model at $model" >&2; exit 2; }
model="$(cd "$(dirname "$model")" && pwd)/$(basename "$model")"

port="${RASA_PORT:-5005}"
work="$RASA_HOME/work"
mkdir -p "$work"
rasa_env
cd "$work"
printf 'http://127.0.0.1:%s\n' "$port"
log "serving $model on http://127.0.0.1:$port (POST /model/parse)"
exec "$RASA_VENV/bin/rasa" run --enable-api -i 127.0.0.1 -p "$port" -m "$model"
