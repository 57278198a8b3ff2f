"""One database session per request, on `g`, closed on teardown (as in Flask's tutorial)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from werkzeug.exceptions import ServiceUnavailable

from earful.db import take_write_lock, write_lock_busy
from earful.runtime import Runtime
from web.params import error_page


def get_runtime() -> Runtime:
    return current_app.config["EARFUL_RUNTIME"]  # type: ignore[no-any-return]


def get_db() -> Session:
    """The request's session; a POST (a change) takes the write lock (one writer at a time, on
    either engine) when its view first uses the session."""
    if "db" not in g:
        g.db = get_runtime().sessions()
        if request.method not in ("GET", "HEAD"):
            take_write_lock(g.db)
    return g.db  # type: ignore[no-any-return]


def close_db(_error: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def _busy_page(error: OperationalError) -> Any:
    """A change that waited out the busy timeout is a 503 the agent can retry, not a 500."""
    if not write_lock_busy(error):
        raise error
    session = g.get("db")
    if session is not None:
        session.rollback()  # the page's own reads (the health banner) need a live transaction
    busy = ServiceUnavailable("The database is busy saving other changes; nothing was saved. "
                              "Try again in a moment.")
    response, code = error_page(busy)
    return response, code, {"Retry-After": "2"}


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
    app.register_error_handler(OperationalError, _busy_page)
