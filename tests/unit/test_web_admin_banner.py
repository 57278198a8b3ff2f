"""The source health banner: failing and rate-limited sources, on every page for staff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock
from earful.models import Source
from earful.runtime import Runtime
from earful.settings import Settings, SourceSettings
from tests.unit.lead_admin_support import client_as, make_app
from web.health_banner import banner_text, source_problems


@pytest.fixture
def two_sources(settings: Settings, session: Session, clock: FrozenClock) -> Session:
    clock.set(datetime(2026, 1, 5, 10, 50, tzinfo=UTC))
    settings.sources = [SourceSettings(name="x-brand", platform="x"),
                        SourceSettings(name="reddit", platform="reddit")]
    session.add_all([
        Source(name="x-brand", platform="x", failing_since=datetime(2026, 1, 5, 10, 42,
                                                                    tzinfo=UTC),
               consecutive_failures=3,
               rate_limited_until=datetime(2026, 1, 5, 10, 57, tzinfo=UTC)),
        Source(name="reddit", platform="reddit"),
        Source(name="old", platform="x", failing_since=clock.now()),  # no longer configured
    ])
    session.commit()
    return session


def test_failing_and_rate_limited_source(two_sources: Session, settings: Settings) -> None:
    problems = source_problems(two_sources, settings)
    assert banner_text(problems) == \
        "coverage degraded: x-brand failing since 10:42, rate limited until 10:57"


def test_rate_limit_in_the_past_is_not_news(two_sources: Session, settings: Settings,
                                            clock: FrozenClock) -> None:
    clock.advance(minutes=10)
    assert source_problems(two_sources, settings) == ["x-brand failing since 10:42"]


def test_rate_limited_only_paused_and_older_failures(two_sources: Session, settings: Settings,
                                                     clock: FrozenClock) -> None:
    settings.calendar.timezone = "Europe/Berlin"
    row = two_sources.scalars(select(Source).where(Source.name == "reddit")).one()
    row.rate_limited_until = clock.now() + timedelta(minutes=5)
    row.paused = True
    x = two_sources.scalars(select(Source).where(Source.name == "x-brand")).one()
    x.failing_since, x.rate_limited_until = clock.now() - timedelta(days=2), None
    two_sources.commit()
    assert source_problems(two_sources, settings) == [
        "reddit paused, rate limited until 11:55", "x-brand failing since Jan 03 11:50"]


def test_all_healthy_means_no_banner(session: Session, settings: Settings) -> None:
    assert banner_text(source_problems(session, settings)) is None


def test_banner_on_every_page_for_signed_in_staff(two_sources: Session, rt: Runtime) -> None:
    app: Flask = make_app(rt)
    banner = "coverage degraded: x-brand failing since 10:42, rate limited until 10:57"
    agent = client_as(app, rt, "agent")
    assert banner in agent.get("/").get_data(as_text=True)
    assert banner in client_as(app, rt, "lead").get("/canned").get_data(as_text=True)
    assert banner not in app.test_client().get("/login").get_data(as_text=True)
