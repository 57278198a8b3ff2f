"""Business hours: weekly opening spans in a time zone, minus holidays.

SLA targets are counted in business minutes of real elapsed time: a complaint at 16:50 on Friday
with a 30-minute target is due at 09:20 on Monday (or later, if Monday is a holiday), and an hour
the clocks skip or repeat counts as it passes, not as the wall clock reads.

A span is open at every instant whose local wall time falls inside it. Each local day's spans are
turned into UTC intervals once (exactly, across DST changes), and the arithmetic walks those.
Spans are minutes since local midnight: "24:00" is 1440, and an overnight span ("22:00-06:00")
ends past 1440 on the day it starts, so a holiday closes the spans that start on it. Overlapping
spans, on one day or an overnight span running into the next day's, count once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

from earful.holidays import read_ical_dates
from earful.settings import WEEKDAYS, CalendarSettings, SettingsError

Span = tuple[int, int]  # minutes since the local midnight of the day it starts; end <= 2880
Interval = tuple[datetime, datetime]  # UTC, half-open
Piece = tuple[datetime, datetime, timedelta]  # UTC stretch with one UTC offset

_DAY = 24 * 60
_SPAN = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_SEARCH_DAYS = 3 * 366  # a year of holidays cannot hold a due time back longer than this
_CACHED_DAYS = 20_000


@dataclass(frozen=True)
class BusinessCalendar:
    zone: ZoneInfo
    hours: dict[int, tuple[Span, ...]]  # weekday (0 = Monday) -> spans starting that day
    holidays: frozenset[date]
    _days: dict[date, tuple[Interval, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_settings(cls, settings: CalendarSettings, base_dir: Path | None = None
                      ) -> BusinessCalendar:
        hours = {}
        for day, text in settings.hours.items():
            try:
                hours[WEEKDAYS.index(day)] = parse_spans(text)
            except ValueError as exc:
                raise SettingsError(f"settings: calendar.hours.{day}: {exc}") from exc
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
        moment = moment.astimezone(UTC)
        first = next(self._open_from(moment, until=moment), None)
        return first is not None and first[0] == moment

    def add_business_minutes(self, start: datetime, minutes: float) -> datetime:
        """The moment `minutes` of open time after `start` (UTC in, UTC out)."""
        start = start.astimezone(UTC)
        remaining = timedelta(minutes=minutes)
        for begin, end in self._open_from(start):
            if remaining <= end - begin:  # landing exactly on a closing time is that moment
                return begin + remaining
            remaining -= end - begin
        raise ValueError("the calendar has no business hours in the next three years")

    def business_minutes_between(self, start: datetime, end: datetime) -> float:
        """Open minutes between two moments (negative when end is before start)."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)  # same-zone compares ignore fold
        if end < start:
            return -self.business_minutes_between(end, start)
        total = timedelta()
        for begin, finish in self._open_from(start, until=end):
            if begin >= end:
                break
            total += min(finish, end) - begin
        return total.total_seconds() / 60

    def _open_from(self, start: datetime, until: datetime | None = None) -> Iterator[Interval]:
        """Open time after `start` as ordered, disjoint UTC intervals (touching ones not merged)."""
        day = start.astimezone(self.zone).date() - timedelta(days=2)  # overnight spans reach in
        pending: list[Interval] = []
        done = start  # everything before this has been yielded (or lies before `start`)
        for _ in range(_SEARCH_DAYS):
            pending = sorted(pending + list(self._intervals_on(day)))
            # Later days open after their local midnight, and no UTC offset reaches a full day.
            settled = datetime.combine(day, time(0), UTC)
            while pending and pending[0][0] <= settled:
                begin, end = pending.pop(0)
                if end > done:  # overlaps (an overnight span into the next day) count once
                    yield max(begin, done), end
                    done = end
            if until is not None and settled > until:
                return
            day += timedelta(days=1)

    def _intervals_on(self, day: date) -> tuple[Interval, ...]:
        """The UTC intervals of the spans that start on local `day`."""
        cached = self._days.get(day)
        if cached is None:
            spans = () if day in self.holidays else self.hours.get(day.weekday(), ())
            midnight = datetime.combine(day, time(0))
            pieces = _pieces(self.zone, midnight) if spans else []
            cached = tuple(interval for begin, end in spans for interval in _preimage(
                pieces, midnight + timedelta(minutes=begin), midnight + timedelta(minutes=end)))
            if len(self._days) >= _CACHED_DAYS:
                self._days.clear()
            self._days[day] = cached
        return cached


def _pieces(zone: ZoneInfo, midnight: datetime) -> list[Piece]:
    """Constant-offset stretches of UTC covering the wall times of two days from `midnight`."""
    edges = [datetime.combine(midnight.date(), time(0), UTC) + timedelta(days=n)
             for n in range(-1, 4)]
    pieces = []
    begin, offset = edges[0], _offset(zone, edges[0])
    for low, high in pairwise(edges):
        while _offset(zone, high) != offset:  # the offset changed in (low, high]
            change = _first_change(zone, max(low, begin), high, offset)
            pieces.append((begin, change, offset))
            begin, offset = change, _offset(zone, change)
    pieces.append((begin, edges[-1], offset))
    return pieces


def _first_change(zone: ZoneInfo, low: datetime, high: datetime, offset: timedelta) -> datetime:
    """The first whole second in (low, high] at which the UTC offset is no longer `offset`."""
    before, after = 0, int((high - low).total_seconds())
    while after - before > 1:
        middle = (before + after) // 2
        if _offset(zone, low + timedelta(seconds=middle)) == offset:
            before = middle
        else:
            after = middle
    return low + timedelta(seconds=after)


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta()


def _preimage(pieces: list[Piece], begin: datetime, end: datetime) -> list[Interval]:
    """The UTC instants whose local wall time is in [begin, end) (naive), as merged intervals."""
    found: list[Interval] = []
    for low, high, offset in pieces:
        start = max(low, (begin - offset).replace(tzinfo=UTC))
        stop = min(high, (end - offset).replace(tzinfo=UTC))
        if start >= stop:
            continue
        if found and start <= found[-1][1]:
            found[-1] = (found[-1][0], max(found[-1][1], stop))
        else:
            found.append((start, stop))
    return found


def parse_spans(text: str) -> tuple[Span, ...]:
    """'08:00-12:00, 13:00-18:00' or '22:00-06:00' as merged minute spans (ValueError if not)."""
    spans = []
    for part in text.split(","):
        match = _SPAN.fullmatch(part.strip())
        if match is None:
            raise ValueError(f"{part.strip()!r} is not a span like '09:00-17:00' "
                             "(several: '08:00-12:00, 13:00-18:00'; overnight: '22:00-06:00')")
        begin, end = _minute(match[1], match[2]), _minute(match[3], match[4])
        if begin == _DAY:
            raise ValueError(f"{part.strip()!r} starts at 24:00; start it at 00:00")
        if begin == end:
            raise ValueError(f"{part.strip()!r} is empty (the whole day is '00:00-24:00')")
        spans.append((begin, end if end > begin else end + _DAY))
    merged: list[Span] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return tuple(merged)


def _minute(hours: str, minutes: str) -> int:
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > _DAY:
        raise ValueError(f"{hours}:{minutes} is not a time of day (00:00 to 24:00)")
    return value
