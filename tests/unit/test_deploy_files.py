"""deploy/: the env example names every setting; compose and Kubernetes keep the promises the docs make."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import AliasChoices

from bot.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def env_name(field: str) -> str:
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return alias if isinstance(alias, str) else f"HELPLINE_{field.upper()}"


def test_env_example_names_every_setting_with_a_comment():
    lines = (DEPLOY / "env.example").read_text().splitlines()
    setting = re.compile(r"^(?:# )?([A-Z][A-Z0-9_]+)=")
    named = {m.group(1): i for i, m in ((i, setting.match(line)) for i, line in enumerate(lines)) if m}
    missing = [env_name(f) for f in Settings.model_fields if env_name(f) not in named]
    assert missing == [], "add these to deploy/env.example, each with a comment"
    for name, index in named.items():
        above = index - 1
        while setting.match(lines[above]):  # a few related settings may share one comment
            above -= 1
        assert lines[above].startswith("# "), f"{name} needs a comment above it"


def test_env_example_holds_no_secret_values():
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if re.match(r"^[A-Z_]*(TOKEN|SECRET|PASSWORD)=", line):
            assert line.endswith("="), f"a secret with a value: {line}"


def load(path: str) -> Any:
    return yaml.safe_load((DEPLOY / path).read_text())


def test_compose_database_is_private_persistent_and_needs_a_password():
    compose = load("compose.yaml")
    services = compose["services"]
    assert "ports" not in services["postgres"]
    assert any(v.startswith("pgdata:") for v in services["postgres"]["volumes"])
    assert "${POSTGRES_PASSWORD:?" in services["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert "${POSTGRES_PASSWORD:?" in services["bot"]["environment"]["HELPLINE_DATABASE_URL"]
    assert services["rasa"]["profiles"] == ["rasa"] and services["caddy"]["profiles"] == ["tls"]
    assert all(p.startswith("127.0.0.1:") for p in services["bot"]["ports"])


def test_the_image_runs_as_a_user_with_a_healthcheck_and_migrates_first():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^USER 10001", dockerfile, re.M) and "HEALTHCHECK" in dockerfile
    assert "helpline nlu train" in dockerfile and dockerfile.count("FROM ") == 2
    entrypoint = (DEPLOY / "entrypoint.sh").read_text()
    assert entrypoint.index("helpline db upgrade") < entrypoint.index("exec helpline run --workers")


def test_kubernetes_probes_and_the_migration_job():
    pods = load("k8s/statefulset.yaml")
    (container,) = pods["spec"]["template"]["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert {"name": "HELPLINE_MIGRATE_ON_START", "value": "0"} in container["env"]
    job = load("k8s/migrate-job.yaml")
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["helpline", "db", "upgrade"]
    kinds = {load(f"k8s/{name}")["kind"] for name in load("k8s/kustomization.yaml")["resources"]}
    assert {"StatefulSet", "Service", "ConfigMap", "PodDisruptionBudget", "NetworkPolicy"} <= kinds
    assert load("k8s/secret.example.yaml")["kind"] == "Secret"


def test_an_sms_kept_while_the_database_is_away_is_on_a_volume_and_the_pod_keeps_taking_them():
    # Twilio does not send an SMS again: the bot keeps it on disk (bot/inbound_spool.py), which must be
    # writable under a read-only root and outlive a restart of the container
    spool = str(Settings(data_dir=Path("/var/lib/helpline")).effective_spool_dir)
    assert "HELPLINE_DATA_DIR=/var/lib/helpline" in (DEPLOY / "Dockerfile").read_text()
    assert f"install -d -o helpline -g helpline -m 0700 {spool}" in (DEPLOY / "Dockerfile").read_text()
    assert f"spool:{spool}" in load("compose.yaml")["services"]["bot"]["volumes"][0]
    pods = load("k8s/statefulset.yaml")
    (container,) = pods["spec"]["template"]["spec"]["containers"]
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == spool]
    # an emptyDir goes with the pod: a rolling update or an eviction during an outage would lose the SMS kept
    # there, so the spool is each pod's own claim, kept when the pod is replaced or the set scaled down
    assert mount["name"] not in {v["name"] for v in pods["spec"]["template"]["spec"].get("volumes", [])}
    assert mount["name"] in {c["metadata"]["name"] for c in pods["spec"]["volumeClaimTemplates"]}
    kept = pods["spec"]["persistentVolumeClaimRetentionPolicy"]
    assert kept == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    governing = load("k8s/headless-service.yaml")
    assert governing["metadata"]["name"] == pods["spec"]["serviceName"]
    assert governing["spec"]["clusterIP"] == "None"
    probe = container["readinessProbe"]
    # a minute's outage, and more: the pod is still in the Service
    assert probe["periodSeconds"] * probe["failureThreshold"] >= 120
