"""Informational intents: each answer is a text key plus the likely next questions as buttons."""

from __future__ import annotations

import re
from dataclasses import replace

from flows.ports import SMS
from flows.prisons import prison_name
from flows.state import ButtonSpec, ConversationState, Reply, Turn, UserTurn
from flows.texts import Texts, default_texts

# intent -> follow-up intents offered as buttons after the answer
FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "visit_rules": ("visit_long", "visit_children", "visit_video", "prison_contacts"),
    "visit_long": ("visit_rules", "visit_children", "prison_contacts"),
    "visit_video": ("visit_rules", "phone_calls", "prison_contacts"),
    "visit_children": ("children_support", "family_day", "visit_long"),
    "family_day": ("visit_children", "children_support", "prison_contacts"),
    "phone_calls": ("letters", "visit_video", "prison_contacts"),
    "letters": ("phone_calls", "parcels_money", "prison_contacts"),
    "parcels_money": ("letters", "prison_contacts", "benefits_family"),
    "prison_contacts": ("visit_rules", "useful_links", "human_handoff"),
    "psych_info": ("book_counselling", "children_support", "human_handoff"),
    "benefits_family": ("children_support", "legal_help", "psych_info"),
    "children_support": ("psych_info", "visit_children", "benefits_family"),
    "legal_help": ("benefits_family", "useful_links", "human_handoff"),
    "release_preparation": ("employment", "probation", "benefits_family"),
    "employment": ("release_preparation", "probation", "useful_links"),
    "probation": ("release_preparation", "employment", "legal_help"),
    "useful_links": ("prison_contacts", "legal_help", "human_handoff"),
    "first_steps": ("visit_rules", "prison_contacts", "parcels_money", "psych_info", "human_handoff"),
    "feeling_low": ("book_counselling", "human_handoff", "psych_info"),
    "lost_contact": ("prison_contacts", "letters", "human_handoff", "psych_info"),
    "family_emergency": ("prison_contacts", "letters", "human_handoff", "psych_info"),
}

# the prisons (nlu/prisons.yml names) that faq.prison_contacts itself covers (knowledge/prisons.csv)
CONTACTS_IN_THE_ANSWER = frozenset({"Jelgavas cietums", "Liepājas cietums", "Brasas cietums"})
# ...but its SMS variant, two segments, has room for Liepāja only: a person who asks about one of these by SMS
# gets its own short text first (QA facts audit: "Jelgavas cietuma adrese" by SMS got nothing about Jelgava)
SMS_CONTACTS: dict[str, str] = {"Jelgavas cietums": "contacts.jelgava", "Brasas cietums": "contacts.brasa"}

# Two questions in one message ("kā aizsūtīt paku un kad var apciemot", "how do I send a parcel and when can I
# visit"): only the first was answered and the second was not even among the buttons, so the person had to
# ask again (QA, ninth pass). The model leaves the second topic a share of its belief (0.10-0.45 in that pass)
# where a one-topic question leaves the runner-up about nothing; a joining word and two question words must be
# there too, so an unsure reading of one question ("хочу отправить вещи и еду, как это сделать": 0.14 for
# visits) does not bring a second long answer.
ALSO_ASKED = 0.08
JOINING_WORDS = frozenset({"un", "arī", "ari", "и", "а", "i", "также", "ещё", "еще", "and", "also", "plus"})
QUESTION_WORDS = frozenset({
    "kā", "ka", "kad", "cik", "vai", "kur", "ko", "kāpēc",
    "как", "когда", "сколько", "можно", "где", "куда", "ли", "kak", "kogda", "skolko", "mozhno", "gde",
    "how", "when", "can", "what", "where", "which", "may",
})  # fmt: skip
# the topics a second answer may be about: not the situation (first_steps, lost_contact, family_emergency) or
# a feeling (feeling_low)
SECOND_TOPICS = frozenset(FOLLOW_UPS) - {"first_steps", "feeling_low", "lost_contact", "family_emergency"}
# the topics a follow-up naming a prison stays on (flows.followup); after the contacts answer, "bet ja viņš ir
# Olainē?" is a contacts question again, as it was
REMEMBERED_TOPICS = SECOND_TOPICS - {"prison_contacts", "useful_links"}

# A psychologist wished for beside another question ("i want to see a psychologist and also how do i send
# him money", "хочу к психологу и ещё как передать посылку"): the model reads the other question with all its
# belief (book_counselling 0.009 and 0.002), and the booking was lost, not even a button (journeys QA, s11).
# The word itself is the sign; the answer then offers the booking first. Stems, so "psihologu", "психологу"
# and "psychologists" count; not for the answers that are about a psychologist already (their buttons say it)
# or children's support (the sessions booked here are for the relatives themselves).
PSYCHOLOGIST_STEMS = ("psiholog", "psihoterapeit", "психолог", "психотерапевт", "psycholog", "therapist")
OFFERS_A_PSYCHOLOGIST = frozenset({"psych_info", "children_support"})
BOOKING = "book_counselling"
# A wish to book leaves the other topic less than a question does ("мне нужен психолог и ещё хочу узнать про
# пособия": benefits 0.07, "хочу записаться к психологу и когда можно на свидание": visits 0.06); among the
# 34 booking sentences with a joining word in nlu/data and the tests, no other runner-up topic reached 0.02.
ALSO_WITH_BOOKING = 0.05

MAIN_MENU: tuple[str, ...] = (
    "visit_rules",
    "phone_calls",
    "letters",
    "parcels_money",
    "psych_info",
    "benefits_family",
    "children_support",
    "release_preparation",
    "prison_contacts",
    "human_handoff",
)


def intent_button(intent: str) -> ButtonSpec:
    """A button that, pressed or picked by number, is understood as this intent."""
    return ButtonSpec(payload=f"/{intent}", key=f"button.{intent}")


def menu_buttons(intents: tuple[str, ...] = MAIN_MENU) -> tuple[ButtonSpec, ...]:
    return tuple(intent_button(i) for i in intents)


def _words(turn: UserTurn) -> list[str]:
    return re.findall(r"\w+", turn.text.casefold())


def also_asked(turn: UserTurn) -> str | None:
    """The second topic of a message that asks about two ("…paku un kad var apciemot"), else None."""
    ranking = turn.parse.ranking
    if turn.payload is not None or len(ranking) < 2:
        return None
    second = ranking[1]
    if second.name == turn.parse.intent or second.name not in SECOND_TOPICS or second.confidence < ALSO_ASKED:
        return None
    words = _words(turn)
    asks = sum(1 for w in words if w in QUESTION_WORDS)
    return second.name if asks >= 2 and JOINING_WORDS.intersection(words) else None


def wants_psychologist(turn: UserTurn) -> bool:
    """The message names a psychologist beside something else joined to it ("… and also …")."""
    if turn.payload is not None:
        return False
    words = _words(turn)
    named = any(word.startswith(PSYCHOLOGIST_STEMS) for word in words)
    return named and bool(JOINING_WORDS.intersection(words))


def also_asked_with_booking(turn: UserTurn) -> str | None:
    """The topic also asked about in a message read as a wish to book ("man vajag psihologu un vēl gribu
    zināt par pabalstiem": benefits 0.20), else None.

    Unlike `also_asked`, no question words: a wish is said without them ("gribu zināt"). What a psychologist
    is (psych_info) is the booking's own subject, not a second request.
    """
    ranking = turn.parse.ranking
    if turn.payload is not None or len(ranking) < 2 or turn.parse.intent != BOOKING:
        return None
    second = ranking[1]
    if second.name not in SECOND_TOPICS - OFFERS_A_PSYCHOLOGIST or second.confidence < ALSO_WITH_BOOKING:
        return None
    return second.name if JOINING_WORDS.intersection(_words(turn)) else None


def answer(state: ConversationState, turn: UserTurn, channel: str, texts: Texts | None = None) -> Turn:
    intent = turn.parse.intent
    offered = FOLLOW_UPS[intent]
    second = also_asked(turn) if intent in SECOND_TOPICS else None
    named = turn.parse.entity("prison")
    first: tuple[Reply, ...] = ()
    if intent == "prison_contacts" and named is not None:
        if named.value not in CONTACTS_IN_THE_ANSWER:
            # asked for one prison whose contacts are not sourced: say so plainly before the general block,
            # rather than leave the person to look for a name that is not there (QA: "Daugavgrīvas cietuma
            # adrese")
            name = prison_name(texts or default_texts(), state.lang or "lv", named.value)
            first = (Reply("contacts.not_known", {"prison": name}),)
        elif channel == SMS and named.value in SMS_CONTACTS:
            first = (Reply(SMS_CONTACTS[named.value]),)
    if second is not None and channel == SMS:
        # a second answer would cost several more segments: its topic is the first choice instead
        offered = (second, *(i for i in offered if i != second))
    elif second is not None:
        # both answers, the second one's likely next questions under it
        first = (*first, Reply(f"faq.{intent}"))
        intent, offered = second, tuple(i for i in FOLLOW_UPS[second] if i != intent)
    if BOOKING not in offered and turn.parse.intent not in OFFERS_A_PSYCHOLOGIST and wants_psychologist(turn):
        offered = (BOOKING, *offered)  # one tap starts the booking asked for beside the question
    return Turn(
        replies=(*first, Reply(f"faq.{intent}", buttons=(*menu_buttons(offered), intent_button("help")))),
        state=replace(state.leave(), topic=intent if intent in REMEMBERED_TOPICS else None),
        flow_step=f"faq.{turn.parse.intent}",
    )
