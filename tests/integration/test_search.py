"""Transcript search: full text, filters and keyset paging, on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import make_engine, make_sessionmaker
from bot.db.migrate import MIGRATIONS, upgrade
from bot.db.models import TranscriptEntry
from bot.search import Page, SearchQuery, build, fts5_query, search, terms
from tests import ops_data
from tests.ops_data import Msg
from tests.statements import statements

RIGA = ZoneInfo("Europe/Riga")
T0 = datetime(2026, 10, 1, 12, 0, tzinfo=RIGA)


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    await upgrade(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def seed(maker: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """Five conversations with known properties; returns conversation ids by name."""
    ids: dict[str, int] = {}
    async with maker() as session, session.begin():
        visit = await ops_data.conversation(
            session,
            [
                Msg("Kā var satikt vīrs cietumā?", intent="visit_rules", confidence=0.9, language="lv"),
                Msg("Īstermiņa tikšanās ir reizi mēnesī.", direction="out"),
            ],
            at=T0,
            user="u-visit",
        )
        ids["visit"] = visit.conversation.id
        ru = await ops_data.conversation(
            session,
            [Msg("как передать посылку мужу", intent="parcels_money", confidence=0.3, language="ru")],
            at=T0 + timedelta(days=1),
            user="u-ru",
            channel="sms",
            language="ru",
        )
        ids["ru"] = ru.conversation.id
        lost = await ops_data.conversation(
            session,
            [Msg("blah vīrs blah", intent="nlu_fallback", confidence=0.1, language="lv")],
            at=T0 + timedelta(days=2),
            user="u-lost",
        )
        ids["lost"] = lost.conversation.id
        crisis = await ops_data.conversation(
            session,
            [Msg("negribu vairs dzīvot", intent="crisis", confidence=1.0, language="lv")],
            at=T0 + timedelta(days=3),
            user="u-crisis",
            crisis=True,
        )
        await ops_data.handoff(session, crisis.conversation, T0 + timedelta(days=3), crisis=True)
        ids["crisis"] = crisis.conversation.id
        booked = await ops_data.conversation(
            session,
            [Msg("I want to book a psychologist", intent="book_counselling", confidence=0.8, language="en")],
            at=T0 + timedelta(days=4),
            user="u-booked",
            channel="web",
            language="en",
        )
        counsellor = await ops_data.counsellor(session, T0)
        await ops_data.booking(
            session, booked.contact, counsellor.id, T0 + timedelta(days=10), status="booked", at=T0
        )
        ids["booked"] = booked.conversation.id
    return ids


async def run(maker: async_sessionmaker[AsyncSession], **kw: object) -> Page:
    async with maker() as session:
        return await search(session, SearchQuery(**kw))  # type: ignore[arg-type]


def conversations(page: Page) -> set[int]:
    return {hit.conversation_id for hit in page.hits}


async def test_full_text_finds_words_and_prefixes(maker):
    ids = await seed(maker)
    assert conversations(await run(maker, text="vīrs")) == {ids["visit"], ids["lost"]}
    assert conversations(await run(maker, text="vīrs cietumā")) == {ids["visit"]}
    assert conversations(await run(maker, text="посылку")) == {ids["ru"]}
    assert conversations(await run(maker, text="psycholog*")) == {ids["booked"]}
    assert (await run(maker, text="nothing-like-this")).hits == []
    # query syntax never reaches the database: quotes, minus and parentheses are dropped, NEAR is a word
    assert conversations(await run(maker, text='"vīrs" -(cietumā)')) == {ids["visit"]}
    assert (await run(maker, text="vīrs NEAR OR")).hits == []


async def test_search_ignores_diacritics(maker):
    ids = await seed(maker)
    assert conversations(await run(maker, text="virs cietuma")) == {ids["visit"]}
    async with maker() as session, session.begin():
        typed = await ops_data.conversation(
            session, [Msg("Mans vīrs ir cietumā")], at=T0 + timedelta(days=5), user="u-typed"
        )
        plain = await ops_data.conversation(
            session, [Msg("mans virs")], at=T0 + timedelta(days=6), user="u-plain"
        )
        day = await ops_data.conversation(
            session, [Msg("Tikšanās CETURTDIENĀ")], at=T0 + timedelta(days=7), user="u-day"
        )
    typed_id, plain_id, day_id = typed.conversation.id, plain.conversation.id, day.conversation.id
    # both directions, any case: the text and the query are folded alike
    assert conversations(await run(maker, text="virs")) == {ids["visit"], ids["lost"], typed_id, plain_id}
    assert conversations(await run(maker, text="vīrs")) == {ids["visit"], ids["lost"], typed_id, plain_id}
    assert conversations(await run(maker, text="MANS VĪRS")) == {typed_id, plain_id}
    assert conversations(await run(maker, text="vīrs cietumā")) == {ids["visit"], typed_id}
    assert conversations(await run(maker, text="tiksanas ceturtdiena")) == {day_id}
    assert conversations(await run(maker, text="ceturtdien*")) == {day_id}
    assert (await run(maker, text="ceturtdien")).hits == []  # diacritics only: no stemming
    assert conversations(await run(maker, text="cietu* VĪR*")) == {ids["visit"], typed_id}
    # the texts come back as written
    shown = await run(maker, text="virs", conversation_id=typed_id)
    assert [hit.text for hit in shown.hits] == ["Mans vīrs ir cietumā"]


async def test_search_finds_yo_and_ye_alike(maker):
    # PostgreSQL: unaccent (0006); SQLite: the index and the query replace ё by е (0007)
    async with maker() as session, session.begin():
        yo = await ops_data.conversation(
            session, [Msg("ещё раз про посылку", language="ru")], at=T0, user="u-yo", language="ru"
        )
        ye = await ops_data.conversation(
            session, [Msg("Еще раз", language="ru")], at=T0 + timedelta(days=1), user="u-ye", language="ru"
        )
    assert conversations(await run(maker, text="еще")) == {yo.conversation.id, ye.conversation.id}
    assert conversations(await run(maker, text="ЕЩЁ")) == {yo.conversation.id, ye.conversation.id}


async def test_words_that_fold_into_query_syntax_are_only_words(maker):
    """unaccent turns ŉ into 'n, ⑴ into (1), ː into : (tsquery syntax); such a query finds, never fails."""
    async with maker() as session, session.begin():
        odd = await ops_data.conversation(session, [Msg("aːx ŉ ⑴⑵ back\\slash vīrs")], at=T0, user="u-odd")
    for query in ("ŉ", "⑴⑵", "aːx", "aːx* ŉ* ⑴⑵*", "virs ŉ", "'\"\\ & | ! : * ( ) <->"):
        page = await run(maker, text=query)
        assert conversations(page) <= {odd.conversation.id}, query
    assert conversations(await run(maker, text="aːx virs")) == {odd.conversation.id}


async def test_words_are_searched_in_what_people_and_coordinators_wrote_not_in_bot_answers(maker, db_url):
    """Migration 0010: the bot's canned answers are not indexed; a person's, a coordinator's and a system
    message's words are, and the bot's answer is still found through the question's intent."""
    async with maker() as session, session.begin():
        asked = await ops_data.conversation(
            session,
            [
                Msg("Kā nosūtīt paku uz Olaines cietumu?", intent="parcels_money", confidence=0.9),
                Msg("Par sūtījumiem jautājiet Olaines cietumam pa tālruni.", direction="out"),
                Msg("Zvanīšu jums rīt par Olaines paku.", direction="out", author="coordinator"),
                Msg("Jūs vairs nesaņemsiet ziņas.", direction="out", author="system"),
            ],
            at=T0,
            user="u-parcel",
        )
    conversation = asked.conversation.id
    assert [hit.author for hit in (await run(maker, text="Olaines")).hits] == ["coordinator", "person"]
    assert [hit.author for hit in (await run(maker, text="zvanīšu")).hits] == ["coordinator"]
    assert [hit.author for hit in (await run(maker, text="nesaņemsiet")).hits] == ["system"]
    assert (await run(maker, text="sūtījumiem")).hits == []  # only in the bot's answer
    assert (await run(maker, text="tālruni")).hits == []
    # the bot's answers are there for filters and in the conversation, as before
    answers = await run(maker, conversation_id=conversation, direction="out")
    assert [hit.author for hit in answers.hits] == ["system", "coordinator", "bot"]
    assert conversations(await run(maker, intent="parcels_money")) == {conversation}
    if db_url.startswith("postgresql"):
        # the partial index serves the search: the query states its condition with the same literal
        engine = maker.kw["bind"]
        async with engine.begin() as conn:
            # 3,000 more messages (else reading them all is cheapest); the word is rare among them
            await conn.exec_driver_sql(
                "INSERT INTO transcript (conversation_id, direction, author, kind, text, created_at)"
                " SELECT conversation_id, direction, author, kind, text || ' ' || n, created_at"
                " FROM transcript, generate_series(1, 1000) AS n WHERE text NOT LIKE '%Olaines%'"
            )
            await conn.exec_driver_sql("ANALYZE transcript")
        with statements(engine, "to_tsvector") as seen:
            assert len((await run(maker, text="Olaines")).hits) == 2
        statement, parameters = seen[0]
        async with engine.connect() as conn:
            rows = (await conn.exec_driver_sql("EXPLAIN " + statement, parameters)).all()
        plan = "\n".join(str(row[0]) for row in rows)
        assert "ix_transcript_fts" in plan, plan


async def test_filters(maker):
    ids = await seed(maker)
    assert conversations(await run(maker, channel="sms")) == {ids["ru"]}
    assert conversations(await run(maker, language="en")) == {ids["booked"]}
    assert conversations(await run(maker, intent="visit_rules")) == {ids["visit"]}
    assert conversations(await run(maker, fallback=True)) == {ids["lost"]}
    assert conversations(await run(maker, low_confidence=0.5)) == {ids["ru"], ids["lost"]}
    assert conversations(await run(maker, crisis=True)) == {ids["crisis"]}
    assert conversations(await run(maker, handed_off=True)) == {ids["crisis"]}
    assert conversations(await run(maker, booked=True)) == {ids["booked"]}
    window = await run(maker, since=T0 + timedelta(days=1), until=T0 + timedelta(days=3))
    assert conversations(window) == {ids["ru"], ids["lost"]}
    outbound = await run(maker, direction="out")
    assert [hit.direction for hit in outbound.hits] == ["out"]
    assert conversations(await run(maker, text="vīrs", fallback=True)) == {ids["lost"]}
    assert conversations(await run(maker, text="vīrs", channel="sms")) == set()


async def test_reviewed_filter(maker):
    ids = await seed(maker)
    async with maker() as session, session.begin():
        await session.execute(
            update(TranscriptEntry)
            .where(TranscriptEntry.conversation_id == ids["ru"])
            .values(reviewed_intent="parcels_money", reviewed_by="staff:1", reviewed_at=T0)
        )
    assert conversations(await run(maker, reviewed=True)) == {ids["ru"]}
    assert ids["ru"] not in conversations(await run(maker, reviewed=False))


async def test_keyset_paging_walks_every_hit_once(maker):
    async with maker() as session, session.begin():
        for n in range(7):
            await ops_data.conversation(
                session,
                [Msg(f"vēstule numur {n}", intent="letters", confidence=0.9, language="lv")],
                at=T0 + timedelta(hours=n),
                user=f"u-{n}",
            )
    for text in ("", "vēstule"):
        seen: list[int] = []
        before = None
        pages = 0
        while True:
            page = await run(maker, text=text, intent="letters", limit=3, before_id=before)
            seen += [hit.id for hit in page.hits]
            pages += 1
            if page.next_before is None:
                break
            before = page.next_before
        assert pages == 3
        assert len(seen) == 7 == len(set(seen))
        assert seen == sorted(seen, reverse=True)  # newest first


async def test_index_follows_edits_and_deletes(maker):
    ids = await seed(maker)
    async with maker() as session, session.begin():
        await session.execute(
            update(TranscriptEntry)
            .where(TranscriptEntry.conversation_id == ids["ru"])
            .values(text="совсем другой текст")
        )
        await session.execute(delete(TranscriptEntry).where(TranscriptEntry.conversation_id == ids["visit"]))
    assert (await run(maker, text="посылку")).hits == []
    assert conversations(await run(maker, text="другой")) == {ids["ru"]}
    assert conversations(await run(maker, text="vīrs")) == {ids["lost"]}


def test_query_translation_per_dialect():
    assert fts5_query('vīrs olain* "x" OR') == '"vīrs" "olain"* "x" "or"'
    assert terms("Vīrs olain* (a|b)") == [("vīrs", False), ("olain", True), ("a", False), ("b", False)]
    assert fts5_query("!!!") == ""


def test_postgresql_query_uses_the_index_expression():
    """The GIN index of migration 0006 serves the search only if the query repeats its expression."""
    migration = MIGRATIONS / "versions" / "0006_search_unaccent.py"
    expression = "to_tsvector('simple'::regconfig, helpline_unaccent(text))"
    assert expression in migration.read_text()
    sql = str(build(SearchQuery(text="vīrs olain*"), "postgresql").compile(dialect=postgresql.dialect()))
    assert expression.replace("(text)", "(transcript.text)") + " @@ to_tsquery('simple'::regconfig" in sql
    assert sql.count("helpline_unaccent(") == 3  # the text, and each of the two words
