"""Fixtures for the integration tests that need the real embedded model (trained once per module)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web

from bot.clock import ManualClock
from nlu.embedded import DEFAULT_DATA_DIR, EmbeddedClassifier, load_classifier
from tests.conftest import AppFactory


@pytest.fixture(scope="module")
def nlu_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("nlu-cache")


@pytest.fixture
def classifier(nlu_cache: Path, clock: ManualClock) -> EmbeddedClassifier:
    return load_classifier(DEFAULT_DATA_DIR, nlu_cache, now=clock)  # trains once per module, then cached


@pytest.fixture
async def app(make_app: AppFactory, classifier: EmbeddedClassifier) -> web.Application:
    """The real app with the real model; its clock is the module's `clock`, its sender `sender`."""
    return await make_app(classifier=classifier)
