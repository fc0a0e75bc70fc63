"""Admins' pages under /console/ops/: the audit log with filters, a person's export and erasure, retention.

Only admins (StaffRole.ADMIN) reach these; every view, export and erasure writes an AuditEvent without
content. The person page shows counts, never text: the JSON export is the access-request answer.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy import func, select

from bot import keys
from bot.access import UnknownContact, erase_by_staff, export_contact
from bot.console.audit import audit
from bot.console.auth import Staff, staff_key
from bot.console.form_dates import local_day
from bot.console.i18n import N_
from bot.console.render import labels, render, say, translations
from bot.db.models import AuditEvent, Booking, Contact, Conversation, StaffMember, TranscriptEntry
from bot.ids import path_id, query_id
from bot.purge import RetentionPolicy, run_purge
from bot.retention import pseudonym

AUDIT_PAGE = 100
AUDIT_PATH = "/console/ops/audit"
# who acted, when it was not a staff member: shown in the reader's language (the stored actor stays as it
# is, for the filter and for scripts; "cli:…" names a machine's user and is shown as it is)
ACTOR_LABELS = {
    "system": N_("system"),
    "person": N_("person (erasure flow)"),
    "anonymous": N_("anonymous"),
}


def setup(console: web.Application) -> None:
    r = console.router
    r.add_get("/ops/audit", audit_page, name="ops.audit")
    r.add_get(r"/ops/people/{id:\d+}", person_page, name="ops.person")
    r.add_get(r"/ops/people/{id:\d+}/export.json", person_export, name="ops.person_export")
    r.add_post(r"/ops/people/{id:\d+}/erase", person_erase, name="ops.person_erase")
    r.add_get("/ops/retention", retention_page, name="ops.retention")


def admin_of(request: web.Request) -> Staff:
    staff = request[staff_key]
    if not staff.is_admin:
        raise web.HTTPForbidden(text=say(request, N_("admins only")))
    return staff


async def audit_page(request: web.Request) -> web.Response:
    """Newest first, filtered by actor (staff:N, system, cli:…), action and dates; keyset paged."""
    staff = admin_of(request)
    q = request.query
    form = {k: q.get(k, "").strip()[:64] for k in ("actor", "action", "since", "until")}
    before = query_id(request, "before")
    since, until = local_day(form["since"], request), local_day(form["until"], request, days_after=1)
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(AUDIT_PAGE + 1)
    if form["actor"]:
        stmt = stmt.where(AuditEvent.actor == form["actor"])
    if form["action"]:
        stmt = stmt.where(AuditEvent.action == form["action"])
    if since is not None:
        stmt = stmt.where(AuditEvent.created_at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.created_at < until)
    if before is not None:
        stmt = stmt.where(AuditEvent.id < before)
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.sessionmaker]() as session:
        events = list((await session.execute(stmt)).scalars())
        members = list((await session.execute(select(StaffMember).order_by(StaffMember.name))).scalars())
        actions = [a for (a,) in await session.execute(select(AuditEvent.action).distinct())]
        audit(session, staff.actor, "audit.view", None, now)
        await session.commit()
    names = {f"staff:{m.id}": m.name for m in members} | labels(ACTOR_LABELS, translations(request))
    rows = [(event, names.get(event.actor, event.actor)) for event in events[:AUDIT_PAGE]]
    params = {k: v for k, v in form.items() if v}
    older = None
    if len(events) > AUDIT_PAGE:
        older = f"{AUDIT_PATH}?{urlencode({**params, 'before': events[AUDIT_PAGE - 1].id})}"
    context: dict[str, Any] = {
        "page": "ops.audit",
        "rows": rows,
        "form": form,
        "older": older,
        "actors": [(f"staff:{m.id}", m.name) for m in members],
        "actions": sorted(actions),
    }
    return render(request, "operators_audit.html", context)


async def person_page(request: web.Request) -> web.Response:
    """Counts only (no text, no number): what an export would contain, and the erase form."""
    return await _person(request, admin_of(request), path_id(request))


async def _person(
    request: web.Request, staff: Staff, contact_id: int, *, error: str | None = None, status: int = 200
) -> web.Response:
    """The person page, also shown again (with `error` above the form) when an erasure was refused, so that
    the admin reads why in their own language and can type the number again; each showing is a view and is
    audited as one."""
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.sessionmaker]() as session:
        contact = await session.get(Contact, contact_id)
        if contact is None:
            return _gone(request, contact_id)
        conversations = await session.scalar(
            select(func.count()).select_from(Conversation).where(Conversation.contact_id == contact_id)
        )
        messages = await session.scalar(
            select(func.count())
            .select_from(TranscriptEntry)
            .join(Conversation, Conversation.id == TranscriptEntry.conversation_id)
            .where(Conversation.contact_id == contact_id)
        )
        bookings = await session.scalar(
            select(func.count()).select_from(Booking).where(Booking.contact_id == contact_id)
        )
        subject = pseudonym(contact)
        audit(session, staff.actor, "person.view", subject, now)
        await session.commit()
    context: dict[str, Any] = {
        "page": "ops.person",
        "contact": contact,
        "subject": subject,
        "counts": {"conversations": conversations or 0, "messages": messages or 0, "bookings": bookings or 0},
        "error": error,
    }
    return render(request, "operators_person.html", context, status=status)


def _gone(request: web.Request, contact_id: int) -> web.Response:
    """A person who is not there (erased a moment ago in another tab, purged, or a mistyped address): a
    console page that says so, with the way on, rather than a bare error."""
    context: dict[str, Any] = {"page": "ops.person", "contact_id": contact_id}
    return render(request, "operators_person_gone.html", context, status=404)


async def person_export(request: web.Request) -> web.Response:
    """The access-request export (bot.access.export_contact; it writes the audit line)."""
    staff = admin_of(request)
    contact_id = path_id(request)
    now = request.config_dict[keys.clock]()
    try:
        async with request.config_dict[keys.sessionmaker]() as session, session.begin():
            data = await export_contact(session, contact_id, actor=staff.actor, now=now)
    except UnknownContact:
        raise web.HTTPNotFound(text=say(request, N_("no such person"))) from None
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="person-{contact_id}.json"'},
    )


async def person_erase(request: web.Request) -> web.StreamResponse:
    """Erase everything about the person; the form must repeat the person's number as confirmation."""
    staff = admin_of(request)
    contact_id = path_id(request)
    form = await request.post()
    typed = form.get("confirm")
    if not isinstance(typed, str) or typed.strip() != str(contact_id):
        refusal = say(request, N_("Nothing was erased. To confirm, type this person's number: %(id)s."))
        return await _person(request, staff, contact_id, error=refusal % {"id": contact_id}, status=400)
    now = request.config_dict[keys.clock]()
    try:
        async with request.config_dict[keys.sessionmaker]() as session, session.begin():
            subject = await erase_by_staff(session, contact_id, actor=staff.actor, now=now)
    except UnknownContact:
        return _gone(request, contact_id)
    raise web.HTTPSeeOther(f"{AUDIT_PATH}?{urlencode({'actor': staff.actor})}#erased-{subject}")


async def retention_page(request: web.Request) -> web.Response:
    """The retention periods (from settings) and what the next purge would delete (a dry run)."""
    staff = admin_of(request)
    settings = request.config_dict[keys.settings]
    policy = RetentionPolicy.from_settings(settings)
    now = request.config_dict[keys.clock]()
    maker = request.config_dict[keys.sessionmaker]
    report = await run_purge(maker, policy, now, dry_run=True)
    async with maker() as session, session.begin():
        audit(session, staff.actor, "retention.view", None, now)
    context: dict[str, Any] = {"page": "ops.retention", "policy": policy, "report": report}
    return render(request, "operators_retention.html", context)
