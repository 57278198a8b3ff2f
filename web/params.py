"""Every query, form and path parameter of the console is read here, so odd input is a 400 with a
plain message (or a 404 for an id no row can have), never a 500.

Why one module: `str.isdigit()` accepts "²" (which `int()` refuses) and "٣" (which it reads as 3),
SQLite integers stop at 2**63 - 1, and a date in year 9999 parses but overflows one day later.
Each of those was once a server error somewhere; here each is checked once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException, NotFound
from werkzeug.routing import BaseConverter

MAX_ID = 2**31 - 1  # ids are INTEGER columns: PostgreSQL's stop here (SQLite's at 2**63 - 1)
MAX_DIGITS = 19
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)  # far enough; no overflow a day later
MAX_TEXT = 2000


class BadParam(BadRequest):
    """A parameter that makes no sense; the message names it (shown on the 400 page)."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(description=f"{name}: {problem}")
        self.param = name


def _shown(value: str) -> str:
    """A short, printable echo of what was sent (it is escaped by the template)."""
    text = "".join(c if c.isprintable() else "?" for c in value[:24])
    return repr(text + ("..." if len(value) > 24 else ""))


def ascii_int(text: str, maximum: int = MAX_ID) -> int | None:
    """ASCII digits only, 0..maximum, else None (for values read from cookies and stored
    rows, where a bad one is ignored rather than answered with a 400)."""
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
        return None
    number = int(text)
    return number if number <= maximum else None


def int_arg(value: Any, *, name: str, minimum: int = 1, maximum: int = MAX_ID) -> int:
    """A whole number written with ASCII digits (and an optional leading minus) within bounds."""
    text = "" if value is None else str(value).strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits or not (digits.isascii() and digits.isdigit()) or len(digits) > MAX_DIGITS:
        raise BadParam(name, f"{_shown(text)} is not a whole number")
    number = int(text)
    if not minimum <= number <= maximum:
        raise BadParam(name, f"must be from {minimum} to {maximum}")
    return number


def optional_int(value: Any, *, name: str, minimum: int = 1,
                 maximum: int = MAX_ID) -> int | None:
    """Like int_arg, but empty or missing means None."""
    if value is None or str(value).strip() == "":
        return None
    return int_arg(value, name=name, minimum=minimum, maximum=maximum)


def id_list(values: Iterable[Any], *, name: str, limit: int) -> list[int]:
    """Row ids (each checked like int_arg), duplicates dropped, order kept; at most `limit`."""
    ids = list(dict.fromkeys(int_arg(v, name=name) for v in values if str(v).strip()))
    if len(ids) > limit:
        raise BadParam(name, f"at most {limit} at once")
    return ids


def date_arg(value: Any, *, name: str) -> date | None:
    """A calendar day written YYYY-MM-DD between 1970 and 2999; empty means None."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text) if text.isascii() and len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise BadParam(name, f"{_shown(text)} is not a date like 2026-01-31")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadParam(name, f"choose a date from {FIRST_DAY} to {LAST_DAY}")
    return day


def datetime_arg(value: Any, *, name: str) -> datetime | None:
    """A date and time (an HTML datetime-local value), read as UTC; empty means None."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text) if text.isascii() and len(text) <= 32 else None
    except ValueError:
        moment = None
    if moment is None:
        raise BadParam(name, f"{_shown(text)} is not a date and time")
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise BadParam(name, f"choose a date from {FIRST_DAY} to {LAST_DAY}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def choice(value: Any, choices: Collection[str], *, name: str, default: str | None = None) -> str:
    """One of `choices`; empty means `default` (when there is one)."""
    text = "" if value is None else str(value).strip()
    if not text and default is not None:
        return default
    if text not in choices:
        raise BadParam(name, f"must be one of {', '.join(sorted(choices)) or '(none)'}")
    return text


def text_arg(value: Any, *, name: str, maximum: int = MAX_TEXT) -> str:
    """Free text, stripped; refused (not silently cut) when longer than `maximum`."""
    text = "" if value is None else str(value).strip()
    if len(text) > maximum:
        raise BadParam(name, f"at most {maximum} characters")
    if "\x00" in text:
        raise BadParam(name, "contains a NUL character")
    return text


class IdConverter(BaseConverter):
    """`<id:name>` in a route: ASCII digits, 1 .. MAX_ID; anything else does not match (404).

    Werkzeug's `int` converter accepts any length (25 digits reach SQLite and overflow) and any
    Unicode decimal digit ("٣" is read as 3).
    """

    regex = r"[0-9]{1,19}"
    weight = 50

    def to_python(self, value: str) -> int:
        from werkzeug.routing import ValidationError

        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


def init_app(app: Flask) -> None:
    """Register the `id` converter (before any blueprint is registered) and the 400/404 pages."""
    app.url_map.converters["id"] = IdConverter
    for code in (400, 404):
        app.register_error_handler(code, error_page)


PUBLIC_PREFIXES = ("/status", "/csat")


def error_page(error: HTTPException) -> Any:
    """A small page that says what was wrong with the request (HTML, never a JSON dump)."""
    message = error.description or ""
    if isinstance(error, NotFound) and message == NotFound.description:
        message = "There is nothing at this address (it may have been deleted)."
    public = request.path.startswith(PUBLIC_PREFIXES)  # visitors: no staff links or layout
    return render_template("error.html", code=error.code, name=error.name, message=message,
                           public=public), error.code
