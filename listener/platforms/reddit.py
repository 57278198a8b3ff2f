"""Reddit through praw: keyword search, the brand's own subreddits, username mentions, posting.

Reddit listings are newest first and page towards older items with `after`; nothing like since_id
is reliable (`before` breaks when its anchor is deleted, and search indexes late). So each stream's
cursor is a creation time plus the fullnames seen near it: a poll reads down to that time minus an
overlap, skips fullnames already seen, and moves the time only when it reached the floor. A poll
cut short (a 429, a spent request allowance, the page cap) stores what it read and the `after`
fullname to resume from.

Listings are read as raw JSON through `praw.Reddit.request`: praw's models fetch lazily when an
attribute is missing, so one malformed item would cost a network call per field; raw dicts let us
skip it. We keep only the Reddit username of an author: Reddit's API terms forbid linking Reddit
users to identities elsewhere.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import praw
import prawcore
from praw.exceptions import PRAWException, RedditAPIException
from requests import Response

from earful.clock import now
from earful.settings import AccountSettings, Settings, SourceSettings
from listener.platforms import lengths
from listener.platforms.base import (
    DEFAULT_FIRST_POLL,
    AuthError,
    FetchResult,
    NotAllowed,
    PlatformError,
    PollProgress,
    PostRef,
    RateLimited,
    StopStreams,
    TargetGone,
    TextRefused,
    Transient,
    describe_error,
    first_poll_start,
    first_poll_window,
    read_credentials,
)
from listener.records import (
    EARLIEST,
    FUTURE_SLACK,
    AuthorRecord,
    InvalidRecord,
    MentionRecord,
    clean_text,
)

log = logging.getLogger(__name__)

PLATFORM = "reddit"
SITE = "https://www.reddit.com"
PAGE_SIZE = 100  # Reddit's maximum listing size
MAX_PAGES_PER_STREAM = 10
OVERLAP_SECONDS = 15 * 60  # search indexes late: look back this far below the cursor
# The first poll reads back `[listener] first_poll_hours`, at most a week: search is asked for
# t=week, and the other listings hold about the newest 1,000 items anyway.
HISTORY_LIMIT = timedelta(days=7)
MAX_SEEN = 5000
REQUEST_RESERVE = 5  # stop paging before prawcore would sleep out the whole window
FIND_OWN_PAGES = 3
GONE = ("[deleted]", "[removed]")
RAW_FIELDS = ("subreddit", "score", "num_comments", "link_title", "over_18", "type",
              "is_self", "stickied", "distinguished", "url", "domain", "author")
DELETED_AUTHOR = "[deleted]"  # how Reddit shows a post whose author deleted their account
# Entities in Reddit's markdown (the rich-text editor writes "&amp;", "&#x200B;"): only complete
# ones ending in ";", so a person's "R&D" or "&copy" stays as typed.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_THREAD = re.compile(r"/comments/([0-9a-z]+)/")
_FULLNAME = re.compile(r"t[13]_[0-9a-z]{1,20}")  # kind, then a base-36 id (never "t3_None")
USER_AGENT = "python:earful:0.1 (by /u/{handle})"  # the form Reddit's API rules ask for
CREDENTIALS_HINT = "client_id, client_secret, ..."
WRITE_PATHS = ("/api/comment", "/api/submit")  # never re-sent by prawcore (see _Requestor)
# Reddit's refusals of a comment or submission (the error codes in its JSON answer).
GONE_ERRORS = {"DELETED_COMMENT", "DELETED_LINK", "DELETED_THING", "INVALID_THING_ID",
               "NO_THING_ID", "NOT_FOUND"}
NOT_ALLOWED_ERRORS = {"THREAD_LOCKED", "TOO_OLD", "SUBREDDIT_NOTALLOWED", "USER_BLOCKED",
                      "SUBREDDIT_NOTALLOWED_BANNED", "BANNED_FROM_SUBREDDIT", "COMMENTS_LOCKED",
                      "NOT_WHITELISTED_BY_USER_MESSAGE"}
TEXT_ERRORS = {"TOO_LONG": "too_long", "NO_TEXT": "invalid", "BAD_STRING": "invalid",
               "NO_SELFS": "invalid", "NO_TEXT_POSTS": "invalid"}
_MINUTES = re.compile(r"(\d+)\s*(minute|second)")


@dataclass
class RateLimitHeaders:
    """The last x-ratelimit-* headers Reddit sent (prawcore keeps no reset time we can read)."""

    remaining: float | None = None
    reset_seconds: int | None = None

    def update(self, response: Response) -> None:
        """Remember the allowance left and when it resets."""
        try:
            if "x-ratelimit-remaining" in response.headers:
                self.remaining = float(response.headers["x-ratelimit-remaining"])
                self.reset_seconds = int(float(response.headers.get("x-ratelimit-reset", 0)))
        except ValueError:
            pass


class UncertainWrite(Exception):
    """A comment or submission got no answer (5xx, dropped connection, timeout): Reddit may
    have created it. Raised instead of letting prawcore re-send it."""


class _Requestor(prawcore.Requestor):
    """prawcore's requestor, noting rate-limit headers for the adapter.

    prawcore re-sends a request after a connection error or a 5xx, POSTs included; for a
    comment that answer can come after Reddit created it, and the re-send posts it twice. A write
    therefore fails at once with `UncertainWrite` (not one of the errors prawcore retries), and
    the responder asks `find_own_post` before trying again.
    """

    def __init__(self, *args: Any, limits: RateLimitHeaders, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits

    def request(self, *args: Any, timeout: float | None = None, **kwargs: Any) -> Response:
        write = _is_write(*args[:2])
        try:
            response = super().request(*args, timeout=timeout, **kwargs)
        except prawcore.RequestException as exc:
            if write and isinstance(exc.original_exception, prawcore.Session.RETRY_EXCEPTIONS):
                raise prawcore.RequestException(UncertainWrite(str(exc.original_exception)),
                                                args, kwargs) from exc
            raise
        self.limits.update(response)
        if write and response.status_code in prawcore.Session.RETRY_STATUSES:
            raise prawcore.RequestException(
                UncertainWrite(f"{response.status_code} {response.reason}"), args, kwargs)
        return response


def _is_write(method: Any = "", url: Any = "") -> bool:
    path = urlsplit(str(url)).path.rstrip("/")
    return str(method).upper() == "POST" and path.endswith(WRITE_PATHS)


def make_reddit(credentials: Mapping[str, str], base_url: str = "", user_agent: str = ""
                ) -> tuple[praw.Reddit, RateLimitHeaders]:
    """A praw client (script app, refresh token or app-only) and its rate-limit headers."""
    limits = RateLimitHeaders()
    urls = {"reddit_url": base_url, "oauth_url": base_url, "short_url": base_url} \
        if base_url else {}
    options = {name: credentials[name] for name in
               ("client_id", "client_secret", "username", "password", "refresh_token")
               if credentials.get(name)}
    reddit = praw.Reddit(
        user_agent=user_agent or USER_AGENT.format(handle=credentials.get("username", "")),
        check_for_updates=False,  # else praw asks PyPI for a newer version at start-up
        # praw would sleep out a short RATELIMIT refusal and post again inside the request;
        # the responder reschedules instead (RateLimited), so no worker is held waiting.
        ratelimit_seconds=0,
        requestor_class=_Requestor, requestor_kwargs={"limits": limits},
        **urls, **options)
    return reddit, limits


def _build(credentials: Mapping[str, str], base_url: str, handle: str
           ) -> tuple[praw.Reddit, RateLimitHeaders]:
    try:
        return make_reddit(credentials, base_url, USER_AGENT.format(handle=_username(handle)))
    except PRAWException as exc:  # e.g. no client_id: a configuration problem
        raise AuthError(f"reddit: cannot build the client: {exc}") from exc


def _own_handles(settings: Settings, *extra: str) -> set[str]:
    handles = {a.handle for a in settings.accounts if a.platform == PLATFORM}
    return {_username(h) for h in (*handles, *extra) if h}


def _username(handle: str) -> str:
    handle = handle.strip().lstrip("/")
    return (handle[2:] if handle.lower().startswith("u/") else handle).lower()


class RedditAdapter:
    """Reads and posts on Reddit through a ready `praw.Reddit` (see `make_reddit`)."""

    platform = PLATFORM

    def __init__(self, reddit: praw.Reddit, *, limits: RateLimitHeaders | None = None,
                 own_handles: Iterable[str] = (),
                 first_poll: timedelta = DEFAULT_FIRST_POLL) -> None:
        self.reddit = reddit
        self.first_poll = first_poll
        self.limits = limits or RateLimitHeaders()
        self.own_handles = {_username(h) for h in own_handles if h}

    @classmethod
    def from_settings(cls, source: SourceSettings, settings: Settings) -> RedditAdapter:
        """The adapter for a [[sources]] entry."""
        reddit, limits = _build(
            read_credentials(source.credentials, PLATFORM, hint=CREDENTIALS_HINT),
            source.base_url, source.account)
        return cls(reddit, limits=limits, own_handles=_own_handles(settings, source.account),
                   first_poll=first_poll_window(settings))

    @classmethod
    def from_account(cls, account: AccountSettings, settings: Settings) -> RedditAdapter:
        """The adapter for posting as an [[accounts]] entry."""
        reddit, limits = _build(
            read_credentials(account.credentials, PLATFORM, hint=CREDENTIALS_HINT),
            account.base_url, account.handle)
        return cls(reddit, limits=limits, own_handles=_own_handles(settings, account.handle))

    # -- reading ---------------------------------------------------------------------------

    def fetch_mentions(self, source: SourceSettings, cursor: Any) -> FetchResult:
        """New posts and comments for the source since `cursor`."""
        before = dict((cursor if isinstance(cursor, dict) else {}).get("streams") or {})
        if source.account:
            self.own_handles.add(_username(source.account))
        poll = PollProgress()
        streams: dict[str, Any] = {}
        reset_at: datetime | None = None
        plan = _plan(source)
        for key, path, params in plan:
            try:
                streams[key] = self._read_stream(path, params, before.get(key) or {}, poll)
            except StopStreams as stop:
                streams[key], reset_at = stop.state, stop.reset_at
                break
        unchanged = {key: before.get(key) or {} for key, _, _ in plan}
        for key, old in unchanged.items():  # streams not reached keep their old cursor
            streams.setdefault(key, old)
        if reset_at is not None and not poll.records and streams == unchanged:
            raise RateLimited(reset_at)  # no progress at all: a plain failure to reschedule
        return FetchResult(records=list(poll.records.values()), cursor={"streams": streams},
                           requests=poll.requests, rate_limited_until=reset_at,
                           skipped=poll.skipped)

    def _read_stream(self, path: str, params: dict[str, Any], state: dict[str, Any],
                     poll: PollProgress) -> dict[str, Any]:
        """Read one listing newest-first down to its floor; return its new cursor state."""
        newest: float | None = state.get("newest")
        seen: dict[str, float] = dict(state.get("seen") or {})
        resume = state.get("resume") or {}
        floor = float(resume.get("floor") or (
            newest - OVERLAP_SECONDS if newest is not None
            else first_poll_start(self.first_poll, HISTORY_LIMIT).timestamp()))
        top = float(resume.get("top") or newest or floor)
        after: str | None = resume.get("after")

        def interrupted() -> dict[str, Any]:
            return {"newest": newest, "seen": _prune(seen, top),
                    "resume": {"after": after, "floor": floor, "top": top}}

        for _ in range(MAX_PAGES_PER_STREAM):
            query = {**params, "limit": PAGE_SIZE, **({"after": after} if after else {})}
            try:
                body = self._call(lambda q=query: self.reddit.request(
                    method="GET", path=path, params=q), poll)
            except RateLimited as exc:
                raise StopStreams(exc.reset_at, interrupted()) from exc
            children, next_after = _listing(body)
            reached_floor = False
            for child in children:
                created = _created(child)
                if created is not None and created < floor:
                    reached_floor = True
                    break
                top = max(top, created or top)
                self._take(child, seen, poll)
            if reached_floor or not next_after:
                return {"newest": top, "seen": _prune(seen, top)}
            after = next_after
            if self.limits.remaining is not None and self.limits.remaining < REQUEST_RESERVE:
                # prawcore would sleep until the window resets: reschedule instead.
                reset = now() + timedelta(seconds=max(1, self.limits.reset_seconds or 60))
                raise StopStreams(reset, interrupted())
        return interrupted()  # page cap: the rest of the backlog comes next poll

    def _take(self, child: Any, seen: dict[str, float], poll: PollProgress) -> None:
        data = child.get("data") if isinstance(child, dict) else None
        name = data.get("name") if isinstance(data, dict) else None
        if isinstance(name, str) and name in seen:
            return
        try:
            record = self._record(child)
        except (InvalidRecord, KeyError, TypeError, ValueError, AttributeError,
                OverflowError) as exc:
            log.warning("reddit: skipping malformed item %r: %s", name, exc)
            poll.skipped.append(f"reddit item {str(name)[:40]}: {exc}")
            return
        if record is None:
            return
        seen[record.external_id] = record.created_at.timestamp()
        poll.records.setdefault(record.external_id, record)

    def _record(self, child: Any) -> MentionRecord | None:
        """Our record for a t3 (post) or t1 (comment) thing; None if it is already gone."""
        kind, data = child.get("kind"), child.get("data")
        if kind not in ("t1", "t3") or not isinstance(data, dict):
            raise InvalidRecord(f"not a post or comment (kind {kind!r})")
        name = data.get("name") or f"{kind}_{data['id']}"
        if not isinstance(name, str) or not _FULLNAME.fullmatch(name) or name[:2] != kind:
            raise InvalidRecord("missing or malformed fullname")
        if _is_gone(data):
            return None
        if kind == "t3":
            text = _post_text(data)
            parent, conversation = None, name
        else:
            text, parent = data["body"], data.get("parent_id")
            # Inbox items carry no link_id, only a context link to the thread.
            conversation = data.get("link_id") or _thread_of(data.get("context"))
        if not isinstance(text, str):
            raise InvalidRecord("text is not a string")
        author = data.get("author")
        username = author if isinstance(author, str) and author not in GONE else ""
        link = data.get("permalink") or data.get("context") or ""
        return MentionRecord(
            platform=PLATFORM, external_id=name, text=unescape_markdown(text),
            created_at=datetime.fromtimestamp(float(data["created_utc"]), UTC),
            url=f"{SITE}{link}" if isinstance(link, str) and link.startswith("/") else "",
            author=_author(username, name),
            conversation_id=conversation if isinstance(conversation, str) else None,
            parent_external_id=parent if isinstance(parent, str) else None,
            raw={"kind": kind, **{k: _clean(data[k]) for k in RAW_FIELDS if k in data}},
            is_own=bool(username) and username.lower() in self.own_handles)

    def get_post(self, external_id: str) -> MentionRecord | None:
        """Re-fetch a post or comment by fullname; None when it was deleted or removed."""
        name = external_id if external_id[:3] in ("t1_", "t3_") else f"t3_{external_id}"
        body = self._call(lambda: self.reddit.request(
            method="GET", path="api/info", params={"id": name}), PollProgress())
        children, _ = _listing(body)
        if not children:
            return None
        record = self._record(children[0])
        return record.validated() if record else None

    # -- posting ---------------------------------------------------------------------------

    def post(self, account: AccountSettings, text: str, reply_to: str | None = None, *,
             idempotency_key: str | None = None) -> PostRef:
        """Reply to `reply_to` (a t3_ post or t1_ comment fullname, as `fetch_mentions` stores
        them), or post to the account's own profile."""
        # Reddit has no idempotency key: `idempotency_key` is ignored and exactly-once rests on
        # `find_own_post` (and on never letting prawcore re-send a write, see _Requestor).
        refused = lengths.too_long(PLATFORM, text)
        if refused:
            raise TextRefused(f"reddit: {refused}", reason="too_long")
        if reply_to:
            return self._reply(reply_to, text)
        title, body = _split_post(text)
        data = {"sr": f"u_{_username(account.handle)}", "kind": "self", "title": title,
                "text": body, "api_type": "json", "resubmit": "true"}
        answer = self._call(lambda: self.reddit.request(method="POST", path="api/submit",
                                                        data=data), PollProgress())
        result = answer.get("json") if isinstance(answer, dict) else None
        if not isinstance(result, dict):
            raise Transient(f"reddit: unexpected answer to a new post: {answer!r:.300}")
        errors = result.get("errors")
        if errors:
            raise _refusal([(str(e[0]), str(e[1:])) for e in errors if isinstance(e, list)
                            and e], f"reddit refused the post: {errors!r:.300}")
        made = result.get("data") or {}
        link = str(made.get("permalink") or "")
        return PostRef(PLATFORM, str(made.get("name") or ""),
                       f"{SITE}{link}" if link.startswith("/") else str(made.get("url") or ""))

    def _reply(self, reply_to: str, text: str) -> PostRef:
        kind, _, id36 = reply_to.rpartition("_")
        if kind not in ("t1", "t3", "") or not id36.isalnum():
            raise TargetGone(f"reddit: cannot reply to {reply_to!r}: not a post or comment")
        parent = self.reddit.comment(id=id36) if kind == "t1" else \
            self.reddit.submission(id=id36)
        comment = self._call(lambda: parent.reply(text), PollProgress())
        if comment is None:
            raise Transient(f"reddit: no comment in the answer to a reply to {reply_to}")
        # Read what the answer carried; a missing attribute would make praw fetch it.
        data = vars(comment)
        link = str(data.get("permalink") or "")
        return PostRef(PLATFORM, f"t1_{data.get('id', '')}",
                       f"{SITE}{link}" if link.startswith("/") else "")

    def find_own_post(self, account: AccountSettings, reply_to: str | None,
                      text: str) -> PostRef | None:
        """The account's post of `text` (in reply to `reply_to`), if it was already published."""
        user = _username(account.handle)
        path = f"user/{user}/comments" if reply_to else f"user/{user}/submitted"
        after: str | None = None
        poll = PollProgress()
        for _ in range(FIND_OWN_PAGES):
            params = {"limit": PAGE_SIZE, "sort": "new", **({"after": after} if after else {})}
            body = self._call(lambda p=params: self.reddit.request(  # type: ignore[misc]
                method="GET", path=path, params=p), poll)
            children, after = _listing(body)
            for child in children:
                data = child.get("data") if isinstance(child, dict) else None
                if isinstance(data, dict) and _same_post(data, reply_to, text):
                    link = str(data.get("permalink") or "")
                    return PostRef(PLATFORM, str(data.get("name")),
                                   f"{SITE}{link}" if link.startswith("/") else "")
            if not after:
                return None
        return None

    # -- errors ----------------------------------------------------------------------------

    def _call(self, func: Callable[[], Any], poll: PollProgress) -> Any:
        """Run one API call, counting it and turning praw/prawcore errors into our own."""
        poll.requests += 1
        try:
            return func()
        except prawcore.TooManyRequests as exc:
            raise RateLimited(_reset_at(exc.response)) from exc
        except prawcore.Forbidden as exc:
            if _is_write(exc.response.request.method, exc.response.request.url):
                # The token works (it was accepted elsewhere); this action is refused:
                # banned from the subreddit, a private or quarantined community.
                raise NotAllowed(f"reddit: not allowed ({exc})") from exc
            raise AuthError(f"reddit: credentials refused ({exc})") from exc
        except (prawcore.OAuthException, prawcore.InvalidToken,
                prawcore.InsufficientScope) as exc:
            raise AuthError(f"reddit: credentials refused ({exc})") from exc
        except prawcore.BadJSON as exc:  # a 2xx that is not JSON (a proxy's page)
            raise Transient(f"reddit: unreadable answer: {exc}") from exc
        except prawcore.ResponseException as exc:
            status = exc.response.status_code
            if status in (401, 403):  # refused at the token endpoint
                raise AuthError(f"reddit: credentials refused ({exc})") from exc
            if status >= 500:
                raise Transient(f"reddit: {exc}") from exc
            raise PlatformError(f"reddit: {exc}", retryable=False) from exc
        except prawcore.RequestException as exc:
            raise Transient(f"reddit: {describe_error(exc)}") from exc
        except RedditAPIException as exc:
            raise _refusal([(item.error_type, f"{item.message} {item.field}")
                            for item in exc.items], f"reddit: {exc}") from exc
        except (PRAWException, prawcore.PrawcoreException) as exc:
            raise PlatformError(f"reddit: {exc}", retryable=False) from exc


def _plan(source: SourceSettings) -> list[tuple[str, str, dict[str, Any]]]:
    """(cursor key, listing path, params) for each stream the source reads."""
    plan: list[tuple[str, str, dict[str, Any]]] = []
    subs = "+".join(s.removeprefix("r/") for s in source.subreddits)
    for query in source.queries:
        path = f"r/{subs}/search" if subs else "search"
        params = {"q": query, "sort": "new", "t": "week", "restrict_sr": "on" if subs else ""}
        plan.append((f"search:{query}", path, {k: v for k, v in params.items() if v}))
    own = "+".join(s.removeprefix("r/") for s in source.own_subreddits)
    if own:
        plan.append(("new", f"r/{own}/new", {}))
        plan.append(("comments", f"r/{own}/comments", {}))
    if source.mentions:
        plan.append(("mentions", "message/mentions", {}))
    return plan


def _listing(body: Any) -> tuple[list[Any], str | None]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return [], None
    children = data.get("children")
    after = data.get("after")
    return (children if isinstance(children, list) else []), \
        (after if isinstance(after, str) and after else None)


def _created(child: Any) -> float | None:
    """When an item was posted, for the walk's floor and the cursor; None when its date is
    missing or impossible (NaN, infinite, before 2000, in the future). One such item would
    otherwise end the walk early or carry the cursor past everything posted after it."""
    data = child.get("data") if isinstance(child, dict) else None
    value = data.get("created_utc") if isinstance(data, dict) else None
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        moment = float(value)
    except OverflowError:  # an integer beyond any float
        return None
    latest = (now() + FUTURE_SLACK).timestamp()
    return moment if EARLIEST.timestamp() <= moment <= latest else None


def _thread_of(context: Any) -> str | None:
    match = _THREAD.search(context) if isinstance(context, str) else None
    return f"t3_{match.group(1)}" if match else None


def _post_text(data: dict[str, Any]) -> str:
    """A submission's title and body; a link post's external link, which is its content."""
    title, body = str(data["title"]), data.get("selftext") or ""
    if not isinstance(body, str):
        raise InvalidRecord("selftext is not a string")
    parts = [title, body] if body else [title]
    url = data.get("url")
    if (data.get("is_self") is False and isinstance(url, str)
            and url.startswith(("https://", "http://")) and url not in body):
        parts.append(url)
    return "\n\n".join(parts)


def unescape_markdown(text: str) -> str:
    """Reddit markdown with its HTML entities decoded ("AT&amp;T" -> "AT&T")."""
    return _ENTITY.sub(lambda match: html.unescape(match.group(0)), text) if "&" in text else text


def _author(username: str, fullname: str) -> AuthorRecord:
    """The author; one who deleted their account is shown as Reddit shows it, "[deleted]",
    under an id of its own: two such posts say nothing about having the same author."""
    if username:
        return AuthorRecord(external_id=username, handle=username)
    return AuthorRecord(external_id=f"{DELETED_AUTHOR}:{fullname}", handle=DELETED_AUTHOR,
                        display_name=DELETED_AUTHOR)


def _is_gone(data: dict[str, Any]) -> bool:
    """Deleted by its author or removed by moderators: nothing left to read or answer."""
    if data.get("removed_by_category"):
        return True
    content = data.get("body") if "body" in data else data.get("selftext")
    return content in GONE and data.get("author") in GONE + (None,)


def _prune(seen: dict[str, float], top: float) -> dict[str, float]:
    """Keep the fullnames the next poll's overlap can meet again."""
    recent = {name: t for name, t in seen.items() if t >= top - OVERLAP_SECONDS}
    return dict(sorted(recent.items(), key=lambda kv: kv[1])[-MAX_SEEN:])


def _clean(value: Any) -> Any:
    return clean_text(value, 300) if isinstance(value, str) else value


def _reset_at(response: Response | None) -> datetime:
    """When Reddit's window resets (x-ratelimit-reset and retry-after are in seconds)."""
    headers = response.headers if response is not None else {}
    for name in ("x-ratelimit-reset", "retry-after"):
        try:
            return now() + timedelta(seconds=max(1.0, float(headers[name])))
        except (KeyError, TypeError, ValueError):
            continue
    return now() + timedelta(minutes=10)  # Reddit's rate-limit window


def _refusal(errors: list[tuple[str, str]], message: str) -> PlatformError:
    """Reddit's JSON error codes (e.g. DELETED_COMMENT) as the project's error types."""
    codes = {code for code, _ in errors}
    if "RATELIMIT" in codes:
        detail = " ".join(text for code, text in errors if code == "RATELIMIT")
        return RateLimited(_ratelimit_until(detail), "reddit: posting too often")
    if codes & GONE_ERRORS:
        return TargetGone(message)
    if codes & NOT_ALLOWED_ERRORS:
        return NotAllowed(message)
    if "USER_REQUIRED" in codes:
        return AuthError(message)
    for code in codes:
        if code in TEXT_ERRORS:
            return TextRefused(message, reason=TEXT_ERRORS[code])
    return PlatformError(message, retryable=False)


def _ratelimit_until(detail: str) -> datetime:
    """"you are doing that too much. try again in 5 minutes." -> when to try again."""
    match = _MINUTES.search(detail)
    if not match:
        return now() + timedelta(minutes=10)
    amount = int(match.group(1)) * (60 if match.group(2) == "minute" else 1)
    return now() + timedelta(seconds=max(1, amount))


def _split_post(text: str) -> tuple[str, str]:
    """A top-level Reddit post needs a title: the first line (at most 300 characters)."""
    first, _, rest = text.strip().partition("\n")
    if len(first) > 300:
        return first[:299] + "…", text.strip()
    return first, rest.strip()


def _same_post(data: dict[str, Any], reply_to: str | None, text: str) -> bool:
    if reply_to:
        return data.get("parent_id") == reply_to and \
            str(data.get("body") or "").strip() == text.strip()
    title, body = _split_post(text)
    return data.get("title") == title and str(data.get("selftext") or "").strip() == body
