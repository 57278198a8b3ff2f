"""Applying the Alembic migrations that ship inside the package (an installed copy can migrate)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def schema_behind(engine: Engine) -> str | None:
    """Why the database is not at the newest migration, or None when it is.

    The worker and the server check this at start-up: a job on an unmigrated database would
    otherwise die later with "no such table" instead of one line saying what to run.
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(engine))
    head = scripts.get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return None
    if current is None:
        return "the database has no tables yet"
    known = {script.revision for script in scripts.walk_revisions()}
    if current not in known:  # a newer release migrated it, then the code was rolled back
        return (f"the database is at migration {current}, newer than this code knows "
                f"(it stops at {head}); run the release that migrated it")
    return f"the database is at migration {current}, the code needs {head}"


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new migration from the models (developers only)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


def regenerate_initial() -> Path:
    """Rewrite 0001 from the models (only until the first release: then add migrations)."""
    import tempfile

    from earful.db import make_engine

    versions = MIGRATIONS / "versions"
    target = versions / "0001_initial_schema.py"
    target.unlink(missing_ok=True)
    later = {p: p.read_text() for p in versions.glob("0*.py")}  # set aside while 0001 is rebuilt
    for path in later:
        path.unlink()
    try:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{folder}/empty.db")
            config = alembic_config(engine)
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                script = command.revision(config, message="initial schema", autogenerate=True,
                                          rev_id="0001")
    finally:
        for path, text in later.items():
            path.write_text(text)
        engine.dispose()
    generated = Path(script.path)  # type: ignore[union-attr]
    text = generated.read_text()
    text = "\n".join(line for line in text.splitlines() if "### " not in line) + "\n"
    generated.unlink()
    target.write_text(text.replace("Create Date:", "Created:"))
    return target


if __name__ == "__main__":
    print(f"wrote {regenerate_initial()}")
