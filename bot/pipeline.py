"""Turns: dedupe, lock, state, NLU, flow step, transcript + state + outbox, each turn all or nothing.

A turn runs in one transaction; in a rush, several people's turns share it (group commit, bot/batching.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import store
from bot.batching import Batcher
from bot.bookings.service import BookingPolicy, DbBookings
from bot.channels.sms_keywords import reply_language
from bot.channels.sms_render import SmsRenderer
from bot.clock import Clock
from bot.db.errors import database_unavailable
from bot.db.models import Author, Contact, Conversation, Owner
from bot.handoffs import DbHandoffs
from bot.hours import WorkingHours
from bot.inflight import InFlight
from bot.messages import Button, Channel, InboundKind, InboundMessage, OutboundMessage
from bot.metrics import Metrics
from bot.mojibake import repair, well_formed
from bot.retention import DbPrivacy, erase_contact
from flows.conversation import MENU
from flows.engine import conversation_language, resolve_choice, step, step_waiting
from flows.handoff import (
    AFTER_HOURS,
    CALLBACK_PHONE,
    HOW_LONG,
    LEAVE_QUEUE,
    NO_LONGER_NEEDED,
    answered_as_waiting,
)
from flows.ports import FlowContext
from flows.state import ConversationState, Reply, Turn, UserTurn
from flows.texts import Texts
from nlu.parse import FALLBACK, Classifier, Parse
from nlu.rules import CRISIS, Rules, rules_of

_HELP = "help"  # the intent of the menu words (nlu/rules.yml), and of "what can you do?"
log = logging.getLogger(__name__)

# kinds we cannot read: answered from content, never classified
_KIND_REPLIES = {
    InboundKind.MEDIA: "media.unsupported",
    InboundKind.LOCATION: "media.location",
    InboundKind.CONTACT: "media.contact",
    InboundKind.CONTACT_OTHER: "media.contact_other",
    InboundKind.EDITED: "edited.note",
    InboundKind.UNSUPPORTED_CHAT: "group.unsupported",
}
DATABASE_RETRY_PAUSE = 0.5  # seconds before a turn that lost its database connection runs again
MAX_TEXT = 4000  # longer messages are kept whole in the transcript, classified on their start
CRISIS_OVERLAP = 200  # characters of the start read again with the rest, so no phrase is cut in two


@dataclass(frozen=True, slots=True)
class HandleResult:
    duplicate: bool = False
    conversation_id: int | None = None
    replies: int = 0
    failed: bool = False


_DUPLICATE = HandleResult(duplicate=True)


@dataclass(frozen=True, slots=True)
class _Edit:
    """What to do with an edited message (Pipeline._reread)."""

    parse: Parse | None = None  # its reading; None: the "please send it again" note
    unchanged: bool = False  # it says what the original said, which was answered


class Pipeline:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        classifier: Classifier,
        texts: Texts,
        clock: Clock,
        hours: WorkingHours,
        on_commit: Callable[[int], None] | None = None,
        metrics: Metrics | None = None,
        in_transaction: Callable[[AsyncSession, int], Awaitable[None]] | None = None,
        booking_policy: BookingPolicy | None = None,
        on_waiting: Callable[[AsyncSession, Conversation, datetime], Awaitable[None]] | None = None,
        in_transaction_expression: store.AlsoSelect | None = None,
        turn_batch: int = 1,
        rules: Rules | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classifier = classifier
        # what carries a crisis on or leaves the queue while the person waits: the classifier's own rules
        self.rules = rules if rules is not None else rules_of(classifier)
        self.texts = texts
        self._sms = SmsRenderer(texts)  # what an SMS shows of a reply's buttons (see _as_shown)
        self.clock = clock
        self.hours = hours
        self.on_commit = on_commit or (lambda _conversation_id: None)
        self.metrics = metrics or Metrics()
        self.in_transaction = in_transaction  # e.g. NOTIFY other workers: sent on commit only
        # the same as an expression the turn's conversation read carries, saving a round trip
        self._open_conversation = store.OpenConversation.build(in_transaction_expression)
        self.in_flight = InFlight()  # shutdown waits for these before the engine is disposed
        self.booking_policy = booking_policy  # None: sessions are arranged by a coordinator
        self.on_waiting = on_waiting  # a conversation just joined the queue (console alerts), in the turn
        # up to this many people's turns share a transaction when they arrive together (group commit)
        self._batches: Batcher[InboundMessage, HandleResult] = Batcher(
            self._batch, max_size=turn_batch, key=lambda msg: (msg.channel, msg.sender_id)
        )

    async def handle(self, msg: InboundMessage) -> HandleResult:
        """Process one inbound message; on an error, keep the message and queue an apology.

        The turn runs in the next batch (bot.batching): alone when the worker is idle, with the other
        people's turns that arrived meanwhile when it is busy, all in one transaction.
        """
        start = time.perf_counter()
        # a broken encoding is undone once, for the NLU and the transcript alike ("Ð¡Ð²Ð¸Ð´..." is "Свид...")
        repaired = well_formed(repair(msg.text))
        if repaired is not msg.text:  # both return the same object when there is nothing to undo
            msg = replace(msg, text=repaired)
        payload = None if msg.payload is None else well_formed(msg.payload)  # a web page's, unchecked
        if payload is not msg.payload:
            msg = replace(msg, payload=payload)
        with self.in_flight:
            result = await self._batches.submit(msg)
        self.metrics.inbound(str(msg.channel), time.perf_counter() - start, duplicate=result.duplicate)
        if result.conversation_id is not None:
            # also without replies: the console shows a person's words to their coordinator live
            self.on_commit(result.conversation_id)
        return result

    async def _batch(self, msgs: Sequence[InboundMessage]) -> list[HandleResult | BaseException]:
        """Several people's turns in one transaction; if that fails, each again in its own.

        A failed batch committed nothing, so running its turns one by one loses nothing and sends nothing
        twice; only the turn that fails alone ends in an apology.
        """
        self.metrics.batch(len(msgs))
        if len(msgs) > 1:
            try:
                return list(await self._turns(msgs))
            except Exception as exc:
                log.warning(
                    "turn batch failed; its turns run one at a time",
                    extra={"size": len(msgs), "error": type(exc).__name__},
                    exc_info=True,
                )
                self.metrics.error("turn_batch_split")
        outcomes: list[HandleResult | BaseException] = []
        for msg in msgs:
            try:
                outcomes.append(await self._alone(msg))
            except Exception as exc:  # the database is down: this webhook answers 5xx, the provider retries
                outcomes.append(exc)
        return outcomes

    async def _alone(self, msg: InboundMessage) -> HandleResult:
        try:
            return await self._turn_again_if_the_database_blinked(msg)
        except Exception as exc:
            if database_unavailable(exc):
                # Not an apology: every channel has the message sent again (Telegram and the web page
                # after a 503, an SMS from the spool), and then the turn runs and the person gets the
                # answer. Apologising here sent "sorry" instead whenever the database came back between
                # the turn and its fallback (bench/faults/sms_outage.py). One line, no traceback: during
                # an outage this happens for every retry.
                log.warning("turn deferred: the database is away", extra={"channel": str(msg.channel)})
                self.metrics.error("turn_deferred")
                raise
            # the turn is rolled back whole; the person's words are kept by _apologise
            log.exception("turn failed", extra={"channel": str(msg.channel)})
            self.metrics.error("turn_failed")
            return await self._apologise(msg)

    async def _turn_again_if_the_database_blinked(self, msg: InboundMessage) -> HandleResult:
        """A turn that lost its connection (database restart, failover) committed nothing: run it once more,
        so that the person gets the answer rather than an apology (bench/faults: PostgreSQL restart)."""
        try:
            (result,) = await self._turns([msg])
            return result
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            log.warning(
                "turn: the database connection was lost; trying once more",
                extra={"channel": str(msg.channel)},
            )
            await asyncio.sleep(DATABASE_RETRY_PAUSE)
            (result,) = await self._turns([msg])
            return result

    async def _turns(self, msgs: Sequence[InboundMessage]) -> list[HandleResult]:
        """The turns of different people, in one transaction: each statement serves all of them."""
        async with self.sessionmaker() as session, session.begin():
            now = self.clock()
            fresh = await store.claim_inbounds(
                session, [(str(msg.channel), msg.provider_message_id) for msg in msgs], now
            )
            live = [msg for msg, new in zip(msgs, fresh, strict=True) if new]
            # any message but "blocked" means the person can hear us again; a first name is kept if new
            seen = [
                store.ContactSeen(msg.channel, msg.sender_id, msg.first_name, msg.kind == InboundKind.BLOCKED)
                for msg in live
            ]
            contacts = await store.lock_contacts(session, seen, now) if live else []
            results: dict[int, HandleResult] = {}
            talking: list[tuple[InboundMessage, Contact]] = []
            for msg, contact in zip(live, contacts, strict=True):
                if msg.kind in (InboundKind.BLOCKED, InboundKind.UNBLOCKED):
                    results[id(msg)] = HandleResult()
                elif msg.kind in (InboundKind.OPT_OUT, InboundKind.OPT_IN):
                    results[id(msg)] = await self._opt(session, msg, contact, now)
                else:
                    talking.append((msg, contact))
            conversations, told = await store.open_conversations_with(
                session, [contact for _, contact in talking], now, self._open_conversation
            )
            rows: list[store.TurnRows] = []
            erasures: list[Contact] = []
            for (msg, contact), conversation in zip(talking, conversations, strict=True):
                state = ConversationState.from_json(conversation.state)
                if state.lang is None and contact.language:
                    state = replace(state, lang=contact.language)
                owner_before = conversation.owner
                turn, record, erase = await self._decide(session, msg, contact, conversation, state, now)
                if owner_before == Owner.BOT and conversation.owner == Owner.WAITING and self.on_waiting:
                    await self.on_waiting(session, conversation, now)
                replies = self._render(turn, msg)
                state_json = self._as_shown(turn, msg, replies).to_json()
                rows.append(
                    store.TurnRows(conversation, contact, record, replies, state_json, turn.state.lang)
                )
                if erase:
                    erasures.append(contact)
                results[id(msg)] = HandleResult(conversation_id=conversation.id, replies=len(replies))
            await store.write_turns(session, rows, now)
            for contact in erasures:
                await erase_contact(session, contact, now)
            if self.in_transaction is not None and not told:
                for row in rows:
                    await self.in_transaction(session, row.conversation.id)
        return [results.get(id(msg), _DUPLICATE) for msg in msgs]

    async def _decide(
        self,
        session: AsyncSession,
        msg: InboundMessage,
        contact: Contact,
        conversation: Conversation,
        state: ConversationState,
        now: datetime,
    ) -> tuple[Turn, store.InboundRecord, bool]:
        handoffs = DbHandoffs(session, conversation, now, self.hours)
        policy = self.booking_policy
        bookings = DbBookings(session, contact.id, now, policy) if policy is not None else None
        privacy = DbPrivacy()
        ctx = FlowContext(
            now=now,
            channel=str(msg.channel),
            handoffs=handoffs,
            privacy=privacy,
            language_hint=msg.language_hint,
            bookings=bookings,
            texts=self.texts,
        )
        reread: Parse | None = None  # an edit to answer as a new message, read once
        if msg.kind == InboundKind.EDITED:
            edit = await self._reread(session, msg, conversation)
            if edit.parse is not None and edit.unchanged:
                # a typo fixed in a question already answered: nothing to say, the console shows the edit
                record = store.InboundRecord(
                    text=msg.text,
                    kind=str(msg.kind),
                    intent=edit.parse.intent,
                    confidence=edit.parse.confidence,
                    language=edit.parse.language,
                    flow_step="edited.same",
                    message_ref=msg.message_ref,
                )
                return Turn((), state, "edited.same"), record, False
            reread = edit.parse
        if msg.kind in _KIND_REPLIES and reread is None and not await self._words_to_answer(msg, state):
            lang = state.lang or msg.language_hint or "lv"
            turn = Turn((Reply(_KIND_REPLIES[msg.kind]),), replace(state, lang=lang), f"kind.{msg.kind}")
            if conversation.owner == Owner.HUMAN:
                # the coordinator answers, and the console shows them what came (a photo, an edit): "I cannot
                # read photos; a coordinator can help you" went out while one was already writing (QA s11)
                turn = Turn((), state, f"human.kind.{msg.kind}")
            return (
                turn,
                store.InboundRecord(
                    text=msg.text, kind=str(msg.kind), flow_step=turn.flow_step, message_ref=msg.message_ref
                ),
                False,
            )

        # after a crisis a bare number is for the coordinator, not the main menu's topic (QA, seventh pass)
        payload = msg.payload or resolve_choice(state, msg.text, main_menu=not conversation.crisis)
        waiting = conversation.owner == Owner.WAITING
        if payload is None and waiting and self.rules.leave_queue_phrase(msg.text) is not None:
            # "gribu iziet no rindas" is the leave button in words; the model took such words for a crisis
            payload = LEAVE_QUEUE
        elif payload is None and waiting and self.rules.no_longer_needed(msg.text):
            # "paldies, vairs nevajag": out of the queue, or after a crisis kept in it (flows.handoff)
            payload = NO_LONGER_NEEDED
        elif payload is None and waiting and self.rules.asks_how_long(msg.text):
            payload = HOW_LONG  # "how long?" was answered with the long visits (journeys QA, s11)
        elif payload is None and waiting and self.rules.asks_for_menu(msg.text):
            payload = MENU  # "izvēlne" typed is "0": the menu, which a waiting person gets too
        if reread is not None and payload is None:
            parse = reread
        else:
            parse = await self._understand(msg.text, payload)
        if (
            parse.intent != CRISIS
            and payload is None
            and conversation.crisis
            and conversation.owner in (Owner.WAITING, Owner.HUMAN)
            and self.rules.after_crisis_phrase(msg.text) is not None
        ):
            # "es tiešām to izdarīšu" from someone waiting after a crisis is that crisis going on, though
            # the same words elsewhere are no cry for help: the numbers again, and the coordinator alerted
            parse = replace(parse, intent=CRISIS, confidence=1.0)
        record = store.InboundRecord(
            text=msg.text,
            kind=str(msg.kind),
            payload=payload,
            intent=parse.intent,
            confidence=parse.confidence,
            language=parse.language,
            message_ref=msg.message_ref,
        )
        # "izvēlne" typed asks for what "0" shows (only the rules know the menu words)
        menu_word = payload is None and parse.intent == _HELP and self.rules.asks_for_menu(msg.text)
        user_turn = UserTurn(text=msg.text, parse=parse, payload=payload, menu_word=menu_word)
        if conversation.owner == Owner.HUMAN:
            # no step runs under a coordinator (step and step_waiting do this themselves), yet what the
            # bot says after the hand-back follows the language they now write
            state = conversation_language(state, user_turn, ctx)
        if (
            conversation.owner == Owner.WAITING
            and state.flow == AFTER_HOURS
            and not answered_as_waiting(user_turn)
        ):
            # out of hours, the waiting person is still choosing: a call-back or a message for the morning
            turn = await step(state, user_turn, ctx)
        elif conversation.owner in (Owner.WAITING, Owner.HUMAN) and parse.intent != CRISIS:
            turn = await self._while_with_people(conversation, state, user_turn, ctx)
        elif conversation.owner == Owner.HUMAN:
            # crisis while a coordinator owns the chat: flag it loudly to them; the bot stays silent
            conversation.crisis = True
            await handoffs.request(crisis=True, reason="crisis")
            turn = Turn((), state, "human.crisis_flag")
        else:
            turn = await step(state, user_turn, ctx)
        if msg.kind == InboundKind.MEDIA and parse.intent != CRISIS and turn.replies:
            # the answer is to the caption: say first that the photo itself was not seen
            turn = replace(turn, replies=(Reply("media.caption"), *turn.replies))
        return turn, replace(record, flow_step=turn.flow_step), privacy.requested

    async def _words_to_answer(self, msg: InboundMessage, state: ConversationState) -> bool:
        """A photo's caption is what the person wrote, and is answered like a text; an edit, only when it is a
        cry for help. Both got the fixed "I cannot read photos" / "I only answer new messages" reply, also to
        "negribu vairs dzīvot" in a caption or an edit (channels QA).

        The person's own contact card (its number, in E.164) answers "which number should we call?": it got
        "thank you; if you ask for a call-back a coordinator can use it" and the question again (QA s11)."""
        if not msg.text.strip():
            return False
        if msg.kind == InboundKind.MEDIA:
            return True
        if msg.kind == InboundKind.CONTACT:
            return state.flow == AFTER_HOURS and state.step == CALLBACK_PHONE
        return False

    async def _reread(self, session: AsyncSession, msg: InboundMessage, conversation: Conversation) -> _Edit:
        """An edited message: answered as a new message, left unanswered, or met with the note.

        Every edit, a typo fixed after the answer included, got "please send it again" (QA s11). Now the
        edit is compared with the bot's reading of the original (the transcript line with its message_ref):
        the same intent, understood the first time, is answered already; a new or a newly understood question
        is answered once (Telegram sends each edit again only under its own update_id, which is deduped).
        A cry for help is answered as one, always. The note stays when the original is not in this
        conversation (older, erased) or was a menu number or a button, whose menu has moved on since."""
        if not msg.text.strip():
            return _Edit()
        parse = await self._understand(msg.text, None)
        if parse.intent == CRISIS:
            return _Edit(parse)
        if msg.message_ref is None:
            return _Edit()
        original = await store.last_reading(session, conversation.id, msg.message_ref)
        if original is None or original.payload is not None:
            return _Edit()
        understood = original.intent not in (None, FALLBACK, CRISIS)
        # a prison or a day named in the edit may change the answer, and the original's were not kept
        same = understood and original.intent == parse.intent and not parse.entities
        return _Edit(parse, unchanged=same)

    async def inject(
        self, session: AsyncSession, conversation: Conversation, contact: Contact, command: str
    ) -> int:
        """Run one synthetic turn (e.g. "/book_counselling") in the caller's transaction.

        A coordinator hands the conversation back straight into a flow; nothing is added to the
        transcript as the person's words, only the bot's replies.
        """
        if conversation.owner != Owner.BOT:
            raise ValueError("inject needs a conversation the bot owns")
        now = self.clock()
        msg = InboundMessage(
            channel=Channel(contact.channel),
            sender_id=contact.external_id,
            provider_message_id=f"console-{uuid.uuid4().hex}",
            text=command,
            kind=InboundKind.BUTTON,
            payload=command,
            language_hint=contact.language,
        )
        state = ConversationState.from_json(conversation.state)
        if state.lang is None and contact.language:
            state = replace(state, lang=contact.language)
        turn, _record, _erase = await self._decide(session, msg, contact, conversation, state, now)
        replies = self._render(turn, msg)
        turn = replace(turn, state=self._as_shown(turn, msg, replies))
        await store.write_turn(
            session,
            conversation=conversation,
            contact=contact,
            inbound=None,
            replies=replies,
            state=None,  # on the object: the caller's hand-back changed it in this transaction too
            now=now,
        )
        conversation.state = turn.state.to_json()
        conversation.updated_at = now
        return len(replies)

    async def _understand(self, text: str, payload: str | None) -> Parse:
        if payload and not payload.startswith("/"):
            # a flow's own button: nothing to classify, the active flow reads the payload
            return Parse(text=payload, intent=FALLBACK, confidence=1.0)
        parse = await self.classifier.parse(payload or text[:MAX_TEXT])
        # the model reads the start of a long message; the crisis phrases read the rest too, since "Es
        # negribu vairs dzīvot" at the end of a 4,075-character message was missed (channels QA)
        rest = text[MAX_TEXT - CRISIS_OVERLAP :] if payload is None and len(text) > MAX_TEXT else ""
        if rest and parse.intent != CRISIS and self.rules.crisis_phrase(rest) is not None:
            parse = replace(parse, intent=CRISIS, confidence=1.0)
        return parse

    async def _while_with_people(
        self, conversation: Conversation, state: ConversationState, turn: UserTurn, ctx: FlowContext
    ) -> Turn:
        """With a coordinator, the message is theirs and the bot is silent; waiting, see step_waiting."""
        if conversation.owner == Owner.HUMAN:
            return Turn((), state, "human")
        return await step_waiting(state, turn, ctx, crisis=bool(conversation.crisis))

    def _as_shown(
        self, turn: Turn, msg: InboundMessage, replies: list[store.QueuedReply]
    ) -> ConversationState:
        """On SMS, the numbers a person can pick are the ones the SMS showed. An answer's suggestions are left
        out when they do not fit in two segments ("0 Izvēlne" only), yet "2" still picked the hidden second
        one: children at visits for someone who meant calls from the main menu (channels QA)."""
        state = turn.state
        with_buttons = [reply for reply in replies if reply.buttons]
        if msg.channel != Channel.SMS or len(with_buttons) != 1 or not state.options:
            return state
        reply = with_buttons[0]
        sms = OutboundMessage(
            outbox_id=0,
            channel=Channel.SMS,
            recipient_id="",
            text=reply.text,
            buttons=tuple(Button(payload, label) for payload, label in reply.buttons),
            sms_text=reply.sms_text,
        )
        dropped = self._sms.render_detail(sms).dropped
        if not dropped:
            return state
        shown = min(dropped) - 1  # suggestions go from the end: 1..shown are on the screen, "0" is the menu
        return replace(state, options=state.options[:shown], choices=state.choices[:shown])

    def _render(self, turn: Turn, msg: InboundMessage) -> list[store.QueuedReply]:
        lang = turn.state.lang or "lv"
        rendered = []
        for index, reply in enumerate(turn.replies):
            entry = self.texts.entry(reply.key, lang)
            rendered.append(
                store.QueuedReply(
                    text=self.texts.render_reply(reply, lang),
                    sms_text=self.texts.render_reply(reply, lang, sms=True) if entry.sms else None,
                    buttons=[[b.payload, self.texts.label(b.key, lang, b.params)] for b in reply.buttons],
                    # the send layer silences the bot's words after STOP; an urgent reply is sent as the
                    # helpline's own (like the STOP confirmation), so the emergency numbers still go out
                    author=Author.SYSTEM if reply.urgent else Author.BOT,
                    reply_context=msg.reply_context if index == 0 else None,
                )
            )
        return rendered

    async def _opt(
        self, session: AsyncSession, msg: InboundMessage, contact: Contact, now: datetime
    ) -> HandleResult:
        """STOP silences everything (reminders included) after one confirmation; START resumes."""
        again = contact.opted_out and msg.kind == InboundKind.OPT_OUT  # one confirmation is enough (QA)
        contact.opted_out = msg.kind == InboundKind.OPT_OUT
        conversation = await store.open_conversation(session, contact, now)
        lang = reply_language(msg.language_hint, contact.language)  # "СТОП" is confirmed in Russian
        key = "optout.confirmed" if contact.opted_out else "optout.resumed"
        inbound = store.InboundRecord(msg.text, str(msg.kind), flow_step=str(msg.kind))
        if again:
            await store.write_turn(
                session,
                conversation=conversation,
                contact=contact,
                inbound=inbound,
                replies=[],
                state=None,
                now=now,
            )
            return HandleResult(conversation_id=conversation.id)
        await store.enqueue(
            session,
            conversation=conversation,
            contact=contact,
            reply=store.QueuedReply(
                self.texts.render(key, lang), self.texts.sms_variant(key, lang), [], author=Author.SYSTEM
            ),
            now=now,
            inbound=inbound,
        )
        return HandleResult(conversation_id=conversation.id, replies=1)

    async def _apologise(self, msg: InboundMessage) -> HandleResult:
        """After a failed turn: keep what the person wrote and tell them, in a fresh transaction."""
        try:
            async with self.sessionmaker() as session, session.begin():
                now = self.clock()
                if not await store.claim_inbound(session, str(msg.channel), msg.provider_message_id, now):
                    return HandleResult(duplicate=True)
                contact = await store.lock_contact(session, msg.channel, msg.sender_id, now)
                conversation = await store.open_conversation(session, contact, now)
                lang = contact.language or msg.language_hint or "lv"
                apology = self.texts.render("error.apology", lang)
                await store.enqueue(
                    session,
                    conversation=conversation,
                    contact=contact,
                    reply=store.QueuedReply(apology, self.texts.sms_variant("error.apology", lang), []),
                    now=now,
                    inbound=store.InboundRecord(msg.text, str(msg.kind)),
                )
                return HandleResult(conversation_id=conversation.id, replies=1, failed=True)
        except Exception:
            # the database itself is failing: let the channel's webhook answer 5xx so the provider retries
            log.exception("could not record a failed turn")
            self.metrics.error("turn_unrecorded")
            raise
