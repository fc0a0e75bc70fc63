"""The terminal channel: `helpline chat` prints replies; buttons become numbered options."""

from __future__ import annotations

from typing import TextIO

from bot.messages import OutboundMessage, labelled


def numbered(message: OutboundMessage) -> str:
    """The reply text followed by its choices, one numbered line each (as on SMS)."""
    lines = [labelled(message.text, message.label)]
    if message.buttons:
        lines.append("")
        lines.extend(f"{n}. {b.label}" for n, b in enumerate(message.buttons, start=1))
    return "\n".join(lines)


SEPARATOR = "--"


class CliSender:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    async def send(self, message: OutboundMessage) -> str:
        # a short rule after each reply, so that replies with blank lines inside stay apart
        self.out.write(numbered(message) + "\n" + SEPARATOR + "\n")
        self.out.flush()
        return f"cli-{message.outbox_id}"
