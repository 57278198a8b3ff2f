"""Alembic environment: the connection is handed in by earful.migrate (never read from a file)."""

from alembic import context

from earful.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `earful db upgrade` (earful.migrate.upgrade)")



def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Full-text objects are hand-written (0002); autogenerate must not drop them."""
    return not (name or "").startswith(("mentions_fts", "ix_mentions_text_fts"))


context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=True, compare_type=True, include_object=include_object)
with context.begin_transaction():
    context.run_migrations()
