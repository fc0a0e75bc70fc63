"""The console's audit trail: who did what to which conversation, and when; never content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEvent


def audit(session: AsyncSession, actor: str, action: str, subject: str | None, now: datetime) -> None:
    """Add one audit row to the caller's transaction (it commits or rolls back with the action)."""
    session.add(
        AuditEvent(
            actor=actor[:64], action=action[:64], subject=subject[:64] if subject else None, created_at=now
        )
    )


def conversation_subject(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"
