"""PTB's `Bot`, with one addition: a text message sent for its message id alone.

`Bot.send_message` turns every answer into a `Message`: about a hundred attributes, the echoed keyboard's
buttons rebuilt as objects; 62 µs for a bare answer, 172 with a four-button keyboard, while the outbox keeps
only the id. That parse was 7% of a saturated worker (py-spy); without it the bot's CPU per message fell by
9-11% (docs/production.md, item 23). `send_text` makes the same request through the same `Bot` internals
(`_post`: its defaults, its request objects, its errors mapped to RetryAfter, Forbidden, ...) and reads the
id from the answer.
"""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions


class HelplineBot(Bot):
    async def send_text(
        self,
        chat_id: int | str,
        text: str,
        *,
        reply_markup: InlineKeyboardMarkup | None = None,
        link_preview_options: LinkPreviewOptions | None = None,
    ) -> int:
        """sendMessage with these parameters (the others left to Telegram's defaults, as send_message
        leaves them when not given); returns the new message's id."""
        data = {
            "chat_id": chat_id,
            "text": text,
            "reply_markup": reply_markup,
            "link_preview_options": link_preview_options,
        }
        # Bot._post is what every PTB method calls; PTB's own ExtBot builds on it (python-telegram-bot 22)
        answer = await self._post("sendMessage", data)
        return int(answer["message_id"])
