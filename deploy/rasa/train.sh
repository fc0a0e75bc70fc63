#!/usr/bin/env bash
# Train a Rasa NLU model from the project's data (or reuse the one already trained on it).
#
#   deploy/rasa/train.sh [--data DIR] [--config FILE] [--out DIR] [--epochs N] [--force]
#
# Defaults: --data nlu/data, --config nlu/rasa/config.yml, --out HELPLINE_RASA_MODELS
# (~/.cache/helpline/rasa-models). --epochs N trains the same pipeline with DIET's epochs
# set to N (the integration test uses a few, to stay quick). The model is named after a
# hash of the config and every data file, so training is skipped when that model exists.
# Prints the model's path on stdout (last line); Rasa's output goes to stderr.
# Exit code 3: no Python 3.10 for Rasa (from build.sh).
set -euo pipefail
# shellcheck source=deploy/rasa/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

data="$RASA_DATA" config="$RASA_CONFIG" out="$RASA_MODELS" force=0 epochs=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --data) data="$2"; shift 2 ;;
        --config) config="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --epochs) epochs="$2"; shift 2 ;;
        --force) force=1; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "train.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
data="$(cd "$data" && pwd)"
config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
[[ -f "$config" ]] || { echo "train.sh: no config at $config" >&2; exit 2; }

"$RASA_DIR/build.sh" >/dev/null     # idempotent; exit code 3 passes through (set -e)

if [[ -n "$epochs" ]]; then                 # a copy of the config with DIET's epochs changed
    [[ "$epochs" =~ ^[1-9][0-9]*$ ]] || { echo "train.sh: --epochs needs a positive number" >&2; exit 2; }
    copy="$(mktemp -d)/config.yml"
    trap 'rm -rf "$(dirname "$copy")"' EXIT
    sed -E "s/^([[:space:]]+epochs:[[:space:]]*)[0-9]+/\1$epochs/" "$config" >"$copy"
    grep -Eq "^[[:space:]]+epochs:[[:space:]]*$epochs\b" "$copy" || { echo "train.sh: no epochs in $config" >&2; exit 2; }
    config="$copy"
fi

# Hash of the config and of every data file with its relative path (order-independent of the FS).
hash="$(
    {
        sha256sum <"$config"
        (cd "$data" && find . -type f \( -name '*.yml' -o -name '*.yaml' \) -print0 | LC_ALL=C sort -z |
            xargs -0 -r sha256sum)
    } | sha256sum | cut -c1-16
)"
name="nlu-$hash"
model="$out/$name.tar.gz"
mkdir -p "$out"
exec 8>"$out/.$name.lock"
flock 8                                # the same model is never trained twice at once
if [[ -f "$model" && $force -eq 0 ]]; then
    log "model for this config and data exists: $model"
    printf '%s\n' "$model"
    exit 0
fi

work="$RASA_HOME/work"                 # Rasa writes .rasa/ and friends to the current directory
mkdir -p "$work"
rasa_env
export RASA_MAX_CACHE_SIZE=0          # no Rasa training cache: the model hash above does that job
cd "$work"
log "training $name from $data"
start=$SECONDS
"$RASA_VENV/bin/rasa" train nlu --config "$config" --nlu "$data" --out "$out" \
    --fixed-model-name "$name" >&2
[[ -f "$model" ]] || { echo "train.sh: rasa finished but $model is missing" >&2; exit 1; }
log "trained in $((SECONDS - start)) s: $model"
printf '%s\n' "$model"
