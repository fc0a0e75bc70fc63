"""What a person sends while PostgreSQL is away is not lost: an SMS (Twilio would not send it again) is kept
on disk; the web chat is told 503 and its page sends the message again.

The database goes away for real: the app reaches PostgreSQL through a TCP proxy that the test cuts (open
connections reset, new ones refused) and restores, as in a restart or a failover.
"""

from __future__ import annotations

import asyncio
import stat
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import make_url

from bot import keys
from bot.db.models import TranscriptEntry
from tests.factories import transcript
from tests.tcp_proxy import TcpProxy
from tests.twilio_fake import SmsFactory, SmsHarness

POSTGRES_ONLY = pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
PERSON = "+37120000001"
OTHER = "+37120000002"


@pytest.fixture
async def proxy(db_url: str) -> AsyncIterator[TcpProxy]:
    url = make_url(db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    yield proxy
    await proxy.cut()


@pytest.fixture
async def sms(make_sms: SmsFactory, db_url: str, proxy: TcpProxy) -> SmsHarness:
    through_proxy = make_url(db_url).set(host="127.0.0.1", port=proxy.port)
    return await make_sms(database_url=through_proxy.render_as_string(hide_password=False))


async def _until_handled(sms: SmsHarness, within: float = 20.0) -> None:
    spool = sms.app[keys.inbound_spool]
    for _ in range(int(within / 0.1)):
        if not spool.waiting():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the kept messages were not handled after the database came back")


def _said(entries: list[TranscriptEntry]) -> list[str]:
    return [e.text for e in entries if e.direction == "in"]


@POSTGRES_ONLY
async def test_an_sms_sent_while_the_database_is_away_is_kept_and_answered_once_it_is_back(
    sms: SmsHarness, proxy: TcpProxy
):
    await proxy.cut()
    assert await sms.sms("kā var satikt vīru?", PERSON, sid="SM" + "a" * 32) == 200  # Twilio: delivered
    assert await sms.sms("kā var satikt vīru?", PERSON, sid="SM" + "a" * 32) == 200  # its retry, same sid
    spool = sms.app[keys.inbound_spool]
    kept = spool.kept()
    assert len(kept) == 2
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in kept)  # a phone number and words
    metrics = await sms.client.get("/metrics")  # the database is away: the disk still answers
    assert "helpline_inbound_spooled 2.0" in await metrics.text()

    await proxy.restore()
    await _until_handled(sms)
    replies = await sms.deliver()
    assert [r.to for r in replies] == [PERSON]  # one answer, not two
    assert "tikšan" in replies[0].body.lower()  # the visits answer, not an apology
    assert _said(await transcript(sms.app)) == ["kā var satikt vīru?"]
    assert spool.kept() == []
    assert "helpline_inbound_spooled 0.0" in await (await sms.client.get("/metrics")).text()
    registry = sms.app[keys.metrics].registry
    assert registry.get_sample_value("helpline_errors_total", {"kind": "inbound_spooled"}) == 2


@POSTGRES_ONLY
async def test_what_comes_after_the_outage_waits_behind_what_was_kept(sms: SmsHarness, proxy: TcpProxy):
    await proxy.cut()
    assert await sms.sms("Sveiki", PERSON, sid="SM" + "1" * 32) == 200
    assert await sms.sms("kā var satikt vīru?", PERSON, sid="SM" + "2" * 32) == 200
    await proxy.restore()
    # the database is back, the two above still on disk: this one must not overtake them
    assert await sms.sms("paldies", PERSON, sid="SM" + "3" * 32) == 200
    await _until_handled(sms)
    assert _said(await transcript(sms.app)) == ["Sveiki", "kā var satikt vīru?", "paldies"]
    assert [r.to for r in await sms.deliver()].count(PERSON) >= 3


@POSTGRES_ONLY
async def test_with_the_database_up_nothing_is_kept(sms: SmsHarness):
    assert await sms.sms("kā var satikt vīru?", OTHER) == 200
    assert sms.app[keys.inbound_spool].kept() == []
    assert [r.to for r in await sms.deliver()] == [OTHER]


@POSTGRES_ONLY
async def test_the_web_chat_hears_503_while_the_database_is_away_and_its_resend_is_answered_once(
    sms: SmsHarness, proxy: TcpProxy
):
    body = {"user": "webperson01", "text": "kā var satikt vīru?", "id": "page-message-1"}
    await proxy.cut()
    response = await sms.client.post("/api/chat/messages", json=body)
    assert response.status == 503  # not 500: the page knows to send it again
    await proxy.restore()
    for _ in range(50):  # the page retries with backoff; the first tries may meet stale pool connections
        response = await sms.client.post("/api/chat/messages", json=body)
        if response.status == 200:
            break
        await asyncio.sleep(0.2)
    assert response.status == 200 and (await response.json())["replies"] == 1
    again = await sms.client.post("/api/chat/messages", json=body)  # a resend whose answer was lost
    assert (await again.json())["duplicate"] is True
    assert _said(await transcript(sms.app)) == ["kā var satikt vīru?"]
