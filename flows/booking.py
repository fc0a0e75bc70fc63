"""Psychologist sessions: book (mode -> day -> time -> confirm), see, cancel and move, through ctx.bookings.

Rules are checked before anything is offered (one upcoming session, the quota, the cut-off) and again
by the shell when it writes, since another person may have taken the time meanwhile (SlotTaken).
Button payloads (`bk:...`) stay well under Telegram's 64-byte callback_data.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from flows import booking_steps as steps
from flows import conversation
from flows.booking_text import clock, day_label, moment_label, session_params
from flows.faq import intent_button
from flows.ports import MODES, BookingInfo, BookingRefused, Bookings, FlowContext, SlotTaken
from flows.state import ButtonSpec, ConversationState, Reply, Turn, UserTurn
from nlu.normalize import normalize
from nlu.parse import FALLBACK

FLOW = steps.FLOW
CONTINUABLE = ("mode", "day", "time", "confirm")  # steps a booking can go on from after another question
RESCHEDULE = "reschedule_booking"  # "another time" said at the confirmation
CANCEL = "cancel_booking"


# --- entry points (registry.FLOWS) ----------------------------------------------------------------


async def book_counselling(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    bookings = ctx.bookings
    if bookings is None:
        return await conversation.booking_by_coordinator(state, turn, ctx)
    upcoming = await bookings.upcoming()
    if upcoming is not None:
        return steps.already(state, ctx, bookings, upcoming)
    quota = await bookings.quota()
    if quota.left <= 0:
        return steps.quota_used(state, quota)
    modes = await bookings.modes()
    if not modes:
        return steps.no_slots(state)
    week, span, either = _week(turn), steps.days_wanted(turn), steps.either_wanted(turn)
    # with "next Friday" the wanted moment is kept for its hour ("next Friday at 3pm": after_mode)
    want = steps.wanted(turn) if week is None else None
    state = steps.at_step(
        state.leave(),
        "mode",
        want=want,
        week=None if week is None else week.isoformat(),
        span=None if span is None else "/".join(d.isoformat() for d in span),
        either=None if either is None else "/".join(d.isoformat() for d in either),
    )
    if len(modes) == 1:
        return await steps.after_mode(state, ctx, bookings, modes[0])
    return steps.ask_mode(state, modes, quota)


# "how many are left": the person's own quota, not the general answer on sessions (journeys QA, s11: "cik man
# vēl palika konsultāciju?" got psych_info; "how many sessions do I have left?" mid-booking got "you have no
# session booked" and the booking was gone). Normalised words; only with an intent about sessions.
_HOW_MANY = frozenset(normalize(word) for word in ("cik", "сколько", "skolko"))
_LEFT = frozenset(
    normalize(word)
    for word in (
        "vēl", "palika", "paliek", "palikušas", "palikusi", "atlicis", "atlikušas", "atlikusi",
        "ещё", "еще", "осталось", "остались", "остаётся", "ostalos",
        "left", "remaining", "remain", "more",
    )
)  # fmt: skip
LEFT_INTENTS = frozenset({"psych_info", "my_bookings", "book_counselling", FALLBACK})


def asks_what_is_left(turn: UserTurn) -> bool:
    """Typed "how many (sessions) are left?" in any of our languages, read by the model as about sessions."""
    if turn.payload or turn.parse.intent not in LEFT_INTENTS:
        return False
    words = normalize(turn.text).split()
    how_many = not _HOW_MANY.isdisjoint(words) or any(
        a == "how" and b == "many" for a, b in zip(words, words[1:], strict=False)
    )
    return how_many and not _LEFT.isdisjoint(words)


async def sessions_left(state: ConversationState, ctx: FlowContext) -> Turn | None:
    """How many sessions the person may still book, from their own quota; in the middle of a booking the
    booking waits (offer_to_continue). None without a booking service (the topic's answer says it)."""
    bookings = ctx.bookings
    if bookings is None:
        return None
    quota = await bookings.quota()
    if quota.left <= 0:
        return offer_to_continue(state, steps.quota_used(state, quota))
    upcoming = await bookings.upcoming()
    first = intent_button("my_bookings") if upcoming is not None else intent_button("book_counselling")
    params = {"left": str(quota.left), "limit": str(quota.limit)}
    reply = Reply("booking.left", params, (first, intent_button("help")))
    return offer_to_continue(state, Turn((reply,), state.leave(), "booking.left"))


async def _upcoming(
    state: ConversationState, turn: UserTurn, ctx: FlowContext, too_late_key: str | None = None
) -> tuple[Bookings, BookingInfo] | Turn:
    """The person's upcoming session (still changeable, when `too_late_key` names what to say if not),
    or the turn that says why there is nothing to show or change: see, cancel and move share these rules."""
    bookings = ctx.bookings
    if bookings is None:
        return await conversation.booking_by_coordinator(state, turn, ctx)
    info = await bookings.upcoming()
    if info is None:
        return await steps.no_booking(state, bookings)
    if too_late_key is not None and ctx.now >= info.changeable_until:
        return steps.too_late(state, ctx, bookings, info, too_late_key)
    return bookings, info


async def my_bookings(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    found = await _upcoming(state, turn, ctx)
    if isinstance(found, Turn):
        return found
    bookings, info = found
    params = steps.params_with_cutoff(state, ctx, bookings, info)
    buttons = steps.change_buttons(ctx, info)
    return Turn((Reply("booking.mine", params, buttons),), state.leave(), "booking.mine")


async def cancel_booking(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    found = await _upcoming(state, turn, ctx, "booking.too_late_cancel")
    if isinstance(found, Turn):
        return found
    _, info = found
    params = session_params(steps.texts_of(ctx), steps.lang_of(state), info, steps.zone_of(ctx))
    buttons = steps.CANCEL_BUTTONS
    new_state = steps.at_step(state.leave(), "cancel", booking=info.id)
    return Turn((Reply("booking.cancel_confirm", params, buttons),), new_state, "booking.cancel_confirm")


async def reschedule_booking(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    found = await _upcoming(state, turn, ctx, "booking.too_late_move")
    if isinstance(found, Turn):
        return found
    bookings, info = found
    texts, lang, zone = steps.texts_of(ctx), steps.lang_of(state), steps.zone_of(ctx)
    old = moment_label(texts, lang, info.starts_at, zone)
    state = steps.at_step(state.leave(), "day", mode=info.mode, moving=info.id, old=old)
    local = info.starts_at.astimezone(zone)
    when = {"date": day_label(texts, lang, local.date()), "time": clock(local, zone)}
    lead = (Reply("booking.move_intro", when), *await steps.language_notice(state, ctx, bookings, info.mode))
    week, want, span = _week(turn), steps.wanted(turn), steps.days_wanted(turn)
    either = steps.either_wanted(turn)
    if either is not None:
        return steps.prepend(lead, steps.offer_either(state, ctx, *either, at=steps.hour_of(want)))
    if week is not None:
        return steps.prepend(lead, await steps.offer_week(state, ctx, bookings, week))
    if span is not None:
        return steps.prepend(lead, await steps.offer_span(state, ctx, bookings, *span))
    if want is not None:
        return steps.prepend(
            lead, await steps.pick_by_time(state, ctx, bookings, datetime.fromisoformat(want))
        )
    return steps.prepend(lead, await steps.offer_days(state, ctx, bookings))


async def resume(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn | None:
    """The active booking flow takes the turn; None when the person moved on to something else."""
    # "nākamo" typed at "this week's Friday or next week's?" is that button, its hour kept
    payload = (
        turn.payload or steps.either_answer(state, turn, ctx.now.astimezone(steps.zone_of(ctx)).date()) or ""
    )
    bookings = ctx.bookings
    if state.flow != steps.FLOW or bookings is None:
        if payload == steps.YES and bookings is not None and await bookings.upcoming() is not None:
            # "yes, book" tapped twice: the first booked, the second showed "this choice is no longer valid,
            # start again?" as if the booking had failed (channels QA); show the session instead
            return await my_bookings(state, turn, ctx)
        return steps.stale(state) if payload.startswith(steps.PREFIX) else None
    if payload == steps.RESUME and state.step in CONTINUABLE:
        return await steps.ask_again(state, ctx, bookings, lead=())
    aside = await _aside(state, turn, ctx, bookings)
    if aside is not None:
        return aside
    if (
        not payload
        and turn.parse.intent == CANCEL
        and state.step in CONTINUABLE
        and "moving" not in state.slots
    ):
        # "atcelt", "es nevarēšu" while booking is a no to this booking: it said "you have no session
        # booked", as if the booking had gone wrong (bookings QA). While moving, the cancel flow asks.
        return await _declined(state, ctx, bookings)
    if state.step == "cancel":
        answer = steps.yes_no(turn)
        if answer is not None:
            return await _answer_cancel(state, ctx, bookings, answer)
        if _not_an_answer(turn):
            return steps.yes_or_no_again(state, steps.CANCEL_BUTTONS)
    if state.step == "confirm":
        instead = steps.hour_instead(state, turn, steps.zone_of(ctx))
        if instead is not None:  # before the yes: "a ja 11?" was a sure yes, and booked the hour on screen
            that_day = instead.date().isoformat()
            return await steps.pick_by_time(
                steps.at_step(state, "time", day=that_day), ctx, bookings, instead, bare=True
            )
        answer = steps.yes_no(turn)
        if answer is True:
            return await _book(state, ctx, bookings)
        if answer is False:
            return await _declined(state, ctx, bookings)
        if not payload and (
            steps.wanted(turn) is not None
            or steps.week_wanted(turn) is not None
            or steps.days_wanted(turn) is not None
        ):
            # "labāk piektdien": read below as the day or time wanted; an hour alone ("labāk 13:00", "а
            # можно в 10?") is that hour of the day being confirmed, as at its times: the NLU put it
            # today or tomorrow, and "tomorrow 10:00" was offered for confirming instead (QA, eighth pass)
            same_day = steps.confirming_day(state) if steps.hour_alone(turn) else None
            state = steps.at_step(state, "time", day=same_day) if same_day else steps.at_step(state, "day")
        elif not payload and turn.parse.intent == RESCHEDULE:
            # "я хочу другое время" at the confirmation said "you have no session" and the booking was gone
            # (QA, seventh pass): the days again
            return await steps.offer_days(steps.at_step(state, "day"), ctx, bookings)
        elif _not_an_answer(turn):
            moving = "moving" in state.slots
            buttons = steps.MOVE_BUTTONS if moving else steps.CONFIRM_BUTTONS
            return steps.yes_or_no_again(state, buttons)
    if payload.startswith(steps.PREFIX):
        return await _payload(state, ctx, bookings, payload)
    if not payload and state.step == "day":
        day = steps.typed_day_of_month(state, turn, ctx.now.date())
        if day is not None:  # "15" among six days: the 15th (the list's numbers never get here)
            return await steps.offer_times(state, ctx, bookings, day)
    if not payload and state.step == "time":
        hour = steps.typed_hour(state, turn, steps.zone_of(ctx))
        if hour is not None:  # "10" among seven times: 10:00 that day, or the nearest free times
            return await steps.pick_by_time(state, ctx, bookings, hour, bare=True)
    week = _week(turn)
    if week is not None and state.step in ("mode", "day", "time"):
        # "nākamnedēļ" at the days asked the same question again (QA): the days of that week
        if "mode" not in state.slots:
            return steps.ask_mode(
                steps.at_step(state, "mode", week=week.isoformat()),
                await bookings.modes(),
                await bookings.quota(),
            )
        return await steps.offer_week(state, ctx, bookings, week)
    either = await _either(state, turn, ctx, bookings)
    if either is not None:
        return either
    span = steps.days_wanted(turn)
    if span is not None and state.step in ("mode", "day", "time"):
        # "janvāra sākumā" at the days was read as a wish for the menu and the booking was gone, "janvārī"
        # was not understood (calendar QA): the days of that stretch
        if "mode" not in state.slots:
            return steps.ask_mode(
                steps.at_step(state, "mode", span="/".join(d.isoformat() for d in span)),
                await bookings.modes(),
                await bookings.quota(),
            )
        return await steps.offer_span(steps.at_step(state, "day"), ctx, bookings, *span)
    want = steps.wanted(turn)
    if want is not None and state.step in ("mode", "day", "time"):
        if "mode" not in state.slots:
            return steps.ask_mode(
                steps.at_step(state, "mode", want=want), await bookings.modes(), await bookings.quota()
            )
        # an hour without a day ("10:00", "plkst. 10", "в 10 утра") means the day whose times are shown
        bare = state.step == "time" and (
            steps.BARE_CLOCK.fullmatch(turn.text.strip()) is not None
            or turn.parse.entity("clock") is not None
        )
        return await steps.pick_by_time(state, ctx, bookings, datetime.fromisoformat(want), bare=bare)
    if state.step in ("mode", "day", "time") and "moving" in state.slots and _sure_no(turn):
        # "нет, оставьте как есть" while choosing a new time: the session stays (it looped, QA fifth pass)
        return await _declined(state, ctx, bookings)
    if state.step in ("mode", "day", "time") and _not_a_choice(state, turn):
        if "mode" in state.slots and turn.parse.entity("day_refused") is not None:
            # "rīt nevaru": understood, not "sorry, I did not understand"; the days again (QA, fifth pass)
            lead = (Reply("booking.other_day"),)
            return steps.prepend(lead, await steps.offer_days(steps.at_step(state, "day"), ctx, bookings))
        return await steps.ask_again(state, ctx, bookings)
    return None


async def _either(
    state: ConversationState, turn: UserTurn, ctx: FlowContext, bookings: Bookings
) -> Turn | None:
    """ "nākamajā piektdienā" on a Monday: this Friday or next week's? Both, with their dates (calendar QA:
    it was this week's without a word); the mode first when it is not chosen yet."""
    either = steps.either_wanted(turn)
    if either is None or state.step not in ("mode", "day", "time"):
        return None
    want = steps.wanted(turn)  # its hour, if one was said ("next Friday at 3pm")
    if "mode" not in state.slots:
        return steps.ask_mode(
            steps.at_step(state, "mode", either="/".join(d.isoformat() for d in either), want=want),
            await bookings.modes(),
            await bookings.quota(),
        )
    return steps.offer_either(steps.at_step(state, "day"), ctx, *either, at=steps.hour_of(want))


def _week(turn: UserTurn) -> date | None:
    """The week typed, when no day in it was said beside it (at most an hour): "nākamnedēļ plkst. 10" is
    the week's days; "nākamnedēļ piektdien" is a day, which the NLU already put in that week."""
    week = steps.week_wanted(turn)
    no_day = turn.parse.entity("time") is None or turn.parse.entity("clock") is not None
    return week if no_day else None


def _greeting(turn: UserTurn) -> bool:
    """A greeting the model is sure of, with no day or time in it and no button."""
    sure = turn.parse.intent == "greet" and turn.parse.confidence >= steps.SURE
    return sure and not turn.payload and not steps.only_a_day(turn) and turn.parse.entity("time") is None


async def _aside(
    state: ConversationState, turn: UserTurn, ctx: FlowContext, bookings: Bookings
) -> Turn | None:
    """Words said beside the booking's question that the booking answers itself and then waits: a greeting,
    a thank-you, or which mode is better."""
    pleasantry = _greeted_or_thanked(state, turn)
    if pleasantry is not None:
        return pleasantry
    # the words first, against every mode: the modes on offer come from a scan of the free times, which
    # every typed answer at these steps would otherwise pay for
    if state.step in ("mode", "day", "time") and steps.compares_modes(ctx, MODES, turn):
        modes = await bookings.modes()
        if steps.compares_modes(ctx, modes, turn):
            # "kas labāk, pa telefonu vai video?" got the prison video-visits answer (journeys QA, s11); at
            # the days or times too (bookings probe, s11): a mode picked again goes on from there (after_mode)
            return steps.modes_compared(state, modes)
    if steps.asks_about_changing(state, turn):
        return _waits(
            state, Reply("booking.change_later", {"hours": str(bookings.cutoff_hours)}), "booking.later"
        )
    asked = steps.language_asked(state, turn)
    if asked is not None:
        return await _speakers(state, ctx, bookings, asked)
    if steps.asks_where(state, turn):
        # "kur notiek klātienes konsultācija?" got "nesapratu" (bookings probe, s11): where the address shows
        return _waits(state, Reply("booking.where"), "booking.where")
    return None


def _go_on_buttons() -> tuple[ButtonSpec, ...]:
    return (ButtonSpec(steps.RESUME, "booking.button.continue"), intent_button("help"))


def _waits(state: ConversationState, answer: Reply, flow_step: str) -> Turn:
    """An answer given beside the booking, which then waits where it was: shall we go on?"""
    return Turn((answer, Reply("booking.continue", buttons=_go_on_buttons())), state, flow_step)


async def _speakers(state: ConversationState, ctx: FlowContext, bookings: Bookings, asked: str) -> Turn:
    """Whether a psychologist who speaks the language asked about has free times (in the mode chosen, or in
    any), and that times are offered with those who speak the language the person writes in."""
    mode = state.slots.get("mode")
    modes = (str(mode),) if mode is not None else await bookings.modes()
    speaks = any([await bookings.speaks(m, asked) for m in modes])
    language = steps.texts_of(ctx).render(f"booking.lang.{asked}", steps.lang_of(state))
    key = "booking.speakers_free" if speaks else "booking.speakers_none"
    return _waits(state, Reply(key, {"language": language}), "booking.speakers")


def _greeted_or_thanked(state: ConversationState, turn: UserTurn) -> Turn | None:
    """A greeting or a thank-you in the middle of a booking: answered in kind, and asked whether to go on."""
    if state.step in CONTINUABLE and _greeting(turn):
        # "labdien", often days after the booking was left half-way: it was "Sorry, I did not understand",
        # or "please answer yes or no" at the confirmation (calendar QA); greeted back, asked to go on
        return Turn((Reply("booking.hello_again", buttons=_go_on_buttons()),), state, "booking.hello_again")
    if state.step in ("mode", "day", "time") and _thanks(turn):
        # "paldies" at the days or times got "Atvainojiet, nesapratu" (journeys QA, s11): thanked back, and
        # asked whether to go on; the booking waits where it was
        return _waits(state, Reply("thanks"), "booking.thanks")
    return None


def _thanks(turn: UserTurn) -> bool:
    """A thank-you the model is sure of, with no day, time or yes/no in it ("paldies, rīt" is a day)."""
    sure = turn.parse.intent == "thanks" and turn.parse.confidence >= steps.SURE
    return sure and not turn.payload and turn.parse.entity("time") is None and steps.yes_no(turn) is None


def _sure_no(turn: UserTurn) -> bool:
    """A no the model is sure of, with no day or time in it ("nē, rīt neder" is a day refused)."""
    return steps.yes_no(turn) is False and turn.parse.entity("time") is None


def _not_an_answer(turn: UserTurn) -> bool:
    return not turn.payload and turn.parse.intent in steps.NOT_AN_ANSWER and turn.parse.entity("time") is None


# answers that tell how to book, said in the middle of a booking: "press 'Book a psychologist'" named a button
# that is not there (it would start over), under it was "Continue booking" (journeys QA, s11)
WHILE_BOOKING = {"faq.psych_info": "faq.psych_info.while_booking"}


def offer_to_continue(before: ConversationState, answered: Turn) -> Turn:
    """After a question answered in the middle of a booking, the booking waits where it was, and a button
    takes them back to it: "what does it cost?" at the times was answered and the booking was gone (QA).

    The booking's state is kept, so a day or time typed next still counts.
    """
    if before.flow != FLOW or before.step not in CONTINUABLE:
        return answered
    # every button goes under the last message, continuing first: SMS and the terminal number each
    # message's buttons from 1, while a typed "1" picks from all of the turn's (the answer's "book a
    # psychologist" would start over, so it goes)
    again = intent_button("book_counselling").payload
    kept = tuple(b for r in answered.replies for b in r.buttons if b.payload != again)
    buttons = (ButtonSpec(steps.RESUME, "booking.button.continue"), *kept)
    replies = (
        *(replace(r, key=WHILE_BOOKING.get(r.key, r.key), buttons=()) for r in answered.replies),
        Reply("booking.continue", buttons=buttons),
    )
    return Turn(replies, before, answered.flow_step)


def holds_on(state: ConversationState, turn: UserTurn) -> bool:
    """In the middle of a booking, typed words the model only guesses to be a wish for the menu are not
    one: "what does it cost?" (help, 0.44) at the times put the menu up and the booking was gone (QA)."""
    if state.flow != FLOW or state.step not in CONTINUABLE or turn.payload is not None:
        return False
    # a day and nothing else is the answer, however sure the model is: "janvāra sākumā" was the menu
    # (help, 0.99: "sākums" is the start page) and the booking was gone (calendar QA)
    return turn.parse.confidence < steps.SURE or steps.only_a_day(turn)


def _not_a_choice(state: ConversationState, turn: UserTurn) -> bool:
    """Neither an offered choice nor, as far as the model is sure, another subject (numbers not offered
    are the engine's: it says which there are)."""
    if turn.payload or conversation.number_not_offered(state, turn):
        return False
    return turn.parse.intent in steps.NOT_A_CHOICE or turn.parse.confidence < steps.SURE


def is_payload(payload: str | None) -> bool:
    return bool(payload and payload.startswith(steps.PREFIX))


# --- steps ---


async def _payload(state: ConversationState, ctx: FlowContext, bookings: Bookings, payload: str) -> Turn:
    try:
        if payload.startswith(steps.MODE):
            mode = payload.removeprefix(steps.MODE)
            if mode in await bookings.modes():
                return await steps.after_mode(state, ctx, bookings, mode)
        elif "mode" not in state.slots:
            return steps.stale(state)
        elif payload.startswith(steps.DAY):
            return await steps.offer_times(
                state, ctx, bookings, date.fromisoformat(payload.removeprefix(steps.DAY))
            )
        elif payload == steps.DAYS:
            return await steps.offer_days(state, ctx, bookings)
        elif payload.startswith(steps.DAYS + ":"):
            return await steps.offer_days(
                state, ctx, bookings, date.fromisoformat(payload.removeprefix(steps.DAYS + ":"))
            )
        elif payload.startswith(steps.AT):
            # a day picked with the hour said before ("next Friday at 3pm"): that hour, free or the nearest
            moment = datetime.fromisoformat(payload.removeprefix(steps.AT))
            if moment.tzinfo is None:
                raise ValueError("a moment without its offset")
            return await steps.pick_by_time(steps.at_step(state, "day"), ctx, bookings, moment)
        elif payload.startswith(steps.SLOT):
            counsellor, _, iso = payload.removeprefix(steps.SLOT).partition(":")
            starts = datetime.fromisoformat(iso)
            offer = await bookings.offer(str(state.slots["mode"]), int(counsellor), starts)
            if offer is None:
                return await steps.taken(state, ctx, bookings, starts)
            return steps.confirm(state, ctx, bookings, offer)
    except ValueError:
        pass  # a malformed or foreign payload
    return steps.stale(state)


async def _declined(state: ConversationState, ctx: FlowContext, bookings: Bookings) -> Turn:
    """No to the new time. When moving, the session they have stays, and they are told when it is:
    "nothing was booked" read as if the move had cost them their session (QA)."""
    info = await bookings.upcoming() if "moving" in state.slots else None
    if info is None or info.id != state.slots.get("moving"):
        buttons: tuple[ButtonSpec, ...] = (intent_button("help"),)
        return Turn((Reply("booking.dropped", buttons=buttons),), state.leave(), "booking.dropped")
    params = session_params(steps.texts_of(ctx), steps.lang_of(state), info, steps.zone_of(ctx))
    buttons = (intent_button("my_bookings"), intent_button("help"))
    reply = Reply("booking.move_declined", params, buttons)
    return Turn((reply,), state.leave(), "booking.move_declined")


async def _book(state: ConversationState, ctx: FlowContext, bookings: Bookings) -> Turn:
    mode = str(state.slots["mode"])
    counsellor, starts = (
        int(str(state.slots["counsellor"])),
        datetime.fromisoformat(str(state.slots["starts"])),
    )
    moving = state.slots.get("moving")
    try:
        if moving is not None:
            info = await bookings.reschedule(int(str(moving)), counsellor, starts)
        else:
            info = await bookings.book(mode, counsellor, starts)
    except SlotTaken:
        return await steps.taken(state, ctx, bookings, starts)
    except BookingRefused as refused:
        return await _refused(state, ctx, bookings, refused.reason)
    params = steps.params_with_cutoff(state, ctx, bookings, info)
    key = "booking.moved" if moving is not None else "booking.booked"
    buttons = (intent_button("my_bookings"), intent_button("help"))
    return Turn((Reply(key, params, buttons),), state.leave(), key)


async def _refused(state: ConversationState, ctx: FlowContext, bookings: Bookings, reason: str) -> Turn:
    info = await bookings.upcoming()
    if reason == "quota":
        return steps.quota_used(state, await bookings.quota())
    if reason == "upcoming" and info is not None:
        return steps.already(state, ctx, bookings, info)
    if info is not None:
        return steps.too_late(state, ctx, bookings, info, "booking.too_late_move")
    return steps.stale(state)


async def _answer_cancel(state: ConversationState, ctx: FlowContext, bookings: Bookings, yes: bool) -> Turn:
    if not yes:
        return Turn((Reply("booking.kept", buttons=(intent_button("help"),)),), state.leave(), "booking.kept")
    info = await bookings.upcoming()
    if info is None or info.id != state.slots.get("booking"):
        return steps.stale(state)
    try:
        await bookings.cancel(info.id)
    except BookingRefused:
        return steps.too_late(state, ctx, bookings, info, "booking.too_late_cancel")
    buttons = (intent_button("book_counselling"), intent_button("help"))
    return Turn((Reply("booking.cancelled", buttons=buttons),), state.leave(), "booking.cancelled")
