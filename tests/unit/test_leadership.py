"""Scheduler leadership: one holder, standbys wait, a dead holder's lock is released, and a
holder that loses its lock stops at once. On SQLite (file lock) and PostgreSQL (advisory lock).

The loop is driven by a fake `wait` (no sleeping); the locks are real: a file lock in the
temporary folder, an advisory lock on the session's throwaway PostgreSQL cluster, and the
holder's death is a real process killed with SIGKILL.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from earful.leadership import (
    AdvisoryLock,
    FileLock,
    Leadership,
    Timing,
    lock_file,
    lock_for,
)
from earful.settings import Settings
from earful.worker_status import worker_status

ROOT = Path(__file__).resolve().parents[2]


class Waits:
    """A fake `wait`: records each wait; `stop_after` waits it answers "stop"."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.seconds: list[float] = []
        self.stop_after = stop_after

    def __call__(self, seconds: float) -> bool:
        self.seconds.append(seconds)
        return self.stop_after is not None and len(self.seconds) >= self.stop_after


class ScriptedLock:
    """A lock that is free after `busy` tries and then held for `held_checks` checks."""

    def __init__(self, busy: int = 0, held_checks: int = 1000, fence: float = 0.0) -> None:
        self.busy, self.held_checks, self.fence = busy, held_checks, fence
        self.tries = self.checks = 0
        self.released = False

    def try_acquire(self) -> bool:
        self.tries += 1
        return self.tries > self.busy

    def held(self) -> bool:
        self.checks += 1
        return self.checks <= self.held_checks

    def release(self) -> None:
        self.released = True


def _wait_until(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """Wait on a real process (the only real-time wait here), bounded."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


# --- timing --------------------------------------------------------------------------------


@pytest.mark.parametrize("delay", [10, 30, 120])
def test_every_path_to_a_takeover_fits_in_the_delay(delay: int) -> None:
    timing = Timing(delay)
    idle, interval, count = timing.keepalive()
    dead_process = timing.retry + timing.fence  # the server sees the socket close at once
    dead_machine = idle + interval * count + dead_process
    assert dead_process <= 0.4 * delay + 1e-9
    assert dead_machine <= delay
    # A holder cut off from the database notices (a check interval, then its timeout) before
    # the server lets the lock go: it never overlaps the next holder.
    assert timing.check_interval + timing.check_timeout < idle + interval * count


# --- the loop ------------------------------------------------------------------------------


def test_a_standby_waits_then_takes_over_after_the_fence(caplog: pytest.LogCaptureFixture
                                                         ) -> None:
    lock, waits = ScriptedLock(busy=3, fence=9.0), Waits()
    caplog.set_level(logging.INFO, "earful.leadership")
    assert Leadership(lock, Timing(30), wait=waits).acquire()
    assert waits.seconds == [3.0, 3.0, 3.0, 9.0]  # retries every D/10, then the fence
    messages = [r.getMessage() for r in caplog.records]
    assert sum("standby" in m for m in messages) == 1  # said once, not at every retry
    assert any("took over" in m for m in messages)


def test_the_first_worker_starts_without_waiting(caplog: pytest.LogCaptureFixture) -> None:
    waits = Waits()
    caplog.set_level(logging.INFO, "earful.leadership")
    assert Leadership(ScriptedLock(), Timing(30), wait=waits).acquire()
    assert waits.seconds == []
    assert not any("standby" in r.getMessage() for r in caplog.records)


def test_a_standby_asked_to_stop_stops() -> None:
    assert not Leadership(ScriptedLock(busy=10**6), Timing(30), wait=Waits(stop_after=2)
                          ).acquire()


def test_the_active_stops_at_the_first_check_it_cannot_pass() -> None:
    lock = ScriptedLock(held_checks=4)
    assert not Leadership(lock, Timing(30), wait=Waits()).watch()
    assert lock.checks == 5


def test_the_active_keeps_watching_until_asked_to_stop() -> None:
    assert Leadership(ScriptedLock(), Timing(30), wait=Waits(stop_after=7)).watch()


def test_a_check_without_an_answer_counts_as_lost() -> None:
    """A dead link may never answer: the check has a deadline (D/10, here 50 ms)."""
    release = threading.Event()

    class Hanging(ScriptedLock):
        def held(self) -> bool:
            release.wait(10)
            return True

    leadership = Leadership(Hanging(), Timing(0.5), wait=Waits())
    try:
        assert not leadership.still_held()
    finally:
        release.set()
        leadership.close()


def test_a_check_that_raises_counts_as_lost() -> None:
    class Broken(ScriptedLock):
        def held(self) -> bool:
            raise OSError("connection reset")

    assert not Leadership(Broken(), Timing(30), wait=Waits()).still_held()


# --- SQLite: a file lock beside the database -----------------------------------------------


@pytest.fixture
def sqlite_settings(settings: Settings, tmp_path: Path) -> Settings:
    settings.database.url = f"sqlite:///{tmp_path / 'db' / 'earful.db'}"
    return settings


def test_the_file_lock_sits_beside_the_database(sqlite_settings: Settings,
                                                tmp_path: Path) -> None:
    assert lock_file(sqlite_settings) == tmp_path / "db" / "earful.db.scheduler-lock"
    assert isinstance(lock_for(sqlite_settings), FileLock)


def test_one_file_lock_holder_at_a_time(sqlite_settings: Settings) -> None:
    first, second = lock_for(sqlite_settings, "a:1"), lock_for(sqlite_settings, "b:2")
    engine = create_engine(sqlite_settings.database_url)
    try:
        assert worker_status(engine, sqlite_settings).active is None
        assert first.try_acquire() and first.held()
        assert not second.try_acquire()
        assert worker_status(engine, sqlite_settings).active == "a:1"
        first.release()
        assert second.try_acquire()
        assert worker_status(engine, sqlite_settings).active == "b:2"
        second.release()
    finally:
        engine.dispose()


def test_a_replaced_lock_file_is_a_lost_lock(sqlite_settings: Settings) -> None:
    lock = lock_for(sqlite_settings, "a:1")
    assert lock.try_acquire()
    path = lock_file(sqlite_settings)
    path.unlink()
    path.write_text("")  # another worker could lock this new file now
    assert not lock.held()
    lock.release()


HOLD = """
import sys, time
from earful.leadership import FileLock, AdvisoryLock, Timing
from pathlib import Path
kind, where = sys.argv[1], sys.argv[2]
if kind == "file":
    lock = FileLock(Path(where), "child:1")
else:
    lock = AdvisoryLock(where, Timing(3), "child:1")
assert lock.try_acquire()
print("holding", flush=True)
time.sleep(60)
"""


@pytest.fixture
def holder() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes that take a lock and hold it until killed."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        process.kill()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def _hold_in_child(started: list[subprocess.Popen[str]], kind: str, where: str
                   ) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", HOLD, kind, where], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    started.append(process)
    assert process.stdout is not None and process.stdout.readline().strip() == "holding"
    return process


def test_a_killed_holders_file_lock_is_free_at_once(sqlite_settings: Settings,
                                                    holder: list[subprocess.Popen[str]]
                                                    ) -> None:
    child = _hold_in_child(holder, "file", str(lock_file(sqlite_settings)))
    standby = lock_for(sqlite_settings, "standby:2")
    assert not standby.try_acquire()
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    assert standby.try_acquire()  # no waiting: the kernel released it with the process
    standby.release()


# --- PostgreSQL: an advisory lock on a dedicated connection --------------------------------


@pytest.fixture
def pg_url(postgres) -> Iterator[str]:  # type: ignore[no-untyped-def]
    url = postgres.create(migrated=False)
    try:
        yield url
    finally:
        postgres.drop(url)


@pytest.fixture
def pg_settings(settings: Settings, pg_url: str) -> Settings:
    settings.database.url = pg_url
    settings.worker.takeover_delay_seconds = 30
    return settings


@pytest.mark.postgres
def test_one_advisory_lock_holder_at_a_time(pg_settings: Settings) -> None:
    first, second = lock_for(pg_settings, "a:1"), lock_for(pg_settings, "b:2")
    assert isinstance(first, AdvisoryLock)
    engine = create_engine(pg_settings.database_url)
    try:
        assert first.try_acquire() and first.held()
        assert not second.try_acquire() and not second.held()
        status = worker_status(engine, pg_settings)
        assert status.active == "a:1" and status.standbys == ("b:2",)
        first.release()
        assert second.try_acquire()
        assert worker_status(engine, pg_settings).active == "b:2"
    finally:
        first.release()
        second.release()
        engine.dispose()


@pytest.mark.postgres
def test_the_lock_connection_drops_a_silent_peer_within_the_delay(pg_settings: Settings
                                                                  ) -> None:
    """The server-side keepalive of the lock's session is set from the takeover delay, so a
    dead machine's lock is released in time (the server's default follows the OS: hours)."""
    lock = lock_for(pg_settings, "a:1")
    assert isinstance(lock, AdvisoryLock) and lock.try_acquire()
    try:
        connection = lock._connection
        assert connection is not None
        shown = [int(connection.exec_driver_sql(f"SHOW {name}").scalar() or 0)
                 for name in ("tcp_keepalives_idle", "tcp_keepalives_interval",
                              "tcp_keepalives_count")]
        assert shown == list(Timing(30).keepalive())  # (6, 3, 4): 18 s
        # autocommit: no transaction stays open on the lock's session
        assert connection.connection.dbapi_connection.autocommit is True  # type: ignore[union-attr]
    finally:
        lock.release()


@pytest.mark.postgres
def test_a_killed_holders_advisory_lock_is_released(pg_settings: Settings,
                                                    holder: list[subprocess.Popen[str]]
                                                    ) -> None:
    child = _hold_in_child(holder, "advisory", pg_settings.database_url)
    standby = lock_for(pg_settings, "standby:2")
    try:
        assert not standby.try_acquire()
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        _wait_until(standby.try_acquire)  # as soon as the server sees the socket close
        assert standby.held()
    finally:
        standby.release()


@pytest.mark.postgres
def test_the_active_stops_when_its_session_is_gone(pg_settings: Settings) -> None:
    """A database restart or an administrator ends the holder's session: it notices at its
    next check and stops, while a standby takes the lock."""
    active, standby = lock_for(pg_settings, "a:1"), lock_for(pg_settings, "b:2")
    admin = create_engine(pg_settings.database_url, isolation_level="AUTOCOMMIT")
    try:
        leadership = Leadership(active, Timing(30), wait=Waits())
        assert leadership.acquire() and leadership.still_held()
        with admin.connect() as connection:
            ended = connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'earful worker a:1'")).scalars().all()
        assert ended == [True]
        assert not leadership.watch()
        assert standby.try_acquire()
    finally:
        active.release()
        standby.release()
        admin.dispose()


def test_a_standby_retries_through_a_database_it_cannot_reach() -> None:
    lock = AdvisoryLock("postgresql+psycopg://postgres@127.0.0.1:9/nowhere", Timing(10), "a:1")
    assert not lock.try_acquire()  # refused: logged and retried, never raised
    assert not lock.held()


@pytest.mark.postgres
def test_each_database_has_its_own_scheduler(postgres, pg_settings: Settings  # type: ignore[no-untyped-def]
                                             ) -> None:
    """Advisory locks belong to their database: two Earfuls on one cluster never block each
    other, and neither console reports the other's worker."""
    other_url = postgres.create(migrated=False)
    other = Settings()
    other.database.url = other_url
    here, there = lock_for(pg_settings, "here:1"), lock_for(other, "there:2")
    engines = [create_engine(url) for url in (pg_settings.database_url, other_url)]
    try:
        assert here.try_acquire()
        assert worker_status(engines[1], other).active is None
        assert there.try_acquire()
        assert [worker_status(e, s).active for e, s in zip(engines, (pg_settings, other),
                                                          strict=True)] == ["here:1", "there:2"]
    finally:
        here.release()
        there.release()
        for engine in engines:
            engine.dispose()
        postgres.drop(other_url)
