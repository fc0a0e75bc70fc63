"""Every setting, typed and validated once; nothing else in the project reads os.environ."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(Exception):
    """A bad setting, phrased for a person: one line that names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HELPLINE_", extra="ignore", frozen=True)

    data_dir: Path = Path("var")
    database_url: str = ""  # empty: a SQLite file in data_dir
    # messages kept while the database is away (bot/inbound_spool.py); must be writable and outlive a
    # restart of the process (a volume in a container); empty: data_dir/spool
    spool_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    public_url: str = ""
    timezone: str = "Europe/Riga"
    helpline_name: str = ""  # empty: the neutral name from the text files (helpline.name), per language
    demo_data: bool = True
    nlu: Literal["embedded", "rasa"] = "embedded"
    nlu_threshold: float = Field(default=0.35, ge=0.0, le=1.0)
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    outbox_max_attempts: int = Field(default=8, ge=1)
    session_quota: int = Field(default=5, ge=1)
    booking_lead_hours: int = Field(default=12, ge=0)  # no session offered sooner than this
    booking_cutoff_hours: int = Field(default=24, ge=0)  # cancel / reschedule in the chat until this before
    booking_horizon_days: int = Field(default=28, ge=1)  # how far ahead sessions are offered
    working_hours: str = Field(default="1-5 09:00-17:00", pattern=r"^[1-7](-[1-7])? \d\d:\d\d-\d\d:\d\d$")

    # retention per data category, in days, and the purge (docs/operators.md says why these defaults)
    retention_transcripts_days: int = Field(default=180, ge=1)
    retention_handoff_notes_days: int = Field(default=365, ge=1)
    retention_bookings_days: int = Field(default=730, ge=1)
    retention_audit_days: int = Field(default=1095, ge=1)
    retention_purge_interval_hours: float = Field(default=24.0, gt=0)
    review_low_confidence: float = Field(default=0.5, ge=0.0, le=1.0)  # search's "low confidence" filter

    # production: workers, pool, shutdown, metrics (docs/production.md)
    workers: int = Field(default=1, ge=1, le=64)
    db_pool_size: int = Field(default=10, ge=1, le=200)
    # turns that arrive while others are being handled share one transaction, up to this many (1: never)
    turn_batch: int = Field(default=32, ge=1, le=500)
    shutdown_timeout: float = Field(default=10.0, gt=0)
    outbox_lease_seconds: float = Field(default=60.0, ge=5)
    # replies one outbox pass of a worker claims and sends at once (bench/load: 32 let them trail a rush)
    outbox_batch: int = Field(default=64, ge=1, le=500)
    metrics_token: SecretStr | None = None
    prometheus_multiproc_dir: Path | None = Field(default=None, validation_alias="PROMETHEUS_MULTIPROC_DIR")

    rasa_url: str = Field(default="", validation_alias=AliasChoices("RASA_URL", "HELPLINE_RASA_URL"))
    rasa_timeout: float = Field(default=2.0, gt=0, validation_alias=AliasChoices("RASA_TIMEOUT"))

    telegram_bot_token: SecretStr | None = Field(default=None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, validation_alias="TELEGRAM_WEBHOOK_SECRET"
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot", validation_alias="TELEGRAM_API_BASE_URL"
    )
    # a coordinators' Telegram group: a link to each new waiting conversation (never the person's words)
    telegram_coordinator_chat_id: str = Field(
        default="", pattern=r"^(-?\d{1,20})?$", validation_alias="TELEGRAM_COORDINATOR_CHAT_ID"
    )
    # Telegram allows about 30 messages a second per bot: every worker sends at most this / workers
    telegram_send_rate: float = Field(default=30.0, gt=0, validation_alias="TELEGRAM_SEND_RATE")
    # how many updates Telegram may deliver at once (setWebhook max_connections, 1-100; Telegram's own
    # default is 40). In a rush, updates that arrive together share one transaction (bot/batching.py):
    # 100 in flight took 879-930 msg/s end to end where 40 took 737 (bench/results/load-pg2-c*-…T18.json)
    telegram_webhook_max_connections: int = Field(
        default=100, ge=1, le=100, validation_alias="TELEGRAM_WEBHOOK_MAX_CONNECTIONS"
    )

    twilio_account_sid: str = Field(default="", validation_alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: SecretStr | None = Field(default=None, validation_alias="TWILIO_AUTH_TOKEN")
    twilio_from_number: str = Field(default="", validation_alias="TWILIO_FROM_NUMBER")
    twilio_messaging_service_sid: str = Field(default="", validation_alias="TWILIO_MESSAGING_SERVICE_SID")
    twilio_api_base_url: str = Field(default="https://api.twilio.com", validation_alias="TWILIO_API_BASE_URL")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for local tests)")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, value: str) -> str:
        if value and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://", "postgresql://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        if value.startswith("postgresql://"):
            return "postgresql+asyncpg://" + value.removeprefix("postgresql://")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir.resolve() / 'helpline.db'}"

    @property
    def effective_spool_dir(self) -> Path:
        return self.spool_dir or self.data_dir / "spool"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_bot_token is not None and bool(self.telegram_bot_token.get_secret_value())

    @property
    def twilio_enabled(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)


_ENV_NAMES = {
    "rasa_url": "RASA_URL",
    "rasa_timeout": "RASA_TIMEOUT",
    "telegram_bot_token": "TELEGRAM_BOT_TOKEN",
    "telegram_webhook_secret": "TELEGRAM_WEBHOOK_SECRET",
    "telegram_api_base_url": "TELEGRAM_API_BASE_URL",
    "telegram_coordinator_chat_id": "TELEGRAM_COORDINATOR_CHAT_ID",
    "telegram_send_rate": "TELEGRAM_SEND_RATE",
    "telegram_webhook_max_connections": "TELEGRAM_WEBHOOK_MAX_CONNECTIONS",
    "twilio_account_sid": "TWILIO_ACCOUNT_SID",
    "twilio_auth_token": "TWILIO_AUTH_TOKEN",
    "twilio_from_number": "TWILIO_FROM_NUMBER",
    "twilio_messaging_service_sid": "TWILIO_MESSAGING_SERVICE_SID",
    "twilio_api_base_url": "TWILIO_API_BASE_URL",
    "prometheus_multiproc_dir": "PROMETHEUS_MULTIPROC_DIR",
}


def load_settings(**overrides: object) -> Settings:
    """Read the environment; turn pydantic's report into one line naming the variable."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        name = _ENV_NAMES.get(field, field if field.isupper() else f"HELPLINE_{field.upper()}")
        raise SettingsError(f"bad setting {name}: {first['msg']}") from None
    if settings.telegram_enabled and settings.public_url and settings.telegram_webhook_secret is None:
        raise SettingsError(
            "bad setting TELEGRAM_WEBHOOK_SECRET: required when HELPLINE_PUBLIC_URL is set (webhook mode)"
        )
    if settings.twilio_enabled and not (settings.twilio_from_number or settings.twilio_messaging_service_sid):
        raise SettingsError("bad setting TWILIO_FROM_NUMBER: set it or TWILIO_MESSAGING_SERVICE_SID")
    if settings.twilio_enabled and not settings.public_url:
        raise SettingsError("bad setting HELPLINE_PUBLIC_URL: Twilio signatures are checked against it")
    if settings.nlu == "rasa" and not settings.rasa_url:
        raise SettingsError("bad setting RASA_URL: required when HELPLINE_NLU=rasa")
    return settings
