"""The poll job: cursor and mentions commit together; failures back off; the demo replays."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from earful.clock import FrozenClock
from earful.models import Mention, Source
from earful.runtime import Runtime
from earful.settings import SourceSettings
from listener import jobs
from listener.demo.adapter import DemoAdapter
from listener.demo.scenario import SCENARIO
from listener.ingest import ingest
from listener.platforms import PlatformError, RateLimited
from listener.platforms.base import FetchResult
from tests.factories import record


def _mentions(rt: Runtime) -> int:
    with rt.sessions() as session:
        return session.scalar(select(func.count()).select_from(Mention)) or 0


def _source(rt: Runtime, name: str = "demo") -> Source:
    with rt.sessions() as session:
        return session.scalars(select(Source).where(Source.name == name)).one()


class ListReader:
    """A reader over a fixed list; the cursor is how many items were handed out."""

    def __init__(self, items: list[Any], page: int = 3) -> None:
        self.items, self.page, self.failure = items, page, None

    def fetch_mentions(self, source: SourceSettings, cursor: Any) -> FetchResult:
        if self.failure is not None:
            raise self.failure
        start = cursor or 0
        return FetchResult(self.items[start:start + self.page], start + self.page)

    def get_post(self, external_id: str) -> None:
        return None


@pytest.fixture
def with_source(rt: Runtime) -> Runtime:
    rt.settings.sources = [SourceSettings(name="fake", platform="x", interval_seconds=60)]
    rt.settings.demo.enabled = "auto"
    return rt


def test_demo_replays_at_its_pace_and_a_restart_continues(rt: Runtime,
                                                          clock: FrozenClock) -> None:
    assert jobs.poll("demo").result.stored == 1  # the first beat is due at once
    clock.advance(10)
    due = sum(1 for beat in SCENARIO if beat[0] <= 10)
    jobs.poll("demo", force=True)
    assert _mentions(rt) == due
    rt.readers = {"demo": DemoAdapter()}  # a restarted process: a new adapter
    clock.advance(1)
    jobs.poll("demo", force=True)
    assert _mentions(rt) == sum(1 for beat in SCENARIO if beat[0] <= 11)
    clock.advance(SCENARIO[-1][0])
    jobs.poll("demo", force=True)
    assert _mentions(rt) == len(SCENARIO)  # the whole scenario, each beat once


def test_the_demo_starts_over_after_a_pause(rt: Runtime, clock: FrozenClock) -> None:
    jobs.poll("demo")
    clock.advance(SCENARIO[-1][0] + 10_000)
    jobs.poll("demo", force=True)
    assert _mentions(rt) > len(SCENARIO)


def test_cursor_and_mentions_commit_together(with_source: Runtime, clock: FrozenClock,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    rt = with_source
    reader = ListReader([record(f"post {i}", external_id=str(i)) for i in range(6)])
    rt.readers = {"fake": reader}
    real_ingest = jobs.ingest

    def crash(*args: Any, **kwargs: Any) -> Any:
        real_ingest(*args, **kwargs)
        raise SystemExit("killed between fetching and committing")

    monkeypatch.setattr(jobs, "ingest", crash)
    with pytest.raises(SystemExit):
        jobs.poll("fake")
    assert _mentions(rt) == 0
    assert _source(rt, "fake").cursor is None  # nothing committed: neither rows nor cursor
    monkeypatch.setattr(jobs, "ingest", real_ingest)
    jobs.poll("fake")
    jobs.poll("fake", force=True)
    jobs.poll("fake", force=True)
    assert _mentions(rt) == 6


def test_failures_back_off_with_jitter_then_recover(with_source: Runtime,
                                                    clock: FrozenClock) -> None:
    rt = with_source
    reader = ListReader([record(external_id="1")])
    reader.failure = PlatformError("503 from the platform")
    rt.readers = {"fake": reader}
    started = clock.now()
    assert jobs.poll("fake").status == "failed"
    first_wait = _source(rt, "fake").next_poll_at - clock.now()
    assert timedelta(seconds=60) <= first_wait <= timedelta(seconds=120)
    assert jobs.poll("fake").status == "waiting"  # backing off: no request made
    clock.advance(seconds=first_wait.total_seconds())
    assert jobs.poll("fake").status == "failed"
    row = _source(rt, "fake")
    assert row.consecutive_failures == 2 and row.last_error == "503 from the platform"
    assert row.failing_since == started
    wait = row.next_poll_at - clock.now()
    assert timedelta(seconds=120) <= wait <= timedelta(seconds=240)  # doubled, jittered
    reader.failure = None
    clock.advance(seconds=wait.total_seconds() + 1)
    assert jobs.poll("fake").status == "stored"
    row = _source(rt, "fake")
    assert row.consecutive_failures == 0 and row.failing_since is None
    assert row.last_error is None  # recovered: the old error is not shown as current
    assert row.last_error_at is not None  # when it last failed is still known


def test_rate_limit_reschedules_to_the_reset(with_source: Runtime, clock: FrozenClock) -> None:
    rt = with_source
    reader = ListReader([record(external_id="1")])
    reset = clock.now() + timedelta(minutes=15)
    reader.failure = RateLimited(reset)
    rt.readers = {"fake": reader}
    assert jobs.poll("fake").status == "rate_limited"
    assert _source(rt, "fake").rate_limited_until == reset
    reader.failure = None
    clock.advance(minutes=14)
    assert jobs.poll("fake").status == "waiting"
    clock.advance(minutes=2)
    assert jobs.poll("fake").status == "stored"


def test_paused_sources_are_not_polled(with_source: Runtime, clock: FrozenClock) -> None:
    rt = with_source
    rt.readers = {"fake": ListReader([record(external_id="1")])}
    jobs.poll("fake")
    with rt.sessions.begin() as session:
        session.scalars(select(Source).where(Source.name == "fake")).one().paused = True
    assert jobs.poll("fake").status == "paused"


def test_daily_budget_stops_polling(with_source: Runtime, clock: FrozenClock) -> None:
    rt = with_source
    rt.settings.sources[0].daily_request_budget = 2
    rt.readers = {"fake": ListReader([record(external_id=str(i)) for i in range(9)])}
    assert jobs.poll("fake").status == "stored"
    assert jobs.poll("fake").status == "stored"
    assert jobs.poll("fake").status == "over_budget"
    clock.advance(days=1)
    assert jobs.poll("fake").status == "stored"


def test_a_row_the_database_refuses_does_not_block_the_rest(
        with_source: Runtime, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """One item that breaks the INSERT (simulated: the database refuses it) is skipped."""
    from sqlalchemy.exc import DataError

    rt = with_source
    items = [record(f"post {i}", external_id=str(i)) for i in range(3)]
    rt.readers = {"fake": ListReader(items, page=3)}
    real_ingest = jobs.ingest

    def refuse_poison(session: Any, records: Any, **kwargs: Any) -> Any:
        if any(r.external_id == "1" for r in records):
            raise DataError("INSERT", {}, Exception("value out of range"))
        return real_ingest(session, records, **kwargs)

    monkeypatch.setattr(jobs, "ingest", refuse_poison)
    outcome = jobs.poll("fake")
    assert outcome.status == "stored"
    assert outcome.result.stored == 2 and outcome.result.rejected == [("1", "refused by the "
                                                                        "database")]
    assert _source(rt, "fake").cursor == 3  # the page is done: no poison pill for ever


def test_an_unexpected_storage_error_shows_in_health(
        with_source: Runtime, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    rt = with_source
    rt.readers = {"fake": ListReader([record(external_id="1")])}

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "ingest", broken)
    with pytest.raises(RuntimeError):
        jobs.poll("fake")
    row = _source(rt, "fake")
    assert row.last_error == "could not store: disk full" and row.cursor is None
    assert row.consecutive_failures == 1
    monkeypatch.setattr(jobs, "ingest", ingest)
    assert jobs.poll("fake").status == "stored"  # retried at the normal pace, not backed off
