"""Mastodon through Mastodon.py: mentions (notifications), hashtag timelines and search; posting.

Settings: `base_url` is the instance (required: Mastodon has no single public service) and
`credentials = { access_token = "ENV_VAR" }` names the variable holding the account's token.

Cursor: one entry per stream ("notifications", "tag:<name>", "search:<query>") holding the newest
id seen. Notifications and hashtag timelines are walked forwards with `min_id` (each page is the
next-older-first slice above the mark), so the mark only ever moves over items this poll returns
and a 429 part-way keeps everything fetched so far. Search results come newest first; their mark
moves only when a walk reached it, and insert-or-ignore absorbs what a retried walk fetches again.

The first poll of a stream (no mark yet) walks backwards with `max_id` from the newest item down
to the start of `[listener] first_poll_hours` (Mastodon itself sets no limit: whatever the
instance still lists), following every page. A walk cut short (the page cap, a 429) keeps its
place under "backfill" in the cursor (window start, oldest id read, newest id) and the next poll
resumes it; once it reaches the window's start the stream's mark becomes the newest id.
"""

from __future__ import annotations

import copy
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from earful.clock import now
from earful.settings import AccountSettings, Settings, SourceSettings
from listener.html_text import html_to_text
from listener.platforms import lengths
from listener.platforms.base import (
    DEFAULT_FIRST_POLL,
    AuthError,
    FetchResult,
    NotAllowed,
    PlatformError,
    PostRef,
    RateLimited,
    TargetGone,
    TextRefused,
    Transient,
    describe_error,
    first_poll_start,
    first_poll_window,
    read_credentials,
)
from listener.records import AuthorRecord, MentionRecord

log = logging.getLogger(__name__)
PLATFORM = "mastodon"
PAGE_LIMIT = 40  # the most Mastodon returns per page of statuses
MAX_PAGES = 50  # per stream and poll: bounds one poll; the rest waits for the next one
DEFAULT_RATE_WINDOW = timedelta(minutes=5)  # Mastodon's limits reset every five minutes
Page = list[Mapping[str, Any]]


def id_key(value: Any) -> tuple[int, str]:
    """Sort key for Mastodon ids: opaque strings ordered by length, then lexically (per docs)."""
    text = str(value)
    return (len(text), text)


class MastodonAdapter:
    """Reads mentions from, and posts to, one Mastodon account through Mastodon.py."""

    platform = PLATFORM

    def __init__(self, client: Mastodon, first_poll: timedelta = DEFAULT_FIRST_POLL) -> None:
        self.client = client
        self.first_poll = first_poll
        # The library would otherwise sleep until the reset, possibly for longer than the poll
        # interval; the job reschedules the source instead.
        client.ratelimit_method = "throw"
        self._last_headers: Mapping[str, str] = {}
        self._own_id: str | None = None
        self.requests = 0
        client.session.hooks["response"].append(self._remember_response)

    # ----------------------------------------------------------------- construction

    @classmethod
    def from_settings(cls, source: SourceSettings, settings: Settings) -> MastodonAdapter:
        """An adapter for a [[sources]] entry: instance URL and token variable from settings."""
        return cls(build_client(source.base_url, source.credentials, what=f"source {source.name}"),
                   first_poll=first_poll_window(settings))

    @classmethod
    def from_account(cls, account: AccountSettings, settings: Settings) -> MastodonAdapter:
        """An adapter for posting as one of the brand's [[accounts]]."""
        return cls(build_client(account.base_url, account.credentials,
                                what=f"account {account.handle}"))

    # ----------------------------------------------------------------- reading

    def fetch_mentions(self, source: SourceSettings, cursor: Any) -> FetchResult:
        """New statuses of every configured stream, with per-stream marks covering exactly them."""
        marks: dict[str, Any] = copy.deepcopy(cursor) if isinstance(cursor, dict) else {}
        self.requests = 0
        pages: list[Page] = []
        rate_limited: RateLimited | None = None
        own_id = self._guard(self.own_account_id)
        try:
            for key, walk in self._streams(source):
                walk(key, marks, pages)
        except RateLimited as exc:
            if not pages:
                raise
            rate_limited = exc  # keep what was fetched; the marks resume from there
        records, skipped = self._normalise(pages, own_id)
        return FetchResult(records=records, cursor=marks, requests=max(1, self.requests),
                           rate_limited_until=rate_limited.reset_at if rate_limited else None,
                           skipped=skipped)

    def _streams(self, source: SourceSettings) -> Iterable[tuple[str, Callable[..., None]]]:
        if source.mentions:
            yield "notifications", self._walk_notifications
        for tag in source.hashtags:
            yield f"tag:{tag.lstrip('#')}", self._walk_hashtag
        for query in source.queries:
            yield f"search:{query}", self._walk_search

    def _walk_notifications(self, key: str, marks: dict[str, Any], pages: list[Page]) -> None:
        def fetch(**kw: Any) -> Any:
            return self.client.notifications(types=["mention"], limit=PAGE_LIMIT, **kw)

        for page in self._walk_forward(fetch, key, marks):
            pages.append([n["status"] for n in page
                          if _get(n, "type") == "mention" and isinstance(_get(n, "status"), dict)])

    def _walk_hashtag(self, key: str, marks: dict[str, Any], pages: list[Page]) -> None:
        tag = key.split(":", 1)[1]

        def fetch(**kw: Any) -> Any:
            return self.client.timeline_hashtag(tag, limit=PAGE_LIMIT, **kw)

        for page in self._walk_forward(fetch, key, marks):
            pages.append(page)

    def _walk_forward(self, fetch: Callable[..., Any], key: str,
                      marks: dict[str, Any]) -> Iterable[Page]:
        """Pages above the stream's mark, oldest first; the mark follows each page yielded."""
        mark = marks.get(key)
        if mark is None:
            yield from self._walk_back(lambda **kw: _items(self._call(fetch, **kw)), key, marks)
            return
        for _ in range(MAX_PAGES):
            page = _items(self._call(fetch, min_id=mark) if mark else self._call(fetch))
            ids = [str(_get(item, "id")) for item in page if _get(item, "id") is not None]
            newest = max(ids, key=id_key) if ids else None
            if newest is None or (mark is not None and id_key(newest) <= id_key(mark)):
                return  # nothing above the mark (or a server ignoring min_id: do not loop)
            yield page
            # Moved only once the caller holds the page: a 429 on the next request keeps it.
            marks[key] = mark = newest

    def _walk_back(self, fetch: Callable[..., Page], key: str,
                   marks: dict[str, Any]) -> Iterable[Page]:
        """A new stream's first walk: newest first down to the window's start, every page; the
        walk's place is kept under marks["backfill"] after each page the caller holds."""
        walks: dict[str, Any] = marks.setdefault("backfill", {})
        walk = dict(walks.get(key) or {"start": first_poll_start(self.first_poll).isoformat()})
        start = _datetime(walk["start"])
        for _ in range(MAX_PAGES):
            page = fetch(**({"max_id": walk["before"]} if walk.get("before") else {}))
            ids = [str(_get(item, "id")) for item in page if _get(item, "id") is not None]
            if not ids:
                break
            recent = [item for item in page if not _older(item, start)]
            yield recent
            walk.update(before=min(ids, key=id_key), top=walk.get("top") or max(ids, key=id_key))
            walks[key] = dict(walk)
            if len(recent) < len(page):
                break  # reached the window's start
        else:
            return  # the page cap: the next poll resumes from walk["before"]
        walks.pop(key, None)
        if not walks:
            marks.pop("backfill", None)
        if walk.get("top"):
            marks[key] = walk["top"]

    def _walk_search(self, key: str, marks: dict[str, Any], pages: list[Page]) -> None:
        query = key.split(":", 1)[1]
        mark = marks.get(key)
        if mark is None:
            def fetch(**kw: Any) -> Page:
                return _items(_get(self._call(self.client.search_v2, query,
                                              result_type="statuses", resolve=False,
                                              limit=PAGE_LIMIT, **kw), "statuses"))
            pages.extend(self._walk_back(fetch, key, marks))
            return
        newest = mark
        for number in range(MAX_PAGES):
            result = self._call(self.client.search_v2, query, result_type="statuses",
                                resolve=False, min_id=mark, offset=number * PAGE_LIMIT,
                                limit=PAGE_LIMIT)
            page = [s for s in _items(_get(result, "statuses"))
                    if _get(s, "id") is not None
                    and (mark is None or id_key(_get(s, "id")) > id_key(mark))]
            pages.append(page)
            for status in page:
                if newest is None or id_key(_get(status, "id")) > id_key(newest):
                    newest = str(_get(status, "id"))
            if not page:
                break
        if newest is not None:
            marks[key] = newest  # reached only when the walk finished

    # ----------------------------------------------------------------- normalising

    def _normalise(self, pages: list[Page], own_id: str | None
                   ) -> tuple[list[MentionRecord], list[str]]:
        records: list[MentionRecord] = []
        skipped: list[str] = []
        for page in pages:
            for status in page:
                try:
                    records.append(status_record(status, own_id))
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    ident = str(_get(status, "id", "?"))[:80] if isinstance(status, dict) else "?"
                    log.warning("mastodon: skipping malformed status %s: %r", ident, exc)
                    skipped.append(f"{ident}: {exc!r}"[:300])
        return records, skipped

    def get_post(self, external_id: str) -> MentionRecord | None:
        """Re-fetch a status; None when it was deleted (404/410)."""
        try:
            status = self._guard(self.client.status, external_id)
        except TargetGone:
            return None
        try:
            return status_record(status, self._guard(self.own_account_id))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PlatformError(f"Mastodon: status {external_id} is malformed: {exc!r}",
                                retryable=False) from exc

    # ----------------------------------------------------------------- posting

    def post(self, account: AccountSettings, text: str, reply_to: str | None = None, *,
             idempotency_key: str | None = None) -> PostRef:
        """Publish a status (a reply when `reply_to` is a status id)."""
        refused = lengths.too_long(PLATFORM, text)
        if refused:
            raise TextRefused(f"Mastodon: {refused}", reason="too_long")
        # Mastodon keeps idempotency keys for an hour: a retried request cannot post twice.
        # Without the sender's key, one derived from what is posted does the same.
        key = idempotency_key or hashlib.sha256(
            f"{account.handle}\n{reply_to}\n{text}".encode()).hexdigest()
        status = self._guard(self.client.status_post, text, in_reply_to_id=reply_to,
                             idempotency_key=key, writing=True)
        if not isinstance(status, dict) or _get(status, "id") is None:
            raise Transient(f"Mastodon: unexpected answer to a new status: {status!r:.200}")
        return PostRef(PLATFORM, str(status["id"]), str(_get(status, "url") or ""))

    def find_own_post(self, account: AccountSettings, reply_to: str | None,
                      text: str) -> PostRef | None:
        """Our status with this text (replying to `reply_to`), if one was already published."""
        own_id = self._guard(self.own_account_id)
        candidates: Page = []
        if reply_to:
            try:
                context = self._guard(self.client.status_context, reply_to)
                candidates = _items(_get(context, "descendants"))
            except TargetGone:
                pass  # deleted since: our reply may still be there, among our own statuses
        if not reply_to or not candidates:
            candidates = _items(self._guard(self.client.account_statuses, own_id,
                                            exclude_reblogs=True, limit=PAGE_LIMIT))
        wanted = _comparable(text)
        for status in candidates:
            account_id = str(_get(_get(status, "account") or {}, "id"))
            parent = _get(status, "in_reply_to_id")
            if (account_id == own_id and (reply_to is None or str(parent) == str(reply_to))
                    and _comparable(html_to_text(_get(status, "content"))) == wanted):
                return PostRef(PLATFORM, str(status["id"]), str(_get(status, "url") or ""))
        return None

    # ----------------------------------------------------------------- plumbing

    def own_account_id(self) -> str:
        """The id of the account the token belongs to (cached: one request per adapter)."""
        if self._own_id is None:
            self._own_id = str(self._call(self.client.account_verify_credentials)["id"])
        return self._own_id

    def _remember_response(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        # Mastodon.py's errors carry no headers; the rate-limit reset is read from here.
        self._last_headers = response.headers

    def _call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self.requests += 1
        return self._guard(function, *args, **kwargs)

    def _guard(self, function: Callable[..., Any], *args: Any, writing: bool = False,
               **kwargs: Any) -> Any:
        """Call Mastodon.py, turning its errors into the project's own."""
        try:
            return function(*args, **kwargs)
        except MastodonRatelimitError as exc:
            raise RateLimited(self._reset_at(), "Mastodon rate limit") from exc
        except MastodonUnauthorizedError as exc:
            raise AuthError(f"Mastodon refused the access token: {_describe(exc)}") from exc
        except MastodonServerError as exc:
            raise Transient(f"Mastodon unavailable: {_describe(exc)}") from exc
        except MastodonNetworkError as exc:  # describe_error reads the wrapped requests error
            raise Transient(f"Mastodon unavailable: {describe_error(exc)}") from exc
        except MastodonNotFoundError as exc:
            # Replying to a deleted or invisible status is a 404 too ("The status you are
            # trying to reply to does not appear to exist").
            raise TargetGone(f"Mastodon: not found: {_describe(exc)}") from exc
        except MastodonAPIError as exc:
            raise _api_error(exc, writing) from exc
        except MastodonError as exc:
            raise Transient(f"Mastodon error: {_describe(exc)}") from exc

    def _reset_at(self) -> datetime:
        """When the rate limit resets: X-RateLimit-Reset of the last answer, within reason."""
        moment = now()
        value = self._last_headers.get("X-RateLimit-Reset", "")
        try:
            reset = datetime.fromisoformat(value.replace("Z", "+00:00"))
            reset = reset if reset.tzinfo else reset.replace(tzinfo=UTC)
        except ValueError:
            try:
                reset = datetime.fromtimestamp(int(value), tz=UTC)  # GoToSocial: epoch seconds
            except (ValueError, OverflowError, OSError):
                return moment + DEFAULT_RATE_WINDOW
        # A skewed server clock must neither make us hammer it nor go silent for hours.
        return min(max(reset, moment + timedelta(seconds=1)), moment + timedelta(hours=1))


def build_client(base_url: str, credentials: Mapping[str, str], what: str) -> Mastodon:
    """A Mastodon.py client for an instance, the token read from the named variable."""
    if not base_url:
        raise PlatformError(f"{what}: Mastodon needs base_url (the instance, e.g. "
                            "https://mastodon.social): there is no single default", retryable=False)
    token = read_credentials(credentials, f"Mastodon {what}", required=["access_token"])[
        "access_token"]
    return Mastodon(access_token=token, api_base_url=base_url.rstrip("/"),
                    ratelimit_method="throw", request_timeout=30)


def status_record(status: Mapping[str, Any], own_id: str | None) -> MentionRecord:
    """A Mastodon status as the project's record; the HTML content becomes plain text."""
    if _get(status, "reblog"):
        raise ValueError("a boost, not a post")
    account = _get(status, "account") or {}
    author = None
    account_id = _opaque_id(_get(account, "id")) if isinstance(account, dict) else None
    if account_id is not None:
        author = AuthorRecord(
            external_id=account_id, handle=str(_get(account, "acct") or ""),
            display_name=str(_get(account, "display_name") or ""),
            followers=_get(account, "followers_count"), verified=False)
    text = html_to_text(_get(status, "content"))
    warning = html_to_text(_get(status, "spoiler_text"))
    if warning:
        text = f"CW: {warning}\n\n{text}"
    status_id = _opaque_id(status["id"])
    if status_id is None:
        raise ValueError(f"not a status id: {status['id']!r:.60}")
    parent = _opaque_id(_get(status, "in_reply_to_id"))
    return MentionRecord(
        platform=PLATFORM, external_id=status_id, text=text,
        created_at=_datetime(status["created_at"]),
        url=str(_get(status, "url") or _get(status, "uri") or ""),
        author=author,
        # The REST API names no thread root: a top-level status starts its own conversation,
        # replies are threaded through their parent.
        conversation_id=None if parent is not None else status_id,
        parent_external_id=parent,
        lang=_get(status, "language"),
        raw={"uri": str(_get(status, "uri") or ""), "visibility": _get(status, "visibility")},
        is_own=own_id is not None and author is not None and author.external_id == own_id,
    )


def _opaque_id(value: Any) -> str | None:
    """A Mastodon id: an opaque string (Mastodon.py's are a str subclass) or a whole number;
    None for anything else, so a missing id is never stored as the post "None"."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    if isinstance(value, int) and value < 0:
        return None
    text = str(value).strip()
    return text or None


def _datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _older(item: Any, start: datetime) -> bool:
    """Was this status or notification created before `start`? (Undated: no.)"""
    try:
        return _datetime(_get(item, "created_at")) < start
    except (TypeError, ValueError):
        return False


def _get(item: Any, key: str, default: Any = None) -> Any:
    return item.get(key, default) if isinstance(item, dict) else default


def _items(value: Any) -> Page:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _comparable(text: str) -> str:
    return " ".join(text.split())


def _api_error(exc: MastodonAPIError, writing: bool) -> PlatformError:
    """A 4xx (or an unreadable answer) from Mastodon as the project's error type."""
    code, message = _status(exc), f"Mastodon error: {_describe(exc)}"
    words = message.lower()
    if code is None:  # no HTTP error: a 2xx whose body was not JSON (a proxy's page)
        return Transient(message)
    if code == 410:
        return TargetGone(message)
    if code == 403:
        if writing and "authorized scopes" not in words:
            return NotAllowed(message)  # suspended, blocked, a reply not allowed
        return AuthError(f"Mastodon refused the request: {_describe(exc)}")
    if code == 422 and writing:  # "Validation failed: Text character limit of 500 exceeded"
        too_long = "character limit" in words or "too long" in words
        return TextRefused(message, reason="too_long" if too_long else "invalid")
    if code in (408, 409, 425):
        return Transient(message)
    # Other 4xx mean the request itself is wrong: retrying it unchanged will not help.
    return PlatformError(message, retryable=False)


def _status(exc: MastodonError) -> int | None:
    code = exc.args[1] if len(exc.args) > 1 else None
    return code if isinstance(code, int) else None


def _describe(exc: Exception) -> str:
    return " ".join(str(part) for part in exc.args if part is not None)[:500] or type(exc).__name__

