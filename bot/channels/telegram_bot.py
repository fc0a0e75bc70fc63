"""PTB's `Bot`, with one addition: a text message sent for its message id alone.

`Bot.send_message` turns every answer into a `Message`: about a hundred attributes, the echoed keyboard's
buttons rebuilt as objects; 62 µs for a bare answer, 172 with a four-button keyboard, while the outbox keeps
only the id. That parse was 7% of a saturated worker (py-spy); without it the bot's CPU per message fell by
9-11% (docs/production.md, item 23). `send_text` makes the same request through the same `Bot` internals
(`_post`: its defaults, its request objects, its errors mapped to RetryAfter, Forbidden, ...) and reads the
id from the answer.

The keyboard and the link-preview option go to `_post` as the dicts PTB would make of them, made once per
object: PTB turns every object into a dict for every request (`to_dict`, 32 µs for a four-button keyboard)
and passes a dict through as it is, so the bytes on the wire do not change. The sender hands over the same
few dozen keyboard objects again and again (built once per menu, `telegram_sender._layout`).
"""

from __future__ import annotations

from typing import Any

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, TelegramObject

_KEPT = 512  # dicts kept; the menus come from flows/texts, so a few dozen keyboards serve every reply


class HelplineBot(Bot):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # PTB freezes a Bot once built; attributes named with "_" stay settable
        self._sent_forms: dict[int, tuple[TelegramObject, dict[str, Any]]] = {}

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
            "reply_markup": self._as_sent(reply_markup),
            "link_preview_options": self._as_sent(link_preview_options),
        }
        # Bot._post is what every PTB method calls; PTB's own ExtBot builds on it (python-telegram-bot 22)
        answer = await self._post("sendMessage", data)
        return int(answer["message_id"])

    def _as_sent(self, value: TelegramObject | None) -> dict[str, Any] | None:
        """The dict PTB would send for this very object, made on its first use.

        Kept by identity, not by equality: PTB's equality leaves some fields out (a button's `copy_text`),
        so two equal keyboards could differ on the wire. Each entry holds its object alive, so no other
        object can have its id while it is kept. Nothing changes a dict once made: PTB hands it to
        `json.dumps`."""
        if value is None:
            return None
        kept = self._sent_forms
        entry = kept.get(id(value))
        if entry is None:
            if len(kept) >= _KEPT:
                del kept[next(iter(kept))]
            entry = kept[id(value)] = (value, value.to_dict())
        return entry[1]
