"""Fakes behind our own ports: they record what happened; tests assert on that."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo

from bot.channels.base import SendError
from bot.messages import OutboundMessage
from flows.ports import BookingInfo, BookingRefused, Quota, SlotOffer, SlotTaken
from nlu.language import clear_language
from nlu.parse import FALLBACK, IntentScore, Parse

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


class FakeClassifier:
    """Keyword -> intent, so that flow and pipeline tests do not depend on the trained model."""

    def __init__(self, keywords: dict[str, str] | None = None) -> None:
        self.keywords = keywords or {
            "dzīvot": "crisis",
            "жить": "crisis",
            "go on": "crisis",
            "satikt": "visit_rules",
            "увидеть": "visit_rules",
            "visit": "visit_rules",
            "sveiki": "greet",
            "hello": "greet",
            "cilvēk": "human_handoff",
            "dzēs": "delete_my_data",
            "paldies": "thanks",
            "jā": "affirm",
            "boom": "explode",
        }
        self.seen: list[str] = []

    async def parse(self, text: str) -> Parse:
        self.seen.append(text)
        if text.startswith("/") and len(text) > 1:
            return Parse(text, text[1:], 1.0, (IntentScore(text[1:], 1.0),), None)
        lowered = text.lower()
        lang = (
            "ru"
            if _CYRILLIC.search(text)
            else ("en" if re.search(r"\b(the|hello|visit|go)\b", lowered) else "lv")
        )
        clear = clear_language(text)  # the real rule, without a trained model: script and cue words
        for word, intent in self.keywords.items():
            if word in lowered:
                if intent == "explode":
                    raise RuntimeError("classifier blew up")
                return Parse(text, intent, 0.95, (IntentScore(intent, 0.95),), lang, clear_language=clear)
        ranking = (IntentScore("visit_long", 0.2), IntentScore("letters", 0.15))
        return Parse(text, FALLBACK, 0.2, ranking, lang, clear_language=clear)


class FakeSender:
    """Records what would have been sent; can be told to fail the next sends."""

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []
        self.failures: list[SendError] = []

    async def send(self, message: OutboundMessage) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return f"fake-{len(self.sent)}"


class FakeBookings:
    """The Bookings port in memory: free times given up front; records what was booked and cancelled."""

    def __init__(
        self,
        now: datetime,
        free: list[SlotOffer],
        *,
        quota: int = 5,
        used: int = 0,
        cutoff_hours: int = 24,
        lead_hours: int = 12,
        horizon_days: int = 28,
    ) -> None:
        self.now = now
        self.free = list(free)
        self.limit, self.used = quota, used
        self._cutoff = cutoff_hours
        self._lead = lead_hours
        self._horizon = horizon_days
        self.current: BookingInfo | None = None
        self.booked: list[BookingInfo] = []
        self.cancelled: list[int] = []
        self.stolen: set[datetime] = set()  # times another person takes just before this one confirms

    @property
    def cutoff_hours(self) -> int:
        return self._cutoff

    @property
    def lead_hours(self) -> int:
        return self._lead

    @property
    def horizon_days(self) -> int:
        return self._horizon

    def _zone(self) -> tzinfo:
        assert self.now.tzinfo is not None
        return self.now.tzinfo

    def _open(self, mode: str) -> list[SlotOffer]:
        return sorted((s for s in self.free if s.mode == mode), key=lambda s: s.starts_at)

    async def modes(self) -> tuple[str, ...]:
        return tuple(m for m in ("video", "phone", "in_person") if self._open(m))

    def _for(self, mode: str, lang: str | None) -> list[SlotOffer]:
        """Speakers of `lang` only, while any of them is free (as the real port does)."""
        speakers = [s for s in self._open(mode) if lang in s.languages]
        return speakers or self._open(mode)

    async def speaks(self, mode: str, lang: str) -> bool:
        return any(lang in s.languages for s in self._open(mode))

    async def days(
        self, mode: str, start: date | None = None, limit: int = 6, lang: str | None = None
    ) -> list[date]:
        days = sorted({s.starts_at.astimezone(self._zone()).date() for s in self._for(mode, lang)})
        return [d for d in days if start is None or d >= start][:limit]

    async def slots(self, mode: str, day: date, lang: str) -> list[SlotOffer]:
        return [s for s in self._for(mode, lang) if s.starts_at.astimezone(self._zone()).date() == day]

    async def nearest(self, mode: str, moment: datetime, lang: str, limit: int = 3) -> list[SlotOffer]:
        return sorted(self._for(mode, lang), key=lambda s: (abs(s.starts_at - moment), s.starts_at))[:limit]

    async def offer(self, mode: str, counsellor_id: int, starts_at: datetime) -> SlotOffer | None:
        return self._find(mode, counsellor_id, starts_at)

    def _find(self, mode: str, counsellor_id: int, starts_at: datetime) -> SlotOffer | None:
        found = (s for s in self._open(mode) if s.counsellor_id == counsellor_id and s.starts_at == starts_at)
        return next(found, None)

    def _take(self, mode: str, counsellor_id: int, starts_at: datetime, booking_id: int) -> BookingInfo:
        offer = self._find(mode, counsellor_id, starts_at)
        if offer is None or starts_at in self.stolen:
            if offer is not None:
                self.free.remove(offer)
            raise SlotTaken()
        self.free.remove(offer)
        info = BookingInfo(
            booking_id,
            offer.counsellor,
            offer.languages,
            offer.starts_at,
            offer.mode,
            offer.address,
            offer.starts_at - timedelta(hours=self._cutoff),
        )
        self.booked.append(info)
        return info

    async def book(self, mode: str, counsellor_id: int, starts_at: datetime) -> BookingInfo:
        if self.current is not None:
            raise BookingRefused("upcoming")
        if self.used >= self.limit:
            raise BookingRefused("quota")
        self.current = self._take(mode, counsellor_id, starts_at, len(self.booked) + 1)
        self.used += 1
        return self.current

    async def upcoming(self) -> BookingInfo | None:
        return self.current

    async def cancel(self, booking_id: int) -> None:
        if self.current is None or self.current.id != booking_id:
            raise BookingRefused("gone")
        if self.now >= self.current.changeable_until:
            raise BookingRefused("too_late")
        self.cancelled.append(booking_id)
        self.current, self.used = None, self.used - 1

    async def reschedule(self, booking_id: int, counsellor_id: int, starts_at: datetime) -> BookingInfo:
        old = self.current
        if old is None or old.id != booking_id:
            raise BookingRefused("gone")
        if self.now >= old.changeable_until:
            raise BookingRefused("too_late")
        self.current = self._take(old.mode, counsellor_id, starts_at, len(self.booked) + 1)
        self.cancelled.append(booking_id)
        return self.current

    async def quota(self) -> Quota:
        return Quota(limit=self.limit, used=self.used)
