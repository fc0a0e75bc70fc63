"""SMS fixtures: the local fake Twilio API, and the real app configured against it behind signed webhooks."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Overrides, create_app
from bot.clock import ManualClock
from bot.settings import Settings
from nlu.parse import Classifier
from tests.fakes import FakeClassifier
from tests.twilio_fake import FakeTwilio, SmsFactory, SmsHarness, sms_settings


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    """Twilio's REST API on a local port; records every SMS posted to it."""
    twilio = FakeTwilio()
    await twilio.start()
    yield twilio
    await twilio.stop()


@pytest.fixture
def make_sms(aiohttp_client, settings: Settings, clock: ManualClock, fake: FakeTwilio) -> SmsFactory:
    """Build the app with the SMS channel on the fake API: `await make_sms(classifier=..., **settings)`.

    Keyword arguments other than `classifier` change the settings (e.g. `outbox_max_attempts=3`,
    `helpline_name="…"`, `demo_data=False`). The outbox runs only when a test calls `sms.deliver()`.
    """

    async def factory(classifier: Classifier | None = None, **settings_overrides: object) -> SmsHarness:
        app = create_app(
            sms_settings(settings, fake.base_url, **settings_overrides),
            Overrides(classifier=classifier or FakeClassifier(), clock=clock, migrate=True, run_outbox=False),
        )
        return SmsHarness(await aiohttp_client(app), fake)

    return factory


@pytest.fixture
async def sms(make_sms: SmsFactory) -> SmsHarness:
    """The app with the default SMS settings and the keyword classifier."""
    return await make_sms()
