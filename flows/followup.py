"""Follow-ups on the topic just answered: "bet ja viņš ir Olainē?", "а если он в Олайне?", "and what else?".

After the parcels or the visits answer, "а если он в Олайне?" got only the general contacts note, and the
topic the person was asking about was lost (QA, ninth pass). The conversation now remembers the topic it
last answered (`ConversationState.topic`); a message that only names a prison is that topic again, for that
prison: what the facts say about it there (`followup.<topic>.<prison>`), else that the rule is one for
every prison where the facts say so (`followup.<topic>.same`), else that we know nothing specific; then
that prison's contacts, or where to ask. "un vēl?", "а что ещё?", "what else?" get the topic's next
questions.
"""

from __future__ import annotations

import re
from dataclasses import replace

from flows.faq import FOLLOW_UPS, SMS_CONTACTS, intent_button, menu_buttons
from flows.prisons import NAME_PREFIX, name_key, prison_name
from flows.state import ConversationState, Reply, Turn, UserTurn
from flows.texts import Texts, default_texts
from nlu.normalize import normalize
from nlu.parse import Entity

# The words around a prison's name in "bet ja viņš ir Olainē?", "а если он сидит в Олайне?", "and what if
# he's in Olaine?": a message of nothing else asks about the topic just answered, for that prison. A word
# outside this list ("kā nosūtīt paku uz Olaini") makes it a question of its own, for the model.
_AROUND_A_NAME = """
    bet un ja nu a vai kā ka kas ar par tad tagad ir atrodas sēž sez tur tas tā šajā tajā uz no
    bija būs bus tiks pārvests pārvesta pārveda viņu vinu
    viņš viņa vins vina mans mana mūsu dēls vīrs meita sieva brālis māsa tētis tēvs mamma
    а но и или если он она в во на сидит находится там тогда как что про насчёт насчет мой моя наш
    был была будет перевели переведут
    сын муж дочь жена брат сестра отец папа мама его её ее
    a no i ili esli on ona v vo na sidit tam kak cto pro nascet moj moja byl byla
    and but or if what about how is he she s hes shes in at there then my our son husband daughter wife
    brother sister dad father mum mom case for the was moved to will be
"""
WORDS_AROUND_A_NAME = frozenset(normalize(w) for w in _AROUND_A_NAME.split())
PRISON_NOUNS = ("cietum", "tjurm", "tyurm", "tiurm", "prison", "jail")
# a prison whose own answer replaces the topic: it is closed, there is nothing to visit or send to
CLOSED = frozenset({"Brasas cietums"})
# a prison's own contacts text, where the facts have one: the SMS's short ones, and the new Liepāja prison's
CONTACTS: dict[str, str] = {**SMS_CONTACTS, "Liepājas cietums": "contacts.liepaja"}
# a topic whose prison facts are another topic's: the visits' timetable holds the long visits' too
SAME_FACTS_AS: dict[str, str] = {"visit_long": "visit_rules"}


def prison_only(turn: UserTurn) -> Entity | None:
    """The prison of a message that says nothing but "and if he is there" around its name, else None."""
    named = turn.parse.entity("prison")
    if turn.payload is not None or named is None:
        return None
    text = turn.text
    for found in turn.parse.entities:
        if found.entity == "prison" and 0 <= found.start < found.end <= len(text):
            text = text[: found.start] + " " + text[found.end :]
    words = re.findall(r"\w+", normalize(text))
    rest = [w for w in words if w not in WORDS_AROUND_A_NAME and not w.startswith(PRISON_NOUNS)]
    return named if not rest else None


def about_prison(state: ConversationState, topic: str, prison: str, texts: Texts | None = None) -> Turn:
    """The topic just answered, again, for one prison: its facts there, then its contacts or where to ask."""
    texts = texts or default_texts()
    lang = state.lang or "lv"
    name = prison_name(texts, lang, prison)
    replies: list[Reply] = []
    if prison not in CLOSED:
        replies.append(_facts_there(texts, topic, prison, name))
    contacts = CONTACTS.get(prison)
    replies.append(Reply(contacts) if contacts else Reply("followup.where_to_ask", {"prison": name}))
    buttons = (*menu_buttons(FOLLOW_UPS[topic]), intent_button("help"))
    last = replies.pop()
    replies.append(Reply(last.key, last.params, buttons))
    return Turn(tuple(replies), state.leave(), f"followup.{topic}")


def _facts_there(texts: Texts, topic: str, prison: str, name: str) -> Reply:
    slug = name_key(prison).removeprefix(NAME_PREFIX)
    for about in (topic, SAME_FACTS_AS.get(topic)):
        if about is not None and texts.has(f"followup.{about}.{slug}"):
            return Reply(f"followup.{about}.{slug}")
    for about in (topic, SAME_FACTS_AS.get(topic)):
        if about is not None and texts.has(f"followup.{about}.same"):
            return Reply(f"followup.{about}.same")
    return Reply("followup.nothing_known", {"prison": name})


# a topic's general answer that already says what is particular to a prison: Iļģuciems's mother-and-child
# unit is in every answer about children on visits, so naming Iļģuciems in that question said it twice
SAID_IN_THE_ANSWER = frozenset({("visit_children", "ilguciema_cietums")})


def with_prison_named(answered: Turn, topic: str, prison: str, texts: Texts | None = None) -> Turn:
    """An answer to a question that named the prison ("mans dēls ir Brasas cietumā, kā viņu apciemot?"):
    a closed prison is said first, and the facts the topic has for that prison follow the answer.

    The general visits answer, with not a word that Brasa closed in 2019, sent a relative on a trip for
    nothing; Jelgava's visiting hours came only when the prison was named after the answer (journeys QA,
    s11). Where nothing is known there, the answer stays as it was: it already says to ask the prison."""
    texts = texts or default_texts()
    replies = answered.replies
    if prison in CLOSED:
        return replace(answered, replies=(Reply(CONTACTS[prison]), *replies))
    slug = name_key(prison).removeprefix(NAME_PREFIX)
    if (topic, slug) in SAID_IN_THE_ANSWER:
        return answered
    own = next(
        (
            f"followup.{about}.{slug}"
            for about in (topic, SAME_FACTS_AS.get(topic))
            if about is not None and texts.has(f"followup.{about}.{slug}")
        ),
        None,
    )
    if own is None or not replies:
        return answered
    last = replies[-1]
    moved = (*replies[:-1], replace(last, buttons=()), Reply(own, buttons=last.buttons))
    return replace(answered, replies=moved)


def what_else(state: ConversationState, topic: str) -> Turn:
    """ "un vēl?" after an answer: that topic's next questions, and the menu."""
    buttons = (*menu_buttons(FOLLOW_UPS[topic]), intent_button("help"))
    return Turn((Reply("followup.what_else", buttons=buttons),), state.leave(), f"followup.{topic}")
