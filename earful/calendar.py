"""Business hours: weekly opening hours in a time zone, minus holidays.

SLA targets are counted in business minutes: a complaint at 16:50 on Friday with a 30-minute
target is due at 09:20 on Monday (or later, if Monday is a holiday).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from earful.settings import WEEKDAYS, CalendarSettings, SettingsError

_ICAL_DATE = re.compile(r"^DTSTART(?:;[^:]*)?:(\d{8})", re.MULTILINE)


@dataclass(frozen=True)
class BusinessCalendar:
    zone: ZoneInfo
    hours: dict[int, tuple[time, time]]  # weekday (0 = Monday) -> opening span
    holidays: frozenset[date]

    @classmethod
    def from_settings(cls, settings: CalendarSettings, base_dir: Path | None = None
                      ) -> BusinessCalendar:
        hours = {WEEKDAYS.index(day): _span(text) for day, text in settings.hours.items()}
        holidays = set()
        for text in settings.holidays:
            try:
                holidays.add(date.fromisoformat(text))
            except ValueError as exc:
                raise SettingsError(f"settings: calendar.holidays: {text!r} is not YYYY-MM-DD"
                                    ) from exc
        if settings.holidays_ical:
            path = Path(settings.holidays_ical)
            if not path.is_absolute() and base_dir is not None:
                path = base_dir / path
            holidays |= read_ical_dates(path)
        return cls(ZoneInfo(settings.timezone), hours, frozenset(holidays))

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        span = self._span_on(local.date())
        return span is not None and span[0] <= local.timetz().replace(tzinfo=None) < span[1]

    def add_business_minutes(self, start: datetime, minutes: float) -> datetime:
        """The moment `minutes` of open time after `start` (UTC in, UTC out)."""
        remaining = timedelta(minutes=minutes)
        local = start.astimezone(self.zone)
        day = local.date()
        for _ in range(3 * 366):  # a year of holidays cannot hold us longer than this
            span = self._span_on(day)
            if span is not None:
                open_at = datetime.combine(day, span[0], self.zone)
                close_at = datetime.combine(day, span[1], self.zone)
                begin = max(open_at, local)
                if begin < close_at:
                    available = close_at - begin
                    if remaining <= available:
                        return (begin + remaining).astimezone(UTC)
                    remaining -= available
            day += timedelta(days=1)
            local = datetime.combine(day, time(0), self.zone)
        raise ValueError("the calendar has no business hours in the next three years")

    def business_minutes_between(self, start: datetime, end: datetime) -> float:
        """Open minutes between two moments (negative when end is before start)."""
        if end < start:
            return -self.business_minutes_between(end, start)
        total = timedelta()
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            span = self._span_on(day)
            if span is not None:
                open_at = datetime.combine(day, span[0], self.zone)
                close_at = datetime.combine(day, span[1], self.zone)
                begin, finish = max(open_at, start), min(close_at, end)
                if begin < finish:
                    total += finish - begin
            day += timedelta(days=1)
        return total.total_seconds() / 60

    def _span_on(self, day: date) -> tuple[time, time] | None:
        if day in self.holidays:
            return None
        return self.hours.get(day.weekday())


def _span(text: str) -> tuple[time, time]:
    start, end = (part.strip() for part in text.split("-"))
    return _time(start), _time(end)


def _time(text: str) -> time:
    if text == "24:00":
        return time(23, 59, 59, 999999)
    return time.fromisoformat(text)


def read_ical_dates(path: Path) -> set[date]:
    """The all-day dates (DTSTART) of an iCalendar file of holidays."""
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"settings: calendar.holidays_ical: cannot read {path}: {exc}"
                            ) from exc
    return {datetime.strptime(m, "%Y%m%d").date() for m in _ICAL_DATE.findall(content)}
