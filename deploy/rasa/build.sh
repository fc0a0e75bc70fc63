#!/usr/bin/env bash
# Build (or reuse) the Rasa 3.6.21 virtual environment from requirements.lock.
#
#   deploy/rasa/build.sh            -> prints the venv path on stdout; progress on stderr
#
# Idempotent: the venv is cached outside the repository (HELPLINE_RASA_VENV, default
# ~/.cache/helpline/rasa-venv) and rebuilt only when the lock (or the Python) changes.
# Rasa 3.6 needs CPython 3.10. Exit codes: 0 ready, 3 no Python 3.10 on this machine
# (one line on stderr says why; callers may skip), anything else a real failure.
set -euo pipefail
# shellcheck source=deploy/rasa/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Print the first working CPython 3.10 (with venv support) among the usual places.
find_python310() {
    local candidates=() root cand
    [[ -n "${HELPLINE_RASA_PYTHON:-}" ]] && candidates+=("$HELPLINE_RASA_PYTHON")
    if command -v pyenv >/dev/null 2>&1 && root="$(pyenv root 2>/dev/null)"; then :
    else root="${PYENV_ROOT:-$REAL_HOME/.pyenv}"; fi
    if [[ -d "$root/versions" ]]; then
        # newest 3.10.x first
        while IFS= read -r cand; do candidates+=("$cand"); done < <(
            find "$root/versions" -maxdepth 3 -path '*/versions/3.10*/bin/python3.10' 2>/dev/null | sort -rV)
    fi
    cand="$(command -v python3.10 2>/dev/null || true)"
    [[ -n "$cand" ]] && candidates+=("$cand")
    candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10)
    for cand in "${candidates[@]}"; do
        [[ -x "$cand" ]] || continue
        if "$cand" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then
            printf '%s\n' "$cand"
            return 0
        fi
    done
    return 1
}

if venv_ready; then
    log "venv up to date: $RASA_VENV"
    printf '%s\n' "$RASA_VENV"
    exit 0
fi

if ! PY="$(find_python310)"; then
    echo "no CPython 3.10 found (tried HELPLINE_RASA_PYTHON, pyenv versions, python3.10 on PATH); Rasa 3.6 needs Python 3.10" >&2
    exit 3
fi

mkdir -p "$(dirname "$RASA_VENV")" "$HELPLINE_CACHE"
exec 9>"$HELPLINE_CACHE/.rasa-build.lock"
flock 9                                     # one build at a time (tests and bench may race)
if venv_ready; then                         # someone else built it while we waited
    printf '%s\n' "$RASA_VENV"
    exit 0
fi

start=$SECONDS
if [[ -e "$RASA_VENV" ]]; then
    if [[ ! -f "$RASA_VENV/pyvenv.cfg" ]]; then
        echo "rasa: $RASA_VENV exists and is not a virtual environment; refusing to replace it" >&2
        exit 1
    fi
    log "lock changed or venv incomplete: rebuilding $RASA_VENV"
    rm -rf "$RASA_VENV"
fi
log "creating venv with $PY ($("$PY" -c 'import platform; print(platform.python_version())'))"
"$PY" -m venv "$RASA_VENV"

# uv installs the 2.7 GB of wheels in seconds and caches them; pip is the fallback.
UV=""
if command -v uv >/dev/null 2>&1; then
    UV="$(command -v uv)"
else
    UV_TOOL="$HELPLINE_CACHE/uv-tool"
    if [[ ! -x "$UV_TOOL/bin/uv" ]]; then
        log "installing uv into $UV_TOOL"
        rm -rf "$UV_TOOL"
        { "$PY" -m venv "$UV_TOOL" && "$UV_TOOL/bin/pip" install -q uv; } >&2 || rm -rf "$UV_TOOL"
    fi
    [[ -x "$UV_TOOL/bin/uv" ]] && UV="$UV_TOOL/bin/uv"
fi

installed=""
if [[ -n "$UV" ]]; then
    log "installing the lock with $("$UV" --version)"
    # (the per-package "+ name==version" lines are dropped; the summary lines stay)
    if "$UV" pip install --compile-bytecode --python "$RASA_VENV/bin/python" --no-deps -r "$RASA_LOCK" 2>&1 |
        sed '/^ [-+] /d' >&2; then
        installed=uv
    else
        log "uv failed; falling back to pip"
    fi
fi
if [[ -z "$installed" ]]; then
    log "installing the lock with pip (slower)"
    "$RASA_VENV/bin/python" -m pip install --no-deps --no-input -r "$RASA_LOCK" >&2
    installed=pip
fi

rasa_env
"$RASA_VENV/bin/python" -c 'import rasa.version, tensorflow, sanic; print("rasa", rasa.version.__version__)' >&2
lock_hash "$RASA_VENV/bin/python" >"$RASA_VENV/.helpline-lock"
log "venv ready in $((SECONDS - start)) s ($installed): $RASA_VENV"
printf '%s\n' "$RASA_VENV"
