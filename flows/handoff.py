"""Crisis and hand-off: crisis answers with the emergency numbers at once, then queues with top priority."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from phonenumbers import Leniency

from flows.conversation import MENU, number_not_offered, out_of_range
from flows.faq import FOLLOW_UPS, answer, intent_button
from flows.ports import SMS, FlowContext, HandoffTicket
from flows.state import ButtonSpec, ConversationState, JSONValue, Reply, Turn, UserTurn
from nlu.entities import find_phone_numbers
from nlu.taxonomy import FEELING_LOW

LEAVE_QUEUE = "handoff:leave"
# "paldies, vairs nevajag", "уже не надо", "never mind, I'm fine now" from someone waiting (nlu/rules.yml
# `no_longer_needed`, read by the pipeline before the model, as the leave words are): it got the waiting
# status or the pause's silence, and the model read "vairs nevajag" as a crisis (QA, ninth pass)
NO_LONGER_NEEDED = "handoff:no_longer_needed"
# "cik ilgi vēl jāgaida?", "сколько ещё ждать?", "how long?" while waiting (nlu/rules.yml `asks_how_long`):
# where they stand and the rough wait, at once. "how long?" was read as the long visits (0.9; journeys QA)
HOW_LONG = "handoff:how_long"
HUMAN_HANDOFF = "human_handoff"
COMPLAINT = "complaint"  # anger at the helpline: a person, as HUMAN_HANDOFF, with a word that it was heard
# asked of someone waiting, these are answered at once with where they stand, never met with the pause's
# silence: a person again, and their data erased ("gribu dzēst savus datus" after a crisis got nothing;
# staff QA). Erasing is not done while they wait: it would take the hand-off, a crisis's too, from the
# queue; the coordinator has the request and the status says so.
DELETE_MY_DATA = "delete_my_data"
# moving or cancelling a session (its buttons come with the session's status, see MY_BOOKINGS) is for the
# coordinator while they wait: told at once where they stand, never met with the pause's silence
ASKED_WHILE_WAITING = frozenset(
    {HUMAN_HANDOFF, COMPLAINT, DELETE_MY_DATA, "cancel_booking", "reschedule_booking"}
)
# "mana konsultācija", "моя консультация", "my session": their booked session, shown as outside the queue,
# with the place kept (it got silence or the waiting status; QA, ninth pass)
MY_BOOKINGS = "my_bookings"
AFTER_HOURS = "handoff"  # the flow that holds the out-of-hours choices while the person waits
CALLBACK_PHONE = "phone"  # its step that asks for the call-back number (a shared contact answers it too)
CALLBACK = "handoff:callback"
LEAVE_MESSAGE = "handoff:message"
THIS_NUMBER = "handoff:this_number"
MAX_PHONE_TRIES = 3
MAX_WHEN = 200
CRISIS_KIND = "crisis_kind"  # the NLU's entity: which crisis, when the words say (nlu/rules.yml)
CRISIS_KINDS = frozenset({"prisoner_at_risk", "harmed_inside", "violence"})
CRISIS_CLOSING_SOON = 30  # minutes before closing when a crisis is told the answer may not come today
LONGEST_ESTIMATE = 60  # minutes; beyond it the queue says "more than an hour", not "about 1000 min"
MAX_PHONE_TEXT = 300  # the matcher's work grows with the text; a phone number comes early
_ASK_PHONE = "handoff.after_hours.ask_phone"
# While someone waits, what the bot still answers itself: the topics. Their place in the queue is kept.
# Before, every message went unanswered but the first, so a person put in the queue by mistake (a crisis
# word in "steidzami vajag palīdzību ar pārskaitījumu") could not even get the account number. Not the
# menu: "es nezinu ko darīt" or "can you help me?" (read as `help`) are for the coordinator, and the menu
# offered "talk to a person" to someone already waiting (QA, second pass).
# not hard feelings: the person is already waiting for a coordinator, so "I'll call a coordinator" is wrong
# there, and after a crisis it read as the danger being over (QA, fifth pass); see while_waiting
ANSWERED_WHILE_WAITING = frozenset(FOLLOW_UPS) - {FEELING_LOW}
# ...and only when the model is sure: what a waiting person writes is mostly for the coordinator, and a
# guess answered as a question is worse than silence ("а сколько ещё ждать?" read as visits at 0.39)
SURE_WHILE_WAITING = 0.8
# A waiting person who keeps writing hears from us again after this long, not after every message: the
# messages are for the coordinator, and on SMS each reply costs (QA: silence all weekend was worse).
TELL_AGAIN_AFTER = timedelta(minutes=15)
# after a crisis, silence is the worse mistake: a few lines written in one go get one answer, and anything
# written after a short pause is answered again (QA: "es tiešām to izdarīšu" got nothing)
TELL_AGAIN_AFTER_CRISIS = timedelta(minutes=2)
TOLD_AT = "waiting_told_at"


async def crisis(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    # the numbers come first and unconditionally; the queue is best effort on top of them
    ticket = await ctx.handoffs.request(crisis=True, reason="crisis")
    # out of hours nobody comes until the morning: say so, and point to the line that answers now
    queued = "handoff.crisis_queued" if ticket.in_hours else "handoff.crisis_after_hours"
    if ticket.minutes_to_closing is not None and ticket.minutes_to_closing < CRISIS_CLOSING_SOON:
        # "a coordinator will answer soon" five minutes before everyone goes home (QA, second pass)
        queued = "handoff.crisis_queued_near_closing"
    kind = turn.parse.entity(CRISIS_KIND)
    # what to do now for the situations a relative most often writes about (facts.md §18, §13)
    advice = (Reply(f"crisis.{kind.value}", urgent=True),) if kind and kind.value in CRISIS_KINDS else ()
    replies = (Reply("crisis.immediate", urgent=True), *advice, Reply(queued))
    # the next message need not be told the same again at once
    told: dict[str, JSONValue] = {TOLD_AT: ctx.now.isoformat()}
    return Turn(replies=replies, state=replace(state.leave(), slots=told), flow_step="crisis")


async def complaint(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    """Anger at the helpline ("jūs visi esat vienādi, neviens nepalīdz"): a person, as when asked for one, but
    first a word that it was heard; the queue's or the after-hours reply alone read as a brush-off (QA)."""
    asked = await request_human(state, turn, ctx)
    return replace(asked, replies=(Reply("handoff.heard_you"), *asked.replies))


async def request_human(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    ticket = await ctx.handoffs.request(crisis=False, reason="asked")
    leave = ButtonSpec(payload=LEAVE_QUEUE, key="button.leave_queue")
    if not ticket.in_hours:
        return _after_hours_offer(state)
    params = {"position": str(ticket.position), "minutes": str(ticket.wait_minutes)}
    key = "handoff.queued"
    if ticket.minutes_to_closing is not None and ticket.wait_minutes >= ticket.minutes_to_closing:
        # "about 30 min" at 16:58 promised an answer after the coordinators had gone home (QA)
        key, params = "handoff.queued_near_closing", {"position": str(ticket.position)}
    elif ticket.wait_minutes > LONGEST_ESTIMATE:
        # a rough estimate (10 min a person) only misleads when it runs to hours
        key, params = "handoff.queued_long", {"position": str(ticket.position)}
    return Turn((Reply(key, params, buttons=(leave,)),), state.leave(), "handoff.queued")


async def while_waiting(state: ConversationState, turn: UserTurn, ctx: FlowContext, *, crisis: bool) -> Turn:
    """A message from someone in the queue that the bot does not answer itself: it is for the coordinator.

    They hear where they stand when they ask for a person again ("is anyone there?") and otherwise at most
    every TELL_AGAIN_AFTER (TELL_AGAIN_AFTER_CRISIS after a crisis); out of hours, that nobody reads it
    before the working day; after a crisis, always with the line that answers now."""
    if turn.payload in (LEAVE_QUEUE, NO_LONGER_NEEDED):
        # the button, its words typed (nlu/rules.yml `leave_queue`), or "vairs nevajag"
        if crisis:
            return await _crisis_kept(state, ctx)
        return await leave_queue(state, ctx, no_longer_needed=turn.payload == NO_LONGER_NEEDED)
    told = state.slots.get(TOLD_AT)
    # asking for a person again, or for the menu ("0", "izvēlne": after a crisis the answer is where they
    # stand, with 116123): told at once, not met with silence inside the pause (QA, seventh pass)
    asked = turn.parse.intent in ASKED_WHILE_WAITING or turn.payload in (MENU, HOW_LONG)
    hurting = turn.parse.intent == FEELING_LOW  # "man ir ļoti smagi": never met with silence
    pause = TELL_AGAIN_AFTER_CRISIS if crisis else TELL_AGAIN_AFTER
    if not (asked or hurting) and isinstance(told, str) and ctx.now - datetime.fromisoformat(told) < pause:
        return Turn((), state, "waiting")
    ticket = await ctx.handoffs.request(crisis=False, reason="asked")  # never lowers a crisis's priority
    if crisis:
        key = "handoff.still_waiting_crisis"
    elif hurting and ticket.in_hours:  # out of hours the status already says 116123 and 112
        key = "handoff.still_waiting_hurting"
    else:
        key = "handoff.still_waiting"
    key += "" if ticket.in_hours else "_after_hours"
    closing = ticket.minutes_to_closing
    if crisis and closing is not None and closing < CRISIS_CLOSING_SOON:
        key = "handoff.crisis_queued_near_closing"  # not "soon" when the day ends (QA, third pass)
    params = {"position": str(ticket.position)}
    if turn.payload == HOW_LONG and key == "handoff.still_waiting" and _estimate_holds(ticket):
        key, params = "handoff.how_long", {**params, "minutes": str(ticket.wait_minutes)}
    buttons = () if crisis else (ButtonSpec(payload=LEAVE_QUEUE, key="button.leave_queue"),)
    reply = Reply(key, params, buttons=buttons)
    return Turn((reply,), replace(state, slots={**state.slots, TOLD_AT: ctx.now.isoformat()}), "waiting")


def _estimate_holds(ticket: HandoffTicket) -> bool:
    """The rough wait is worth saying: under an hour, before the coordinators' day ends (as when queued)."""
    closing = ticket.minutes_to_closing
    return ticket.wait_minutes <= LONGEST_ESTIMATE and (closing is None or ticket.wait_minutes < closing)


def answered_as_waiting(turn: UserTurn) -> bool:
    """Asked at the out-of-hours choice (a call-back or a message for the morning), what gets the waiting
    person's answer rather than the choice's: having one's data erased. There the privacy flow asked
    "delete everything?", and the yes then met the waiting person's status ("Jūsu ziņa ir saglabāta"):
    nothing erased, though they had confirmed (QA, eighth pass). Nothing is erased while a hand-off waits
    (ASKED_WHILE_WAITING), so they hear where they stand, as in working hours. Saying a coordinator is no
    longer needed, or asking about one's session, is answered as in working hours too, not saved as the
    message for the morning."""
    waiting_words = turn.payload in (NO_LONGER_NEEDED, HOW_LONG)  # "how long?" too: nobody is at work yet
    return turn.parse.intent == DELETE_MY_DATA or waiting_words or asks_for_session(turn)


def asks_for_session(turn: UserTurn) -> bool:
    """Asking about one's own booked session, which the bot shows even while the person waits (the
    same status as outside the queue); only when the model is sure, as with the topics."""
    return turn.parse.intent == MY_BOOKINGS and turn.parse.confidence >= SURE_WHILE_WAITING


def answerable_while_waiting(turn: UserTurn) -> bool:
    """A topic question the model is sure of: answered even while the person waits for a coordinator."""
    return turn.parse.intent in ANSWERED_WHILE_WAITING and turn.parse.confidence >= SURE_WHILE_WAITING


async def leave_queue(state: ConversationState, ctx: FlowContext, *, no_longer_needed: bool = False) -> Turn:
    """Out of the queue. Told they no longer need a person, the bot also says how to ask for one again
    (the words, and a button), since it was they who decided, perhaps too soon."""
    await ctx.handoffs.withdraw()
    if no_longer_needed:
        buttons = (intent_button(HUMAN_HANDOFF), intent_button("help"))
        reply = Reply("handoff.no_longer_needed", buttons=buttons)
        return Turn((reply,), state.leave(), "handoff.no_longer_needed")
    return Turn(
        (Reply("handoff.withdrawn", buttons=(intent_button("help"),)),), state.leave(), "handoff.withdrawn"
    )


async def _crisis_kept(state: ConversationState, ctx: FlowContext) -> Turn:
    """After a crisis, "vairs nevajag" or asking to leave does not take the conversation from the queue:
    a coordinator still writes to them briefly, and the crisis line and 112 are given again. The words
    themselves stay in the transcript the coordinator reads, and the conversation stays first in line."""
    ticket = await ctx.handoffs.request(crisis=False, reason="asked")  # never lowers a crisis's priority
    key = "handoff.no_longer_needed_crisis" + ("" if ticket.in_hours else "_after_hours")
    told = replace(state, slots={**state.slots, TOLD_AT: ctx.now.isoformat()})
    return Turn((Reply(key),), told, "handoff.no_longer_needed_crisis")


def _after_hours_offer(state: ConversationState) -> Turn:
    buttons = (
        ButtonSpec(payload=CALLBACK, key="button.callback"),
        ButtonSpec(payload=LEAVE_MESSAGE, key="button.leave_message"),
        ButtonSpec(payload=LEAVE_QUEUE, key="button.leave_queue"),
    )
    reply = Reply("handoff.out_of_hours", buttons=buttons)  # one message: on SMS the numbers must be 1..3
    return Turn((reply,), state.enter(AFTER_HOURS, "offer"), "handoff.out_of_hours")


async def after_hours(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    """Out of hours: a call-back (number, then a time) or a message for the morning; nobody falls through."""
    if state.step == CALLBACK_PHONE:
        return await _phone(state, turn, ctx)
    if state.step == "when":
        return await _when(state, turn, ctx)
    if state.step == "message":
        return _message_saved(state, turn, ctx)
    if turn.payload == CALLBACK:
        return _ask_phone(state.enter(AFTER_HOURS, CALLBACK_PHONE, tries=0), ctx)
    if number_not_offered(state, turn):
        return out_of_range(state)  # "4" among three choices is a slip, not the message for the morning
    await ctx.handoffs.leave_message()
    if turn.payload == LEAVE_MESSAGE:  # the button asks for the message, and the next one is it
        ask = Reply("handoff.after_hours.write_message")
        return Turn((ask,), state.enter(AFTER_HOURS, "message"), "handoff.message")
    return _message_saved(state, turn, ctx)  # anything typed instead already is the message


def _message_saved(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    """The message for the morning is kept: say so, also when it is a question answered now ("не звонит уже
    неделю" got only the calls answer, and the person never heard that the coordinator would read it).

    A question the bot can answer is answered at once, not only saved for the morning (QA, second pass:
    "kāds ir konta numurs naudas pārskaitījumam?"); it still reaches the coordinator as the message."""
    saved = Reply("handoff.after_hours.message_saved")
    told: dict[str, JSONValue] = {TOLD_AT: ctx.now.isoformat()}  # so the next lines wait for the pause
    if turn.payload is None and answerable_while_waiting(turn):
        answered = answer(state, turn, ctx.channel, ctx.texts)
        told_state = replace(answered.state, slots=told)
        return replace(answered, replies=(saved, *answered.replies), state=told_state)
    return Turn((saved,), replace(state.leave(), slots=told), "handoff.message")


def _ask_phone(state: ConversationState, ctx: FlowContext, key: str = _ASK_PHONE) -> Turn:
    if ctx.channel == SMS:
        # on SMS the number they write from is known: offer it instead of making them type it
        this_number = ButtonSpec(payload=THIS_NUMBER, key="button.this_number")
        return Turn((Reply(f"{key}_sms", buttons=(this_number,)),), state, "handoff.phone")
    return Turn((Reply(key),), state, "handoff.phone")


def phone_number(text: str) -> str | None:
    """The first phone number in what the person wrote, as +371…, or None.

    People write it among words and in their own groupings ("mans numurs ir 29 123 456", "мой номер 2 9 1
    2 3 4 5 6", "0044 7700 900123"); a whole-message pattern turned those away three times and gave up
    (QA). Asked for a number, anything that looks like one is taken (Leniency.POSSIBLE)."""
    found = find_phone_numbers(text[:MAX_PHONE_TEXT], Leniency.POSSIBLE)
    return found[0].value if found else None


async def _phone(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    if turn.payload == THIS_NUMBER and ctx.channel == SMS:
        phone = ""
    else:
        found = phone_number(turn.text)
        if found is None:
            tries = int(state.slots.get("tries") or 0) + 1
            if tries >= MAX_PHONE_TRIES:
                # do not keep the person in a loop: what they wrote stays for the coordinator
                await ctx.handoffs.leave_message()
                return Turn((Reply("handoff.after_hours.phone_gave_up"),), state.leave(), "handoff.message")
            retry = state.enter(AFTER_HOURS, CALLBACK_PHONE, tries=tries)
            return _ask_phone(retry, ctx, "handoff.after_hours.bad_phone")
        phone = found
    ask = Reply("handoff.after_hours.ask_time")
    return Turn((ask,), state.enter(AFTER_HOURS, "when", phone=phone), "handoff.when")


async def _when(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    when = " ".join(turn.text.split())[:MAX_WHEN]
    if not when:
        return Turn((Reply("handoff.after_hours.ask_time"),), state, "handoff.when")
    phone = str(state.slots.get("phone") or "") or None
    number = await ctx.handoffs.request_callback(phone=phone, preferred_time=when)
    reply = Reply("handoff.after_hours.callback_saved", {"phone": number})
    return Turn((reply,), state.leave(), "handoff.callback")
