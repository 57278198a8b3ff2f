"""Fixtures for the inbox, conversation and composer tests.

They override the shared `rt`, whose runtime loads the classifier: the console never classifies.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from earful.clock import FrozenClock
from earful.runtime import Runtime
from earful.settings import Settings
from tests.unit.web_console_support import console_runtime, make_app


@pytest.fixture
def rt(settings: Settings, database_url: str) -> Iterator[Runtime]:
    with console_runtime(settings, database_url) as current:
        yield current


@pytest.fixture
def app(rt: Runtime, clock: FrozenClock) -> Flask:
    return make_app(rt)
