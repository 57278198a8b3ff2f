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
from sqlalchemy.orm import Session

from earful import runtime
from earful.clock import FrozenClock, use_clock
from earful.db import make_engine, session_factory
from earful.migrate import upgrade
from earful.runtime import Runtime
from earful.settings import Settings, load_settings

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
    """Migrate once; each test copies the file (faster than migrating per test)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def rt(settings: Settings, tmp_path: Path, migrated_template: Path) -> Iterator[Runtime]:
    """A migrated SQLite database in tmp_path and the default classifier model."""
    from classifier import load_model

    database = tmp_path / "test.db"
    shutil.copyfile(migrated_template, database)
    engine = make_engine(f"sqlite:///{database}")
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
