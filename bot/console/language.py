"""POST /console/language: a staff member chooses the console's language; it is kept on their account.

The switch is a form in every page's header (no script needed); it comes back to the page it was on.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import update

from bot import keys
from bot.console.audit import audit
from bot.console.auth import set_cookie, staff_key
from bot.console.i18n import LANGUAGE_COOKIE, known
from bot.console.login import LANGUAGE_COOKIE_SECONDS
from bot.db.models import StaffMember

HOME = "/console/"


def back_to(value: object) -> str:
    """The console page the switch was used on; anything else (another site, a crafted path) is the queue."""
    if not isinstance(value, str) or not value.startswith(HOME) or len(value) > 2000:
        return HOME
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or "//" in parts.path or "\\" in value or not value.isprintable():
        return HOME
    return value


async def choose_language(request: web.Request) -> web.StreamResponse:
    staff = request[staff_key]
    form = await request.post()
    language = known(form.get("language"))
    if language is None:
        raise web.HTTPBadRequest(text="language is lv, en or ru")
    now = request.config_dict[keys.clock]()
    async with request.config_dict[keys.sessionmaker]() as session, session.begin():
        await session.execute(update(StaffMember).where(StaffMember.id == staff.id).values(language=language))
        audit(session, staff.actor, "staff.language", f"staff:{staff.id}", now)
    response = web.HTTPSeeOther(back_to(form.get("next")))
    set_cookie(request, response, LANGUAGE_COOKIE, language, LANGUAGE_COOKIE_SECONDS)
    raise response
