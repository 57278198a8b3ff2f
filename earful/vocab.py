"""The work's vocabularies, defined once: every stage, form, filter and command uses these.

They are `StrEnum`s, so a member compares equal to (and is stored as) its plain text value.
"""

from __future__ import annotations

from enum import StrEnum


class Sentiment(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class Urgency(StrEnum):
    """Most urgent first: the order is the inbox's sort order (see URGENCY_RANK)."""

    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


URGENCY_RANK: dict[str, int] = {u.value: rank for rank, u in enumerate(Urgency)}
SENTIMENTS: tuple[str, ...] = tuple(s.value for s in Sentiment)
URGENCIES: tuple[str, ...] = tuple(u.value for u in Urgency)


class Complaint(StrEnum):
    """A complaint label as corrections store it and evaluation compares it (one spelling)."""

    TRUE = "true"
    FALSE = "false"

    @classmethod
    def of(cls, value: bool) -> Complaint:
        return cls.TRUE if value else cls.FALSE


class Status(StrEnum):
    """A mention's work state. OWN marks the brand's own posts: our side of a thread, never work."""

    NEW = "new"
    OPEN = "open"
    WAITING = "waiting"
    RESOLVED = "resolved"
    IGNORED = "ignored"
    OWN = "own"


OPEN_WORK: tuple[Status, ...] = (Status.NEW, Status.OPEN, Status.WAITING)
SETTABLE_STATUSES: tuple[Status, ...] = (Status.OPEN, Status.WAITING, Status.RESOLVED,
                                         Status.IGNORED)


class OutboxStatus(StrEnum):
    NEEDS_APPROVAL = "needs_approval"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class IncidentStatus(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class Impact(StrEnum):
    """How bad an incident is (Statuspage's scale)."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class ComponentStatus(StrEnum):
    """A component's state on the status page, best first (Statuspage's names)."""

    OPERATIONAL = "operational"
    DEGRADED = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    MAINTENANCE = "under_maintenance"


class AlertState(StrEnum):
    """A spike rule's state: clear, firing (alerted), cooldown (subsided, may not alert yet)."""

    CLEAR = "clear"
    FIRING = "firing"
    COOLDOWN = "cooldown"


class AlertKind(StrEnum):
    SPIKE = "spike"
    ALL_CLEAR = "all_clear"
    CRITICAL = "critical"
    DIGEST = "digest"


class MailStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Role(StrEnum):
    """Least to most privileged: a role has every right of the ones before it."""

    AGENT = "agent"
    LEAD = "lead"
    ADMIN = "admin"
