"""The shipped migrations build exactly the schema the models describe, on both engines, and
every step can be undone."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from earful.db import make_engine
from earful.migrate import alembic_config, schema_behind, upgrade
from earful.models import Base


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_object": lambda obj, name, *rest: not (name or "").startswith(
                ("mentions_fts", "ix_mentions_text_fts"))})
        return list(compare_metadata(context, Base.metadata))


def _downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _version(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_migrations_match_models(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    upgrade(engine)
    diff = _differences(engine)
    engine.dispose()
    assert diff == [], f"models changed without a migration: {diff}"


def test_upgrade_is_idempotent(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    upgrade(engine)
    upgrade(engine)  # a restart runs it again: nothing to do, nothing broken
    version = _version(engine)
    engine.dispose()
    assert version is not None


def test_every_migration_downgrades_and_upgrades_again(empty_database_url: str) -> None:
    """Down one step at a time to an empty database, then up again to the models' schema."""
    engine = make_engine(empty_database_url)
    upgrade(engine)
    script = ScriptDirectory.from_config(alembic_config(engine))
    for step in script.walk_revisions():  # newest first
        assert _version(engine) == step.revision
        _downgrade(engine, step.down_revision or "base")  # type: ignore[arg-type]
    assert _version(engine) is None
    left = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert left == set(), f"a downgrade left tables behind: {sorted(left)}"
    upgrade(engine)
    diff = _differences(engine)
    engine.dispose()
    assert diff == [], f"upgrading after a full downgrade differs from the models: {diff}"


def test_start_up_says_what_to_do_about_the_schema(empty_database_url: str) -> None:
    """The worker and the server refuse an unmigrated database, and one a newer release
    migrated, in words (earful.migrate.schema_behind)."""
    engine = make_engine(empty_database_url)
    try:
        assert schema_behind(engine) == "the database has no tables yet"
        upgrade(engine)
        assert schema_behind(engine) is None
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        assert "newer than this code" in (schema_behind(engine) or "")
    finally:
        engine.dispose()
