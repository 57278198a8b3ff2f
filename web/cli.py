"""The `earful` command line: Flask's command group (so `earful routes` and `earful shell` work)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command
from sqlalchemy import func, select

from earful import runtime
from earful.migrate import schema_behind
from earful.models import ROLES, Mention, Source, User
from earful.settings import SettingsError, check_credentials
from web.context import ensure_model, session_scope
from web.db import get_runtime

log = logging.getLogger("earful")


_verbose = False


def _create_app() -> Flask:
    from web import create_app

    try:
        app = create_app()
    except SettingsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    settings = app.config["EARFUL_RUNTIME"].settings
    logging.getLogger().setLevel("DEBUG" if _verbose else settings.app.log_level.upper())
    command = click.get_current_context(silent=True)
    if command is not None:  # close the pool when the command ends: PostgreSQL sees a clean exit
        command.call_on_close(app.config["EARFUL_RUNTIME"].engine.dispose)
    return app


def _setup_logging(ctx: click.Context, _param: click.Parameter, verbose: bool) -> None:
    """Log to stderr; --verbose means DEBUG, otherwise [app].log_level once settings load."""
    global _verbose
    _verbose = verbose
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("apscheduler.executors.default", "apscheduler.scheduler", "werkzeug",
                  "alembic"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)


cli = FlaskGroup(
    name="earful", create_app=_create_app, add_version_option=False, load_dotenv=False,
    add_default_commands=False,  # `flask run` (reloader, debugger) is not how Earful runs
    set_debug_flag=False,
    params=[click.Option(["--verbose", "-v"], is_flag=True, expose_value=False,
                         is_eager=True, callback=_setup_logging, help="Log debug detail.")],
    help="Earful: social listening and response for customer-care teams.")


cli.add_command(routes_command)
cli.add_command(shell_command)


def rt() -> runtime.Runtime:
    """The app's runtime (the one way to services, as in the console's views)."""
    return get_runtime()


# --- database ------------------------------------------------------------------------------


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations (creates the SQLite file on first run)."""
    from earful.migrate import upgrade
    from web.alert_rules import seed_alert_rules

    upgrade(rt().engine)
    with session_scope() as session:
        seed_alert_rules(session, rt().settings)  # only when there are none: leads own them
    click.echo(f"database is up to date ({_safe_url(rt().settings.database_url)})")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# --- users ---------------------------------------------------------------------------------


@cli.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="agent", show_default=True)
@click.option("--languages", default="", help="Languages the user answers in, e.g. en,ro.")
@click.password_option(help="Prompted for when not given.")
def users_create(username: str, role: str, languages: str, password: str) -> None:
    """Create a staff account."""
    from web.users import UserError, create_user

    try:
        with session_scope() as session:
            create_user(session, username, password, role=role, languages=languages)
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {role} {username}")


@users.command("list")
def users_list() -> None:
    """List staff accounts."""
    with session_scope() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            flags = "" if user.active else " (inactive)"
            click.echo(f"{user.username:20} {user.role:6} {user.languages}{flags}")


@users.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def users_set_role(username: str, role: str) -> None:
    """Change a user's role."""
    with session_scope() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        user.role = role
    click.echo(f"{username} is now {role}")


@users.command("ensure-admin")
def users_ensure_admin() -> None:
    """Create the first admin if none exists (password from EARFUL_ADMIN_PASSWORD or generated)."""
    from web.users import ensure_admin

    from_env = os.environ.get("EARFUL_ADMIN_PASSWORD")
    with session_scope() as session:
        had_admin = session.scalar(select(func.count()).select_from(User)
                                   .where(User.role == "admin"))
        generated = ensure_admin(session, from_env)
    if generated:
        click.echo("created the first admin account. Sign in with:\n"
                   f"  username: admin\n  password: {generated}\n"
                   "(shown once; change it or set EARFUL_ADMIN_PASSWORD before the first run)")
    elif not had_admin:
        click.echo("created the first admin account: username admin, password from "
                   "EARFUL_ADMIN_PASSWORD")


# --- running ---------------------------------------------------------------------------------


@cli.command()
@click.option("--host", default=None, help="Default: [server].host.")
@click.option("--port", default=None, type=int, help="Default: [server].port.")
@click.option("--no-scheduler", is_flag=True, help="Serve the console only.")
@click.option("--dev", is_flag=True,
              help="Werkzeug's development server with its reloader (one process).")
def serve(host: str | None, port: int | None, no_scheduler: bool, dev: bool) -> None:
    """Serve the console (gunicorn worker processes) and run the scheduler beside it."""
    settings = rt().settings
    _check_startup(settings)
    host, port = host or settings.server.host, port or settings.server.port
    schedule = settings.server.scheduler and not no_scheduler
    click.echo(f"Earful console on http://{host}:{port}/  (Ctrl-C stops)")
    if dev:
        _serve_dev(host, port, schedule)
    else:
        _serve(host, port, schedule)


def _serve(host: str, port: int, schedule: bool) -> None:
    """gunicorn workers for the console; the scheduler in its own `earful worker` process, so
    no worker is forked from a process with running job threads, and exactly one schedules."""
    import subprocess

    from web.serving import ConsoleServer

    settings = rt().settings
    master = os.getpid()
    scheduler = subprocess.Popen([sys.executable, "-c", "from web.cli import main; main()",
                                  "worker"]) if schedule else None
    click.echo(f"{settings.server.workers} worker process(es) x {settings.server.threads} "
               "threads" + ("; the scheduler in its own process" if schedule else ""))
    try:
        ConsoleServer(current_app._get_current_object(),  # type: ignore[attr-defined]
                      rt(), settings.server, f"{host}:{port}").run()
    except SystemExit as exc:  # gunicorn's master (and each worker) leave through sys.exit
        if os.getpid() != master or exc.code not in (0, None):
            raise
    finally:
        if os.getpid() == master:
            if scheduler is not None:
                scheduler.terminate()  # SIGTERM: `earful worker` stops its jobs and exits
                scheduler.wait(timeout=60)
            click.echo("stopped")


def _serve_dev(host: str, port: int, schedule: bool) -> None:
    """Werkzeug with the reloader: it runs this twice; only its child serves and schedules."""
    from werkzeug.serving import run_simple

    from earful.leadership import lock_for
    from web.cli_worker import start_scheduler

    scheduler, lock = None, None
    if schedule and os.environ.get("WERKZEUG_RUN_MAIN") == "true":
        lock = lock_for(rt().settings)
        if lock.try_acquire():  # in-process: a worker running elsewhere keeps the jobs
            scheduler = start_scheduler(ensure_model(rt()))
        else:
            click.echo("another worker runs the scheduler: this server only serves")
    try:
        run_simple(host, port, current_app._get_current_object(),  # type: ignore[attr-defined]
                   threaded=True, use_reloader=True, use_debugger=False)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        if lock is not None:
            lock.release()
        click.echo("stopped")


def _check_startup(settings: Any) -> None:
    try:
        check_credentials(settings)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    behind = schema_behind(rt().engine)
    if behind:
        advice = "" if "newer than this code" in behind else ": run `earful db upgrade` first"
        raise click.ClickException(behind + advice)
    if settings.demo_active:
        click.echo("No [[sources]] configured: running the DEMO source (a scripted scenario for "
                   "the fictional brand Lumen Mobile). Configure [[sources]] in settings.toml "
                   "to listen to real platforms.")


# --- listening -------------------------------------------------------------------------------


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--batch-size", default=500, show_default=True)
def import_(path: Path, batch_size: int) -> None:
    """Import mentions from a JSON Lines file (bad lines are reported and skipped)."""
    from listener.importer import import_file

    current = ensure_model(rt())
    with path.open("rb") as handle:
        total_lines = sum(1 for _ in handle)
    with click.progressbar(length=total_lines, label="importing", file=sys.stderr) as bar:
        report = import_file(current, path, batch_size, progress=bar.update)
    for bad in report.bad_lines:
        click.echo(f"line {bad.number}: {bad.reason}", err=True)
    click.echo(f"stored {report.result.stored}, already known {report.result.duplicates}, "
               f"bad lines {len(report.bad_lines) + len(report.result.rejected)}")


@cli.command()
@click.option("--instant", is_flag=True, help="Store the whole scenario now instead of replaying.")
def demo(instant: bool) -> None:
    """Back-fill the demo history (and with --instant, store the whole scenario at once)."""
    from listener.demo.runner import play_instantly, prepare_demo

    current = ensure_model(rt())
    stored = prepare_demo(current)
    click.echo(f"demo history: {stored} mention(s) stored")
    if instant:
        click.echo(f"demo scenario: {play_instantly(current)} mention(s) stored")


@cli.command("sources")
def sources_cmd() -> None:
    """Show each source's health."""
    from listener.jobs import configured_sources

    with session_scope() as session:
        rows = {s.name: s for s in session.scalars(select(Source))}
        for config in configured_sources(rt().settings):
            row = rows.get(config.name)
            if row is None:
                click.echo(f"{config.name:16} {config.platform:9} never polled")
                continue
            state = "paused" if row.paused else (
                f"FAILING x{row.consecutive_failures}" if row.consecutive_failures else "ok")
            click.echo(f"{config.name:16} {config.platform:9} {state:12} "
                       f"last success {_when(row.last_success_at)}  next {_when(row.next_poll_at)}"
                       f"  stored {row.stored_total}")
            if row.last_error:
                click.echo(f"{'':16} last error {_when(row.last_error_at)}: {row.last_error}")


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


@cli.command()
@click.argument("source")
@click.option("--once", is_flag=True, required=True, help="Poll once in the foreground.")
def poll(source: str, once: bool) -> None:
    """Poll SOURCE once now and print what was stored."""
    from listener.jobs import poll as poll_job

    ensure_model(rt())
    try:
        outcome = poll_job(source, force=True)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    if outcome.result is None:
        raise click.ClickException(f"{source}: {outcome.status}: {outcome.message}")
    with session_scope() as session:
        for mention in session.scalars(select(Mention).where(
                Mention.id.in_(outcome.result.stored_ids)).order_by(Mention.created_at)):
            click.echo(f"[{mention.platform} {mention.external_id}] {mention.lang} "
                       f"{mention.sentiment}/{mention.urgency}: {mention.text[:100]!r}")
    click.echo(f"{source}: stored {outcome.result.stored}, already known "
               f"{outcome.result.duplicates}, skipped {len(outcome.result.rejected)}")


@cli.command("stats")
def stats() -> None:
    """Count stored mentions by status."""
    with session_scope() as session:
        for status, count in session.execute(
                select(Mention.status, func.count()).group_by(Mention.status)):
            click.echo(f"{status:10} {count}")


def _register_classifier_commands() -> None:
    from web import cli_alerts, cli_classifier, cli_work, cli_worker

    cli_classifier.register(cli)  # classify, train, evaluate, label
    cli_work.register(cli)  # outbox, sla
    cli_alerts.register(cli)  # alerts backtest, alerts rules
    cli_worker.register(cli)  # worker, dispatch


_register_classifier_commands()


def main() -> None:
    cli.main(prog_name="earful")
