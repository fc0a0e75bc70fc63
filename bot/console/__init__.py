"""The coordinators' live console at /console/: a sub-application with its own auth and headers."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from bot import keys
from bot.console import language, login, operators, views
from bot.console.auth import auth_middleware
from bot.console.hub import ConsoleEvent, ConsoleHub
from bot.console.i18n import load_catalogs
from bot.console.render import STATIC, headers_middleware, make_environment
from bot.console.ws import console_ws

ACTIONS = ("claim", "reply", "note", "handback", "close")


def setup_console(app: web.Application) -> None:
    """Mount /console/ on the main app; the hub must exist before the pipeline is built."""
    app[keys.console_hub] = ConsoleHub()
    app[keys.console_templates] = make_environment(app[keys.settings].zone)
    app[keys.console_catalogs] = load_catalogs()  # lv and ru, read from their .po files once
    console = web.Application(middlewares=[headers_middleware, auth_middleware])
    console[views.viewed_key] = views.ViewedConversations()
    r = console.router
    r.add_get("/login", login.login_page, name="console.login")
    r.add_post("/login", login.login_post, name="console.login_post")
    r.add_post("/logout", login.logout, name="console.logout")
    r.add_post("/language", language.choose_language, name="console.language")
    r.add_get("/", views.queue_page, name="console.queue")
    r.add_get("/queue.json", views.queue_json, name="console.queue_json")
    r.add_get(r"/conversations/{id:\d+}", views.conversation_page, name="console.conversation")
    r.add_get(r"/conversations/{id:\d+}/messages.json", views.messages_json, name="console.messages")
    for action in ACTIONS:
        r.add_post(
            rf"/conversations/{{id:\d+}}/{action}", views.action_handler(action), name=f"console.{action}"
        )
    r.add_get("/callbacks", views.callbacks_page, name="console.callbacks")
    r.add_post(r"/callbacks/{id:\d+}/done", views.callback_done, name="console.callback_done")
    r.add_get("/audit", _to_audit_log, name="console.audit")  # the old address of the one audit log
    operators.setup(console)  # /console/ops/…: transcripts, review, analytics, admin pages
    r.add_get("/ws", console_ws, name="console.ws")
    r.add_static("/static/", STATIC, name="console.static")
    app.add_subapp("/console", console)
    app.router.add_get("/console", _to_console)
    app.cleanup_ctx.append(_bridge_events)


async def _to_console(request: web.Request) -> web.StreamResponse:
    raise web.HTTPMovedPermanently("/console/")


async def _to_audit_log(request: web.Request) -> web.StreamResponse:
    # behind the console's login like every page; the log itself checks the admin role and audits the view
    raise web.HTTPSeeOther(f"/console/ops/audit{'?' + request.query_string if request.query_string else ''}")


async def _bridge_events(app: web.Application) -> AsyncIterator[None]:
    """Other workers' changes (PostgreSQL NOTIFY through bot.events) reach this worker's pages too."""
    hub = app[keys.console_hub]

    async def publish(event: str, conversation_id: int) -> None:
        if event == "conversation":
            hub.publish(ConsoleEvent("conversation", conversation_id))
        elif event == "resync":
            hub.publish(ConsoleEvent("resync"))

    app[keys.events].subscribe(publish)
    yield
