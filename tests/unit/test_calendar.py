"""Business-hours arithmetic for SLA targets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from earful.calendar import BusinessCalendar
from earful.settings import CalendarSettings, SettingsError

WEEKDAYS_9_TO_5 = CalendarSettings(timezone="Europe/Bucharest")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_minutes_inside_one_day() -> None:
    calendar = BusinessCalendar.from_settings(WEEKDAYS_9_TO_5)
    # Monday 2026-01-05 08:00 UTC is 10:00 in Bucharest (UTC+2 in winter).
    assert calendar.add_business_minutes(at("2026-01-05T08:00"), 30) == at("2026-01-05T08:30")


def test_friday_evening_rolls_to_monday() -> None:
    calendar = BusinessCalendar.from_settings(WEEKDAYS_9_TO_5)
    # Friday 16:50 local (14:50 UTC) + 30 business minutes = Monday 09:20 local (07:20 UTC).
    assert calendar.add_business_minutes(at("2026-01-09T14:50"), 30) == at("2026-01-12T07:20")


def test_holidays_are_closed(tmp_path: Path) -> None:
    settings = CalendarSettings(timezone="UTC", holidays=["2026-01-12"])
    calendar = BusinessCalendar.from_settings(settings)
    assert calendar.add_business_minutes(at("2026-01-09T16:50"), 30) == at("2026-01-13T09:20")


def test_ical_holidays(tmp_path: Path) -> None:
    ics = tmp_path / "holidays.ics"
    ics.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260112\n"
                   "SUMMARY:Holiday\nEND:VEVENT\nEND:VCALENDAR\n", encoding="utf-8")
    settings = CalendarSettings(timezone="UTC", holidays_ical="holidays.ics")
    calendar = BusinessCalendar.from_settings(settings, base_dir=tmp_path)
    assert not calendar.is_open(at("2026-01-12T10:00"))
    assert calendar.is_open(at("2026-01-13T10:00"))


def test_business_minutes_between_skips_weekend() -> None:
    calendar = BusinessCalendar.from_settings(CalendarSettings(timezone="UTC"))
    assert calendar.business_minutes_between(at("2026-01-09T16:00"), at("2026-01-12T10:00")) == 120
    assert calendar.business_minutes_between(at("2026-01-12T10:00"), at("2026-01-09T16:00")) == -120


def test_unreadable_ical_names_the_setting(tmp_path: Path) -> None:
    settings = CalendarSettings(timezone="UTC", holidays_ical=str(tmp_path / "nope.ics"))
    with pytest.raises(SettingsError, match="holidays_ical"):
        BusinessCalendar.from_settings(settings)
