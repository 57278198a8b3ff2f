"""Source rows: created from settings, carrying each source's cursor, pause flag and health."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import Source
from earful.settings import SourceSettings


def sync_sources(session: Session, sources: list[SourceSettings]) -> list[Source]:
    """Make sure every configured source has a row (keeping its cursor and health)."""
    rows = []
    for config in sources:
        row = session.scalar(select(Source).where(Source.name == config.name))
        watch = {"queries": config.queries, "subreddits": config.subreddits,
                 "hashtags": config.hashtags, "mentions": config.mentions,
                 "own_subreddits": config.own_subreddits,
                 "account": config.account}
        if row is None:
            row = Source(name=config.name, platform=config.platform, watch=watch)
            session.add(row)
        else:
            row.platform, row.watch = config.platform, watch
        rows.append(row)
    session.flush()
    return rows


def record_success(row: Source, stored: int, interval_seconds: int,
                   rate_limited_until: datetime | None = None) -> None:
    moment = now()
    row.last_poll_at = row.last_success_at = moment
    row.consecutive_failures = 0
    row.failing_since = None
    # A recovered source shows no error as current; last_error_at keeps when the last one was.
    row.last_error = None
    row.stored_total += stored
    row.rate_limited_until = rate_limited_until
    row.next_poll_at = rate_limited_until or moment + timedelta(seconds=interval_seconds)


def record_failure(row: Source, message: str, interval_seconds: int, max_backoff: int,
                   retry_at: datetime | None = None, rng: random.Random | None = None,
                   backoff: bool = True) -> None:
    """Note the error and back off exponentially with jitter (or until the platform's reset)."""
    moment = now()
    row.last_poll_at = row.last_error_at = moment
    row.last_error = message[:2000]
    row.consecutive_failures += 1
    row.failing_since = row.failing_since or moment
    if retry_at is not None:
        row.rate_limited_until = retry_at
        row.next_poll_at = retry_at
        return
    if not backoff:  # the scheduler's own interval paces the retry
        row.next_poll_at = None
        return
    delay = min(max_backoff, interval_seconds * 2 ** min(row.consecutive_failures, 16))
    jitter = (rng or random).uniform(0.5, 1.0)  # "equal jitter": spread retries, keep a floor
    row.next_poll_at = moment + timedelta(seconds=max(interval_seconds, delay * jitter))


def count_requests(row: Source, requests: int) -> None:
    """Keep per-day and per-month request counts for the optional budgets."""
    moment = now()
    day, month = moment.strftime("%Y-%m-%d"), moment.strftime("%Y-%m")
    if row.requests_day != day:
        row.requests_day, row.requests_today = day, 0
    if row.requests_month_key != month:
        row.requests_month_key, row.requests_month = month, 0
    row.requests_today += requests
    row.requests_month += requests


def over_budget(row: Source, config: SourceSettings) -> str | None:
    """Why the source must not poll now, if a request budget is spent."""
    moment = now()
    if (config.daily_request_budget and row.requests_day == moment.strftime("%Y-%m-%d")
            and row.requests_today >= config.daily_request_budget):
        return f"daily request budget of {config.daily_request_budget} spent"
    if (config.monthly_request_budget and row.requests_month_key == moment.strftime("%Y-%m")
            and row.requests_month >= config.monthly_request_budget):
        return f"monthly request budget of {config.monthly_request_budget} spent"
    return None
