"""The console's pages and actions: queue, conversation, call-backs, audit; each action audited.

What a page or JSON shows of a conversation (its transcript, notes, the person's first name and
call-back numbers) goes through a bot.visibility.Reader: masked unless the reader holds the hand-off.
"""

from __future__ import annotations

import re
import secrets
from collections import OrderedDict
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keys
from bot.console import actions
from bot.console.audit import audit, conversation_subject
from bot.console.auth import Staff, staff_key
from bot.console.hub import ConsoleEvent
from bot.console.i18n import N_
from bot.console.label import LABEL_KEY, label_owed, reply_language
from bot.console.masks import masks_in
from bot.console.numbers import number
from bot.console.operators import owners
from bot.console.panel import MODE_LABELS, load_panel
from bot.console.queue import language_of, load_queue, waiting_count
from bot.console.render import KIND_LABELS, page_language, render, say, translations
from bot.console.sms_counter import counter_words
from bot.db.models import (
    CallbackRequest,
    Contact,
    Conversation,
    HandoffNote,
    HandoffRequest,
    OutboxItem,
    StaffMember,
    TranscriptEntry,
)
from bot.ids import path_id, query_id
from bot.messages import Channel
from bot.visibility import Reader, active_owner

TRANSCRIPT_LIMIT = 500
NO_CONVERSATION = N_("no such conversation")
# the console's own labels (English msgids, shown in the coordinator's language); the sentences, in the
# person's language, are in flows/texts/{lang}.console.yml
CANNED = {
    "greeting": N_("Greeting"),
    "moment": N_("One moment"),
    "booking": N_("Offer a psychologist"),
    "callback": N_("Offer a phone call"),
    "closing": N_("Closing"),
}
_DELIVERY = {
    "pending": "pending",
    "sending": "pending",
    "sent": "sent",
    "dead": "failed",
    "cancelled": "not sent",
}


def delivery(item: OutboxItem | None) -> str:
    """pending / sent / delivered / failed, from the outbox row and any delivery receipt."""
    if item is None:
        return ""
    if item.delivery_status:
        return item.delivery_status
    return _DELIVERY.get(item.status, item.status)


def _staff(request: web.Request) -> Staff:
    return request[staff_key]


def _id(request: web.Request, name: str = "id") -> int:
    return path_id(request, name)


ONCE_FIELD = "once"  # the reply form's one-time token (actions.reply sends a form once)
_ONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class ViewedConversations:
    """Which (login session, conversation) pairs already have a `conversation.view` audit line.

    messages.json reads the transcript too: the first read by a session that has not viewed the
    conversation is audited as a view; the page's live updates afterwards are not (one line per view,
    not per poll). Per worker and bounded: a miss (another worker, a restart) only audits once more.
    """

    def __init__(self, limit: int = 20_000) -> None:
        self._seen: OrderedDict[tuple[int, int], None] = OrderedDict()
        self._limit = limit

    def add(self, session_id: int, conversation_id: int) -> None:
        self._seen[(session_id, conversation_id)] = None
        self._seen.move_to_end((session_id, conversation_id))
        while len(self._seen) > self._limit:
            self._seen.popitem(last=False)

    def __contains__(self, pair: tuple[int, int]) -> bool:
        return pair in self._seen


viewed_key = web.AppKey("console_viewed", ViewedConversations)


async def _form(request: web.Request) -> dict[str, str]:
    form = await request.post()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _changed(request: web.Request, conversation_id: int | None, kind: str = "conversation") -> None:
    request.config_dict[keys.console_hub].publish(ConsoleEvent(kind, conversation_id))


async def _tell_other_workers(session: AsyncSession, request: web.Request, conversation_id: int) -> None:
    await request.config_dict[keys.events].notify(session, "conversation", conversation_id)


# --- queue ---


async def queue_page(request: web.Request) -> web.Response:
    staff = _staff(request)
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.reader]() as session:
        view = await load_queue(session, staff.id, now)
    return render(request, "queue.html", {"view": view, "page": "queue"})


async def queue_json(request: web.Request) -> web.Response:
    staff = _staff(request)
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.reader]() as session:
        view = await load_queue(session, staff.id, now)
        count = await waiting_count(session)
    return web.json_response({"count": count, **view.as_json(translations(request).gettext)})


# --- one conversation ---


async def _transcript(
    session: AsyncSession, conversation_id: int, after: int = 0
) -> list[tuple[TranscriptEntry, OutboxItem | None]]:
    query = (
        select(TranscriptEntry, OutboxItem)
        .outerjoin(OutboxItem, OutboxItem.id == TranscriptEntry.outbox_id)
        .where(TranscriptEntry.conversation_id == conversation_id, TranscriptEntry.id > after)
        .order_by(TranscriptEntry.id.desc())
        .limit(TRANSCRIPT_LIMIT)
    )
    return list(reversed(list((await session.execute(query)).all())))


def _entry_json(
    entry: TranscriptEntry, item: OutboxItem | None, reader: Reader, words: str
) -> dict[str, object]:
    """One transcript line for console.js; `words` is the reader's console language (the confidence's
    decimal sign)."""
    return {
        "id": entry.id,
        "direction": entry.direction,
        "author": entry.author,
        "text": reader.text(entry),
        "at": entry.created_at.isoformat(),
        "intent": entry.intent,
        "confidence": round(entry.confidence, 2) if entry.confidence is not None else None,
        # as the reader writes it ("0,95" in Latvian): console.js shows this one
        "confidence_text": None if entry.confidence is None else number(entry.confidence, words, 2),
        "language": entry.language,
        "status": delivery(item),
        # a photo, a location, an edit: the page says so on the line (render.KIND_LABELS), never more
        "kind": entry.kind if entry.direction == "in" and entry.kind in KIND_LABELS else None,
    }


async def _notes(
    session: AsyncSession, conversation_id: int, after: int = 0
) -> list[tuple[HandoffNote, StaffMember | None]]:
    """The conversation's internal notes after the id `after`, oldest first, with who wrote each."""
    rows = await session.execute(
        select(HandoffNote, StaffMember)
        .outerjoin(StaffMember, StaffMember.id == HandoffNote.staff_id)
        .where(HandoffNote.conversation_id == conversation_id, HandoffNote.id > after)
        .order_by(HandoffNote.id)
    )
    return [(note, member) for note, member in rows.all()]


def _note_json(note: HandoffNote, member: StaffMember | None, reader: Reader) -> dict[str, object]:
    """A note for console.js: masked as the reader may see it, like the page's; no author is a former one."""
    return {
        "id": note.id,
        "text": reader.text(note),
        "author": member.name if member is not None else None,
        "at": note.created_at.isoformat(),
    }


async def _live_request(session: AsyncSession, conversation_id: int) -> HandoffRequest | None:
    return (
        await session.execute(
            select(HandoffRequest)
            .where(HandoffRequest.conversation_id == conversation_id)
            .order_by(HandoffRequest.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def _owner_view(
    page: web.Request, session: AsyncSession, conv: Conversation, staff: Staff
) -> tuple[dict[str, object], Reader]:
    """Who has the conversation, for the page; and how this staff member may read it (the masks in their
    language)."""
    request = await _live_request(session, conv.id)
    claimed_by = request.claimed_by if request is not None and request.status == "claimed" else None
    member = await session.get(StaffMember, claimed_by) if claimed_by is not None else None
    holder = active_owner(conv.owner, request.status if request else None, claimed_by)
    return {
        "owner": conv.owner,
        "crisis": conv.crisis,
        "coordinator": member.name if member is not None else None,
        "mine": claimed_by == staff.id and conv.owner == "human",
        "request": request,
    }, Reader(staff, holder, masks_in(translations(page)))


async def conversation_page(
    request: web.Request, *, error: str | None = None, status: int = 200, draft: str = ""
) -> web.Response:
    """The page; after a refused reply, `draft` is the reply that was not sent, shown again to keep."""
    staff = _staff(request)
    conversation_id = _id(request)
    settings = request.config_dict[keys.settings]
    texts = request.config_dict[keys.texts]
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.sessionmaker]() as session:
        conv = await session.get(Conversation, conversation_id)
        if conv is None:
            raise web.HTTPNotFound(text=say(request, NO_CONVERSATION))
        contact = await session.get(Contact, conv.contact_id)
        assert contact is not None  # a foreign key with cascade
        language = language_of(contact, conv)
        owner, reader = await _owner_view(request, session, conv, staff)
        entries = await _transcript(session, conversation_id)
        notes = await _notes(session, conversation_id)
        panel = await load_panel(session, contact, language, settings, now, reader)
        counter = await _sms_counter(request, session, conv, contact, owner) if owner["mine"] else None
        context: dict[str, Any] = {
            "page": "conversation",
            "conversation": conv,
            "panel": panel,
            "entries": [(_entry_json(e, i, reader, staff.language), e) for e, i in entries],
            "notes": [
                ({"id": n.id, "text": reader.text(n), "created_at": n.created_at}, m) for n, m in notes
            ],
            "canned": [
                (name, label, texts.render(f"console.canned.{name}", language))
                for name, label in CANNED.items()
            ],
            "flows": actions.HANDBACK_FLOWS,
            "outcomes": actions.OUTCOMES,
            "mode_labels": MODE_LABELS,
            "here": f"/console/conversations/{conversation_id}",  # also after a refused action's POST
            "error": error,
            "draft": draft,
            "once": secrets.token_urlsafe(16),
            "sms_counter": counter,
            **owner,
        }
        audit(session, staff.actor, "conversation.view", conversation_subject(conversation_id), now)
        await session.commit()
    request.config_dict[viewed_key].add(staff.session_id, conversation_id)
    return render(request, "conversation.html", context, status=status)


async def _sms_counter(
    request: web.Request, session: AsyncSession, conv: Conversation, contact: Contact, owner: dict[str, Any]
) -> dict[str, object] | None:
    """The reply box's segment counter (static/sms.js), on an SMS conversation only: its words in the
    reader's language, and the label the server would put on the reply and whether it is still owed."""
    held = owner["request"]
    if contact.channel != Channel.SMS or not isinstance(held, HandoffRequest):
        return None
    texts = request.config_dict[keys.texts]
    return {
        "words": counter_words(translations(request), page_language(request)),
        "label": texts.render(LABEL_KEY, reply_language(conv, contact)),
        "owed": await label_owed(session, held),
    }


async def messages_json(request: web.Request) -> web.Response:
    """What the open conversation page polls or refetches on a hub event: new entries and statuses.

    A read by a session that has no view of this conversation logged is itself logged as a view.
    """
    staff = _staff(request)
    conversation_id = _id(request)
    after = query_id(request, "after", 0) or 0
    viewed = request.config_dict[viewed_key]
    async with request.config_dict[keys.sessionmaker]() as session:
        conv = await session.get(Conversation, conversation_id)
        if conv is None:
            raise web.HTTPNotFound(text=say(request, NO_CONVERSATION))
        owner, reader = await _owner_view(request, session, conv, staff)
        entries = await _transcript(session, conversation_id)
        notes = await _notes(session, conversation_id, query_id(request, "notes_after", 0) or 0)
        if (staff.session_id, conversation_id) not in viewed:
            now = request.config_dict[keys.clock]()
            audit(session, staff.actor, "conversation.view", conversation_subject(conversation_id), now)
            await session.commit()
            viewed.add(staff.session_id, conversation_id)
    owner.pop("request")
    return web.json_response(
        {
            **owner,
            "entries": [_entry_json(e, i, reader, staff.language) for e, i in entries if e.id > after],
            "statuses": {str(e.id): delivery(i) for e, i in entries if e.direction == "out"},
            # a colleague's note shows on an open page as a message does (the hub's event, then this fetch)
            "notes": [_note_json(n, m, reader) for n, m in notes],
        }
    )


async def _act(request: web.Request, action: str, form: dict[str, str]) -> None:
    """Run one conversation action in a transaction; tell the hub and the outbox after the commit."""
    staff = _staff(request)
    conversation_id = _id(request)
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.sessionmaker]() as session, session.begin():
        if action == "claim":
            await actions.claim(session, staff, conversation_id, now, texts=request.config_dict[keys.texts])
        elif action == "reply":
            once = form.get(ONCE_FIELD, "")
            text = form.get("text", "")
            await actions.reply(
                session,
                staff,
                conversation_id,
                text,
                now,
                texts=request.config_dict[keys.texts],
                once=once if _ONCE.match(once) else None,
            )
        elif action == "note":
            await actions.add_note(session, staff, conversation_id, form.get("text", ""), now)
        elif action == "handback":
            await actions.hand_back(
                session,
                staff,
                conversation_id,
                form.get("flow", ""),
                now,
                pipeline=request.config_dict[keys.pipeline],
                texts=request.config_dict[keys.texts],
            )
        elif action == "close":
            await actions.close(session, staff, conversation_id, form.get("outcome", ""), now)
        await _tell_other_workers(session, request, conversation_id)
    request.config_dict[keys.outbox].wake(conversation_id)
    _changed(request, conversation_id)


async def _audit_refusal(request: web.Request, action: str) -> None:
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.sessionmaker]() as session, session.begin():
        subject = conversation_subject(_id(request))
        audit(session, _staff(request).actor, f"conversation.{action}_refused", subject, now)


def action_handler(action: str) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        form = await _form(request)
        try:
            await _act(request, action, form)
        except actions.NotFound:
            raise web.HTTPNotFound(text=say(request, NO_CONVERSATION)) from None
        except actions.AlreadyDone:
            raise web.HTTPSeeOther(f"/console/conversations/{_id(request)}") from None
        except actions.ActionRefused as refused:
            await _audit_refusal(request, action)
            # a reply that could not go out comes back with the page, not lost
            draft = form.get("text", "") if action == "reply" else ""
            shown = refused.translated(translations(request).gettext)
            return await conversation_page(request, error=shown, status=409, draft=draft)
        target = "/console/" if action == "close" else f"/console/conversations/{_id(request)}"
        raise web.HTTPSeeOther(target)

    return handle


# --- call-backs and the audit log ---


async def callbacks_page(request: web.Request) -> web.Response:
    staff = _staff(request)
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.sessionmaker]() as session:
        rows = (
            await session.execute(
                select(CallbackRequest, StaffMember)
                .outerjoin(StaffMember, StaffMember.id == CallbackRequest.done_by)
                .order_by(CallbackRequest.status.desc(), CallbackRequest.created_at)
                .limit(200)
            )
        ).all()
        held = await owners(session, {c.conversation_id for c, _m in rows})
        mask = masks_in(translations(request))
        found = [(Reader(staff, held.get(c.conversation_id), mask).callback(c), m) for c, m in rows]
        audit(session, staff.actor, "callbacks.view", None, now)
        await session.commit()
    pending = [(c, m) for c, m in found if c.status == "open"]
    done = [(c, m) for c, m in found if c.status != "open"]
    return render(request, "callbacks.html", {"page": "callbacks", "pending": pending, "done": done})


async def callback_done(request: web.Request) -> web.StreamResponse:
    staff = _staff(request)
    now = request.config_dict[keys.clock]()
    try:
        async with request.config_dict[keys.sessionmaker]() as session, session.begin():
            conversation_id = await actions.callback_done(session, staff, _id(request), now)
    except actions.NotFound:
        raise web.HTTPNotFound(text=say(request, N_("no such call-back"))) from None
    except actions.ActionRefused as refused:
        raise web.HTTPForbidden(text=refused.translated(translations(request).gettext)) from None
    _changed(request, conversation_id, "callbacks")
    raise web.HTTPSeeOther("/console/callbacks")
