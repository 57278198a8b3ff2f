"""Leadership for the scheduler: exactly one `earful worker` runs the jobs, the others wait.

An APScheduler 3 job store must never be shared by two processes (every job would run twice),
so each worker builds its own in-memory job table and only the one holding the scheduler lock
runs it. Any other worker is a hot standby: settings read, model loaded, retrying the lock.

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) taken on a dedicated
  connection, opened outside the pool, in autocommit. PostgreSQL releases it when that session
  ends: at once when the holder's process dies (its kernel closes the socket), and within the
  session's server-side TCP keepalive (set here from the takeover delay) when the holder's
  machine dies or is cut off.
- SQLite (one machine): an exclusive `flock` on a file beside the database, which the kernel
  releases when the holder's process dies.

Timing, from `[worker] takeover_delay_seconds` (D):
- a standby tries the lock every D/10;
- the active worker proves it still holds the lock every D/10; a check that fails, or has no
  answer within D/10, means the lock may be gone, and it stops at once (the caller restarts the
  process, which cuts running jobs as a crash would: every job survives that by design);
- on PostgreSQL a new holder waits 3D/10 (one check interval and two timeouts) before its
  first job: the longest a holder that lost its lock without dying (a database restart, a cut
  connection) goes on before it notices.
So a dead process is replaced within 4D/10; a dead machine within the keepalive's 6D/10 more.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import math
import os
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as CheckTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from earful.settings import Settings

log = logging.getLogger(__name__)

# One scheduler per database: advisory locks are scoped to the database they are taken in.
LOCK_KEY = 0x45415246  # "EARF"
APPLICATION_NAME = "earful worker"


def worker_name() -> str:
    """How this process shows up to the other workers and the console: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Timing:
    """Every interval of the protocol, derived from the takeover delay (see the module doc)."""

    takeover_delay: float

    @property
    def retry(self) -> float:
        return self.takeover_delay / 10

    @property
    def check_interval(self) -> float:
        return self.takeover_delay / 10

    @property
    def check_timeout(self) -> float:
        return self.takeover_delay / 10

    @property
    def fence(self) -> float:
        """How long a holder that lost its lock can still be running jobs before it notices."""
        return self.check_interval + 2 * self.check_timeout

    def keepalive(self) -> tuple[int, int, int]:
        """TCP keepalive (idle, interval, count), whole seconds: a silent peer is dropped
        within 6D/10 of its last packet (at least 2 s: the settings have a 1 s resolution)."""
        budget = 0.6 * self.takeover_delay
        idle = max(1, int(budget / 3))
        interval = max(1, int(budget / 6))
        return idle, interval, max(1, int((budget - idle) // interval))


class SchedulerLock(Protocol):
    """The lock only one worker holds. `fence`: seconds a new holder waits before its first job."""

    fence: float

    def try_acquire(self) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...


class AdvisoryLock:
    """`pg_try_advisory_lock` on a dedicated autocommit connection (PostgreSQL)."""

    def __init__(self, url: str, timing: Timing, name: str, key: int = LOCK_KEY) -> None:
        self.url, self.timing, self.name, self.key = url, timing, name, key
        self.fence = timing.fence
        self._engine: Engine | None = None
        self._connection: Connection | None = None

    def _connect(self) -> Connection:
        idle, interval, count = self.timing.keepalive()
        timeout_ms = max(1, int(self.timing.check_timeout * 1000))
        # libpq's own keepalive and tcp_user_timeout make this side notice a dead link too; a
        # pool is wrong here: the lock lives exactly as long as this one session.
        self._engine = create_engine(self.url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                                     connect_args={
                                         "application_name": f"{APPLICATION_NAME} {self.name}",
                                         "connect_timeout": max(2, math.ceil(
                                             self.timing.takeover_delay / 5)),
                                         "keepalives": 1, "keepalives_idle": idle,
                                         "keepalives_interval": interval,
                                         "keepalives_count": count,
                                         "tcp_user_timeout": timeout_ms})
        connection = self._engine.connect()
        try:
            # The server side decides when the lock is released: it must drop a silent holder
            # within the takeover delay (PostgreSQL's default follows the OS: about two hours).
            for setting, value in (("tcp_keepalives_idle", idle),
                                   ("tcp_keepalives_interval", interval),
                                   ("tcp_keepalives_count", count),
                                   ("statement_timeout", timeout_ms)):
                connection.exec_driver_sql(f"SET {setting} = {int(value)}")
        except BaseException:
            connection.close()
            raise
        return connection

    def try_acquire(self) -> bool:
        try:
            if self._connection is None:
                self._connection = self._connect()
            return bool(self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                                 {"key": self.key}).scalar())
        except DBAPIError as exc:
            log.warning("scheduler lock: cannot reach the database (%s); retrying",
                        str(exc.orig).strip().splitlines()[0] if exc.orig else exc)
            self.release()
            return False

    def held(self) -> bool:
        """Whether this session holds the lock now (False, not an error, when it is gone)."""
        if self._connection is None:
            return False
        try:
            return bool(self._connection.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND classid::bigint = 0"
                " AND objid::bigint = :key AND objsubid = 1"), {"key": self.key}).scalar())
        except DBAPIError:
            return False

    def release(self) -> None:
        """Ending the session releases the lock (and leaves nothing half-done behind)."""
        connection, engine = self._connection, self._engine
        self._connection = self._engine = None
        with contextlib.suppress(Exception):
            if connection is not None:
                # Unlock before closing: the server ends a closed session's backend a moment
                # later, and until then the lock would still look held to a standby.
                connection.execute(text("SELECT pg_advisory_unlock_all()"))
        with contextlib.suppress(Exception):
            if connection is not None:
                connection.close()
        if engine is not None:
            engine.dispose()


class FileLock:
    """An exclusive `flock` on a file beside the SQLite database (one machine)."""

    fence = 0.0  # the kernel drops the lock only with the process: a holder never loses it

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, self.name.encode())  # for the console's status line
        self._fd = fd
        return True

    def held(self) -> bool:
        """Still ours: a lock file deleted or replaced would let another worker lock a new one."""
        if self._fd is None:
            return False
        try:
            mine, there = os.fstat(self._fd), os.stat(self.path)
        except OSError:
            return False
        return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def lock_file(settings: Settings) -> Path:
    """The SQLite database's lock file: beside it (in the instance folder for `:memory:`)."""
    url = settings.database_url
    path = url.split("///", 1)[-1] if "///" in url else ""
    if not path or path == ":memory:" or path.startswith("file:"):
        return settings.instance_dir / "earful.db.scheduler-lock"
    return Path(path).with_name(Path(path).name + ".scheduler-lock")


def lock_for(settings: Settings, name: str | None = None) -> SchedulerLock:
    """The scheduler lock for the configured database."""
    timing = Timing(settings.worker.takeover_delay_seconds)
    name = name or worker_name()
    url = settings.database_url
    if url.startswith("sqlite"):
        return FileLock(lock_file(settings), name)
    return AdvisoryLock(url, timing, name)


def _sleep(seconds: float) -> bool:
    time.sleep(seconds)
    return False


class Leadership:
    """Waiting for the lock, then proving it is still held; `wait(s)` is True when stopping."""

    def __init__(self, lock: SchedulerLock, timing: Timing,
                 wait: Callable[[float], bool] = _sleep) -> None:
        self.lock, self.timing, self.wait = lock, timing, wait
        self._checker = ThreadPoolExecutor(1, thread_name_prefix="scheduler-lock")

    def acquire(self) -> bool:
        """Block until this worker holds the lock and may start jobs (False: asked to stop)."""
        waited = False
        while not self.lock.try_acquire():
            if not waited:
                log.warning("standby: another worker runs the scheduler; this one takes over "
                            "within %g s of it stopping", self.timing.takeover_delay)
                waited = True
            if self.wait(self.timing.retry):
                return False
        log.warning("%s the scheduler lock", "took over" if waited else "holding")
        if self.lock.fence:
            log.info("first jobs in %g s (a previous holder that lost the lock stops by then)",
                     self.lock.fence)
            if self.wait(self.lock.fence):
                return False
        return True

    def watch(self) -> bool:
        """Prove the lock is held every check interval: False as soon as it may be lost,
        True when asked to stop."""
        while not self.wait(self.timing.check_interval):
            if not self.still_held():
                log.error("lost the scheduler lock (or could not prove it within %g s): "
                          "stopping the scheduler at once", self.timing.check_timeout)
                return False
        return True

    def still_held(self) -> bool:
        """One check with a deadline: a check that hangs (a dead link) counts as lost."""
        future = self._checker.submit(self.lock.held)
        try:
            return future.result(timeout=self.timing.check_timeout)
        except CheckTimeout:
            return False
        except Exception:  # noqa: BLE001 - any failure to prove it is a loss
            log.exception("scheduler lock check failed")
            return False

    def close(self) -> None:
        self.lock.release()
        self._checker.shutdown(wait=False)
