"""One conversational step: interrupts first, then the active flow, then intent -> flow, else fallback."""

from __future__ import annotations

import re
from dataclasses import replace

from flows import booking, conversation, faq, followup, handoff, language, privacy
from flows.ordinals import picked_place
from flows.ports import SMS, FlowContext
from flows.registry import FLOWS
from flows.state import ConversationState, Reply, Turn, UserTurn
from flows.texts import Texts, default_texts
from nlu.language import cue_language, script_language
from nlu.normalize import normalize
from nlu.parse import FALLBACK

# At a flow's step, a reply of at most this many words in plain Latin letters keeps the conversation's
# language
SHORT_MIXED_WORDS = 4
# Interrupts win over whatever flow is active, in this order.
INTERRUPTS = ("crisis", "human_handoff", "complaint", "delete_my_data", "change_language", "help")


def resolve_choice(state: ConversationState, text: str, *, main_menu: bool = True) -> str | None:
    """A bare number picks an option of the last menu ("0" is the main menu), as on SMS; so does
    typing an option's label or one of its words (`Texts.answers_to`), in any of our languages, or its
    place in words (`flows.ordinals`: "pirmais", "второй", "the 2nd one").

    Typed, "Pa tālruni" or "cita diena" went to the model, which took them for other topics
    (the prisons' addresses, "you have no session") and the booking was lost (QA).
    """
    number = conversation.bare_number(text)
    if number is None:
        place = picked_place(text)  # "pirmais", "otro", "второй вариант", "the 2nd one"
        if (
            place is not None
            and place <= len(state.options)
            and state.options[place - 1] != conversation.MENU
        ):
            return state.options[place - 1]  # not the menu: by SMS it is "0", whatever its place
        return _picked_by_words(state, normalize(text))
    if number == 0:
        return conversation.MENU
    if 1 <= number <= len(state.options):
        return state.options[number - 1]
    only_the_menu = all(option == conversation.MENU for option in state.options)  # "1. Izvēlne" alone
    if main_menu and only_the_menu and state.flow is None and 1 <= number <= len(faq.MAIN_MENU):
        # no numbers on screen (a first SMS, or an answer whose SMS showed only "0"): people keep the main
        # menu's numbers in mind ("2" after the visits answer meant calls, and got children at visits);
        # not inside a flow's step, where "10" answers its question ("when may we call?")
        return f"/{faq.MAIN_MENU[number - 1]}"
    # more than there are options, but an offered time's hour: "11" among seven times means 11:00 (QA)
    return _picked_by_words(state, f"{number} 00")


# Words around a typed choice that do not change it: "ladno po telefonu", "labi, tad pa tālruni", "ok, by
# phone please" got "I did not understand" at the booking's modes (journeys QA, s11). No "no" words: "nē,
# pa tālruni" is not a yes to the phone.
_AROUND_A_CHOICE = frozenset(
    normalize(word)
    for word in (
        "labi", "nu", "tad", "jā", "lūdzu", "ok", "okay", "okey", "well", "then", "yes", "please", "fine",
        "ладно", "хорошо", "ну", "тогда", "давайте", "давай", "да", "пожалуйста", "окей",
    )
)  # fmt: skip


def _picked_by_words(state: ConversationState, said: str) -> str | None:
    # a state saved before choices were kept has options without words: nothing typed matches them
    pairs = list(zip(state.options, state.choices, strict=False))
    found = next((option for option, words in pairs if said and said in words), None)
    if found is not None:
        return found
    typed = said.split()
    while typed and typed[0] in _AROUND_A_CHOICE:
        typed = typed[1:]
    while typed and typed[-1] in _AROUND_A_CHOICE:
        typed = typed[:-1]
    core = " ".join(typed)
    if not core or core == said:
        return None
    return next((option for option, words in pairs if core in words), None)


def conversation_language(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> ConversationState:
    """The first message sets the language; later, a message clearly in another language moves it.

    People start with "Labdien" or an emoji and then write what they came for in their own language,
    or a relative takes over the phone: the reply must be in the language they now write. What counts
    is `Parse.clear_language` (nlu.language.clear_language): typing noise, "ok", "hmm", an emoji, a
    number or a short yes/no ("jā", "да") carries no language and keeps the conversation's, also as a
    first message (then Telegram's language, else a short cue word such as "Hi", else Latvian: "asdfgh"
    was welcomed in English, QA). A language the person chose by name or button is moved only by
    another script, not by Latin letters.
    """
    typed = _typed(turn)
    written = turn.parse.clear_language if typed else None
    if not state.lang:
        weak = cue_language(turn.text) if typed else None
        return replace(state, lang=written or ctx.language_hint or weak or "lv")
    if written is None or written == state.lang:
        return state
    script = _script_language(turn)
    if state.lang_chosen and script != written:
        return state  # chose English, then typed "ka var satikt viru cietuma?": the choice holds
    if state.flow is not None and script is None and _words(turn.text) <= SHORT_MIXED_WORDS:
        # "how about 11?" at a Latvian booking's confirmation is an answer to its question, not a new
        # language: the booking went on in English (QA, tenth pass). Cyrillic or diacritics still move it.
        return state
    return replace(state, lang=written, lang_chosen=False)


def _words(text: str) -> int:
    return len(re.findall(r"[^\W\d_]+", text))


def _typed(turn: UserTurn) -> bool:
    """The person's own words. A command ("/start", every Telegram user's first message) or a button is no
    language at all: the NLU read "/start" as English, so Latvian and Russian users were welcomed in
    English (QA)."""
    return turn.payload is None and not turn.text.lstrip().startswith("/")


def _script_language(turn: UserTurn) -> str | None:
    if turn.payload is not None:
        return None  # a button press or a numbered choice: its text is our own label or a digit
    text = turn.text
    for found in turn.parse.entities:
        if found.entity == "prison" and 0 <= found.start < found.end <= len(text):
            # "Iļģuciems" or "Liepāja" typed in an English or Russian message is a name, not Latvian
            text = text[: found.start] + " " * (found.end - found.start) + text[found.end :]
    return script_language(text)


async def step(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    state = conversation_language(state, turn, ctx)
    result = await _route(state, turn, ctx)
    return result if result.flow_step == conversation.OUT_OF_RANGE else _finish(result, ctx)


async def step_waiting(state: ConversationState, turn: UserTurn, ctx: FlowContext, *, crisis: bool) -> Turn:
    """A step for someone waiting for a coordinator (not crisis: that is a normal step, it wins anyway).

    Questions the bot can answer are answered, and the place in the queue is kept; anything else is
    for the coordinator (flows.handoff.while_waiting)."""
    state = conversation_language(state, turn, ctx)
    if conversation.number_not_offered(state, turn):
        return conversation.out_of_range(state)  # "7" is a slip, not a message for the coordinator
    menu = turn.payload == conversation.MENU and not crisis  # after a crisis: where they stand, with 116123
    answerable = handoff.answerable_while_waiting(turn) or handoff.asks_for_session(turn)
    if menu or (answerable and turn.payload != handoff.LEAVE_QUEUE):
        # "0" or "izvēlne" asks for the menu every SMS offers ("0 Izvēlne"); it got silence while waiting;
        # "mana konsultācija" gets their session, as outside the queue
        answered = await FLOWS[turn.parse.intent](state, turn, ctx)
        # the answer leaves no flow, but when they were last told where they stand still holds
        kept = {k: v for k, v in state.slots.items() if k == handoff.TOLD_AT}
        return _finish(replace(answered, state=replace(answered.state, slots=kept)), ctx)
    return _finish(await handoff.while_waiting(state, turn, ctx, crisis=crisis), ctx)


def _finish(result: Turn, ctx: FlowContext) -> Turn:
    understood = result.flow_step not in ("fallback.retry", "fallback.offer")
    buttons = [b for r in result.replies for b in r.buttons]
    texts: Texts = ctx.texts or default_texts()
    # the topic stays only while the person is on it: its answer, a follow-up on it, or a thank-you
    on_topic = result.flow_step.startswith(("faq.", "followup.")) or result.flow_step == "thanks"
    return replace(
        result,
        state=replace(
            result.state,
            topic=result.state.topic if on_topic else None,
            misses=result.state.misses if not understood else 0,
            options=tuple(b.payload for b in buttons),
            # a topic button's label is understood by the NLU anyway; only the flows' own options (modes,
            # days, times, yes/no) need their words kept, and the state is written on every turn
            choices=tuple(() if b.payload[1:] in FLOWS else texts.answers_to(b) for b in buttons),
        ),
    )


async def _route(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn:
    intent = turn.parse.intent
    if intent in INTERRUPTS and not (intent == "help" and booking.holds_on(state, turn)):
        if intent == "help" and state.topic in faq.FOLLOW_UPS and turn.payload is None and not turn.menu_word:
            # "un vēl?" right after an answer: that topic's next questions
            return followup.what_else(state, state.topic)
        return await FLOWS[intent](state, turn, ctx)
    if turn.payload == handoff.LEAVE_QUEUE:
        return await handoff.leave_queue(state, ctx)
    if turn.payload and turn.payload.startswith(language.LANG_PAYLOAD):
        chosen = language.chosen(turn)
        if chosen:
            return language.switch(state, chosen)
    left = await booking.sessions_left(state, ctx) if booking.asks_what_is_left(turn) else None
    if left is not None:
        return left  # before the booking's own reading: "how many are left?" is no mode, day or time
    active = await _continue_active(state, turn, ctx)
    if active is not None:
        return active
    if conversation.number_not_offered(state, turn):
        # "11" after the ten-item menu was read as words and started a booking, "7" among a booking's three
        # choices ended it: say which numbers there are, and keep the step and its options (after the
        # active flow had its say: there a number may be a day or an hour)
        return conversation.out_of_range(state)
    if intent == "affirm" and state.misses >= 2 and f"/{handoff.HUMAN_HANDOFF}" in state.options:
        # "yes" to the offer of a person after two misunderstandings
        return await handoff.request_human(state, turn, ctx)
    named = followup.prison_only(turn) if state.topic in faq.FOLLOW_UPS else None
    if state.topic is not None and named is not None:
        # "а если он в Олайне?" right after the parcels answer: parcels there, not the general contacts
        return followup.about_prison(state, state.topic, named.value, ctx.texts)
    if intent in FLOWS and intent != FALLBACK:
        answered = await FLOWS[intent](state, turn, ctx)
        also = faq.also_asked_with_booking(turn)
        if also is not None:
            # "man vajag psihologu un vēl gribu zināt par pabalstiem": the booking started and the benefits
            # were not mentioned (journeys QA, s11); that answer first, its own message, and the booking's
            # question last, so its choices are the ones under the last message
            answered = replace(answered, replies=(Reply(f"faq.{also}"), *answered.replies))
        prison = turn.parse.entity("prison")
        if prison is not None and answered.flow_step == f"faq.{intent}" and intent in faq.REMEMBERED_TOPICS:
            # "mans dēls ir Brasas cietumā, kā viņu apciemot?": what is known there, with the answer
            answered = followup.with_prison_named(answered, intent, prison.value, ctx.texts)
        if ctx.channel == SMS and state.flow != booking.FLOW and _wants_psychologist_too(intent, turn):
            answered = await _then_the_booking(state, turn, ctx, answered)
        # a question on a topic in the middle of a booking: answered, and the booking kept to go on with
        return booking.offer_to_continue(state, answered) if intent in faq.FOLLOW_UPS else answered
    return conversation.fallback(state, turn, set(FLOWS))


def _wants_psychologist_too(intent: str, turn: UserTurn) -> bool:
    return intent in faq.SECOND_TOPICS - faq.OFFERS_A_PSYCHOLOGIST and faq.wants_psychologist(turn)


async def _then_the_booking(
    state: ConversationState, turn: UserTurn, ctx: FlowContext, answered: Turn
) -> Turn:
    """By SMS, a question asked with a psychologist wished for ("…see a psychologist and also how do I send
    him money") gets its answer and then the booking's first question: the answer fills its two segments, so
    the "Book a session" number offered on other channels was dropped and only "0 Menu" was left (journeys
    QA, s11). The answer's own numbers go, so the ones shown are the booking's.
    """
    booked = await FLOWS[faq.BOOKING](state, turn, ctx)
    answers = tuple(replace(reply, buttons=()) for reply in answered.replies)
    return replace(booked, replies=(*answers, *booked.replies))


async def _continue_active(state: ConversationState, turn: UserTurn, ctx: FlowContext) -> Turn | None:
    """Let the active flow take the turn; None when it does not recognise it (the flow is dropped)."""
    if state.flow == "privacy":
        return await privacy.confirm(state, turn, ctx)
    if state.flow == handoff.AFTER_HOURS:
        return await handoff.after_hours(state, turn, ctx)
    if state.flow == "language":
        chosen = language.chosen(turn)
        return language.switch(state, chosen) if chosen else None
    if state.flow == booking.FLOW or booking.is_payload(turn.payload):
        return await booking.resume(state, turn, ctx)
    return None
