"""A rush of people: their turns share transactions, and each person still gets exactly their own answer."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import select

from bot import keys
from bot.db.models import Contact, ProcessedInbound
from flows.state import ConversationState
from tests.factories import conversations, count, inbound, transcript
from tests.fakes import FakeSender

QUESTIONS = ("kā var satikt vīru?", "Sveiki", "как увидеть мужа?", "paldies")
ANSWERS = {"kā var satikt vīru?": "visit_rules", "Sveiki": "greet", "как увидеть мужа?": "visit_rules"}


async def test_forty_people_at_once_share_transactions_and_each_gets_their_own_answer(
    make_app, sender: FakeSender
):
    app = await make_app()
    people = [(f"person-{i:02d}", QUESTIONS[i % len(QUESTIONS)]) for i in range(40)]
    results = await asyncio.gather(*(app[keys.pipeline].handle(inbound(q, user=p)) for p, q in people))
    assert not any(r.duplicate or r.failed for r in results)
    registry = app[keys.metrics].registry
    assert registry.get_sample_value("helpline_turn_batch_size_sum") == 40
    assert registry.get_sample_value("helpline_turn_batch_size_count") == 2  # 32, then the other 8
    assert registry.get_sample_value("helpline_errors_total", {"kind": "turn_batch_split"}) == 0

    await app[keys.outbox].drain()
    by_person = Counter(message.recipient_id for message in sender.sent)
    assert by_person == Counter({p: r.replies for (p, _), r in zip(people, results, strict=True)})
    async with app[keys.sessionmaker]() as session:
        contacts = {c.id: c for c in (await session.scalars(select(Contact))).all()}
    person_of = {c.id: contacts[c.contact_id].external_id for c in await conversations(app)}
    assert sorted(person_of.values()) == sorted(p for p, _ in people)  # one conversation each
    state_of = {person_of[c.id]: ConversationState.from_json(c.state) for c in await conversations(app)}
    said = {person_of[e.conversation_id]: e for e in await transcript(app) if e.direction == "in"}
    for person, question in people:
        assert said[person].text == question
        if question in ANSWERS:
            assert said[person].intent == ANSWERS[question]
        # each person's own state and remembered language
        lang = "ru" if "увидеть" in question else "lv"
        assert state_of[person].lang == lang
        assert next(c for c in contacts.values() if c.external_id == person).language == lang


async def test_one_persons_failing_turn_does_not_cost_the_others_their_answers(make_app, sender: FakeSender):
    app = await make_app()
    people = [(f"person-{i}", "boom, something odd" if i == 3 else "kā var satikt vīru?") for i in range(8)]
    results = await asyncio.gather(*(app[keys.pipeline].handle(inbound(q, user=p)) for p, q in people))
    assert [r.failed for r in results] == [i == 3 for i in range(8)]
    await app[keys.outbox].drain()
    # everyone's words are kept once; each person got one message, the one who hit the error an apology
    assert await count(app, ProcessedInbound) == 8
    inbound_lines = [e for e in await transcript(app) if e.direction == "in"]
    assert sorted(e.text for e in inbound_lines) == sorted(q for _, q in people)
    assert Counter(m.recipient_id for m in sender.sent) == Counter(p for p, _ in people)
    apology = next(m for m in sender.sent if m.recipient_id == "person-3")
    assert "112" in apology.text
    split = app[keys.metrics].registry.get_sample_value("helpline_errors_total", {"kind": "turn_batch_split"})
    assert split == 1


async def test_a_persons_messages_keep_their_order_when_others_write_in_between(make_app, sender: FakeSender):
    app = await make_app()
    handle = app[keys.pipeline].handle
    messages = [
        inbound("gribu runāt ar cilvēku", user="anna"),
        inbound("Sveiki", user="boris"),
        inbound("vēl viens jautājums", user="anna"),
        inbound("kā var satikt vīru?", user="clara"),
        inbound("un vēl", user="anna"),
    ]
    await asyncio.gather(*(handle(message) for message in messages))
    lines = await transcript(app)
    anna = [e.flow_step for e in lines if e.direction == "in" and e.text in {m.text for m in messages[::2]}]
    assert anna == ["handoff.queued", "waiting", "waiting"]
    await app[keys.outbox].drain()
    # queued + one "still waiting" for anna, not one per message; boris and clara answered
    assert Counter(m.recipient_id for m in sender.sent)["anna"] == 2
    assert {"boris", "clara"} <= {m.recipient_id for m in sender.sent}


async def test_a_retried_delivery_inside_a_rush_is_answered_once(make_app, sender: FakeSender):
    app = await make_app()
    handle = app[keys.pipeline].handle
    first = [handle(inbound("Sveiki", user=f"p{i}", provider_id=f"u{i}")) for i in range(6)]
    again = [handle(inbound("Sveiki", user=f"p{i}", provider_id=f"u{i}")) for i in range(6)]
    results = await asyncio.gather(*first, *again)
    assert [r.duplicate for r in results] == [False] * 6 + [True] * 6
    await app[keys.outbox].drain()
    assert Counter(m.recipient_id for m in sender.sent) == Counter(
        {f"p{i}": results[i].replies for i in range(6)}
    )
