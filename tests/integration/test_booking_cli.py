"""`helpline counsellors|availability|bookings|quota` against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import getpass
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.bookings.reminders import ReminderWorker
from bot.bookings.service import DbBookings
from bot.cli import main
from bot.clock import ManualClock
from bot.console.panel import load_panel
from bot.db.models import AuditEvent, Booking, Contact, Conversation, OutboxItem, Owner, SessionQuota
from bot.messages import Channel
from bot.outbox import OutboxWorker
from bot.settings import Settings
from bot.visibility import Reader
from flows.texts import Texts
from tests.fakes import FakeSender
from tests.integration.booking_setup import POLICY, RIGA, add_contacts, add_counsellor, database
from tests.integration.test_reminders import _take_over as take_over_chat

FULL_VIEW = Reader(viewer=None, owner_id=None)


@pytest.fixture
def helpline(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HELPLINE_DATABASE_URL", db_url)
    monkeypatch.setenv("HELPLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HELPLINE_PUBLIC_URL", "https://help.example")

    def run(*argv: str) -> tuple[int, str]:
        code = main(list(argv))
        return code, capsys.readouterr().out

    return run


def test_coordinators_manage_psychologists_hours_sessions_and_quotas(helpline, db_url: str):  # type: ignore[no-untyped-def]
    code, out = helpline("db", "upgrade")
    assert code == 0
    code, out = helpline(
        "counsellors",
        "add",
        "--name",
        "Anna Demo",
        "--languages",
        "lv,ru",
        "--modes",
        "video,in_person",
        "--address",
        "Demo iela 1, Rīga",
    )
    assert code == 0 and "https://help.example/calendar/" in out and out.strip().endswith(".ics")
    assert helpline("counsellors", "add", "--name", "X", "--languages", "de", "--modes", "video")[0] == 2
    assert helpline("availability", "set", "1", "--weekday", "2", "--from", "10:00", "--to", "12:00")[0] == 0
    assert (
        helpline("availability", "set", "1", "--closed", "2026-12-01..2026-12-08", "--note", "leave")[0] == 0
    )
    code, out = helpline("availability", "show", "1")
    assert "weekday 2: 10:00-12:00" in out and "2026-12-01..2026-12-08: closed (leave)" in out
    assert (
        helpline("counsellors", "edit", "1", "--name", "Anna Demo-Paraugs", "--session-minutes", "45")[0] == 0
    )
    (listed,) = [json.loads(line) for line in helpline("counsellors", "list", "--json")[1].splitlines()]
    assert listed["name"] == "Anna Demo-Paraugs" and listed["session_minutes"] == 45 and listed["active"]

    person, booking_id = asyncio.run(_book_one(db_url))
    code, out = helpline("bookings", "list", "--json")
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert row == {
        "id": booking_id,
        "status": "booked",
        "start": "2026-11-24T10:00:00+02:00",
        "end": "2026-11-24T10:45:00+02:00",
        "mode": "video",
        "counsellor": "Anna Demo-Paraugs",
        "counsellor_id": 1,
        "contact_id": person,
    }
    assert helpline("bookings", "mark", str(booking_id), "done")[0] == 0
    assert json.loads(helpline("bookings", "list", "--json")[1])["status"] == "done"
    assert helpline("quota", "set", "--contact", str(person), "8")[0] == 0
    assert asyncio.run(_quota(db_url, person)) == 8


async def _book_one(db_url: str) -> tuple[int, int]:
    async with database(db_url) as sm:
        (person,) = await add_contacts(sm)
        async with sm() as session, session.begin():
            now = datetime(2026, 11, 23, 9, tzinfo=RIGA)
            info = await DbBookings(session, person, now, POLICY).book(
                "video", 1, datetime(2026, 11, 24, 10, tzinfo=RIGA)
            )
        async with sm() as session:
            booking = await session.get(Booking, info.id)
            assert booking is not None
        return person, info.id


async def _quota(db_url: str, person: int) -> int | None:
    async with database(db_url) as sm, sm() as session:
        row = await session.get(SessionQuota, person)
        return None if row is None else row.sessions


async def _audit_lines(db_url: str) -> list[tuple[str, str, str | None]]:
    async with database(db_url) as sm, sm() as session:
        rows = (await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars()
        return [(r.actor, r.action, r.subject) for r in rows]


def test_every_sessions_command_that_reads_or_changes_a_person_is_audited(helpline, db_url: str):  # type: ignore[no-untyped-def]
    """Staff QA: `bookings list` showed who sees a psychologist and when, `bookings mark`, `quota set` and a
    renewed calendar address changed things, and none of it left an audit line."""
    assert helpline("db", "upgrade")[0] == 0
    add = ("counsellors", "add", "--name", "Anna Demo", "--languages", "lv", "--modes", "video")
    assert helpline(*add)[0] == 0
    assert helpline("availability", "set", "1", "--weekday", "2", "--from", "10:00", "--to", "12:00")[0] == 0
    person, booking_id = asyncio.run(_book_one(db_url))
    assert helpline("bookings", "list")[0] == 0
    assert helpline("bookings", "mark", str(booking_id), "no_show")[0] == 0
    assert helpline("quota", "set", "--contact", str(person), "3")[0] == 0
    assert helpline("counsellors", "edit", "1", "--new-calendar-token")[0] == 0
    assert helpline("counsellors", "list", "--json")[0] == 0
    who = f"cli:{getpass.getuser()}"
    lines = asyncio.run(_audit_lines(db_url))
    assert [(actor, action) for actor, action, _ in lines] == [
        (who, "counsellor.add"),
        (who, "availability.set"),
        (who, "bookings.list"),
        (who, "booking.no_show"),
        (who, "quota.set"),
        (who, "counsellor.new_feed"),
        (who, "counsellors.list"),
    ]
    subjects = [subject or "" for _, _, subject in lines]
    assert subjects[2:4] == ["rows:1", f"booking:{booking_id}"]
    assert subjects[4].startswith("contact:") and subjects[4] != f"contact:{person}"  # a pseudonym


async def _sessions_for_cancelling(db_url: str) -> tuple[int, int, int, int]:
    """Sessions in three days: a Russian speaker's, another's, one whose chat a coordinator holds; and one
    that is already over."""
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {})
        ru, lv, held = [await add_contacts(sm, language=lang) for lang in ("ru", "lv", "lv")]
        soon = datetime.now(RIGA).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=3)
        async with sm() as session, session.begin():
            rows = [
                Booking(counsellor_id=counsellor.id, contact_id=person, starts_at=start,
                        ends_at=start + timedelta(minutes=50), mode="in_person", status="booked",
                        created_at=datetime.now(RIGA))
                for person, start in (
                    (ru[0], soon), (lv[0], soon + timedelta(hours=1)), (held[0], soon + timedelta(hours=2)),
                    (lv[0], soon - timedelta(days=10)),
                )
            ]  # fmt: skip
            session.add_all(rows)
            session.add(
                Conversation(contact_id=held[0], owner=Owner.HUMAN, state="{}", crisis=False,
                             created_at=datetime.now(RIGA), updated_at=datetime.now(RIGA))
            )  # fmt: skip
            await session.flush()
            return rows[0].id, rows[1].id, rows[2].id, rows[3].id


async def _outbox(db_url: str) -> list[tuple[str, str]]:
    async with database(db_url) as sm, sm() as session:
        rows = await session.execute(select(OutboxItem.recipient_id, OutboxItem.text).order_by(OutboxItem.id))
        return [(recipient, text) for recipient, text in rows]


def test_a_session_the_helpline_cancels_is_told_to_the_person_in_their_language(helpline, db_url: str):  # type: ignore[no-untyped-def]
    """Staff QA: `bookings mark ID cancelled` cancelled the reminders too, and the person heard nothing:
    they would have come to the session."""
    assert helpline("db", "upgrade")[0] == 0
    told, quiet, held, past = asyncio.run(_sessions_for_cancelling(db_url))
    code, out = helpline("bookings", "mark", str(told), "cancelled")
    assert code == 0 and "the person is told" in out
    assert helpline("bookings", "mark", str(quiet), "cancelled", "--no-message")[0] == 0
    code, out = helpline("bookings", "mark", str(held), "cancelled")  # the outbox would drop it: say so
    assert code == 0 and "a coordinator holds the person's chat: their console shows the cancellation" in out
    assert helpline("bookings", "mark", str(past), "cancelled")[0] == 0  # long over: nothing to tell
    assert asyncio.run(_outbox(db_url))[0][1].startswith("Ваша консультация")
    # done or no-show only once a session has begun: a mistyped id cancelled a coming session's reminders
    code, out = helpline("bookings", "mark", str(told + 100), "done")
    assert code == 2 and "no booking with id" in out
    fresh = asyncio.run(_sessions_for_cancelling(db_url))[0]
    code, out = helpline("bookings", "mark", str(fresh), "done")
    assert code == 2 and "it can be marked done once it has begun" in out
    code, out = helpline("bookings", "list", "--json")
    assert {json.loads(line)["id"]: json.loads(line)["status"] for line in out.splitlines()}[
        fresh
    ] == "booked"
    # a psychologist with booked sessions is not made inactive (their feed would go, the sessions stay)
    coming = (fresh, fresh + 1, fresh + 2)  # the second psychologist's three sessions still to come
    code, out = helpline("counsellors", "edit", "2", "--inactive")
    assert code == 2 and "still has 3 booked session(s) (ids {}, {}, {})".format(*coming) in out
    for booking in coming:
        assert helpline("bookings", "mark", str(booking), "cancelled", "--no-message")[0] == 0
    assert helpline("counsellors", "edit", "2", "--inactive")[0] == 0
    (message,) = asyncio.run(_outbox(db_url))
    assert message[1].startswith("Ваша консультация психолога очно (") and "отменена" in message[1]


async def _session_of_someone_who_sent_stop(db_url: str) -> int:
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {})
        (person,) = await add_contacts(sm, language="lv")
        start = datetime.now(RIGA).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=3)
        async with sm() as session, session.begin():
            contact = await session.get(Contact, person)
            assert contact is not None
            contact.opted_out = True  # STOP by SMS (or a blocked Telegram bot): no bot words reach them
            booking = Booking(
                counsellor_id=counsellor.id, contact_id=person, starts_at=start,
                ends_at=start + timedelta(minutes=50), mode="phone", status="booked",
                created_at=datetime.now(RIGA),
            )  # fmt: skip
            session.add(booking)
            await session.flush()
            return booking.id


def test_cancelling_the_session_of_someone_who_sent_stop_says_they_are_not_told(helpline, db_url: str):  # type: ignore[no-untyped-def]
    """QA, eighth pass: the CLI said "the person is told on their channel", but the outbox never sends the
    bot's words to someone who sent STOP; staff trusted it and the person came to a cancelled session."""
    assert helpline("db", "upgrade")[0] == 0
    booking = asyncio.run(_session_of_someone_who_sent_stop(db_url))
    code, out = helpline("bookings", "mark", str(booking), "cancelled")
    assert code == 0
    assert "the person is told" not in out
    assert "stopped our messages" in out and "they are not told" in out
    assert asyncio.run(_outbox(db_url)) == []  # nothing queued that would only be dropped


async def _session_in_three_days(db_url: str, *, held: bool) -> tuple[int, int]:
    """A Latvian speaker's booked session in three days; `held`: a coordinator holds their chat already."""
    async with database(db_url) as sm:
        counsellor = await add_counsellor(sm, {})
        (person,) = await add_contacts(sm, language="lv")
        now = datetime.now(RIGA)
        start = now.replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=3)
        async with sm() as session, session.begin():
            booking = Booking(
                counsellor_id=counsellor.id, contact_id=person, starts_at=start,
                ends_at=start + timedelta(minutes=50), mode="in_person", status="booked", created_at=now,
            )  # fmt: skip
            session.add(booking)
            if held:
                session.add(
                    Conversation(contact_id=person, owner=Owner.HUMAN, state="{}", crisis=False,
                                 created_at=now, updated_at=now)
                )  # fmt: skip
            await session.flush()
            return person, booking.id


async def _told_after_the_hand_back(
    db_url: str, person: int, *, take_over: bool, release: str = Owner.BOT
) -> tuple[list[str], str]:
    """The outbox runs (after a coordinator's take-over, if `take_over`), the chat is handed back, and both
    workers run twice; what the person received, and what the panel said before the hand-back."""
    async with database(db_url) as sm:
        clock = ManualClock(datetime.now(RIGA))
        sender = FakeSender()
        outbox = OutboxWorker(sessionmaker=sm, senders={Channel.CLI: sender}, clock=clock, batch=8)
        reminders = ReminderWorker(sessionmaker=sm, texts=Texts.load(), clock=clock, zone=RIGA)
        if take_over:
            await take_over_chat(sm, person, clock())
        await outbox.drain()
        await reminders.drain_once()  # held back while the coordinator has the chat
        await outbox.drain()
        async with sm() as session:
            contact = await session.get(Contact, person)
            assert contact is not None
            panel = await load_panel(session, contact, "lv", Settings(), clock(), FULL_VIEW)
        shown = " | ".join(
            f"{line.starts_at.astimezone(RIGA):%d.%m %H:%M} {line.mode}" for line in panel.untold
        )
        clock.advance(minutes=20)
        async with sm() as session, session.begin():
            await session.execute(
                update(Conversation).where(Conversation.contact_id == person).values(owner=release)
            )
        for _ in range(2):  # a second pass of both workers sends nothing more
            await reminders.drain_once()
            await outbox.drain()
        return [m.text for m in sender.sent], shown


def test_a_cancellation_a_coordinator_takes_over_before_it_goes_is_told_after_the_hand_back(
    helpline, db_url: str
):  # type: ignore[no-untyped-def]
    """QA: the CLI queued the cancellation notice and said "the person is told"; a coordinator took the chat
    over before the outbox sent it, the outbox dropped it (no bot words under a coordinator), and it never
    went: the person could travel to a cancelled session. Now the coordinator's panel shows the session is
    cancelled and not told, and the notice goes after the hand-back, once."""
    assert helpline("db", "upgrade")[0] == 0
    person, booking = asyncio.run(_session_in_three_days(db_url, held=False))
    code, out = helpline("bookings", "mark", str(booking), "cancelled")
    assert code == 0 and "the person is told on their channel" in out
    sent, shown = asyncio.run(_told_after_the_hand_back(db_url, person, take_over=True))
    start = datetime.now(RIGA).replace(hour=12, minute=0) + timedelta(days=3)
    assert shown == f"{start:%d.%m} 12:00 in_person"
    assert sent[0] == Texts.load().render("console.joined", "lv")
    assert len(sent) == 2 and sent[1].startswith("Jūsu psihologa konsultācija klātienē (")
    assert "ir atcelta" in sent[1]


def test_a_cancellation_while_a_coordinator_holds_the_chat_is_shown_to_them_and_told_after(
    helpline, db_url: str
):  # type: ignore[no-untyped-def]
    """QA: with a coordinator already holding the chat the CLI only printed "tell them there": nothing in
    the console said so, and nothing was ever sent. The panel shows it, and the notice follows the
    hand-back, once."""
    assert helpline("db", "upgrade")[0] == 0
    person, booking = asyncio.run(_session_in_three_days(db_url, held=True))
    code, out = helpline("bookings", "mark", str(booking), "cancelled")
    assert code == 0 and "the person is told on their channel" not in out
    assert "their console shows the cancellation" in out and "told after the hand-back" in out
    assert asyncio.run(_outbox(db_url)) == []
    sent, shown = asyncio.run(_told_after_the_hand_back(db_url, person, take_over=False))
    assert shown.endswith(" 12:00 in_person")
    assert len(sent) == 1 and sent[0].startswith("Jūsu psihologa konsultācija klātienē (")


def test_a_cancellation_held_for_a_coordinator_goes_when_they_close_the_conversation_too(
    helpline, db_url: str
):  # type: ignore[no-untyped-def]
    """Closing, not handing back, also ends the coordinator's hold: the notice goes then, once."""
    assert helpline("db", "upgrade")[0] == 0
    person, booking = asyncio.run(_session_in_three_days(db_url, held=True))
    assert helpline("bookings", "mark", str(booking), "cancelled")[0] == 0
    sent, _ = asyncio.run(_told_after_the_hand_back(db_url, person, take_over=False, release=Owner.CLOSED))
    assert len(sent) == 1 and "ir atcelta" in sent[0]
