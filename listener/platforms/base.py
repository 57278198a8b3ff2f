"""What every platform adapter offers, and the project's own errors for what goes wrong.

One module per platform serves both reading (the listener) and posting (the responder). Adapters
return the project's own dataclasses, never library objects, and turn library errors into
`RateLimited` / `PlatformError`.
"""

from __future__ import annotations

import os
import re
import socket
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from earful.clock import now
from earful.settings import AccountSettings, Settings, SourceSettings
from listener.records import MentionRecord


class PlatformError(Exception):
    """A platform call failed. `retryable` errors (5xx, network) are retried with backoff."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class AuthError(PlatformError):
    """Credentials were refused or expired: retrying will not help until someone fixes them."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


class RateLimited(PlatformError):
    """The platform asked us to wait until `reset_at` (UTC)."""

    def __init__(self, reset_at: datetime, message: str = "rate limited") -> None:
        super().__init__(f"{message} until {reset_at.isoformat()}", retryable=True)
        self.reset_at = reset_at


# The shared vocabulary of what went wrong with a post or a lookup. The responder decides from
# the type (never from a message): a definite refusal fails the reply, a transient error is
# retried only after asking the platform whether the post went out after all.

class TargetGone(PlatformError):
    """The post replied to (or looked up) does not exist: deleted, removed, or never visible."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


class TextRefused(PlatformError):
    """The platform refused the text itself: `reason` is "too_long", "duplicate" or "invalid"."""

    def __init__(self, message: str, reason: str = "invalid") -> None:
        super().__init__(message, retryable=False)
        self.reason = reason


class NotAllowed(PlatformError):
    """The account may not do this (blocked, locked thread, missing permission, suspended)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


class Transient(PlatformError):
    """A 5xx, a timeout or a dropped connection. After a write it is uncertain whether the
    platform accepted it, so the sender asks `find_own_post` before trying again."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=True)


def read_credentials(names: Mapping[str, str], who: str, *, required: Iterable[str] = (),
                     hint: str = "") -> dict[str, str]:
    """Credential name -> value, read from the environment variables that settings name.

    One rule for every platform: each entry of `credentials` names an environment variable that
    must be set (an entry naming an unset variable is a configuration mistake, never skipped),
    and every name in `required` must be there.
    """
    required = list(required)
    missing = [name for name in required if name not in names]
    if not names or missing:
        wanted = hint or ", ".join(missing or required) or "none named"
        raise AuthError(f"{who}: no credentials configured ({wanted}): set credentials.<name> "
                        "to the name of an environment variable holding the secret")
    values = {}
    for name, variable in names.items():
        value = os.environ.get(variable) if variable else None
        if not value:
            raise AuthError(f"{who}: credential {name}: environment variable "
                            f"{variable or '(none named)'} is not set")
        values[name] = value
    return values


@dataclass(frozen=True)
class FetchResult:
    """One poll's worth of mentions and the cursor that covers exactly them.

    When the platform rate-limits part-way through pagination, the adapter returns what it got
    with a cursor that resumes from there and `rate_limited_until` set.
    """

    records: list[MentionRecord]
    cursor: Any
    requests: int = 1
    rate_limited_until: datetime | None = None
    skipped: list[str] = field(default_factory=list)  # malformed items, logged and left out


class StopStreams(Exception):
    """Raised inside a multi-stream poll: read no further streams this poll (rate limited);
    `state` is the cursor that resumes the interrupted stream."""

    def __init__(self, reset_at: datetime, state: dict[str, Any]) -> None:
        super().__init__(reset_at.isoformat())
        self.reset_at, self.state = reset_at, state


@dataclass
class PollProgress:
    """What one poll has gathered so far across its streams and pages."""

    records: dict[str, MentionRecord] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    requests: int = 0


@dataclass(frozen=True)
class PostRef:
    platform: str
    external_id: str
    url: str = ""


class Reader(Protocol):
    def fetch_mentions(self, source: SourceSettings, cursor: Any) -> FetchResult: ...

    def get_post(self, external_id: str) -> MentionRecord | None:
        """Re-fetch a post; None when it was deleted."""
        ...


class Publisher(Protocol):
    def post(self, account: AccountSettings, text: str, reply_to: str | None = None, *,
             idempotency_key: str | None = None) -> PostRef:
        """Publish `text` (a reply to `reply_to` when given).

        Raises `TextRefused(reason="too_long")` before any request when the platform would
        count the text over its limit, `TargetGone` when `reply_to` no longer exists, and
        otherwise only the errors above. `idempotency_key` is sent where the platform honours one
        (Mastodon) and ignored elsewhere.
        """
        ...

    def find_own_post(self, account: AccountSettings, reply_to: str | None,
                      text: str) -> PostRef | None:
        """Has this account already posted this text (in reply to `reply_to`)? For exactly-once."""
        ...


class Adapter(Reader, Publisher, Protocol):
    platform: str


# -- the first poll's window -------------------------------------------------------------------

DEFAULT_FIRST_POLL = timedelta(hours=24)


def first_poll_start(window: timedelta, platform_limit: timedelta | None = None) -> datetime:
    """Where a new stream's first poll starts reading: `window` back, at most what the platform
    still serves (`platform_limit`, e.g. X recent search's 7 days)."""
    if platform_limit is not None:
        window = min(window, platform_limit)
    return now() - window


def first_poll_window(settings: Settings) -> timedelta:
    """`[listener] first_poll_hours` as a timedelta."""
    return timedelta(hours=settings.listener.first_poll_hours)


# -- errors in plain words ---------------------------------------------------------------------

_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "connection refused"),
    (ConnectionResetError, "connection reset"),
    (ConnectionAbortedError, "connection aborted"),
    (socket.gaierror, "host name not found"),
    (TimeoutError, "timed out"),
    (ssl.SSLError, "TLS error"),
)
_NOISE = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>:?\s*|\[Errno -?\d+\]\s*")


def describe_error(exc: BaseException) -> str:
    """One line of plain words for a failed request: "cannot reach https://host/path:
    connection refused" for network failures (not urllib3's chain), the message otherwise."""
    chain = _chain(exc)
    reason = _network_reason(chain)
    if reason is not None:
        url = next((u for u in map(_url_of, chain) if u), "")
        return _one_line(f"cannot reach {url}: {reason}" if url else f"network error: {reason}")
    # A database driver's own words ("database is locked"), not SQLAlchemy's wrapper of them,
    # which appends the statement and its parameters: a stranger's text in a health line.
    text = next((str(e) for e in chain if str(e).strip()
                 and not isinstance(getattr(e, "orig", None), BaseException)),
                type(exc).__name__)
    return _one_line(_NOISE.sub("", text))


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and every exception it wraps (causes, contexts, wrapped originals)."""
    found: list[BaseException] = []
    todo: list[Any] = [exc]
    while todo and len(found) < 20:
        item = todo.pop(0)
        if not isinstance(item, BaseException) or any(item is seen for seen in found):
            continue
        found.append(item)
        todo += [getattr(item, "original_exception", None), getattr(item, "reason", None),
                 getattr(item, "orig", None), *item.args, item.__cause__, item.__context__]
    return found


def _network_reason(chain: list[BaseException]) -> str | None:
    for exc in reversed(chain):  # the innermost cause says it best
        for kind, words in _REASONS:
            if isinstance(exc, kind):
                detail = getattr(exc, "reason", None) if kind is ssl.SSLError else None
                return f"{words} ({detail})" if isinstance(detail, str) and detail else words
    names = " ".join(type(e).__name__ for e in chain)
    if "Timeout" in names:
        return "timed out"
    if "RemoteDisconnected" in names or "RemoteProtocolError" in names:
        return "the server closed the connection without answering"
    if "ConnectError" in names or "ConnectionError" in names or "NewConnectionError" in names:
        return "cannot connect"
    return None


def _url_of(exc: BaseException) -> str:
    """The address a failed request went to, without its query string."""
    url: Any = None
    try:
        request = getattr(exc, "request", None)  # requests and httpx (httpx may raise here)
    except RuntimeError:
        request = None
    if request is not None:
        url = getattr(request, "url", None)
    pool = getattr(exc, "pool", None)  # urllib3's MaxRetryError
    if url is None and pool is not None and isinstance(getattr(exc, "url", None), str):
        url = f"{pool.scheme}://{pool.host}:{pool.port}{exc.url}"  # type: ignore[attr-defined]
    args = getattr(exc, "request_args", None)  # prawcore's RequestException
    if url is None and isinstance(args, tuple) and len(args) > 1:
        url = args[1]
    return str(url).split("?", 1)[0] if url else ""


def _one_line(text: str, limit: int = 500) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
