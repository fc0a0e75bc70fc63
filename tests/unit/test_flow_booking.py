"""Booking flows over FakeBookings: mode, day, time, confirm; typed times, taken slots, rules, moves."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows.booking import asks_what_is_left
from flows.booking_steps import asks_where
from flows.engine import resolve_choice, step
from flows.ports import FlowContext, SlotOffer
from flows.state import ConversationState, Turn, UserTurn
from flows.texts import Texts
from nlu.parse import FALLBACK, Entity, Parse
from tests.fakes import FakeBookings
from tests.unit.test_engine import RecordingHandoffs, RecordingPrivacy

RIGA = ZoneInfo("Europe/Riga")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=RIGA)  # Monday


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=RIGA)


def free() -> list[SlotOffer]:
    anna = (1, "Anna Demo", ("lv", "ru"))
    peter = (2, "Pēteris Paraugs", ("lv", "en"))
    times = [(anna, at(24, 10), "video"), (anna, at(24, 11), "video"), (anna, at(24, 14), "video")]
    times += [(anna, at(25, 10), "video"), (peter, at(27, 15), "video"), (peter, at(27, 15), "phone")]
    times += [(anna, at(26, 12), "in_person")]
    return [
        SlotOffer(cid, name, langs, start, mode, "Demo iela 1, Rīga" if mode == "in_person" else None)
        for (cid, name, langs), start, mode in times
    ]


@pytest.fixture(scope="module")
def texts() -> Texts:
    return Texts.load()


@pytest.fixture
def bookings() -> FakeBookings:
    return FakeBookings(NOW, free())


def context(bookings: FakeBookings | None, texts: Texts, now: datetime = NOW) -> FlowContext:
    return FlowContext(
        now=now,
        channel="cli",
        handoffs=RecordingHandoffs(),
        privacy=RecordingPrivacy(),
        bookings=bookings,
        texts=texts,
    )


def said(
    text: str = "",
    *,
    intent: str = FALLBACK,
    payload: str | None = None,
    when: str | None = None,
    time_words: str | None = None,  # the words the time was read from; all of `text` by default
) -> UserTurn:
    words = text if time_words is None else time_words
    start = text.find(words)
    entities = (Entity("time", when, start, start + len(words), words),) if when else ()
    parse = Parse(text, intent, 0.9 if intent != FALLBACK else 0.2, (), None, entities)
    return UserTurn(text=text, parse=parse, payload=payload)


class Chat:
    """Walks the engine turn by turn, keeping the state, as the pipeline does."""

    def __init__(self, ctx: FlowContext, texts: Texts, lang: str = "lv") -> None:
        self.ctx, self.texts = ctx, texts
        self.state = ConversationState(lang=lang)
        self.last = Turn((), self.state)

    async def say(self, turn: UserTurn) -> Turn:
        self.last = await step(self.state, turn, self.ctx)
        self.state = self.last.state
        return self.last

    @property
    def keys(self) -> list[str]:
        return [r.key for r in self.last.replies]

    @property
    def payloads(self) -> list[str]:
        return [b.payload for r in self.last.replies for b in r.buttons]

    def text(self, index: int = -1) -> str:
        lang = self.state.lang or "lv"
        return self.texts.render_reply(self.last.replies[index], lang)

    def labels(self) -> list[str]:
        lang = self.state.lang or "lv"
        return [self.texts.label(b.key, lang, b.params) for r in self.last.replies for b in r.buttons]


async def test_book_with_buttons_mode_day_time_confirm(bookings: FakeBookings, texts: Texts):
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said("gribu pie psihologa", intent="book_counselling"))
    assert chat.keys == ["booking.pick_mode"]
    assert chat.payloads == ["bk:mode:video", "bk:mode:phone", "bk:mode:in_person"]
    assert "bez maksas un konfidenciālas" in chat.text() and "5" in chat.text()
    await chat.say(said(payload="bk:mode:video"))
    assert chat.keys == ["booking.pick_day"]
    assert chat.payloads[:3] == ["bk:day:2026-11-24", "bk:day:2026-11-25", "bk:day:2026-11-27"]
    assert chat.labels()[0] == "Ot 24.11."
    await chat.say(said(payload="bk:day:2026-11-24"))
    assert chat.keys == ["booking.pick_time"] and chat.labels()[:3] == ["10:00", "11:00", "14:00"]
    assert chat.text().startswith("Datums: otrdiena, 24. novembris.")
    await chat.say(said(payload=chat.payloads[2]))
    assert chat.keys == ["booking.confirm"]
    confirm = chat.text()
    assert "Datums: otrdiena, 24. novembris" in confirm and "Laiks: 14:00" in confirm
    assert "Videozvans" in confirm and "Anna Demo (latviski, krieviski)" in confirm
    assert "koordinators" in confirm
    assert "Pēdējais brīdis, kad to var izdarīt: pirmdiena, 23. novembris, plkst. 14:00" in confirm
    assert bookings.booked == []  # nothing before the explicit yes
    await chat.say(said(payload="bk:yes"))
    assert chat.keys == ["booking.booked"] and chat.state.flow is None
    assert [b.starts_at for b in bookings.booked] == [at(24, 14)]


async def test_every_button_payload_fits_telegram_callback_data(bookings: FakeBookings, texts: Texts):
    chat = Chat(context(bookings, texts), texts)
    seen: list[str] = []
    for turn in (
        said(intent="book_counselling"),
        said(payload="bk:mode:in_person"),
        said(payload="bk:day:2026-11-26"),
    ):
        await chat.say(turn)
        seen += chat.payloads
    assert any(p.startswith("bk:slot:") for p in seen)
    assert max(len(p.encode()) for p in seen) <= 64


async def test_a_typed_time_picks_the_exact_slot(bookings: FakeBookings, texts: Texts):
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said("rīt pēc pusdienām", when=at(24, 14).isoformat()))
    assert chat.keys == ["booking.confirm"]
    assert "Laiks: 14:00" in chat.text()


async def test_a_time_in_the_first_message_goes_straight_to_confirmation_after_the_mode(texts: Texts):
    bookings = FakeBookings(NOW, free())
    chat = Chat(context(bookings, texts), texts, lang="en")
    await chat.say(said("book me Friday 3pm", intent="book_counselling", when=at(27, 15).isoformat()))
    assert chat.keys == ["booking.pick_mode"]
    await chat.say(said(payload="bk:mode:phone"))
    assert chat.keys == ["booking.confirm"]
    assert "Date: Friday 27 November" in chat.text() and "Time: 15:00" in chat.text()


async def test_a_typed_time_that_is_not_free_offers_the_nearest(bookings: FakeBookings, texts: Texts):
    chat = Chat(context(bookings, texts), texts, lang="ru")
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said("во вторник в 12", when=at(24, 12).isoformat()))
    assert chat.keys == ["booking.nearest"]
    assert "вторник, 24 ноября, 12:00" in chat.text()
    assert chat.labels()[:3] == ["Вт 24.11 10:00", "Вт 24.11 11:00", "Вт 24.11 14:00"]


async def test_a_day_without_an_hour_shows_that_days_times(bookings: FakeBookings, texts: Texts):
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said("trešdien", when=at(25, 0).isoformat()))
    assert chat.keys == ["booking.pick_time"] and chat.labels() == ["10:00", "Cita diena"]
    await chat.say(said("10:00", when=at(24, 10).isoformat()))  # the NLU read "10:00" as the next 10:00
    assert chat.keys == ["booking.confirm"] and "trešdiena, 25. novembris" in chat.text()


async def test_a_slot_taken_meanwhile_is_explained_with_the_nearest_others(
    bookings: FakeBookings, texts: Texts
):
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said(payload="bk:day:2026-11-24"))
    await chat.say(said(payload=chat.payloads[0]))
    bookings.stolen.add(at(24, 10))
    await chat.say(said("jā", intent="affirm"))
    assert chat.keys == ["booking.taken"]
    assert "aizņēma kāds cits" in chat.text()
    assert chat.labels()[:2] == ["Ot 24.11. 11:00", "Ot 24.11. 14:00"]
    await chat.say(said(payload=chat.payloads[0]))
    await chat.say(said(payload="bk:yes"))
    assert chat.keys == ["booking.booked"] and bookings.booked[0].starts_at == at(24, 11)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("lv", ["(5)", "koordinators"]), ("ru", ["(5)", "координатор"]), ("en", ["(5)", "coordinator"])],
)
async def test_the_quota_is_enforced_and_explained(texts: Texts, lang: str, words: list[str]):
    chat = Chat(context(FakeBookings(NOW, free(), quota=5, used=5), texts), texts, lang)
    await chat.say(said(intent="book_counselling"))
    assert chat.keys == ["booking.quota_used"]
    assert all(w in chat.text() for w in words)
    assert "/human_handoff" in chat.payloads


async def test_one_upcoming_session_at_a_time(bookings: FakeBookings, texts: Texts):
    chat = Chat(context(bookings, texts), texts)
    bookings.current = await bookings.book("video", 1, at(25, 10))
    await chat.say(said(intent="book_counselling"))
    assert chat.keys == ["booking.already"]
    assert "trešdiena, 25. novembris" in chat.text()
    assert chat.payloads == ["/reschedule_booking", "/cancel_booking", "/help"]


async def test_my_bookings_and_cancel_with_confirmation(bookings: FakeBookings, texts: Texts):
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said(intent="my_bookings"))
    assert chat.keys == ["booking.none"]
    await bookings.book("video", 1, at(25, 10))
    await chat.say(said(intent="my_bookings"))
    assert chat.keys == ["booking.mine"] and "Laiks: 10:00" in chat.text()
    await chat.say(said(intent="cancel_booking"))
    assert chat.keys == ["booking.cancel_confirm"] and bookings.cancelled == []
    await chat.say(said(payload="bk:yes"))
    assert chat.keys == ["booking.cancelled"] and bookings.cancelled == [1]


async def test_keeping_the_session_when_asked_to_cancel(bookings: FakeBookings, texts: Texts):
    chat = Chat(context(bookings, texts), texts)
    await bookings.book("video", 1, at(25, 10))
    await chat.say(said(intent="cancel_booking"))
    await chat.say(said("nē", intent="deny"))
    assert chat.keys == ["booking.kept"] and bookings.cancelled == []


@pytest.mark.parametrize(
    ("lang", "intent", "expected"),
    [
        ("lv", "cancel_booking", "mazāk nekā 24 h"),
        ("ru", "cancel_booking", "меньше 24 ч"),
        ("en", "cancel_booking", "less than 24 h"),
        ("lv", "reschedule_booking", "vairs nevar pārcelt"),
        ("ru", "reschedule_booking", "перенести её здесь уже нельзя"),
        ("en", "reschedule_booking", "can no longer be moved"),
    ],
)
async def test_the_cut_off_is_enforced_and_explained(texts: Texts, lang: str, intent: str, expected: str):
    bookings = FakeBookings(NOW, free())
    await bookings.book("video", 1, at(24, 10))  # 24 h away
    chat = Chat(context(bookings, texts, now=NOW + timedelta(minutes=1)), texts, lang)
    bookings.now = chat.ctx.now
    await chat.say(said(intent=intent))
    assert chat.keys == [f"booking.too_late_{'cancel' if intent == 'cancel_booking' else 'move'}"]
    assert expected in chat.text()
    assert chat.payloads == ["/human_handoff", "/help"]
    assert bookings.cancelled == []


async def test_reschedule_books_the_new_time_then_cancels_the_old(bookings: FakeBookings, texts: Texts):
    chat = Chat(context(bookings, texts), texts, lang="en")
    await bookings.book("video", 1, at(25, 10))
    await chat.say(said(intent="reschedule_booking"))
    assert chat.keys == ["booking.move_intro", "booking.pick_day"]
    assert "Wednesday 25 November, 10:00" in chat.text(0)
    await chat.say(said(payload="bk:day:2026-11-27"))
    await chat.say(said(payload=chat.payloads[0]))
    assert chat.keys == ["booking.move_confirm"]
    assert "(Wednesday 25 November, 10:00) will be cancelled" in chat.text()
    await chat.say(said(payload="bk:yes"))
    assert chat.keys == ["booking.moved"]
    assert (
        bookings.cancelled == [1]
        and bookings.current is not None
        and bookings.current.starts_at == at(27, 15)
    )


@pytest.mark.parametrize(
    ("lang", "no", "kept"),
    [
        ("lv", "nē", "Jūsu konsultācija paliek spēkā: trešdiena, 25. novembris, plkst. 10:00."),
        ("ru", "нет", "Ваша консультация остаётся в силе: среда, 25 ноября, 10:00."),
        ("en", "no", "Your session stays as it was: Wednesday 25 November, 10:00."),
    ],
)
async def test_saying_no_to_the_new_time_keeps_the_session_and_says_when_it_is(
    bookings: FakeBookings, texts: Texts, lang: str, no: str, kept: str
):
    """QA: "нет" at the move's confirmation said "запись не сделана", as if the session were gone."""
    chat = Chat(context(bookings, texts), texts, lang=lang)
    await bookings.book("video", 1, at(25, 10))
    await chat.say(said(intent="reschedule_booking"))
    await chat.say(said(payload=chat.payloads[0]))  # the first day offered in their language
    await chat.say(said(payload=chat.payloads[0]))
    await chat.say(UserTurn(no, Parse(no, "deny", 0.99)))
    assert kept in chat.text()
    assert bookings.current is not None and bookings.current.starts_at == at(25, 10)


async def test_russian_speakers_are_offered_only_psychologists_who_speak_russian(
    bookings: FakeBookings, texts: Texts
):
    """QA: Russian speakers were offered, and booked with, psychologists who speak no Russian."""
    chat = Chat(context(bookings, texts), texts, lang="ru")
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    assert chat.keys == ["booking.pick_day"]
    assert chat.payloads == ["bk:day:2026-11-24", "bk:day:2026-11-25"]  # not Pēteris's Friday
    await chat.say(said(payload="bk:day:2026-11-24"))
    await chat.say(said("в 10", when=at(24, 10).isoformat()))
    assert "Anna Demo (латышский, русский)" in chat.text()


@pytest.mark.parametrize(
    ("lang", "mode", "said_first"),
    [
        ("ru", "phone", "ни у одного психолога, говорящего по-русски, нет свободного времени"),
        ("en", "in_person", "no psychologist who speaks English has a free time for a session in person"),
    ],
)
async def test_when_nobody_speaks_their_language_they_are_told_before_the_others_are_offered(
    bookings: FakeBookings, texts: Texts, lang: str, mode: str, said_first: str
):
    chat = Chat(context(bookings, texts), texts, lang=lang)
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload=f"bk:mode:{mode}"))
    assert chat.keys == ["booking.no_speaker", "booking.pick_day"]
    assert said_first in chat.text(0)
    assert chat.payloads[:1] == ["bk:day:2026-11-27" if mode == "phone" else "bk:day:2026-11-26"]


async def test_another_topic_is_answered_and_the_booking_waits(bookings: FakeBookings, texts: Texts):
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    tomorrow = at(24, 0).isoformat()
    asked = said("kā var satikt vīru rīt?", intent="visit_rules", when=tomorrow, time_words="rīt")
    await chat.say(asked)
    assert chat.keys == ["faq.visit_rules", "booking.continue"] and chat.state.step == "day"


async def test_a_question_in_the_middle_of_a_booking_is_answered_then_the_booking_goes_on(
    bookings: FakeBookings, texts: Texts
):
    """QA: "what does it cost?" at the times was answered, and the booking was gone."""
    chat = Chat(context(bookings, texts), texts, lang="en")
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said(payload="bk:day:2026-11-27"))
    await chat.say(said("what does it cost?", intent="psych_info"))
    assert chat.keys == ["faq.psych_info.while_booking", "booking.continue"]  # names "continue booking"
    assert chat.labels()[0] == "Continue booking"
    await chat.say(said(payload=chat.payloads[0]))
    assert chat.keys == ["booking.pick_time"] and "Friday 27 November" in chat.text()
    await chat.say(said(payload=chat.payloads[0]))
    await chat.say(said("is it free?", intent="psych_info"))
    await chat.say(said(payload=chat.payloads[0]))
    assert chat.keys == ["booking.confirm"]
    await chat.say(said(payload="bk:yes"))
    assert chat.keys == ["booking.booked"] and bookings.current is not None


async def test_a_day_alone_is_the_answer_even_when_the_model_took_it_for_something_else(
    bookings: FakeBookings, texts: Texts
):
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said("trešdien", intent="greet", when=at(25, 0).isoformat()))  # "svētdien" ≈ "sveiki"
    assert chat.keys == ["booking.pick_time"] and chat.state.flow == "booking"


@pytest.mark.parametrize("words", [("paldies", "thanks"), ("hmm", FALLBACK)])
async def test_at_the_confirmation_thanks_or_unclear_words_ask_again_and_keep_the_booking_open(
    bookings: FakeBookings, texts: Texts, words: tuple[str, str]
):
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said("rīt pēc pusdienām", when=at(24, 14).isoformat()))
    assert chat.keys == ["booking.confirm"]
    text, intent = words
    await chat.say(said(text, intent=intent))
    assert chat.keys == ["booking.yes_or_no"] and chat.payloads == ["bk:yes", "bk:no"]
    assert chat.state.flow == "booking" and bookings.booked == []
    await chat.say(said("jā", intent="affirm"))
    assert chat.keys == ["booking.booked"] and [b.starts_at for b in bookings.booked] == [at(24, 14)]


async def test_a_yes_the_model_is_unsure_of_books_nothing_and_asks_again(
    bookings: FakeBookings, texts: Texts
):
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said("rīt pēc pusdienām", when=at(24, 14).isoformat()))
    unsure = UserTurn(text="neesmu pārliecināta", parse=Parse("neesmu pārliecināta", "affirm", 0.6))
    await chat.say(unsure)  # QA, third pass: this booked the session
    assert chat.keys == ["booking.yes_or_no"] and bookings.booked == []


async def test_a_number_among_the_choices_that_is_not_one_of_them_keeps_the_step(
    bookings: FakeBookings, texts: Texts
):
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said(intent="book_counselling"))
    await chat.say(said("7", intent="out_of_scope"))
    assert chat.keys == ["choice.out_of_range"] and chat.state.step == "mode"
    assert chat.state.options == ("bk:mode:video", "bk:mode:phone", "bk:mode:in_person")


async def test_an_old_booking_button_outside_the_flow_restarts_politely(bookings: FakeBookings, texts: Texts):
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said(payload="bk:slot:1:2026-11-24T10:00+02:00"))
    assert chat.keys == ["booking.stale"] and chat.payloads == ["/book_counselling", "/help"]


async def test_yes_tapped_twice_shows_the_session_instead_of_starting_over(
    bookings: FakeBookings, texts: Texts
):
    """Channels QA: a double tap on "Jā, pieteikt" booked once, then said "this choice is no longer valid,
    shall we start again?", which read as if the booking had failed."""
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said(payload="bk:day:2026-11-24"))
    await chat.say(said(payload=chat.payloads[2]))
    await chat.say(said(payload="bk:yes"))
    await chat.say(said(payload="bk:yes"))  # the second tap
    assert chat.keys == ["booking.mine"] and "Datums: otrdiena, 24. novembris" in chat.text()
    assert len(bookings.booked) == 1


async def test_without_the_bookings_port_a_coordinator_arranges_sessions(texts: Texts):
    chat = Chat(context(None, texts), texts)
    await chat.say(said(intent="book_counselling"))
    assert chat.keys == ["booking.not_yet"]


async def test_a_time_inside_the_cut_off_says_only_a_coordinator_can_change_it(texts: Texts):
    # everyone speaks English here: Tuesday's psychologist would otherwise not be offered in English
    bookings = FakeBookings(NOW, [replace(s, languages=("lv", "ru", "en")) for s in free()])
    chat = Chat(context(bookings, texts), texts, lang="en")
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said(payload="bk:day:2026-11-24"))
    await chat.say(said(payload=chat.payloads[0]))  # Tuesday 10:00: exactly 24 h away
    assert "less than 24 h away, so only a coordinator can cancel or move it" in chat.text()


# --- dates and hours typed at the days and the times (QA, eighth pass) ---------------------------------


def many_days() -> list[SlotOffer]:
    """Video times on nine days from Tuesday 24 November to Thursday 3 December, none on Sundays; one
    psychologist who speaks all three languages, so every language sees the same days."""
    anna = (1, "Anna Demo", ("lv", "ru", "en"))
    starts = [datetime(2026, 11, 24, h, 0, tzinfo=RIGA) for h in (10, 11, 14)]
    starts += [datetime(2026, 11, d, 10, 0, tzinfo=RIGA) for d in (25, 26, 27, 28, 30)]
    starts += [datetime(2026, 12, d, 10, 0, tzinfo=RIGA) for d in (1, 3)]
    return [SlotOffer(anna[0], anna[1], anna[2], start, "video", None) for start in starts]


def typed(chat: Chat, text: str) -> UserTurn:
    """A line typed as the pipeline passes it on: a number on the list is that button already."""
    return said(text, payload=resolve_choice(chat.state, text))


def said_week(text: str, monday: str, intent: str = FALLBACK) -> UserTurn:
    entities = (Entity("week", monday, 0, len(text), text),)
    return UserTurn(text, Parse(text, intent, 0.9 if intent != FALLBACK else 0.2, (), None, entities))


async def at_the_days(texts: Texts, lang: str = "lv") -> Chat:
    chat = Chat(context(FakeBookings(NOW, many_days()), texts), texts, lang)
    await chat.say(said(intent="book_counselling"))  # one mode: straight to the days
    assert chat.keys == ["booking.pick_day"] and len(chat.state.options) == 7  # six days and "later"
    return chat


@pytest.mark.parametrize(
    ("lang", "text", "header"),
    [
        ("lv", "30", "Datums: pirmdiena, 30. novembris."),
        ("lv", "30.", "Datums: pirmdiena, 30. novembris."),
        ("ru", "30", "Дата: понедельник, 30 ноября."),
        ("en", "30", "Monday 30 November. Choose a time"),
    ],
)
async def test_a_day_of_the_month_typed_at_the_days_is_that_day(
    texts: Texts, lang: str, text: str, header: str
):
    """QA, eighth pass: "15" at the days was "no such number" though the 15th was on offer."""
    chat = await at_the_days(texts, lang)
    await chat.say(typed(chat, text))
    assert chat.keys == ["booking.pick_time"] and chat.text().startswith(header)
    assert chat.payloads[0] == "bk:slot:1:2026-11-30T10:00+02:00"


@pytest.mark.parametrize(
    ("lang", "said_so"),
    [
        (
            "lv",
            "Diemžēl šajā dienā (svētdiena, 29. novembris) brīva laika nav. Tuvākās dienas ar brīvu laiku:",
        ),
        ("ru", "К сожалению, в этот день (воскресенье, 29 ноября) свободного времени нет."),
        ("en", "Sorry, there is no free time on Sunday 29 November. The nearest days with free times:"),
    ],
)
async def test_a_day_of_the_month_not_on_offer_is_said_so_with_the_nearest_days(
    texts: Texts, lang: str, said_so: str
):
    chat = await at_the_days(texts, lang)
    await chat.say(typed(chat, "29"))  # a Sunday
    assert chat.keys == ["booking.day_full"] and chat.text().startswith(said_so)
    # the nearest days around the 29th, in date order, and the days after them further on
    days = ["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-30", "2026-12-01"]
    assert chat.payloads == [f"bk:day:{d}" for d in days] + ["bk:days:2026-12-03"]


async def test_a_number_on_the_list_is_the_list_item_not_the_day_of_the_month(texts: Texts):
    """ "3" among six days is the third day on screen (26 November), not 3 December, which is on offer."""
    chat = await at_the_days(texts)
    await chat.say(typed(chat, "3"))
    assert chat.keys == ["booking.pick_time"]
    assert chat.text().startswith("Datums: ceturtdiena, 26. novembris.")


@pytest.mark.parametrize(
    ("lang", "text", "said_so"),
    [
        ("lv", "12", "Šajā dienā plkst. 12:00 brīva laika nav. Tuvākie brīvie laiki:"),
        ("ru", "12", "В этот день в 12:00 свободного времени нет. Ближайшее свободное время:"),
        ("en", "12", "12:00 is not free that day. The nearest free times:"),
        ("en", "5", "17:00 is not free that day. The nearest free times:"),  # 5 as in "at 5"
    ],
)
async def test_an_hour_not_offered_typed_at_the_times_says_so_with_the_nearest(
    texts: Texts, lang: str, text: str, said_so: str
):
    """QA, eighth pass: "10" at a day's times, 10:00 not among them, was "no such number"."""
    chat = await at_the_days(texts, lang)
    await chat.say(said(payload="bk:day:2026-11-24"))  # 10:00, 11:00, 14:00 and "another day"
    await chat.say(typed(chat, text))
    assert chat.keys == ["booking.hour_not_free"] and chat.text() == said_so
    assert chat.payloads == [
        "bk:slot:1:2026-11-24T10:00+02:00",
        "bk:slot:1:2026-11-24T11:00+02:00",
        "bk:slot:1:2026-11-24T14:00+02:00",
        "bk:days",
    ]
    assert chat.state.step == "time" and chat.state.flow == "booking"


async def test_an_hour_that_is_offered_typed_at_the_times_still_picks_it(texts: Texts):
    chat = await at_the_days(texts)
    await chat.say(said(payload="bk:day:2026-11-24"))
    await chat.say(typed(chat, "11"))
    assert chat.keys == ["booking.confirm"] and "Laiks: 11:00" in chat.text()


@pytest.mark.parametrize(
    ("lang", "text", "said_so"),
    [
        ("lv", "nākamnedēļ", "Nedēļā no 30.11. līdz 6.12. brīvs laiks ir šajās dienās:"),
        ("ru", "на следующей неделе", "На неделе с 30.11 по 6.12 свободное время есть в эти дни:"),
        ("en", "next week", "In the week from 30.11 to 6.12 there is free time on these days:"),
    ],
)
async def test_next_week_offers_the_days_on_offer_in_that_week(
    texts: Texts, lang: str, text: str, said_so: str
):
    """QA, eighth pass: "nākamnedēļ" at the days was "sorry, I did not understand" and the same days."""
    chat = await at_the_days(texts, lang)
    await chat.say(said_week(text, "2026-11-30", intent="book_counselling"))
    assert chat.keys == ["booking.week_days"] and chat.text() == said_so
    assert chat.payloads == ["bk:day:2026-11-30", "bk:day:2026-12-01", "bk:day:2026-12-03"]
    await chat.say(said(payload=chat.payloads[1]))
    assert chat.keys == ["booking.pick_time"]


async def test_a_week_with_nothing_on_offer_says_so_with_the_nearest_days(texts: Texts):
    chat = await at_the_days(texts)
    await chat.say(said_week("nākamnedēļ", "2026-12-07"))
    assert chat.keys == ["booking.week_none"]
    assert chat.text().startswith("Diemžēl nedēļā no 7.12. līdz 13.12. brīva laika nav.")
    days = ["2026-11-26", "2026-11-27", "2026-11-28", "2026-11-30", "2026-12-01", "2026-12-03"]
    assert chat.payloads == [f"bk:day:{d}" for d in days]


async def test_a_week_in_the_first_message_is_offered_after_the_mode(texts: Texts):
    chat = Chat(context(FakeBookings(NOW, [*many_days(), *free()]), texts), texts)
    await chat.say(said_week("gribu pie psihologa nākamnedēļ", "2026-11-30", intent="book_counselling"))
    assert chat.keys == ["booking.pick_mode"]
    await chat.say(said(payload="bk:mode:video"))
    assert chat.keys == ["booking.week_days"]
    assert chat.payloads[:3] == ["bk:day:2026-11-30", "bk:day:2026-12-01", "bk:day:2026-12-03"]


@pytest.mark.parametrize(
    ("lang", "begun", "wrong"), [("lv", "jau ir sākusies", "mazāk nekā"), ("ru", "уже началась", "меньше")]
)
async def test_a_session_under_way_is_said_to_have_begun(
    bookings: FakeBookings, texts: Texts, lang, begun, wrong
):
    """QA: at 10:20, during a 10:00 session, "kad man ir konsultācija?", "atcelt" and a new booking were told
    "less than 24 hours are left until the session (10:00)", as if it were still ahead."""
    bookings.current = await bookings.book("video", 1, at(25, 10))
    chat = Chat(context(bookings, texts, now=at(25, 10) + timedelta(minutes=20)), texts, lang)
    for intent in ("my_bookings", "cancel_booking", "reschedule_booking", "book_counselling"):
        await chat.say(said("…", intent=intent))
        answer = chat.text()
        assert begun in answer and wrong not in answer, (intent, answer)
        assert "10:00" in answer and chat.payloads[0] == "/human_handoff"
    assert bookings.cancelled == []


async def _confirming_ten_on_tuesday(texts: Texts, bookings: FakeBookings) -> Chat:
    chat = Chat(context(bookings, texts), texts)
    await chat.say(said("gribu pie psihologa", intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said(payload="bk:day:2026-11-24"))
    await chat.say(said(payload=chat.payloads[0]))  # 10:00
    assert chat.keys == ["booking.confirm"] and "Laiks: 10:00" in chat.text()
    return chat


def _hour_read(text: str, words: str, intent: str, confidence: float) -> UserTurn:
    """As the NLU reads "how about 11?": its time (tomorrow at 11) and clock entities, and a sure intent."""
    start = text.find(words)
    end = start + len(words)
    entities = (
        Entity("time", "2026-11-24T11:00:00+02:00", start, end, words),
        Entity("clock", "11:00", start, end, words),
    )
    return UserTurn(text=text, parse=Parse(text, intent, confidence, (), None, entities))


@pytest.mark.parametrize(
    "turn",
    [
        # the model's readings seen in QA (tenth pass): "a ja" a sure yes, "varbūt" a move, "how about"
        # children
        UserTurn(text="a ja 11?", parse=Parse("a ja 11?", "affirm", 0.99, (), None, ())),
        UserTurn(text="varbūt 11?", parse=Parse("varbūt 11?", "reschedule_booking", 0.39, (), None, ())),
        UserTurn(text="kā būtu ar 11?", parse=Parse("kā būtu ar 11?", FALLBACK, 0.2, (), None, ())),
        _hour_read("how about 11?", "about 11", "children_support", 0.92),
        _hour_read("а в 11?", "в 11", "children_support", 0.92),
    ],
    ids=["a ja", "varbut", "ka butu ar", "how about", "a v"],
)
async def test_another_hour_asked_at_the_confirmation_is_that_hour_of_the_day_being_confirmed(
    texts: Texts, bookings: FakeBookings, turn: UserTurn
):
    """QA, tenth pass: at "Apstiprināt … 10:00?", "a ja 11?" booked 10:00 (a sure yes to the model),
    "varbūt 11?" started the days over, "how about 11?" answered a question about children."""
    chat = await _confirming_ten_on_tuesday(texts, bookings)
    await chat.say(turn)
    assert chat.keys == ["booking.confirm"], chat.keys
    assert "Datums: otrdiena, 24. novembris" in chat.text() and "Laiks: 11:00" in chat.text()
    assert bookings.booked == []


async def test_a_list_number_after_such_a_word_at_the_confirmation_is_no_hour(
    texts: Texts, bookings: FakeBookings
):
    """ "nu 1" at the yes/no is not 13:00: the list's numbers win, as a bare "1" picks the yes."""
    chat = await _confirming_ten_on_tuesday(texts, bookings)
    await chat.say(UserTurn(text="nu 1", parse=Parse("nu 1", FALLBACK, 0.2, (), None, ())))
    assert "Laiks: 13:00" not in chat.text() and bookings.booked == []


def _spring_night() -> list[SlotOffer]:
    """Free times on Sunday 28 March 2027 in Riga, the night the clocks go from 03:00 to 04:00."""
    starts = [datetime(2027, 3, 28, 2, 0, tzinfo=RIGA), datetime(2027, 3, 28, 4, 0, tzinfo=RIGA)]
    starts.append(datetime(2027, 3, 28, 5, 0, tzinfo=RIGA))
    return [SlotOffer(1, "Anna Demo", ("lv", "ru", "en"), s, "video", None) for s in starts]


@pytest.mark.parametrize(
    ("lang", "words", "said_so"),
    [
        ("lv", "28. martā plkst. 3:30 no rīta", "Plkst. 03:30 šajā dienā (svētdiena, 28. marts) nebūs"),
        (
            "ru",
            "28 марта в 3:30 утра",
            "(переход на летнее время), поэтому времени 03:30 не будет",
        ),
        ("en", "March 28 3:30am", "03:30 does not exist on Sunday 28 March"),
    ],
)
async def test_a_time_that_does_not_exist_on_the_spring_change_night_is_said_not_to_exist(
    texts: Texts, lang: str, words: str, said_so: str
):
    # calendar QA: 03:30 on 28 March 2027 (the NLU writes it 03:30+02:00) was "no free time at 04:30",
    # the time asked moved an hour on without a word
    now = datetime(2027, 3, 22, 10, 0, tzinfo=RIGA)
    chat = Chat(context(FakeBookings(now, _spring_night()), texts, now), texts, lang=lang)
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said(words, when="2027-03-28T03:30:00+02:00"))
    assert said_so in chat.text()
    assert "04:30" not in chat.text()
    assert [label[-5:] for label in chat.labels()[:3]] == ["02:00", "04:00", "05:00"]


async def test_the_missing_time_typed_at_that_days_times_is_said_not_to_exist(texts: Texts):
    now = datetime(2027, 3, 22, 10, 0, tzinfo=RIGA)
    chat = Chat(context(FakeBookings(now, _spring_night()), texts, now), texts, lang="en")
    await chat.say(said(intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said(payload="bk:day:2027-03-28"))
    clock = Entity("clock", "03:30", 0, 6, "3:30am")
    time_entity = Entity("time", "2027-03-23T03:30:00+02:00", 0, 6, "3:30am")  # the NLU's next 03:30
    parse = Parse("3:30am", FALLBACK, 0.2, (), None, (time_entity, clock))
    await chat.say(UserTurn(text="3:30am", parse=parse, payload=None))
    assert "03:30 does not exist on Sunday 28 March" in chat.text()


LATE = datetime(2026, 11, 23, 21, 30, tzinfo=RIGA)  # Monday evening: today's times are gone


@pytest.mark.parametrize(
    ("lang", "said_so"),
    [
        ("lv", "Šodien brīva laika vairs nav: konsultāciju var pieteikt ne vēlāk kā 12 h pirms tās sākuma."),
        ("ru", "На сегодня свободного времени уже нет: записаться можно не позднее чем за 12 ч"),
        ("en", "There is no free time left today: a session can be booked no later than 12 hours"),
    ],
)
@pytest.mark.parametrize("when", ["2026-11-23T00:00:00+02:00", "2026-11-23T18:00:00+02:00"])
async def test_today_said_late_in_the_day_says_why_and_offers_the_nearest_days(
    texts: Texts, lang: str, said_so: str, when: str
):
    """Calendar QA: "šodien" (or "šodien vakarā") typed in the evening was "that day has no free time", as if
    every time had been taken; today can no longer be booked at all, and someone asking for today may need
    help now, so the crisis line is named as well."""
    bookings = FakeBookings(LATE, free())
    chat = Chat(context(bookings, texts, LATE), texts, lang)
    await chat.say(said("psihologs", intent="book_counselling"))
    await chat.say(said(payload="bk:mode:video"))
    await chat.say(said("šodien", when=when))
    assert chat.keys == ["booking.today_closed"]
    assert chat.text().startswith(said_so) and "116123" in chat.text()
    assert chat.payloads[0].startswith("bk:day:2026-11-2")  # the nearest days with free times


@pytest.mark.parametrize(
    ("text", "intent", "asks"),
    [
        ("cik man vēl palika konsultāciju?", "psych_info", True),
        ("сколько у меня ещё осталось консультаций?", "my_bookings", True),
        ("how many more sessions can I book?", "book_counselling", True),
        # not the count: how many sessions people get in general, waiting, or another topic
        ("cik konsultāciju pienākas?", "psych_info", False),
        ("how many sessions are there?", "psych_info", False),
        ("cik ilgi vēl jāgaida?", "human_handoff", False),
        ("сколько ещё осталось сидеть?", "visit_rules", False),
    ],
)
def test_only_how_many_are_left_about_sessions_is_the_count(text: str, intent: str, asks: bool) -> None:
    """Journeys QA (s11): the person's own count answers "how many are left?", and only that: other "how
    many" questions keep their topic's answer."""
    assert asks_what_is_left(UserTurn(text, Parse(text, intent, 0.9))) is asks


@pytest.mark.parametrize(
    ("text", "step", "mode", "asks"),
    [
        ("kur notiek klātienes konsultācija?", "mode", None, True),
        ("где адрес?", "day", "in_person", True),
        ("where is it?", "time", "in_person", True),
        # which day is no where: "kurā dienā ir brīva konsultācija?" is about the days
        ("kurā dienā ir brīva konsultācija?", "day", "in_person", False),
        ("где адрес?", "day", "phone", False),
        ("where is the session?", "confirm", "in_person", False),
    ],
)
def test_only_where_the_session_is_is_asking_where(
    text: str, step: str, mode: str | None, asks: bool
) -> None:
    """Bookings probe (s11): "where" about the session in person is told when the address is shown."""
    state = ConversationState(flow="booking", step=step, slots={} if mode is None else {"mode": mode})
    assert asks_where(state, UserTurn(text, Parse(text, "psych_info", 0.9))) is asks
