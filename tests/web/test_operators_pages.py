"""Operators' console pages over HTTP: who sees what (masked or not), review, export, analytics, admin pages.

Every rule is checked per role on both database backends; every view, export, relabel and erasure
leaves an audit line without content.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot import keys
from bot.db.models import Contact, HandoffRequest, Owner, TranscriptEntry
from nlu.yaml_data import load_examples
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
SECRET = f"Mans tālrunis {PHONE}, vīrs ir Olainē"


@pytest.fixture
async def ops(aiohttp_client, settings, clock, sender) -> dict[str, Any]:
    app = console_app(settings, clock, sender)
    client = await aiohttp_client(app)
    ids = await every_role(app)
    now = clock()
    async with app[keys.sessionmaker]() as session, session.begin():
        held = await conversation(
            session,
            [Msg(SECRET, intent="visit_long", confidence=0.42, language="lv"),
             Msg("Paldies, nododu koordinatoram.", direction="out", after=timedelta(seconds=2))],
            at=now - timedelta(hours=1), user="person-1", owner=Owner.HUMAN,
        )  # fmt: skip
        session.add(
            HandoffRequest(
                conversation_id=held.conversation.id,
                priority=10,
                reason="asked",
                status="claimed",
                created_at=now - timedelta(minutes=50),
                claimed_by=ids["anna"],
                claimed_at=now,
            )  # fmt: skip
        )
        other = await conversation(
            session,
            [Msg("Kā pieteikt tikšanos cietumā?", intent="visit_long", confidence=0.91, language="lv")],
            at=now - timedelta(hours=2), user="person-2", channel="sms",
        )  # fmt: skip
    return {
        "app": app,
        "client": client,
        "ids": ids,
        "held": held.entries[0].id,
        "other": other.entries[0].id,
        "contact": held.contact.id,
    }


async def _as(ops: dict[str, Any], email: str) -> str:
    return await login(ops["client"], email)


async def _search(ops: dict[str, Any], **params: str) -> str:
    answer = await ops["client"].get("/console/ops/search", params=params)
    assert answer.status == 200, await answer.text()
    return str(await answer.text())


async def test_not_logged_in_pages_redirect_and_posts_are_refused(ops):
    client = ops["client"]
    for path in (
        "/console/ops/search",
        "/console/ops/analytics",
        "/console/ops/audit",
        "/console/ops/retention",
    ):
        answer = await client.get(path, allow_redirects=False)
        assert answer.status == 303 and answer.headers["Location"] == "/console/login", path
    assert (await client.post(f"/console/ops/review/{ops['held']}", data={"intent": "greet"})).status == 401
    assert (await client.get("/console/ops/export.yml", allow_redirects=False)).status == 303


@pytest.mark.parametrize("email", [OLGA, BORIS, ADAM])
async def test_everyone_but_the_owner_sees_masked_text(ops, email):
    await _as(ops, email)
    page = await _search(ops, q="tālrunis")
    assert PHONE not in page and "⟨phone⟩" in page
    assert "Olainē" in page  # a place stays readable
    # the page says what a word search covers (migration 0010: not the bot's own answers)
    assert "The bot's own answers are not searched by word" in page


async def test_the_coordinator_holding_the_hand_off_sees_it_unmasked_and_only_that_one(ops):
    await _as(ops, ANNA)
    page = await _search(ops)
    assert PHONE in page
    assert "Kā pieteikt tikšanos cietumā?" in page
    actions = await audit_actions(ops["app"])
    assert (f"staff:{ops['ids']['anna']}", "search.view", "hits:3") in actions


async def test_a_persons_words_are_marked_with_their_language_for_screen_readers(ops):
    """An English-speaking operator's page of Latvian messages: a screen reader read them with an English
    voice; the cell now says its language (lang="lv")."""
    await _as(ops, OLGA)
    page = await _search(ops, direction="in", channel="sms")
    assert '<html lang="en">' in page
    assert '<td class="text" lang="lv">Kā pieteikt tikšanos cietumā?</td>' in page


async def test_filters_and_paging(ops):
    await _as(ops, OLGA)
    sms = await _search(ops, channel="sms")
    assert "tikšanos" in sms and "⟨phone⟩" not in sms
    low = await _search(ops, low="1")
    assert "⟨phone⟩" in low and "tikšanos" not in low
    handed = await _search(ops, handed_off="1", direction="in")
    assert "⟨phone⟩" in handed and "tikšanos" not in handed
    answer = await ops["client"].get("/console/ops/search", params={"channel": "fax"})
    assert answer.status == 400
    # keyset paging: newest first, then the page below a given id (the held conversation is older)
    first = await _search(ops, direction="in", before=str(ops["other"] + 1))
    assert "tikšanos" in first and "⟨phone⟩" in first
    below = await _search(ops, direction="in", before=str(ops["other"]))
    assert "tikšanos" not in below and "⟨phone⟩" in below
    none = await _search(ops, direction="in", before=str(ops["held"]))
    assert "Nothing found." in none


async def test_an_operator_confirms_and_relabels_with_csrf_and_it_is_audited(ops):
    csrf = await _as(ops, OLGA)
    client = ops["client"]
    path = f"/console/ops/review/{ops['held']}"
    assert (await client.post(path, data={"intent": "greet"})).status == 403  # no CSRF token
    answer = await client.post(
        path, data={"csrf": csrf, "intent": "greet", "next": "/console/ops/search?q=x"}, allow_redirects=False
    )
    assert (
        answer.status == 303 and answer.headers["Location"] == f"/console/ops/search?q=x#entry-{ops['held']}"
    )
    evil = await client.post(
        f"/console/ops/review/{ops['other']}",
        data={"csrf": csrf, "intent": "visit_long", "next": "https://evil.example/"},
        allow_redirects=False,
    )
    assert evil.headers["Location"].startswith("/console/ops/search#")
    bad = await client.post(path, data={"csrf": csrf, "intent": "no_such_intent"})
    assert bad.status == 400
    async with ops["app"][keys.sessionmaker]() as session:
        entry = await session.get(TranscriptEntry, ops["held"])
        assert entry is not None and entry.reviewed_intent == "greet"
    actions = await audit_actions(ops["app"])
    olga = f"staff:{ops['ids']['olga']}"
    assert (olga, "relabel_intent", f"transcript:{ops['held']}") in actions
    assert (olga, "confirm_intent", f"transcript:{ops['other']}") in actions
    reviewed = await _search(ops, reviewed="yes")
    assert "✓ greet" in reviewed


def what_save_sends(page: str, entry_id: int) -> str:
    """The intent a browser sends when Save is pressed untouched: the selected option, else the first."""
    select = re.search(
        rf'<select name="intent" aria-label="Intent of message {entry_id}">(.*?)</select>', page, re.S
    )
    assert select, f"no review form for message {entry_id}"
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", select.group(1))
    chosen = next((o for o in options if "selected" in o[0]), options[0])
    value = re.search(r'value="([^"]*)"', chosen[0])
    return value.group(1) if value else chosen[1]


async def _seed_one(ops: dict[str, Any], msg: Msg, user: str, *, crisis: bool = False) -> int:
    async with ops["app"][keys.sessionmaker]() as session, session.begin():
        seeded = await conversation(session, [msg], at=ops["app"][keys.clock](), user=user, crisis=crisis)
    return seeded.entries[0].id


async def _reviewed_intent(ops: dict[str, Any], entry_id: int) -> str | None:
    async with ops["app"][keys.sessionmaker]() as session:
        entry = await session.get(TranscriptEntry, entry_id)
        assert entry is not None
        return entry.reviewed_intent


async def test_save_on_a_message_the_bot_did_not_understand_labels_nothing_until_an_intent_is_chosen(ops):
    """Staff QA: a fallback message's form had no intent selected, so the browser sent the first ("greet")."""
    lost = await _seed_one(ops, Msg("kur sūtīt pakas", intent="nlu_fallback", confidence=0.2), "person-3")
    csrf = await _as(ops, OLGA)
    page = await _search(ops, fallback="1")
    sent = what_save_sends(page, lost)
    answer = await ops["client"].post(f"/console/ops/review/{lost}", data={"csrf": csrf, "intent": sent})
    assert answer.status == 400 and "choose an intent" in (await answer.text()).lower()
    assert await _reviewed_intent(ops, lost) is None
    ok = await ops["client"].post(
        f"/console/ops/review/{lost}", data={"csrf": csrf, "intent": "parcels_money"}
    )
    assert ok.status == 200 and await _reviewed_intent(ops, lost) == "parcels_money"


async def test_a_crisis_message_becomes_another_intent_only_when_the_reviewer_says_it_is_no_crisis(ops):
    """Staff QA: a changed select and Save made "negribu vairs dzīvot" a feeling_low training example."""
    words = Msg("negribu vairs dzīvot", intent="crisis", confidence=1.0, language="lv")
    cry = await _seed_one(ops, words, "person-4", crisis=True)
    csrf = await _as(ops, OLGA)
    path = f"/console/ops/review/{cry}"
    refused = await ops["client"].post(path, data={"csrf": csrf, "intent": "feeling_low"})
    assert refused.status == 400 and "crisis" in (await refused.text())
    assert await _reviewed_intent(ops, cry) is None
    page = await _search(ops, crisis="1")
    assert re.search(rf'name="not_crisis"[^>]*aria-label="Message {cry} is not a crisis"', page)
    confirmed = await ops["client"].post(path, data={"csrf": csrf, "intent": "crisis"})
    assert confirmed.status == 200 and await _reviewed_intent(ops, cry) == "crisis"
    # once confirmed a crisis, still only with the reviewer's word
    assert (await ops["client"].post(path, data={"csrf": csrf, "intent": "greet"})).status == 400
    said = await ops["client"].post(path, data={"csrf": csrf, "intent": "feeling_low", "not_crisis": "1"})
    assert said.status == 200 and await _reviewed_intent(ops, cry) == "feeling_low"


async def test_a_latvian_operator_is_told_in_latvian_why_a_label_was_not_saved(ops):
    """The two refusals an operator meets by pressing Save were English on a Latvian console."""
    await add_staff(ops["app"], "ilze@helpline.example", "operator", "Ilze", language="lv")
    lost = await _seed_one(ops, Msg("kur sūtīt pakas", intent="nlu_fallback", confidence=0.2), "person-6")
    cry = await _seed_one(ops, Msg("negribu dzīvot", intent="crisis", language="lv"), "person-7", crisis=True)
    csrf = await _as(ops, "ilze@helpline.example")
    unchosen = await ops["client"].post(f"/console/ops/review/{lost}", data={"csrf": csrf, "intent": ""})
    assert unchosen.status == 400 and await unchosen.text() == "Vispirms izvēlieties šīs ziņas nolūku."
    refused = await ops["client"].post(f"/console/ops/review/{cry}", data={"csrf": csrf, "intent": "greet"})
    assert refused.status == 400 and f"Ziņa {cry} tika uztverta kā krīze" in await refused.text()
    assert "“nav krīze”" in await refused.text()


async def test_the_export_per_language_is_named_so_that_nlu_data_reads_its_language(ops, tmp_path):
    await _seed_one(ops, Msg("как передать посылку", intent="parcels_money", language="ru"), "person-5")
    await _as(ops, OLGA)
    page = await _search(ops)
    assert 'href="/console/ops/export.yml?all=1&amp;lang=ru"' in page
    answer = await ops["client"].get("/console/ops/export.yml", params={"all": "1", "lang": "ru"})
    assert answer.status == 200
    name = re.search(r'filename="([^"]+)"', answer.headers["Content-Disposition"])
    assert name and "-ru-" in name.group(1)
    saved = tmp_path / name.group(1)
    saved.write_text(await answer.text(), encoding="utf-8")
    loaded = load_examples(saved)
    assert [(e.text, e.language) for e in loaded] == [("как передать посылку", "ru")]  # no Latvian in it
    assert (await ops["client"].get("/console/ops/export.yml", params={"lang": "de"})).status == 400


async def test_the_export_button_gives_redacted_rasa_yaml_and_is_audited(ops):
    csrf = await _as(ops, OLGA)
    await ops["client"].post(
        f"/console/ops/review/{ops['held']}", data={"csrf": csrf, "intent": "visit_long"}
    )
    answer = await ops["client"].get("/console/ops/export.yml")
    assert answer.status == 200 and "attachment" in answer.headers["Content-Disposition"]
    body = await answer.text()
    data = yaml.safe_load(body)
    assert data["version"] == "3.1"
    assert PHONE not in body and "⟨phone⟩" in body and "tikšanos" not in body  # reviewed only
    everything = await (await ops["client"].get("/console/ops/export.yml", params={"all": "1"})).text()
    assert "tikšanos" in everything and PHONE not in everything
    actions = await audit_actions(ops["app"])
    assert (f"staff:{ops['ids']['olga']}", "export_nlu", "reviewed:1") in actions


@pytest.mark.parametrize("email", [OLGA, ANNA, ADAM])
async def test_analytics_page_with_charts_and_csv_for_every_role(ops, email):
    await _as(ops, email)
    page = await ops["client"].get("/console/ops/analytics", params={"days": "7"})
    assert page.status == 200
    html = await page.text()
    assert html.count("<svg") >= 3 and "Top intents" in html and PHONE not in html
    csv = await ops["client"].get("/console/ops/analytics/intents.csv", params={"days": "7"})
    assert csv.status == 200 and csv.content_type == "text/csv"
    assert "visit_long" in await csv.text()
    assert (await ops["client"].get("/console/ops/analytics/nope.csv")).status == 404
    assert (await ops["client"].get("/console/ops/analytics", params={"days": "3"})).status == 400
    actions = [a for _actor, a, _s in await audit_actions(ops["app"])]
    assert "analytics.view" in actions and "analytics.csv" in actions


@pytest.mark.parametrize("email", [OLGA, ANNA])
async def test_admin_pages_are_for_admins_only(ops, email):
    client = ops["client"]
    csrf = await login(client, email)
    for path in (
        "/console/ops/audit",
        "/console/ops/retention",
        f"/console/ops/people/{ops['contact']}",
        f"/console/ops/people/{ops['contact']}/export.json",
    ):
        assert (await client.get(path)).status == 403, path
    erase = await client.post(
        f"/console/ops/people/{ops['contact']}/erase", data={"csrf": csrf, "confirm": str(ops["contact"])}
    )
    assert erase.status == 403
    async with ops["app"][keys.sessionmaker]() as session:
        assert await session.get(Contact, ops["contact"]) is not None
    page = await _search(ops)
    assert f"/console/ops/people/{ops['contact']}" not in page


async def test_the_audit_log_viewer_filters_by_actor_action_and_date(ops, clock):
    csrf = await _as(ops, OLGA)
    await ops["client"].post(f"/console/ops/review/{ops['held']}", data={"csrf": csrf, "intent": "greet"})
    async with second_browser(ops["client"]) as client:
        await login(client, ADAM)
        await _audit_checks(ops, client, clock)


async def _audit_checks(ops: dict[str, Any], client: Any, clock: Any) -> None:
    olga = f"staff:{ops['ids']['olga']}"
    page = await (await client.get("/console/ops/audit", params={"actor": olga})).text()
    assert "relabel_intent" in page and "Olga" in page and "login.ok" in page
    page = await (await client.get("/console/ops/audit", params={"action": "relabel_intent"})).text()
    assert f"transcript:{ops['held']}" in page and "login.ok</td>" not in page
    tomorrow = (clock() + timedelta(days=1)).date().isoformat()
    page = await (await client.get("/console/ops/audit", params={"since": tomorrow})).text()
    assert "No events." in page
    assert (await client.get("/console/ops/audit", params={"since": "yesterday"})).status == 400
    assert PHONE not in page
    assert (f"staff:{ops['ids']['adam']}", "audit.view", None) in await audit_actions(ops["app"])


async def test_an_admin_exports_and_erases_a_person_with_confirmation(ops):
    csrf = await _as(ops, ADAM)
    client = ops["client"]
    contact = ops["contact"]
    page = await client.get(f"/console/ops/people/{contact}")
    assert page.status == 200 and PHONE not in await page.text()
    export = await client.get(f"/console/ops/people/{contact}/export.json")
    assert export.status == 200 and "attachment" in export.headers["Content-Disposition"]
    data = json.loads(await export.text())
    assert any(
        PHONE in m["text"] for c in data["conversations"] for m in c["messages"]
    )  # the person's own data
    path = f"/console/ops/people/{contact}/erase"
    assert (await client.post(path, data={"csrf": csrf, "confirm": "yes"})).status == 400
    assert (await client.post(path, data={"confirm": str(contact)})).status == 403  # no CSRF
    done = await client.post(path, data={"csrf": csrf, "confirm": str(contact)}, allow_redirects=False)
    assert done.status == 303
    async with ops["app"][keys.sessionmaker]() as session:
        assert await session.get(Contact, contact) is None
        left = (await session.execute(select(TranscriptEntry.text))).scalars().all()
    assert all(PHONE not in text for text in left)
    assert (await client.get(f"/console/ops/people/{contact}")).status == 404
    adam = f"staff:{ops['ids']['adam']}"
    actions = await audit_actions(ops["app"])
    kinds = [(actor, action) for actor, action, _subject in actions]
    assert (
        (adam, "person.view") in kinds
        and (adam, "export_contact") in kinds
        and (adam, "erase_contact") in kinds
    )
    assert all(PHONE not in (subject or "") and str(contact) != subject for _a, _b, subject in actions)


async def test_a_wrong_number_on_the_erase_form_shows_the_page_again_in_the_admins_language(ops):
    """A mistyped confirmation gave a bare plain-text 400: no header, no form, no way back."""
    await add_staff(ops["app"], "liga@helpline.example", "admin", "Līga", language="lv")
    csrf = await _as(ops, "liga@helpline.example")
    contact = ops["contact"]
    for typed in ("jā", str(contact + 1), ""):
        answer = await ops["client"].post(
            f"/console/ops/people/{contact}/erase", data={"csrf": csrf, "confirm": typed}
        )
        assert answer.status == 400 and answer.content_type == "text/html"
        html = await answer.text()
        assert '<html lang="lv">' in html and "Audita žurnāls" in html  # the console's own page
        assert 'id="erase-form"' in html and f'action="/console/ops/people/{contact}/erase"' in html
        assert f"Nekas netika izdzēsts. Lai apstiprinātu, ierakstiet šīs personas numuru – {contact}." in html
    async with ops["app"][keys.sessionmaker]() as session:
        assert await session.get(Contact, contact) is not None  # nothing erased
    actions = [action for _actor, action, _subject in await audit_actions(ops["app"])]
    assert "erase_contact" not in actions


async def test_erasing_a_person_who_is_no_longer_there_says_so_on_a_console_page(ops):
    """The second press (another tab, a double click) after an erasure: a page in the admin's language."""
    await add_staff(ops["app"], "liga@helpline.example", "admin", "Līga", language="lv")
    csrf = await _as(ops, "liga@helpline.example")
    contact = ops["contact"]
    path = f"/console/ops/people/{contact}/erase"
    done = await ops["client"].post(path, data={"csrf": csrf, "confirm": str(contact)}, allow_redirects=False)
    assert done.status == 303
    for again in (
        await ops["client"].post(path, data={"csrf": csrf, "confirm": str(contact)}),
        await ops["client"].get(f"/console/ops/people/{contact}"),
    ):
        assert again.status == 404 and again.content_type == "text/html"
        html = await again.text()
        assert '<html lang="lv">' in html and "Audita žurnāls" in html
        gone = f"Personas {contact} nav: tā ir izdzēsta (pēc pieprasījuma vai glabāšanas termiņa beigās)"
        assert f"{gone} vai nekad nav bijusi." in html


async def test_the_retention_page_shows_periods_and_a_dry_run(ops, settings):
    await _as(ops, ADAM)
    page = await ops["client"].get("/console/ops/retention")
    assert page.status == 200
    html = await page.text()
    assert f"<td>{settings.retention_transcripts_days}</td>" in html
    async with ops["app"][keys.sessionmaker]() as session:
        assert len((await session.execute(select(TranscriptEntry))).scalars().all()) == 3  # nothing deleted
