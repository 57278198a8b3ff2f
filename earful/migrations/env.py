"""Alembic environment: the connection is handed in by earful.migrate (never read from a file)."""

from alembic import context

from earful.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `earful db upgrade` (earful.migrate.upgrade)")

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
