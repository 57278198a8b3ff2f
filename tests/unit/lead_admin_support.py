"""Helpers for the lead/admin console tests: an app, staff of each role, hand-built mentions."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from earful.clock import now
from earful.models import Mention, User
from earful.runtime import Runtime
from web import create_app

_ids = itertools.count(1)
# One hashing round: these accounts never sign in through the form, and scrypt is slow.
CHEAP_HASH = generate_password_hash("unused-password", method="pbkdf2:sha256:1")


def make_app(rt: Runtime, csrf: bool = False) -> Flask:
    """The console with CSRF off (the CSRF tests turn it on)."""
    return create_app(rt=rt, config={"TESTING": True, "WTF_CSRF_ENABLED": csrf})


def add_user(session: Session, role: str = "agent", username: str | None = None,
             **fields: Any) -> User:
    """A staff row, flushed so it has an id."""
    name = username or f"{role}{next(_ids)}"
    user = User(username=name, display_name=fields.pop("display_name", name.title()),
                role=role, password_hash=CHEAP_HASH, **fields)
    session.add(user)
    session.flush()
    return user


def client_as(app: Flask, rt: Runtime, role: str | None) -> FlaskClient:
    """A test client signed in as a new user of `role` (None: anonymous)."""
    if role is None:
        return app.test_client()
    with rt.sessions.begin() as session:
        user = add_user(session, role)
        user_id = f"{user.id}:{user.session_version}"  # what web.auth.StaffUser.get_id gives
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as flask_session:
        # Flask-Login's "strong" protection wants the identifier of this client's requests too.
        flask_session.update(_user_id=user_id, _fresh=True, _id=identifier)
    return client


def mention(session: Session, *, created_at: datetime | None = None, platform: str = "x",
            **fields: Any) -> Mention:
    """A hand-built mention row with sensible defaults."""
    row = Mention(platform=platform, external_id=f"hand-{next(_ids)}",
                  created_at=created_at or now(), text=fields.pop("text", "hello"), **fields)
    session.add(row)
    session.flush()
    return row
