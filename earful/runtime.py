"""What a scheduled job needs to run: settings, the session factory and the classifier model.

The composition root (web/) builds one `Runtime` at start-up and installs it; jobs are plain
module-level functions with simple arguments (APScheduler stores references to them) and ask
for the runtime here. Nothing is built at import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from earful.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    model: Any = None  # a classifier.Model; typed loosely so the core never imports classifier
    extras: dict[str, Any] = field(default_factory=dict)  # e.g. adapters injected by tests


_current: Runtime | None = None


def install(runtime: Runtime | None) -> None:
    global _current
    _current = runtime


def current() -> Runtime:
    if _current is None:
        raise RuntimeError("no Earful runtime installed (start through the earful CLI or app)")
    return _current
