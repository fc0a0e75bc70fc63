"""Psychologist sessions: book (mode -> day -> time -> confirm), see, cancel and move, through ctx.bookings.

Rules are checked before anything is offered (one upcoming session, the quota, the cut-off) and again
by the shell when it writes, since another person may have taken the time meanwhile (SlotTaken).
Button payloads (`bk:...`) stay well under Telegram's 64-byte callback_data.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta, tzinfo

from flows import conversation
from flows.booking_text import clock, day_label, day_short, moment_label, session_params
from flows.faq import intent_button
from flows.ports import BookingInfo, BookingRefused, Bookings, FlowContext, Quota, SlotOffer, SlotTaken
from flows.state import ButtonSpec, ConversationState, JSONValue, Reply, Turn, UserTurn
from flows.texts import Texts
from nlu.parse import FALLBACK

FLOW = "booking"
PREFIX = "bk:"
MODE = "bk:mode:"
DAY = "bk:day:"
DAYS = "bk:days"  # "bk:days" (from the start) or "bk:days:2026-12-01" (later days)
SLOT = "bk:slot:"  # bk:slot:<counsellor id>:<local ISO time with offset>
YES = "bk:yes"
NO = "bk:no"
DAYS_SHOWN = 6
TIMES_SHOWN = 12
NEAREST = 3
# a time typed during booking counts unless the NLU is sure the person moved to another topic
_TIME_INTENTS = {FALLBACK, "book_counselling", "reschedule_booking", "affirm"}
_SURE = 0.7
_BARE_CLOCK = re.compile(r"\d{1,2}(?:[:.]\d{2})?")


@functools.cache
def _default_texts() -> Texts:
    return Texts.load()


def _texts(ctx: FlowContext) -> Texts:
    return ctx.texts or _default_texts()


def _zone(ctx: FlowContext) -> tzinfo:
    zone = ctx.now.tzinfo
    if zone is None:
        raise ValueError("FlowContext.now must be aware")
    return zone


def _lang(state: ConversationState) -> str:
    return state.lang or "lv"


def _with(state: ConversationState, step: str, **slots: str | int | None) -> ConversationState:
    merged: dict[str, JSONValue] = {k: v for k, v in {**state.slots, **slots}.items() if v is not None}
    return replace(state, flow=FLOW, step=step, slots=merged)


def _prepend(lead: tuple[Reply, ...], turn: Turn) -> Turn:
    return replace(turn, replies=(*lead, *turn.replies))


# --- entry points (registry.FLOWS) ----------------------------------------------------------------


async def book_counselling(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    bookings = ctx.bookings
    if bookings is None:
        return await conversation.booking_by_coordinator(state, turn, ctx)
    upcoming = await bookings.upcoming()
    if upcoming is not None:
        return _already(state, ctx, bookings, upcoming)
    quota = await bookings.quota()
    if quota.left <= 0:
        return _quota_used(state, quota)
    modes = await bookings.modes()
    if not modes:
        return _no_slots(state)
    state = _with(state.leave(), "mode", want=_wanted(turn))
    if len(modes) == 1:
        return await _after_mode(state, ctx, bookings, modes[0])
    return _ask_mode(state, modes, quota)


async def my_bookings(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    bookings = ctx.bookings
    if bookings is None:
        return await conversation.booking_by_coordinator(state, turn, ctx)
    info = await bookings.upcoming()
    if info is None:
        return await _none(state, bookings)
    params = session_params(
        _texts(ctx),
        _lang(state),
        info,
        _zone(ctx),
        info.changeable_until,
        now=ctx.now,
        cutoff_hours=bookings.cutoff_hours,
    )
    buttons = _change_buttons(ctx, info)
    return Turn((Reply("booking.mine", params, buttons),), state.leave(), "booking.mine")


async def cancel_booking(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    bookings = ctx.bookings
    if bookings is None:
        return await conversation.booking_by_coordinator(state, turn, ctx)
    info = await bookings.upcoming()
    if info is None:
        return await _none(state, bookings)
    if ctx.now >= info.changeable_until:
        return _too_late(state, ctx, bookings, info, "booking.too_late_cancel")
    params = session_params(_texts(ctx), _lang(state), info, _zone(ctx))
    buttons = (ButtonSpec(YES, "booking.button.cancel_yes"), ButtonSpec(NO, "booking.button.keep"))
    new_state = _with(state.leave(), "cancel", booking=info.id)
    return Turn((Reply("booking.cancel_confirm", params, buttons),), new_state, "booking.cancel_confirm")


async def reschedule_booking(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    bookings = ctx.bookings
    if bookings is None:
        return await conversation.booking_by_coordinator(state, turn, ctx)
    info = await bookings.upcoming()
    if info is None:
        return await _none(state, bookings)
    if ctx.now >= info.changeable_until:
        return _too_late(state, ctx, bookings, info, "booking.too_late_move")
    texts, lang, zone = _texts(ctx), _lang(state), _zone(ctx)
    old = moment_label(texts, lang, info.starts_at, zone)
    state = _with(state.leave(), "day", mode=info.mode, moving=info.id, old=old)
    local = info.starts_at.astimezone(zone)
    when = {"date": day_label(texts, lang, local.date()), "time": clock(local, zone)}
    intro = Reply("booking.move_intro", when)
    want = _wanted(turn)
    if want is not None:
        return _prepend((intro,), await _pick_by_time(state, ctx, bookings, datetime.fromisoformat(want)))
    return _prepend((intro,), await _offer_days(state, ctx, bookings))


async def resume(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn | None:
    """The active booking flow takes the turn; None when the person moved on to something else."""
    payload = turn.payload or ""
    bookings = ctx.bookings
    if state.flow != FLOW or bookings is None:
        return _stale(state) if payload.startswith(PREFIX) else None
    if state.step == "cancel":
        answer = _yes_no(turn)
        if answer is not None:
            return await _answer_cancel(state, ctx, bookings, answer)
    if state.step == "confirm":
        answer = _yes_no(turn)
        if answer is True:
            return await _book(state, ctx, bookings)
        if answer is False:
            return Turn(
                (Reply("booking.dropped", buttons=(intent_button("help"),)),),
                state.leave(),
                "booking.dropped",
            )
    if payload.startswith(PREFIX):
        return await _payload(state, ctx, bookings, payload)
    want = _wanted(turn)
    if want is not None and state.step in ("mode", "day", "time"):
        if "mode" not in state.slots:
            return _ask_mode(_with(state, "mode", want=want), await bookings.modes(), await bookings.quota())
        bare = state.step == "time" and _BARE_CLOCK.fullmatch(turn.text.strip()) is not None
        return await _pick_by_time(state, ctx, bookings, datetime.fromisoformat(want), bare=bare)
    return None


def is_payload(payload: str | None) -> bool:
    return bool(payload and payload.startswith(PREFIX))


# --- steps ----------------------------------------------------------------------------------------


async def _payload(state: ConversationState, ctx: FlowContext, bookings: Bookings, payload: str) -> Turn:
    try:
        if payload.startswith(MODE):
            mode = payload.removeprefix(MODE)
            if mode in await bookings.modes():
                return await _after_mode(state, ctx, bookings, mode)
        elif "mode" not in state.slots:
            return _stale(state)
        elif payload.startswith(DAY):
            return await _offer_times(state, ctx, bookings, date.fromisoformat(payload.removeprefix(DAY)))
        elif payload == DAYS:
            return await _offer_days(state, ctx, bookings)
        elif payload.startswith(DAYS + ":"):
            return await _offer_days(
                state, ctx, bookings, date.fromisoformat(payload.removeprefix(DAYS + ":"))
            )
        elif payload.startswith(SLOT):
            counsellor, _, iso = payload.removeprefix(SLOT).partition(":")
            starts = datetime.fromisoformat(iso)
            offer = await bookings.offer(str(state.slots["mode"]), int(counsellor), starts)
            if offer is None:
                return await _taken(state, ctx, bookings, starts)
            return _confirm(state, ctx, bookings, offer)
    except ValueError:
        pass  # a malformed or foreign payload
    return _stale(state)


async def _after_mode(state: ConversationState, ctx: FlowContext, bookings: Bookings, mode: str) -> Turn:
    want = state.slots.get("want")
    state = _with(state, "day", mode=mode)
    state = replace(state, slots={k: v for k, v in state.slots.items() if k != "want"})
    if isinstance(want, str):
        return await _pick_by_time(state, ctx, bookings, datetime.fromisoformat(want))
    return await _offer_days(state, ctx, bookings)


def _ask_mode(state: ConversationState, modes: tuple[str, ...], quota: Quota) -> Turn:
    buttons = tuple(ButtonSpec(f"{MODE}{m}", f"booking.mode.{m}") for m in modes)
    return Turn((Reply("booking.pick_mode", {"left": str(quota.left)}, buttons),), state, "booking.mode")


async def _offer_days(
    state: ConversationState,
    ctx: FlowContext,
    bookings: Bookings,
    start: date | None = None,
    key: str = "booking.pick_day",
    params: dict[str, str] | None = None,
) -> Turn:
    texts, lang, mode = _texts(ctx), _lang(state), str(state.slots["mode"])
    days = await bookings.days(mode, start, DAYS_SHOWN + 1)
    if not days:
        return _no_slots(state)
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
        for d in days[:DAYS_SHOWN]
    ]
    if len(days) > DAYS_SHOWN:
        buttons.append(ButtonSpec(f"{DAYS}:{days[DAYS_SHOWN].isoformat()}", "booking.button.later"))
    params = params or {"mode": texts.render(f"booking.mode.{mode}", lang)}
    return Turn((Reply(key, params, tuple(buttons)),), _with(state, "day"), "booking.day")


async def _offer_times(state: ConversationState, ctx: FlowContext, bookings: Bookings, day: date) -> Turn:
    texts, lang, zone = _texts(ctx), _lang(state), _zone(ctx)
    slots = await bookings.slots(str(state.slots["mode"]), day, lang)
    label = day_label(texts, lang, day)
    if not slots:
        return await _offer_days(state, ctx, bookings, key="booking.day_full", params={"date": label})
    buttons = [
        ButtonSpec(_slot_payload(s, zone), "booking.button.time", {"time": clock(s.starts_at, zone)})
        for s in slots[:TIMES_SHOWN]
    ]
    buttons.append(ButtonSpec(DAYS, "booking.button.other_day"))
    reply = Reply("booking.pick_time", {"date": label}, tuple(buttons))
    return Turn((reply,), _with(state, "time", day=day.isoformat()), "booking.time")


def _offer_slots(
    state: ConversationState, ctx: FlowContext, slots: list[SlotOffer], key: str, params: dict[str, str]
) -> Turn:
    texts, lang, zone = _texts(ctx), _lang(state), _zone(ctx)
    buttons = [
        ButtonSpec(
            _slot_payload(s, zone),
            "booking.button.slot",
            {
                "date": day_short(texts, lang, s.starts_at.astimezone(zone).date()),
                "time": clock(s.starts_at, zone),
            },
        )
        for s in sorted(slots, key=lambda s: s.starts_at)
    ]
    buttons.append(ButtonSpec(DAYS, "booking.button.other_day"))
    return Turn((Reply(key, params, tuple(buttons)),), _with(state, "time"), "booking.nearest")


async def _pick_by_time(
    state: ConversationState, ctx: FlowContext, bookings: Bookings, moment: datetime, *, bare: bool = False
) -> Turn:
    """A typed day or time: that day's times, the exact time if free, else the nearest free ones.

    A bare clock time ("14:00") typed while a day's times are shown means that day, whatever day the
    NLU resolved it to.
    """
    texts, lang, zone, mode = _texts(ctx), _lang(state), _zone(ctx), str(state.slots["mode"])
    local = moment.astimezone(zone)
    if local.time() == time(0, 0):  # a day without an hour ("rīt", "в пятницу")
        return await _offer_times(state, ctx, bookings, local.date())
    day = state.slots.get("day")
    if bare and isinstance(day, str):
        moment = datetime.combine(date.fromisoformat(day), local.time(), zone)
    near = await bookings.nearest(mode, moment, lang, NEAREST)
    if near and near[0].starts_at == moment:
        return _confirm(state, ctx, bookings, near[0])
    if not near:
        return _no_slots(state)
    return _offer_slots(
        state, ctx, near, "booking.nearest", {"asked": moment_label(texts, lang, moment, zone)}
    )


def _confirm(state: ConversationState, ctx: FlowContext, bookings: Bookings, offer: SlotOffer) -> Turn:
    zone = _zone(ctx)
    until = offer.starts_at - timedelta(hours=bookings.cutoff_hours)
    params = session_params(
        _texts(ctx), _lang(state), offer, zone, until, now=ctx.now, cutoff_hours=bookings.cutoff_hours
    )
    iso = offer.starts_at.astimezone(zone).isoformat(timespec="minutes")
    new_state = _with(state, "confirm", counsellor=offer.counsellor_id, starts=iso)
    if "moving" in state.slots:
        params["old"] = str(state.slots.get("old", ""))
        buttons = (ButtonSpec(YES, "booking.button.move"), ButtonSpec(NO, "booking.button.no"))
        return Turn((Reply("booking.move_confirm", params, buttons),), new_state, "booking.confirm")
    buttons = (ButtonSpec(YES, "booking.button.book"), ButtonSpec(NO, "booking.button.no"))
    return Turn((Reply("booking.confirm", params, buttons),), new_state, "booking.confirm")


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
        return await _taken(state, ctx, bookings, starts)
    except BookingRefused as refused:
        return await _refused(state, ctx, bookings, refused.reason)
    params = session_params(
        _texts(ctx),
        _lang(state),
        info,
        _zone(ctx),
        info.changeable_until,
        now=ctx.now,
        cutoff_hours=bookings.cutoff_hours,
    )
    key = "booking.moved" if moving is not None else "booking.booked"
    buttons = (intent_button("my_bookings"), intent_button("help"))
    return Turn((Reply(key, params, buttons),), state.leave(), key)


async def _taken(state: ConversationState, ctx: FlowContext, bookings: Bookings, starts: datetime) -> Turn:
    near = await bookings.nearest(str(state.slots["mode"]), starts, _lang(state), NEAREST)
    if not near:
        buttons = (intent_button("human_handoff"), intent_button("help"))
        return Turn((Reply("booking.taken_none", buttons=buttons),), state.leave(), "booking.taken")
    turn = _offer_slots(state, ctx, near, "booking.taken", {})
    return replace(turn, flow_step="booking.taken")


async def _refused(state: ConversationState, ctx: FlowContext, bookings: Bookings, reason: str) -> Turn:
    info = await bookings.upcoming()
    if reason == "quota":
        return _quota_used(state, await bookings.quota())
    if reason == "upcoming" and info is not None:
        return _already(state, ctx, bookings, info)
    if info is not None:
        return _too_late(state, ctx, bookings, info, "booking.too_late_move")
    return _stale(state)


async def _answer_cancel(state: ConversationState, ctx: FlowContext, bookings: Bookings, yes: bool) -> Turn:
    if not yes:
        return Turn((Reply("booking.kept", buttons=(intent_button("help"),)),), state.leave(), "booking.kept")
    info = await bookings.upcoming()
    if info is None or info.id != state.slots.get("booking"):
        return _stale(state)
    try:
        await bookings.cancel(info.id)
    except BookingRefused:
        return _too_late(state, ctx, bookings, info, "booking.too_late_cancel")
    buttons = (intent_button("book_counselling"), intent_button("help"))
    return Turn((Reply("booking.cancelled", buttons=buttons),), state.leave(), "booking.cancelled")


# --- answers that end the flow --------------------------------------------------------------------


def _already(state: ConversationState, ctx: FlowContext, bookings: Bookings, info: BookingInfo) -> Turn:
    params = session_params(
        _texts(ctx),
        _lang(state),
        info,
        _zone(ctx),
        info.changeable_until,
        now=ctx.now,
        cutoff_hours=bookings.cutoff_hours,
    )
    buttons = _change_buttons(ctx, info)
    return Turn((Reply("booking.already", params, buttons),), state.leave(), "booking.already")


def _quota_used(state: ConversationState, quota: Quota) -> Turn:
    buttons = (intent_button("human_handoff"), intent_button("psych_info"), intent_button("help"))
    reply = Reply("booking.quota_used", {"limit": str(quota.limit)}, buttons)
    return Turn((reply,), state.leave(), "booking.quota_used")


def _too_late(
    state: ConversationState, ctx: FlowContext, bookings: Bookings, info: BookingInfo, key: str
) -> Turn:
    params = session_params(_texts(ctx), _lang(state), info, _zone(ctx))
    params["hours"] = str(bookings.cutoff_hours)
    buttons = (intent_button("human_handoff"), intent_button("help"))
    return Turn((Reply(key, params, buttons),), state.leave(), key)


async def _none(state: ConversationState, bookings: Bookings) -> Turn:
    quota = await bookings.quota()
    buttons = (
        (intent_button("book_counselling"), intent_button("help")) if quota.left else (intent_button("help"),)
    )
    return Turn((Reply("booking.none", {"left": str(quota.left)}, buttons),), state.leave(), "booking.none")


def _no_slots(state: ConversationState) -> Turn:
    buttons = (intent_button("human_handoff"), intent_button("help"))
    return Turn((Reply("booking.no_slots", buttons=buttons),), state.leave(), "booking.no_slots")


def _stale(state: ConversationState) -> Turn:
    buttons = (intent_button("book_counselling"), intent_button("help"))
    return Turn((Reply("booking.stale", buttons=buttons),), state.leave(), "booking.stale")


# --- small readers --------------------------------------------------------------------------------


def _wanted(turn: UserTurn) -> str | None:
    """The day or time the person typed (the NLU's `time` entity), unless they changed the subject."""
    entity = turn.parse.entity("time")
    if entity is None or turn.payload:
        return None
    if turn.parse.intent not in _TIME_INTENTS and turn.parse.confidence >= _SURE:
        return None
    try:
        moment = datetime.fromisoformat(entity.value)
    except ValueError:
        return None
    return moment.isoformat() if moment.tzinfo is not None else None


def _change_buttons(ctx: FlowContext, info: BookingInfo) -> tuple[ButtonSpec, ...]:
    """Move and cancel before the cut-off; after it only a person can help."""
    if ctx.now < info.changeable_until:
        return (intent_button("reschedule_booking"), intent_button("cancel_booking"), intent_button("help"))
    return (intent_button("human_handoff"), intent_button("help"))


def _yes_no(turn: UserTurn) -> bool | None:
    if turn.payload == YES or (turn.payload is None and turn.parse.intent == "affirm"):
        return True
    if turn.payload == NO or (turn.payload is None and turn.parse.intent == "deny"):
        return False
    return None


def _slot_payload(slot: SlotOffer, zone: tzinfo) -> str:
    return f"{SLOT}{slot.counsellor_id}:{slot.starts_at.astimezone(zone).isoformat(timespec='minutes')}"
