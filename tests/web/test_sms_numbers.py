"""On SMS a number picks what the person saw: the numbers on the last SMS, "0" the menu, else the main menu's.

Channels QA: an answer whose SMS showed only "0 Izvēlne" still took "2" as its hidden second suggestion
(children at visits, for someone who meant calls from the main menu); a first SMS "2" went to the model
(long visits); while waiting for a coordinator "0" and "izvēlne" got nothing.
"""

from __future__ import annotations

import re

from bot import keys
from bot.channels.sms_segments import count_segments
from tests.twilio_fake import SmsHarness

_LINE = re.compile(r"^(\d{1,2}) ", re.MULTILINE)


def numbers(body: str) -> list[int]:
    return [int(n) for n in _LINE.findall(body)]


def starts_like(sms: SmsHarness, key: str, body: str) -> bool:
    return body.startswith(sms.app[keys.texts].render(key, "lv", sms=True)[:30])


async def test_a_number_not_on_the_last_sms_is_the_main_menus(sms: SmsHarness):
    await sms.say("Sveiki")
    (visits,) = await sms.say("1")  # the main menu's first topic
    assert starts_like(sms, "faq.visit_rules", visits)
    assert numbers(visits) == [0]  # the answer's suggestions did not fit: only "0" is on the screen
    (calls,) = await sms.say("2")  # the main menu's second topic, as the person remembers it
    assert starts_like(sms, "faq.phone_calls", calls)


async def test_a_first_sms_with_a_number_is_the_main_menus(sms: SmsHarness):
    (calls,) = await sms.say("2", sender="+37120000002")
    assert starts_like(sms, "faq.phone_calls", calls)


async def test_while_waiting_zero_and_the_menu_word_show_the_menu(sms: SmsHarness):
    await sms.say("gribu runāt ar cilvēku")  # in the queue for a coordinator
    for asked in ("0", "izvēlne"):
        replies = await sms.say(asked)
        assert replies, asked  # silence before
        assert numbers(replies[-1])[:3] == [1, 2, 3], asked  # the main menu's topics


async def test_a_slip_after_a_list_of_one_says_send_1_not_from_1_to_1(sms: SmsHarness):
    """In the queue the SMS shows "1 Iziet no rindas" alone; "7" got "no 1 līdz 1" (QA, SMS pass)."""
    await sms.say("gribu runāt ar cilvēku")
    (slip,) = await sms.say("7")
    assert "1 līdz 1" not in slip
    assert slip == "Tāda numura sarakstā nav. Atsūtiet 1 vai 0 (izvēlne)."
    assert count_segments(slip).segments == 1


async def test_a_slip_at_the_main_menu_costs_one_segment(sms: SmsHarness):
    """ "11" at the main menu: the numbers there are, in one segment by SMS (it took two, QA, SMS pass)."""
    await sms.say("Sveiki")
    (slip,) = await sms.say("11")
    assert slip == "Tāda numura sarakstā nav. Atsūtiet no 1 līdz 10 vai 0 (izvēlne)."
    assert count_segments(slip).segments == 1
