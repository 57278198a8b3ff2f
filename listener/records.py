"""The project's own normalised records: what every adapter returns, whatever the platform.

Mentions are hostile input written by strangers: `clean_text` and `MentionRecord.validated`
make every field safe to store (no invalid Unicode, no control characters, bounded sizes);
escaping for HTML is the console's job at render time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from earful.clock import as_utc, now

MAX_ID_CHARS = 200
MAX_HANDLE_CHARS = 200
MAX_NAME_CHARS = 300
MAX_URL_CHARS = 1000
MAX_FOLLOWERS = 2_000_000_000  # fits a 32-bit INTEGER on every database; nobody has more
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)  # platform clocks drift; beyond this a date is made up
# Keep newlines and tabs; drop other C0/C1 controls, which can corrupt logs and terminals.
_CONTROL = {c for c in range(0x20) if c not in (0x09, 0x0A)} | {0x7F} | set(range(0x80, 0xA0))
_SURROGATE = re.compile("[\ud800-\udfff]")
LANGUAGE_TAG_CHARS = 8  # mentions.lang
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?")
_STRIP = dict.fromkeys(_CONTROL) | {0x202E: None, 0x202D: None}  # no bidi overrides either


class InvalidRecord(ValueError):
    """A record that cannot be stored; the item is skipped and logged, the rest go on."""


def clean_text(value: object, limit: int) -> str:
    """Valid Unicode (NFC), no control characters, at most `limit` characters."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = repair_surrogates(str(value))
    text = unicodedata.normalize("NFC", text).translate(_STRIP)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def repair_surrogates(text: str) -> str:
    """Join split surrogate pairs and turn lone surrogates (from broken JSON escapes, which
    every JSON parser lets through) into U+FFFD, as a decoder does with invalid UTF-8.

    Not `encode("utf-8", errors="replace")`: an encoder's replacement is "?", which would
    silently turn a broken character into punctuation.
    """
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_json(value: Any, depth: int = 0) -> Any:
    """A raw payload with every string made storable (lone surrogates would make the row fail)."""
    if depth > 20:
        return None  # absurdly deep nesting from a stranger: not worth keeping
    if isinstance(value, str):
        return clean_text(value, 100_000)
    if isinstance(value, dict):
        return {clean_text(k, 200): clean_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v, depth + 1) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return clean_text(value, 1000)


@dataclass(frozen=True)
class AuthorRecord:
    external_id: str
    handle: str = ""
    display_name: str = ""
    followers: int | None = None
    verified: bool = False
    language: str | None = None


@dataclass(frozen=True)
class MentionRecord:
    platform: str
    external_id: str
    text: str
    created_at: datetime
    url: str = ""
    author: AuthorRecord | None = None
    conversation_id: str | None = None
    parent_external_id: str | None = None
    lang: str | None = None  # the platform's own language hint, if any
    raw: dict[str, Any] | None = None
    is_own: bool = False  # posted by one of the brand's accounts: our side of a thread
    extra: dict[str, Any] = field(default_factory=dict)

    def validated(self, max_text_chars: int = 10000) -> MentionRecord:
        """A safe copy of this record, or InvalidRecord saying what is wrong."""
        external_id = clean_text(self.external_id, MAX_ID_CHARS).strip()
        if not external_id:
            raise InvalidRecord("missing external id")
        if not isinstance(self.created_at, datetime):
            raise InvalidRecord(f"{external_id}: created_at is not a datetime")
        url = clean_text(self.url, MAX_URL_CHARS)
        if url and not url.startswith(("https://", "http://")):
            url = ""  # never store a javascript: or data: link from a stranger
        author = self.author
        if author is not None:
            author_id = clean_text(author.external_id, MAX_ID_CHARS).strip()
            followers = author.followers
            if not isinstance(followers, int) or isinstance(followers, bool) or followers < 0:
                followers = None
            elif followers > MAX_FOLLOWERS:
                followers = MAX_FOLLOWERS
            author = AuthorRecord(
                external_id=author_id or "unknown",
                handle=clean_text(author.handle, MAX_HANDLE_CHARS),
                display_name=clean_text(author.display_name, MAX_NAME_CHARS),
                followers=followers,
                verified=bool(author.verified),
                language=clean_text(author.language, 8) or None,
            )
        return replace(
            self,
            external_id=external_id,
            text=clean_text(self.text, max_text_chars),
            created_at=_plausible_time(self.created_at),
            url=url,
            author=author,
            conversation_id=clean_text(self.conversation_id, MAX_ID_CHARS) or None,
            parent_external_id=clean_text(self.parent_external_id, MAX_ID_CHARS) or None,
            lang=_language_tag(self.lang),
            raw=clean_json(self.raw) if self.raw is not None else None,
        )


def _language_tag(value: object) -> str | None:
    """A platform's language hint ("en", "pt-br"), or None: it overrides the classifier's own
    detection, so junk here would label a mention in a language that does not exist."""
    if not isinstance(value, str):
        return None
    tag = value.strip().lower().replace("_", "-")
    if not _LANGUAGE_TAG.fullmatch(tag):
        return None
    # The column holds 8 characters (PostgreSQL refuses more, and the whole batch with it):
    # a longer valid tag ("en-basiceng") keeps its language, which is what the hint is for.
    return tag if len(tag) <= LANGUAGE_TAG_CHARS else tag.split("-", 1)[0]


def _plausible_time(value: datetime) -> datetime:
    """UTC; a date a stranger made up (year 9999, before 2000) becomes the time we saw it."""
    try:
        moment = as_utc(value)
    except (OverflowError, ValueError):
        return now()
    if moment < EARLIEST or moment > now() + FUTURE_SLACK:
        return now()
    return moment
