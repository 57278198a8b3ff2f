"""Reading mentions from JSON Lines (`earful import`): one object per line, bad lines reported.

A line: {"platform": "x", "id": "123", "text": "...", "created_at": "2026-01-05T09:00:00Z",
"url": "...", "author": {"id": "9", "handle": "ana", "name": "Ana", "followers": 12},
"parent_id": "...", "conversation_id": "...", "lang": "en"}. `platform`, `id`, `text` and
`created_at` are required.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from listener.records import AuthorRecord, InvalidRecord, MentionRecord

KNOWN_PLATFORMS = ("x", "reddit", "mastodon", "bluesky", "demo", "import")
MAX_LINE_CHARS = 1_000_000


@dataclass(frozen=True)
class BadLine:
    number: int
    reason: str


def parse_line(line: str) -> MentionRecord:
    """One JSON line into a record; InvalidRecord says what is wrong with it."""
    if len(line) > MAX_LINE_CHARS:
        raise InvalidRecord(f"longer than {MAX_LINE_CHARS:,} characters")
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidRecord(f"not JSON ({exc.msg})") from exc
    except (RecursionError, ValueError) as exc:  # absurd nesting, huge numbers
        raise InvalidRecord(f"unreadable JSON ({type(exc).__name__})") from exc
    if not isinstance(item, dict):
        raise InvalidRecord("not a JSON object")
    platform = item.get("platform")
    if platform not in KNOWN_PLATFORMS:
        raise InvalidRecord(f"platform must be one of {', '.join(KNOWN_PLATFORMS)}")
    for key in ("id", "text", "created_at"):
        if item.get(key) in (None, ""):
            raise InvalidRecord(f"missing {key!r}")
    if not isinstance(item["text"], str):
        raise InvalidRecord("'text' must be a string")
    return MentionRecord(
        platform=platform, external_id=str(item["id"]), text=item["text"],
        created_at=_timestamp(item["created_at"]), url=_str(item.get("url")),
        author=_author(item.get("author")), conversation_id=_opt(item.get("conversation_id")),
        parent_external_id=_opt(item.get("parent_id")), lang=_opt(item.get("lang")),
        raw=item)


def read_records(lines: Iterable[str]) -> Iterator[tuple[int, MentionRecord | BadLine]]:
    """(line number, record or BadLine) for every non-blank line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, parse_line(line)
        except InvalidRecord as exc:
            yield number, BadLine(number, str(exc))


def _timestamp(value: Any) -> datetime:
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            from datetime import UTC
            return datetime.fromtimestamp(value, UTC)
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError) as exc:
        raise InvalidRecord(f"created_at {str(value)[:40]!r} is not an ISO 8601 time") from exc


def _author(value: Any) -> AuthorRecord | None:
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("id") in (None, ""):
        raise InvalidRecord("'author' must be an object with an 'id'")
    followers = value.get("followers")
    return AuthorRecord(external_id=str(value["id"]), handle=_str(value.get("handle")),
                        display_name=_str(value.get("name")),
                        followers=followers if isinstance(followers, int) else None)


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _opt(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
