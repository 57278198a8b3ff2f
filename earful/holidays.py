"""Holidays from an iCalendar file: the dates a business calendar is closed.

Only all-day events close days: a timed event (a meeting, a two-hour outage window) is ignored,
because closing its whole date would be wrong. DTEND is exclusive (an event from the 24th with
DTEND the 27th closes 24, 25 and 26); yearly RRULEs are expanded; folded lines are joined.
"""

from __future__ import annotations

import calendar as gregorian
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from earful.settings import SettingsError

_LAST_YEAR = 2100  # yearly holidays are expanded up to here
_RRULE_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYDAY", "WKST"}
_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")


def read_ical_dates(path: Path) -> set[date]:
    """The closed dates of an .ics file: all-day events up to DTEND, yearly RRULEs expanded."""
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"settings: calendar.holidays_ical: cannot read {path}: {exc}"
                            ) from exc
    dates: set[date] = set()
    for event in _events(content):
        try:
            dates |= _event_dates(event)
        except (ValueError, KeyError) as exc:
            summary = event.get("SUMMARY", ("", "?"))[1]
            raise SettingsError(f"settings: calendar.holidays_ical: {path}: event {summary!r}: "
                                f"{exc}") from exc
    return dates


def _events(content: str) -> Iterator[dict[str, tuple[str, str]]]:
    """Each VEVENT's own properties: name -> (parameters, value)."""
    unfolded = re.sub(r"\r?\n[ \t]", "", content)  # a continuation line starts with a space
    event: dict[str, tuple[str, str]] | None = None
    nested = 0  # inside a VALARM of the event
    for line in unfolded.splitlines():
        head, _, value = line.partition(":")
        name, _, params = head.partition(";")
        name, value = name.strip().upper(), value.strip()
        if name == "BEGIN":
            if event is not None:
                nested += 1
            elif value.upper() == "VEVENT":
                event = {}
        elif name == "END" and event is not None:
            if nested:
                nested -= 1
            else:
                yield event
                event = None
        elif event is not None and not nested:
            event.setdefault(name, (params.upper(), value))


def _event_dates(event: dict[str, tuple[str, str]]) -> set[date]:
    params, value = event.get("DTSTART", ("", ""))
    all_day = "VALUE=DATE" in params.split(";") or re.fullmatch(r"\d{8}", value)
    if not all_day or event.get("STATUS", ("", ""))[1].upper() == "CANCELLED":
        return set()
    first = _ical_date(value)
    length = 1
    if "DTEND" in event:  # exclusive: DTEND 20261227 after DTSTART 20261224 closes 24, 25, 26
        length = max(1, (_ical_date(event["DTEND"][1]) - first).days)
    elif "DURATION" in event:
        match = re.fullmatch(r"P(?:(\d+)W)?(?:(\d+)D)?", event["DURATION"][1].upper())
        if match is None or not any(match.groups()):
            raise ValueError(f"DURATION {event['DURATION'][1]!r} is not whole days")
        length = max(1, 7 * int(match[1] or 0) + int(match[2] or 0))
    starts = _yearly(first, event["RRULE"][1]) if "RRULE" in event else [first]
    return {begin + timedelta(days=n) for begin in starts for n in range(length)}


def _ical_date(value: str) -> date:
    return datetime.strptime(value[:8], "%Y%m%d").date()


def _yearly(first: date, rule: str) -> list[date]:
    """The dates of a FREQ=YEARLY rule from `first`, up to _LAST_YEAR."""
    parts = dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)
    if parts.get("FREQ") != "YEARLY":
        raise ValueError(f"RRULE {rule!r}: only FREQ=YEARLY is supported")
    if set(parts) - _RRULE_PARTS:
        raise ValueError(f"RRULE {rule!r}: {', '.join(sorted(set(parts) - _RRULE_PARTS))} "
                         "not supported")
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    until = _ical_date(parts["UNTIL"]) if "UNTIL" in parts else date(_LAST_YEAR, 12, 31)
    found: list[date] = []
    for year in range(first.year, _LAST_YEAR + 1, int(parts.get("INTERVAL", "1"))):
        for day in _in_year(year, first, parts):
            if day < first:
                continue
            if day > until or (count is not None and len(found) >= count):
                return found
            found.append(day)
    return found


def _in_year(year: int, first: date, parts: dict[str, str]) -> list[date]:
    """The days of `year` that a yearly rule's BYMONTH, BYMONTHDAY and BYDAY pick."""
    months = [int(m) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts \
        else [first.month]
    days: list[date] = []
    for month in months:
        length = gregorian.monthrange(year, month)[1]
        if "BYDAY" in parts:
            if "BYMONTH" not in parts:
                raise ValueError("BYDAY is supported only with BYMONTH")
            picked = set().union(*(_weekdays(year, month, length, spec)
                                   for spec in parts["BYDAY"].split(",")))
            if "BYMONTHDAY" in parts:
                picked &= {_month_day(year, month, length, d)
                           for d in parts["BYMONTHDAY"].split(",")}
        elif "BYMONTHDAY" in parts:
            picked = {_month_day(year, month, length, d) for d in parts["BYMONTHDAY"].split(",")}
        else:
            picked = {_month_day(year, month, length, str(first.day))}
        days += sorted(d for d in picked if d is not None)
    return days


def _weekdays(year: int, month: int, length: int, spec: str) -> set[date | None]:
    """BYDAY within a month: 'MO' every Monday, '4TH' the fourth Thursday, '-1MO' the last."""
    match = _BYDAY.fullmatch(spec.strip())
    if match is None:
        raise ValueError(f"BYDAY {spec!r} is not a weekday like MO, 4TH or -1MO")
    weekday = _ICAL_DAYS.index(match[2])
    matching = [date(year, month, d) for d in range(1, length + 1)
                if date(year, month, d).weekday() == weekday]
    if match[1] is None:
        return set(matching)
    nth = int(match[1])
    return {matching[nth - 1 if nth > 0 else nth]} if 0 < abs(nth) <= len(matching) else set()


def _month_day(year: int, month: int, length: int, text: str) -> date | None:
    """A day of the month (negative counts from the end), or None where the month has none."""
    day = int(text)
    day = day if day > 0 else length + 1 + day
    return date(year, month, day) if 1 <= day <= length else None
