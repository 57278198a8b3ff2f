"""The source health banner on every page: staff must know when they are not seeing everything."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import Source
from earful.settings import Settings
from listener.jobs import configured_sources
from web.db import get_db, get_runtime


def _clock_time(moment: datetime, zone: ZoneInfo, today: datetime) -> str:
    """10:42 today, else 'Jan 04 10:42' so a week-old failure does not look fresh."""
    local = moment.astimezone(zone)
    if local.date() == today.astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%b %d %H:%M")


def source_problems(session: Session, settings: Settings,
                    at: datetime | None = None) -> list[str]:
    """One phrase per degraded configured source: failing, rate limited and/or paused."""
    at = at or now()
    zone = ZoneInfo(settings.calendar.timezone)
    # Rows of sources no longer in settings are history, not missing coverage.
    names = [config.name for config in configured_sources(settings)]
    rows = session.scalars(
        select(Source).where(Source.name.in_(names), or_(
            Source.paused.is_(True), Source.failing_since.is_not(None),
            Source.rate_limited_until > at)).order_by(Source.name)).all()
    problems = []
    for row in rows:
        parts = []
        if row.paused:
            parts.append("paused")
        if row.failing_since is not None:
            parts.append(f"failing since {_clock_time(row.failing_since, zone, at)}")
        if row.rate_limited_until is not None and row.rate_limited_until > at:
            parts.append(f"rate limited until {_clock_time(row.rate_limited_until, zone, at)}")
        problems.append(f"{row.name} {', '.join(parts)}")
    return problems


def banner_text(problems: list[str]) -> str | None:
    """'coverage degraded: x-brand failing since 10:42, rate limited until 10:57', or None."""
    return "coverage degraded: " + "; ".join(problems) if problems else None


def inject_banner() -> dict[str, Any]:
    """Context processor: the banner for signed-in staff (the sign-in page costs no query)."""
    if not current_user.is_authenticated:
        return {"health_banner": None}
    problems = source_problems(get_db(), get_runtime().settings)
    return {"health_banner": banner_text(problems)}


def init_app(app: Flask) -> None:
    app.context_processor(inject_banner)
