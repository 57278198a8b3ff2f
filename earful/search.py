"""Full-text search over mention text, portable: SQLite FTS5, PostgreSQL tsvector, else LIKE.

`text_matches(query)` is one SQL condition compiled per dialect, so callers stay dialect-free.
The FTS5 table and its triggers (SQLite) come from migration 0002, the GIN index on an unaccented
`simple` configuration (PostgreSQL) from 0008.
Queries are words, never syntax: a stranger's `"` or `NEAR(` is matched as text, not obeyed.

`newest_match_rows` resolves a query to rows once, up to a cap: an `id IN (SELECT ... MATCH ...)`
inside each of the inbox's index-segment queries rebuilt the whole match list per segment on SQLite
(495 ms median for a word in every one of 1,000,000 mentions, 145 ms for a word in one), and on
PostgreSQL a rare word made each segment scan walk its whole index range, computing every row's
tsvector (docs/benchmarks.md). The inbox then sorts those rows itself: thousands of ids passed
back as bound values cost more to expand than the query took.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    bindparam,
    column,
    literal_column,
    select,
    table,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnClause

FTS_TABLE = "mentions_fts"
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8
# PostgreSQL: how many of the newest mentions passing the filters are tested word by word before
# the GIN index is asked (each costs its tsvector, a few microseconds), and at most how many when
# the first ones show the word is frequent enough to fill the cap there.
RECENT = 1500
WIDER = 12_000
# How many matches a search shows at most (the newest: 20 pages); more means "add a word or a
# filter". Finding each takes about 11 primary-key probes in the default view, where 1 mention
# in 11 is open work: a cap of 5,000 cost a common-word search 90 ms of CPU at 100,000 mentions,
# 1,000 costs 36 (docs/benchmarks.md).
MATCH_CAP = 1000


def words(query: str) -> list[str]:
    """The searchable words of a query (letters and digits, any script), at most MAX_WORDS."""
    return _WORD.findall(query)[:MAX_WORDS]


def fts5_query(query: str) -> str:
    """Every word must appear, each as a prefix: `no sign` finds "no signal"."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words(query))


def newest_match_rows(session: Session, id_column: Any, query: str, cap: int = MATCH_CAP,
                      where: Sequence[ColumnElement[bool]] = (), text_column: Any = None,
                      columns: Sequence[Any] = ()) -> list[Any] | None:
    """(id, *columns) of the newest `cap` + 1 rows matching `query` and `where`, newest first.

    On SQLite the FTS index drives the query (newest match first, each probed by primary key
    against the other filters), so it stops after cap + 1 hits however common the word. On
    PostgreSQL (given `text_column`) the planner picks: the GIN index for a rare word, the
    primary key backwards for a common one. One row beyond the cap tells the caller that more
    rows match than are shown. `columns` come from the row the probe reads anyway (the inbox
    sorts by them without reading 5,000 rows a second time). None when the query has no words
    or the database is neither.
    """
    dialect = session.get_bind().dialect.name
    if not words(query):
        return None
    if dialect == "postgresql" and text_column is not None:
        return _postgresql_newest(session, id_column, text_column, query, cap, where, columns)
    if dialect != "sqlite":
        return None
    fts = table(FTS_TABLE, column("rowid"))
    match = literal_column(FTS_TABLE).op("MATCH")(bindparam("fts_query", fts5_query(query)))
    statement = (select(id_column, *columns)
                 .select_from(fts.join(id_column.table, id_column == fts.c.rowid))
                 .where(match, *where).order_by(fts.c.rowid.desc()).limit(cap + 1))
    return list(session.execute(statement))


def _postgresql_newest(session: Session, id_column: Any, text_column: Any, query: str, cap: int,
                       where: Sequence[ColumnElement[bool]], columns: Sequence[Any]) -> list[Any]:
    """Newest matches on PostgreSQL in steps, whatever the planner estimates.

    It cannot estimate a prefix query (`'bill':*`): at 1,000,000 mentions it walked the primary
    key backwards for a word in one mention (every row's tsvector computed: 7 s) and built a GIN
    bitmap of every row for a word in all of them (0.8 s). So: the newest RECENT mentions that
    pass the other filters are tested for the words (primary key backwards); a common word fills
    the cap there. A word frequent enough to fill it within WIDER is tested over as many as it
    needs. Only then are older ones looked up in the GIN index, ordered by `id + 0` so that the
    planner cannot walk the primary key instead.
    """
    window = RECENT
    rows = _postgresql_recent(session, id_column, text_column, query, cap, where, columns, window)
    if len(rows) <= cap and rows:
        needed = (cap + 1) * RECENT * 5 // (len(rows) * 4)  # a quarter more than the density says
        if needed <= WIDER:
            window = needed
            rows = _postgresql_recent(session, id_column, text_column, query, cap, where,
                                      columns, window)
    if len(rows) > cap:
        return rows
    floor = session.scalar(select(id_column).where(*where).order_by(id_column.desc())
                           .offset(window - 1).limit(1))
    if floor is None:  # fewer mentions than the window pass the filters: all were tested
        return rows
    older = (select(id_column, *columns)
             .where(*where, id_column < floor, text_matches(text_column, id_column, query))
             .order_by((id_column + 0).desc()).limit(cap + 1 - len(rows)))
    return rows + list(session.execute(older))


def _postgresql_recent(session: Session, id_column: Any, text_column: Any, query: str, cap: int,
                       where: Sequence[ColumnElement[bool]], columns: Sequence[Any],
                       window: int) -> list[Any]:
    """Matches among the newest `window` mentions passing `where` (the LIMIT keeps the GIN
    index out: the words are tested on those rows only)."""
    recent = (select(id_column, text_column, *columns).where(*where)
              .order_by(id_column.desc()).limit(window).subquery())
    ident, text = recent.c[id_column.key], recent.c[text_column.key]
    return list(session.execute(
        select(ident, *(recent.c[c.key] for c in columns))
        .where(text_matches(text, ident, query)).order_by(ident.desc()).limit(cap + 1)))


class TextMatch(ColumnElement[bool]):
    """`mentions.text` contains every word of the query."""

    inherit_cache = True
    type = Boolean()

    def __init__(self, column: ColumnClause[Any], id_column: ColumnClause[Any], query: str):
        self.column = column
        self.id_column = id_column
        self.query = query


def text_matches(column: Any, id_column: Any, query: str) -> ColumnElement[bool]:
    """The condition; a query without a single word (only punctuation) filters nothing."""
    if not words(query):
        return true()
    return TextMatch(column, id_column, query)


@compiles(TextMatch, "sqlite")
def _sqlite(element: TextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    match = compiler.process(bindparam("fts_query", fts5_query(element.query), unique=True), **kw)
    ids = compiler.process(element.id_column, **kw)
    return f"{ids} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {match})"


# Migration 0008: the 'simple' parser and dictionary with diacritics folded (unaccent), so the
# same words find the same mentions as SQLite's FTS5 table; the GIN index is on this expression.
TS_CONFIG = "earful_search"


def tsquery(query: str) -> str:
    """Every word must appear, each as a prefix, in to_tsquery's syntax: `'no':* & 'sign':*`.

    Not websearch_to_tsquery: it obeys quotes, `or` and `-`, and has no prefix match. The words
    hold letters, digits and `_` only, so quoting each one cannot be escaped from.
    """
    return " & ".join(f"'{word}':*" for word in words(query))


@compiles(TextMatch, "postgresql")
def _postgresql(element: TextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    text = compiler.process(element.column, **kw)
    query = compiler.process(bindparam("ts_query", tsquery(element.query), unique=True), **kw)
    return f"to_tsvector('{TS_CONFIG}', {text}) @@ to_tsquery('{TS_CONFIG}', {query})"


@compiles(TextMatch)
def _fallback(element: TextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    text = compiler.process(element.column, **kw)
    clauses = []
    for word in words(element.query):
        pattern = compiler.process(bindparam("like_word", f"%{word}%", unique=True), **kw)
        clauses.append(f"lower({text}) LIKE lower({pattern})")
    return " AND ".join(clauses) or "1 = 1"
