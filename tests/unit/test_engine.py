"""Interrupt precedence, fallback, numbered choices and language: the flow engine without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from flows.engine import resolve_choice, step
from flows.ports import FlowContext, HandoffTicket
from flows.state import ConversationState, UserTurn
from flows.texts import Texts
from nlu.language import clear_language
from nlu.parse import FALLBACK, Entity, IntentScore, Parse
from nlu.taxonomy import INTENTS


class RecordingHandoffs:
    """The coordinators' queue as the flows see it; every request gets `ticket` (by default a short queue)."""

    def __init__(self, in_hours: bool = True, ticket: HandoffTicket | None = None) -> None:
        self.requests: list[tuple[bool, str]] = []
        self.withdrawn = 0
        self.messages = 0
        self.callbacks: list[tuple[str | None, str]] = []
        self.ticket = ticket or HandoffTicket(position=2, wait_minutes=20, in_hours=in_hours)

    async def request(self, *, crisis: bool, reason: str) -> HandoffTicket:
        self.requests.append((crisis, reason))
        return self.ticket

    async def withdraw(self) -> None:
        self.withdrawn += 1

    async def leave_message(self) -> None:
        self.messages += 1

    async def request_callback(self, *, phone: str | None, preferred_time: str) -> str:
        self.callbacks.append((phone, preferred_time))
        return phone or "+37120000000"


class RecordingPrivacy:
    def __init__(self) -> None:
        self.erased = 0

    async def erase(self) -> None:
        self.erased += 1


@pytest.fixture
def ctx() -> FlowContext:
    return FlowContext(
        now=datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Europe/Riga")),
        channel="cli",
        handoffs=RecordingHandoffs(),
        privacy=RecordingPrivacy(),
    )


def turn(intent: str, *, lang: str | None = "lv", payload: str | None = None, **entities: str) -> UserTurn:
    ents = tuple(Entity(k, v, 0, 0) for k, v in entities.items())
    ranking = (IntentScore("visit_long", 0.3), IntentScore("greet", 0.2), IntentScore("letters", 0.1))
    return UserTurn(text=intent, parse=Parse(intent, intent, 0.9, ranking, lang, ents), payload=payload)


async def test_crisis_wins_over_an_active_flow_and_never_shows_a_menu(ctx: FlowContext):
    state = ConversationState(lang="lv").enter("privacy", "confirm")
    result = await step(state, turn("crisis"), ctx)
    assert [r.key for r in result.replies] == ["crisis.immediate", "handoff.crisis_queued"]
    assert all(not r.buttons for r in result.replies)
    assert ctx.handoffs.requests == [(True, "crisis")]  # type: ignore[attr-defined]
    assert result.state.flow is None


@pytest.mark.parametrize(
    ("prison", "keys"),
    [
        ("Daugavgrīvas cietums", ["contacts.not_known", "faq.prison_contacts"]),
        ("Jelgavas cietums", ["faq.prison_contacts"]),  # its contacts are in the answer
        (None, ["faq.prison_contacts"]),
    ],
)
async def test_asking_for_one_prison_whose_contacts_are_unknown_says_so_first(
    ctx: FlowContext, prison: str | None, keys: list[str]
):
    entities = (Entity("prison", prison, 0, 0),) if prison else ()
    asked = UserTurn(text="?", parse=Parse("?", "prison_contacts", 0.9, (), "lv", entities))
    result = await step(ConversationState(lang="lv"), asked, ctx)
    assert [r.key for r in result.replies] == keys
    if prison == "Daugavgrīvas cietums":
        said = Texts.load().render_reply(result.replies[0], "lv")
        assert "„Daugavgrīvas cietums”" in said and "ievp.gov.lv" in said


@pytest.mark.parametrize(
    ("prison", "keys"),
    [
        ("Jelgavas cietums", ["contacts.jelgava", "faq.prison_contacts"]),  # no room for it in the SMS answer
        ("Brasas cietums", ["contacts.brasa", "faq.prison_contacts"]),
        ("Liepājas cietums", ["faq.prison_contacts"]),  # the SMS answer itself names the new prison
        ("Daugavgrīvas cietums", ["contacts.not_known", "faq.prison_contacts"]),
    ],
)
async def test_by_sms_a_prison_the_short_answer_leaves_out_comes_first_on_its_own(
    ctx: FlowContext, prison: str, keys: list[str]
):
    asked = UserTurn(
        text="?", parse=Parse("?", "prison_contacts", 0.9, (), "lv", (Entity("prison", prison, 0, 0),))
    )
    result = await step(ConversationState(lang="lv"), asked, replace(ctx, channel="sms"))
    assert [r.key for r in result.replies] == keys


async def test_informational_intent_answers_with_follow_up_buttons(ctx: FlowContext):
    result = await step(ConversationState(), turn("visit_rules"), ctx)
    (reply,) = result.replies
    assert reply.key == "faq.visit_rules"
    assert "/visit_long" in [b.payload for b in reply.buttons]
    assert result.state.options == tuple(b.payload for b in reply.buttons)
    assert result.flow_step == "faq.visit_rules"


async def test_two_misunderstandings_in_a_row_offer_a_person_and_the_best_guesses(ctx: FlowContext):
    first = await step(ConversationState(lang="lv"), turn(FALLBACK), ctx)
    assert first.replies[0].key == "fallback.retry"
    second = await step(first.state, turn(FALLBACK), ctx)
    offer = second.replies[0]
    assert offer.key == "fallback.offer"
    payloads = [b.payload for b in offer.buttons]
    assert payloads[0] == "/human_handoff"
    assert "/visit_long" in payloads and "/letters" in payloads and "/greet" not in payloads


@pytest.mark.parametrize("kind", ["prisoner_at_risk", "violence"])
async def test_a_crisis_the_words_say_more_about_gets_what_to_do_now_right_after_the_numbers(
    ctx: FlowContext, kind: str
):
    crisis = UserTurn(
        text="x", parse=Parse("x", "crisis", 1.0, (), "lv", (Entity("crisis_kind", kind, 0, 0),))
    )
    result = await step(ConversationState(lang="lv"), crisis, ctx)
    assert [r.key for r in result.replies] == ["crisis.immediate", f"crisis.{kind}", "handoff.crisis_queued"]
    texts = Texts.load()
    advice = {lang: texts.render(f"crisis.{kind}", lang) for lang in texts.languages}
    assert all("112" in text for text in advice.values())
    if kind == "violence":
        assert all("110" in text and "116006" in text for text in advice.values())
    else:
        assert all("+371 63024619" in text for text in advice.values())  # Jelgava's duty office, sourced


@pytest.mark.parametrize("guess", INTENTS)
async def test_the_offer_after_two_misses_has_a_label_for_every_button_whatever_the_model_guessed(
    ctx: FlowContext, guess: str
):
    ranking = (IntentScore(guess, 0.4), IntentScore("change_language", 0.3), IntentScore("letters", 0.2))
    missed = UserTurn(text="?", parse=Parse("?", FALLBACK, 0.2, ranking, "lv", ()))
    first = await step(ConversationState(lang="lv"), missed, ctx)
    offer = (await step(first.state, missed, ctx)).replies[0]
    assert offer.key == "fallback.offer"
    texts = Texts.load()
    for lang in texts.languages:
        labels = [texts.label(b.key, lang, b.params) for b in offer.buttons]
        assert all(labels) and len(labels) >= 3  # a person, at least one guess, the menu


@pytest.mark.parametrize("typed", ["11", "12.", "99"])
async def test_a_number_the_menu_does_not_have_is_answered_with_the_numbers_it_has(ctx: FlowContext, typed):
    menu = await step(ConversationState(lang="lv"), turn("help"), ctx)
    count = len(menu.state.options)
    assert count < 11
    result = await step(menu.state, UserTurn(text=typed, parse=Parse(typed, "book_counselling", 0.6)), ctx)
    (reply,) = result.replies
    assert (reply.key, reply.params) == ("choice.out_of_range", {"last": str(count)})
    assert result.state.options == menu.state.options  # the next number still picks from the same menu
    assert ctx.handoffs.requests == []  # type: ignore[attr-defined]


async def test_an_understood_turn_resets_the_misunderstanding_count(ctx: FlowContext):
    first = await step(ConversationState(lang="lv"), turn(FALLBACK), ctx)
    middle = await step(first.state, turn("letters"), ctx)
    again = await step(middle.state, turn(FALLBACK), ctx)
    assert again.replies[0].key == "fallback.retry"


async def test_language_is_taken_from_the_first_message_and_kept(ctx: FlowContext):
    first = await step(ConversationState(), said("привет", "greet", lang="ru"), ctx)
    assert first.state.lang == "ru"
    later = await step(
        first.state, said("kak pisat pisma", "letters", lang="lv"), ctx
    )  # Latin letters: unclear
    assert later.state.lang == "ru"


async def test_a_greeting_of_no_clear_language_leaves_latvian_until_a_clear_message(ctx: FlowContext):
    first = await step(ConversationState(), said("Hallo", "greet", lang="en"), ctx)
    assert first.state.lang == "lv"  # "Hallo" is Latvian, German and English alike: Latvian first
    real = await step(first.state, said("how do I send a letter", "letters", lang="en"), ctx)
    assert real.state.lang == "en"
    later = await step(real.state, said("ka var satikt viru cietuma?", "visit_rules", lang="lv"), ctx)
    assert later.state.lang == "lv"  # a clear sentence moves it again, diacritics or not


async def test_a_chosen_language_is_not_overridden_by_the_next_message(ctx: FlowContext):
    first = await step(ConversationState(), said("👋", FALLBACK, lang="lv"), ctx)
    chosen = await step(
        first.state, UserTurn(text="English", parse=Parse("x", FALLBACK, 1.0), payload="lang:en"), ctx
    )
    assert chosen.state.lang == "en"
    later = await step(chosen.state, said("ka var satikt viru cietuma?", "visit_rules", lang="lv"), ctx)
    assert later.state.lang == "en"


async def test_naming_a_language_switches_at_once(ctx: FlowContext):
    result = await step(ConversationState(lang="lv"), turn("change_language", language="en"), ctx)
    assert result.state.lang == "en"
    assert result.replies[0].key == "language.changed"


async def test_asking_for_another_language_without_naming_one_asks_which(ctx: FlowContext):
    asked = await step(ConversationState(lang="lv"), turn("change_language"), ctx)
    assert asked.replies[0].key == "language.ask"
    chosen = await step(asked.state, turn(FALLBACK, payload="lang:ru"), ctx)
    assert chosen.state.lang == "ru"


async def test_erasure_needs_an_explicit_yes(ctx: FlowContext):
    explained = await step(ConversationState(lang="lv"), turn("delete_my_data"), ctx)
    assert explained.replies[0].key == "privacy.explain"
    kept = await step(explained.state, turn("deny"), ctx)
    assert kept.replies[0].key == "privacy.kept" and ctx.privacy.erased == 0  # type: ignore[attr-defined]
    explained = await step(kept.state, turn("delete_my_data"), ctx)
    done = await step(explained.state, turn(FALLBACK, payload="erase:yes"), ctx)
    assert done.replies[0].key == "privacy.done" and ctx.privacy.erased == 1  # type: ignore[attr-defined]


async def test_a_question_instead_of_a_confirmation_drops_the_pending_erasure(ctx: FlowContext):
    explained = await step(ConversationState(lang="lv"), turn("delete_my_data"), ctx)
    answered = await step(explained.state, turn("letters"), ctx)
    assert answered.replies[0].key == "faq.letters" and ctx.privacy.erased == 0  # type: ignore[attr-defined]


async def test_out_of_hours_handoff_says_so(ctx: FlowContext):
    ctx = FlowContext(
        now=ctx.now, channel="cli", handoffs=RecordingHandoffs(in_hours=False), privacy=ctx.privacy
    )
    result = await step(ConversationState(lang="lv"), turn("human_handoff"), ctx)
    assert result.replies[0].key == "handoff.out_of_hours"


async def test_queued_handoff_tells_position_and_wait(ctx: FlowContext):
    result = await step(ConversationState(lang="lv"), turn("human_handoff"), ctx)
    assert result.replies[0].key == "handoff.queued"
    assert result.replies[0].params == {"position": "2", "minutes": "20"}


def test_numbers_pick_from_the_last_menu():
    state = ConversationState(options=("/visit_rules", "/letters"))
    assert resolve_choice(state, "2") == "/letters"
    assert resolve_choice(state, " 1. ") == "/visit_rules"
    assert resolve_choice(state, "0") == "/help"
    assert resolve_choice(state, "3") is None
    assert resolve_choice(state, "2026") is None
    assert resolve_choice(state, "2 bērni") is None


def test_with_no_list_or_only_the_menu_on_screen_a_number_is_the_main_menus():
    # QA, seventh pass: after "Paldies" ("1. Izvēlne" only) "4" said "no such number, send 1 to 1"
    for shown in ((), ("/help",)):
        state = ConversationState(options=shown)
        assert resolve_choice(state, "4") == "/parcels_money"
        assert resolve_choice(state, "10") == "/human_handoff"
        assert resolve_choice(state, "11") is None
    assert resolve_choice(ConversationState(), "2", main_menu=False) is None  # after a crisis
    assert resolve_choice(ConversationState(flow="handoff", step="when"), "10") is None  # a flow's answer


def test_an_hour_beyond_the_numbers_picks_the_offered_time_at_that_hour():
    # QA, fifth pass: "11" among seven offered times answered "there is no such number"
    times = ("/bk:t:10", "/bk:t:11", "/bk:days")
    state = ConversationState(options=times, choices=(("10 00",), ("11 00",), ("cita diena",)))
    assert resolve_choice(state, "11") == "/bk:t:11"
    assert resolve_choice(state, "2") == "/bk:t:11"  # a number on the list is still the number
    assert resolve_choice(state, "14") is None


def test_broken_stored_state_starts_afresh():
    assert ConversationState.from_json("{not json") == ConversationState()
    assert ConversationState.from_json('{"options": 5}') == ConversationState()
    state = ConversationState(lang="ru", flow="x", step="y", slots={"a": 1}, misses=1, options=("/a",))
    assert ConversationState.from_json(state.to_json()) == state


def said(
    text: str, intent: str, *, lang: str | None = None, payload: str | None = None, prison: str = ""
) -> UserTurn:
    """A typed message: `text` is what the language rule reads (`clear_language` without a trained model:
    script and cue words, a prison's name blanked as the NLU does); `prison` names a prison inside it."""
    ents = ()
    words = text
    if prison:
        start = text.index(prison)
        ents = (Entity("prison", prison, start, start + len(prison), prison),)
        words = text.replace(prison, " " * len(prison))
    ranking = (IntentScore(intent, 0.9),)
    parse = Parse(text, intent, 0.9, ranking, lang, ents, clear_language(words))
    return UserTurn(text=text, parse=parse, payload=payload)


async def test_a_russian_crisis_message_after_a_latvian_greeting_is_answered_in_russian(ctx: FlowContext):
    greeted = await step(ConversationState(), said("Labdien", "greet", lang="lv"), ctx)
    assert greeted.state.lang == "lv"
    crisis = await step(greeted.state, said("я больше не могу, хочу умереть", "crisis", lang="ru"), ctx)
    assert crisis.state.lang == "ru"
    numbers = Texts.load().render_reply(crisis.replies[0], crisis.state.lang)
    assert "звоните 112" in numbers and "116123" in numbers


@pytest.mark.parametrize(
    ("first", "first_lang", "then", "intent", "now"),
    [
        ("Hello", "en", "kā pieteikt tikšanos?", "visit_rules", "lv"),
        ("👋", None, "как позвонить сыну в тюрьму?", "phone_calls", "ru"),  # the emoji left it at lv
        ("Labdien", "lv", "как отправить деньги сыну?", "parcels_money", "ru"),
        ("hello", "en", "Sveiki, vai drīkst sūtīt paku?", "parcels_money", "lv"),
        ("Здравствуйте", "ru", "Kā pieteikt īso tikšanos?", "visit_short", "lv"),
        ("Здравствуйте", "ru", "Vai vēstulē drīkst rakstīt 'мама'?", "letters", "lv"),  # a quoted word
        ("Labdien", "lv", "Пишу по-русски, но вставлю одно слово: tikšanās", "visit_rules", "ru"),
    ],
)
async def test_a_message_decisively_in_another_script_moves_the_conversation(
    ctx: FlowContext, first: str, first_lang: str | None, then: str, intent: str, now: str
):
    opened = await step(ConversationState(), said(first, "greet", lang=first_lang), ctx)
    assert opened.state.lang != now
    moved = await step(opened.state, said(then, intent), ctx)
    assert moved.state.lang == now
    later = await step(moved.state, said("ok", "affirm"), ctx)  # and it stays there
    assert later.state.lang == now


@pytest.mark.parametrize(
    ("lang", "text", "intent", "prison"),
    [
        ("lv", "https://www.ievp.gov.lv/ru 👍 2026", FALLBACK, ""),  # a link, emoji, numbers
        ("en", "да", "affirm", ""),  # a handful of letters
        ("ru", "jā", "affirm", ""),
        ("lv", "Vai drīkst rakstīt vārdu «мама»?", "letters", ""),  # Latvian quoting a Russian word
        ("en", "my son is in Jēkabpils, how do I visit him?", "visit_rules", ""),  # a name, not Latvian
        ("ru", "kak popast v Jēkabpils?", "visit_rules", ""),
        ("en", "Iļģuciems", "visit_rules", "Iļģuciems"),  # a prison named alone
        ("lv", "vai vēstules drīkst rakstīt krieviski?", "letters", ""),
    ],
)
async def test_names_links_quotes_and_short_words_keep_the_language(
    ctx: FlowContext, lang: str, text: str, intent: str, prison: str
):
    result = await step(ConversationState(lang=lang), said(text, intent, prison=prison), ctx)
    assert result.state.lang == lang, text


@pytest.mark.parametrize(
    ("lang", "text", "intent", "now"),
    [
        ("ru", "ka pieteikt tiksanos?", "visit_rules", "lv"),  # Latvian typed without diacritics
        ("ru", "Labdien!", "greet", "lv"),  # was the Russian welcome (QA, eighth pass)
        ("lv", "kak pozvonit synu v tyurmu?", "phone_calls", "ru"),  # Russian in Latin letters is Russian
        ("ru", "how can I call my son?", "phone_calls", "en"),
    ],
)
async def test_a_clear_message_in_latin_letters_moves_the_conversation(
    ctx: FlowContext, lang: str, text: str, intent: str, now: str
):
    result = await step(ConversationState(lang=lang), said(text, intent), ctx)
    assert result.state.lang == now


@pytest.mark.parametrize("text", ["asdfgh", "ok", "🙂", "123", "no"])
async def test_a_first_message_of_no_clear_language_takes_the_channels_hint_or_latvian(
    ctx: FlowContext, text: str
):
    first = await step(ConversationState(), said(text, FALLBACK, lang="en"), ctx)
    assert first.state.lang == "lv"  # "asdfgh" was answered in English, "no" in Russian
    hinted = await step(
        ConversationState(), said(text, FALLBACK, lang="en"), replace(ctx, language_hint="ru")
    )
    assert hinted.state.lang == "ru"


async def test_a_chosen_language_gives_way_to_another_script(ctx: FlowContext):
    chosen = await step(
        ConversationState(lang="lv"),
        UserTurn(text="English", parse=Parse("x", FALLBACK, 1.0), payload="lang:en"),
        ctx,
    )
    assert chosen.state.lang == "en" and chosen.state.lang_chosen
    moved = await step(chosen.state, said("Kā pieteikt tikšanos?", "visit_rules"), ctx)
    assert moved.state.lang == "lv" and not moved.state.lang_chosen


async def test_a_button_press_or_a_numbered_choice_carries_no_language(ctx: FlowContext):
    menu = await step(ConversationState(lang="en"), said("hello", "greet"), ctx)
    pressed = await step(menu.state, said("Письма", "letters", payload="/letters"), ctx)
    assert pressed.state.lang == "en"
    picked = await step(pressed.state, said("3", "letters", payload="/letters"), ctx)
    assert picked.state.lang == "en"


def two_topics(text: str, second: float = 0.15) -> UserTurn:
    ranking = (IntentScore("parcels_money", 1 - second), IntentScore("visit_rules", second))
    return UserTurn(text=text, parse=Parse(text, "parcels_money", 1 - second, ranking, "lv"), payload=None)


async def test_two_questions_in_one_message_get_both_answers_and_by_sms_the_second_topic_first(
    ctx: FlowContext,
):
    # QA, ninth pass: "kā aizsūtīt paku un kad var apciemot" got the parcels answer, visits not even a button
    asked = two_topics("kā aizsūtīt paku un kad var apciemot")
    chat = await step(ConversationState(lang="lv"), asked, ctx)
    assert [r.key for r in chat.replies] == ["faq.parcels_money", "faq.visit_rules"]
    assert not chat.replies[0].buttons and chat.replies[1].buttons[-1].payload == "/help"
    assert "/parcels_money" not in [b.payload for b in chat.replies[1].buttons]
    sms = await step(ConversationState(lang="lv"), asked, replace(ctx, channel="sms"))
    assert [r.key for r in sms.replies] == ["faq.parcels_money"]  # a second answer costs segments
    assert sms.replies[0].buttons[0].payload == "/visit_rules"


@pytest.mark.parametrize(
    ("text", "second"),
    [
        ("kā aizsūtīt paku dēlam", 0.3),  # no joining word: an unsure reading of one question
        ("sūtīt drēbes un ēdienu, kā?", 0.3),  # "un" between two things, one question word
        ("kā aizsūtīt paku un kad var apciemot", 0.02),  # the model gives the second topic nothing
    ],
)
async def test_one_question_gets_one_answer(ctx: FlowContext, text: str, second: float):
    result = await step(ConversationState(lang="lv"), two_topics(text, second), ctx)
    assert [r.key for r in result.replies] == ["faq.parcels_money"]
