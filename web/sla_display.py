"""SLA time left or overdue, in business minutes, as the inbox and conversation pages show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from earful.calendar import BusinessCalendar
from earful.clock import now
from earful.models import Mention
from earful.sla import needs_answer
from web.db import get_runtime

# Counting business minutes walks the calendar day by day; past this, calendar days say enough.
_EXACT_WITHIN = timedelta(days=14)


@dataclass(frozen=True)
class SlaState:
    overdue: bool
    minutes: float  # business minutes left (or overdue by), when counted
    label: str


def calendar() -> BusinessCalendar:
    """The business calendar, built once per app (an iCalendar file is read only once)."""
    cached = current_app.extensions.get("earful_calendar")
    if cached is None:
        settings = get_runtime().settings
        cached = BusinessCalendar.from_settings(settings.calendar, settings.base_dir)
        current_app.extensions["earful_calendar"] = cached
    return cached  # type: ignore[no-any-return]


def sla_state(due: datetime | None, at: datetime | None = None) -> SlaState | None:
    """Time left until `due` (or how far past it we are), in business time."""
    if due is None:
        return None
    at = at or now()
    if abs(due - at) > _EXACT_WITHIN:
        days = abs(due - at).days
        return SlaState(due < at, 0.0, f"overdue {days}d" if due < at else f"{days}d left")
    minutes = calendar().business_minutes_between(at, due)
    if due <= at:
        return SlaState(True, -minutes, f"overdue {_duration(-minutes)}")
    return SlaState(False, minutes, f"{_duration(minutes)} left")


def _duration(minutes: float) -> str:
    """Business minutes as '45m' or '3h 05m'."""
    whole = int(round(minutes))
    if whole < 60:
        return f"{whole}m"
    return f"{whole // 60}h {whole % 60:02d}m"


def resolution_due(mention: Mention) -> datetime | None:
    """When the conversation should be resolved, if it is still open work that needs an answer."""
    if mention.status in ("resolved", "ignored", "own") or mention.deleted:
        return None
    if not needs_answer(mention.complaint, mention.urgency):
        return None
    settings = get_runtime().settings
    minutes = settings.sla.resolution_minutes[mention.urgency]
    return calendar().add_business_minutes(mention.created_at, minutes)


def first_response_state(mention: Mention) -> SlaState | None:
    """The first-response clock, stopped once we answered."""
    if mention.first_response_at is not None:
        return None
    return sla_state(mention.sla_due_at)
