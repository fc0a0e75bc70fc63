"""What a coordinator does to a conversation, each in the caller's transaction with its audit row.

Lock order matches the pipeline's (contact row, then conversation), so a console action and a turn
of the same person wait for each other instead of deadlocking. The owner moves only along
bot -> waiting -> human -> bot | closed, and only one coordinator owns a conversation at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import store
from bot.console.audit import audit, conversation_subject
from bot.console.auth import Staff
from bot.console.i18n import N_
from bot.console.label import coordinator_label, reply_language
from bot.db.models import (
    AuditEvent,
    Author,
    CallbackRequest,
    Contact,
    Conversation,
    HandoffNote,
    HandoffRequest,
    Owner,
    StaffMember,
)
from bot.handoffs import CRISIS_PRIORITY, NORMAL_PRIORITY
from bot.pipeline import Pipeline
from flows.state import ConversationState
from flows.texts import Texts

MAX_REPLY = 4000
BACK_TO_BOT = "console.back_to_bot"  # with its SMS variant: the text and "0 Izvēlne" took 3 segments
MAX_NOTE = 4000
# hand back straight into one of these (the label is the console's own wording, translated where shown)
HANDBACK_FLOWS = {
    "help": N_("straight into the main menu"),
    "book_counselling": N_("straight into booking a psychologist"),
}
OUTCOMES = {
    "resolved": N_("resolved"),
    "referred": N_("referred elsewhere"),
    "callback_done": N_("called back"),
    "booked": N_("session booked"),
    "no_reply": N_("no reply from the person"),
    "other": N_("other"),
}


class ActionRefused(Exception):
    """The action cannot happen now; the coordinator is told why, in their console's language.

    `message` is an English msgid (bot.console.i18n) with %(name)s-style `params`; str() is the English.
    """

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params

    def translated(self, gettext: Callable[[str], str]) -> str:
        found = gettext(self.message)
        return found % self.params if self.params else found


class NotFound(Exception):
    pass


class AlreadyDone(Exception):
    """The same form was submitted again (a double click, a reload): it was carried out once already."""


ONCE_CHANNEL = "console"  # the one-time form tokens' rows in processed_inbound (purged with the transcripts)


@dataclass(frozen=True, slots=True)
class Locked:
    contact: Contact
    conversation: Conversation
    request: HandoffRequest | None  # the live (open or claimed) hand-off request


async def lock(session: AsyncSession, conversation_id: int) -> Locked:
    contact_id = await session.scalar(
        select(Conversation.contact_id).where(Conversation.id == conversation_id)
    )
    if contact_id is None:
        raise NotFound
    contact = (
        await session.execute(select(Contact).where(Contact.id == contact_id).with_for_update())
    ).scalar_one_or_none()
    conversation = (
        await session.execute(
            select(Conversation)
            .where(Conversation.id == conversation_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if contact is None or conversation is None:
        raise NotFound
    request = (
        await session.execute(
            select(HandoffRequest)
            .where(
                HandoffRequest.conversation_id == conversation_id,
                HandoffRequest.status.in_(("open", "claimed")),
            )
            .order_by(HandoffRequest.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    return Locked(contact, conversation, request)


async def owner_name(session: AsyncSession, request: HandoffRequest | None) -> str | None:
    if request is None or request.claimed_by is None:
        return None
    member = await session.get(StaffMember, request.claimed_by)
    return member.name if member is not None else None


async def _taken(session: AsyncSession, request: HandoffRequest | None) -> ActionRefused:
    name = await owner_name(session, request)
    if name is None:
        return ActionRefused(N_("Already taken by another coordinator."))
    return ActionRefused(N_("Already taken by %(name)s."), name=name)


async def claim(
    session: AsyncSession, staff: Staff, conversation_id: int, now: datetime, *, texts: Texts
) -> Locked:
    """Take the conversation over, waiting or not; a second coordinator is refused by name.

    The person is told that a coordinator now reads the conversation: taking over silences the bot, and a
    question asked meanwhile got nothing, nor did "вы меня слышите?" (console QA)."""
    if not staff.can_act:
        raise ActionRefused(N_("Operators can read conversations but not take them over."))
    found = await lock(session, conversation_id)
    conv, request = found.conversation, found.request
    subject = conversation_subject(conversation_id)
    if conv.owner == Owner.HUMAN:
        if request is not None and request.claimed_by == staff.id:
            return found
        raise await _taken(session, request)
    if conv.owner == Owner.CLOSED:
        raise ActionRefused(N_("This conversation is closed. If the person writes again, a new one starts."))
    # the conditional UPDATE is the guard; the row lock above makes the loser wait and then see "human"
    taken = await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.owner.in_((Owner.BOT, Owner.WAITING)))
        .values(owner=Owner.HUMAN, updated_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if getattr(taken, "rowcount", 0) != 1:
        raise await _taken(session, request)
    if request is None:
        priority = CRISIS_PRIORITY if conv.crisis else NORMAL_PRIORITY
        request = HandoffRequest(
            conversation_id=conversation_id,
            priority=priority,
            reason="coordinator",
            status="open",
            created_at=now,
        )
        session.add(request)
    request.status, request.claimed_by, request.claimed_at = "claimed", staff.id, now
    # whatever the bot was in the middle of (a menu, the out-of-hours questions) ends here
    state = ConversationState.from_json(conv.state)
    conv.state = ConversationState(lang=state.lang).to_json()
    contact = found.contact
    if not (contact.opted_out or contact.blocked):
        lang = state.lang or contact.language or "lv"
        # the helpline's own line (a bot's would be held back now that a person owns the conversation)
        joined = store.QueuedReply(texts.render("console.joined", lang), None, [], author=Author.SYSTEM)
        await store.enqueue(session, conversation=conv, contact=contact, reply=joined, now=now)
    audit(session, staff.actor, "conversation.claim", subject, now)
    return Locked(contact, conv, request)


@dataclass(frozen=True, slots=True)
class EndedBy:
    """Who last closed or handed back a conversation: the staff member asking, or a colleague's name."""

    you: bool
    name: str | None = None


async def _ended_by(session: AsyncSession, staff: Staff, conversation_id: int, action: str) -> EndedBy | None:
    """Who last closed or handed back the conversation, from the audit log, if known."""
    actor = await session.scalar(
        select(AuditEvent.actor)
        .where(
            AuditEvent.subject == conversation_subject(conversation_id),
            AuditEvent.action.startswith(f"conversation.{action}."),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if actor is None or not actor.startswith("staff:") or not actor[6:].isdigit():
        return None
    if int(actor[6:]) == staff.id:
        return EndedBy(you=True)
    member = await session.get(StaffMember, int(actor[6:]))
    return EndedBy(you=False, name=member.name) if member is not None else None


async def _not_held_reason(session: AsyncSession, staff: Staff, found: Locked) -> ActionRefused:
    """Why no one can act on a conversation that is not with a coordinator, in the coordinator's terms."""
    conversation = found.conversation
    if conversation.owner == Owner.CLOSED:
        who = await _ended_by(session, staff, conversation.id, "close")
        if who is not None and who.you:
            return ActionRefused(N_("This conversation was closed by you."))
        if who is not None:
            return ActionRefused(N_("This conversation was closed by %(name)s."), name=who.name)
        return ActionRefused(N_("This conversation was closed."))
    if conversation.owner == Owner.BOT:
        who = await _ended_by(session, staff, conversation.id, "handback")
        if who is not None and who.you:
            return ActionRefused(
                N_("This conversation was handed back to the bot by you. Take it over again to act on it.")
            )
        if who is not None:
            return ActionRefused(
                N_(
                    "This conversation was handed back to the bot by %(name)s."
                    " Take it over again to act on it."
                ),
                name=who.name,
            )
    return ActionRefused(N_("Take the conversation over first."))


async def _require_owner(
    session: AsyncSession, staff: Staff, found: Locked, *, admin_may: bool
) -> HandoffRequest:
    if not staff.can_act:
        raise ActionRefused(N_("Operators can read conversations but not act on them."))
    request = found.request
    if found.conversation.owner != Owner.HUMAN or request is None:
        raise await _not_held_reason(session, staff, found)
    if request.claimed_by != staff.id and not (admin_may and staff.is_admin):
        raise ActionRefused(N_("Another coordinator has this conversation."))
    return request


async def reply(
    session: AsyncSession,
    staff: Staff,
    conversation_id: int,
    text: str,
    now: datetime,
    *,
    texts: Texts,
    once: str | None = None,
) -> int:
    """The coordinator's words go out on the person's own channel, through the outbox (its row's id),
    labelled as a coordinator's in the conversation's language (bot/console/label.py).

    `once` is the reply form's one-time token: the same form sent twice is sent once (AlreadyDone).
    It is spent only if the reply goes out (a refusal rolls the transaction back).
    """
    text = text.strip()
    if not text:
        raise ActionRefused(N_("The reply is empty."))
    if len(text) > MAX_REPLY:
        raise ActionRefused(N_("The reply is longer than %(limit)s characters."), limit=MAX_REPLY)
    found = await lock(session, conversation_id)
    if once is not None and not await store.claim_inbound(
        session, ONCE_CHANNEL, f"reply:{staff.session_id}:{once}", now
    ):
        raise AlreadyDone
    request = await _require_owner(session, staff, found, admin_may=False)
    contact = found.contact
    if contact.opted_out or contact.blocked:
        raise ActionRefused(
            N_("The person has stopped messages from us (STOP or blocked); nothing can be sent.")
        )
    lang = reply_language(found.conversation, contact)
    label = await coordinator_label(
        session, texts=texts, contact=contact, request=request, text=text, lang=lang
    )
    outbox_id = await store.enqueue(
        session,
        conversation=found.conversation,
        contact=contact,
        reply=store.QueuedReply(text, None, [], author=Author.COORDINATOR, label=label),
        now=now,
    )
    found.conversation.updated_at = now
    audit(session, staff.actor, "conversation.reply", conversation_subject(conversation_id), now)
    return outbox_id


async def add_note(
    session: AsyncSession, staff: Staff, conversation_id: int, text: str, now: datetime
) -> None:
    """An internal note for colleagues; it is never sent."""
    text = text.strip()
    if not text or len(text) > MAX_NOTE:
        raise ActionRefused(N_("A note needs 1 to %(limit)s characters."), limit=MAX_NOTE)
    if await session.get(Conversation, conversation_id) is None:
        raise NotFound
    session.add(HandoffNote(conversation_id=conversation_id, staff_id=staff.id, text=text, created_at=now))
    audit(session, staff.actor, "conversation.note", conversation_subject(conversation_id), now)


async def hand_back(
    session: AsyncSession,
    staff: Staff,
    conversation_id: int,
    flow: str,
    now: datetime,
    *,
    pipeline: Pipeline,
    texts: Texts,
) -> None:
    """Give the conversation back to the bot, optionally straight into a flow (e.g. booking)."""
    if flow and flow not in HANDBACK_FLOWS:
        raise ActionRefused(N_("Unknown flow."))
    found = await lock(session, conversation_id)
    request = await _require_owner(session, staff, found, admin_may=True)
    conv, contact = found.conversation, found.contact
    request.status, request.closed_at, request.outcome = "closed", now, "handed_back"
    lang = ConversationState.from_json(conv.state).lang or contact.language or "lv"
    conv.owner, conv.updated_at = Owner.BOT, now
    conv.state = ConversationState(lang=lang).to_json()
    await session.flush()
    if flow:
        await pipeline.inject(session, conv, contact, f"/{flow}")
    else:
        await store.enqueue(
            session,
            conversation=conv,
            contact=contact,
            reply=store.QueuedReply(
                texts.render(BACK_TO_BOT, lang),
                texts.sms_variant(BACK_TO_BOT, lang),
                [["/help", texts.label("button.help", lang)]],
            ),
            now=now,
        )
    audit(
        session,
        staff.actor,
        f"conversation.handback.{flow or 'bot'}",
        conversation_subject(conversation_id),
        now,
    )


async def close(
    session: AsyncSession, staff: Staff, conversation_id: int, outcome: str, now: datetime
) -> None:
    """End the conversation with an outcome; the person's next message starts a new one with the bot."""
    if outcome not in OUTCOMES:
        raise ActionRefused(N_("Choose an outcome."))
    found = await lock(session, conversation_id)
    request = await _require_owner(session, staff, found, admin_may=True)
    request.status, request.closed_at, request.outcome = "closed", now, outcome
    found.conversation.owner, found.conversation.updated_at = Owner.CLOSED, now
    audit(session, staff.actor, f"conversation.close.{outcome}", conversation_subject(conversation_id), now)


async def callback_done(session: AsyncSession, staff: Staff, callback_id: int, now: datetime) -> int:
    """Mark a call-back as made; returns its conversation id."""
    if not staff.can_act:
        raise ActionRefused(N_("Operators cannot change call-backs."))
    callback = await session.get(CallbackRequest, callback_id, with_for_update=True)
    if callback is None:
        raise NotFound
    if callback.status == "open":
        callback.status, callback.done_at, callback.done_by = "done", now, staff.id
        audit(session, staff.actor, "callback.done", f"callback:{callback_id}", now)
    return callback.conversation_id
