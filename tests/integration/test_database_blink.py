"""A turn that loses its database connection is run once more (a real answer, not an apology)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import DBAPIError

from bot import keys
from bot.db.errors import database_unavailable
from nlu.parse import Parse
from tests.factories import inbound, outbox, transcript
from tests.fakes import FakeClassifier


class FlakyDatabase(FakeClassifier):
    """Fails the first `failures` parses the way a lost connection fails a statement."""

    def __init__(self, failures: int = 1) -> None:
        super().__init__()
        self.failures = failures

    async def parse(self, text: str) -> Parse:
        if self.failures:
            self.failures -= 1
            raise ConnectionResetError(104, "Connection reset by peer")
        return await super().parse(text)


async def test_a_turn_cut_by_a_lost_connection_runs_again_and_answers(make_app):
    app = await make_app(classifier=FlakyDatabase())
    result = await app[keys.pipeline].handle(inbound("kā var satikt vīru?"))
    assert result.replies == 1 and not result.failed
    assert [e.intent for e in await transcript(app) if e.direction == "in"] == ["visit_rules"]
    assert len(await outbox(app)) == 1  # the answer, once; no apology


async def test_a_turn_the_database_fails_twice_is_left_for_the_resend_and_then_answered(
    make_app, caplog: pytest.LogCaptureFixture
):
    """Both attempts lose the connection and the database is back for the fallback: the person must get the
    answer when the message comes again (503 to Telegram and the page, the SMS spool), not an apology now."""
    app = await make_app(classifier=FlakyDatabase(failures=2))
    msg = inbound("kā var satikt vīru?", provider_id="update-9")
    with caplog.at_level(logging.WARNING), pytest.raises(ConnectionResetError):
        await app[keys.pipeline].handle(msg)
    assert await outbox(app) == [] and await transcript(app) == []  # nothing half-done
    assert not [r for r in caplog.records if r.exc_info]  # an outage is one line per retry, no traceback
    result = await app[keys.pipeline].handle(msg)  # the provider's resend
    assert result.replies == 1 and not result.failed and not result.duplicate
    (reply,) = await outbox(app)
    assert reply.text == app[keys.texts].render("faq.visit_rules", "lv")


async def test_a_bug_still_gets_the_apology_not_a_retry(make_app):
    app = await make_app()
    result = await app[keys.pipeline].handle(inbound("boom"))
    assert result.failed


class _Orig(Exception):
    def __init__(self, pgcode: str) -> None:
        super().__init__("x")
        self.pgcode = pgcode


def test_what_counts_as_the_database_going_away():
    assert database_unavailable(ConnectionRefusedError(111, "refused"))
    assert database_unavailable(DBAPIError("SELECT 1", {}, _Orig("57P01")))  # admin shutdown
    assert database_unavailable(DBAPIError("SELECT 1", {}, _Orig("08006")))  # connection failure
    assert not database_unavailable(DBAPIError("INSERT", {}, _Orig("23505")))  # unique violation
    assert not database_unavailable(RuntimeError("a bug"))
    try:
        try:
            raise ConnectionResetError(104, "reset")
        except ConnectionResetError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert database_unavailable(outer)
