"""Building the runtime (settings, database, model) once, for the app, the CLI and the scheduler."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.orm import Session

from classifier import Model, load_model
from earful import runtime
from earful.db import engine_from_settings, session_factory, writing
from earful.runtime import Runtime
from earful.settings import Settings, load_settings

log = logging.getLogger(__name__)


def build_runtime(settings: Settings | None = None, *, with_model: bool = True) -> Runtime:
    """Connect to the database and (optionally) load the classifier; install it for jobs."""
    settings = settings or load_settings()
    engine = engine_from_settings(settings)
    rt = Runtime(settings=settings, engine=engine, sessions=session_factory(engine))
    if with_model:
        ensure_model(rt)
    runtime.install(rt)
    return rt


def ensure_model(rt: Runtime) -> Runtime:
    """Load the model on first use (commands that don't classify never pay for it)."""
    if rt.model is None:
        rt.model = model_from_settings(rt.settings)
    return rt


def model_from_settings(settings: Settings) -> Model:
    """The classifier a deployment runs: the team's adapted model, else the shipped one."""
    config = settings.classifier
    model_dir = config.model_dir or str(settings.instance_dir / "models")
    return load_model(config.languages, config.mode, Path(model_dir),
                      high_reach=config.high_reach_followers)


@contextlib.contextmanager
def session_scope() -> Iterator[Session]:
    """A committed-or-rolled-back session on the installed runtime (for CLI commands)."""
    with writing(runtime.current().sessions) as session:
        yield session


def secret_key(settings: Settings) -> str:
    """The session-signing key: from the named environment variable, else kept in instance/."""
    from_env = os.environ.get(settings.app.secret_key_env, "")
    if from_env:
        return from_env
    path = settings.instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
