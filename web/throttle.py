"""Failed sign-ins counted per client address, in a sliding window read from the replaceable clock.

Kept in process memory, not in the database: a guessing run from one address must not turn
into a stream of write transactions, and the per-account lockout (in the database, shared by
every process) already holds each account. With several console processes each counts on its
own, so an address gets at most N times the limit; the window and limit are [console] settings.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from threading import Lock

from earful.clock import now

MAX_ADDRESSES = 10_000  # bounded memory: the stalest address is forgotten first


class AddressThrottle:
    """Counts failures per address; `blocked` once `limit` fall within `window`."""

    def __init__(self, limit: int, window: timedelta) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = Lock()

    def _recent(self, address: str, at: datetime) -> deque[datetime]:
        times = self._failures.get(address, deque())
        while times and times[0] <= at - self.window:
            times.popleft()
        return times

    def blocked(self, address: str) -> bool:
        with self._lock:
            return len(self._recent(address, now())) >= self.limit

    def failed(self, address: str) -> bool:
        """Record a failure; return True when this one reached the limit."""
        at = now()
        with self._lock:
            times = self._recent(address, at)
            times.append(at)
            self._failures.pop(address, None)
            self._failures[address] = times  # most recent last, for the eviction below
            while len(self._failures) > MAX_ADDRESSES:
                del self._failures[next(iter(self._failures))]
            return len(times) == self.limit
