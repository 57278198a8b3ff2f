"""SLA targets per urgency, counted in business hours by the core calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from earful.calendar import BusinessCalendar
from earful.settings import Settings


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
