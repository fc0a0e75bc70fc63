"""POST /webhooks/twilio/status: delivery lands on the outbox row; a failure is retried when that may help."""

from __future__ import annotations

import pytest

from bot.channels.sms_status import RETRY_CODES, retry_delay
from bot.db.models import OutboxItem
from tests.factories import outbox
from tests.twilio_fake import SmsFactory, SmsHarness, form_body, signed

PERSON = "+37120000001"


@pytest.fixture
async def sms(make_sms: SmsFactory) -> SmsHarness:
    return await make_sms(outbox_max_attempts=3)  # retries end sooner than by default


async def _one_answer(sms: SmsHarness) -> OutboxItem:
    await sms.say("kā var satikt vīru?", PERSON)
    (row,) = await outbox(sms.app)
    assert row.status == "sent" and row.provider_message_id
    return row


async def test_delivery_reports_are_recorded_in_order(sms: SmsHarness):
    row = await _one_answer(sms)
    for status in ("queued", "sent", "delivered"):
        assert await sms.report(row.provider_message_id or "", status) == 204
    assert await sms.report(row.provider_message_id or "", "sent") == 204  # late and out of order: ignored
    (row,) = await outbox(sms.app)
    assert (row.status, row.delivery_status, row.last_error) == ("sent", "delivered", None)


@pytest.mark.parametrize("late", ["queued", "sending", "sent"])
async def test_a_late_report_does_not_hide_that_the_sms_was_not_delivered(sms: SmsHarness, clock, late: str):
    row = await _one_answer(sms)
    sid = row.provider_message_id or ""
    for status, code in (("sent", ""), ("undelivered", "30003"), (late, "")):  # the last one was delayed
        assert await sms.report(sid, status, code) == 204
    (row,) = await outbox(sms.app)
    assert (row.status, row.delivery_status) == ("pending", "undelivered")  # what the coordinators see
    assert (row.last_error or "").startswith("twilio 30003")
    clock.advance(seconds=retry_delay(1) + 1)
    (again,) = await sms.deliver()  # still sent again; that attempt's reports count from the start
    for status in ("queued", "sent"):
        assert await sms.report(again.sid, status) == 204
    (row,) = await outbox(sms.app)
    assert (row.status, row.delivery_status) == ("sent", "sent")


async def test_a_late_sent_does_not_hide_a_final_failure(sms: SmsHarness):
    row = await _one_answer(sms)
    sid = row.provider_message_id or ""
    for status, code in (("failed", "30005"), ("sent", ""), ("sending", "")):
        assert await sms.report(sid, status, code) == 204
    (row,) = await outbox(sms.app)
    assert (row.status, row.delivery_status) == ("dead", "failed")


@pytest.mark.parametrize(("failure", "code"), [("undelivered", "30003"), ("failed", "30006")])
async def test_a_delivery_receipt_after_a_failure_report_is_the_final_word(
    sms: SmsHarness, clock, failure: str, code: str
):
    row = await _one_answer(sms)
    sid = row.provider_message_id or ""
    assert await sms.report(sid, failure, code) == 204
    assert await sms.report(sid, "delivered") == 204  # the handset's receipt came after all
    (row,) = await outbox(sms.app)
    assert (row.status, row.delivery_status, row.last_error) == ("sent", "delivered", None)
    assert await sms.report(sid, failure, code) == 204  # a failure reported after it: kept out
    clock.advance(hours=2)
    assert await sms.deliver() == []  # the person does not get the answer twice
    (row,) = await outbox(sms.app)
    assert (row.status, row.delivery_status, row.last_error) == ("sent", "delivered", None)


async def test_a_failure_that_may_pass_is_sent_again_later_under_a_new_sid(sms: SmsHarness, clock):
    row = await _one_answer(sms)
    first_sid = row.provider_message_id or ""
    assert await sms.report(first_sid, "undelivered", "30003") == 204  # handset off
    (row,) = await outbox(sms.app)
    assert row.status == "pending" and row.delivery_status == "undelivered"
    assert row.last_error is not None and row.last_error.startswith("twilio 30003")
    assert await sms.deliver() == []  # not at once: a phone that is off needs minutes
    clock.advance(seconds=retry_delay(1) + 1)
    (again,) = await sms.deliver()
    (row,) = await outbox(sms.app)
    assert row.status == "sent" and row.attempts == 2 and row.provider_message_id == again.sid != first_sid
    assert (
        await sms.report(first_sid, "failed", "30003") == 204
    )  # a late report of the old attempt: no effect
    assert await sms.report(again.sid, "delivered") == 204
    (row,) = await outbox(sms.app)
    assert (row.status, row.delivery_status) == ("sent", "delivered")


async def test_a_final_failure_marks_the_row_dead_with_the_code_for_coordinators(sms: SmsHarness, clock):
    codes = ["30005", "30006", "30007", "30004", "21610", ""]
    for n, _ in enumerate(codes):
        await sms.say("kā var satikt vīru?", f"+3712000010{n}")
    rows = await outbox(sms.app)
    for row, code in zip(rows, codes, strict=True):
        assert (
            await sms.report(row.provider_message_id or "", "failed" if code else "undelivered", code) == 204
        )
    clock.advance(hours=2)
    assert await sms.deliver() == []
    for row, code in zip(await outbox(sms.app), codes, strict=True):
        assert row.status == "dead" and row.delivery_status in ("failed", "undelivered")
        assert (row.last_error or "").startswith(f"twilio {code}") if code else row.last_error is None


async def test_retries_stop_at_the_outbox_limit(sms: SmsHarness, clock):
    await _one_answer(sms)
    for _ in range(5):
        (row,) = await outbox(sms.app)
        await sms.report(row.provider_message_id or "", "undelivered", "30008")
        clock.advance(hours=2)
        await sms.deliver()
    (row,) = await outbox(sms.app)
    assert row.status == "dead" and row.attempts == 3 and len(sms.fake.sent) == 3


async def test_a_report_must_be_signed_and_name_a_message(sms: SmsHarness):
    row = await _one_answer(sms)
    form = {"MessageSid": row.provider_message_id or "", "MessageStatus": "failed", "ErrorCode": "30003"}
    forged = await sms.client.post(
        "/webhooks/twilio/status", data=form_body(form), headers={"X-Twilio-Signature": "bm9wZQ=="}
    )
    assert forged.status == 403
    (row,) = await outbox(sms.app)
    assert row.delivery_status is None and row.status == "sent"
    empty: dict[str, str] = {"AccountSid": "AC1"}
    path = "/webhooks/twilio/status"
    assert (await sms.client.post(path, data=form_body(empty), headers=signed(path, empty))).status == 400
    assert await sms.report("SM" + "0" * 32, "delivered") == 204  # not ours (or long gone): nothing to do


def test_the_retry_list_is_short_and_explained():
    assert set(RETRY_CODES) == {"30001", "30003", "30008", "30017", "30500"}
    assert [retry_delay(n) for n in (1, 2, 3, 7, 20)] == [60.0, 120.0, 240.0, 3600.0, 3600.0]
