"""Crisis and hand-off: crisis answers with the emergency numbers at once, then queues with top priority."""

from __future__ import annotations

import re

from flows.faq import intent_button
from flows.ports import FlowContext
from flows.state import ButtonSpec, ConversationState, Reply, Turn, UserTurn

LEAVE_QUEUE = "handoff:leave"
HUMAN_HANDOFF = "human_handoff"
AFTER_HOURS = "handoff"  # the flow that holds the out-of-hours choices while the person waits
CALLBACK = "handoff:callback"
LEAVE_MESSAGE = "handoff:message"
THIS_NUMBER = "handoff:this_number"
MAX_PHONE_TRIES = 3
MAX_WHEN = 200
_PHONE = re.compile(r"^\+?\d{8,15}$")
_PHONE_NOISE = re.compile(r"[\s().\-/]")
_ASK_PHONE = "handoff.after_hours.ask_phone"


async def crisis(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    # the numbers come first and unconditionally; the queue is best effort on top of them
    await ctx.handoffs.request(crisis=True, reason="crisis")
    replies = (Reply("crisis.immediate", urgent=True), Reply("handoff.crisis_queued"))
    return Turn(replies=replies, state=state.leave(), flow_step="crisis")


async def request_human(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    ticket = await ctx.handoffs.request(crisis=False, reason="asked")
    leave = ButtonSpec(payload=LEAVE_QUEUE, key="button.leave_queue")
    if not ticket.in_hours:
        return _after_hours_offer(state)
    params = {"position": str(ticket.position), "minutes": str(ticket.wait_minutes)}
    return Turn((Reply("handoff.queued", params, buttons=(leave,)),), state.leave(), "handoff.queued")


async def leave_queue(state: ConversationState, ctx: FlowContext) -> Turn:
    await ctx.handoffs.withdraw()
    return Turn(
        (Reply("handoff.withdrawn", buttons=(intent_button("help"),)),), state.leave(), "handoff.withdrawn"
    )


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
    if state.step == "phone":
        return await _phone(state, turn, ctx)
    if state.step == "when":
        return await _when(state, turn, ctx)
    if turn.payload == CALLBACK:
        return _ask_phone(state.enter(AFTER_HOURS, "phone", tries=0), ctx)
    await ctx.handoffs.leave_message()
    # the button asks for the message; anything typed instead already is the message
    pressed = turn.payload == LEAVE_MESSAGE
    key = "handoff.after_hours.write_message" if pressed else "handoff.after_hours.message_saved"
    return Turn((Reply(key),), state.leave(), "handoff.message")


def _ask_phone(state: ConversationState, ctx: FlowContext, key: str = _ASK_PHONE) -> Turn:
    if ctx.channel == "sms":
        # on SMS the number they write from is known: offer it instead of making them type it
        this_number = ButtonSpec(payload=THIS_NUMBER, key="button.this_number")
        return Turn((Reply(f"{key}_sms", buttons=(this_number,)),), state, "handoff.phone")
    return Turn((Reply(key),), state, "handoff.phone")


def phone_number(text: str) -> str | None:
    """A plausible phone number with the spaces and dashes taken out, or None."""
    compact = _PHONE_NOISE.sub("", text.strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    return compact if _PHONE.match(compact) else None


async def _phone(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    if turn.payload == THIS_NUMBER and ctx.channel == "sms":
        phone = ""
    else:
        found = phone_number(turn.text)
        if found is None:
            tries = int(state.slots.get("tries") or 0) + 1
            if tries >= MAX_PHONE_TRIES:
                # do not keep the person in a loop: what they wrote stays for the coordinator
                await ctx.handoffs.leave_message()
                return Turn((Reply("handoff.after_hours.phone_gave_up"),), state.leave(), "handoff.message")
            retry = state.enter(AFTER_HOURS, "phone", tries=tries)
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
