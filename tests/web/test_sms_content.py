"""Every SMS reply of every flow, in every language, as Twilio receives it: at most 2 segments, discreet.

The replies are produced for real: signed webhooks in, the pipeline and the flows, the outbox, TwilioSender,
and the bodies the fake Twilio API recorded. Replies with placeholders are rendered again with long values,
and any reply key of the flows that the scenarios did not reach is checked on its text alone (and listed).
"""

from __future__ import annotations

import ast
import re
import statistics
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import smsutil
from sqlalchemy import select

from bot import keys
from bot.channels.sms_help import HELP_KEY, NAME_KEY
from bot.channels.sms_render import PREVIEW, SmsRenderer, indiscreet
from bot.channels.sms_segments import MAX_SEGMENTS, count_segments, gsm_friendly
from bot.console.label import LABEL_KEY
from bot.db.models import OutboxItem
from bot.messages import Button, Channel, OutboundMessage
from bot.pipeline import _KIND_REPLIES
from flows import booking_steps, faq, handoff
from flows.booking_text import day_label, day_short
from flows.conversation import MENU
from flows.ports import FlowContext, HandoffTicket
from flows.registry import FLOWS
from flows.state import ConversationState, Reply, UserTurn
from flows.texts import Texts
from nlu.parse import Parse
from nlu.rules import CRISIS
from nlu.taxonomy import FEELING_LOW
from tests.twilio_fake import SmsHarness, form_body, inbound_form, signed
from tests.unit.test_engine import RecordingHandoffs, RecordingPrivacy

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("lv", "ru", "en")
DIGIT = {"lv": "1", "ru": "2", "en": "3"}  # the order of language.ask's buttons
# realistic long values for placeholders; anything unknown gets a long Latvian date-like phrase
WHEN = "ceturtdien, 24. septembrī, 18:30"
LONG = {
    "position": "128",
    "minutes": "240",
    "name": "Ģimeņu atbalsta tālrunis Rīgā",
    "date": "ceturtdien, 24. septembrī",
    "day": "ceturtdien",
    "weekday": "ceturtdiena",
    "month": "septembris",
    "time": "18:30",
    "how": "по видеосвязи",  # the longest of the three ways in any language
    "until": WHEN,
    "old": WHEN,
    "details": f"{WHEN}\nvideo, Anna Bērziņa",
    "phone": "+371 20000000",
    "left": "4",
    "limit": "5",
    "hours": "24",
    "mode": "video",
    "counsellor": "Anna Bērziņa",
    "short_date": "Ce 24.09.",
    "first": "28.12.",  # a week's first and last day (booking.day_month)
    "last": "31.12.",
}
LONG_DEFAULT = "Stabu iela 89, Rīga"
# set up by the scenarios themselves or only reachable in other channels
ORDERED_LAST = ("human_handoff", "complaint", "crisis", "change_language", "delete_my_data")


@dataclass(frozen=True, slots=True)
class Sms:
    lang: str
    key: str
    body: str
    source: str  # "sent" (recorded by the fake API), "long" (long placeholders) or "text" (text only)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'content.db'}"  # the content does not depend on the database


class Person:
    def __init__(self, sms: SmsHarness, number: str) -> None:
        self.sms, self.number = sms, number

    async def say(self, body: str) -> None:
        await self.sms.say(body, self.number)

    async def media(self) -> None:
        form = inbound_form("", self.number, NumMedia="1")
        await self.sms.client.post(
            "/webhooks/twilio", data=form_body(form), headers=signed("/webhooks/twilio", form)
        )
        await self.sms.deliver()


async def _person(sms: SmsHarness, lang: str, n: int) -> Person:
    person = Person(sms, f"+3712{LANGS.index(lang)}{n:06d}")  # the language is in the number
    await person.say("/change_language")
    await person.say(DIGIT[lang])
    return person


async def _play(sms: SmsHarness, clock) -> None:
    """Every flow in every language, answered by numbers where SMS has no buttons."""
    for lang in LANGS:
        person = await _person(sms, lang, 1)
        for intent in sorted(FLOWS):
            if intent not in ORDERED_LAST:
                await person.say(f"/{intent}")
        for text in ("qwerty", "asdfgh", "0", "boom", "HELP", "STOP", "START"):  # retry, offer, menu, error
            await person.say(text)
        await person.media()
        await person.say("/human_handoff")
        await person.say("vēl kas")  # still waiting
        await person.say("1")  # leave the queue
        await person.say("/delete_my_data")
        await person.say("2")  # keep
        await person.say("/delete_my_data")
        await person.say("1")  # erase
        await (await _person(sms, lang, 2)).say("/crisis")
        await (await _person(sms, lang, 4)).say("/complaint")  # heard, then queued
        late = await _person(sms, lang, 3)
        clock.advance(hours=10)
        await late.say("/human_handoff")  # out of hours
        clock.advance(hours=-10)


def _plain(text: str) -> str:
    return gsm_friendly(text.replace("\u2013", "-").replace("\u2014", "-"))


def _matchers(texts: Texts) -> dict[str, list[tuple[str, re.Pattern[str], re.Pattern[str]]]]:
    """Per language, each key's full text and its SMS body as patterns (placeholders match anything)."""
    found: dict[str, list[tuple[str, re.Pattern[str], re.Pattern[str]]]] = {}
    for lang in LANGS:
        found[lang] = []
        for key, entry in texts.entries[lang].items():
            marks = dict.fromkeys(entry.placeholders(), "\x00")
            full = texts.render(key, lang, marks)
            if len(re.sub(r"\W|\x00", "", full)) < 8:
                continue  # a fragment ("{weekday}, {day}. {month}") would match anything; never a reply
            short = _plain(texts.render(key, lang, marks, sms=True))
            patterns = (re.escape(t).replace("\x00", ".+?") for t in (full, short))
            full_pattern, sms_pattern = (re.compile(p, re.DOTALL) for p in patterns)
            found[lang].append((key, full_pattern, re.compile(sms_pattern.pattern + r"(\n.*)?", re.DOTALL)))
        found[lang].sort(key=lambda item: -len(item[1].pattern))  # the most specific text first
    return found


def _identify(matchers, lang: str, full: str | None, body: str) -> str:
    """The text key of one sent SMS: by the outbox row's full text, else (erased rows) by the body."""
    for candidate in (lang, *(other for other in LANGS if other != lang)):
        for key, full_pattern, sms_pattern in matchers[candidate]:
            if full is not None and full_pattern.fullmatch(full):
                return key
            if full is None and sms_pattern.fullmatch(_plain(body)):
                return key
    return "?"


def _sent_keys() -> set[str]:
    """Every text key the flows and the pipeline can send as a reply (literal keys in Reply(...))."""
    used = {f"faq.{i}" for i in faq.FOLLOW_UPS} | set(_KIND_REPLIES.values()) | set(faq.SMS_CONTACTS.values())
    used |= {"optout.confirmed", "optout.resumed", "error.apology", "handoff.still_waiting", HELP_KEY}
    # keys put together in code ("handoff.still_waiting" + "_after_hours") are not literal: every reply of
    # these families counts (the Russian out-of-hours crisis SMS ran to 3 segments unseen)
    every = Texts.load().entries["lv"]
    used |= {
        key
        for key in every
        if key.startswith(("handoff.", "crisis.", "booking.", "optout."))
        and not any(part in key for part in (".button.", ".lang.", ".calendar."))
    }
    for path in [*(ROOT / "flows").glob("*.py"), ROOT / "bot" / "pipeline.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Reply" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    used.add(first.value)
    return used


def _long(texts: Texts, lang: str, key: str) -> dict[str, str]:
    return {p: LONG.get(p, LONG_DEFAULT) for p in texts.entry(key, lang).placeholders()}


def _message(
    texts: Texts, lang: str, key: str, buttons: tuple[Button, ...], params: dict[str, str] | None = None
) -> OutboundMessage:
    params = params if params is not None else _long(texts, lang, key)
    entry = texts.entry(key, lang)
    return OutboundMessage(
        outbox_id=0,
        channel=Channel.SMS,
        recipient_id="+37120000000",
        text=texts.render(key, lang, params),
        buttons=buttons,
        sms_text=texts.render(key, lang, params, sms=True) if entry.sms else None,
    )


def _render(texts: Texts, renderer: SmsRenderer, lang: str, key: str, buttons: tuple[Button, ...]) -> str:
    return renderer.render(_message(texts, lang, key, buttons))


# the hand-off's situations: a short queue, the end of the day, a long queue, out of hours
TICKETS = (
    HandoffTicket(position=12, wait_minutes=20, in_hours=True, minutes_to_closing=300),
    HandoffTicket(position=12, wait_minutes=40, in_hours=True, minutes_to_closing=10),
    HandoffTicket(position=12, wait_minutes=120, in_hours=True, minutes_to_closing=300),
    HandoffTicket(position=12, wait_minutes=0, in_hours=False),
)


def _said(text: str, intent: str = "other", payload: str | None = None) -> UserTurn:
    return UserTurn(text=text, parse=Parse(text, intent, 0.95, (), "lv"), payload=payload)


async def _handoff_replies() -> list[Reply]:
    """Every reply flows/handoff.py gives, with its buttons, from running it in each situation (SMS too)."""
    replies: list[Reply] = []
    start = ConversationState(lang="lv")
    offer = start.enter(handoff.AFTER_HOURS, "offer")
    now = datetime(2027, 1, 7, 16, 50, tzinfo=ZoneInfo("Europe/Riga"))
    for ticket in TICKETS:
        for channel in ("sms", "telegram"):
            handoffs = RecordingHandoffs(ticket=ticket)
            ctx = FlowContext(now=now, channel=channel, handoffs=handoffs, privacy=RecordingPrivacy())
            turns = [
                await handoff.request_human(start, _said("cilvēks", handoff.HUMAN_HANDOFF), ctx),
                await handoff.complaint(start, _said("jūs neko nepalīdzat", handoff.COMPLAINT), ctx),
                await handoff.crisis(start, _said("negribu dzīvot", CRISIS), ctx),
                await handoff.leave_queue(start, ctx),
                await handoff.after_hours(offer, _said("1", payload=handoff.CALLBACK), ctx),
                await handoff.after_hours(offer, _said("2", payload=handoff.LEAVE_MESSAGE), ctx),
                await handoff.after_hours(offer, _said("vīrs nezvana"), ctx),
                await handoff.after_hours(
                    start.enter(handoff.AFTER_HOURS, "phone", tries=0), _said("nezinu"), ctx
                ),
                await handoff.after_hours(
                    start.enter(handoff.AFTER_HOURS, "phone", tries=2), _said("nezinu"), ctx
                ),
                await handoff.after_hours(start.enter(handoff.AFTER_HOURS, "phone"), _said("29123456"), ctx),
                await handoff.after_hours(
                    start.enter(handoff.AFTER_HOURS, "when", phone=""), _said("rīt"), ctx
                ),
                await handoff.after_hours(start.enter(handoff.AFTER_HOURS, "message"), _said("paldies"), ctx),
            ]
            waiting = (
                _said("vai kāds ir?", handoff.HUMAN_HANDOFF),
                _said("grūti", FEELING_LOW),
                _said("x"),
                _said("vairs nevajag", payload=handoff.NO_LONGER_NEEDED),
                _said("cik ilgi?", payload=handoff.HOW_LONG),
            )
            turns += [
                await handoff.while_waiting(start, said, ctx, crisis=crisis)
                for crisis in (False, True)
                for said in waiting
            ]
            replies.extend(reply for turn in turns for reply in turn.replies)
    return replies


def _flow_buttons(texts: Texts, lang: str, replies: list[Reply]) -> dict[str, list[tuple[Button, ...]]]:
    """Each reply key and the sets of buttons its flow gives it, labelled in the language."""
    found: dict[str, list[tuple[Button, ...]]] = {}
    for reply in replies:
        buttons = tuple(Button(b.payload, texts.label(b.key, lang, b.params)) for b in reply.buttons)
        if buttons not in found.setdefault(reply.key, []):
            found[reply.key].append(buttons)
    return found


_CACHE: list[Sms] = []


async def _every_sms(sms: SmsHarness, clock) -> list[Sms]:
    if _CACHE:
        return _CACHE
    await _play(sms, clock)
    texts = Texts.load()
    renderer = SmsRenderer(texts)
    matchers = _matchers(texts)
    async with sms.app[keys.sessionmaker]() as session:
        rows = {r.provider_message_id: r for r in (await session.execute(select(OutboxItem))).scalars()}
    found: list[Sms] = []
    for sent in sms.fake.sent:
        row = rows.get(sent.sid)
        lang = next((lang for lang in LANGS if sent.to.startswith(f"+3712{LANGS.index(lang)}")), "lv")
        key = _identify(matchers, lang, row.text if row is not None else None, sent.body)
        found.append(Sms(lang, key, sent.body, "sent"))
        if key != "?" and texts.entry(key, lang).placeholders() and row is not None:
            buttons = tuple(Button(p, label) for p, label in row.buttons or [])
            found.append(Sms(lang, key, _render(texts, renderer, lang, key, buttons), "long"))
    seen = {(s.lang, s.key) for s in found}
    replies = await _handoff_replies()
    for lang in LANGS:
        # a key not reached is rendered with every set of buttons its flow gives it, where that is known:
        # "\n1 Выйти из очереди" took the Russian near-closing reply to 3 segments unseen (QA #6)
        known = _flow_buttons(texts, lang, replies)
        booking = _most_options(texts, lang, _longest_session(texts, lang))
        known.update({key: [buttons] for key, buttons in booking.items() if key not in known})
        found.extend(
            Sms(lang, key, _render(texts, renderer, lang, key, buttons), "text")
            for key in sorted(_sent_keys())
            if (lang, key) not in seen and texts.has(key)
            for buttons in known.get(key, [()])
        )
    _CACHE.extend(found)
    return found


async def test_every_sms_reply_fits_in_two_segments(sms: SmsHarness, clock, capsys):
    every = await _every_sms(sms, clock)
    counted = [(count_segments(s.body), s) for s in every]
    for count, s in counted:  # our counter agrees with smsutil, the carriers' arithmetic
        assert count.segments == len(smsutil.split(s.body).parts), s
    assert all(m.num_segments == count_segments(m.body).segments for m in sms.fake.sent)
    assert [s.body for s in every if s.key == "?"] == []  # every SMS was traced back to its text
    reached = {(s.lang, s.key) for s in every if s.source != "text"}
    text_only = sorted({s.key for s in every if s.source == "text"})
    segments = [c.segments for c, _ in counted]
    longest_count, longest = max(counted, key=lambda item: (item[0].segments, item[0].units))
    with capsys.disabled():
        print(
            f"\nSMS replies: {len(every)} ({len(reached)} reached through the webhook, "
            f"{len(text_only)} keys on text only: {', '.join(text_only) or '-'})"
            f"\n  longest: {longest_count.segments} segments, {longest_count.units} "
            f"{longest_count.encoding} units ({longest.lang} {longest.key})"
            f"\n  median: {statistics.median(segments)} segments; total: {sum(segments)} segments"
        )
    too_long = [
        f"{s.lang} {s.key} ({c.segments}): {s.body!r}" for c, s in counted if c.segments > MAX_SEGMENTS
    ]
    assert too_long == [], "\n".join(too_long)
    # every flow reached in every language, and each of them answered
    assert {key for lang, key in reached if key.startswith("faq.")} >= {f"faq.{i}" for i in faq.FOLLOW_UPS}
    for lang in LANGS:
        assert {k for lg, k in reached if lg == lang} >= {
            "greet",
            "menu.main",
            "help",
            "crisis.immediate",
            "handoff.queued",
            "handoff.still_waiting",
            "handoff.withdrawn",
            "privacy.explain",
            "privacy.done",
            "privacy.kept",
            "fallback.retry",
            "fallback.offer",
            "optout.confirmed",
            "optout.resumed",
            "error.apology",
            HELP_KEY,
            "media.unsupported",
            "language.changed",
        }, lang
    assert any(key == "language.ask" for _, key in reached)  # asked before a language is known: trilingual


async def test_no_sms_names_the_prison_in_the_lock_screen_preview(sms: SmsHarness, clock):
    every = await _every_sms(sms, clock)
    leaks = [
        f"{s.lang} {s.key}: {s.body[:PREVIEW]!r} ({indiscreet(s.body)})" for s in every if indiscreet(s.body)
    ]
    assert leaks == []
    texts = Texts.load()
    for lang in LANGS:  # the default helpline names are neutral too
        assert indiscreet(texts.render(NAME_KEY, lang)) is None


async def test_menus_are_shown_whole_and_the_crisis_sms_keeps_both_numbers(sms: SmsHarness, clock):
    every = await _every_sms(sms, clock)
    for s in every:
        if s.key == "menu.main" and s.source == "sent":
            assert [line.split(" ", 1)[0] for line in s.body.splitlines()[1:]] == [
                str(n) for n in range(1, len(faq.MAIN_MENU) + 1)
            ]
        if s.key == "crisis.immediate":
            assert "112" in s.body and "116123" in s.body
        if s.key in ("privacy.explain", "language.ask", "handoff.queued") and s.source != "text":
            assert re.search(r"^1 ", s.body, re.MULTILINE), s  # the choice the person must make is there


@pytest.mark.parametrize("lang", LANGS)
async def test_every_hand_off_reply_fits_with_the_buttons_its_flow_gives_it(lang: str):
    """ "1 Iziet no rindas" and "1 Zvaniet uz šo numuru" are part of the SMS: counted, and never left out."""
    texts = Texts.load()
    renderer = SmsRenderer(texts)
    replies = await _handoff_replies()
    known = _flow_buttons(texts, lang, replies)
    assert set(known) >= {key for key in texts.entries[lang] if key.startswith("handoff.")}  # all driven
    with_choice = {
        reply.key
        for reply in replies
        for b in reply.buttons
        if b.payload in (handoff.LEAVE_QUEUE, handoff.THIS_NUMBER)
    }
    assert with_choice >= {
        "handoff.queued",
        "handoff.queued_near_closing",
        "handoff.still_waiting_after_hours",
        "handoff.after_hours.ask_phone_sms",
        "handoff.after_hours.bad_phone_sms",
    }
    wrong: list[str] = []
    for key, variants in sorted(known.items()):
        for buttons in variants:
            message = _message(texts, lang, key, buttons)
            rendered = renderer.render_detail(message)
            count = count_segments(rendered.body)
            if count.segments > MAX_SEGMENTS or rendered.dropped:
                wrong.append(f"{key} ({count.segments} segments, {count.units} units): {rendered.body!r}")
            this_number = any(b.payload == handoff.THIS_NUMBER for b in buttons)
            if this_number and not re.search(r"(?<!\d)1(?!\d)", message.sms_text or message.text):
                # SMS has no buttons to choose "below": the text must say which number to send
                wrong.append(f"{key} does not say to send 1: {rendered.body!r}")
    assert wrong == [], "\n".join(wrong)


def _longest_session(texts: Texts, lang: str) -> dict[str, str]:
    """The longest day, day button and mode (label and "how") a booking text can name (a year of days)."""
    days = [date(2027, 1, 1) + timedelta(days=n) for n in range(365)]
    day = max(days, key=lambda d: (len(day_label(texts, lang, d)), len(day_short(texts, lang, d))))
    modes = (texts.render(f"booking.mode.{m}", lang) for m in ("video", "phone", "in_person"))
    hows = (texts.render(f"booking.how.{m}", lang) for m in ("video", "phone", "in_person"))
    return {
        "date": day_label(texts, lang, day),
        "short_date": max((day_short(texts, lang, d) for d in days), key=len),
        "mode": max(modes, key=len),
        "how": max(hows, key=len),
        "time": "18:30",
    }


def _most_options(texts: Texts, lang: str, longest: dict[str, str]) -> dict[str, tuple[Button, ...]]:
    """Each booking choice with the most options the flow offers (flows/booking_steps.py)."""

    def button(key: str, payload: str = "bk:x", **params: str) -> Button:
        return Button(payload, texts.label(key, lang, params))

    def intents(*names: str) -> tuple[Button, ...]:
        return tuple(button(f"button.{name}", f"/{name}") for name in names)

    day = {"weekday": max((texts.render(f"booking.wd.{n}", lang) for n in range(1, 8)), key=len)}
    days = (button("booking.date_short", **day, day="24", month="09"),) * booking_steps.DAYS_SHOWN
    days += (button("booking.button.later"),)
    times = (button("booking.button.time", time="18:30"),) * booking_steps.TIMES_SHOWN
    slots = (button("booking.button.slot", date=longest["short_date"], time="18:30"),) * booking_steps.NEAREST
    other_day = (button("booking.button.other_day"),)
    return {
        "booking.pick_mode": tuple(button(f"booking.mode.{m}") for m in ("video", "phone", "in_person")),
        "booking.pick_day": days,
        "booking.day_full": days,
        "booking.day_holiday": days,
        "booking.too_far": days,
        "booking.week_days": days,
        "booking.week_none": days,
        "booking.span_days": days,
        "booking.span_none": days,
        "booking.which_day": days[:2],
        "booking.pick_time": times + other_day,
        "booking.nearest": slots + other_day,
        "booking.hour_not_free": slots + other_day,
        "booking.no_such_time": slots + other_day,
        "booking.taken": slots + other_day,
        "booking.nearest_free": slots + other_day,
        "booking.confirm": (button("booking.button.book"), button("booking.button.no")),
        "booking.move_confirm": (button("booking.button.move"), button("booking.button.no")),
        "booking.cancel_confirm": (button("booking.button.cancel_yes"), button("booking.button.keep")),
        "booking.booked": intents("my_bookings", "help"),
        "booking.moved": intents("my_bookings", "help"),
        "booking.mine": intents("reschedule_booking", "cancel_booking", "help"),
        "booking.already": intents("reschedule_booking", "cancel_booking", "help"),
        "booking.cancelled": intents("book_counselling", "help"),
        "booking.none": intents("book_counselling", "help"),
        "booking.stale": intents("book_counselling", "help"),
        "booking.hello_again": (button("booking.button.continue"), *intents("help")),
        "booking.dropped": intents("help"),
        "booking.kept": intents("help"),
        "booking.no_slots": intents("human_handoff", "help"),
        "booking.taken_none": intents("human_handoff", "help"),
        "booking.too_late_cancel": intents("human_handoff", "help"),
        "booking.too_late_move": intents("human_handoff", "help"),
        "booking.quota_used": intents("human_handoff", "psych_info", "help"),
    }


@pytest.mark.parametrize("lang", LANGS)
def test_booking_choices_fit_whole_with_the_most_options_and_the_longest_days(lang: str):
    """On SMS every booking step must be answerable by number: all its options shown, in 2 segments."""
    texts = Texts.load()
    renderer = SmsRenderer(texts)
    longest = _longest_session(texts, lang)
    for key, buttons in _most_options(texts, lang, longest).items():
        params = {p: longest.get(p, LONG.get(p, LONG_DEFAULT)) for p in texts.entry(key, lang).placeholders()}
        rendered = renderer.render_detail(_message(texts, lang, key, buttons, params))
        assert count_segments(rendered.body).segments <= MAX_SEGMENTS, f"{key}: {rendered.body!r}"
        assert rendered.dropped == (), f"{key}: {rendered.body!r}"  # no hidden option: "send 1" means one
        assert indiscreet(rendered.body) is None, rendered.body
    # the way into booking from the main menu: "Psychologist", then "Book" must be on the screen
    offered = faq.FOLLOW_UPS["psych_info"]
    follow_ups = tuple(Button(f"/{i}", texts.label(f"button.{i}", lang)) for i in offered)
    menu = Button("/help", texts.label("button.help", lang))
    rendered = renderer.render_detail(_message(texts, lang, "faq.psych_info", (*follow_ups, menu)))
    assert offered[0] == "book_counselling" and 1 in rendered.shown, rendered.body


# what an SMS says to send for a person, as the HELP answer does (`sms.help`)
PERSON_WORD = {"lv": "CILVĒKS", "ru": "ОПЕРАТОР", "en": "human"}


@pytest.mark.parametrize("lang", LANGS)
def test_what_the_console_sends_fits_in_two_segments_a_canned_reply_with_its_label(lang: str):
    """Taking over, handing back and the canned replies reach the person by SMS too (bot/console/): the
    hand-back ran to 3 segments with its "0 Izvēlne", and the Latvian canned booking offer too."""
    texts = Texts.load()
    renderer = SmsRenderer(texts)
    menu = (Button(MENU, texts.label("button.help", lang)),)  # what bot.console.actions.hand_back offers
    label = texts.render(LABEL_KEY, lang)
    sent = {
        "console.joined": _message(texts, lang, "console.joined", ()),
        "console.back_to_bot": _message(texts, lang, "console.back_to_bot", menu),
    }
    for key in texts.entries[lang]:
        if key.startswith("console.canned."):  # a coordinator's first reply: with the label
            sent[key] = replace(_message(texts, lang, key, ()), sms_text=None, label=label)
    bodies = {key: renderer.render(message) for key, message in sent.items()}
    assert bodies["console.back_to_bot"].endswith(f"\n0 {renderer.label(menu[0])}")
    # QA, ninth pass: the Latvian and Russian hand-back no longer said how to reach a person again (the
    # English did); with it, and "0 Izvēlne", it is still one segment (70 UCS-2 characters)
    assert PERSON_WORD[lang] in bodies["console.back_to_bot"], bodies["console.back_to_bot"]
    assert count_segments(bodies["console.back_to_bot"]).segments == 1, bodies["console.back_to_bot"]
    too_long = {key: body for key, body in bodies.items() if count_segments(body).segments > MAX_SEGMENTS}
    assert too_long == {}
    assert [key for key, body in bodies.items() if indiscreet(body)] == []
