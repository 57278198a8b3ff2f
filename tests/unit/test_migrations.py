"""The shipped migrations build exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from earful.db import make_engine
from earful.migrate import upgrade
from earful.models import Base


def test_migrations_match_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_object": lambda obj, name, *rest: not (name or "").startswith(
                ("mentions_fts", "ix_mentions_text_fts"))})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models changed without a migration: {diff}"


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    upgrade(engine)  # a restart runs it again: nothing to do, nothing broken
    with engine.connect() as connection:
        version = connection.exec_driver_sql("select version_num from alembic_version").scalar()
    engine.dispose()
    assert version is not None
