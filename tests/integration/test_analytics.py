"""Analytics on a small known dataset, on both databases: local days across midnight, rates, percentiles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import analytics
from bot.analytics import Period, percentile
from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import upgrade
from tests import ops_data
from tests.ops_data import Msg

RIGA = ZoneInfo("Europe/Riga")
PERIOD = Period(date(2026, 11, 20), date(2026, 11, 22), RIGA)
M = timedelta(minutes=1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=RIGA)


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    await upgrade(engine)
    maker = make_sessionmaker(engine)
    async with maker() as session, session.begin():
        await seed(session)
    yield maker
    await engine.dispose()


async def seed(session: AsyncSession) -> None:
    coordinator = {"direction": "out", "author": "coordinator"}
    a = await ops_data.conversation(
        session,
        [
            Msg("sveiki", intent="greet", confidence=0.9, language="lv"),
            Msg("Sveiki!", direction="out"),
            Msg("kā satikt vīru", intent="visit_rules", confidence=0.8, language="lv", after=2 * M),
            Msg("Atbilde", direction="out", after=2 * M),
            Msg("Labdien, esmu koordinatore", after=8 * M, **coordinator),
        ],
        at=at(20, 10),
        user="a",
    )
    await ops_data.handoff(session, a.conversation, at(20, 10, 5))
    # starts 23:30 local (21:30 UTC): its second message, 00:30 local, is already the 21st
    await ops_data.conversation(
        session,
        [
            Msg("непонятно", intent="nlu_fallback", confidence=0.2, language="ru"),
            Msg("Не поняла", direction="out"),
            Msg("письмо мужу", intent="letters", confidence=0.7, language="ru", after=60 * M),
        ],
        at=at(20, 23, 30),
        user="b",
        channel="sms",
        language="ru",
    )
    # starts 00:30 local on the 21st, which is still the 20th in UTC
    c = await ops_data.conversation(
        session,
        [
            Msg("I can't go on", intent="crisis", confidence=1.0, language="en"),
            Msg("I am here with you", after=11 * M, **coordinator),
        ],
        at=at(21, 0, 30),
        user="c",
        channel="web",
        language="en",
        crisis=True,
    )
    await ops_data.handoff(session, c.conversation, at(21, 0, 31), crisis=True)
    d = await ops_data.conversation(
        session,
        [Msg("???", intent="nlu_fallback", confidence=0.1, language="lv")],
        at=at(22, 12),
        user="d",
    )
    await ops_data.handoff(session, d.conversation, at(22, 12, 1))  # never answered
    early = await ops_data.conversation(  # before the period: counted nowhere
        session,
        [Msg("sveiki", intent="greet", confidence=0.9, language="lv")],
        at=at(19, 12),
        user="e",
        crisis=True,
    )
    counsellor = await ops_data.counsellor(session, at(1, 9))
    book = ops_data.booking
    await book(session, a.contact, counsellor.id, at(22, 10), status="done", at=at(21, 9))
    await book(session, early.contact, counsellor.id, at(25, 10), status="cancelled", at=at(21, 9))
    await book(session, early.contact, counsellor.id, at(20, 14), status="no_show", at=at(18, 9))
    await book(session, d.contact, counsellor.id, at(27, 10), status="booked", at=at(19, 9))


async def table(maker: async_sessionmaker[AsyncSession], name: str) -> analytics.Table:
    async with maker() as session:
        return await analytics.report(session, name, PERIOD)


async def test_daily_volume_uses_local_days(maker):
    daily = await table(maker, "daily")
    assert daily.rows == [
        ("2026-11-20", "sms", "ru", 1, 1, 1),
        ("2026-11-20", "telegram", "lv", 1, 2, 3),
        ("2026-11-21", "sms", "ru", 0, 1, 0),
        ("2026-11-21", "web", "en", 1, 1, 1),
        ("2026-11-22", "telegram", "lv", 1, 1, 0),
    ]


async def test_intents_and_fallback_rate(maker):
    intents = await table(maker, "intents")
    assert [row[:3] for row in intents.rows] == [
        ("nlu_fallback", 2, 33.3),
        ("crisis", 1, 16.7),
        ("greet", 1, 16.7),
        ("letters", 1, 16.7),
        ("visit_rules", 1, 16.7),
    ]
    fallback = await table(maker, "fallback")
    assert fallback.rows == [
        ("en", 1, 0, 0.0),
        ("lv", 3, 1, 33.3),
        ("ru", 2, 1, 50.0),
        ("all", 6, 2, 33.3),
    ]


async def test_button_presses_are_not_counted_as_misunderstood(maker):
    """Console QA: a flow's own button ("Leave a message") is stored with the fallback intent, so a language
    whose people only pressed buttons showed a 100 % fallback rate."""
    async with maker() as session, session.begin():
        await ops_data.conversation(
            session,
            [
                Msg("Atstāt ziņu", intent="nlu_fallback", confidence=1.0, payload="handoff:message"),
                Msg("Tikšanās", intent="visit_rules", confidence=1.0, language="lv", payload="/visit_rules"),
            ],
            at=at(21, 22),
            user="buttons",
        )
    fallback = await table(maker, "fallback")
    assert fallback.rows[-1] == ("all", 7, 2, 28.6)  # the topic button is counted, as understood
    assert "?" not in [row[0] for row in fallback.rows]
    intents = {row[0]: row[1] for row in (await table(maker, "intents")).rows}
    assert intents["visit_rules"] == 2 and intents["nlu_fallback"] == 2


async def test_handoff_rate_and_time_to_first_human_reply(maker):
    handoffs = await table(maker, "handoffs")
    # 4 conversations, 3 handed off, 1 crisis; replies after 3 and 10 minutes, one never
    assert handoffs.rows == [(4, 3, 75.0, 3, 1, 2, 390, 600)]


async def test_bookings_and_crisis(maker):
    assert (await table(maker, "bookings")).rows == [(2, 1, 1, 1)]  # made: done + cancelled, on the 21st
    crisis = await table(maker, "crisis")
    assert crisis.rows == [("2026-11-20", 0), ("2026-11-21", 1), ("2026-11-22", 0)]


async def test_every_table_is_csv(maker):
    async with maker() as session:
        tables = await analytics.all_reports(session, PERIOD)
    assert [t.name for t in tables] == ["daily", "intents", "fallback", "handoffs", "bookings", "crisis"]
    handoffs = next(t for t in tables if t.name == "handoffs")
    assert handoffs.to_csv().splitlines() == [
        "conversations,handed_off,rate_pct,requests,crisis_requests,answered,"
        "median_first_reply_s,p90_first_reply_s",
        "4,3,75.0,3,1,2,390,600",
    ]


def test_percentile_is_nearest_rank():
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert percentile([float(n) for n in range(1, 11)], 0.5) == 5.0
