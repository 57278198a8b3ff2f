"""The one way every part reaches its services: settings, sessions, the model, the SLA policy
and the platform adapters.

The composition root (web/) builds one `Runtime` at start-up and installs it; jobs are plain
module-level functions with simple arguments (APScheduler stores references to them) and ask
for the runtime here; the console reaches the same object through its app. Nothing is built at
import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from earful.settings import Settings
from earful.sla import SlaPolicy


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    model: Any = None  # a classifier.Model; typed loosely so the core never imports classifier
    # Ready adapters that replace the ones built from settings (tests pass clients built against
    # local fake servers): readers by source name, publishers by platform name.
    readers: dict[str, Any] = field(default_factory=dict)
    publishers: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def sla(self) -> SlaPolicy:
        """The SLA policy, built once (an iCalendar file of holidays is read once)."""
        return SlaPolicy.from_settings(self.settings)


_current: Runtime | None = None


def install(runtime: Runtime | None) -> None:
    global _current
    _current = runtime


def current() -> Runtime:
    if _current is None:
        raise RuntimeError("no Earful runtime installed (start through the earful CLI or app)")
    return _current
