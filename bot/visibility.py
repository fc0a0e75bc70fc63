"""Who may read a message unmasked: only the coordinator who owns the conversation's active hand-off.

Everyone else (operators always; other coordinators and admins until they take the conversation over)
sees the text through bot.redaction. Pages and JSON that show transcript text go through visible_text;
the console's conversation pages, notes, the person's panel and the call-back list through a Reader,
which applies the same rule (and the one exception for call-backs) in this one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.db.models import CallbackRequest, Owner, StaffRole
from bot.redaction import Kind, placeholder, redact


class Viewer(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def role(self) -> str: ...


class HasText(Protocol):
    @property
    def text(self) -> str: ...


def active_owner(conversation_owner: str, request_status: str | None, claimed_by: int | None) -> int | None:
    """The staff id holding the conversation right now (owner=human, request claimed), else None."""
    if conversation_owner == Owner.HUMAN and request_status == "claimed":
        return claimed_by
    return None


def sees_unmasked(viewer: Viewer | None, owner_id: int | None) -> bool:
    return (
        viewer is not None
        and owner_id is not None
        and viewer.id == owner_id
        and viewer.role in (StaffRole.COORDINATOR, StaffRole.ADMIN)
    )


def visible_text(
    entry: HasText, viewer: Viewer | None, *, owner_id: int | None, mask: Callable[[Kind], str] = placeholder
) -> str:
    """The entry's text as this viewer may see it; `owner_id` is from active_owner(); `mask` words the
    placeholders (the console's pages show them in the reader's language)."""
    return entry.text if sees_unmasked(viewer, owner_id) else redact(entry.text, mask)


def sees_callback(viewer: Viewer | None, *, status: str, owner_id: int | None) -> bool:
    """A call-back's number and preferred time: coordinators and admins while the request is open (they
    are the ones who call back), and whoever sees the conversation unmasked; operators never."""
    if sees_unmasked(viewer, owner_id):
        return True
    return viewer is not None and status == "open" and viewer.role in (StaffRole.COORDINATOR, StaffRole.ADMIN)


@dataclass(frozen=True, slots=True)
class CallbackView:
    """A call-back request as one viewer may see it (the page's columns, number and time masked or not)."""

    id: int
    conversation_id: int
    phone: str
    preferred_time: str
    language: str | None
    status: str
    created_at: datetime
    done_at: datetime | None


@dataclass(frozen=True, slots=True)
class Reader:
    """One staff member reading one conversation: everything the console shows of it goes through here."""

    viewer: Viewer | None
    owner_id: int | None  # from active_owner()
    mask: Callable[[Kind], str] = placeholder  # the placeholders' wording on the reader's page

    @property
    def unmasked(self) -> bool:
        return sees_unmasked(self.viewer, self.owner_id)

    def text(self, entry: HasText) -> str:
        """A transcript entry's or an internal note's text."""
        return visible_text(entry, self.viewer, owner_id=self.owner_id, mask=self.mask)

    def first_name(self, name: str | None) -> str | None:
        return name if name is None or self.unmasked else self.mask(Kind.NAME)

    def callback(self, request: CallbackRequest) -> CallbackView:
        shown = sees_callback(self.viewer, status=request.status, owner_id=self.owner_id)
        phone = request.phone or ""
        return CallbackView(
            id=request.id,
            conversation_id=request.conversation_id,
            phone=phone if shown or not phone else self.mask(Kind.PHONE),
            preferred_time=request.preferred_time if shown else redact(request.preferred_time, self.mask),
            language=request.language,
            status=request.status,
            created_at=request.created_at,
            done_at=request.done_at,
        )
