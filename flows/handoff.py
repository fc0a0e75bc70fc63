"""Crisis and hand-off: crisis answers with the emergency numbers at once, then queues with top priority."""

from __future__ import annotations

from flows.faq import intent_button
from flows.ports import FlowContext
from flows.state import ButtonSpec, ConversationState, Reply, Turn, UserTurn

LEAVE_QUEUE = "handoff:leave"


async def crisis(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    # the numbers come first and unconditionally; the queue is best effort on top of them
    await ctx.handoffs.request(crisis=True, reason="crisis")
    replies = (Reply("crisis.immediate"), Reply("handoff.crisis_queued"))
    return Turn(replies=replies, state=state.leave(), flow_step="crisis")


async def request_human(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    ticket = await ctx.handoffs.request(crisis=False, reason="asked")
    leave = ButtonSpec(payload=LEAVE_QUEUE, key="button.leave_queue")
    if not ticket.in_hours:
        return Turn((Reply("handoff.out_of_hours", buttons=(leave,)),), state.leave(), "handoff.out_of_hours")
    params = {"position": str(ticket.position), "minutes": str(ticket.wait_minutes)}
    return Turn((Reply("handoff.queued", params, buttons=(leave,)),), state.leave(), "handoff.queued")


async def leave_queue(state: ConversationState, ctx: FlowContext) -> Turn:
    await ctx.handoffs.withdraw()
    return Turn(
        (Reply("handoff.withdrawn", buttons=(intent_button("help"),)),), state.leave(), "handoff.withdrawn"
    )
