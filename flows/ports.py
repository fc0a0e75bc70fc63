"""The services a flow may call, as Protocols that bot/ implements and tests fake."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class HandoffTicket:
    position: int  # 1 = next in line
    wait_minutes: int  # a rough estimate
    in_hours: bool  # whether coordinators are working now


class Handoffs(Protocol):
    async def request(self, *, crisis: bool, reason: str) -> HandoffTicket:
        """Put the conversation in the coordinators' queue (crisis goes first)."""
        ...

    async def withdraw(self) -> None:
        """The person no longer waits; the bot takes the conversation back."""
        ...


class Privacy(Protocol):
    async def erase(self) -> None:
        """Erase everything about this person; an audit line without content remains."""
        ...


@dataclass(frozen=True, slots=True)
class FlowContext:
    now: datetime  # timezone-aware, Europe/Riga
    channel: str
    handoffs: Handoffs
    privacy: Privacy
    language_hint: str | None = None
