"""The inbox query: filters plus keyset pagination that walks ix_mentions_inbox in index order.

The sort is (urgency_rank, sla_due_at with NULLs last, created_at, id) across the chosen statuses.
An ORDER BY over `status IN (...)` cannot be read from the index (status is its first column), and
NULLs sort first on SQLite but last on PostgreSQL, so the query is split into segments that each
have equality on (status, urgency_rank, due time present): every segment is a plain index range
scan with LIMIT, read in index order, and the few rows are merged here. No OFFSET and no COUNT(*),
so page 20,000 of a million mentions costs what page 1 costs.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, select, true, tuple_
from sqlalchemy.orm import Session

from earful.models import Mention, Tag, mention_tags
from earful.search import MATCH_CAP, newest_match_rows, text_matches
from earful.vocab import SENTIMENTS, URGENCY_RANK, Status
from web.params import (
    MAX_ID,
    BadParam,
    ascii_int,
    choice,
    date_arg,
    int_arg,
    optional_int,
    text_arg,
)

WORK_STATUSES = tuple(s.value for s in Status if s != Status.OWN)
STATUS_CHOICES = {"active": ("new", "open"), "any": WORK_STATUSES,
                  **{status: (status,) for status in WORK_STATUSES}}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_MICROS = (datetime(3000, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)

SortKey = tuple[int, int, datetime | None, datetime, int]


@dataclass
class InboxFilters:
    """What the filter form asked for; the defaults are the working view (open complaints)."""

    status: str = "active"
    complaint: str = "yes"  # yes | no | any
    platform: str = ""
    source_id: int | None = None
    sentiment: str = ""
    urgency: str = ""
    lang: str = ""
    tag: str = ""
    assignee: str = ""  # "" any | "me" | "none" | a user id
    incident_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Any) -> InboxFilters:
        """Read filters from request args; a value that makes no sense is a 400 naming it."""
        f = cls()
        f.status = choice(args.get("status"), STATUS_CHOICES, name="status", default="active")
        f.complaint = choice(args.get("complaint"), ("yes", "no", "any"), name="complaint",
                             default="yes")
        f.platform = text_arg(args.get("platform"), name="platform", maximum=16)
        f.source_id = optional_int(args.get("source"), name="source")
        f.sentiment = choice(args.get("sentiment"), SENTIMENTS, name="sentiment", default="")
        f.urgency = choice(args.get("urgency"), URGENCY_RANK, name="urgency", default="")
        f.lang = text_arg(args.get("lang"), name="lang", maximum=16)
        f.tag = text_arg(args.get("tag"), name="tag", maximum=60)
        assignee = text_arg(args.get("assignee"), name="assignee", maximum=20)
        f.assignee = assignee if assignee in ("", "me", "none") else \
            str(int_arg(assignee, name="assignee"))
        f.incident_id = optional_int(args.get("incident"), name="incident")
        f.date_from = date_arg(args.get("from"), name="from")
        f.date_to = date_arg(args.get("to"), name="to")
        f.q = text_arg(args.get("q"), name="q")[:200]  # a pasted paragraph is cut, not refused
        return f

    def as_args(self) -> dict[str, str]:
        """The non-empty filters as query-string arguments (for links that keep the view)."""
        values = {"status": self.status, "complaint": self.complaint, "platform": self.platform,
                  "source": self.source_id, "sentiment": self.sentiment, "urgency": self.urgency,
                  "lang": self.lang, "tag": self.tag, "assignee": self.assignee,
                  "incident": self.incident_id, "from": self.date_from, "to": self.date_to,
                  "q": self.q}
        return {key: str(value) for key, value in values.items() if value not in (None, "")}


def conditions(f: InboxFilters, user_id: int) -> list[ColumnElement[bool]]:
    """Every filter except status, as SQL conditions (status picks the index segment)."""
    where: list[ColumnElement[bool]] = []
    if f.complaint != "any":
        where.append(Mention.complaint.is_(f.complaint == "yes"))
    simple = {Mention.platform: f.platform, Mention.source_id: f.source_id,
              Mention.sentiment: f.sentiment, Mention.lang: f.lang,
              Mention.incident_id: f.incident_id}
    where += [column == value for column, value in simple.items() if value not in (None, "")]
    if f.urgency:
        where.append(Mention.urgency_rank == URGENCY_RANK[f.urgency])
    if f.assignee == "me":
        where.append(Mention.assignee_id == user_id)
    elif f.assignee == "none":
        where.append(Mention.assignee_id.is_(None))
    elif f.assignee:
        where.append(Mention.assignee_id == int(f.assignee))
    if f.tag:
        where.append(exists().where(mention_tags.c.mention_id == Mention.id,
                                    mention_tags.c.tag_id == Tag.id, Tag.name == f.tag))
    if f.date_from:
        where.append(Mention.created_at >= _midnight(f.date_from))
    if f.date_to:
        where.append(Mention.created_at < _midnight(f.date_to) + timedelta(days=1))
    if f.q:
        where.append(text_matches(Mention.text, Mention.id, f.q))
        where.append(Mention.deleted.is_(False))  # deleted text must not be findable either
    return where


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def sort_key(m: Mention) -> SortKey:
    """The global inbox order: urgency, SLA due (missing last), age, id."""
    return (m.urgency_rank, 1 if m.sla_due_at is None else 0, m.sla_due_at, m.created_at, m.id)


def _comparable(key: SortKey) -> tuple[int, int, datetime, datetime, int]:
    return (key[0], key[1], key[2] or _EPOCH, key[3], key[4])


def encode_cursor(key: SortKey) -> str:
    """An opaque, URL-safe cursor holding the last row's sort key."""
    due = "" if key[2] is None else str(_micros(key[2]))
    return f"{key[0]}.{key[1]}.{due}.{_micros(key[3])}.{key[4]}"


def decode_cursor(text: str | None) -> SortKey | None:
    """Parse a cursor; anything malformed (or out of range) means None ('first page')."""
    if not text:
        return None
    try:
        rank, nulls, due, created, ident = text.split(".")
        key = (_small(rank, 99), _small(nulls, 1), _from_micros(_small(due, _MAX_MICROS))
               if due else None, _from_micros(_small(created, _MAX_MICROS)),
               _small(ident, MAX_ID))
    except (ValueError, OverflowError):
        return None
    return key if key[4] >= 1 else None


def cursor_arg(text: str | None) -> SortKey | None:
    """The `after` parameter: empty is the first page, a malformed cursor a 400."""
    key = decode_cursor(text)
    if text and key is None:
        raise BadParam("after", "not a page cursor of this inbox (go back to the first page)")
    return key


def _small(text: str, maximum: int) -> int:
    """ASCII digits only, 0..maximum (int() would take '٣' and any length)."""
    number = ascii_int(text, maximum)
    if number is None:
        raise ValueError(text)
    return number


def _micros(value: datetime) -> int:
    return (value - _EPOCH) // timedelta(microseconds=1)


def _from_micros(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


def _after(cursor: SortKey | None, rank: int, with_due: bool) -> ColumnElement[bool] | None:
    """Rows of segment (rank, with_due) after the cursor: all (true), none (None), or a range."""
    if cursor is None:
        return true()
    c_rank, c_nulls, c_due, c_created, c_id = cursor
    nulls = 0 if with_due else 1
    if (rank, nulls) < (c_rank, c_nulls):
        return None
    if (rank, nulls) > (c_rank, c_nulls):
        return true()
    if with_due:  # row values: one index range, on SQLite and PostgreSQL alike
        return tuple_(Mention.sla_due_at, Mention.created_at, Mention.id) > tuple_(
            c_due, c_created, c_id)
    return tuple_(Mention.created_at, Mention.id) > tuple_(c_created, c_id)


def segment(status: str, rank: int, with_due: bool, after: ColumnElement[bool],
            where: list[ColumnElement[bool]], limit: int) -> Select[Any]:
    """One index range scan: equality on (status, urgency_rank, due present), in index order.

    Only the sort key's columns (the index holds them): the rows of the statuses are merged here
    and most are dropped, so whole mentions are loaded only for the page's own rows.
    """
    due = Mention.sla_due_at.is_not(None) if with_due else Mention.sla_due_at.is_(None)
    return (select(Mention.sla_due_at, Mention.created_at, Mention.id)
            .where(Mention.status == status, Mention.urgency_rank == rank, due, after, *where)
            .order_by(Mention.sla_due_at, Mention.created_at, Mention.id).limit(limit))


@dataclass
class Page:
    mentions: list[Mention]
    next_cursor: str | None
    search_capped: bool = False  # more mentions match the search than it looks through


def inbox_page(session: Session, f: InboxFilters, user_id: int, cursor: SortKey | None,
               size: int) -> Page:
    """One page of the inbox in the global order, and the cursor of the next page (if any).

    Segments are visited in the global order (rank 0 with a due time, rank 0 without, rank 1...),
    so a page usually ends inside the first one or two and later segments are never queried.
    """
    if f.q:  # resolved once, newest first, among mentions that pass every other filter
        others = [*conditions(replace(f, q=""), user_id), Mention.deleted.is_(False),
                  Mention.status.in_(STATUS_CHOICES[f.status])]
        found = newest_match_rows(session, Mention.id, f.q, MATCH_CAP, others, Mention.text,
                                  (Mention.urgency_rank, Mention.sla_due_at, Mention.created_at))
        if found is not None:
            return _search_page(session, found, cursor, size)
    where = conditions(f, user_id)
    ranks = [URGENCY_RANK[f.urgency]] if f.urgency else sorted(URGENCY_RANK.values())
    keys: list[SortKey] = []
    for rank in ranks:
        for with_due in (True, False):
            after = _after(cursor, rank, with_due)
            if after is None:
                continue
            need = size + 1 - len(keys)
            nulls = 0 if with_due else 1
            parts = [[(rank, nulls, due, created, ident) for due, created, ident in
                      session.execute(segment(status, rank, with_due, after, where, need))]
                     for status in STATUS_CHOICES[f.status]]
            keys += list(heapq.merge(*parts, key=_comparable))[:need]
            if len(keys) > size:
                return Page(_load(session, keys[:size]), encode_cursor(keys[size - 1]))
    return Page(_load(session, keys), None)


def _load(session: Session, keys: list[SortKey]) -> list[Mention]:
    """The page's mentions, whole, in the order of their keys."""
    ids = [key[4] for key in keys]
    if not ids:
        return []
    loaded = {m.id: m for m in session.scalars(select(Mention).where(Mention.id.in_(ids)))}
    return [loaded[i] for i in ids if i in loaded]


def _search_page(session: Session, found: list[Any], cursor: SortKey | None,
                 size: int) -> Page:
    """A search resolved to at most MATCH_CAP + 1 rows with their sort keys: put in the inbox
    order here. The segment scans would check every one of up to MATCH_CAP ids again, up to 40
    times with every status."""
    keys = sorted(((rank, 1 if due is None else 0, due, created, ident)
                   for ident, rank, due, created in found[:MATCH_CAP]), key=_comparable)
    if cursor is not None:
        keys = [key for key in keys if _comparable(key) > _comparable(cursor)]
    capped = len(found) > MATCH_CAP
    if len(keys) > size:
        return Page(_load(session, keys[:size]), encode_cursor(keys[size - 1]), capped)
    return Page(_load(session, keys), None, capped)
