"""A consistent copy of a live SQLite database, taken while the console and the jobs run.

Copying the file (or the file and its -wal) while someone writes can produce a torn copy.
SQLite's online backup API reads the database under one read transaction: in WAL mode that is a
snapshot of the last commit, and writers carry on meanwhile. The copy is written to a temporary
file beside the target, switched to a plain rollback journal (one self-contained file), checked,
and renamed into place, so PATH is either the old file or a whole new copy, never half of one.
PostgreSQL has its own tool for this (`pg_dump`, see docs/deployment.md).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from earful.work.errors import WorkflowError

POSTGRES_ADVICE = ("This database is PostgreSQL: back it up with pg_dump (for example "
                   "`pg_dump -Fc -f earful.dump \"$DATABASE_URL\"`) and restore with pg_restore; "
                   "see docs/deployment.md.")


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size_bytes: int
    mentions: int


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL; a clear refusal for anything else."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        raise WorkflowError(POSTGRES_ADVICE)
    if parsed.get_backend_name() != "sqlite":
        raise WorkflowError(f"earful backup copies SQLite databases; this one is "
                            f"{parsed.get_backend_name()} (use its own backup tool).")
    if not parsed.database or parsed.database == ":memory:":
        raise WorkflowError("An in-memory database has nothing to back up.")
    return Path(parsed.database)


def backup_sqlite(source: Path, target: Path, *, force: bool = False,
                  busy_timeout_s: float = 30.0) -> BackupReport:
    """Copy the live database `source` to `target` with SQLite's online backup API."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise WorkflowError(f"No database at {source}.")
    if target.exists() and target.resolve() == source.resolve():
        raise WorkflowError("The backup would overwrite the live database; choose another path.")
    if target.exists() and not force:
        raise WorkflowError(f"{target} exists; add --force to replace it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        mentions = _copy(source, temp, busy_timeout_s)
        _fsync(temp)
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return BackupReport(path=target, size_bytes=target.stat().st_size, mentions=mentions)


def _copy(source: Path, temp: Path, busy_timeout_s: float) -> int:
    """Back up into `temp`, make it one self-contained file, check it; return its mentions."""
    # Opened read-write (it only reads): a read-only open of a WAL database fails when its -shm
    # file is missing or not writable by us.
    src = sqlite3.connect(source, timeout=busy_timeout_s)
    dst = sqlite3.connect(temp, timeout=busy_timeout_s)
    try:
        # pages=-1: the whole database in one step, i.e. one read snapshot. Stepping in small
        # chunks would restart every time another connection commits.
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=DELETE")
        check = dst.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise WorkflowError(f"The copy failed its integrity check: {check}")
        return _count_mentions(dst)
    finally:
        dst.close()
        src.close()


def _count_mentions(connection: sqlite3.Connection) -> int:
    try:
        row = connection.execute("SELECT count(*) FROM mentions").fetchone()
    except sqlite3.OperationalError:  # not migrated yet: still a valid copy
        return 0
    return int(row[0])


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
