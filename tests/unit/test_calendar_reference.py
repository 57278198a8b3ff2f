"""The calendar against a minute-by-minute reference, around every 2026 clock change.

The reference shares no code with earful/calendar.py: for each UTC minute it asks whether the
local wall time falls in a span of a non-holiday day (an overnight span belongs to the day it
starts on) and counts open minutes. Windows are a week long so the suite stays fast.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from earful.calendar import BusinessCalendar
from earful.settings import CalendarSettings

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTE = timedelta(minutes=1)
SCHEDULES = {
    "24/7": dict.fromkeys(DAYS, "00:00-24:00"),
    "9-17 weekdays": dict.fromkeys(DAYS[:5], "09:00-17:00"),
    "split days": dict.fromkeys(DAYS, "08:00-12:00, 13:00-18:00"),
    "overnight": dict.fromkeys(DAYS, "22:00-06:00"),
    # Spans that open and close inside the skipped and the repeated hours of all three zones.
    "edges in the changed hours": dict.fromkeys(DAYS, "01:30-02:30, 03:30-18:00, 21:00-24:00"),
}
# Local dates of the 2026 changes (spring forward, fall back). Sydney's are in October and April.
CHANGES = {
    "Europe/Bucharest": (date(2026, 3, 29), date(2026, 10, 25)),
    "America/New_York": (date(2026, 3, 8), date(2026, 11, 1)),
    "Australia/Sydney": (date(2026, 10, 4), date(2026, 4, 5)),
}


class Reference:
    """Open or closed for each UTC minute of a window, decided on the local wall clock."""

    def __init__(self, zone: str, hours: dict[str, str], holidays: set[date], first: datetime,
                 days: int) -> None:
        self.zone, self.holidays, self.first = ZoneInfo(zone), holidays, first
        self.spans = {DAYS.index(day): [_minutes(span) for span in text.split(",")]
                      for day, text in hours.items()}
        self.opened = [self._open_at(first + n * MINUTE) for n in range(days * 24 * 60)]
        self.counted = list(accumulate(self.opened, initial=0))

    def _open_at(self, moment: datetime) -> bool:
        wall = moment.astimezone(self.zone)
        minute = wall.hour * 60 + wall.minute  # of the wall-clock day
        for day, since_midnight in ((wall.date(), minute),
                                    (wall.date() - timedelta(days=1), minute + 24 * 60)):
            if day in self.holidays:
                continue
            for start, end in self.spans.get(day.weekday(), []):
                if end <= start:  # overnight: ends the next day
                    end += 24 * 60
                if start <= since_midnight < end:
                    return True
        return False

    def index(self, moment: datetime) -> int:
        offset = moment.astimezone(UTC) - self.first
        assert offset % MINUTE == timedelta() and 0 <= offset // MINUTE < len(self.opened)
        return offset // MINUTE

    def add(self, start: datetime, minutes: int) -> datetime:
        """The first minute boundary after `start` with `minutes` open minutes behind it."""
        i = self.index(start)
        j = bisect_left(self.counted, self.counted[i] + minutes, lo=i)
        assert j < len(self.counted), "the window is too short for this case"
        return self.first + j * MINUTE

    def between(self, start: datetime, end: datetime) -> int:
        return self.counted[self.index(end)] - self.counted[self.index(start)]

    def to_next_close(self, start: datetime) -> int | None:
        """Open minutes from `start` to the next closing time (a due time landing on it)."""
        i = self.index(start)
        while i < len(self.opened) and not self.opened[i]:
            i += 1
        k = i
        while k < len(self.opened) and self.opened[k]:
            k += 1
        if k >= len(self.opened):
            return None
        return self.counted[k] - self.counted[self.index(start)]

    def boundaries(self) -> list[datetime]:
        """Every opening and closing moment in the window."""
        return [self.first + n * MINUTE for n in range(1, len(self.opened))
                if self.opened[n] != self.opened[n - 1]]


def _minutes(span: str) -> tuple[int, int]:
    """'22:00-06:00' as (1320, 360): minutes since midnight, as written."""
    start, end = ((int(text.split(":")[0]) * 60 + int(text.split(":")[1]))
                  for text in span.strip().split("-"))
    return start, end


def _check(calendar: BusinessCalendar, reference: Reference, starts: list[datetime]) -> None:
    """Due times and elapsed business minutes agree with the reference from every start."""
    for start in starts:
        targets = [1, 20, 90, 600]
        to_close = reference.to_next_close(start)
        if to_close is not None:
            targets.append(to_close)
        for minutes in targets:
            due = calendar.add_business_minutes(start, minutes)
            assert due == reference.add(start, minutes), (start, minutes)
            assert due >= start
            assert calendar.business_minutes_between(start, due) == minutes, (start, minutes)
        later = start + timedelta(minutes=397)
        assert calendar.business_minutes_between(start, later) == reference.between(start, later)
        assert calendar.is_open(start) == reference.opened[reference.index(start)], start


def _calendar(zone: str, hours: dict[str, str], **more: object) -> BusinessCalendar:
    return BusinessCalendar.from_settings(CalendarSettings(timezone=zone, hours=hours, **more))


@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize("zone", CHANGES)
@pytest.mark.parametrize("change", [0, 1], ids=["spring", "autumn"])
def test_clock_changes_match_the_reference(zone: str, schedule: str, change: int) -> None:
    hours = SCHEDULES[schedule]
    day = CHANGES[zone][change]
    first = datetime.combine(day - timedelta(days=2), time(0), UTC)
    reference = Reference(zone, hours, set(), first, days=6)
    calendar = _calendar(zone, hours)
    # Every 25 minutes across the change night, and every opening and closing in the window.
    night = datetime.combine(day - timedelta(days=1), time(12), UTC)
    starts = [night + n * timedelta(minutes=25) for n in range(0, 24 * 60 // 25)]
    starts += [moment for moment in reference.boundaries() if moment < first + timedelta(days=3)]
    _check(calendar, reference, starts)


@pytest.mark.parametrize("fold", [0, 1])
@pytest.mark.parametrize("schedule", ["24/7", "edges in the changed hours"])
def test_starts_inside_the_repeated_hour(fold: int, schedule: str) -> None:
    zone = "Europe/Bucharest"
    hours = SCHEDULES[schedule]
    reference = Reference(zone, hours, set(), datetime(2026, 10, 23, tzinfo=UTC), days=5)
    calendar = _calendar(zone, hours)
    starts = [datetime(2026, 10, 25, 3, minute, fold=fold, tzinfo=ZoneInfo(zone))
              for minute in (0, 10, 29, 30, 50, 59)]
    _check(calendar, reference, starts)


def test_a_twenty_minute_target_in_the_repeated_hour_is_twenty_minutes_away() -> None:
    calendar = _calendar("Europe/Bucharest", SCHEDULES["24/7"])
    for fold in (0, 1):
        start = datetime(2026, 10, 25, 3, 10, fold=fold, tzinfo=ZoneInfo("Europe/Bucharest"))
        due = calendar.add_business_minutes(start, 20)
        assert due == start.astimezone(UTC) + timedelta(minutes=20)
        # Ten minutes after arrival the inbox shows ten minutes left, not "overdue 50m".
        assert calendar.business_minutes_between(start.astimezone(UTC) + 10 * MINUTE, due) == 10


@pytest.mark.parametrize("zone", CHANGES)
def test_a_24_7_day_of_a_clock_change_is_23_or_25_hours(zone: str) -> None:
    calendar = _calendar(zone, SCHEDULES["24/7"])
    for day, hours in zip(CHANGES[zone], (23, 25), strict=True):
        midnight = datetime.combine(day, time(0), ZoneInfo(zone))
        next_midnight = datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(zone))
        assert calendar.business_minutes_between(midnight, next_midnight) == hours * 60
        assert calendar.add_business_minutes(midnight, hours * 60) == next_midnight


ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\n"
    "SUMMARY:Christmas, closed\r\n  for three days\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nDTSTART:20200101\r\nRRULE:FREQ=YEARLY;UNTIL=20301231\r\n"
    "SUMMARY:New Year\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)
ICS_HOLIDAYS = {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)}


@pytest.mark.parametrize("schedule", ["9-17 weekdays", "split days", "overnight", "24/7"])
def test_ics_holidays_match_the_reference(tmp_path: Path, schedule: str) -> None:
    (tmp_path / "holidays.ics").write_text(ICS, encoding="utf-8", newline="")
    zone, hours = "Europe/Bucharest", SCHEDULES[schedule]
    first = datetime(2026, 12, 21, tzinfo=UTC)
    reference = Reference(zone, hours, ICS_HOLIDAYS, first, days=14)
    calendar = BusinessCalendar.from_settings(
        CalendarSettings(timezone=zone, hours=hours, holidays_ical="holidays.ics"), tmp_path)
    starts = [first + n * timedelta(hours=7, minutes=5) for n in range(26)]
    starts += [moment for moment in reference.boundaries() if moment < first + timedelta(days=9)]
    _check(calendar, reference, starts)


def test_an_overnight_span_belongs_to_the_day_it_starts_on(tmp_path: Path) -> None:
    (tmp_path / "holidays.ics").write_text(ICS, encoding="utf-8", newline="")
    calendar = BusinessCalendar.from_settings(CalendarSettings(
        timezone="UTC", hours=SCHEDULES["overnight"], holidays_ical="holidays.ics"), tmp_path)
    assert calendar.is_open(datetime(2026, 12, 24, 5, 59, tzinfo=UTC))  # the 23rd's night
    assert not calendar.is_open(datetime(2026, 12, 24, 22, 0, tzinfo=UTC))
    assert not calendar.is_open(datetime(2026, 12, 27, 5, 0, tzinfo=UTC))  # the 26th's night
    assert calendar.is_open(datetime(2026, 12, 27, 22, 0, tzinfo=UTC))
