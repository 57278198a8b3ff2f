"""X (Twitter) through tweepy's API v2 `Client`: recent search, the mentions timeline, posting.

The cursor keeps one since_id per stream (each search query and the mentions timeline). The
first poll of a stream reads back `[listener] first_poll_hours` (at most the 7 days recent search
and the mentions timeline serve) with `start_time`, kept in the cursor until that walk is done.
X returns newest first and pages towards older posts, so a poll that stops part-way (a 429, or
the page cap on a big backlog) stores what it got plus `until_id` = the oldest post seen and the
newest id of the run; the next poll reads the remaining gap (since_id < id < until_id) before
moving since_id.

The client is used with `return_type=dict`: we normalise raw JSON item by item, so one malformed
post is skipped instead of failing tweepy's model construction for the whole page.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import tweepy
from requests.adapters import HTTPAdapter

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
from listener.records import FUTURE_SLACK, AuthorRecord, InvalidRecord, MentionRecord, clean_text

log = logging.getLogger(__name__)

PLATFORM = "x"
REAL_ORIGINS = ("https://api.twitter.com", "https://api.x.com")
PAGE_SIZE = 100  # the API's maximum for search and timelines
# Recent search and the mentions timeline refuse a start_time older than 7 days; a minute's
# margin keeps a request that takes a moment inside it.
HISTORY_LIMIT = timedelta(days=7) - timedelta(minutes=1)
MAX_PAGES_PER_STREAM = 10  # a backlog is read over several polls, each committing its part
FIND_OWN_PAGES = 3
TIMEOUT_SECONDS = 30.0
TWITTER_EPOCH_MS = 1288834974657  # snowflake ids carry their creation time
TWEET_FIELDS = ["author_id", "conversation_id", "created_at", "lang", "referenced_tweets",
                "note_tweet"]
USER_FIELDS = ["username", "name", "public_metrics", "verified"]
EXPANSIONS = ["author_id"]
_URL = re.compile(r"https?://\S+")
_LEADING_MENTIONS = re.compile(r"^(?:@\w+\s+)+")


class ProxyAdapter(HTTPAdapter):
    """Send tweepy's fixed host to `base_url` (a proxy or a test fake) and bound every request.

    tweepy hard-codes https://api.twitter.com but sends everything through `client.session`,
    and sets no timeout: a hung connection would hang the poll job forever.
    """

    def __init__(self, base_url: str = "", timeout: float = TIMEOUT_SECONDS) -> None:
        super().__init__()
        parts = urlsplit(base_url)
        self._scheme, self._netloc = parts.scheme, parts.netloc
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if self._netloc and request.url:
            url = urlsplit(request.url)
            request.url = urlunsplit((self._scheme, self._netloc, self._prefix + url.path,
                                      url.query, url.fragment))
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


def make_client(credentials: Mapping[str, str], base_url: str = "") -> tweepy.Client:
    """A tweepy Client returning raw JSON, never sleeping on 429, routed to `base_url`."""
    client = tweepy.Client(
        bearer_token=credentials.get("bearer_token"),
        consumer_key=credentials.get("consumer_key"),
        consumer_secret=credentials.get("consumer_secret"),
        access_token=credentials.get("access_token"),
        access_token_secret=credentials.get("access_token_secret"),
        return_type=dict,
        wait_on_rate_limit=False,  # we reschedule the source instead of blocking a worker
    )
    for origin in REAL_ORIGINS:
        client.session.mount(origin, ProxyAdapter(base_url))
    return client


CREDENTIALS_HINT = "bearer_token, or the OAuth 1.0a keys"


def _own_handles(settings: Settings, *extra: str) -> set[str]:
    handles = {a.handle for a in settings.accounts if a.platform == PLATFORM}
    return {h.lstrip("@").lower() for h in (*handles, *extra) if h}


class XAdapter:
    """Reads and posts on X through a ready `tweepy.Client` (see `make_client`)."""

    platform = PLATFORM

    def __init__(self, client: tweepy.Client, *, own_handles: Iterable[str] = (),
                 user_auth: bool = False,
                 first_poll: timedelta = DEFAULT_FIRST_POLL) -> None:
        self.client = client
        self.first_poll = first_poll
        # We normalise raw JSON ourselves; tweepy's models would fail a page on one bad item.
        self.client.return_type = dict
        self.client.wait_on_rate_limit = False
        self.own_handles = {h.lstrip("@").lower() for h in own_handles if h}
        self.own_ids: set[str] = set()
        self.user_auth = user_auth
        self._user_ids: dict[str, str] = {}

    @classmethod
    def from_settings(cls, source: SourceSettings, settings: Settings) -> XAdapter:
        """The adapter for a [[sources]] entry (bearer token for app-only reading)."""
        credentials = read_credentials(source.credentials, PLATFORM, hint=CREDENTIALS_HINT)
        return cls(make_client(credentials, source.base_url),
                   own_handles=_own_handles(settings, source.account),
                   user_auth="bearer_token" not in credentials,
                   first_poll=first_poll_window(settings))

    @classmethod
    def from_account(cls, account: AccountSettings, settings: Settings) -> XAdapter:
        """The adapter for posting as an [[accounts]] entry (OAuth 1.0a user context)."""
        credentials = read_credentials(account.credentials, PLATFORM, hint=CREDENTIALS_HINT)
        user_auth = "access_token_secret" in credentials
        return cls(make_client(credentials, account.base_url),
                   own_handles=_own_handles(settings, account.handle), user_auth=user_auth)

    # -- reading ---------------------------------------------------------------------------

    def fetch_mentions(self, source: SourceSettings, cursor: Any) -> FetchResult:
        """New posts for the source's queries and the account's mentions since `cursor`."""
        state = cursor if isinstance(cursor, dict) else {}
        streams_before = dict(state.get("streams") or {})
        self._user_ids.update(state.get("user_ids") or {})
        if source.account:
            self.own_handles.add(source.account.lstrip("@").lower())
        poll = PollProgress()
        streams: dict[str, Any] = {}
        reset_at: datetime | None = None
        plan = self._plan(source, poll)
        for key, call in plan:
            try:
                streams[key] = self._read_stream(call, streams_before.get(key) or {}, poll)
            except StopStreams as stop:
                streams[key], reset_at = stop.state, stop.reset_at
                break
        unchanged = {key: streams_before.get(key) or {} for key, _ in plan}
        for key, old in unchanged.items():  # streams not reached keep their old cursor
            streams.setdefault(key, old)
        if reset_at is not None and not poll.records and streams == unchanged:
            raise RateLimited(reset_at)  # no progress at all: a plain failure to reschedule
        new_cursor = {"streams": streams, "user_ids": dict(self._user_ids)}
        return FetchResult(records=list(poll.records.values()), cursor=new_cursor,
                           requests=poll.requests, rate_limited_until=reset_at,
                           skipped=poll.skipped)

    def _plan(self, source: SourceSettings, poll: PollProgress
              ) -> list[tuple[str, Callable[..., Any]]]:
        plan: list[tuple[str, Callable[..., Any]]] = []
        for query in source.queries:
            def search(query: str = query, **params: Any) -> Any:
                return self.client.search_recent_tweets(query, user_auth=self.user_auth,
                                                        **params)
            plan.append((f"search:{query}", search))
        if source.mentions and source.account:
            user_id = self._call(lambda: self.user_id(source.account), poll)

            def mentions(**params: Any) -> Any:
                token = params.pop("next_token", None)
                return self.client.get_users_mentions(
                    user_id, user_auth=self.user_auth, pagination_token=token, **params)
            plan.append(("mentions", mentions))
        return plan

    def _read_stream(self, call: Callable[..., Any], state: dict[str, Any], poll: PollProgress
                     ) -> dict[str, Any]:
        """Read one stream newest-first down to its since_id; return its new cursor state."""
        since, until = state.get("since_id"), state.get("until_id")
        top: str | None = state.get("pending_newest")
        start = _start_time(state.get("start_time"), since, self.first_poll)
        oldest, token = until, None
        for _ in range(MAX_PAGES_PER_STREAM):
            params: dict[str, Any] = {
                "max_results": PAGE_SIZE, "since_id": since, "until_id": until,
                "start_time": start, "next_token": token, "expansions": EXPANSIONS,
                "tweet_fields": TWEET_FIELDS, "user_fields": USER_FIELDS}
            try:
                body = self._call(lambda p=params: call(**{k: v for k, v in p.items() if v}),
                                  poll)
            except RateLimited as exc:
                raise StopStreams(exc.reset_at, _state(since, oldest, top, start)) from exc
            except PlatformError as exc:
                if since and _since_id_refused(exc):
                    # Recent search reaches back 7 days and refuses an older since_id (a source
                    # paused for long): start this stream over from what X still has.
                    log.warning("x: since_id %s is too old; reading the last 7 days", since)
                    since = until = top = oldest = token = None
                    start = _x_time(now() - HISTORY_LIMIT)
                    continue
                raise
            ids = self._take_page(body, poll)
            meta = body.get("meta") if isinstance(body, dict) else None
            meta = meta if isinstance(meta, dict) else {}
            if top is None and ids:
                top = str(max(ids))
            if ids:
                oldest = str(min(ids))
            token = meta.get("next_token")
            if not token:
                return _state(top or since, None, None)
        # Page cap reached: resume below the oldest post seen on the next poll.
        return _state(since, oldest, top, start)

    def _take_page(self, body: Any, poll: PollProgress) -> list[int]:
        """Normalise a page's posts into `poll`; return the ids seen (good and bad)."""
        if not isinstance(body, dict):
            poll.skipped.append("page is not a JSON object")
            return []
        users = _users_by_id(body.get("includes"))
        ids: list[int] = []
        data = body.get("data")
        for item in data if isinstance(data, list) else []:
            ident = item.get("id") if isinstance(item, dict) else None
            number = _snowflake(ident)
            if number is not None:
                ids.append(number)
            try:
                record = self._record(item, users)
            except (InvalidRecord, KeyError, TypeError, ValueError, AttributeError) as exc:
                log.warning("x: skipping malformed post %r: %s", ident, exc)
                poll.skipped.append(f"x post {str(ident)[:40]}: {exc}")
                continue
            poll.records.setdefault(record.external_id, record)
        return ids

    def _record(self, item: Any, users: Mapping[str, dict[str, Any]]) -> MentionRecord:
        if not isinstance(item, dict):
            raise InvalidRecord("post is not an object")
        number = _snowflake(item.get("id"))
        if number is None:
            raise InvalidRecord("missing or malformed id")
        ident = str(number)
        note = item.get("note_tweet")
        # A long post's full text is only in note_tweet; `text` holds a truncated preview.
        text = note.get("text") if isinstance(note, dict) and note.get("text") else item["text"]
        if not isinstance(text, str):
            raise InvalidRecord("text is not a string")
        author_id = str(item["author_id"]) if item.get("author_id") else None
        user = users.get(author_id or "")
        author = _author(author_id, user) if author_id else None
        handle = author.handle if author else ""
        parent = next((str(ref.get("id")) for ref in item.get("referenced_tweets") or []
                       if isinstance(ref, dict) and ref.get("type") == "replied_to"), None)
        lang = item.get("lang") if item.get("lang") not in ("und", "qme", "zxx") else None
        is_own = (author_id in self.own_ids) or (handle.lower() in self.own_handles)
        return MentionRecord(
            platform=PLATFORM, external_id=ident,
            # X escapes &, < and > as HTML entities in v2 text.
            text=html.unescape(text),
            created_at=_created_at(item.get("created_at"), ident),
            url=f"https://x.com/{handle or 'i/web'}/status/{ident}",
            author=author, conversation_id=_str_or_none(item.get("conversation_id")),
            parent_external_id=parent, lang=lang if isinstance(lang, str) else None,
            raw=_raw(item), is_own=is_own)

    def user_id(self, handle: str) -> str:
        """The numeric id of @handle (cached in the cursor so polls do not spend a request)."""
        key = handle.lstrip("@").lower()
        if key not in self._user_ids:
            body = self.client.get_user(username=key, user_auth=self.user_auth)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, dict) or not data.get("id"):
                raise PlatformError(f"x: no user @{key}", retryable=False)
            self._user_ids[key] = str(data["id"])
        if key in self.own_handles:
            self.own_ids.add(self._user_ids[key])
        return self._user_ids[key]

    def get_post(self, external_id: str) -> MentionRecord | None:
        """Re-fetch one post; None when it was deleted."""
        try:
            body = self._call(lambda: self.client.get_tweet(
                external_id, user_auth=self.user_auth, expansions=EXPANSIONS,
                tweet_fields=TWEET_FIELDS, user_fields=USER_FIELDS), PollProgress())
        except TargetGone:
            return None
        data = body.get("data") if isinstance(body, dict) else None
        if not data:
            errors = body.get("errors") if isinstance(body, dict) else None
            types = [str(e.get("type", "")) for e in errors or [] if isinstance(e, dict)]
            if any(t.endswith("resource-not-found") for t in types):
                return None
            if any(t.endswith("not-authorized-for-resource") for t in types):
                raise NotAllowed(f"x: may not read post {external_id}: {errors!r:.300}")
            raise PlatformError(f"x: cannot read post {external_id}: {errors!r:.300}",
                                retryable=False)
        return self._record(data, _users_by_id(body.get("includes"))).validated()

    # -- posting ---------------------------------------------------------------------------

    def post(self, account: AccountSettings, text: str, reply_to: str | None = None, *,
             idempotency_key: str | None = None) -> PostRef:
        """Publish `text` as `account`, as a reply to `reply_to` when given."""
        # X's create-post endpoint takes no idempotency key: `idempotency_key` is ignored and
        # exactly-once rests on `find_own_post`.
        refused = lengths.too_long(PLATFORM, text)
        if refused:
            raise TextRefused(f"x: {refused}", reason="too_long")
        if reply_to is not None and not reply_to.isdigit():
            raise TargetGone(f"x: cannot reply to {reply_to!r}: not an X post id")
        body = self._call(lambda: self.client.create_tweet(
            text=text, in_reply_to_tweet_id=reply_to, user_auth=self.user_auth), PollProgress())
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or not data.get("id"):
            # A 2xx without the new id: it may well have been posted.
            raise Transient(f"x: unexpected answer to a new post: {body!r:.200}")
        ident = str(data["id"])
        return PostRef(PLATFORM, ident, f"https://x.com/{account.handle.lstrip('@')}/status/{ident}")

    def find_own_post(self, account: AccountSettings, reply_to: str | None,
                      text: str) -> PostRef | None:
        """The account's post of `text` (in reply to `reply_to`), if it was already published."""
        poll = PollProgress()
        user_id = self._call(lambda: self.user_id(account.handle), poll)
        wanted = _comparable(text)
        token = None
        for _ in range(FIND_OWN_PAGES):
            params: dict[str, Any] = {
                "max_results": PAGE_SIZE, "tweet_fields": ["referenced_tweets", "note_tweet"],
                "pagination_token": token,
                # A reply is always newer than what it answers: ids are time-ordered.
                "since_id": reply_to if reply_to and reply_to.isdigit() else None}
            body = self._call(lambda p=params: self.client.get_users_tweets(
                user_id, user_auth=self.user_auth, **{k: v for k, v in p.items() if v}), poll)
            for item in body.get("data") or []:
                if _is_reply_to(item, reply_to) and _comparable(_full_text(item)) == wanted:
                    ident = str(item["id"])
                    return PostRef(PLATFORM, ident,
                                   f"https://x.com/{account.handle.lstrip('@')}/status/{ident}")
            token = (body.get("meta") or {}).get("next_token")
            if not token:
                return None
        return None

    # -- errors ----------------------------------------------------------------------------

    def _call(self, func: Callable[[], Any], poll: PollProgress) -> Any:
        """Run one API call, counting it and turning tweepy errors into the project's own."""
        poll.requests += 1
        try:
            return func()
        except tweepy.TooManyRequests as exc:
            raise RateLimited(_reset_at(exc.response)) from exc
        except tweepy.Unauthorized as exc:
            raise AuthError(f"x: credentials refused ({_detail(exc)})") from exc
        except tweepy.Forbidden as exc:
            raise _refusal(exc) from exc
        except tweepy.NotFound as exc:
            raise TargetGone(f"x: not found ({_detail(exc)})") from exc
        except tweepy.TwitterServerError as exc:
            raise Transient(f"x: server error ({_detail(exc)})") from exc
        except tweepy.BadRequest as exc:
            raise _refusal(exc) from exc
        except tweepy.HTTPException as exc:  # other 4xx: retrying will not help
            raise PlatformError(f"x: request refused ({_detail(exc)})", retryable=False) from exc
        except (requests.RequestException, ValueError) as exc:  # network, or a non-JSON body
            raise Transient(f"x: {describe_error(exc)}") from exc


def _state(since: str | None, until: str | None, pending: str | None,
           start: str | None = None) -> dict[str, Any]:
    """A stream's cursor: read (since, until) next; `pending_newest` becomes since when done;
    `start_time` bounds a first walk that has not reached its end yet."""
    state = {"since_id": since, "until_id": until, "pending_newest": pending,
             "start_time": start if not since else None}
    return {key: value for key, value in state.items() if value}


def _start_time(kept: Any, since: str | None, window: timedelta) -> str | None:
    """The start_time of a stream's first walk: the window's start, fixed when the walk began
    (a walk resumed days later is clipped to what X still serves); None once since_id is known."""
    if since:
        return None
    earliest = now() - HISTORY_LIMIT
    if isinstance(kept, str):
        try:
            return _x_time(max(datetime.fromisoformat(kept.replace("Z", "+00:00")), earliest))
        except ValueError:
            pass
    return _x_time(first_poll_start(window, HISTORY_LIMIT))


def _x_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _raw(item: dict[str, Any]) -> dict[str, Any]:
    """The item's metadata for `raw`: text lives in its own column, and strangers' strings are
    cleaned like text (a lone surrogate would make the database driver refuse the row)."""
    return {key: _clean_json(value) for key, value in item.items()
            if key not in ("text", "note_tweet")}


def _clean_json(value: Any, depth: int = 0) -> Any:
    if depth > 8:
        return None
    if isinstance(value, str):
        return clean_text(value, 2000)
    if isinstance(value, dict):
        return {clean_text(k, 200): _clean_json(v, depth + 1) for k, v in list(value.items())[:50]}
    if isinstance(value, list):
        return [_clean_json(v, depth + 1) for v in value[:50]]
    return value


def _users_by_id(includes: Any) -> dict[str, dict[str, Any]]:
    users = includes.get("users") if isinstance(includes, dict) else None
    return {str(u["id"]): u for u in users or [] if isinstance(u, dict) and u.get("id")}


def _author(author_id: str, user: dict[str, Any] | None) -> AuthorRecord:
    if user is None:  # deleted or suspended author: X leaves it out of includes
        return AuthorRecord(external_id=author_id)
    metrics = user.get("public_metrics")
    followers = metrics.get("followers_count") if isinstance(metrics, dict) else None
    return AuthorRecord(external_id=author_id, handle=str(user.get("username") or ""),
                        display_name=str(user.get("name") or ""),
                        followers=followers if isinstance(followers, int) else None,
                        verified=user.get("verified") is True)


def _snowflake(value: Any) -> int | None:
    """A post id as X makes them (a positive 64-bit integer in ASCII digits, not from the
    future: an id carries its creation time), else None.

    `str.isdigit` accepts "²" and "١٢٣", which int() then refuses or reads as 123; and an id
    beyond 64 bits or the present would carry since_id past every real post after it.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        return None
    latest_ms = (now() + FUTURE_SLACK).timestamp() * 1000
    if not 0 < number < 2**63 or (number >> 22) + TWITTER_EPOCH_MS > latest_ms:
        return None
    return number


def _created_at(value: Any, ident: str) -> datetime:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
    # No usable timestamp: a snowflake id encodes its creation time.
    return datetime.fromtimestamp(((int(ident) >> 22) + TWITTER_EPOCH_MS) / 1000, UTC)


def _str_or_none(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and value != "" else None


def _refusal(exc: tweepy.HTTPException) -> PlatformError:
    """What a 400 or 403 means. X says it only in words (the `detail`), so it is read here,
    once, and turned into a type the responder can act on."""
    words = " ".join(exc.api_messages).lower()
    problem = _problem_type(exc.response)
    message = f"x: refused ({_detail(exc)})"
    if "duplicate content" in words:
        return TextRefused(message, reason="duplicate")
    if "too long" in words or "shorter" in words:
        return TextRefused(message, reason="too_long")
    if "deleted or not visible" in words:
        return TargetGone(message)
    if problem.endswith(("client-forbidden", "unsupported-authentication")):
        return AuthError(message)  # the app or token may not use this endpoint: configuration
    if isinstance(exc, tweepy.Forbidden):
        return NotAllowed(message)  # blocked, protected, restricted replies, suspended
    return PlatformError(f"x: request refused ({_detail(exc)})", retryable=False)


def _problem_type(response: requests.Response | None) -> str:
    try:
        body = response.json() if response is not None else None
    except ValueError:
        return ""
    return str(body.get("type") or "") if isinstance(body, dict) else ""


def _reset_at(response: requests.Response | None) -> datetime:
    """When X lets us try again: x-rate-limit-reset (epoch seconds), or the 24-hour posting
    allowance's reset when that one is spent."""
    headers = response.headers if response is not None else {}
    resets = []
    for prefix in ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"):
        if prefix != "x-rate-limit" and headers.get(f"{prefix}-remaining") != "0":
            continue
        try:
            resets.append(datetime.fromtimestamp(int(headers.get(f"{prefix}-reset") or ""), UTC))
        except (TypeError, ValueError, OverflowError, OSError):
            continue
    if not resets:
        return now() + timedelta(minutes=15)  # X's rate-limit windows are 15 minutes
    return max(*resets, now() + timedelta(seconds=1))


def _since_id_refused(exc: PlatformError) -> bool:
    return isinstance(exc.__cause__, tweepy.BadRequest) and "since_id" in str(exc)


def _detail(exc: tweepy.HTTPException) -> str:
    return f"{exc.response.status_code}: {'; '.join(exc.api_messages)[:300]}"


def _full_text(item: Any) -> str:
    if not isinstance(item, dict):
        return ""
    note = item.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        return note["text"]
    return str(item.get("text") or "")


def _comparable(text: str) -> str:
    """Text as X gives it back: links rewritten to t.co, entities escaped, reply @s prefixed."""
    text = _URL.sub("<link>", html.unescape(text)).strip()
    return " ".join(_LEADING_MENTIONS.sub("", text).split())


def _is_reply_to(item: Any, reply_to: str | None) -> bool:
    refs = item.get("referenced_tweets") if isinstance(item, dict) else None
    parent = next((str(r.get("id")) for r in refs or []
                   if isinstance(r, dict) and r.get("type") == "replied_to"), None)
    return parent == reply_to
