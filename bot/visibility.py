"""Who may read a message unmasked: only the coordinator who owns the conversation's active hand-off.

Everyone else (operators always; other coordinators and admins until they take the conversation over)
sees the text through bot.redaction. Pages and JSON that show transcript text go through visible_text.
"""

from __future__ import annotations

from typing import Protocol

from bot.db.models import Owner, StaffRole
from bot.redaction import redact


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


def visible_text(entry: HasText, viewer: Viewer | None, *, owner_id: int | None) -> str:
    """The entry's text as this viewer may see it; `owner_id` is from active_owner()."""
    return entry.text if sees_unmasked(viewer, owner_id) else redact(entry.text)
