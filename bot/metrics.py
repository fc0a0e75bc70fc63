"""Prometheus metrics: a registry per app (or multiprocess files), `GET /metrics` for localhost or a token."""

from __future__ import annotations

import ipaddress
import logging
import secrets
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import keys
from bot.db.models import HandoffRequest, OutboxItem, waiting
from bot.messages import Channel
from nlu.parse import Classifier, Parse

log = logging.getLogger(__name__)

# seconds; a turn is a few ms on a quiet database, the NLU well under one
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
ERROR_KINDS = (
    "turn_failed",
    "turn_unrecorded",
    "turn_deferred",
    "turn_batch_split",
    "send_retry",
    "send_dead",
    "outbox_pass",
    "listener_lost",
    "inbound_spooled",
)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 500)


class Metrics:
    """What the pipeline and the outbox record into; never a module global (tests build many apps)."""

    def __init__(self, multiprocess_dir: Path | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.multiprocess_dir = multiprocess_dir
        r = self.registry
        by_channel = ["channel"]
        self.messages_in = Counter(
            "helpline_messages_in", "Inbound messages processed", by_channel, registry=r
        )
        self.messages_out = Counter("helpline_messages_out", "Replies delivered", by_channel, registry=r)
        self.duplicates = Counter("helpline_duplicates", "Provider retries ignored", by_channel, registry=r)
        self.errors = Counter("helpline_errors", "Errors by kind", ["kind"], registry=r)
        self.turn_latency = Histogram(
            "helpline_turn_latency_seconds",
            "One turn, dedupe to commit",
            by_channel,
            buckets=BUCKETS,
            registry=r,
        )
        self.nlu_latency = Histogram(
            "helpline_nlu_latency_seconds", "One NLU parse", buckets=BUCKETS, registry=r
        )
        self.turn_batch = Histogram(
            "helpline_turn_batch_size",
            "People's turns that shared one transaction (1: the worker was idle)",
            buckets=BATCH_BUCKETS,
            registry=r,
        )
        for channel in Channel:  # every series exists from the start, at zero
            self.messages_in.labels(str(channel))
            self.messages_out.labels(str(channel))
        for kind in ERROR_KINDS:
            self.errors.labels(kind)

    def inbound(self, channel: str, seconds: float, *, duplicate: bool) -> None:
        if duplicate:
            self.duplicates.labels(channel).inc()
            return
        self.messages_in.labels(channel).inc()
        self.turn_latency.labels(channel).observe(seconds)

    def batch(self, size: int) -> None:
        self.turn_batch.observe(size)

    def delivered(self, channel: str) -> None:
        self.messages_out.labels(channel).inc()

    def error(self, kind: str) -> None:
        self.errors.labels(kind).inc()

    def exposition(self, gauges: Iterable[Metric]) -> bytes:
        """Counters and histograms (of every worker, in multiprocess mode) plus gauges read at scrape time."""
        if self.multiprocess_dir is not None:
            source = CollectorRegistry()
            MultiProcessCollector(source, path=str(self.multiprocess_dir))  # type: ignore[no-untyped-call]
        else:
            source = self.registry
        scrape = CollectorRegistry(auto_describe=False)
        scrape.register(_Fixed(list(gauges)))
        return generate_latest(source) + generate_latest(scrape)


class _Fixed(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        return iter(self.families)


class TimedClassifier:
    """Times every parse into helpline_nlu_latency_seconds; the classifier itself stays unaware."""

    def __init__(self, inner: Classifier, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    async def parse(self, text: str) -> Parse:
        start = time.perf_counter()
        try:
            return await self.inner.parse(text)
        finally:
            self.metrics.nlu_latency.observe(time.perf_counter() - start)


async def read_gauges(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> list[Metric]:
    """Outbox depth and oldest age, hand-off queue length and oldest wait: two indexed aggregates."""
    async with sessionmaker() as session:
        depth, oldest = (
            await session.execute(
                select(func.count(), func.min(OutboxItem.created_at)).where(waiting(OutboxItem))
            )
        ).one()
        opened = func.min(HandoffRequest.created_at)
        queue, first = (
            await session.execute(select(func.count(), opened).where(HandoffRequest.status == "open"))
        ).one()
    return [
        _gauge("helpline_outbox_depth", "Replies not yet delivered (pending or being sent)", depth),
        _gauge(
            "helpline_outbox_oldest_pending_age_seconds",
            "Age of the oldest undelivered reply",
            _age(oldest, now),
        ),
        _gauge("helpline_handoff_queue_length", "People waiting for a coordinator", queue),
        _gauge(
            "helpline_handoff_oldest_wait_seconds", "Wait of the first person in the queue", _age(first, now)
        ),
    ]


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=float(value))


def _age(oldest: datetime | None, now: datetime) -> float:
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # SQLite hands back naive UTC through a bare aggregate
        oldest = oldest.replace(tzinfo=UTC)
    return max((now - oldest).total_seconds(), 0.0)


def allowed(request: web.Request, token: str | None) -> bool:
    """With a token: the bearer must match. Without: only direct loopback callers (not via a proxy)."""
    if token:
        given = request.headers.get("Authorization", "")
        return secrets.compare_digest(given.encode(), f"Bearer {token}".encode())
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False  # a local reverse proxy would make every caller look like 127.0.0.1
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


async def metrics_view(request: web.Request) -> web.Response:
    settings = request.app[keys.settings]
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    if not allowed(request, token):
        raise web.HTTPForbidden(text="metrics: localhost only, or set HELPLINE_METRICS_TOKEN")
    metrics = request.app[keys.metrics]
    try:
        gauges = await read_gauges(request.app[keys.sessionmaker], datetime.now(UTC))
    except Exception:
        log.warning("metrics: could not read the database gauges")
        gauges = []
    if keys.inbound_spool in request.app:  # read from disk: it matters most while the database is away
        kept = len(request.app[keys.inbound_spool].kept())
        gauges.append(
            _gauge("helpline_inbound_spooled", "Messages kept on disk until the database is back", kept)
        )
    body = metrics.exposition(gauges)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def setup_metrics(app: web.Application) -> None:
    app.router.add_get("/metrics", metrics_view)
