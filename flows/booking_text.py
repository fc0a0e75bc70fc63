"""Dates, modes and session details in the person's language, from the name tables in the text files.

Used by the booking flows and by the shell (reminders, calendar feed), so a session reads the same
everywhere. Times are shown in the helpline's zone (Europe/Riga).
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from flows.ports import BookingInfo, SlotOffer
from flows.texts import Texts


def day_label(texts: Texts, lang: str, day: date) -> str:
    """'otrdiena, 24. novembris' / 'вторник, 24 ноября' / 'Tuesday 24 November'."""
    weekday = texts.render(f"booking.weekday.{day.isoweekday()}", lang)
    month = texts.render(f"booking.month.{day.month}", lang)
    return texts.render("booking.date", lang, {"weekday": weekday, "day": str(day.day), "month": month})


def day_short(texts: Texts, lang: str, day: date) -> str:
    """'Ot 24.11.' for buttons."""
    weekday = texts.render(f"booking.wd.{day.isoweekday()}", lang)
    return texts.render(
        "booking.date_short", lang, {"weekday": weekday, "day": str(day.day), "month": f"{day.month:02d}"}
    )


def day_month(texts: Texts, lang: str, day: date) -> str:
    """'14.12.' / '14.12': a week's first and last day, said in as few characters as an SMS needs."""
    return texts.render("booking.day_month", lang, {"day": str(day.day), "month": f"{day.month:02d}"})


def clock(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def moment_label(texts: Texts, lang: str, moment: datetime, zone: tzinfo) -> str:
    """'otrdiena, 24. novembris, plkst. 14:00'."""
    local = moment.astimezone(zone)
    return texts.render(
        "booking.moment", lang, {"date": day_label(texts, lang, local.date()), "time": clock(local, zone)}
    )


def languages_label(texts: Texts, lang: str, languages: tuple[str, ...]) -> str:
    return ", ".join(
        texts.render(f"booking.lang.{code}", lang) for code in languages if texts.has(f"booking.lang.{code}")
    )


def session_params(
    texts: Texts,
    lang: str,
    session: SlotOffer | BookingInfo,
    zone: tzinfo,
    until: datetime | None = None,
    *,
    now: datetime | None = None,
    cutoff_hours: int = 24,
) -> dict[str, str]:
    """Every placeholder a booking text may use, for one session."""
    local = session.starts_at.astimezone(zone)
    names = languages_label(texts, lang, session.languages)
    counsellor = texts.render("booking.counsellor", lang, {"name": session.counsellor, "languages": names})
    params = {
        "date": day_label(texts, lang, local.date()),
        "time": clock(local, zone),
        "mode": texts.render(f"booking.mode.{session.mode}", lang),
        "how": texts.render(f"booking.how.{session.mode}", lang),
        "counsellor": counsellor if names else session.counsellor,
        "address": session.address or "",
    }
    key = "booking.details_address" if session.mode == "in_person" and session.address else "booking.details"
    params["details"] = texts.render(key, lang, params)
    if until is not None:
        params["until"] = moment_label(texts, lang, until, zone)
        # a session booked inside the cut-off can only be changed by a coordinator from the start; one under
        # way was said to be "less than 24 h away" (bookings QA)
        key = "booking.change_until" if now is None or now < until else "booking.change_coordinator"
        if now is not None and now >= session.starts_at:
            key = "booking.change_started"
        params["change"] = texts.render(key, lang, {"until": params["until"], "hours": str(cutoff_hours)})
    return params
