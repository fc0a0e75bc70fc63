"""Jinja2 (autoescape always on) for the console's pages, and the security headers on every response.

Pages speak the signed-in staff member's language (bot.console.i18n): jinja2.ext.i18n's `_()` and
`{% trans %}` look the words up in the translations that render() puts into each page's context, so one
environment serves every language at once.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web
from aiohttp.typedefs import Handler

from bot import keys
from bot.console import dates, i18n
from bot.console.auth import Staff, staff_key
from bot.console.numbers import number

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

# no inline script or style anywhere: console.js and console.css are the only code the page runs
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


# the template context's name for the page's translations (set by render())
TRANSLATIONS = "translations"
# what console.js writes itself (live queue rows, the owner line, a locked reply form): given to it
# translated, as JSON in <body data-i18n>, since the CSP allows no inline script
JS_TEXTS = {
    "takeOver": i18n.N_("Take over"),
    "open": i18n.N_("Open"),
    "crisis": i18n.N_("CRISIS"),
    "crisisCount": i18n.N_("CRISIS %(n)s"),
    "outOfHours": i18n.N_("out of hours"),
    "minutes": i18n.N_("%(n)s min"),
    "withYou": i18n.N_("With you"),
    "withName": i18n.N_("With %(name)s"),
    "aCoordinator": i18n.N_("a coordinator"),
    "waiting": i18n.N_("Waiting for a coordinator"),
    "closed": i18n.N_("Closed"),
    "bot": i18n.N_("With the bot"),
    "lockClosed": i18n.N_("This conversation was closed."),
    "lockTakenBy": i18n.N_("%(name)s has taken this conversation over."),
    "lockTaken": i18n.N_("Another coordinator has taken this conversation over."),
    "lockHandedBack": i18n.N_("This conversation was handed back to the bot."),
    "lockNotYours": i18n.N_("This conversation is no longer yours."),
    "lockKept": i18n.N_("Your text was not sent; it stays below so that you can copy it."),
    "lockNoReply": i18n.N_("You can no longer reply here."),
    "formerStaff": i18n.N_("former staff"),
    # the live updates' state in words, not only its colour
    "live": i18n.N_("live"),
    "offline": i18n.N_("offline"),
}
# the delivery status of a message sent to the person, and who wrote a transcript line: the stored values
# stay as CSS classes, these are what the coordinator reads
STATUS_LABELS = {
    "pending": i18n.N_("pending"),
    "sent": i18n.N_("sent"),
    "delivered": i18n.N_("delivered"),
    "read": i18n.N_("read"),
    "failed": i18n.N_("failed"),
    "undelivered": i18n.N_("undelivered"),
    "not sent": i18n.N_("not sent"),
}
ROLE_LABELS = {
    "coordinator": i18n.N_("coordinator"),
    "operator": i18n.N_("operator"),
    "admin": i18n.N_("admin"),
}
AUTHOR_LABELS = {
    "person": i18n.N_("person"),
    "bot": i18n.N_("bot"),
    "coordinator": i18n.N_("coordinator"),
    "system": i18n.N_("system"),
}

# what the person sent that is not words: shown on their line, since its text is empty or only a caption.
# Never the thing itself: media is not downloaded, a location or someone else's card is not kept (QA s11:
# a picture sent by SMS left an empty line, and the coordinator did not know anything had come)
KIND_LABELS = {
    "media": i18n.N_("photo, voice message or file: not downloaded"),
    "location": i18n.N_("location: not kept"),
    "contact_other": i18n.N_("someone else's contact card: not kept"),
    "edited": i18n.N_("an edit of an earlier message"),
}


def _page_language(context: jinja2.runtime.Context) -> str:
    found = context.get("lang")
    return found if isinstance(found, str) else i18n.DEFAULT_LANGUAGE


def _page_translations(context: jinja2.runtime.Context) -> gettext.NullTranslations:
    found = context.get(TRANSLATIONS)
    return found if isinstance(found, gettext.NullTranslations) else gettext.NullTranslations()


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, message: str) -> str:
    # an empty label (a row without a reason) stays empty: gettext("") is the catalog's header
    return _page_translations(context).gettext(message) if message else message


@jinja2.pass_context
def _ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int) -> str:
    return _page_translations(context).ngettext(singular, plural, n)


def make_environment(zone: ZoneInfo) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # a {% trans %} block's line breaks are not part of the msgid
    # newstyle: `_("%(n)s min", n=3)` fills in (escaped) values after the lookup, as {% trans %} does;
    # install_gettext_callables is added to the environment by the i18n extension
    cast(Any, env).install_gettext_callables(gettext=_gettext, ngettext=_ngettext, newstyle=True)

    @jinja2.pass_context
    def local(context: jinja2.runtime.Context, moment: datetime | None, style: dates.Style = "short") -> str:
        return dates.moment(moment, _page_language(context), zone, style)

    @jinja2.pass_context
    def local_day(context: jinja2.runtime.Context, value: date | str) -> str:
        return dates.day(value, _page_language(context))

    @jinja2.pass_context
    def local_number(context: jinja2.runtime.Context, value: float, places: int | None = None) -> str:
        return number(value, _page_language(context), places)

    env.filters["local"] = local
    env.filters["day"] = local_day
    env.filters["number"] = local_number  # "66,7" in Latvian and Russian, "66.7" in English
    return env


def page_language(request: web.Request) -> str:
    """The signed-in staff member's language; on the login page, the one the page was asked in."""
    staff = request.get(staff_key)
    return staff.language if staff is not None else i18n.login_language(request)


def translations(request: web.Request, language: str | None = None) -> gettext.NullTranslations:
    """For words a handler puts together itself (refusals, chart titles, the queue's JSON)."""
    return request.config_dict[keys.console_catalogs].get(language or page_language(request))


def say(request: web.Request, message: str) -> str:
    """One English msgid in the reader's language (a refusal's plain-text answer)."""
    return translations(request).gettext(message)


def labels(words: Mapping[str, str], tr: gettext.NullTranslations) -> dict[str, str]:
    return {key: tr.gettext(message) for key, message in words.items()}


def page_texts(staff: Staff | None, tr: gettext.NullTranslations) -> dict[str, str]:
    """console.js's words for this page; "Take over" only for someone who may (an operator's page has no
    take-over button, nor its word)."""
    texts = labels(JS_TEXTS, tr)
    if staff is None or not staff.can_act:
        del texts["takeOver"]
    return texts


def render(
    request: web.Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    language: str | None = None,
) -> web.Response:
    env = request.config_dict[keys.console_templates]
    staff = request.get(staff_key)
    language = language or page_language(request)
    tr = translations(request, language)
    page_context: dict[str, Any] = {
        "staff": staff,
        "csrf": staff.csrf if staff else "",
        "lang": language,
        "console_languages": i18n.NAMES,
        # where the language switch comes back to (a page shown after a POST says it itself)
        "here": request.path_qs if request.method == "GET" else "/console/",
        "js_texts": page_texts(staff, tr),
        "status_labels": labels(STATUS_LABELS, tr),
        "author_labels": labels(AUTHOR_LABELS, tr),
        "kind_labels": labels(KIND_LABELS, tr),
        "role_label": tr.gettext(ROLE_LABELS.get(staff.role, staff.role)) if staff else "",
        TRANSLATIONS: tr,
        **context,
    }
    page = env.get_template(template).render(page_context)
    return web.Response(text=page, content_type="text/html", charset="utf-8", status=status)


def add_security_headers(response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.content_type in ("text/html", "application/json"):
        response.headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        add_security_headers(exc)
        raise
    if not response.prepared:  # a websocket has sent its headers already
        add_security_headers(response)
    return response
