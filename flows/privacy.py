"""delete_my_data: explain what goes, ask for an explicit yes, then erase through the Privacy port."""

from __future__ import annotations

from flows.faq import intent_button
from flows.ports import FlowContext
from flows.state import ButtonSpec, ConversationState, Reply, Turn, UserTurn

CONFIRM = "erase:yes"
CANCEL = "erase:no"


def explain(state: ConversationState) -> Turn:
    buttons = (ButtonSpec(CONFIRM, "button.erase_confirm"), ButtonSpec(CANCEL, "button.erase_cancel"))
    return Turn(
        (Reply("privacy.explain", buttons=buttons),), state.enter("privacy", "confirm"), "privacy.explain"
    )


async def confirm(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn | None:
    """The answer to the explanation; None when the person moved on to something else."""
    if turn.payload == CONFIRM or (turn.payload is None and turn.parse.intent == "affirm"):
        await ctx.privacy.erase()
        return Turn((Reply("privacy.done"),), ConversationState(lang=state.lang), "privacy.erased")
    if turn.payload == CANCEL or turn.parse.intent == "deny":
        return Turn((Reply("privacy.kept", buttons=(intent_button("help"),)),), state.leave(), "privacy.kept")
    return None
