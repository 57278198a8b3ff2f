"""Small factories for records and rows (as in pypa/warehouse tests/common/db)."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from earful.clock import now
from listener.records import AuthorRecord, MentionRecord

_ids = itertools.count(1)


def record(text: str = "hello @LumenMobile", *, platform: str = "x",
           external_id: str | None = None, author: str | None = "ana",
           created_at: datetime | None = None, **fields: Any) -> MentionRecord:
    """A normalised mention with sensible defaults."""
    return MentionRecord(
        platform=platform, external_id=external_id or f"m{next(_ids)}", text=text,
        created_at=created_at or now(),
        author=AuthorRecord(external_id=f"u-{author}", handle=author, display_name=author.title(),
                            followers=10) if author else None,
        **fields)
