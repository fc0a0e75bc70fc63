"""GET /metrics: Prometheus text, `helpline_` names, a registry per app; localhost only, or a token."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import make_mocked_request
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot import keys
from bot.app import Overrides, create_app
from bot.messages import Channel
from bot.metrics import allowed
from bot.settings import Settings
from tests.factories import inbound
from tests.fakes import FakeClassifier, FakeSender

TOKEN = "metrics-token-for-tests"


async def client_for(aiohttp_client: Any, settings: Settings, clock: Any) -> Any:
    senders = {Channel.CLI: FakeSender()}
    overrides = Overrides(
        classifier=FakeClassifier(), senders=senders, clock=clock, run_outbox=False, migrate=True
    )
    app = create_app(settings, overrides)
    return await aiohttp_client(app)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_counts_a_turn_its_latency_the_queue_and_the_outbox(aiohttp_client, settings, clock):
    client = await client_for(aiohttp_client, settings, clock)
    pipeline = client.app[keys.pipeline]
    await pipeline.handle(inbound("kā var satikt vīru?", provider_id="m-1"))
    await pipeline.handle(inbound("kā var satikt vīru?", provider_id="m-1"))  # a provider retry
    await pipeline.handle(inbound("/human_handoff", user="other", provider_id="m-2"))
    response = await client.get("/metrics")
    assert response.status == 200 and response.content_type == "text/plain"
    found = samples(await response.text())
    assert found[("helpline_messages_in_total", (("channel", "cli"),))] == 2
    assert found[("helpline_duplicates_total", (("channel", "cli"),))] == 1
    assert found[("helpline_turn_latency_seconds_count", (("channel", "cli"),))] == 2
    assert found[("helpline_nlu_latency_seconds_count", ())] == 2
    assert found[("helpline_messages_out_total", (("channel", "cli"),))] == 0
    assert found[("helpline_outbox_depth", ())] >= 2  # nothing sent: the outbox worker is off
    assert found[("helpline_outbox_oldest_pending_age_seconds", ())] >= 0
    assert found[("helpline_handoff_queue_length", ())] == 1
    assert ("helpline_handoff_oldest_wait_seconds", ()) in found
    assert found[("helpline_errors_total", (("kind", "turn_failed"),))] == 0
    assert all(name.startswith("helpline_") for name, _ in found)

    await client.app[keys.outbox].drain()
    found = samples(await (await client.get("/metrics")).text())
    assert found[("helpline_messages_out_total", (("channel", "cli"),))] >= 2
    assert found[("helpline_outbox_depth", ())] == 0


async def test_each_app_has_its_own_registry(aiohttp_client, settings, clock):
    first = await client_for(aiohttp_client, settings, clock)
    await first.app[keys.pipeline].handle(inbound("Sveiki"))
    second = await client_for(aiohttp_client, settings, clock)
    found = samples(await (await second.get("/metrics")).text())
    assert found[("helpline_messages_in_total", (("channel", "cli"),))] == 0


async def test_a_failed_turn_is_counted_by_kind(aiohttp_client, settings, clock):
    client = await client_for(aiohttp_client, settings, clock)
    await client.app[keys.pipeline].handle(inbound("boom"))
    found = samples(await (await client.get("/metrics")).text())
    assert found[("helpline_errors_total", (("kind", "turn_failed"),))] == 1


async def test_proxied_requests_are_refused_without_a_token(aiohttp_client, settings, clock):
    client = await client_for(aiohttp_client, settings, clock)
    assert (await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})).status == 403
    assert (await client.get("/metrics", headers={"Forwarded": "for=203.0.113.9"})).status == 403


async def test_with_a_token_only_the_bearer_gets_in(aiohttp_client, settings, clock):
    secured = settings.model_copy(update={"metrics_token": SecretStr(TOKEN)})
    client = await client_for(aiohttp_client, secured, clock)
    assert (await client.get("/metrics")).status == 403  # even from localhost
    assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status == 403
    ok = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status == 200 and "helpline_messages_in_total" in await ok.text()


class _Transport:
    def __init__(self, peer: str) -> None:
        self.peer = peer

    def get_extra_info(self, name: str, default: object = None) -> object:
        return (self.peer, 40000) if name == "peername" else default

    def is_closing(self) -> bool:
        return False


def test_only_loopback_callers_without_a_token():
    def request(peer: str, **headers: str) -> Any:
        return make_mocked_request("GET", "/metrics", headers=headers, transport=_Transport(peer))

    assert allowed(request("127.0.0.1"), None)
    assert allowed(request("::1"), None)
    assert not allowed(request("10.1.2.3"), None)
    assert not allowed(request("127.0.0.1", **{"X-Forwarded-For": "10.0.0.1"}), None)
    assert allowed(request("10.1.2.3", Authorization=f"Bearer {TOKEN}"), TOKEN)
    assert not allowed(request("127.0.0.1"), TOKEN)
