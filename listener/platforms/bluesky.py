"""Bluesky through the atproto SDK: post search and the account's notifications; posting.

Settings: `base_url` is the service the account logs in to (empty: https://bsky.social);
`credentials = { app_password = "ENV_VAR" }` and optionally `identifier = "ENV_VAR"` (default:
the source's `account` handle). Logged-in clients are kept per process, because
createSession is rate-limited per account (30 per 5 minutes, 300 a day).

Cursor: per stream ("search:<query>", "notifications") a high-water mark (`hwm`, the newest
sort time seen) and the URIs seen near it. Both APIs page newest first by cursor, so a poll
walks down until it passes the mark, less a lag window for late-indexed posts; the first poll of
a stream walks down to the start of `[listener] first_poll_hours` instead (Bluesky sets no limit
of its own), following every page. The mark moves only when a walk got there; a walk cut short
(a 429, the page cap) keeps what it fetched, remembers its URIs, and keeps under "resume" the
API cursor it stopped at and its floor, so the next poll carries on from exactly there.

Link facets: a post's text shows links shortened ("example.com/long-pa..."); the full URI is in
the record's facets, whose index is a range of UTF-8 bytes, not characters. The stored text
carries the full URI in place of the shortened one.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from atproto import Client, models
from atproto_client.exceptions import (
    BadRequestError,
    LoginRequiredError,
    ModelError,
    NetworkError,
    RateLimitExceededError,
    RequestException,
    UnauthorizedError,
)
from atproto_client.models.common import XrpcError
from atproto_client.request import Request
from atproto_client.utils import facet_detection
from atproto_core.exceptions import AtProtocolError

from earful.clock import now
from earful.settings import AccountSettings, Settings, SourceSettings
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
from listener.records import EARLIEST, FUTURE_SLACK, AuthorRecord, MentionRecord

log = logging.getLogger(__name__)
PLATFORM = "bluesky"
DEFAULT_SERVICE = "https://bsky.social"
PAGE_LIMIT = 100  # the most searchPosts and listNotifications return per page
MAX_PAGES = 30  # per stream and poll
LAG = timedelta(minutes=10)  # posts can be indexed a little after newer ones: look back this far
MAX_SEEN = 1000  # URIs remembered per stream (insert-or-ignore catches anything beyond)
NOTIFY_REASONS = ("mention", "reply")
AUTH_ERRORS = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing",
               "AccountTakedown", "AccountDeactivated", "InvalidEmail"}
POST_COLLECTION = "app.bsky.feed.post"

_clients: dict[tuple[str, str], Client] = {}
_clients_lock = threading.Lock()


class BlueskyAdapter:
    """Reads mentions from, and posts to, one Bluesky account through the atproto Client."""

    platform = PLATFORM

    def __init__(self, client: Client, identifier: str = "", password: str = "",
                 on_auth_error: Callable[[], None] | None = None,
                 first_poll: timedelta = DEFAULT_FIRST_POLL) -> None:
        self.client = client
        self.first_poll = first_poll
        self._identifier, self._password = identifier, password
        self._on_auth_error = on_auth_error
        self._did: str | None = client.me.did if client.me else None
        self.requests = 0

    # ----------------------------------------------------------------- construction

    @classmethod
    def from_settings(cls, source: SourceSettings, settings: Settings) -> BlueskyAdapter:
        """An adapter for a [[sources]] entry (the logged-in client is reused across polls)."""
        adapter = cls._cached(source.base_url, source.credentials, source.account,
                              f"source {source.name}")
        adapter.first_poll = first_poll_window(settings)
        return adapter

    @classmethod
    def from_account(cls, account: AccountSettings, settings: Settings) -> BlueskyAdapter:
        """An adapter for posting as one of the brand's [[accounts]]."""
        return cls._cached(account.base_url, account.credentials, account.handle,
                           f"account {account.handle}")

    @classmethod
    def _cached(cls, base_url: str, credentials: Mapping[str, str], handle: str,
                what: str) -> BlueskyAdapter:
        service = (base_url or DEFAULT_SERVICE).rstrip("/")
        secrets = read_credentials(credentials, f"Bluesky {what}", required=["app_password"],
                                   hint="app_password, and identifier unless account is the "
                                        "handle")
        identifier, password = secrets.get("identifier") or handle, secrets["app_password"]
        if not identifier:
            raise AuthError(f"Bluesky {what}: no identifier: set the account handle or "
                            "credentials.identifier")
        key = (service, identifier)
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = make_client(service)

        def forget() -> None:
            with _clients_lock:
                if _clients.get(key) is client:
                    del _clients[key]

        return cls(client, identifier, password, on_auth_error=forget)

    # ----------------------------------------------------------------- reading

    def fetch_mentions(self, source: SourceSettings, cursor: Any) -> FetchResult:
        """New posts of every configured stream, with the marks that cover exactly them."""
        states: dict[str, Any] = dict(cursor) if isinstance(cursor, dict) else {}
        self.requests = 0
        found: list[dict[str, Any]] = []
        rate_limited: RateLimited | None = None
        own_did = self._session_did()
        try:
            if source.mentions:
                self._walk("notifications", states, self._notification_page, found)
            for query in source.queries:
                self._walk(f"search:{query}", states, self._search_page(query), found)
        except RateLimited as exc:
            if not found:
                raise
            rate_limited = exc
        records, skipped = _normalise(found, own_did)
        return FetchResult(records=records, cursor=states, requests=max(1, self.requests),
                           rate_limited_until=rate_limited.reset_at if rate_limited else None,
                           skipped=skipped)

    def _search_page(self, query: str) -> Callable[[str | None], tuple[list[Any], str | None]]:
        def page(cursor: str | None) -> tuple[list[Any], str | None]:
            params = models.AppBskyFeedSearchPosts.Params(q=query, sort="latest",
                                                          limit=PAGE_LIMIT, cursor=cursor)
            content = self._query("app.bsky.feed.searchPosts", params)
            return _dicts(content.get("posts")), _opt_str(content.get("cursor"))
        return page

    def _notification_page(self, cursor: str | None) -> tuple[list[Any], str | None]:
        params = models.AppBskyNotificationListNotifications.Params(
            limit=PAGE_LIMIT, cursor=cursor, reasons=list(NOTIFY_REASONS))
        content = self._query("app.bsky.notification.listNotifications", params)
        items = [n for n in _dicts(content.get("notifications"))
                 if n.get("reason") in NOTIFY_REASONS]
        return items, _opt_str(content.get("cursor"))

    def _walk(self, key: str, states: dict[str, Any],
              fetch_page: Callable[[str | None], tuple[list[Any], str | None]],
              found: list[dict[str, Any]]) -> None:
        """Walk one stream from the newest down to its mark; update its state in `states`."""
        state = states.get(key) if isinstance(states.get(key), dict) else {}
        hwm = _time(state.get("hwm"))
        seen: dict[str, str] = {u: t for u, t in (state.get("seen") or {}).items()
                                if isinstance(u, str) and isinstance(t, str)}
        resume = state.get("resume") if isinstance(state.get("resume"), dict) else {}
        floor = _time(resume.get("floor")) or (
            hwm - LAG if hwm else first_poll_start(self.first_poll))
        cursor = _opt_str(resume.get("cursor"))
        complete = False
        try:
            for _ in range(MAX_PAGES):
                items, next_cursor = fetch_page(cursor)
                passed_floor = False
                for item in items:
                    uri, at = item.get("uri"), sort_time(item)
                    if at is not None and at < floor:
                        passed_floor = True
                        continue
                    if isinstance(uri, str) and uri in seen:
                        continue
                    found.append(item)
                    if isinstance(uri, str) and at is not None:
                        seen[uri] = at.isoformat()
                cursor = next_cursor  # only once the page is held: a 429 retries this page
                if passed_floor or not cursor or not items:
                    complete = True
                    break
        finally:
            place = None if complete else {"cursor": cursor, "floor": floor.isoformat()}
            states[key] = _next_state(hwm, seen, complete, place)

    # ----------------------------------------------------------------- single posts

    def get_post(self, external_id: str) -> MentionRecord | None:
        """Re-fetch a post by its at:// URI; None when it was deleted."""
        try:
            view = self._fetch_post(external_id)
        except TargetGone:
            return None
        if view is None:
            return None
        try:
            return post_record(view, self._session_did())
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PlatformError(f"Bluesky: post {external_id} is malformed: {exc!r}",
                                retryable=False) from exc

    def _fetch_post(self, uri: str) -> dict[str, Any] | None:
        params = models.AppBskyFeedGetPosts.Params(uris=[uri])
        posts = _dicts(self._query("app.bsky.feed.getPosts", params).get("posts"))
        return posts[0] if posts else None

    # ----------------------------------------------------------------- posting

    def post(self, account: AccountSettings, text: str, reply_to: str | None = None, *,
             idempotency_key: str | None = None) -> PostRef:
        """Publish a post; a reply when `reply_to` is the at:// URI of the post answered."""
        # createRecord takes no idempotency key: `idempotency_key` is ignored and exactly-once
        # rests on `find_own_post` (the account's own repository answers at once).
        refused = lengths.too_long(PLATFORM, text)
        if refused:
            raise TextRefused(f"Bluesky: {refused}", reason="too_long")
        did = self._session_did()
        reply = self._reply_ref(reply_to) if reply_to else None
        created = self._guard(self.client.send_post, text, profile_identify=did, reply_to=reply,
                              facets=facet_detection.detect_facets(text) or None, writing=True)
        return PostRef(PLATFORM, created.uri, post_url(created.uri, account.handle or did))

    def _reply_ref(self, reply_to: str) -> models.AppBskyFeedPost.ReplyRef:
        """Strong refs (uri + cid) to the parent and to its thread's root, which a reply must
        carry: the root is the parent's own root when the parent is itself a reply."""
        parent = self._fetch_post(reply_to)
        if parent is None or not parent.get("cid"):
            # The PDS would accept a reply to nothing; it would hang in no thread.
            raise TargetGone(f"Bluesky: cannot reply: {reply_to} is gone")
        parent_ref = models.ComAtprotoRepoStrongRef.Main(uri=parent["uri"], cid=parent["cid"])
        record = parent.get("record") if isinstance(parent.get("record"), dict) else {}
        reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
        root = reply.get("root") if isinstance(reply.get("root"), dict) else {}
        root_ref = (models.ComAtprotoRepoStrongRef.Main(uri=root["uri"], cid=root["cid"])
                    if root.get("uri") and root.get("cid") else parent_ref)
        return models.AppBskyFeedPost.ReplyRef(parent=parent_ref, root=root_ref)

    def find_own_post(self, account: AccountSettings, reply_to: str | None,
                      text: str) -> PostRef | None:
        """Our post with this text (replying to `reply_to`), if one was already published."""
        did = self._session_did()
        # The account's own repository answers at once; the AppView may not have indexed yet.
        params = models.ComAtprotoRepoListRecords.Params(repo=did, collection=POST_COLLECTION,
                                                         limit=100)
        wanted = " ".join(text.split())
        for item in _dicts(self._query("com.atproto.repo.listRecords", params).get("records")):
            value = item.get("value") if isinstance(item.get("value"), dict) else {}
            parent = ((value.get("reply") or {}).get("parent") or {}).get("uri")
            if (" ".join(str(value.get("text", "")).split()) == wanted
                    and parent == reply_to and isinstance(item.get("uri"), str)):
                return PostRef(PLATFORM, item["uri"], post_url(item["uri"], account.handle or did))
        return None

    # ----------------------------------------------------------------- plumbing

    def _session_did(self) -> str:
        """The logged-in account's DID, logging in first when needed."""
        if self._did is None:
            if not (self._identifier and self._password):
                raise AuthError("Bluesky: the client is not logged in and has no credentials")
            profile = self._guard(self.client.login, self._identifier, self._password)
            self._did = profile.did if profile else self._guard(
                self.client.resolve_handle, self._identifier).did
        return self._did

    def _query(self, nsid: str, params: Any) -> dict[str, Any]:
        """One XRPC query; items are parsed one by one later, so one bad post spoils nothing."""
        self._session_did()
        self.requests += 1
        response = self._guard(self.client.invoke_query, nsid, params=params,
                               output_encoding="application/json")
        if not isinstance(response.content, dict):
            raise PlatformError(f"Bluesky: {nsid} answered something other than a JSON object")
        return response.content

    def _guard(self, function: Callable[..., Any], *args: Any, writing: bool = False,
               **kwargs: Any) -> Any:
        """Call the SDK, turning its errors into the project's own."""
        try:
            return function(*args, **kwargs)
        except RateLimitExceededError as exc:
            raise RateLimited(_reset_at(exc), "Bluesky rate limit") from exc
        except UnauthorizedError as exc:
            status = exc.response.status_code if exc.response is not None else None
            if writing and status == 403 and _xrpc_error(exc) not in AUTH_ERRORS:
                raise NotAllowed(f"Bluesky refused the post: {exc}") from exc
            raise self._auth_failed(f"Bluesky refused the session: {exc}") from exc
        except LoginRequiredError as exc:
            raise self._auth_failed(f"Bluesky refused the session: {exc}") from exc
        except BadRequestError as exc:
            raise self._bad_request(exc, writing) from exc
        except NetworkError as exc:  # transport failures, timeouts, 409/413/502
            raise Transient(f"Bluesky unavailable: {describe_error(exc)}") from exc
        except RequestException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status is None or status >= 500:
                raise Transient(f"Bluesky unavailable: {exc}") from exc
            raise PlatformError(f"Bluesky refused the request: {exc}", retryable=False) from exc
        except httpx.HTTPError as exc:  # e.g. the server closed without answering
            raise Transient(f"Bluesky unavailable: {describe_error(exc)}") from exc
        except (ModelError, ValueError) as exc:  # a body the SDK could not parse
            raise Transient(f"Bluesky sent a malformed answer: {exc}") from exc
        except AtProtocolError as exc:
            raise Transient(f"Bluesky error: {exc!r}") from exc

    def _bad_request(self, exc: BadRequestError, writing: bool) -> PlatformError:
        error = _xrpc_error(exc)
        if error in AUTH_ERRORS:
            return self._auth_failed(f"Bluesky refused the session: {exc}")
        if error in ("NotFound", "RecordNotFound"):
            return TargetGone(f"Bluesky: {exc}")
        if writing and error == "InvalidRecord":
            # "Record/text must not be longer than 300 graphemes"
            words = str(exc).lower()
            too_long = "longer than" in words or "too long" in words
            return TextRefused(f"Bluesky refused the text: {exc}",
                               reason="too_long" if too_long else "invalid")
        return PlatformError(f"Bluesky rejected the request: {exc}", retryable=False)

    def _auth_failed(self, message: str) -> AuthError:
        self._did = None  # log in again next time (the session expired or was revoked)
        if self._on_auth_error is not None:
            self._on_auth_error()
        return AuthError(message[:500])


def make_client(base_url: str = DEFAULT_SERVICE) -> Client:
    """An atproto Client for a service whose JSON answers are made safe to parse first."""
    return Client(base_url=base_url.rstrip("/"),
                  request=Request(transport=SafeJsonTransport(), timeout=30))


class SafeJsonTransport(httpx.HTTPTransport):
    """Repairs invalid Unicode in JSON answers before the SDK parses them.

    The SDK's parser refuses a whole answer over one lone surrogate escape or invalid UTF-8 byte,
    which would turn one stranger's broken post into a failed poll; the repaired text carries
    U+FFFD instead, and the rest of the page is stored.
    """

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if "json" not in response.headers.get("content-type", "").lower():
            return response
        body = response.read()
        fixed = repair_json_unicode(body)
        if fixed is body:
            return response
        headers = [(k, v) for k, v in response.headers.multi_items()
                   if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")]
        return httpx.Response(response.status_code, headers=headers, content=fixed,
                              request=request, extensions=response.extensions)


_ESCAPES = re.compile(r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
                      r"|\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def repair_json_unicode(body: bytes) -> bytes:
    """JSON bytes with invalid UTF-8 and unpaired surrogate escapes replaced by U+FFFD."""
    try:
        text = body.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        text, valid = body.decode("utf-8", errors="replace"), False
    if valid and "\\u" not in text:
        return body

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        # Escaped backslashes and proper pairs stay; a lone half of a pair is replaced.
        return token if token == "\\\\" or len(token) == 12 else "\\ufffd"

    repaired = _ESCAPES.sub(fix, text)
    return body if valid and repaired == text else repaired.encode("utf-8")


def post_record(view: Mapping[str, Any], own_did: str | None) -> MentionRecord:
    """A post view (or a notification of a post) as the project's record."""
    uri = view["uri"]
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise ValueError(f"not an at:// URI: {uri!r}")
    record = view.get("record")
    if not isinstance(record, dict):
        raise ValueError("no post record")
    created = _time(record.get("createdAt")) or _time(view.get("indexedAt"))
    if created is None:
        raise ValueError("no usable createdAt")
    author_view = view.get("author") if isinstance(view.get("author"), dict) else {}
    did = _opt_str(author_view.get("did"))
    handle = _opt_str(author_view.get("handle"))
    if handle == "handle.invalid":
        handle = None  # an account whose handle no longer resolves
    author = None
    if did:
        verification = author_view.get("verification")
        author = AuthorRecord(
            external_id=did, handle=handle or "",
            display_name=str(author_view.get("displayName") or ""),
            verified=isinstance(verification, dict)
            and verification.get("verifiedStatus") == "valid")
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    parent = _ref_uri(reply.get("parent"))
    root = _ref_uri(reply.get("root"))
    langs = record.get("langs")
    text, links = text_with_links(record)
    return MentionRecord(
        platform=PLATFORM, external_id=uri, text=text,
        created_at=created, url=post_url(uri, handle or did),
        author=author, conversation_id=root or parent or uri, parent_external_id=parent,
        lang=langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str)
        else None,
        raw={"cid": _opt_str(view.get("cid")), "reason": _opt_str(view.get("reason")),
             **({"links": links} if links else {})},
        is_own=own_did is not None and did == own_did,
    )


def post_url(uri: str, actor: str | None) -> str:
    """The bsky.app address of a post: https://bsky.app/profile/<handle>/post/<rkey>."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != POST_COLLECTION:
        return ""
    return f"https://bsky.app/profile/{actor or parts[0]}/post/{parts[2]}"


def sort_time(item: Mapping[str, Any]) -> datetime | None:
    """How the AppView orders posts: the earlier of createdAt and indexedAt.

    A time before 2000 or in the future does not count: the walk's floor and the high-water
    mark come from these, and one impossible date would end a walk early or carry the mark
    past every later post."""
    record = item.get("record") if isinstance(item.get("record"), dict) else {}
    latest = now() + FUTURE_SLACK
    times = [t for t in (_time(record.get("createdAt")), _time(item.get("indexedAt")))
             if t and EARLIEST <= t <= latest]
    return min(times) if times else None


def _normalise(items: list[dict[str, Any]], own_did: str | None
               ) -> tuple[list[MentionRecord], list[str]]:
    records: list[MentionRecord] = []
    skipped: list[str] = []
    for item in items:
        try:
            records.append(post_record(item, own_did))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            ident = str(item.get("uri", "?"))[:120]
            log.warning("bluesky: skipping malformed post %s: %r", ident, exc)
            skipped.append(f"{ident}: {exc!r}"[:300])
    return records, skipped


def _next_state(hwm: datetime | None, seen: dict[str, str], complete: bool,
                place: dict[str, Any] | None = None) -> dict[str, Any]:
    if complete:
        times = [t for t in (_time(v) for v in seen.values()) if t]
        hwm = max([*times, *([hwm] if hwm else [])], default=None)
    floor = hwm - LAG if hwm else None
    kept = sorted(((t, u) for u, t in seen.items()
                   if floor is None or (_time(t) or floor) >= floor), reverse=True)[:MAX_SEEN]
    state = {"hwm": hwm.isoformat() if hwm else None, "seen": {u: t for t, u in kept}}
    return {**state, "resume": place} if place else state


LINK_FACET = "app.bsky.richtext.facet#link"


def text_with_links(record: Mapping[str, Any]) -> tuple[str, list[str]]:
    """A post's text with each link facet's full URI in place of its shortened display text,
    and the URIs. Facet ranges are UTF-8 byte offsets; a range that is out of bounds, overlaps
    another or cuts a character is left alone."""
    text = record.get("text")
    if not isinstance(text, str):
        return "", []
    links = sorted(_link_facets(record.get("facets")))
    if not links:
        return text, []
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: offsets mean nothing; keep the text
        return text, [uri for _, _, uri in links]
    out, position = bytearray(), 0
    for start, end, uri in links:
        if start < position or end > len(data):
            continue
        try:
            shown = data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
        out += data[position:start] + _link_text(shown, uri).encode("utf-8")
        position = end
    out += data[position:]
    return out.decode("utf-8"), [uri for _, _, uri in links]


def _link_facets(facets: Any) -> list[tuple[int, int, str]]:
    found = []
    for facet in facets if isinstance(facets, list) else []:
        index = facet.get("index") if isinstance(facet, dict) else None
        features = facet.get("features") if isinstance(facet, dict) else None
        if not isinstance(index, dict) or not isinstance(features, list):
            continue
        start, end = index.get("byteStart"), index.get("byteEnd")
        uri = next((f.get("uri") for f in features if isinstance(f, dict)
                    and f.get("$type") == LINK_FACET), None)
        if (type(start) is int and type(end) is int and 0 <= start < end
                and isinstance(uri, str) and uri.startswith(("https://", "http://"))):
            found.append((start, end, uri))
    return found


def _link_text(shown: str, uri: str) -> str:
    """The full URI for a shortened one; "words (URI)" when the text says something else."""
    bare = shown.strip().removesuffix("...").removesuffix("…")
    full = uri.split("://", 1)[1]
    if shown.strip() == uri or (bare and full.startswith(bare.split("://", 1)[-1])):
        return uri
    return f"{shown} ({uri})"


def _reset_at(exc: RateLimitExceededError) -> datetime:
    moment = now()
    reset = exc.reset_at
    if reset is None and exc.retry_after is not None:
        reset = moment + timedelta(seconds=exc.retry_after)
    if reset is None:
        return moment + timedelta(minutes=1)
    # Some Bluesky limits are daily; never wait longer than that, nor hammer on a bad clock.
    return min(max(reset, moment + timedelta(seconds=1)), moment + timedelta(days=1))


def _xrpc_error(exc: BadRequestError | UnauthorizedError) -> str:
    content = exc.response.content if exc.response is not None else None
    return content.error if isinstance(content, XrpcError) else ""


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ref_uri(ref: Any) -> str | None:
    return _opt_str(ref.get("uri")) if isinstance(ref, dict) else None


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
