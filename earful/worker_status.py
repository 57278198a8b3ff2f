"""Which `earful worker` runs the scheduler and which wait, for the console's Sources page.

Read from the lock itself (earful/leadership.py), so it cannot disagree with it: `pg_locks` on
PostgreSQL, the lock file on SQLite.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text

from earful.leadership import APPLICATION_NAME, LOCK_KEY, lock_file
from earful.settings import Settings


@dataclass(frozen=True)
class WorkerStatus:
    active: str | None  # host:pid of the worker running the scheduler, None: none
    standbys: tuple[str, ...] = ()


def worker_status(engine: Engine, settings: Settings) -> WorkerStatus:
    """Which worker runs the scheduler (and, on PostgreSQL, which wait): cheap enough for a page."""
    if engine.dialect.name != "postgresql":
        return WorkerStatus(_file_holder(lock_file(settings)))
    prefix = f"{APPLICATION_NAME} "
    with engine.connect() as connection:
        # pg_locks is visible to every role; another role's application_name may not be.
        holder = connection.execute(text(
            "SELECT coalesce(a.application_name, ''), l.pid FROM pg_locks l"
            " LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = 0"
            " AND l.objid::bigint = :key AND l.objsubid = 1 AND l.database ="
            " (SELECT oid FROM pg_database WHERE datname = current_database())"),
            {"key": LOCK_KEY}).first()
        waiting = connection.execute(text(
            "SELECT application_name FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name LIKE :name AND pid <> :holder ORDER BY backend_start"),
            {"name": f"{prefix}%", "holder": holder[1] if holder else 0}).scalars().all()
    active = None
    if holder is not None:
        name, pid = holder
        active = name.removeprefix(prefix) if name.startswith(prefix) else f"server pid {pid}"
    return WorkerStatus(active, tuple(str(name).removeprefix(prefix) for name in waiting))


def _file_holder(path: Path) -> str | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:  # held: the holder wrote its name
            return os.read(fd, 200).decode(errors="replace") or "unknown"
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
