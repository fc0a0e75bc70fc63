"""Who reads what on the coordinators' pages: masked text except for the one who holds the hand-off.

docs/operators.md and bot/visibility.py: operators always see masked text; coordinators and admins
see a conversation unmasked only while they hold its hand-off. That covers the conversation page,
its live updates (messages.json), internal notes, the person's panel and the call-back list; a
call-back's number stays readable to coordinators and admins while the request is open (they call).
Every read of a transcript is audited, also through messages.json.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot import keys
from bot.db.models import CallbackRequest, HandoffNote, HandoffRequest, Owner
from tests.ops_data import Msg, conversation
from tests.web.console_support import (
    ADAM,
    ANNA,
    BORIS,
    OLGA,
    add_staff,
    audit_actions,
    console_app,
    every_role,
    login,
    second_browser,
)

PHONE = "26123456"
SAID = f"Mans vīrs ir Jelgavas cietumā, mans numurs +371 {PHONE}"
NOTE_PHONE = "+37126111222"
OPEN_CALLBACK = "+37129123456"
DONE_CALLBACK = "+37129000111"
FIRST_NAME = "Ilze"


@pytest.fixture
async def held(aiohttp_client, settings, clock, sender) -> dict[str, Any]:
    app = console_app(settings, clock, sender)
    client = await aiohttp_client(app)
    ids = await every_role(app)
    now = clock()
    async with app[keys.sessionmaker]() as session, session.begin():
        seeded = await conversation(
            session,
            [Msg(SAID, intent="visit_long", confidence=0.42, language="lv")],
            at=now - timedelta(hours=1),
            user="person-1",
            owner=Owner.HUMAN,
        )
        seeded.contact.first_name = FIRST_NAME
        cid = seeded.conversation.id
        session.add(
            HandoffRequest(
                conversation_id=cid,
                priority=10,
                reason="callback",
                status="claimed",
                created_at=now - timedelta(minutes=50),
                claimed_by=ids["anna"],
                claimed_at=now - timedelta(minutes=40),
            )
        )
        session.add(
            HandoffNote(
                conversation_id=cid, staff_id=ids["anna"], text=f"Zvanīt {NOTE_PHONE}", created_at=now
            )
        )
        session.add(
            CallbackRequest(
                conversation_id=cid,
                phone=OPEN_CALLBACK,
                preferred_time="pēc 17:00",
                language="lv",
                status="open",
                created_at=now - timedelta(minutes=55),
            )
        )
        session.add(
            CallbackRequest(
                conversation_id=cid,
                phone=DONE_CALLBACK,
                preferred_time="rīt no rīta",
                language="lv",
                status="done",
                created_at=now - timedelta(days=2),
                done_at=now - timedelta(days=1),
                done_by=ids["boris"],
            )
        )
    return {"app": app, "client": client, "ids": ids, "cid": cid}


async def _reads(client: Any, cid: int) -> tuple[str, str, str]:
    page = await client.get(f"/console/conversations/{cid}")
    assert page.status == 200
    data = await client.get(f"/console/conversations/{cid}/messages.json")
    assert data.status == 200
    texts = " ".join(e["text"] for e in (await data.json())["entries"])
    callbacks = await client.get("/console/callbacks")
    assert callbacks.status == 200
    return await page.text(), texts, await callbacks.text()


async def test_an_operator_reads_the_conversation_notes_and_call_backs_masked(held):
    await login(held["client"], OLGA)
    page, data, callbacks = await _reads(held["client"], held["cid"])
    for shown in (page, data):
        assert PHONE not in shown and "⟨phone⟩" in shown
        assert "Jelgavas cietumā" in shown  # places stay readable
    assert NOTE_PHONE not in page  # the note
    assert FIRST_NAME not in page  # the panel
    for shown in (page, callbacks):  # the panel's call-backs and the call-back page
        assert OPEN_CALLBACK not in shown and DONE_CALLBACK not in shown
    assert "pēc 17:00" in callbacks  # the preferred time is no personal detail


@pytest.mark.parametrize("email", [BORIS, ADAM])
async def test_a_coordinator_or_admin_without_the_hand_off_reads_masked_but_can_call_back(held, email):
    await login(held["client"], email)
    page, data, callbacks = await _reads(held["client"], held["cid"])
    for shown in (page, data):
        assert PHONE not in shown and "⟨phone⟩" in shown
    assert NOTE_PHONE not in page and FIRST_NAME not in page
    # they are the ones who call back: an open request's number is there; a done one's is not
    assert OPEN_CALLBACK in callbacks and OPEN_CALLBACK in page
    assert DONE_CALLBACK not in callbacks and DONE_CALLBACK not in page


async def test_the_coordinator_holding_the_hand_off_reads_everything_until_she_hands_it_back(held):
    client, cid = held["client"], held["cid"]
    csrf = await login(client, ANNA)
    page, data, callbacks = await _reads(client, cid)
    assert PHONE in page and PHONE in data and "⟨phone⟩" not in data
    assert NOTE_PHONE in page and FIRST_NAME in page
    assert OPEN_CALLBACK in callbacks and DONE_CALLBACK in page  # her own person's panel, all of it
    back = await client.post(f"/console/conversations/{cid}/handback", data={"csrf": csrf, "flow": ""})
    assert back.status == 200
    page, data, _ = await _reads(client, cid)
    assert PHONE not in page and PHONE not in data and NOTE_PHONE not in page


async def test_reading_the_transcript_as_json_is_audited_once_per_view_not_per_update(held):
    client, cid, olga = held["client"], held["cid"], f"staff:{held['ids']['olga']}"
    subject = f"conversation:{cid}"

    def views(rows: list[tuple[str, str, str | None]]) -> int:
        return rows.count((olga, "conversation.view", subject))

    await login(client, OLGA)
    read = await client.get(f"/console/conversations/{cid}/messages.json")  # never opened the page
    assert read.status == 200 and "Jelgavas" in await read.text()
    assert views(await audit_actions(held["app"])) == 1
    last = max(e["id"] for e in (await read.json())["entries"])
    for after in (last, last, 0):  # the page's live updates do not fill the log
        assert (await client.get(f"/console/conversations/{cid}/messages.json?after={after}")).status == 200
    assert views(await audit_actions(held["app"])) == 1
    await client.get(f"/console/conversations/{cid}")  # opening the page is a view, as always
    assert views(await audit_actions(held["app"])) == 2
    async with second_browser(client) as other:  # another login: a cursor of 1 is no way around the log
        await login(other, OLGA)
        assert (await other.get(f"/console/conversations/{cid}/messages.json?after=1")).status == 200
    assert views(await audit_actions(held["app"])) == 3


# staff QA (s9): what still reached staff who do not hold the conversation, and what each must read as
S9_SAID = [
    "my name is jennifer smith",
    "MY SON IS PETER NOVAK",
    "mans dels janis ir Olaines cietumā",
    "мой муж сергей, zvaniet divi seši viens divi trīs četri pieci seši",
    "два шесть один два три четыре пять шесть или ilze at inbox dot lv",
    "kods 01019012345, konts LV80BANK0000435195001",
    "Vai psihologs var tikties Iļģuciemā pirmdien?",
]
S9_LEAKS = ["jennifer", "smith", "PETER", "NOVAK", "janis", "сергей", "seši", "шесть", "ilze", "01019012345"]


@pytest.mark.parametrize("email", [OLGA, BORIS])
async def test_staff_without_the_conversation_read_lower_case_and_capital_names_and_spoken_numbers_masked(
    aiohttp_client, settings, clock, sender, email
):
    app = console_app(settings, clock, sender)
    client = await aiohttp_client(app)
    await every_role(app)
    async with app[keys.sessionmaker]() as session, session.begin():
        seeded = await conversation(
            session,
            [Msg(text, intent="visit_rules", confidence=0.6) for text in S9_SAID],
            at=clock() - timedelta(hours=1),
            user="person-s9",
        )
    cid = seeded.conversation.id
    await login(client, email)
    page, data, _ = await _reads(client, cid)
    for shown in (page, data):
        assert [leak for leak in S9_LEAKS if leak in shown] == []
        assert "LV80BANK" not in shown
        assert "⟨phone⟩" in shown and "⟨email⟩" in shown and "⟨account⟩" in shown
        assert "⟨personal_code⟩" in shown
        assert "Olaines cietumā" in shown and "Vai psihologs var tikties Iļģuciemā pirmdien?" in shown


@pytest.mark.parametrize(
    ("language", "phone", "name"), [("lv", "⟨tālrunis⟩", "⟨vārds⟩"), ("ru", "⟨телефон⟩", "⟨имя⟩")]
)
async def test_the_masks_are_in_the_readers_language_on_the_pages_and_canonical_in_the_export(
    held, language, phone, name
):
    """A Latvian or Russian console showed `⟨phone⟩` and `⟨name⟩` in English in the middle of its text."""
    email = f"operator-{language}@helpline.example"
    await add_staff(held["app"], email, "operator", "Inese", language=language)
    client, cid = held["client"], held["cid"]
    await login(client, email)
    page, data, callbacks = await _reads(client, cid)
    search = await (await client.get("/console/ops/search", params={"q": "Jelgavas"})).text()
    for shown in (page, data, search):
        assert f"mans numurs {phone}" in shown and "⟨phone⟩" not in shown and PHONE not in shown
    assert name in page and "⟨name⟩" not in page and FIRST_NAME not in page  # the person's panel
    assert phone in callbacks and "⟨phone⟩" not in callbacks and OPEN_CALLBACK not in callbacks
    exported = await (await client.get("/console/ops/export.yml", params={"all": "1"})).text()
    assert "mans numurs ⟨phone⟩" in exported and phone not in exported  # the training data: canonical
