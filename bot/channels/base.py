"""The port every channel's sender implements; the outbox worker only knows this."""

from __future__ import annotations

from typing import Protocol

from bot.messages import OutboundMessage


class SendError(Exception):
    """A failed send; `retryable` tells the outbox whether trying again may help."""

    def __init__(self, reason: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


class RecipientGone(SendError):
    """The person blocked the bot or the number cannot receive: stop sending to them."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, retryable=False)


class Sender(Protocol):
    async def send(self, message: OutboundMessage) -> str:
        """Deliver one message and return the provider's message id; raise SendError on failure."""
        ...
