"""Someone waiting for a coordinator: never left in silence, never stuck, and after a crisis always pointed
to the line that answers now (found by an exploratory QA pass: Saturday night, a crisis got "a coordinator
will contact you" and then nothing until Monday)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot import keys
from bot.db.models import Owner
from bot.messages import InboundKind
from tests.conftest import RIGA
from tests.factories import conversations, handoffs, inbound, outbox, transcript
from tests.fakes import FakeClassifier

SATURDAY_NIGHT = datetime(2026, 11, 28, 3, 10, tzinfo=RIGA)
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=RIGA)


async def _say(app, text: str) -> None:
    await app[keys.pipeline].handle(inbound(text))


async def _new_replies(app, seen: int) -> list[str]:
    return [row.text for row in (await outbox(app))[seen:]]


async def test_a_crisis_out_of_hours_says_nobody_reads_it_before_the_working_day_and_points_to_116123(
    make_app, clock
):
    app = await make_app()
    clock.current = SATURDAY_NIGHT
    await _say(app, "negribu vairs dzīvot")
    numbers, queued = await _new_replies(app, 0)
    texts = app[keys.texts]
    assert numbers.startswith(texts.render("crisis.immediate", "lv").splitlines()[0])
    assert queued == texts.render("handoff.crisis_after_hours", "lv")
    assert "nestrādā" in queued and "116123" in queued  # no promise that someone is coming now
    (request,) = await handoffs(app)
    assert request.priority == 0 and request.out_of_hours


async def test_after_a_crisis_asking_for_a_person_again_gets_the_crisis_line_not_silence(make_app, clock):
    app = await make_app()
    clock.current = SATURDAY_NIGHT
    await _say(app, "negribu vairs dzīvot")
    await _say(app, "paldies")  # told a moment ago: quiet, the coordinator will read it
    assert await _new_replies(app, 2) == []
    clock.current += timedelta(minutes=2)
    await _say(app, "vai te ir kāds cilvēks?")  # asking for a person always gets where they stand
    (status,) = await _new_replies(app, 2)
    assert status == app[keys.texts].render("handoff.still_waiting_crisis_after_hours", "lv")
    assert "116123" in status and "112" in status
    await _say(app, "un vēl")  # a minute later: the answer above still stands
    assert len(await _new_replies(app, 3)) == 0
    clock.current += timedelta(minutes=3)
    await _say(app, "un vēl")  # after a pause, anything at all is answered again
    (again,) = await _new_replies(app, 3)
    assert "116123" in again
    (request,) = await handoffs(app)
    assert request.priority == 0  # still first in line


async def test_a_waiting_person_still_gets_answers_and_keeps_their_place(make_app, clock):
    app = await make_app()
    clock.current = MONDAY_MORNING
    await _say(app, "negribu dzīvot")  # a crisis (or a crisis word by mistake): first in line
    await _say(app, "kā var satikt vīru?")
    (answer,) = await _new_replies(app, 2)
    assert answer.startswith(app[keys.texts].render("faq.visit_rules", "lv")[:40])
    (conversation,) = await conversations(app)
    assert conversation.owner == Owner.WAITING and conversation.crisis
    (request,) = await handoffs(app)
    assert request.status == "open" and request.priority == 0
    clock.current += timedelta(minutes=3)  # the answer above did not reset when they were last told
    await _say(app, "izvēlne")  # after a crisis: never a menu; where they stand, with 116123
    clock.current += timedelta(minutes=3)
    await _say(app, "/help")
    statuses = await _new_replies(app, 3)
    assert len(statuses) == 2 and all("116123" in s and "112" in s for s in statuses)


async def test_typing_the_leave_button_leaves_the_queue(make_app, clock):
    app = await make_app()
    clock.current = MONDAY_MORNING
    await _say(app, "gribu runāt ar cilvēku")
    await _say(app, "iziet no rindas")  # the button's words, typed (no diacritics, lower case)
    (withdrawn,) = await _new_replies(app, 1)
    assert withdrawn == app[keys.texts].render("handoff.withdrawn", "lv")
    (request,) = await handoffs(app)
    assert request.status == "withdrawn"
    assert (await conversations(app))[0].owner == Owner.BOT


async def test_a_person_who_keeps_writing_hears_from_us_again_after_a_quarter_of_an_hour(make_app, clock):
    app = await make_app()
    clock.current = MONDAY_MORNING
    await _say(app, "gribu runāt ar cilvēku")
    for text in ("vēl viens jautājums", "un vēl"):
        await _say(app, text)
    assert len(await outbox(app)) == 2  # queued, one "still waiting": not one per message
    clock.current += timedelta(minutes=16)
    await _say(app, "es joprojām gaidu")  # not "vai vēl ilgi?": asking how long is answered at once
    (again,) = await _new_replies(app, 2)
    assert again == app[keys.texts].render("handoff.still_waiting", "lv", {"position": "1"})
    said = [e.text for e in await transcript(app) if e.direction == "in"]
    assert said == ["gribu runāt ar cilvēku", "vēl viens jautājums", "un vēl", "es joprojām gaidu"]


async def test_asking_for_a_person_just_before_closing_is_told_the_answer_may_come_tomorrow(make_app, clock):
    app = await make_app()
    clock.current = MONDAY_MORNING.replace(hour=16, minute=55)  # coordinators work until 17:00
    await _say(app, "gribu runāt ar cilvēku")
    (queued,) = await _new_replies(app, 0)
    assert queued == app[keys.texts].render("handoff.queued_near_closing", "lv", {"position": "1"})
    assert "min" not in queued  # no "about 10 min" five minutes before everyone goes home


async def test_a_long_queue_says_more_than_an_hour_not_a_number_of_minutes(make_app, clock):
    app = await make_app()
    clock.current = MONDAY_MORNING
    for n in range(7):
        await app[keys.pipeline].handle(inbound("gribu runāt ar cilvēku", user=f"person-{n}"))
    replies = [row.text for row in await outbox(app)]
    texts = app[keys.texts]
    assert replies[5] == texts.render("handoff.queued", "lv", {"position": "6", "minutes": "60"})
    assert replies[6] == texts.render("handoff.queued_long", "lv", {"position": "7"})


@pytest.mark.parametrize(
    "words", ["gribu iziet no rindas", "vairs nevajag koordinatoru, paldies", "хочу выйти из очереди"]
)
async def test_asking_to_leave_in_ones_own_words_leaves_the_queue(make_app, clock, words: str):
    app = await make_app()
    clock.current = MONDAY_MORNING
    await _say(app, "gribu runāt ar cilvēku")
    await _say(app, words)
    (request,) = await handoffs(app)
    assert request.status == "withdrawn"
    assert (await conversations(app))[0].owner == Owner.BOT


async def test_leaving_words_with_a_crisis_in_the_same_message_are_the_crisis(make_app, clock):
    app = await make_app()
    clock.current = MONDAY_MORNING
    await _say(app, "gribu runāt ar cilvēku")
    await _say(app, "gribu iziet no rindas, negribu vairs dzīvot")
    (request,) = await handoffs(app)
    assert request.status == "open" and request.priority == 0
    assert "116123" in (await _new_replies(app, 1))[0]


async def test_a_crisis_just_before_closing_is_not_promised_an_answer_soon(make_app, clock):
    app = await make_app()
    clock.current = MONDAY_MORNING.replace(hour=16, minute=50)
    await _say(app, "negribu vairs dzīvot")
    replies = await _new_replies(app, 0)
    assert replies[-1] == app[keys.texts].render("handoff.crisis_queued_near_closing", "lv")
    assert "116123" in replies[-1]


async def test_after_a_crisis_near_closing_the_status_does_not_say_soon_either(make_app, clock):
    app = await make_app()
    clock.current = MONDAY_MORNING.replace(hour=16, minute=40)
    await _say(app, "negribu vairs dzīvot")
    clock.current += timedelta(minutes=3)
    await _say(app, "gribu runāt ar cilvēku")
    (status,) = await _new_replies(app, 2)
    assert status == app[keys.texts].render("handoff.crisis_queued_near_closing", "lv")


async def test_a_number_slip_while_waiting_gets_the_numbers_there_are_not_a_forward(make_app, clock):
    app = await make_app()
    clock.current = MONDAY_MORNING
    await _say(app, "gribu runāt ar cilvēku")  # one button: leave the queue
    await _say(app, "7")
    (slip,) = await _new_replies(app, 1)
    assert slip == app[keys.texts].render("choice.out_of_range_one", "lv")  # "send 1", not "from 1 to 1"
    await _say(app, "1")  # the menu on screen still works
    (request,) = await handoffs(app)
    assert request.status == "withdrawn"


async def test_a_number_slip_at_the_out_of_hours_choice_keeps_the_choice(make_app, clock):
    app = await make_app()
    clock.current = SATURDAY_NIGHT
    await _say(app, "gribu runāt ar cilvēku")  # three choices
    await _say(app, "4")
    (slip,) = await _new_replies(app, 1)
    assert slip == app[keys.texts].render("choice.out_of_range", "lv", {"last": "3"})
    (request,) = await handoffs(app)
    assert request.reason != "message"  # "4" was not taken as the message for the morning
    await _say(app, "2")  # leave a message: the choice is still there
    assert (await handoffs(app))[0].reason == "message"


async def test_hard_feelings_while_waiting_after_a_crisis_keep_the_crisis_lines_and_no_new_offer(
    make_app, clock
):
    # QA, fifth pass: "man ir ļoti smagi" right after a crisis got the feeling_low answer, which offers to
    # call a coordinator (already called) and puts 116123 as "if it gets very hard"
    app = await make_app(classifier=FakeClassifier({"dzīvot": "crisis", "smagi": "feeling_low"}))
    clock.current = MONDAY_MORNING
    await _say(app, "negribu dzīvot")
    seen = len(await outbox(app))
    await _say(app, "man ir ļoti smagi")  # at once: hard feelings are never met with silence
    (status,) = await _new_replies(app, seen)
    assert status == app[keys.texts].render("handoff.still_waiting_crisis", "lv")
    assert "116123" in status and "112" in status


async def test_hard_feelings_while_waiting_are_answered_with_the_crisis_line_at_once(make_app, clock):
    app = await make_app(classifier=FakeClassifier({"cilvēk": "human_handoff", "smagi": "feeling_low"}))
    clock.current = MONDAY_MORNING
    await _say(app, "gribu runāt ar cilvēku")
    seen = len(await outbox(app))
    await _say(app, "man ir ļoti smagi")  # told where they stand a moment ago, yet not silence
    (status,) = await _new_replies(app, seen)
    assert status.startswith("Žēl, ka jums ir tik grūti.") and "116123" in status and "112" in status
    (conversation,) = await conversations(app)
    assert conversation.owner == Owner.WAITING


async def test_after_a_crisis_a_bare_number_or_the_menu_gets_where_they_stand_at_once(make_app, clock):
    """QA, seventh pass: after a crisis "2" brought up the calls page (the main menu's number), and "0" or
    "izvēlne" within two minutes got no answer at all."""
    app = await make_app()
    clock.current = MONDAY_MORNING
    await _say(app, "negribu dzīvot")
    for text in ("0", "izvēlne"):
        clock.current += timedelta(seconds=30)  # inside the pause after a crisis
        seen = len(await outbox(app))
        await _say(app, text)
        (status,) = await _new_replies(app, seen)
        assert "116123" in status and "112" in status, text
    clock.current += timedelta(seconds=30)
    seen = len(await outbox(app))
    await _say(app, "2")
    calls = app[keys.texts].render("faq.phone_calls", "lv")[:40]
    assert not any(reply.startswith(calls) for reply in await _new_replies(app, seen))


async def test_after_a_crisis_asking_to_delete_ones_data_is_answered_at_once_and_the_crisis_stays_first(
    make_app, clock
):
    """Staff QA: after the crisis reply, "gribu dzēst savus datus" got silence (inside the pause)."""
    app = await make_app(classifier=FakeClassifier({"dzīvot": "crisis", "dzēst": "delete_my_data"}))
    clock.current = MONDAY_MORNING
    await _say(app, "negribu dzīvot")
    clock.current += timedelta(seconds=30)
    seen = len(await outbox(app))
    await _say(app, "gribu dzēst savus datus")
    (status,) = await _new_replies(app, seen)
    assert status == app[keys.texts].render("handoff.still_waiting_crisis", "lv")
    assert "nodota koordinatoram" in status and "116123" in status
    (request,) = await handoffs(app)
    assert request.status == "open" and request.priority == 0  # nothing erased while they wait
    assert len(await transcript(app)) >= 2


async def test_out_of_hours_asking_to_delete_ones_data_is_answered_as_while_waiting_not_asked_to_confirm(
    make_app, clock
):
    """QA, eighth pass: out of hours, at the call-back or message choice, "gribu dzēst savus datus" got
    "delete everything? 1. Jā, dzēst visu", and the yes then got "Jūsu ziņa ir saglabāta" (the waiting
    person's status): nothing erased, though the bot had asked and they had confirmed. In hours the same
    words get where they stand (nothing is erased while a hand-off waits); now out of hours too."""
    app = await make_app(classifier=FakeClassifier({"cilvēk": "human_handoff", "dzēst": "delete_my_data"}))
    clock.current = SATURDAY_NIGHT
    await _say(app, "gribu runāt ar cilvēku")  # a call-back or a message for the morning
    seen = len(await outbox(app))
    await _say(app, "gribu dzēst savus datus")
    (status,) = await _new_replies(app, seen)
    texts = app[keys.texts]
    assert status == texts.render("handoff.still_waiting_after_hours", "lv")
    assert texts.render("privacy.explain", "lv")[:40] not in status  # no erasure offered that cannot happen
    (request,) = await handoffs(app)
    assert request.status == "open"
    (conversation,) = await conversations(app)
    assert conversation.owner == Owner.WAITING


async def test_out_of_hours_no_longer_needed_at_the_choice_leaves_the_queue_not_saved_as_the_message(
    make_app, clock
):
    """QA, ninth pass: at the out-of-hours choice (a call-back or a message for the morning), "paldies,
    vairs nevajag" was saved as the message for the morning and the person kept in the queue."""
    app = await make_app()
    clock.current = SATURDAY_NIGHT
    await _say(app, "gribu runāt ar cilvēku")
    await _say(app, "paldies, vairs nevajag")
    (reply,) = await _new_replies(app, 1)
    assert reply == app[keys.texts].render("handoff.no_longer_needed", "lv")
    assert "cilvēks" in reply  # how to ask for a person again
    (request,) = await handoffs(app)
    assert request.status == "withdrawn" and request.reason != "message"
    assert (await conversations(app))[0].owner == Owner.BOT


async def test_after_a_crisis_asking_to_leave_the_queue_keeps_the_crisis_in_it(make_app, clock):
    """A crisis is never dropped from the coordinators' queue on a word: "gribu iziet no rindas" after a
    crisis withdrew it, and nobody would have written to the person."""
    app = await make_app()
    clock.current = MONDAY_MORNING
    await _say(app, "negribu dzīvot")
    await _say(app, "gribu iziet no rindas")
    (reply,) = await _new_replies(app, 2)
    assert reply == app[keys.texts].render("handoff.no_longer_needed_crisis", "lv")
    (request,) = await handoffs(app)
    assert request.status == "open" and request.priority == 0
    assert (await conversations(app))[0].owner == Owner.WAITING


async def test_moving_or_cancelling_a_session_while_waiting_is_told_where_they_stand_not_silence(
    make_app, clock
):
    """While waiting, their session's status comes with "Pārcelt" and "Atcelt" (QA, ninth pass): pressed,
    those went to the pause's silence. Moving or cancelling is for the coordinator then; they hear so."""
    app = await make_app()
    clock.current = MONDAY_MORNING
    await _say(app, "gribu runāt ar cilvēku")
    await _say(app, "vēl viens jautājums")  # the status: what follows falls inside its pause
    for button in ("/reschedule_booking", "/cancel_booking"):
        seen = len(await outbox(app))
        await app[keys.pipeline].handle(inbound(button, payload=button, kind=InboundKind.BUTTON))
        (status,) = await _new_replies(app, seen)
        assert status == app[keys.texts].render("handoff.still_waiting", "lv", {"position": "1"})
    assert (await conversations(app))[0].owner == Owner.WAITING
