"""Operators' pages under /console/ops/: transcript search and review, the NLU export, analytics.

Every role may search, review and see the numbers; text is masked (bot.visibility) for everyone but
the coordinator who owns a conversation's active hand-off. Every page view and download is audited,
without the search words (they may be a name or a number).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import analytics, keys, search
from bot.charts import CRISIS, bar_chart, hbar_chart
from bot.console import dates, operators_admin
from bot.console.audit import audit
from bot.console.auth import Staff, staff_key
from bot.console.form_dates import local_day
from bot.console.i18n import N_
from bot.console.masks import masks_in
from bot.console.numbers import number
from bot.console.render import labels, page_language, render, say, translations
from bot.db.models import Conversation, HandoffRequest, Owner
from bot.ids import path_id, query_id
from bot.review import CrisisNotCleared, NoIntentChosen, ReviewError, export_name, export_yaml, relabel
from bot.visibility import active_owner, visible_text
from nlu.parse import FALLBACK, LANGUAGES
from nlu.taxonomy import INTENTS

CHANNELS = ("telegram", "sms", "web", "cli")
FLAGS = ("low", "fallback", "handed_off", "crisis", "booked")
PERIODS = (7, 30, 90, 365)
SEARCH_PATH = "/console/ops/search"
FIELDS = ("q", "since", "until", "channel", "language", "intent", "direction", "reviewed", *FLAGS)
# the analytics tables' titles and column headers on the page, in the reader's language, keyed by
# bot.analytics' names (its own titles and column names stay as they are: the CSV files keep them)
TABLE_TITLES = {
    "daily": N_("Conversations and messages per day"),
    "intents": N_("Top intents (inbound messages)"),
    "fallback": N_("Fallback rate (messages the NLU did not understand)"),
    "handoffs": N_("Hand-offs and time to first human reply"),
    "bookings": N_("Counselling bookings"),
    "crisis": N_("Crisis conversations per day"),
}
COLUMN_LABELS = {
    "day": N_("day"),
    "channel": N_("channel"),
    "language": N_("language"),
    "conversations": N_("conversations"),
    "messages_in": N_("messages in"),
    "messages_out": N_("messages out"),
    "intent": N_("intent"),
    "messages": N_("messages"),
    "share_pct": N_("share (percent)"),
    "mean_confidence": N_("mean confidence"),
    "classified": N_("classified"),
    "fallbacks": N_("fallbacks"),
    "rate_pct": N_("rate (percent)"),
    "handed_off": N_("handed off"),
    "requests": N_("requests"),
    "crisis_requests": N_("crisis requests"),
    "answered": N_("answered"),
    "median_first_reply_s": N_("median first reply (seconds)"),
    "p90_first_reply_s": N_("90th percentile first reply (seconds)"),
    "made": N_("made"),
    "cancelled": N_("cancelled"),
    "done": N_("done"),
    "no_show": N_("no-show"),
    "crisis_conversations": N_("crisis conversations"),
}


def setup(console: web.Application) -> None:
    """Add the operators' routes to the console sub-application (its auth and CSRF apply)."""
    r = console.router
    r.add_get("/ops/search", search_page, name="ops.search")
    r.add_post(r"/ops/review/{id:\d+}", review_post, name="ops.review")
    r.add_get("/ops/export.yml", export_reviewed, name="ops.export")
    r.add_get("/ops/analytics", analytics_page, name="ops.analytics")
    r.add_get(r"/ops/analytics/{name:[a-z_]+}.csv", analytics_csv, name="ops.analytics_csv")
    operators_admin.setup(console)


def staff_of(request: web.Request) -> Staff:
    return request[staff_key]


def _choice(value: str, allowed: tuple[str, ...] | frozenset[str]) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise web.HTTPBadRequest(text="unknown filter value")
    return value


def parse_query(request: web.Request) -> tuple[search.SearchQuery, dict[str, str]]:
    """The search form's fields → a SearchQuery; unknown values are a 400, never passed on."""
    q = request.query
    form = {k: q.get(k, "").strip() for k in FIELDS}
    before = query_id(request, "before")
    threshold = request.config_dict[keys.settings].review_low_confidence
    reviewed = {"": None, "yes": True, "no": False}
    if form["reviewed"] not in reviewed:
        raise web.HTTPBadRequest(text="reviewed is yes or no")
    query = search.SearchQuery(
        text=form["q"][:200],
        since=local_day(form["since"], request),
        until=local_day(form["until"], request, days_after=1),  # the "until" day is included
        channel=_choice(form["channel"], CHANNELS),
        language=_choice(form["language"], LANGUAGES),
        intent=_choice(form["intent"], (*INTENTS, FALLBACK)),
        direction=_choice(form["direction"], ("in", "out")),
        low_confidence=threshold if form["low"] else None,
        fallback=bool(form["fallback"]),
        handed_off=bool(form["handed_off"]),
        crisis=bool(form["crisis"]),
        booked=bool(form["booked"]),
        reviewed=reviewed[form["reviewed"]],
        before_id=before,
    )  # fmt: skip
    return query, form


async def owners(session: AsyncSession, conversation_ids: set[int]) -> dict[int, int]:
    """Conversation id → the staff id holding its active hand-off (only those that have one)."""
    if not conversation_ids:
        return {}
    rows = await session.execute(
        select(
            HandoffRequest.conversation_id,
            Conversation.owner,
            HandoffRequest.status,
            HandoffRequest.claimed_by,
        )
        .join(Conversation, Conversation.id == HandoffRequest.conversation_id)
        .where(
            HandoffRequest.conversation_id.in_(conversation_ids),
            HandoffRequest.status == "claimed",
            Conversation.owner == Owner.HUMAN,
        )
    )
    found: dict[int, int] = {}
    for conversation_id, owner, status, claimed_by in rows:
        holder = active_owner(owner, status, claimed_by)
        if holder is not None:
            found[conversation_id] = holder
    return found


async def search_page(request: web.Request) -> web.Response:
    staff = staff_of(request)
    query, form = parse_query(request)
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.sessionmaker]() as session:
        page = await search.search(session, query)
        held = await owners(session, {hit.conversation_id for hit in page.hits})
        audit(session, staff.actor, "search.view", f"hits:{len(page.hits)}", now)
        await session.commit()
    mask = masks_in(translations(request))  # the placeholders in the reader's words; the export keeps ⟨phone⟩
    hits = [
        (hit, visible_text(hit, staff, owner_id=held.get(hit.conversation_id), mask=mask))
        for hit in page.hits
    ]
    params = {k: v for k, v in form.items() if v}
    older = f"{SEARCH_PATH}?{urlencode({**params, 'before': page.next_before})}" if page.next_before else None
    context: dict[str, Any] = {
        "page": "ops.search",
        "form": form,
        "hits": hits,
        "older": older,
        "here": request.path_qs,
        "intents": INTENTS,
        "all_intents": (*INTENTS, FALLBACK),
        "channels": CHANNELS,
        "languages": LANGUAGES,
        "threshold": request.config_dict[keys.settings].review_low_confidence,
        "export_query": urlencode({"all": "1"}),
        "export_languages": [
            (lang, urlencode({"lang": lang}), urlencode({"all": "1", "lang": lang})) for lang in LANGUAGES
        ],
    }
    return render(request, "operators_search.html", context)


async def review_post(request: web.Request) -> web.StreamResponse:
    staff = staff_of(request)
    entry_id = path_id(request)
    form = await request.post()
    intent = form.get("intent")
    back = form.get("next")
    now = request.config_dict[keys.clock]()
    try:
        async with request.config_dict[keys.sessionmaker]() as session, session.begin():
            await relabel(
                session,
                entry_id,
                str(intent or ""),
                actor=staff.actor,
                now=now,
                not_crisis=form.get("not_crisis") == "1",
            )
    except NoIntentChosen:
        raise web.HTTPBadRequest(text=say(request, N_("Choose an intent for this message first."))) from None
    except CrisisNotCleared:
        refusal = say(
            request, N_("Message %(id)s was read as a crisis: tick “not a crisis” to give it another intent.")
        )
        raise web.HTTPBadRequest(text=refusal % {"id": entry_id}) from None
    except ReviewError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    # only back to the search page (never an address from the form elsewhere)
    target = back if isinstance(back, str) and back.startswith(SEARCH_PATH) else SEARCH_PATH
    raise web.HTTPSeeOther(f"{target}#entry-{entry_id}")


async def export_reviewed(request: web.Request) -> web.Response:
    """The console's export button: the same YAML as `helpline nlu export-reviewed [--all]`."""
    staff = staff_of(request)
    include_all = request.query.get("all") == "1"
    language = _choice(request.query.get("lang", ""), LANGUAGES)
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.sessionmaker]() as session, session.begin():
        text, _count = await export_yaml(
            session, include_unreviewed=include_all, actor=staff.actor, now=now, language=language
        )
    name = export_name(include_unreviewed=include_all, language=language, day=now.date())
    return web.Response(
        text=text,
        content_type="application/x-yaml",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _period(request: web.Request) -> analytics.Period:
    try:
        days = int(request.query.get("days", "30"))
    except ValueError:
        raise web.HTTPBadRequest(text="days must be a number") from None
    if days not in PERIODS:
        raise web.HTTPBadRequest(text=f"days is one of {PERIODS}")
    settings = request.config_dict[keys.settings]
    return analytics.Period.last_days(request.config_dict[keys.clock](), days, settings.zone)


def _per_day(
    table: analytics.Table, period: analytics.Period, column: int, language: str
) -> list[tuple[str, float]]:
    """One bar a day, labelled as the reader writes a date ("08.11.2026." in Latvian)."""
    totals = {day.isoformat(): 0.0 for day in period.days()}
    for row in table.rows:
        totals[str(row[0])] = totals.get(str(row[0]), 0.0) + float(row[column])  # type: ignore[arg-type]
    return [(dates.day(day, language), total) for day, total in totals.items()]


async def analytics_page(request: web.Request) -> web.Response:
    staff = staff_of(request)
    period = _period(request)
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.sessionmaker]() as session:
        tables = await analytics.all_reports(session, period)
        audit(session, staff.actor, "analytics.view", f"days:{len(period.days())}", now)
        await session.commit()
    by_name = {t.name: t for t in tables}
    _ = translations(request).gettext
    language = page_language(request)
    titles = (
        _("Conversations per day"),
        _("Messages from people per day"),
        _("Top intents"),
        _("Crisis conversations per day"),
    )

    def shown(value: float) -> str:
        return number(value, language)

    intents = [(str(r[0]), float(r[1])) for r in by_name["intents"].rows[:12]]  # type: ignore[arg-type]
    daily, crisis = by_name["daily"], by_name["crisis"]
    svgs = (
        bar_chart(_per_day(daily, period, 3, language), title=titles[0], number=shown),
        bar_chart(_per_day(daily, period, 4, language), title=titles[1], number=shown),
        hbar_chart(intents, title=titles[2], number=shown),
        bar_chart(_per_day(crisis, period, 1, language), title=titles[3], color=CRISIS, number=shown),
    )
    # each chart is shown with its title above it (the SVG's own <title> is only for screen readers)
    charts = list(zip(titles, svgs, strict=True))
    context = {"page": "ops.analytics", "tables": tables, "charts": charts, "days": len(period.days()),
               "periods": PERIODS, "period": period,
               "table_titles": labels(TABLE_TITLES, translations(request)),
               "column_labels": labels(COLUMN_LABELS, translations(request))}  # fmt: skip
    return render(request, "operators_analytics.html", context)


async def analytics_csv(request: web.Request) -> web.Response:
    staff = staff_of(request)
    name = request.match_info["name"]
    if name not in analytics.REPORTS:
        raise web.HTTPNotFound(text="no such table")
    period = _period(request)
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.sessionmaker]() as session:
        table = await analytics.report(session, name, period)
        audit(session, staff.actor, "analytics.csv", name, now)
        await session.commit()
    filename = f"{name}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return web.Response(
        text=table.to_csv(),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
