"""SLA time left or overdue, in business minutes, as the inbox and the conversation show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from earful.clock import now
from earful.models import Mention
from earful.sla import SlaPolicy, needs_answer
from earful.vocab import Status

# Counting business minutes walks the calendar day by day; past this, calendar days say enough.
_EXACT_WITHIN = timedelta(days=14)
_CLOSED = (Status.RESOLVED, Status.IGNORED, Status.OWN)


@dataclass(frozen=True)
class SlaState:
    overdue: bool
    minutes: float  # business minutes left (or overdue by), when counted
    label: str


def sla_state(policy: SlaPolicy, due: datetime | None, at: datetime | None = None
              ) -> SlaState | None:
    """Time left until `due` (or how far past it we are), in business time."""
    if due is None:
        return None
    at = at or now()
    if abs(due - at) > _EXACT_WITHIN:
        days = abs(due - at).days
        return SlaState(due < at, 0.0, f"overdue {days}d" if due < at else f"{days}d left")
    minutes = policy.calendar.business_minutes_between(at, due)
    if due <= at:
        return SlaState(True, -minutes, f"overdue {duration(-minutes)}")
    return SlaState(False, minutes, f"{duration(minutes)} left")


def duration(minutes: float) -> str:
    """Business minutes as '45m' or '3h 05m'."""
    whole = int(round(minutes))
    if whole < 60:
        return f"{whole}m"
    return f"{whole // 60}h {whole % 60:02d}m"


def resolution_due(policy: SlaPolicy, mention: Mention) -> datetime | None:
    """When the conversation should be resolved, if it is still open work that needs an answer."""
    if mention.status in _CLOSED or mention.deleted:
        return None
    if not needs_answer(mention.complaint, mention.urgency):
        return None
    return policy.resolution_due(mention.created_at, mention.urgency)


def first_response_state(policy: SlaPolicy, mention: Mention) -> SlaState | None:
    """The first-response clock, stopped once we answered (on the platform)."""
    if mention.first_response_at is not None:
        return None
    return sla_state(policy, mention.sla_due_at)
