"""SQLite: prefix indexes in the FTS5 table, so a search for a common word stays fast

Revision ID: 0009
Revises: 0008
Created: 2026-12-01

Every searched word is a prefix (`"bill"*` also finds "billing"). Without a prefix index FTS5
merges the whole posting list of every matching term before it yields the newest match: 70-140 ms
for a word in each of 1,000,000 mentions, against 2-4 ms for the exact word. With indexes for
prefixes of 2-6 characters such a query takes 3.5 ms (a longer word uses the 6-character one and
halves its time); the table grows about fourfold (30 to 118 MB at 1,000,000 short mentions) and
each insert costs some 25 microseconds more (docs/benchmarks.md). The table is rebuilt from
`mentions` (about 35 s at 1,000,000 mentions); its triggers keep working, they name the table.
PostgreSQL: nothing to do (its GIN index answers prefix queries).
"""
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_TABLE = ("CREATE VIRTUAL TABLE mentions_fts USING fts5(text, content='mentions', "
          "content_rowid='id', tokenize='unicode61 remove_diacritics 2'{prefix})")


def _recreate(prefix: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE mentions_fts")
    op.execute(_TABLE.format(prefix=prefix))
    op.execute("INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild')")


def upgrade() -> None:
    _recreate(", prefix='2 3 4 5 6'")


def downgrade() -> None:
    _recreate("")
