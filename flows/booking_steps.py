"""The booking flow's steps and answers: offering modes, days and times, confirming, explaining refusals."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from flows.booking_text import clock, day_label, day_month, day_short, moment_label, session_params
from flows.conversation import bare_number
from flows.faq import intent_button
from flows.ports import BookingInfo, Bookings, FlowContext, Quota, SlotOffer
from flows.public_days import is_public_holiday
from flows.state import ButtonSpec, ConversationState, JSONValue, Reply, Turn, UserTurn
from flows.texts import Texts, default_texts
from nlu.dates import daytime_hour, next_day_of_month, only_openers, opened_number, which_of_two
from nlu.normalize import normalize
from nlu.parse import FALLBACK, Entity

FLOW = "booking"
PREFIX = "bk:"
MODE = "bk:mode:"
DAY = "bk:day:"
DAYS = "bk:days"  # "bk:days" (from the start) or "bk:days:2026-12-01" (later days)
SLOT = "bk:slot:"  # bk:slot:<counsellor id>:<local ISO time with offset>
AT = "bk:at:"  # bk:at:<local ISO time with offset>: a day picked with its hour said ("next Friday 15:00")
YES = "bk:yes"
NO = "bk:no"
RESUME = "bk:resume"  # go on with the booking after another question was answered
DAYS_SHOWN = 6
TIMES_SHOWN = 12
NEAREST = 3
EVERY_DAY = 366  # more days than any booking horizon: all the days on offer, to find the nearest ones
LAST_HOUR = 23
# a time typed during booking counts unless the NLU is sure the person moved to another topic
TIME_INTENTS = {FALLBACK, "book_counselling", "reschedule_booking", "affirm"}
SURE = 0.7
# at a choice of mode, day or time, what is not a change of subject even when the model is sure: words
# it did not follow, small talk, or asking to book while booking ("nākamnedēļ" read as book_counselling),
# or a day that does not suit ("rīt nevaru" is taught as moving the time, and dropped the booking)
NOT_A_CHOICE = {
    FALLBACK,
    "thanks",
    "greet",
    "out_of_scope",
    "affirm",
    "deny",
    "book_counselling",
    "reschedule_booking",
}
# what a yes/no question may hear that is neither an answer nor a change of subject (a yes or no the
# model is unsure of included: see yes_no)
NOT_AN_ANSWER = {FALLBACK, "thanks", "greet", "out_of_scope", "affirm", "deny"}
SURE_YES_NO = 0.9  # a typed yes or no commits a booking or a cancellation: only when the model is sure
CONFIRM_BUTTONS = (ButtonSpec(YES, "booking.button.book"), ButtonSpec(NO, "booking.button.no"))
MOVE_BUTTONS = (ButtonSpec(YES, "booking.button.move"), ButtonSpec(NO, "booking.button.no"))
CANCEL_BUTTONS = (ButtonSpec(YES, "booking.button.cancel_yes"), ButtonSpec(NO, "booking.button.keep"))
BARE_CLOCK = re.compile(r"\d{1,2}(?:[:.]\d{2})?")


def texts_of(ctx: FlowContext) -> Texts:
    return ctx.texts or default_texts()


def zone_of(ctx: FlowContext) -> tzinfo:
    zone = ctx.now.tzinfo
    if zone is None:
        raise ValueError("FlowContext.now must be aware")
    return zone


def lang_of(state: ConversationState) -> str:
    return state.lang or "lv"


def at_step(state: ConversationState, step: str, **slots: str | int | None) -> ConversationState:
    merged: dict[str, JSONValue] = {k: v for k, v in {**state.slots, **slots}.items() if v is not None}
    return replace(state, flow=FLOW, step=step, slots=merged)


def prepend(lead: tuple[Reply, ...], turn: Turn) -> Turn:
    return replace(turn, replies=(*lead, *turn.replies))


async def after_mode(state: ConversationState, ctx: FlowContext, bookings: Bookings, mode: str) -> Turn:
    want, week, span = state.slots.get("want"), state.slots.get("week"), state.slots.get("span")
    either = state.slots.get("either")
    state = at_step(state, "day", mode=mode)
    wishes = ("want", "week", "span", "either")
    state = replace(state, slots={k: v for k, v in state.slots.items() if k not in wishes})
    lead = await language_notice(state, ctx, bookings, mode)
    two = _span_of(either) if isinstance(either, str) else None
    if two is not None:
        return prepend(lead, offer_either(state, ctx, *two, at=hour_of(want)))
    if isinstance(want, str):
        return prepend(lead, await pick_by_time(state, ctx, bookings, datetime.fromisoformat(want)))
    if isinstance(week, str):
        return prepend(lead, await offer_week(state, ctx, bookings, date.fromisoformat(week)))
    days = _span_of(span) if isinstance(span, str) else None
    if days is not None:
        return prepend(lead, await offer_span(state, ctx, bookings, *days))
    return prepend(lead, await offer_days(state, ctx, bookings))


async def language_notice(
    state: ConversationState, ctx: FlowContext, bookings: Bookings, mode: str
) -> tuple[Reply, ...]:
    """Said before the times when no psychologist who speaks the person's language is free in this mode:
    the times offered are then with people who speak other languages, and nobody should learn that only
    from the name in the confirmation (QA: Russian speakers were booked with Latvian and English ones)."""
    if await bookings.speaks(mode, lang_of(state)):
        return ()
    how = texts_of(ctx).render(f"booking.how.{mode}", lang_of(state))
    return (Reply("booking.no_speaker", {"how": how}),)


def ask_mode(state: ConversationState, modes: tuple[str, ...], quota: Quota) -> Turn:
    buttons = tuple(ButtonSpec(f"{MODE}{m}", f"booking.mode.{m}") for m in modes)
    return Turn((Reply("booking.pick_mode", {"left": str(quota.left)}, buttons),), state, "booking.mode")


# words that ask which way is better, or whether one is safe, normalised ("labāk", "лучше" / "luchshe",
# "better", "drošs"); with one mode named they ask about it ("vai video ir drošs?" got the prison video-visits
# answer, bookings probe s11), with two the words alone do ("po telefonu ili video?")
_COMPARING = frozenset(
    normalize(word)
    for word in (
        "labāk", "labāks", "labākais", "atšķirība", "atšķiras", "drošs", "droši", "drošāk",
        "лучше", "luchshe", "разница", "отличается", "безопасно", "надёжно",
        "better", "best", "difference", "differ", "safe", "safer", "secure",
    )
)  # fmt: skip


def compares_modes(ctx: FlowContext, modes: tuple[str, ...], turn: UserTurn) -> bool:
    """Typed words that ask which of the modes is better rather than pick one: "a kak luchshe, po telefonu
    ili video?" got the prison video-visits answer (journeys QA, s11). Two modes named, or one with a word
    of comparing; a button or one mode alone ("pa telefonu") is a choice."""
    if turn.payload:
        return False
    said = normalize(turn.text)
    padded = f" {said} "
    texts = texts_of(ctx)
    named = {
        mode
        for mode in modes
        if any(
            f" {word} " in padded
            for word in texts.answers_to(ButtonSpec(f"{MODE}{mode}", f"booking.mode.{mode}"))
        )
    }
    return len(named) >= 2 or (len(named) == 1 and not _COMPARING.isdisjoint(said.split()))


# words that ask where: "kur notiek klātienes konsultācija?" got "nesapratu" (bookings probe, s11)
_WHERE = frozenset(
    normalize(word) for word in ("kur", "adrese", "adresi", "где", "куда", "адрес", "where", "address")
)


# stems of in person or of the session itself, normalised ("klātienes", "очная" / "ocnaya", "konsultācija")
_IN_PERSON_OR_SESSION = ("klatien", "ocn", "licn", "person", "konsult", "session")


def asks_where(state: ConversationState, turn: UserTurn) -> bool:
    """Typed "where is the session in person?": a where-word, with in person or the session named, or in
    person already chosen."""
    if turn.payload or state.step not in ("mode", "day", "time"):
        return False
    words = normalize(turn.text).split()
    if _WHERE.isdisjoint(words):
        return False
    named = any(word.startswith(_IN_PERSON_OR_SESSION) for word in words)
    return named or state.slots.get("mode") == "in_person"


# a language named, by the stems of its normalised names ("krieviski", "по-русски" / "po ruski", "Russian")
_LANGUAGE_STEMS = {
    "lv": ("latvis", "latvies", "latys", "latvia"),
    "ru": ("krievis", "krievu", "rusk", "rusi", "russ"),
    "en": ("anglis", "anglu", "anglij", "englis"),
}
# and what makes it a question about the psychologist's language: speaking, the language, the psychologist
_ABOUT_SPEAKING = ("runa", "govor", "speak", "valod", "yazyk", "languag", "psiholog", "psycolog")


def language_asked(state: ConversationState, turn: UserTurn) -> str | None:
    """The language asked about in "vai psihologs runā krieviski?", "психолог говорит по-русски?": they got
    the general answer on sessions (bookings probe, s11). None when no language, or not about speaking."""
    if turn.payload or state.step not in ("mode", "day", "time"):
        return None
    words = normalize(turn.text).split()
    if not any(word.startswith(_ABOUT_SPEAKING) for word in words):
        return None
    named = [lang for lang, stems in _LANGUAGE_STEMS.items() if any(w.startswith(stems) for w in words)]
    return named[0] if len(named) == 1 else None


# "later" or "if": moving or cancelling asked about ahead, not wished now ("vai vēlāk varēs atcelt?")
_LATER = frozenset(
    normalize(word) for word in ("vēlāk", "потом", "позже", "позднее", "если", "later", "afterwards", "if")
)
_CHANGE_INTENTS = ("reschedule_booking", "cancel_booking")


def asks_about_changing(state: ConversationState, turn: UserTurn) -> bool:
    """Asking, while booking, whether the session can be moved or cancelled later: "vai vēlāk varēs atcelt?"
    was a no to this booking and it was dropped; "can I change the time later?" got "I did not understand"
    (bookings probe, s11). Not while moving a session, where the cancel and move flows ask."""
    if turn.payload or state.step not in ("mode", "day", "time") or "moving" in state.slots:
        return False
    if turn.parse.intent not in _CHANGE_INTENTS or turn.parse.confidence < SURE:
        return False
    return not _LATER.isdisjoint(normalize(turn.text).split())


def modes_compared(state: ConversationState, modes: tuple[str, ...]) -> Turn:
    """What is known about the modes (no advice on which is better is sourced), and the same choice again."""
    buttons = tuple(ButtonSpec(f"{MODE}{m}", f"booking.mode.{m}") for m in modes)
    return Turn((Reply("booking.modes_compared", buttons=buttons),), state, "booking.mode")


async def offer_days(
    state: ConversationState,
    ctx: FlowContext,
    bookings: Bookings,
    start: date | None = None,
    key: str = "booking.pick_day",
    params: dict[str, str] | None = None,
) -> Turn:
    texts, lang, mode = texts_of(ctx), lang_of(state), str(state.slots["mode"])
    days = await bookings.days(mode, start, DAYS_SHOWN + 1, lang)
    if not days:
        return no_slots(state)
    params = params or {"mode": texts.render(f"booking.mode.{mode}", lang)}
    return _days_turn(state, ctx, days[:DAYS_SHOWN], days[DAYS_SHOWN:], key, params)


def _days_turn(
    state: ConversationState,
    ctx: FlowContext,
    shown: list[date],
    after: list[date],
    key: str,
    params: dict[str, str],
) -> Turn:
    """The days as buttons, and "later days" from the first of `after` when there is one."""
    texts, lang = texts_of(ctx), lang_of(state)
    buttons = [
        ButtonSpec(
            f"{DAY}{d.isoformat()}",
            "booking.date_short",
            {
                "weekday": texts.render(f"booking.wd.{d.isoweekday()}", lang),
                "day": str(d.day),
                "month": f"{d.month:02d}",
            },
        )
        for d in shown
    ]
    if after:
        buttons.append(ButtonSpec(f"{DAYS}:{after[0].isoformat()}", "booking.button.later"))
    return Turn((Reply(key, params, tuple(buttons)),), at_step(state, "day"), "booking.day")


async def offer_nearest_days(
    state: ConversationState,
    ctx: FlowContext,
    bookings: Bookings,
    first: date,
    last: date,
    key: str,
    params: dict[str, str],
) -> Turn:
    """The days on offer nearest to the days asked for (`first` to `last`: one day or a week), none of
    which is: "the 13th" or "next week" with nothing free got the first days of the list, or weeks away."""
    mode, lang = str(state.slots["mode"]), lang_of(state)
    every = await bookings.days(mode, None, EVERY_DAY, lang)
    if not every:
        return no_slots(state)

    def distance(day: date) -> int:
        return (first - day).days if day < first else max((day - last).days, 0)

    shown = sorted(sorted(every, key=lambda d: (distance(d), d))[:DAYS_SHOWN])
    return _days_turn(state, ctx, shown, [d for d in every if d > shown[-1]], key, params)


async def offer_week(state: ConversationState, ctx: FlowContext, bookings: Bookings, monday: date) -> Turn:
    """The days on offer in one calendar week ("nākamnedēļ": Monday to Sunday, Riga), else the nearest."""
    texts, lang, mode = texts_of(ctx), lang_of(state), str(state.slots["mode"])
    sunday = monday + timedelta(days=6)
    params = {"first": day_month(texts, lang, monday), "last": day_month(texts, lang, sunday)}
    days = await bookings.days(mode, monday, DAYS_SHOWN + 1, lang)
    inside = [d for d in days if d <= sunday][:DAYS_SHOWN]
    if not inside:
        key, params = too_far(ctx, bookings, lang, monday) or ("booking.week_none", params)
        return await offer_nearest_days(state, ctx, bookings, monday, sunday, key, params)
    return _days_turn(state, ctx, inside, days[len(inside) :], "booking.week_days", params)


async def offer_span(
    state: ConversationState, ctx: FlowContext, bookings: Bookings, first: date, last: date
) -> Turn:
    """The days on offer from `first` to `last` (a month or a part of it: "janvāra sākumā"), else the
    nearest ones, as for a week."""
    texts, lang, mode = texts_of(ctx), lang_of(state), str(state.slots["mode"])
    params = {"first": day_month(texts, lang, first), "last": day_month(texts, lang, last)}
    days = await bookings.days(mode, first, DAYS_SHOWN + 1, lang)
    inside = [d for d in days if d <= last][:DAYS_SHOWN]
    if not inside:
        # "Ziemassvētkos", "Jāņos": every day of it a public holiday, closed rather than full
        every = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        none = "booking.span_holiday" if all(is_public_holiday(d) for d in every) else "booking.span_none"
        key, params = too_far(ctx, bookings, lang, first) or (none, params)
        return await offer_nearest_days(state, ctx, bookings, first, last, key, params)
    return _days_turn(state, ctx, inside, days[len(inside) :], "booking.span_days", params)


def offer_either(
    state: ConversationState, ctx: FlowContext, this_week: date, next_week: date, at: time | None = None
) -> Turn:
    """ "nākamajā piektdienā", "в следующую пятницу", "next Friday" said while this week's Friday is still
    ahead: both days, named with their dates, to pick from. Guessing either way books some people a week
    off (calendar QA: on Monday it was always this week's, without a word); asking costs one tap.

    With an hour said beside it ("next Friday at 3pm"), each button is that day at that hour, and picking
    one goes on with that moment (`pick_by_time`): the hour was dropped, and the day's times were shown as
    if it had never been said (calendar QA)."""
    texts, lang = texts_of(ctx), lang_of(state)
    params = {"first": day_label(texts, lang, this_week), "second": day_label(texts, lang, next_week)}
    if at is None:
        return _days_turn(state, ctx, [this_week, next_week], [], "booking.which_day", params)
    zone = zone_of(ctx)
    buttons = tuple(
        ButtonSpec(
            f"{AT}{datetime.combine(d, at, zone).isoformat(timespec='minutes')}",
            "booking.button.slot",
            {"date": day_short(texts, lang, d), "time": f"{at:%H:%M}"},
        )
        for d in (this_week, next_week)
    )
    reply = Reply("booking.which_day", params, buttons)
    return Turn((reply,), at_step(state, "day"), "booking.day")


def either_answer(state: ConversationState, turn: UserTurn, today: date) -> str | None:
    """The button meant by words typed at "this week's Friday or next week's?" (`offer_either`): "nākamo",
    "на следующей", "next week's" (calendar.yml `which_of_two`), "nākamās nedēļas" (a week), "18." or
    "18. decembrī" (one of the two days, without another hour). They showed all of next week's days or that
    day's times, and the hour already said was lost (calendar QA). None for anything else.

    The question is known by its two buttons: two days a week apart, and no other days to pick from."""
    picks = [o for o in state.options if o.startswith((DAY, AT))]
    later = any(o.startswith(DAYS) for o in state.options)  # a list of days, not the question of two
    if turn.payload or state.step != "day" or later or len(picks) != 2:
        return None
    days = [_option_day(p) for p in picks]
    if days[0] is None or days[1] is None or (days[1] - days[0]).days != 7:
        return None
    which = which_of_two(turn.text)
    if which is not None:
        return picks[which]
    week = week_wanted(turn)
    if week is not None:
        return next(
            (p for p, d in zip(picks, days, strict=True) if d and week <= d < week + timedelta(7)), None
        )
    want = wanted(turn)
    asked = datetime.fromisoformat(want) if want is not None else None
    if asked is not None and hour_of(want) is None and asked.date() in days:
        return picks[days.index(asked.date())]
    number = bare_number(turn.text)
    day = next_day_of_month(number, today) if number is not None and number > len(picks) else None
    return picks[days.index(day)] if day in days else None


def _option_day(option: str) -> date | None:
    try:
        if option.startswith(AT):
            return datetime.fromisoformat(option.removeprefix(AT)).date()
        return date.fromisoformat(option.removeprefix(DAY))
    except ValueError:
        return None


def hour_of(want: object) -> time | None:
    """The hour in a wanted moment (ISO, as `wanted` gives it), or None when only a day was said (00:00,
    as everywhere in the booking: `pick_by_time`)."""
    if not isinstance(want, str):
        return None
    try:
        moment = datetime.fromisoformat(want)
    except ValueError:
        return None
    return None if moment.time() == time(0, 0) else moment.time()


def too_far(
    ctx: FlowContext, bookings: Bookings, lang: str, first: date
) -> tuple[str, dict[str, str]] | None:
    """When the days asked for begin after the last day that can be booked yet: what to say instead of
    "no free time" ("15. janvārī" asked on 7 December was "that day is full"; it is only not open yet)."""
    open_until = ctx.now.date() + timedelta(days=bookings.horizon_days)
    if first <= open_until:
        return None
    return "booking.too_far", {"last": day_month(texts_of(ctx), lang, open_until)}


async def offer_times(state: ConversationState, ctx: FlowContext, bookings: Bookings, day: date) -> Turn:
    texts, lang, zone = texts_of(ctx), lang_of(state), zone_of(ctx)
    slots = await bookings.slots(str(state.slots["mode"]), day, lang)
    label = day_label(texts, lang, day)
    if not slots:
        # a public holiday is closed, not full (nobody should think every time was taken); today is past the
        # booking lead, not full, and someone who asks for today may need help sooner (calendar QA: "šodien"
        # in the evening was "that day has no free time")
        key = "booking.day_holiday" if is_public_holiday(day) else "booking.day_full"
        params = {"date": label}
        if day == ctx.now.astimezone(zone).date():
            key, params = "booking.today_closed", {"hours": str(bookings.lead_hours)}
        key, params = too_far(ctx, bookings, lang, day) or (key, params)
        return await offer_nearest_days(state, ctx, bookings, day, day, key, params)
    buttons = [
        ButtonSpec(slot_payload(s, zone), "booking.button.time", {"time": clock(s.starts_at, zone)})
        for s in slots[:TIMES_SHOWN]
    ]
    buttons.append(ButtonSpec(DAYS, "booking.button.other_day"))
    # the SMS names the day briefly: twelve numbered times leave room for little else in two segments
    params = {"date": label, "short_date": day_short(texts, lang, day)}
    reply = Reply("booking.pick_time", params, tuple(buttons))
    return Turn((reply,), at_step(state, "time", day=day.isoformat()), "booking.time")


def offer_slots(
    state: ConversationState, ctx: FlowContext, slots: list[SlotOffer], key: str, params: dict[str, str]
) -> Turn:
    texts, lang, zone = texts_of(ctx), lang_of(state), zone_of(ctx)
    buttons = [
        ButtonSpec(
            slot_payload(s, zone),
            "booking.button.slot",
            {
                "date": day_short(texts, lang, s.starts_at.astimezone(zone).date()),
                "time": clock(s.starts_at, zone),
            },
        )
        for s in sorted(slots, key=lambda s: s.starts_at)
    ]
    buttons.append(ButtonSpec(DAYS, "booking.button.other_day"))
    return Turn((Reply(key, params, tuple(buttons)),), at_step(state, "time"), "booking.nearest")


async def pick_by_time(
    state: ConversationState, ctx: FlowContext, bookings: Bookings, moment: datetime, *, bare: bool = False
) -> Turn:
    """A typed day or time: that day's times, the exact time if free, else the nearest free ones.

    A bare clock time ("14:00") typed while a day's times are shown means that day, whatever day the
    NLU resolved it to.
    """
    texts, lang, zone, mode = texts_of(ctx), lang_of(state), zone_of(ctx), str(state.slots["mode"])
    if missing_time(moment, zone):
        return await no_such_time(state, ctx, bookings, moment)
    local = moment.astimezone(zone)
    if local.time() == time(0, 0):  # a day without an hour ("rīt", "в пятницу")
        return await offer_times(state, ctx, bookings, local.date())
    day = state.slots.get("day")
    if bare and isinstance(day, str):
        moment = datetime.combine(date.fromisoformat(day), local.time(), zone)
        if missing_time(moment, zone):
            return await no_such_time(state, ctx, bookings, moment)
    if moment <= ctx.now and moment.astimezone(zone).date() == ctx.now.astimezone(zone).date():
        # "šodien vakarā" typed later in the evening (an hour alone is never in the past): today's times that
        # are left, or why there are none
        return await offer_times(state, ctx, bookings, moment.astimezone(zone).date())
    far = too_far(ctx, bookings, lang, moment.astimezone(zone).date())
    if far is not None:
        # "15. janvārī plkst. 10" beyond the horizon: nothing near it is open yet, and it was "there is no
        # free time here at the moment" with the booking gone (calendar QA); the open days nearest to it
        asked = moment.astimezone(zone).date()
        return await offer_nearest_days(state, ctx, bookings, asked, asked, *far)
    near = await bookings.nearest(mode, moment, lang, NEAREST)
    if near and near[0].starts_at == moment:
        return confirm(state, ctx, bookings, near[0])
    if not near:
        return no_slots(state)
    if bare and isinstance(day, str):
        # the day is on screen: only the hour needs saying ("10:00 is not free that day")
        return offer_slots(state, ctx, near, "booking.hour_not_free", {"time": clock(moment, zone)})

    return offer_slots(
        state, ctx, near, "booking.nearest", {"asked": moment_label(texts, lang, moment, zone)}
    )


def missing_time(moment: datetime, zone: tzinfo) -> bool:
    """Whether the wall-clock time typed does not exist in `zone`: 03:30 on the last Sunday of March in Riga,
    when the clocks go from 03:00 straight to 04:00. Such a moment (as the NLU writes it, or combined with
    the day on screen) reads back an hour later, and "03:30" was offered as the nearest times to "04:30"
    without a word (calendar QA)."""
    real = moment.astimezone(UTC).astimezone(zone)
    return real.replace(tzinfo=None) != moment.replace(tzinfo=None)


async def no_such_time(
    state: ConversationState, ctx: FlowContext, bookings: Bookings, moment: datetime
) -> Turn:
    """The typed time does not exist that night (the clocks move forward): said so, with the free times
    nearest to it; never that time an hour later as if it had been asked."""
    texts, lang = texts_of(ctx), lang_of(state)
    near = await bookings.nearest(str(state.slots["mode"]), moment, lang, NEAREST)
    if not near:
        return no_slots(state)
    params = {"date": day_label(texts, lang, moment.date()), "time": f"{moment:%H:%M}"}
    return offer_slots(state, ctx, near, "booking.no_such_time", params)


def confirm(state: ConversationState, ctx: FlowContext, bookings: Bookings, offer: SlotOffer) -> Turn:
    zone = zone_of(ctx)
    until = offer.starts_at - timedelta(hours=bookings.cutoff_hours)
    params = session_params(
        texts_of(ctx), lang_of(state), offer, zone, until, now=ctx.now, cutoff_hours=bookings.cutoff_hours
    )
    iso = offer.starts_at.astimezone(zone).isoformat(timespec="minutes")
    new_state = at_step(state, "confirm", counsellor=offer.counsellor_id, starts=iso)
    if "moving" in state.slots:
        params["old"] = str(state.slots.get("old", ""))
        return Turn((Reply("booking.move_confirm", params, MOVE_BUTTONS),), new_state, "booking.confirm")
    return Turn((Reply("booking.confirm", params, CONFIRM_BUTTONS),), new_state, "booking.confirm")


async def taken(state: ConversationState, ctx: FlowContext, bookings: Bookings, starts: datetime) -> Turn:
    """The time asked for is no longer free: the nearest free ones, and why it is not.

    A time can be gone because another person took it, or because time went on: a "jā" typed days after
    the confirmation, or hours before a session nearer than the booking lead, was told "someone else has
    just taken this time" (calendar QA), which was not true and sent people to look for a culprit."""
    near = await bookings.nearest(str(state.slots["mode"]), starts, lang_of(state), NEAREST)
    if starts <= ctx.now:
        why: Reply | None = Reply("booking.time_passed")
    elif starts < ctx.now + timedelta(hours=bookings.lead_hours):
        why = Reply("booking.too_soon", {"hours": str(bookings.lead_hours)})
    else:
        why = None
    if not near:
        if why is not None:
            return prepend((why,), replace(no_slots(state), flow_step="booking.taken"))
        buttons = (intent_button("human_handoff"), intent_button("help"))
        return Turn((Reply("booking.taken_none", buttons=buttons),), state.leave(), "booking.taken")
    if why is not None:
        turn = offer_slots(state, ctx, near, "booking.nearest_free", {})
        return prepend((why,), replace(turn, flow_step="booking.taken"))
    turn = offer_slots(state, ctx, near, "booking.taken", {})
    return replace(turn, flow_step="booking.taken")


# --- answers that end the flow --------------------------------------------------------------------


def params_with_cutoff(
    state: ConversationState, ctx: FlowContext, bookings: Bookings, info: BookingInfo
) -> dict[str, str]:
    """A session's text parameters including until when it can still be changed: every message that
    confirms or shows a session says so, so that nobody learns of the cut-off only when it has passed."""
    return session_params(
        texts_of(ctx),
        lang_of(state),
        info,
        zone_of(ctx),
        info.changeable_until,
        now=ctx.now,
        cutoff_hours=bookings.cutoff_hours,
    )


def already(state: ConversationState, ctx: FlowContext, bookings: Bookings, info: BookingInfo) -> Turn:
    params = params_with_cutoff(state, ctx, bookings, info)
    buttons = change_buttons(ctx, info)
    return Turn((Reply("booking.already", params, buttons),), state.leave(), "booking.already")


def quota_used(state: ConversationState, quota: Quota) -> Turn:
    buttons = (intent_button("human_handoff"), intent_button("psych_info"), intent_button("help"))
    reply = Reply("booking.quota_used", {"limit": str(quota.limit)}, buttons)
    return Turn((reply,), state.leave(), "booking.quota_used")


def too_late(
    state: ConversationState, ctx: FlowContext, bookings: Bookings, info: BookingInfo, key: str
) -> Turn:
    params = session_params(texts_of(ctx), lang_of(state), info, zone_of(ctx))
    params["hours"] = str(bookings.cutoff_hours)
    if ctx.now >= info.starts_at:
        # under way (a session is "upcoming" until it ends), not "less than 24 h away"
        key = "booking.too_late_started"
    buttons = (intent_button("human_handoff"), intent_button("help"))
    return Turn((Reply(key, params, buttons),), state.leave(), key)


async def no_booking(state: ConversationState, bookings: Bookings) -> Turn:
    quota = await bookings.quota()
    buttons = (
        (intent_button("book_counselling"), intent_button("help")) if quota.left else (intent_button("help"),)
    )
    return Turn((Reply("booking.none", {"left": str(quota.left)}, buttons),), state.leave(), "booking.none")


def no_slots(state: ConversationState) -> Turn:
    buttons = (intent_button("human_handoff"), intent_button("help"))
    return Turn((Reply("booking.no_slots", buttons=buttons),), state.leave(), "booking.no_slots")


def stale(state: ConversationState) -> Turn:
    buttons = (intent_button("book_counselling"), intent_button("help"))
    return Turn((Reply("booking.stale", buttons=buttons),), state.leave(), "booking.stale")


# --- small readers --------------------------------------------------------------------------------


def _typed(turn: UserTurn, name: str) -> Entity | None:
    """The NLU's day, time or week entity as the answer, unless the person changed the subject."""
    entity = turn.parse.entity(name)
    if entity is None or turn.payload:
        return None
    sure_of_another = turn.parse.intent not in TIME_INTENTS and turn.parse.confidence >= SURE
    return None if sure_of_another and not _only_the_time(turn.text, entity) else entity


def wanted(turn: UserTurn) -> str | None:
    """The day or time the person typed (the NLU's `time` entity), unless they changed the subject."""
    entity = _typed(turn, "time")
    if entity is None:
        return None
    try:
        moment = datetime.fromisoformat(entity.value)
    except ValueError:
        return None
    return moment.isoformat() if moment.tzinfo is not None else None


def week_wanted(turn: UserTurn) -> date | None:
    """The calendar week the person typed ("nākamnedēļ", "на следующей неделе", "next week"; the NLU's
    `week` entity, its Monday), on the same terms as `wanted`."""
    entity = _typed(turn, "week")
    if entity is None:
        return None
    try:
        return date.fromisoformat(entity.value)
    except ValueError:
        return None


def days_wanted(turn: UserTurn) -> tuple[date, date] | None:
    """The stretch of days the person typed ("janvārī", "janvāra sākumā", "в начале января"; the NLU's
    `days` entity, first and last), on the same terms as `wanted`."""
    entity = _typed(turn, "days")
    return None if entity is None else _span_of(entity.value)


def either_wanted(turn: UserTurn) -> tuple[date, date] | None:
    """The two days "next Friday" may mean (the NLU's `either_day`: this week's, next week's), on the same
    terms as `wanted`."""
    entity = _typed(turn, "either_day")
    return None if entity is None else _span_of(entity.value)


def _span_of(value: str) -> tuple[date, date] | None:
    first, _, last = value.partition("/")
    try:
        return date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        return None


def hour_alone(turn: UserTurn) -> bool:
    """An hour said without a day or a week ("10:00", "plkst. 10", "в 10 утра"; the NLU's `clock`)."""
    return turn.parse.entity("clock") is not None and week_wanted(turn) is None


def hour_instead(state: ConversationState, turn: UserTurn, zone: tzinfo) -> datetime | None:
    """At the confirmation, another hour asked without a marker ("varbūt 11?", "a ja 11?", "а если 11?",
    "what about 11?"): that hour of the day being confirmed, as "labāk ap 11" is. They were read as other
    questions, and "a ja 11?" as a sure yes that booked the time on screen (QA, tenth pass).

    A bare "11" stays out: at the confirmation it is a number not on the list, and at the days and times it
    is read by typed_day_of_month and typed_hour, the list's number first; so does a number on the list."""
    number = None if turn.payload else opened_number(turn.text)
    day = confirming_day(state)
    # the list's numbers win, as everywhere: "nu 1" stays the first button, never 13:00
    if number is None or day is None or number <= len(state.options) or number > LAST_HOUR:
        return None
    return datetime.combine(date.fromisoformat(day), time(daytime_hour(number)), zone)


def confirming_day(state: ConversationState) -> str | None:
    """The day of the session being confirmed (ISO), from its start; None when there is none."""
    starts = state.slots.get("starts")
    if not isinstance(starts, str):
        return None
    try:
        return datetime.fromisoformat(starts).date().isoformat()
    except ValueError:
        return None


def typed_day_of_month(state: ConversationState, turn: UserTurn, today: date) -> date | None:
    """A number typed alone at the days ("15", "15.") that is not one of the list's numbers: the next day
    of the month with that number. It was answered "no such number" though the 15th was on offer (QA).

    The rule for a number that could be both: the list's number wins, because it is what the screen
    shows ("3" among seven days is the third day, not the 3rd; the pipeline has already made it that
    button). So a number is a day of the month only when it is larger than the list is long, up to 31.
    A day with a mark ("3-го", "the 3rd", "3. datumā") is a date whatever the list: the NLU reads those.
    """
    number = bare_number(turn.text)
    if turn.payload or number is None or number <= len(state.options):
        return None
    return next_day_of_month(number, today)


def typed_hour(state: ConversationState, turn: UserTurn, zone: tzinfo) -> datetime | None:
    """A number typed alone at a day's times ("10") that is not one of the list's numbers: that hour of
    the day on screen (3 is 15:00, as "at 3" is). It was answered "no such number" (QA).

    As at the days, the list's number wins: "5" among seven times is the fifth time; "11" among seven
    is 11:00, and picks the 11:00 button when there is one (flows.engine.resolve_choice)."""
    number = bare_number(turn.text)
    day = state.slots.get("day")
    if turn.payload or number is None or number <= len(state.options) or number > LAST_HOUR:
        return None
    if not isinstance(day, str):
        return None
    return datetime.combine(date.fromisoformat(day), time(daytime_hour(number)), zone)


def only_a_day(turn: UserTurn) -> bool:
    """The message is a day, a week or a stretch of days and nothing else ("janvāra sākumā")."""
    return any(
        entity is not None and _only_the_time(turn.text, entity)
        for entity in (turn.parse.entity(name) for name in ("time", "week", "days"))
    )


def _only_the_time(text: str, entity: Entity) -> bool:
    """The message is the day or time and nothing else: then it is the answer, whatever the model thought
    ("svētdien" was read as a greeting, and the booking started over with "Sveiki!")."""
    rest = text.replace(entity.text, " ", 1) if entity.text else text
    # "how about 11?", "а в 11?": words that only ask for it instead are no other subject (QA, tenth pass:
    # "how about 11?" at the confirmation was read as a question about children)
    return not any(ch.isalpha() for ch in rest) or only_openers(rest)


async def ask_again(
    state: ConversationState,
    ctx: FlowContext,
    bookings: Bookings,
    lead: tuple[Reply, ...] = (Reply("booking.pick_again"),),
) -> Turn:
    """The question of this step once more, after words that answer none of it: "nākamnedēļ" at the days
    restarted the booking from the first question, "лично" at the modes dropped it (QA)."""
    day = state.slots.get("day")
    if state.step == "confirm":
        mode, counsellor = str(state.slots["mode"]), int(str(state.slots["counsellor"]))
        starts = datetime.fromisoformat(str(state.slots["starts"]))
        offer = await bookings.offer(mode, counsellor, starts)
        if offer is None:
            return await taken(state, ctx, bookings, starts)
        return prepend(lead, confirm(state, ctx, bookings, offer))
    if "mode" not in state.slots:
        modes = await bookings.modes()
        if not modes:
            return no_slots(state)
        return prepend(lead, ask_mode(state, modes, await bookings.quota()))
    if state.step == "time" and isinstance(day, str) and date.fromisoformat(day) >= ctx.now.date():
        return prepend(lead, await offer_times(state, ctx, bookings, date.fromisoformat(day)))
    # the day on screen has gone by (the booking was left for days): the days from today, not "that day
    # has no free time" about a day that is over (calendar QA)
    return prepend(lead, await offer_days(at_step(state, "day"), ctx, bookings))


def yes_or_no_again(state: ConversationState, buttons: tuple[ButtonSpec, ...]) -> Turn:
    """At a yes/no question, "paldies" or words the bot did not follow are not an answer: ask once more
    rather than drop the booking (QA: "paldies" at the confirmation booked nothing, without saying so)."""
    return Turn((Reply("booking.yes_or_no", buttons=buttons),), state, f"booking.{state.step}")


def change_buttons(ctx: FlowContext, info: BookingInfo) -> tuple[ButtonSpec, ...]:
    """Move and cancel before the cut-off; after it only a person can help."""
    if ctx.now < info.changeable_until:
        return (intent_button("reschedule_booking"), intent_button("cancel_booking"), intent_button("help"))
    return (intent_button("human_handoff"), intent_button("help"))


def yes_no(turn: UserTurn) -> bool | None:
    """The button, or a typed yes/no the model is sure of: "neesmu pārliecināta" (not sure) read as yes
    at a low confidence booked a session (QA, third pass)."""
    if turn.payload == YES or (turn.payload is None and _sure(turn, "affirm")):
        return True
    if turn.payload == NO or (turn.payload is None and _sure(turn, "deny")):
        return False
    return None


def _sure(turn: UserTurn, intent: str) -> bool:
    return turn.parse.intent == intent and turn.parse.confidence >= SURE_YES_NO


def slot_payload(slot: SlotOffer, zone: tzinfo) -> str:
    return f"{SLOT}{slot.counsellor_id}:{slot.starts_at.astimezone(zone).isoformat(timespec='minutes')}"
