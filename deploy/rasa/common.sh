# Shared settings for build.sh, train.sh and serve.sh (sourced, not run).
# Everything Rasa writes lives in a cache outside the repository:
#   HELPLINE_RASA_VENV    the Rasa 3.6.21 venv            (default ~/.cache/helpline/rasa-venv)
#   HELPLINE_RASA_MODELS  trained models                  (default ~/.cache/helpline/rasa-models)
#   HELPLINE_RASA_HOME    private HOME for Rasa's files   (default ~/.cache/helpline/rasa-home)
#   HELPLINE_RASA_PYTHON  a Python 3.10 to use instead of searching for one
#   UV_CACHE_DIR          uv's download cache             (default ~/.cache/helpline/uv)

RASA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$RASA_DIR/../.." && pwd)"
REAL_HOME="${HOME:?HOME is not set}"
HELPLINE_CACHE="$REAL_HOME/.cache/helpline"
RASA_VENV="${HELPLINE_RASA_VENV:-$HELPLINE_CACHE/rasa-venv}"
RASA_MODELS="${HELPLINE_RASA_MODELS:-$HELPLINE_CACHE/rasa-models}"
RASA_HOME="${HELPLINE_RASA_HOME:-$HELPLINE_CACHE/rasa-home}"
RASA_LOCK="$RASA_DIR/requirements.lock"
RASA_CONFIG="$REPO_ROOT/nlu/rasa/config.yml"
RASA_DATA="$REPO_ROOT/nlu/data"
export UV_CACHE_DIR="${UV_CACHE_DIR:-$HELPLINE_CACHE/uv}"

log() { printf 'rasa: %s\n' "$*" >&2; }

# The hash that names a venv build: the lock plus the interpreter's version.
lock_hash() { { sha256sum <"$RASA_LOCK"; "$1" -c 'import sys; print(sys.version)'; } | sha256sum | cut -c1-64; }

# Environment for every Rasa process: no telemetry, no files in the real HOME, quieter logs.
rasa_env() {
    mkdir -p "$RASA_HOME"
    export HOME="$RASA_HOME"
    export RASA_TELEMETRY_ENABLED=false
    export SQLALCHEMY_SILENCE_UBER_WARNING=1
    export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
    export MPLCONFIGDIR="$RASA_HOME/matplotlib"
    export XDG_CACHE_HOME="$RASA_HOME/.cache" XDG_CONFIG_HOME="$RASA_HOME/.config"
    export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore}"
    unset PYTHONPATH VIRTUAL_ENV PYTHONDONTWRITEBYTECODE
}

# True when the venv exists, is complete and was built from the current lock.
venv_ready() {
    [[ -x "$RASA_VENV/bin/python" && -x "$RASA_VENV/bin/rasa" && -f "$RASA_VENV/.helpline-lock" ]] || return 1
    [[ "$(cat "$RASA_VENV/.helpline-lock")" == "$(lock_hash "$RASA_VENV/bin/python")" ]]
}
