"""full-text search over mention text

Revision ID: 0002
Revises: 0001
Created: 2026-11-23

SQLite: an external-content FTS5 table kept in step by triggers (unicode61, diacritics removed,
so "Bucuresti" finds "București"). PostgreSQL: a GIN index on to_tsvector('simple', text).
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE mentions_fts USING fts5(text, content='mentions', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
        op.execute("CREATE TRIGGER mentions_fts_insert AFTER INSERT ON mentions BEGIN "
                   "INSERT INTO mentions_fts(rowid, text) VALUES (new.id, new.text); END")
        op.execute("CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN "
                   "INSERT INTO mentions_fts(mentions_fts, rowid, text) "
                   "VALUES ('delete', old.id, old.text); END")
        op.execute("CREATE TRIGGER mentions_fts_update AFTER UPDATE OF text ON mentions BEGIN "
                   "INSERT INTO mentions_fts(mentions_fts, rowid, text) "
                   "VALUES ('delete', old.id, old.text); "
                   "INSERT INTO mentions_fts(rowid, text) VALUES (new.id, new.text); END")
        op.execute("INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute("CREATE INDEX ix_mentions_text_fts ON mentions "
                   "USING gin (to_tsvector('simple', text))")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS mentions_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS mentions_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_mentions_text_fts")
