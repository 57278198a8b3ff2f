"""One database session per request, on `g`, closed on teardown (as in Flask's tutorial)."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from earful.db import take_write_lock
from earful.runtime import Runtime


def get_runtime() -> Runtime:
    return current_app.config["EARFUL_RUNTIME"]  # type: ignore[no-any-return]


def get_db() -> Session:
    """The request's session; a POST (a change) takes SQLite's write lock up front."""
    if "db" not in g:
        g.db = get_runtime().sessions()
        if request.method not in ("GET", "HEAD"):
            take_write_lock(g.db)
    return g.db  # type: ignore[no-any-return]


def close_db(_error: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
