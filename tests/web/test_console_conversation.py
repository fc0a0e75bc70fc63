"""A conversation under a coordinator: replies go out, the bot is silent, notes stay in, hand back, close."""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import keys
from bot.bookings.reminders import ReminderWorker
from bot.channels.base import SendError
from bot.cli_bookings import bookings_mark
from bot.clock import ManualClock
from bot.db.models import (
    Author,
    Booking,
    CallbackRequest,
    Contact,
    Counsellor,
    HandoffNote,
    OutboxItem,
    Owner,
    TranscriptEntry,
)
from bot.messages import Channel, InboundKind
from bot.outbox import OutboxWorker
from tests.factories import handoffs, outbox, transcript
from tests.web.console_support import (
    add_staff,
    audit_actions,
    console_app,
    conversation_of,
    login,
    says,
    second_browser,
)

ANNA = "anna@helpline.example"
RIGA = ZoneInfo("Europe/Riga")
REPLY = "Labdien! Esmu Anna. Ar ko varu palīdzēt?"


@pytest.fixture
async def client(aiohttp_client, settings, clock, sender):
    app = console_app(settings, clock, sender)
    client = await aiohttp_client(app)
    await add_staff(app, ANNA, "coordinator", "Anna")
    await add_staff(app, "ben@helpline.example", "coordinator", "Ben")
    return client


async def _claimed(
    client, text: str = "/human_handoff", user: str = "person-1", channel: Channel = Channel.CLI
) -> tuple[int, str]:
    await says(client.app, text, user=user, channel=channel)
    conversation = await conversation_of(client.app, user)
    csrf = await login(client, ANNA)
    taken = await client.post(f"/console/conversations/{conversation.id}/claim", data={"csrf": csrf})
    assert taken.status == 200
    return conversation.id, csrf


async def test_taking_over_tells_the_person_that_a_coordinator_is_reading(client, sender):
    """Console QA: a take-over silenced the bot without a word, so a question asked meanwhile got nothing
    and "вы меня слышите? пожалуйста ответьте" waited in silence until the coordinator typed."""
    await says(client.app, "/human_handoff", user="ru-person")
    await says(client.app, "я хочу поговорить с человеком", user="ru-person")
    await client.app[keys.outbox].drain()
    before = len(sender.sent)
    conversation = await conversation_of(client.app, "ru-person")
    csrf = await login(client, ANNA)
    await client.post(f"/console/conversations/{conversation.id}/claim", data={"csrf": csrf})
    await client.app[keys.outbox].drain()
    (joined,) = sender.sent[before:]
    assert joined.text == client.app[keys.texts].render("console.joined", "ru")


async def test_a_reply_goes_out_on_the_persons_channel_as_the_coordinator(client, sender):
    cid, csrf = await _claimed(client)
    await client.app[keys.outbox].drain()
    before = len(sender.sent)
    sent = await client.post(f"/console/conversations/{cid}/reply", data={"csrf": csrf, "text": REPLY})
    assert sent.status == 200 and REPLY in await sent.text()
    row = (await outbox(client.app))[-1]
    assert (row.author, row.channel, row.recipient_id, row.status) == (
        Author.COORDINATOR,
        "cli",
        "person-1",
        "pending",
    )
    assert 'data-status="' in await sent.text() and ">pending<" in await sent.text()
    await client.app[keys.outbox].drain()
    assert [m.text for m in sender.sent[before:]] == [REPLY]
    data = await (await client.get(f"/console/conversations/{cid}/messages.json")).json()
    mine = [e for e in data["entries"] if e["author"] == "coordinator"]
    assert [(e["text"], e["status"]) for e in mine] == [(REPLY, "sent")]
    async with client.app[keys.sessionmaker]() as session, session.begin():  # an SMS delivery receipt
        (await session.get(OutboxItem, row.id)).delivery_status = "delivered"
    data = await (await client.get(f"/console/conversations/{cid}/messages.json")).json()
    assert data["statuses"][str(mine[0]["id"])] == "delivered"


async def test_a_failed_delivery_is_shown_as_failed(client, sender):
    cid, csrf = await _claimed(client)
    await client.app[keys.outbox].drain()
    sender.failures.append(SendError("blocked by the carrier", retryable=False))
    await client.post(f"/console/conversations/{cid}/reply", data={"csrf": csrf, "text": REPLY})
    await client.app[keys.outbox].drain()
    data = await (await client.get(f"/console/conversations/{cid}/messages.json")).json()
    assert [e["status"] for e in data["entries"] if e["author"] == "coordinator"] == ["failed"]


async def test_the_bot_stays_silent_under_a_human_even_when_the_person_keeps_writing(client, sender):
    cid, _ = await _claimed(client)
    await client.app[keys.outbox].drain()
    bot_rows = len([r for r in await outbox(client.app) if r.author == Author.BOT])
    for text in ("kā var satikt vīru?", "/help", "sveiki", "qwerty", "1"):
        result = await says(client.app, text)
        assert result.replies == 0
    assert len([r for r in await outbox(client.app) if r.author == Author.BOT]) == bot_rows
    inbound = [e for e in await transcript(client.app) if e.direction == "in"][-5:]
    assert [e.text for e in inbound] == ["kā var satikt vīru?", "/help", "sveiki", "qwerty", "1"]
    page = await (await client.get(f"/console/conversations/{cid}")).text()
    assert "visit_rules · 0.95" in page  # each message's intent and confidence for the coordinator
    assert (await conversation_of(client.app)).owner == Owner.HUMAN


async def test_crisis_under_a_coordinator_is_flagged_to_them_and_the_bot_still_says_nothing(client):
    cid, _ = await _claimed(client)
    rows = len(await outbox(client.app))
    await says(client.app, "es negribu vairs dzīvot")
    assert len(await outbox(client.app)) == rows
    conversation = await conversation_of(client.app)
    assert conversation.crisis and conversation.owner == Owner.HUMAN
    (request,) = await handoffs(client.app)
    assert (request.priority, request.status) == (0, "claimed")
    assert "CRISIS" in await (await client.get(f"/console/conversations/{cid}")).text()


async def test_hand_back_gives_the_person_the_bot_again(client, sender):
    cid, csrf = await _claimed(client)
    back = await client.post(f"/console/conversations/{cid}/handback", data={"csrf": csrf, "flow": ""})
    assert back.status == 200
    conversation = await conversation_of(client.app)
    assert conversation.owner == Owner.BOT
    (request,) = await handoffs(client.app)
    assert (request.status, request.outcome) == ("closed", "handed_back")
    last = (await outbox(client.app))[-1]
    assert last.author == Author.BOT and "Koordinators ir beidzis sarunu" in last.text
    assert (await says(client.app, "kā var satikt vīru?")).replies == 1
    await client.app[keys.outbox].drain()
    assert any("48" in m.text for m in sender.sent)  # the bot answers questions again


async def test_hand_back_straight_into_booking_runs_that_flow(client):
    cid, csrf = await _claimed(client)
    rows = len(await outbox(client.app))
    back = await client.post(
        f"/console/conversations/{cid}/handback", data={"csrf": csrf, "flow": "book_counselling"}
    )
    assert back.status == 200
    new = (await outbox(client.app))[rows:]
    assert new and all(r.author == Author.BOT for r in new)
    assert not any("Koordinators ir beidzis sarunu" in r.text for r in new)
    steps = [e.flow_step for e in await transcript(client.app) if e.direction == "in"]
    assert steps[-1] == "handoff.queued"  # no made-up inbound message for the synthetic turn
    actions = [a for _, a, _ in await audit_actions(client.app)]
    assert "conversation.handback.book_counselling" in actions
    unknown = await client.post(f"/console/conversations/{cid}/handback", data={"csrf": csrf, "flow": "x"})
    assert unknown.status == 409


async def test_close_with_an_outcome_and_the_next_message_starts_afresh(client):
    cid, csrf = await _claimed(client)
    assert (await client.post(f"/console/conversations/{cid}/close", data={"csrf": csrf})).status == 409
    closed = await client.post(
        f"/console/conversations/{cid}/close",
        data={"csrf": csrf, "outcome": "referred"},
        allow_redirects=False,
    )
    assert closed.status == 303 and closed.headers["Location"] == "/console/"
    (request,) = await handoffs(client.app)
    assert (request.status, request.outcome) == ("closed", "referred")
    assert (await conversation_of(client.app)).owner == Owner.CLOSED
    result = await says(client.app, "sveiki")
    assert result.conversation_id != cid and result.replies > 0


async def test_notes_are_kept_for_colleagues_and_never_sent(client, sender):
    cid, csrf = await _claimed(client)
    rows = len(await outbox(client.app))
    note = "Piezvanīt rīt; vīrs ir Olaines cietumā <b>svarīgi</b>"
    added = await client.post(f"/console/conversations/{cid}/note", data={"csrf": csrf, "text": note})
    assert added.status == 200
    page = await added.text()
    assert "&lt;b&gt;svarīgi&lt;/b&gt;" in page and "<b>svarīgi" not in page  # autoescaped
    assert len(await outbox(client.app)) == rows
    await client.app[keys.outbox].drain()
    assert all("Olaines" not in m.text for m in sender.sent)
    async with client.app[keys.sessionmaker]() as session:
        (saved,) = (await session.execute(select(HandoffNote))).scalars()
    assert saved.text == note and saved.staff_id == 1


async def test_only_the_owner_replies_and_nobody_writes_to_a_person_who_said_stop(client):
    cid, anna_csrf = await _claimed(client)
    async with second_browser(client) as ben:  # Ben, in another browser, has no claim
        csrf = await login(ben, "ben@helpline.example")
        refused = await ben.post(f"/console/conversations/{cid}/reply", data={"csrf": csrf, "text": "hi"})
        assert refused.status == 409 and "Another coordinator has this conversation." in await refused.text()
    async with client.app[keys.sessionmaker]() as session, session.begin():
        contact = (await session.execute(select(Contact))).scalar_one()
        contact.opted_out = True
    stopped = await client.post(f"/console/conversations/{cid}/reply", data={"csrf": anna_csrf, "text": "hi"})
    assert stopped.status == 409 and "STOP" in await stopped.text()


async def test_the_persons_words_are_shown_as_text_never_as_markup(client):
    cid, _ = await _claimed(client, "/human_handoff")
    await says(client.app, '<script>alert("x")</script><img src=x onerror=alert(1)>')
    page = await (await client.get(f"/console/conversations/{cid}")).text()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


async def test_canned_replies_come_in_the_persons_language_and_the_panel_shows_them(client):
    cid, _ = await _claimed(client, "как увидеть мужа?", user="ru-person")
    page = await (await client.get(f"/console/conversations/{cid}")).text()
    assert "Здравствуйте! Я координатор" in page  # console.canned.greeting in ru
    assert "Canned replies (ru)" in page
    assert "<dt>Channel</dt><dd>cli</dd>" in page and "<dt>Language</dt><dd>ru</dd>" in page
    assert "Sessions used" in page or "not available" in page


async def test_every_view_and_action_is_audited_without_content(client):
    cid, csrf = await _claimed(client)
    await client.get(f"/console/conversations/{cid}")
    await client.post(f"/console/conversations/{cid}/reply", data={"csrf": csrf, "text": REPLY})
    await client.post(f"/console/conversations/{cid}/note", data={"csrf": csrf, "text": "slepena piezīme"})
    await client.post(f"/console/conversations/{cid}/close", data={"csrf": csrf, "outcome": "resolved"})
    await client.get("/console/callbacks")
    rows = await audit_actions(client.app)
    subject = f"conversation:{cid}"
    assert [a for actor, a, s in rows if actor == "staff:1" and s == subject] == [
        "conversation.claim",
        "conversation.view",
        "conversation.view",
        "conversation.reply",
        "conversation.view",
        "conversation.note",
        "conversation.view",
        "conversation.close.resolved",
    ]
    assert ("staff:1", "callbacks.view", None) in rows
    flat = " ".join(f"{a} {b} {c}" for a, b, c in rows)
    assert "Labdien" not in flat and "slepena" not in flat and "person-1" not in flat
    async with client.app[keys.sessionmaker]() as session:
        assert (await session.execute(select(TranscriptEntry).where(TranscriptEntry.text == REPLY))).first()


async def test_a_reply_to_a_conversation_an_admin_closed_says_so_and_keeps_the_typed_text(client):
    await add_staff(client.app, "adam@helpline.example", "admin", "Adam")
    cid, csrf = await _claimed(client)
    rows = len(await outbox(client.app))
    async with second_browser(client) as adam:  # end of the shift: the admin closes what was left open
        admin_csrf = await login(adam, "adam@helpline.example")
        closed = await adam.post(
            f"/console/conversations/{cid}/close", data={"csrf": admin_csrf, "outcome": "other"}
        )
        assert closed.status == 200
    typed = "Vēl viena lieta: pirmdien zvaniet uz cietuma dežūrdaļu."
    refused = await client.post(f"/console/conversations/{cid}/reply", data={"csrf": csrf, "text": typed})
    page = await refused.text()
    assert refused.status == 409
    assert "This conversation was closed by Adam." in page and "Take the conversation over first" not in page
    assert typed in page  # her words are on the page to copy, not lost
    assert len(await outbox(client.app)) == rows  # and nothing went out


async def test_a_reply_after_the_coordinator_closed_or_an_admin_handed_back_says_which(client):
    await add_staff(client.app, "adam@helpline.example", "admin", "Adam")
    cid, csrf = await _claimed(client)
    await client.post(f"/console/conversations/{cid}/close", data={"csrf": csrf, "outcome": "resolved"})
    refused = await client.post(f"/console/conversations/{cid}/reply", data={"csrf": csrf, "text": "x"})
    assert refused.status == 409 and "This conversation was closed by you." in await refused.text()
    await says(client.app, "/human_handoff", user="person-2")
    other = (await conversation_of(client.app, "person-2")).id
    await client.post(f"/console/conversations/{other}/claim", data={"csrf": csrf})
    async with second_browser(client) as adam:
        admin_csrf = await login(adam, "adam@helpline.example")
        await adam.post(f"/console/conversations/{other}/handback", data={"csrf": admin_csrf, "flow": ""})
    refused = await client.post(f"/console/conversations/{other}/reply", data={"csrf": csrf, "text": "x"})
    assert refused.status == 409
    assert "This conversation was handed back to the bot by Adam." in await refused.text()


async def test_the_same_reply_form_sent_twice_goes_out_once(client, sender):
    cid, csrf = await _claimed(client)
    page = await (await client.get(f"/console/conversations/{cid}")).text()
    once = re.search(r'name="once" value="([^"]+)"', page)
    assert once, "the reply form carries a one-time token"
    form = {"csrf": csrf, "once": once.group(1), "text": REPLY}
    path = f"/console/conversations/{cid}/reply"
    first, second = await asyncio.gather(
        client.post(path, data=form, allow_redirects=False),
        client.post(path, data=form, allow_redirects=False),
    )
    assert first.status == second.status == 303  # a double click: both land on the conversation
    again = await client.post(path, data=form, allow_redirects=False)  # a reload re-posting the form
    assert again.status == 303
    assert [r.text for r in await outbox(client.app) if r.author == Author.COORDINATOR] == [REPLY]
    page = await (await client.get(f"/console/conversations/{cid}")).text()
    fresh = re.search(r'name="once" value="([^"]+)"', page)
    assert fresh and fresh.group(1) != once.group(1)  # the next form may say the same words again
    await client.post(path, data={**form, "once": fresh.group(1)})
    assert [r.text for r in await outbox(client.app) if r.author == Author.COORDINATOR] == [REPLY, REPLY]


async def test_ids_beyond_the_databases_range_are_not_found_instead_of_an_error(client):
    await add_staff(client.app, "adam@helpline.example", "admin", "Adam")
    await says(client.app, "/human_handoff")
    csrf = await login(client, "adam@helpline.example")
    huge = "99999999999999999999"
    for path in (
        f"/console/conversations/{huge}",
        f"/console/conversations/{huge}/messages.json",
        f"/console/ops/people/{huge}",
        f"/console/ops/people/{huge}/export.json",
    ):
        assert (await client.get(path)).status == 404, path
    for path in (
        f"/console/conversations/{huge}/claim",
        f"/console/callbacks/{huge}/done",
        f"/console/ops/review/{huge}",
    ):
        assert (await client.post(path, data={"csrf": csrf})).status == 404, path
    for path in (
        f"/console/conversations/1/messages.json?after={huge}",
        f"/console/ops/search?before={huge}",
        f"/console/ops/audit?before={huge}",
    ):
        assert (await client.get(path)).status == 400, path
    assert (await client.get(f"/console/ops/search?before={2**63 - 1}")).status == 200  # the largest id


async def test_the_done_call_backs_show_their_language_like_the_open_ones(client, clock):
    await says(client.app, "/human_handoff", user="ru-caller")
    conversation = await conversation_of(client.app, "ru-caller")
    now = clock()
    async with client.app[keys.sessionmaker]() as session, session.begin():
        for phone, status in (("+37120000001", "open"), ("+37120000002", "done")):
            session.add(
                CallbackRequest(
                    conversation_id=conversation.id,
                    phone=phone,
                    preferred_time="pēc 18",
                    language="ru",
                    status=status,
                    created_at=now,
                    done_at=now if status == "done" else None,
                )
            )
    await login(client, ANNA)
    page = await (await client.get("/console/callbacks")).text()
    done = page[page.index("<h2>Done</h2>") :]
    assert "<th>Language</th>" in page[: page.index("<h2>Done</h2>")] and "<th>Language</th>" in done
    assert "<td>pēc 18</td><td>ru</td>" in done


async def test_an_sms_reply_box_has_a_segment_counter_in_the_coordinators_language(client):
    """Coordinators pay per SMS segment, and the reply box did not say how many a reply would take."""
    await add_staff(client.app, "ilze@helpline.example", "coordinator", "Ilze", language="lv")
    await says(client.app, "/human_handoff", user="+37120000081", channel=Channel.SMS)
    conversation = await conversation_of(client.app, "+37120000081")
    csrf = await login(client, "ilze@helpline.example")
    await client.post(f"/console/conversations/{conversation.id}/claim", data={"csrf": csrf})
    page = await (await client.get(f"/console/conversations/{conversation.id}")).text()
    assert '<script src="/console/static/sms.js" defer></script>' in page
    assert 'aria-describedby="sms-count"' in page
    found = re.search(
        r'<p id="sms-count" [^>]*data-words=\'([^\']*)\'[^>]*data-label="([^"]*)" data-owed="(.)"', page
    )
    assert found, "no segment counter under the reply box"
    words = json.loads(html.unescape(found.group(1)))
    assert words["characters"] == ["%(n)s rakstzīmes", "%(n)s rakstzīme", "%(n)s rakstzīmes"]
    assert words["messages"] == ["%(n)s īsziņas", "%(n)s īsziņa", "%(n)s īsziņas"]
    assert words["plural"] == "lv" and words["max"] == 2
    label = client.app[keys.texts].render("console.label", "lv")
    assert (found.group(2), found.group(3)) == (label, "1")  # the first reply will say a coordinator writes
    await client.post(f"/console/conversations/{conversation.id}/reply", data={"csrf": csrf, "text": REPLY})
    page = await (await client.get(f"/console/conversations/{conversation.id}")).text()
    assert 'data-owed="0"' in page  # said once: the label now goes only where it costs no segment


@pytest.mark.parametrize("channel", [Channel.TELEGRAM, Channel.WEB])
async def test_a_telegram_or_web_chat_reply_box_has_no_segment_counter(client, channel):
    cid, _csrf = await _claimed(client, user=f"{channel}-person", channel=channel)
    page = await (await client.get(f"/console/conversations/{cid}")).text()
    assert 'id="reply"' in page and 'id="sms-count"' not in page and "sms.js" not in page


async def test_a_colleagues_note_reaches_an_open_page_with_its_live_update(client):
    """Notes did not update live: Ben, with the conversation open, saw Anna's note only after a reload.
    The note's event already reached his page; the fetch it makes now brings the notes after its last."""
    cid, csrf = await _claimed(client)
    async with second_browser(client) as ben:
        await login(ben, "ben@helpline.example")
        page = await (await ben.get(f"/console/conversations/{cid}")).text()
        assert '<ul id="notes" data-last="0">' in page and 'id="no-notes"' in page
        hub = client.app[keys.console_hub]
        with hub.subscribe() as events:
            note = "Zvanīt rīt pēc 17:00 uz +371 26123456"
            await client.post(f"/console/conversations/{cid}/note", data={"csrf": csrf, "text": note})
            assert (await events.get()).conversation_id == cid  # what Ben's page hears
        data = await (await ben.get(f"/console/conversations/{cid}/messages.json?notes_after=0")).json()
        (seen,) = data["notes"]
        assert seen["author"] == "Anna" and seen["text"] == "Zvanīt rīt pēc 17:00 uz ⟨phone⟩"  # Anna holds it
        later = await ben.get(f"/console/conversations/{cid}/messages.json?notes_after={seen['id']}")
        assert (await later.json())["notes"] == []
        mine = await (await client.get(f"/console/conversations/{cid}/messages.json?notes_after=0")).json()
        assert [n["text"] for n in mine["notes"]] == [note]  # unmasked for the one who holds it


async def test_a_session_cancelled_while_the_coordinator_holds_the_chat_shows_on_their_page(
    client, settings, sender, capsys
):
    """QA: staff cancelled a person's session (`helpline bookings mark ID cancelled`) while Anna held their
    chat; the CLI printed "tell them there", her page said nothing, and the bot's notice never went. Her
    panel now says the session is cancelled and the person not told, and that the bot tells them after the
    hand-back; once it has gone, the line is gone too."""
    cid, csrf = await _claimed(client)
    start = datetime.now(RIGA).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=3)
    async with client.app[keys.sessionmaker]() as session, session.begin():
        counsellor = Counsellor(name="Inga Demo", languages="lv", modes="in_person", session_minutes=50,
                                active=True, calendar_token="t" * 32, created_at=start)  # fmt: skip
        session.add(counsellor)
        await session.flush()
        contact = (await session.execute(select(Contact))).scalar_one()
        booking = Booking(counsellor_id=counsellor.id, contact_id=contact.id, starts_at=start,
                          ends_at=start + timedelta(minutes=50), mode="in_person", status="booked",
                          created_at=start)  # fmt: skip
        session.add(booking)
    async with client.app[keys.sessionmaker]() as session, session.begin():
        args = argparse.Namespace(id=booking.id, status="cancelled", no_message=False)
        assert await bookings_mark(session, args, settings) == 0
    assert "their console shows the cancellation" in capsys.readouterr().out
    page = await (await client.get(f"/console/conversations/{cid}")).text()
    assert "<dt>Cancelled, not told</dt>" in page
    assert "the person has not been told yet. Tell them here: the bot" in page
    assert "Inga Demo" in page
    await client.post(f"/console/conversations/{cid}/handback", data={"csrf": csrf, "flow": ""})
    now = ManualClock(datetime.now(RIGA))
    reminders = ReminderWorker(sessionmaker=client.app[keys.sessionmaker], texts=client.app[keys.texts],
                               clock=now, zone=RIGA)  # fmt: skip
    assert await reminders.drain_once() == 1
    # at the real time, as the CLI: the notice is due then, not at the app's clock
    await OutboxWorker(sessionmaker=client.app[keys.sessionmaker], senders={Channel.CLI: sender}, clock=now,
                       batch=8).drain()  # fmt: skip
    assert sender.sent[-1].text.startswith("Jūsu psihologa konsultācija klātienē (")
    page = await (await client.get(f"/console/conversations/{cid}")).text()
    assert "Cancelled, not told" not in page


async def test_a_picture_shows_on_the_persons_line_as_sent_but_not_downloaded(client, sender):
    """QA s11: a picture by SMS left an empty line in the transcript; nothing said anything had come."""
    cid, _ = await _claimed(client, user="+37120000001", channel=Channel.SMS)
    await client.app[keys.outbox].drain()
    before = len(sender.sent)
    await says(client.app, "", user="+37120000001", channel=Channel.SMS, kind=InboundKind.MEDIA)
    await says(client.app, "šī ir vēstule", user="+37120000001", channel=Channel.SMS, kind=InboundKind.MEDIA)
    await says(client.app, "paldies", user="+37120000001", channel=Channel.SMS)
    data = await (await client.get(f"/console/conversations/{cid}/messages.json")).json()
    person = [(e["text"], e["kind"]) for e in data["entries"] if e["author"] == "person"]
    assert person[-3:] == [("", "media"), ("šī ir vēstule", "media"), ("paldies", None)]
    page = await (await client.get(f"/console/conversations/{cid}")).text()
    tag = '<span class="tag attachment">photo, voice message or file: not downloaded</span>'
    assert page.count(tag) == 2
    assert "data-kind-labels=" in page  # console.js labels the lines that arrive while the page is open
    # the coordinator answers: the bot's "I cannot read photos; a coordinator can help you" was queued
    # (shown on the page, held back by the outbox) while one was writing
    assert [e["author"] for e in data["entries"]][-3:] == ["person"] * 3
    await client.app[keys.outbox].drain()
    assert sender.sent[before:] == []
