"""A replaceable clock: polling, backoff, SLA and spike windows never wait in real time.

Code asks `earful.clock.now()` for the time; tests swap it with `use_clock(FrozenClock(...))`.
All times are timezone-aware UTC.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float = 0, **kwargs: float) -> datetime:
        """Move forward by `seconds` (and/or timedelta keyword arguments); return the new time."""
        with self._lock:
            self._now += timedelta(seconds=seconds, **kwargs)
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when


_current: Clock = SystemClock()


def now() -> datetime:
    """The current time from the current clock."""
    return _current.now()


def current() -> Clock:
    return _current


def set_clock(clock: Clock) -> None:
    global _current
    _current = clock


@contextlib.contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Run a block with another clock, restoring the previous one afterwards."""
    previous = _current
    set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime as UTC; convert an aware one to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
