"""PostgreSQL full-text search folds diacritics, as SQLite's FTS5 table does

Revision ID: 0008
Revises: 0007
Created: 2026-12-01

PostgreSQL: a text search configuration `earful_search` (the 'simple' parser and dictionary, each
word passed through the `unaccent` dictionary first, so "bucuresti" finds "București") and the
GIN index rebuilt on to_tsvector('earful_search', text). `unaccent` ships with PostgreSQL (contrib;
a trusted extension since 13, so the database's owner may create it). SQLite: nothing to do.
"""
from alembic import op
from sqlalchemy import text

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Every token type that can hold letters (the 'simple' copy maps the rest, e.g. numbers, alone).
_WORDS = ("asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, "
          "hword_numpart")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    available = bind.execute(text(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")).scalar()
    if not available:
        raise RuntimeError("PostgreSQL's unaccent extension is not installed on the server "
                           "(it is part of PostgreSQL's contrib: Debian's postgresql package, "
                           "the postgresql-contrib package elsewhere)")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE TEXT SEARCH CONFIGURATION earful_search (COPY = simple)")
    op.execute(f"ALTER TEXT SEARCH CONFIGURATION earful_search ALTER MAPPING FOR {_WORDS} "
               "WITH unaccent, simple")
    op.execute("DROP INDEX IF EXISTS ix_mentions_text_fts")
    op.execute("CREATE INDEX ix_mentions_text_fts ON mentions "
               "USING gin (to_tsvector('earful_search', text))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_mentions_text_fts")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS earful_search")
    op.execute("CREATE INDEX ix_mentions_text_fts ON mentions "
               "USING gin (to_tsvector('simple', text))")
