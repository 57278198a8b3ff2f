"""Shared test fixtures. No test may reach beyond 127.0.0.1: the guard below fails the suite."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from earful import runtime
from earful.clock import FrozenClock, use_clock
from earful.db import make_engine, session_factory
from earful.migrate import upgrade
from earful.runtime import Runtime
from earful.settings import Settings, load_settings
from tests.pg_server import PostgresMissing, ThrowawayPostgres

ROOT = Path(__file__).resolve().parent.parent
_blocked: list[str] = []
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_local(address: Any) -> bool:
    if isinstance(address, str | bytes):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback


def _guard(address: Any) -> None:
    if not _is_local(address):
        _blocked.append(repr(address))
        raise OSError(f"test tried to reach {address!r}: tests must stay on 127.0.0.1")


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    _guard(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    _guard(address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else host
    if name not in (None, "localhost") and not _is_local((name, 0)):
        _blocked.append(f"DNS lookup of {name!r}")
        raise OSError(f"test tried to resolve {name!r}: tests must stay on 127.0.0.1")
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo  # type: ignore[assignment]
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Even a test that swallowed the error fails the run: the attempt itself is the bug."""
    if _blocked:
        print("\nNETWORK GUARD: tests tried to leave 127.0.0.1:\n  " + "\n  ".join(_blocked))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    """A frozen clock installed for the test; advance it instead of sleeping."""
    with use_clock(FrozenClock()) as frozen:
        yield frozen  # type: ignore[misc]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The project's settings.toml, with the instance folder in a temporary directory."""
    return load_settings(ROOT / "settings.toml",
                         overrides={"app": {"instance_path": str(tmp_path / "instance")}})


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once; each SQLite test copies the file (faster than migrating per test)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


PG_TIMEZONE = "Pacific/Chatham"  # UTC+12:45, +13:45 in its summer


class PostgresDatabases:
    """One throwaway cluster per test session; databases made from a migrated template.

    `CREATE DATABASE ... TEMPLATE` copies the migrated schema in about 30 ms and
    `DROP DATABASE ... WITH (FORCE)` removes a test's database even if a connection leaked.
    A test's database is dropped when the next one is made: just after its engine closed, its
    server processes are still exiting, and DROP waits for them in steps of 100 ms.
    """

    TEMPLATE = "earful_template"

    def __init__(self, server: ThrowawayPostgres, admin: Engine) -> None:
        self.server = server
        self.admin = admin
        self.count = 0
        self.migrated = False
        self.finished: list[str] = []

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(sql)

    def create(self, migrated: bool = True) -> str:
        """A new database, migrated (from the template) or empty; returns its URL."""
        while self.finished:
            self._execute(f"DROP DATABASE IF EXISTS {self.finished.pop()} WITH (FORCE)")
        if migrated and not self.migrated:
            self._execute(f"CREATE DATABASE {self.TEMPLATE}")
            engine = make_engine(self.server.url(self.TEMPLATE))
            upgrade(engine)
            engine.dispose()  # a template with a connection open cannot be copied
            self.migrated = True
        self.count += 1
        name = f"test_{self.count}"
        template = self.TEMPLATE if migrated else "template0"
        # FILE_COPY (PostgreSQL 15+): copying the files costs a third of logging every page
        # (WAL_LOG, the default), and durability is off in this cluster anyway.
        strategy = " STRATEGY FILE_COPY" if self.admin.dialect.server_version_info >= (15,) \
            else ""
        self._execute(f"CREATE DATABASE {name} TEMPLATE {template}{strategy}")
        return self.server.url(name)

    def drop(self, url: str) -> None:
        """Done with this database: dropped before the next is made (the cluster goes at the
        end of the session with whatever is left)."""
        self.finished.append(url.rsplit("/", 1)[-1])


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    """The session's PostgreSQL cluster, started on first use (`-m "not postgres"` never does).

    Missing server binaries fail every PostgreSQL test with the reason: a skip would let a
    machine without PostgreSQL pass a suite that never ran there.
    """
    server = ThrowawayPostgres()
    missing = ""
    try:
        server.start()
    except PostgresMissing as error:
        missing = str(error)
    except BaseException:
        server.stop()
        raise
    if missing:
        server.stop()
        pytest.fail(missing, pytrace=False)
    admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT", pool_size=1)
    with admin.connect() as connection:
        # Servers run in their host's zone. Far from UTC (and with a date line between), an aware
        # datetime bound where a naive UTC one belongs shifts by hours, and a test notices.
        connection.exec_driver_sql(f"ALTER ROLE postgres SET timezone TO '{PG_TIMEZONE}'")
    try:
        yield PostgresDatabases(server, admin)
    finally:
        admin.dispose()
        server.stop()


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _fresh_database(request: pytest.FixtureRequest, folder: Path, template: Path | None,
                    ) -> Iterator[str]:
    """A database of the test's engine: migrated (template given) or empty; dropped after."""
    if request.param == "sqlite":
        path = folder / "test.db"
        if template is not None:
            shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    databases: PostgresDatabases = request.getfixturevalue("postgres")
    url = databases.create(migrated=template is not None)
    try:
        yield url
    finally:
        databases.drop(url)


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path,
                 migrated_template: Path) -> Iterator[str]:
    """A migrated database of its own for the test, once on SQLite and once on PostgreSQL."""
    yield from _fresh_database(request, tmp_path, migrated_template)


@pytest.fixture(params=ENGINES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no schema) on each engine, for the migration tests."""
    yield from _fresh_database(request, tmp_path, None)


@pytest.fixture
def rt(settings: Settings, database_url: str) -> Iterator[Runtime]:
    """A migrated database of the test's engine and the default classifier model."""
    from classifier import load_model

    engine = make_engine(database_url)
    current = Runtime(settings=settings, engine=engine, sessions=session_factory(engine),
                      model=_model(load_model))
    runtime.install(current)
    yield current
    runtime.install(None)
    engine.dispose()


_MODEL: Any = None


def _model(load: Any) -> Any:
    """Load the classifier once per test session (it is read-only)."""
    global _MODEL
    if _MODEL is None:
        _MODEL = load()
    return _MODEL


@pytest.fixture
def session(rt: Runtime) -> Iterator[Session]:
    with rt.sessions() as db_session:
        yield db_session
