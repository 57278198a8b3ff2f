"""`earful outbox ...`, `earful sla recompute`, `earful backup` and `earful authors forget`: the
work rules from the command line.

Each command calls the same function in earful.work as the console and the jobs.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from earful.vocab import OutboxStatus
from web.context import session_scope
from web.db import get_runtime
from web.params import MAX_ID


@click.group("outbox", cls=AppGroup, invoke_without_command=True)
@click.pass_context
def outbox_group(ctx: click.Context) -> None:
    """Replies waiting to be sent, sent, or failed (alone: `earful outbox list`)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(outbox_list)


@outbox_group.command("list")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice([s.value for s in OutboxStatus]),
              help="Only these states (repeatable). Default: all.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
def outbox_list(statuses: tuple[str, ...], limit: int) -> None:
    """List the newest outbox rows with their state, attempts and the platform's last word."""
    from earful.work.outbox import listing

    with session_scope() as session:
        rows = listing(session, statuses, limit)
        if not rows:
            click.echo("the outbox is empty" if not statuses else "no replies in that state")
        for row in rows:
            where = row.url or row.external_id or f"to {row.in_reply_to or '-'}"
            flags = " (may be on the platform: checked before any resend)" if row.uncertain \
                else ""
            click.echo(f"#{row.id:<6} {row.status:14} {row.platform:9} {row.account_handle:16} "
                       f"attempts {row.attempts}  {where}{flags}")
            if row.error:
                click.echo(f"{'':8}{row.error}")


def _change(outbox_id: int, action: str) -> None:
    from earful.models import OutboxReply
    from earful.work import WorkflowError, outbox

    with session_scope() as session:
        row = session.get(OutboxReply, outbox_id)
        if row is None:
            raise click.ClickException(f"no outbox row #{outbox_id}")
        try:
            (outbox.retry if action == "retry" else outbox.cancel)(session, row, None)
        except WorkflowError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"#{outbox_id}: {'queued again' if action == 'retry' else 'cancelled'}")


@outbox_group.command("retry")
@click.argument("outbox_id", type=click.IntRange(1, MAX_ID))
def outbox_retry(outbox_id: int) -> None:
    """Queue a failed reply again (the platform is asked first if it may have gone out)."""
    _change(outbox_id, "retry")


@outbox_group.command("cancel")
@click.argument("outbox_id", type=click.IntRange(1, MAX_ID))
def outbox_cancel(outbox_id: int) -> None:
    """Withdraw a reply that has not gone out."""
    _change(outbox_id, "cancel")


@outbox_group.command("send")
def outbox_send() -> None:
    """Send what is due now, in the foreground (the scheduler does this every interval)."""
    from responder.dispatch import dispatch

    report = dispatch(get_runtime())
    if not report.outcomes:
        click.echo("nothing due")
    for outbox_id, kind in sorted(report.outcomes.items()):
        click.echo(f"#{outbox_id}: {kind}")


sla_group = AppGroup("sla", help="The SLA clock.")


@sla_group.command("recompute")
def sla_recompute() -> None:
    """Store the due times of work still owed a first response again (after the calendar or
    the SLA targets changed in settings.toml)."""
    from earful.sla import recompute_due_times

    with session_scope() as session:
        changed = recompute_due_times(session, get_runtime().sla)
    click.echo(f"{changed} due time(s) changed")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Copy the live SQLite database to PATH (safe while the console and jobs run).
    PostgreSQL: use pg_dump (docs/deployment.md)."""
    from earful.work import WorkflowError
    from earful.work.backup import backup_sqlite, sqlite_path

    settings = get_runtime().settings
    try:
        report = backup_sqlite(sqlite_path(settings.database_url), path, force=force,
                               busy_timeout_s=settings.database.sqlite_busy_timeout_ms / 1000)
    except WorkflowError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backed up to {report.path}: {report.size_bytes:,} bytes, "
               f"{report.mentions:,} mention(s)")


authors_group = AppGroup("authors", help="The people who wrote mentions.")


@authors_group.command("forget")
@click.argument("platform")
@click.argument("handle")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def authors_forget(platform: str, handle: str, yes: bool) -> None:
    """Erase an author's mentions and personal data (a GDPR erasure request), audited.
    The rows stay, pseudonymised as "forgotten-<id>"; this cannot be undone."""
    from earful.work import WorkflowError
    from earful.work.privacy import find_authors, forget_author

    with get_runtime().sessions() as session:  # read only: no write lock while we ask
        found = len(find_authors(session, platform, handle))
    if not found:
        raise click.ClickException(f"no author {handle!r} on {platform!r}")
    if not yes:
        click.confirm(f"Erase the mentions and personal data of {found} author row(s) on "
                      f"{platform}? This cannot be undone", abort=True)
    with session_scope() as session:
        try:
            report = forget_author(session, platform, handle)
        except WorkflowError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"forgotten: author(s) {', '.join(f'#{i}' for i in report.author_ids)}; "
               f"{report.mentions} mention(s) purged, {report.replies_cancelled} queued "
               f"reply(ies) cancelled, {report.corrections_deleted} label correction(s) "
               f"deleted, {report.surveys_cleared} survey comment(s) cleared, "
               f"{report.notes_kept} note(s) kept")


def register(cli_group: click.Group) -> None:
    """Add `outbox`, `sla`, `backup` and `authors` to Earful's command group."""
    cli_group.add_command(outbox_group)
    cli_group.add_command(sla_group)
    cli_group.add_command(backup_command)
    cli_group.add_command(authors_group)
