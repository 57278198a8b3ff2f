"""Helpers shared by the console's inbox, conversation and composer tests (not a test module)."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from earful import runtime
from earful.clock import now
from earful.db import make_engine, session_factory
from earful.models import Author, Mention, User
from earful.runtime import Runtime
from earful.settings import AccountSettings, Settings
from earful.vocab import URGENCY_RANK
from web import create_app
from web.users import create_user

PASSWORD = "correct horse battery"
_ids = itertools.count(1)


@contextlib.contextmanager
def console_runtime(settings: Settings, database_url: str) -> Iterator[Runtime]:
    """The test's migrated database (`database_url`: SQLite and PostgreSQL) and no classifier:
    the console never classifies, so its tests do not wait for (or break with) whichever model
    the classifier stage ships."""
    # The brand answers on every platform (a test about a missing account removes them).
    settings.accounts = [AccountSettings(platform=p, handle="LumenMobile")
                         for p in ("x", "reddit", "mastodon", "bluesky")]
    engine = make_engine(database_url)
    current = Runtime(settings=settings, engine=engine, sessions=session_factory(engine))
    runtime.install(current)
    try:
        yield current
    finally:
        runtime.install(None)
        engine.dispose()


def make_app(rt: Runtime, csrf: bool = False) -> Flask:
    """The console on the test database; CSRF off unless a test is about CSRF."""
    return create_app(rt=rt, config={"TESTING": True, "WTF_CSRF_ENABLED": csrf})


def add_user(session: Session, username: str, role: str = "agent", **fields: Any) -> User:
    user = create_user(session, username, PASSWORD, role=role,
                       display_name=fields.pop("display_name", username.title()))
    for key, value in fields.items():
        setattr(user, key, value)
    session.commit()
    return user


def login(client: FlaskClient, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.data


def add_author(session: Session, handle: str = "ana", **fields: Any) -> Author:
    author = Author(platform=fields.pop("platform", "x"), external_id=f"u-{handle}-{next(_ids)}",
                    handle=handle, display_name=fields.pop("display_name", handle.title()),
                    followers=fields.pop("followers", 10), **fields)
    session.add(author)
    session.flush()
    return author


def add_mention(session: Session, text: str = "my bill is wrong @LumenMobile", *,
                author: Author | None = None, urgency: str = "normal",
                created_at: datetime | None = None, due_in: timedelta | None = timedelta(hours=2),
                **fields: Any) -> Mention:
    """A stored, classified mention (default: an open-work complaint with an SLA due time)."""
    created = created_at or now() - timedelta(minutes=5)
    values: dict[str, Any] = {
        "platform": "x", "external_id": f"t{next(_ids)}", "text": text, "lang": "en",
        "created_at": created, "author_id": author.id if author else None,
        "sentiment": "negative", "complaint": True, "urgency": urgency,
        "urgency_rank": URGENCY_RANK[urgency], "status": "new",
        "sla_due_at": created + due_in if due_in is not None else None,
        "classifier_version": "test", "reasons": ["mentions a bill"],
    }
    values.update(fields)
    mention = Mention(**values)
    session.add(mention)
    session.commit()
    return mention
