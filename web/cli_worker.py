"""`earful worker` (the scheduler, one active at a time) and `earful dispatch` (extra dispatchers).

A worker reads settings and loads the model first, then waits for the scheduler lock
(earful/leadership.py): the first to get it runs the jobs, every other one is a hot standby. An
active worker that cannot prove it still holds the lock stops at once by restarting itself in
place (exec): running jobs are cut as by a crash, which each job survives by design (claims
with leases, cursors committed with their rows), and the new process comes back as a standby.

Dispatchers claim outbox rows with `FOR UPDATE SKIP LOCKED`, so any number may run beside the
worker's own dispatcher job; each round is the job's own function (responder.dispatch).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from typing import Any

import click
from flask.cli import with_appcontext

from earful.leadership import Leadership, Timing, lock_for, worker_name
from earful.runtime import Runtime
from web.context import ensure_model
from web.db import get_runtime

log = logging.getLogger("earful")


def _stop_on_sigterm() -> None:
    def stop(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt  # SIGTERM (from `earful serve` or a service manager) as Ctrl-C

    signal.signal(signal.SIGTERM, stop)


def _ignore_stop_signals() -> None:
    """Ctrl-C reaches this process and `earful serve`, which then also sends SIGTERM: one stop
    is enough, so a second signal must not interrupt the shutdown."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def start_scheduler(rt: Runtime) -> Any:
    """Start the job table on this process (the caller holds the scheduler lock)."""
    from listener.demo.runner import prepare_demo
    from web.scheduler import build_scheduler

    if rt.settings.demo_active:
        prepare_demo(rt)
    scheduler = build_scheduler(rt.settings)
    scheduler.start()
    return scheduler


def restart_in_place() -> None:
    """Replace this process with a fresh one (same pid, same arguments): every thread and job
    stops now, the lock connection closes, and the new process waits as a standby."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # an ignored signal stays ignored
        signal.signal(stop_signal, signal.SIG_DFL)      # across exec: Ctrl-C must work again
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])


@click.command("worker")
@with_appcontext
def worker_command() -> None:
    """Run the scheduler; a second worker waits as a hot standby and takes over."""
    from web.cli import _check_startup

    _stop_on_sigterm()
    rt = get_runtime()
    _check_startup(rt.settings)
    ensure_model(rt)  # before waiting: a standby takes over without loading anything
    name = worker_name()
    leadership = Leadership(lock_for(rt.settings, name),
                            Timing(rt.settings.worker.takeover_delay_seconds))
    scheduler = None
    lost = False
    try:
        if leadership.acquire():
            scheduler = start_scheduler(rt)
            click.echo(f"scheduler running on {name} (Ctrl-C stops)")
            lost = not leadership.watch()
    except KeyboardInterrupt:
        pass
    finally:
        if lost:
            restart_in_place()  # at once: no waiting for running jobs
        _ignore_stop_signals()
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        leadership.close()
        click.echo("stopped")


@click.command("dispatch")
@with_appcontext
def dispatch_command() -> None:
    """Run an outbox dispatcher on its own; any number share the outbox (PostgreSQL)."""
    from responder.dispatch import dispatch
    from web.cli import _check_startup

    rt = get_runtime()
    _check_startup(rt.settings)
    interval = rt.settings.responder.dispatch_interval_seconds
    busy, stopping = False, False

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        if not busy:  # between rounds: stop now; within one, finish its posts and records
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"dispatcher {worker_name()} sending every {interval} s (Ctrl-C stops)")
    try:
        while not stopping:
            started = time.monotonic()
            busy = True
            try:
                report = dispatch(rt)
                if report.outcomes:
                    log.info("dispatched %s", report.outcomes)
            except Exception:  # noqa: BLE001 - a bad round must not end the dispatcher
                log.exception("dispatch round failed; the next one retries")
            finally:
                busy = False
            if not stopping:
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
    except KeyboardInterrupt:
        pass
    finally:
        _ignore_stop_signals()
        click.echo("stopped")


def register(cli: click.Group) -> None:
    cli.add_command(worker_command)
    cli.add_command(dispatch_command)
