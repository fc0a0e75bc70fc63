"""The console speaks each staff member's language: Latvian by default, English or Russian when chosen.

The choice is kept on the account (staff.language), so it holds in a new session and another browser; the
login page, before anyone is signed in, is Latvian unless asked otherwise. What people wrote, intents'
names and channel names are never translated.
"""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import keys
from bot.db.models import StaffMember
from tests.ops_data import Msg, conversation
from tests.web.console_support import (
    PASSWORD,
    add_staff,
    audit_actions,
    console_app,
    conversation_of,
    csrf_of,
    login,
    says,
    second_browser,
)

LIENE = "liene@helpline.example"  # a new account: the database's default language
EMMA = "emma@helpline.example"  # chose English
BORIS = "boris@helpline.example"  # chose Russian
LANGUAGE_COOKIE = "helpline_console_lang"  # bot.console.i18n: the login page's language on this browser


@pytest.fixture
async def client(aiohttp_client, settings, clock, sender):
    app = console_app(settings, clock, sender)
    client = await aiohttp_client(app)
    await add_staff(app, LIENE, "coordinator", "Liene", language=None)
    await add_staff(app, EMMA, "coordinator", "Emma", language="en")
    await add_staff(app, BORIS, "admin", "Boris", language="ru")
    return client


def _flat(html: str) -> str:
    """The page's visible words: tags and the data attributes for console.js left out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html))


async def test_a_new_account_sees_the_console_in_latvian(client):
    await login(client, LIENE)
    await says(client.app, "/human_handoff")
    queue = await (await client.get("/console/")).text()
    assert '<html lang="lv">' in queue
    words = _flat(queue)
    for latvian in ("Rinda", "Atzvanīšana", "Gaida koordinatoru", "Iziet", "Pārņemt", "lūdza cilvēku"):
        assert latvian in words, latvian
    for english in ("Queue", "Log out", "Take over", "Waiting for a coordinator", "asked for a person"):
        assert english not in words, english

    page = await (await client.get("/console/conversations/1")).text()
    words = _flat(page)
    assert "Pārņemt sarunu" in words and "Cilvēks gaida." in words and "Iekšējās piezīmes" in words
    assert "/human_handoff" in words  # what the person wrote stays as written
    claimed = await client.post(
        "/console/conversations/1/claim", data={"csrf": csrf_of(page)}, allow_redirects=False
    )
    assert claimed.status == 303
    mine = _flat(await (await client.get("/console/conversations/1")).text())
    for latvian in ("Sarunu vadāt jūs", "Atdot botam", "Slēgt ar iznākumu", "Sūtīt", "Sagatavotās atbildes"):
        assert latvian in mine, latvian


async def test_a_conversation_with_the_bot_has_no_reason_to_translate(client):
    await says(client.app, "Sveiki", user="just-asking")  # with the bot: listed without a reason
    await login(client, LIENE)
    queue = await (await client.get("/console/")).text()
    assert 'id="recent"' in queue and "#1<" in queue
    assert "Project-Id-Version" not in queue and "Plural-Forms" not in queue  # gettext("") is the header


async def test_an_account_with_english_sees_english_and_russian_sees_russian(client):
    await login(client, EMMA)
    queue = await (await client.get("/console/")).text()
    assert '<html lang="en">' in queue
    assert "Queue" in queue and "Log out" in queue and "Rinda" not in queue
    async with second_browser(client) as other:
        await login(other, BORIS)
        page = await (await other.get("/console/")).text()
        assert '<html lang="ru">' in page and "Очередь" in page and "Выйти" in page
        assert "Журнал аудита" in page  # the admin's own link
        assert "Queue" not in _flat(page) and "Rinda" not in _flat(page)


async def test_the_language_switch_is_kept_on_the_account(client):
    csrf = await login(client, LIENE)
    assert "Rinda" in await (await client.get("/console/callbacks")).text()
    switched = await client.post(
        "/console/language",
        data={"csrf": csrf, "language": "en", "next": "/console/callbacks"},
        allow_redirects=False,
    )
    assert switched.status == 303 and switched.headers["Location"] == "/console/callbacks"
    assert switched.cookies[LANGUAGE_COOKIE].value == "en"  # the next login page on this browser
    page = await (await client.get("/console/callbacks")).text()
    assert '<html lang="en">' in page and "Call-back requests" in page and "Atzvanīšanas" not in page

    # another browser, a new session: still English
    async with second_browser(client) as other:
        await login(other, LIENE)
        assert "Call-back requests" in await (await other.get("/console/callbacks")).text()
    async with client.app[keys.sessionmaker]() as session:
        member = (await session.execute(select(StaffMember).where(StaffMember.email == LIENE))).scalar_one()
    assert member.language == "en"
    assert (f"staff:{member.id}", "staff.language", f"staff:{member.id}") in await audit_actions(client.app)


async def test_the_switch_takes_only_known_languages_and_console_pages(client):
    csrf = await login(client, LIENE)
    assert (await client.post("/console/language", data={"language": "en"})).status == 403  # no CSRF
    assert (await client.post("/console/language", data={"csrf": csrf, "language": "de"})).status == 400
    for elsewhere in ("https://evil.example/console/", "//evil.example/x", "/console//evil.example", "/x"):
        answer = await client.post(
            "/console/language",
            data={"csrf": csrf, "language": "ru", "next": elsewhere},
            allow_redirects=False,
        )
        assert answer.headers["Location"] == "/console/", elsewhere


async def test_a_refusal_is_told_in_the_coordinators_language(client):
    await says(client.app, "/human_handoff")
    async with second_browser(client) as boris:
        token = await login(boris, BORIS)
        taken = await boris.post(
            "/console/conversations/1/claim", data={"csrf": token}, allow_redirects=False
        )
        assert taken.status == 303
    csrf = await login(client, LIENE)
    refused = await client.post("/console/conversations/1/claim", data={"csrf": csrf})
    assert refused.status == 409
    assert "Šo sarunu jau pārņēma Boris." in await refused.text()
    empty = await client.post("/console/conversations/1/reply", data={"csrf": csrf, "text": " "})
    assert empty.status == 409 and "Atbilde ir tukša." in await empty.text()


async def test_the_queue_data_for_the_page_is_in_the_readers_language(client):
    await says(client.app, "/human_handoff")
    await login(client, LIENE)
    data = await (await client.get("/console/queue.json")).json()
    assert data["waiting"][0]["reason"] == "lūdza cilvēku"
    page = await (await client.get("/console/")).text()
    found = re.search(r"data-i18n='([^']*)'", page)  # what console.js writes into live rows
    assert found
    texts = json.loads(html.unescape(found.group(1)))
    assert texts["takeOver"] == "Pārņemt" and texts["crisis"] == "KRĪZE" and texts["open"] == "Atvērt"


async def test_the_login_page_is_latvian_unless_asked_and_remembers_the_account(client):
    page = await client.get("/console/login")
    form = await page.text()
    assert '<html lang="lv">' in form and "Pieteikties" in form and "Parole" in form
    wrong = await client.post(
        "/console/login",
        data={"csrf": csrf_of(form), "lang": "lv", "email": LIENE, "password": "not the password"},
    )
    assert wrong.status == 401 and "Nepareizs e-pasts vai parole." in await wrong.text()
    english = await (await client.get("/console/login?lang=en")).text()
    assert "Log in" in english and "Password" in english and "Parole" not in english
    done = await client.post(
        "/console/login",
        data={"csrf": csrf_of(english), "lang": "en", "email": BORIS, "password": PASSWORD},
        allow_redirects=False,
    )
    assert done.status == 303 and done.cookies[LANGUAGE_COOKIE].value == "ru"  # the account's own


async def test_the_analytics_page_shows_latvian_titles_and_headers(client):
    await says(client.app, "/human_handoff")
    await login(client, LIENE)
    page = await (await client.get("/console/ops/analytics")).text()
    assert "Sarunas un ziņas dienā" in page and "Biežākie nolūki" in page
    # Latvian plurals: the singular only after a number ending in 1 (not 11), else "dienas"
    assert "7 dienas" in page and "30 dienas" in page and "90 dienas" in page and "365 dienas" in page
    assert "dienu" not in page
    assert "messages_in" not in page and "median_first_reply_s" not in page
    csv = await (await client.get("/console/ops/analytics/daily.csv")).text()
    assert csv.startswith("day,channel,language,conversations,messages_in,messages_out")  # for machines


async def test_the_person_page_counts_in_each_language_with_its_plurals(client):
    """The erasure page's counts: Latvian and Russian plural forms, and bookings named as consultations
    (a bare "записи" reads as any records; the transcripts are "Переписка")."""
    await says(client.app, "Sveiki")
    await says(client.app, "Kā var satikt vīru cietumā?")
    contact = (await conversation_of(client.app)).contact_id
    await login(client, BORIS)  # an admin, in Russian
    page = _flat(await (await client.get(f"/console/ops/people/{contact}")).text())
    assert "1 разговор, 5 сообщений" in page and "0 записей на консультацию" in page
    csrf = csrf_of(await (await client.get("/console/")).text())
    await client.post("/console/language", data={"csrf": csrf, "language": "lv", "next": "/console/"})
    page = _flat(await (await client.get(f"/console/ops/people/{contact}")).text())
    assert "1 saruna, 5 ziņas" in page and "0 konsultāciju pieteikumi" in page


async def test_dates_and_times_are_riga_time_written_as_each_language_writes_them(client):
    """Latvian ends a numeric date with a dot ("23.11.2026.", "23.11. 10:00"), Russian does not."""
    await says(client.app, "/human_handoff")  # 10:00 in Riga (the test clock), 08:00 UTC
    conversation = (await conversation_of(client.app)).id
    await login(client, LIENE)
    page = _flat(await (await client.get(f"/console/conversations/{conversation}")).text())
    assert "23.11. 10:00" in page and "Pirmais kontakts 23.11.2026. " in page
    async with second_browser(client) as boris:  # an admin, in Russian
        csrf = await login(boris, BORIS)
        page = _flat(await (await boris.get(f"/console/conversations/{conversation}")).text())
        assert "23.11 10:00" in page and "Первый контакт 23.11.2026 " in page
        audit = _flat(await (await boris.get("/console/ops/audit")).text())
        assert re.search(r"23\.11\.2026 10:00:\d\d Boris login\.ok", audit)
        await boris.post("/console/language", data={"csrf": csrf, "language": "lv", "next": "/console/"})
        audit = _flat(await (await boris.get("/console/ops/audit")).text())
        assert re.search(r"23\.11\.2026\. 10:00:\d\d Boris login\.ok", audit)


async def test_the_audit_log_names_who_acted_in_the_readers_language(client):
    """A failed login has no staff member behind it: "anonīms" / "аноним", not the stored "anonymous"."""
    failed = {"email": "nobody@x.lv", "password": "wrong-password", "lang": "lv"}
    login_page = await (await client.get("/console/login")).text()
    await client.post("/console/login", data={**failed, "csrf": csrf_of(login_page)})
    csrf = await login(client, BORIS)
    audit = _flat(await (await client.get("/console/ops/audit")).text())
    assert "аноним login.failed" in audit and "anonymous" not in audit
    await client.post("/console/language", data={"csrf": csrf, "language": "lv", "next": "/console/"})
    audit = _flat(await (await client.get("/console/ops/audit")).text())
    assert "anonīms login.failed" in audit and "anonymous" not in audit


async def test_the_analytics_charts_have_visible_titles_and_latvian_dates(client):
    """Each chart has its title above it (it was only in the SVG, for screen readers), its days and the
    period are written the Latvian way, and the fallback table's total row is "visas valodas"."""
    await says(client.app, "/human_handoff")
    await login(client, LIENE)
    page = await (await client.get("/console/ops/analytics?days=7")).text()
    captions = re.findall(r"<figcaption>([^<]*)</figcaption>", page)
    assert captions == ["Sarunas dienā", "Cilvēku ziņas dienā", "Biežākie nolūki", "Krīzes sarunas dienā"]
    assert "17.11.2026. – 23.11.2026." in _flat(page)
    assert ">17.11.2026.</text>" in page and ">23.11.2026.</text>" in page  # under the bars
    assert not re.search(r"\d{4}-\d\d-\d\d", _flat(page))  # no ISO day left on the page
    assert "<td>visas valodas</td>" in page and "<td>all</td>" not in page
    csv = await (await client.get("/console/ops/analytics/crisis.csv?days=7")).text()
    assert "2026-11-23" in csv  # for machines, as it was


@pytest.mark.parametrize(
    ("email", "words"),
    [(LIENE, ("ticamība &lt; 0,5", "0,42", "66,7", "33,3")),
     (BORIS, ("уверенность &lt; 0,5", "0,42", "66,7", "33,3")),
     (EMMA, ("confidence &lt; 0.5", "0.42", "66.7", "33.3"))],
)  # fmt: skip
async def test_decimals_are_written_with_the_readers_decimal_sign(client, email, words):
    """Latvian and Russian write "66,7": the analytics tables, each message's confidence (on the page and
    in its live updates) and the search's threshold all had a point whatever the console's language."""
    threshold, confidence, share, other_share = words
    app = client.app
    now = app[keys.clock]()
    async with app[keys.sessionmaker]() as session, session.begin():
        seeded = await conversation(
            session,
            [Msg("kā pieteikt tikšanos", intent="visit_long", confidence=0.42, language="lv"),
             Msg("garā tikšanās", intent="visit_long", confidence=0.9, language="lv"),
             Msg("sveiki", intent="greet", confidence=0.75, language="lv")],
            at=now - timedelta(hours=1), user="person-9",
        )  # fmt: skip
    await login(client, email)
    page = await (await client.get(f"/console/conversations/{seeded.conversation.id}")).text()
    assert f"visit_long · {confidence}" in page
    live = await (await client.get(f"/console/conversations/{seeded.conversation.id}/messages.json")).json()
    assert live["entries"][0]["confidence_text"] == confidence  # console.js writes this one
    search = await (await client.get("/console/ops/search")).text()
    assert threshold in search and f"visit_long · {confidence}" in search
    analytics = await (await client.get("/console/ops/analytics", params={"days": "7"})).text()
    intents = analytics[analytics.index('id="table-intents"') :]
    assert f"<td>{share}</td>" in intents and f"<td>{other_share}</td>" in intents
