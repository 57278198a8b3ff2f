"""SLA targets per urgency, counted in business hours by the core calendar, and recomputing
stored due times after the calendar or the targets change (`earful sla recompute`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from earful.calendar import BusinessCalendar
from earful.models import Mention
from earful.settings import Settings
from earful.vocab import OPEN_WORK


@dataclass(frozen=True)
class SlaPolicy:
    calendar: BusinessCalendar
    first_response_minutes: dict[str, int]
    resolution_minutes: dict[str, int]

    @classmethod
    def from_settings(cls, settings: Settings) -> SlaPolicy:
        return cls(BusinessCalendar.from_settings(settings.calendar, settings.base_dir),
                   dict(settings.sla.first_response_minutes),
                   dict(settings.sla.resolution_minutes))

    def first_response_due(self, created_at: datetime, urgency: str) -> datetime:
        return self.calendar.add_business_minutes(created_at, self.first_response_minutes[urgency])

    def resolution_due(self, created_at: datetime, urgency: str) -> datetime:
        return self.calendar.add_business_minutes(created_at, self.resolution_minutes[urgency])


def needs_answer(complaint: bool, urgency: str) -> bool:
    """Complaints and anything above low urgency (questions) are owed a reply."""
    return complaint or urgency != "low"


_RECOMPUTE_BATCH = 1000


def recompute_due_times(session: Session, policy: SlaPolicy,
                        batch_size: int = _RECOMPUTE_BATCH) -> int:
    """Recompute first-response due times of work still owed a reply; the caller commits."""
    changed, last_id = 0, 0
    while True:
        # Keyset by id, so a million open mentions never load at once.
        rows = session.execute(
            select(Mention.id, Mention.created_at, Mention.complaint, Mention.urgency,
                   Mention.sla_due_at)
            .where(Mention.id > last_id, Mention.status.in_(OPEN_WORK),
                   Mention.first_response_at.is_(None))
            .order_by(Mention.id).limit(batch_size)).all()
        if not rows:
            return changed
        updates = []
        for row in rows:
            due = (policy.first_response_due(row.created_at, row.urgency)
                   if needs_answer(row.complaint, row.urgency) else None)
            if due != row.sla_due_at:
                updates.append({"id": row.id, "sla_due_at": due})
        if updates:
            session.execute(update(Mention), updates)
        changed += len(updates)
        last_id = rows[-1].id
