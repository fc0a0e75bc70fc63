"""A turn is one transaction: transcript, state and outbox together; provider retries are harmless."""

from __future__ import annotations

import asyncio

from sqlalchemy import update

from bot import keys
from bot.db.models import Conversation, Owner, TranscriptEntry
from flows.state import ConversationState
from tests.factories import conversations, count, handoffs, inbound, outbox, transcript
from tests.fakes import FakeSender


async def test_one_message_writes_transcript_state_and_outbox_and_the_worker_sends(
    make_app, sender: FakeSender
):
    app = await make_app()
    result = await app[keys.pipeline].handle(inbound("kā var satikt vīru?"))
    assert result.replies == 1 and not result.duplicate
    entries = await transcript(app)
    assert [(e.direction, e.intent) for e in entries] == [("in", "visit_rules"), ("out", None)]
    assert (
        entries[0].confidence == 0.95
        and entries[0].language == "lv"
        and entries[0].flow_step == "faq.visit_rules"
    )
    (conv,) = await conversations(app)
    assert ConversationState.from_json(conv.state).lang == "lv"
    assert sender.sent == []  # nothing leaves from inside a turn
    await app[keys.outbox].drain()
    assert len(sender.sent) == 1
    assert "2" in sender.sent[0].text and sender.sent[0].buttons  # the answer, with next questions


async def test_the_same_delivery_twice_gives_one_entry_and_one_reply(make_app, sender: FakeSender):
    app = await make_app()
    first = await app[keys.pipeline].handle(inbound("Sveiki", provider_id="update-7"))
    again = await app[keys.pipeline].handle(inbound("Sveiki", provider_id="update-7"))
    assert not first.duplicate and again.duplicate
    await app[keys.outbox].drain()
    assert await count(app, TranscriptEntry) == 1 + first.replies
    assert len(sender.sent) == first.replies


async def test_concurrent_duplicates_are_processed_once(make_app, sender: FakeSender):
    app = await make_app()
    results = await asyncio.gather(
        *(app[keys.pipeline].handle(inbound("Sveiki", provider_id="dup")) for _ in range(8))
    )
    assert sum(not r.duplicate for r in results) == 1


async def test_crisis_gets_emergency_numbers_first_and_a_priority_handoff(make_app, sender: FakeSender):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("Sveiki"))
    await app[keys.pipeline].handle(inbound("kā var satikt vīru?", user="other"))
    await app[keys.pipeline].handle(inbound("/human_handoff", user="other"))
    await app[keys.pipeline].handle(inbound("negribu vairs dzīvot"))
    await app[keys.outbox].drain()
    to_person = [m for m in sender.sent if m.recipient_id == "person-1"]
    crisis_reply = to_person[2]
    assert "112" in crisis_reply.text and "116123" in crisis_reply.text
    assert not crisis_reply.buttons  # never a menu
    queue = sorted((h.priority, h.created_at) for h in await handoffs(app))
    crisis_conv = next(c for c in await conversations(app) if c.crisis)
    assert crisis_conv.owner == Owner.WAITING
    assert queue[0][0] == 0  # crisis first, although it came later


async def test_bot_is_silent_while_a_human_owns_the_conversation(make_app, sender: FakeSender):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("Sveiki"))
    await app[keys.outbox].drain()
    before = len(sender.sent)
    async with app[keys.sessionmaker]() as session, session.begin():
        await session.execute(update(Conversation).values(owner=Owner.HUMAN))
    for text in ("hello?", "kā var satikt vīru?", "/help", "negribu vairs dzīvot"):
        await app[keys.pipeline].handle(inbound(text))
    await app[keys.outbox].drain()
    assert len(sender.sent) == before
    inbound_texts = [e.text for e in await transcript(app) if e.direction == "in"]
    assert inbound_texts[-4:] == ["hello?", "kā var satikt vīru?", "/help", "negribu vairs dzīvot"]
    (conv,) = await conversations(app)
    assert conv.crisis  # the coordinator is alerted even though the bot stays quiet


async def test_replies_queued_before_a_takeover_are_not_sent_after_it(make_app, sender: FakeSender):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("Sveiki"))
    async with app[keys.sessionmaker]() as session, session.begin():
        await session.execute(update(Conversation).values(owner=Owner.HUMAN))
    await app[keys.outbox].drain()
    assert sender.sent == []
    assert {row.status for row in await outbox(app)} == {"cancelled"}


async def test_a_failing_turn_keeps_the_message_and_apologises(make_app, sender: FakeSender):
    app = await make_app()
    result = await app[keys.pipeline].handle(inbound("boom, something odd"))
    assert result.failed and result.replies == 1
    await app[keys.outbox].drain()
    assert [e.text for e in await transcript(app) if e.direction == "in"] == ["boom, something odd"]
    assert "112" in sender.sent[0].text


async def test_waiting_person_is_told_once_and_their_messages_are_kept(make_app, sender: FakeSender):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("gribu runāt ar cilvēku"))
    for text in ("vēl viens jautājums", "un vēl"):
        await app[keys.pipeline].handle(inbound(text))
    await app[keys.outbox].drain()
    keys_sent = [m.text for m in sender.sent]
    assert len(keys_sent) == 2  # queued + one "still waiting", not one per message
    steps = [e.flow_step for e in await transcript(app) if e.direction == "in"]
    assert steps == ["handoff.queued", "waiting", "waiting"]


async def test_i_will_do_it_from_someone_waiting_after_a_crisis_gets_the_numbers_again(
    make_app, sender: FakeSender
):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("negribu vairs dzīvot"))
    await app[keys.pipeline].handle(inbound("es tiešām to izdarīšu"))
    await app[keys.pipeline].handle(inbound("я всё равно это сделаю"))
    await app[keys.outbox].drain()
    numbers = [m.text for m in sender.sent if "112" in m.text and "116123" in m.text]
    assert len(numbers) == 3  # after the first crisis message, and after each "I'll do it"
    assert "звоните 112" in numbers[2]  # in the language they now write
    intents = [e.intent for e in await transcript(app) if e.direction == "in"]
    assert intents == ["crisis", "crisis", "crisis"]


async def test_i_will_do_it_from_someone_waiting_with_a_question_is_only_passed_on(
    make_app, sender: FakeSender
):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("gribu runāt ar cilvēku"))
    await app[keys.pipeline].handle(inbound("es to izdarīšu rīt"))
    await app[keys.outbox].drain()
    assert not any("116123" in m.text for m in sender.sent)  # no crisis answer, just "still waiting"
    assert "Jūs joprojām esat rindā" in sender.sent[-1].text
    steps = [e.flow_step for e in await transcript(app) if e.direction == "in"]
    assert steps == ["handoff.queued", "waiting"]
    assert not any(c.crisis for c in await conversations(app))


async def test_numbers_pick_options_of_the_last_menu(make_app, sender: FakeSender):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("Sveiki"))
    await app[keys.outbox].drain()
    menu = sender.sent[-1]
    await app[keys.pipeline].handle(inbound("2"))
    entries = await transcript(app)
    picked = [e for e in entries if e.direction == "in"][-1]
    assert picked.payload == menu.buttons[1].payload
    assert picked.intent == menu.buttons[1].payload.removeprefix("/")


async def test_erasure_removes_the_person_and_still_confirms(make_app, sender: FakeSender):
    app = await make_app()
    await app[keys.pipeline].handle(inbound("kā var satikt vīru?"))
    await app[keys.pipeline].handle(inbound("dzēsiet manus datus"))
    await app[keys.pipeline].handle(inbound("done", payload="erase:yes"))
    await app[keys.outbox].drain()
    assert await count(app, TranscriptEntry) == 0
    assert await conversations(app) == []
    assert sender.sent[-1].recipient_id == "person-1"  # the confirmation still arrived


async def test_a_cry_for_help_at_the_end_of_a_very_long_message_is_not_missed(make_app):
    """Channels QA: the model reads the first 4,000 characters, so "Es negribu vairs dzivot." at the end of
    a 4,075-character Telegram message got the welcome and the menu."""
    app = await make_app()
    story = "Mans vīrs ir cietumā un es nezinu, ko darīt ar rēķiniem un bērniem. " * 60
    text = story[:4050] + " Es negribu vairs dzivot."
    await app[keys.pipeline].handle(inbound(text))
    first = (await outbox(app))[0]
    assert "112" in first.text and "116123" in first.text
    assert [(r.priority, r.reason) for r in await handoffs(app)] == [(0, "crisis")]
