"""Scheduled jobs of the listener: plain module-level functions APScheduler can reference.

`poll(source_name)` fetches one source and stores what it found together with the source's new
cursor in a single transaction: a crash before the commit leaves the old cursor, and the next
poll fetches the same items again, which insert-or-ignore turns into no duplicates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError

from earful import runtime
from earful.clock import now
from earful.db import writing
from earful.models import Source
from earful.settings import Settings, SourceSettings
from earful.sla import SlaPolicy
from listener import health
from listener.ingest import IngestResult, ingest
from listener.platforms import PlatformError, RateLimited, get_adapter_class
from listener.platforms.base import FetchResult, Reader, describe_error

log = logging.getLogger(__name__)


@dataclass
class PollOutcome:
    source: str
    status: str  # stored | paused | waiting | over_budget | failed | rate_limited
    result: IngestResult | None = None
    message: str = ""


def configured_sources(settings: Settings) -> list[SourceSettings]:
    """The sources to poll: those in settings, or the demo source when it is active."""
    sources = list(settings.sources)
    if settings.demo_active:
        sources.append(SourceSettings(name="demo", platform="demo",
                                      interval_seconds=settings.demo.interval_seconds))
    return sources


def source_config(settings: Settings, name: str) -> SourceSettings:
    for config in configured_sources(settings):
        if config.name == name:
            return config
    raise KeyError(f"no source named {name!r} in settings")


def reader_for(config: SourceSettings, rt: runtime.Runtime) -> Reader:
    """The adapter for a source: one injected by a test, or built from settings."""
    injected = rt.readers.get(config.name)
    if injected is not None:
        return injected  # type: ignore[no-any-return]
    adapter_class: Any = get_adapter_class(config.platform)
    return adapter_class.from_settings(config, rt.settings)  # type: ignore[no-any-return]


def poll(source_name: str, force: bool = False) -> PollOutcome:
    """Poll one source once (the scheduled job); `force` ignores backoff and pause."""
    rt = runtime.current()
    config = source_config(rt.settings, source_name)
    with writing(rt.sessions) as session:
        row = health.sync_sources(session, [config])[0]
        waiting = _why_not_now(row, config, force)
        cursor = row.cursor
    if waiting:
        return PollOutcome(source_name, waiting[0], message=waiting[1])
    try:
        fetched = reader_for(config, rt).fetch_mentions(config, cursor)
    except RateLimited as exc:
        return _failed(rt, config, "rate_limited", str(exc), exc.reset_at)
    except PlatformError as exc:
        return _failed(rt, config, "failed", str(exc))
    except requests.RequestException as exc:
        return _failed(rt, config, "failed", describe_error(exc))
    except Exception as exc:
        # A bug in an adapter or a library meeting a payload it cannot read: the source's
        # health says so and it backs off like any failure, instead of the job dying unseen
        # at every interval. Nothing was stored, so the cursor still covers the items.
        log.exception("%s: unexpected error while fetching", source_name)
        return _failed(rt, config, "failed", f"unexpected error: {describe_error(exc)}")
    return _store(rt, config, fetched)


def _why_not_now(row: Source, config: SourceSettings, force: bool) -> tuple[str, str] | None:
    if force:
        return None
    if row.paused:
        return "paused", "paused by an admin"
    if row.next_poll_at is not None and now() < row.next_poll_at and row.consecutive_failures:
        return "waiting", f"backing off until {row.next_poll_at.isoformat()}"
    if row.rate_limited_until is not None and now() < row.rate_limited_until:
        return "waiting", f"rate limited until {row.rate_limited_until.isoformat()}"
    spent = health.over_budget(row, config)
    if spent:
        return "over_budget", spent
    return None


def _store(rt: runtime.Runtime, config: SourceSettings, fetched: FetchResult) -> PollOutcome:
    """Store the batch with its cursor; a row the database refuses is skipped, not the batch."""
    policy = rt.sla
    try:
        try:
            result = _store_batch(rt, config, fetched, policy, one_by_one=False)
        except (IntegrityError, DataError) as exc:
            log.warning("%s: the database refused the batch (%s); storing item by item",
                        config.name, exc.__class__.__name__)
            result = _store_batch(rt, config, fetched, policy, one_by_one=True)
    except Exception as exc:
        # The cursor did not move, so nothing is lost: note it where admins look, then let the
        # scheduler log the traceback. Retried at the normal interval, not backed off.
        try:
            _failed(rt, config, "failed", f"could not store: {describe_error(exc)}",
                    backoff=False)
        except Exception as also:  # still locked, or full: the log is all that is left
            log.error("%s: could not note the failure in the source's health either: %s",
                      config.name, describe_error(also))
        raise
    if result.rejected:
        log.warning("%s: skipped %d malformed item(s)", config.name, len(result.rejected))
    # A quiet poll is the normal case: only news is worth a line at INFO.
    log.log(logging.INFO if result.stored else logging.DEBUG,
            "%s: stored %d new mention(s), %d already known", config.name, result.stored,
            result.duplicates)
    status = "rate_limited" if fetched.rate_limited_until else "stored"
    return PollOutcome(config.name, status, result)


def _store_batch(rt: runtime.Runtime, config: SourceSettings, fetched: FetchResult,
                 policy: SlaPolicy, one_by_one: bool) -> IngestResult:
    limit = rt.settings.listener.max_text_chars
    with writing(rt.sessions) as session:
        row = session.scalars(select(Source).where(Source.name == config.name)).one()
        if not one_by_one:
            result = ingest(session, fetched.records, model=rt.model, sla=policy,
                            source_id=row.id, max_text_chars=limit)
        else:
            result = IngestResult()
            for record in fetched.records:
                try:
                    with session.begin_nested():  # a savepoint per item
                        result.merge(ingest(session, [record], model=rt.model, sla=policy,
                                            source_id=row.id, max_text_chars=limit))
                except (IntegrityError, DataError) as exc:
                    ident = str(getattr(record, "external_id", "?"))[:80]
                    log.warning("%s: the database refused %s: %s", config.name, ident, exc)
                    result.rejected.append((ident, "refused by the database"))
        for skipped in fetched.skipped:
            result.rejected.append(("?", skipped))
        row.cursor = fetched.cursor
        health.count_requests(row, fetched.requests)
        health.record_success(row, result.stored, config.interval_seconds,
                              fetched.rate_limited_until)
    return result


def _failed(rt: runtime.Runtime, config: SourceSettings, status: str, message: str,
            retry_at: Any = None, backoff: bool = True) -> PollOutcome:
    log.warning("%s: %s", config.name, message)
    with writing(rt.sessions) as session:
        row = session.scalars(select(Source).where(Source.name == config.name)).one()
        health.count_requests(row, 1)  # a refused request still counts against a budget
        health.record_failure(row, message, config.interval_seconds,
                              rt.settings.listener.max_backoff_seconds, retry_at,
                              backoff=backoff)
    return PollOutcome(config.name, status, message=message)


