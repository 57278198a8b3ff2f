"""Business-hours arithmetic for SLA targets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from earful.calendar import BusinessCalendar, parse_spans
from earful.holidays import read_ical_dates
from earful.settings import CalendarSettings, SettingsError, load_settings

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


def test_a_24_00_span_is_open_to_its_last_instant() -> None:
    calendar = BusinessCalendar.from_settings(
        CalendarSettings(timezone="UTC", hours={"mon": "18:00-24:00"}))
    assert calendar.is_open(at("2026-01-05T23:59:59.999999"))
    assert not calendar.is_open(at("2026-01-06T00:00"))  # 24:00 itself: the span is half-open
    # A due time landing exactly at 24:00 is midnight, not the next Monday at 18:00.
    assert calendar.add_business_minutes(at("2026-01-05T23:00"), 60) == at("2026-01-06T00:00")


def test_whole_days_join_at_midnight() -> None:
    calendar = BusinessCalendar.from_settings(
        CalendarSettings(timezone="UTC", hours={"mon": "00:00-24:00", "tue": "00:00-24:00"}))
    assert calendar.is_open(at("2026-01-06T00:00"))
    assert calendar.add_business_minutes(at("2026-01-05T23:30"), 60) == at("2026-01-06T00:30")
    assert calendar.business_minutes_between(at("2026-01-05T00:00"), at("2026-01-07T00:00")) == 2880


def test_overnight_due_time_at_the_end_of_the_night_is_not_pushed_a_day() -> None:
    calendar = BusinessCalendar.from_settings(
        CalendarSettings(timezone="UTC", hours={"mon": "22:00-06:00", "tue": "22:00-06:00"}))
    assert calendar.add_business_minutes(at("2026-01-05T22:00"), 480) == at("2026-01-06T06:00")
    assert calendar.add_business_minutes(at("2026-01-06T05:00"), 120) == at("2026-01-06T23:00")
    assert calendar.is_open(at("2026-01-06T05:59"))
    assert not calendar.is_open(at("2026-01-06T06:00"))
    assert not calendar.is_open(at("2026-01-05T05:00"))  # Sunday night is closed


def test_split_days_skip_the_lunch_break() -> None:
    calendar = BusinessCalendar.from_settings(
        CalendarSettings(timezone="UTC", hours={"mon": "08:00-12:00, 13:00-18:00"}))
    assert calendar.add_business_minutes(at("2026-01-05T11:30"), 60) == at("2026-01-05T13:30")
    assert calendar.add_business_minutes(at("2026-01-05T11:00"), 60) == at("2026-01-05T12:00")
    assert not calendar.is_open(at("2026-01-05T12:30"))
    assert calendar.business_minutes_between(at("2026-01-05T07:00"), at("2026-01-05T19:00")) == 540


def test_overlapping_spans_are_merged() -> None:
    calendar = BusinessCalendar.from_settings(CalendarSettings(
        timezone="UTC", hours={"mon": "08:00-12:00, 11:00-13:00, 22:00-08:00",
                               "tue": "07:00-09:00"}))
    assert calendar.business_minutes_between(at("2026-01-05T00:00"), at("2026-01-05T23:00")) == 360
    # Monday's night runs into Tuesday's 07:00-09:00: an hour counted once.
    assert calendar.business_minutes_between(at("2026-01-05T22:00"), at("2026-01-06T12:00")) == 660


@pytest.mark.parametrize(("text", "spans"), [
    ("09:00-17:00", ((540, 1020),)),
    ("08:00-12:00, 13:00-18:00", ((480, 720), (780, 1080))),
    ("22:00-06:00", ((1320, 1800),)),
    ("18:00-00:00", ((1080, 1440),)),
    ("00:00-24:00", ((0, 1440),)),
    ("9:00 - 17:30", ((540, 1050),)),
])
def test_span_formats(text: str, spans: tuple[tuple[int, int], ...]) -> None:
    assert parse_spans(text) == spans


@pytest.mark.parametrize(("text", "says"), [
    ("9 to 5", "not a span"),
    ("09:00-17:00,", "not a span"),
    ("", "not a span"),
    ("09:00-25:00", "not a time of day"),
    ("09:60-17:00", "not a time of day"),
    ("24:00-06:00", "starts at 24:00"),
    ("09:00-09:00", "empty"),
])
def test_bad_hours_are_named_in_settings(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(f'[calendar]\nhours = {{ tue = "{text}" }}\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=rf"calendar\.hours\.tue: .*{says}"):
        load_settings(path)
    with pytest.raises(SettingsError, match=rf"calendar\.hours\.tue: .*{says}"):
        BusinessCalendar.from_settings(CalendarSettings(hours={"tue": text}))


def test_several_and_overnight_spans_pass_settings_validation(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('[calendar]\nhours = { mon = "08:00-12:00, 13:00-18:00", '
                    'fri = "22:00-06:00", sat = "00:00-24:00" }\n', encoding="utf-8")
    assert load_settings(path).calendar.hours["fri"] == "22:00-06:00"


def test_unknown_weekday_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="calendar.hours.monday"):
        BusinessCalendar.from_settings(CalendarSettings(hours={"monday": "09:00-17:00"}))


def _ics(tmp_path: Path, *events: str) -> Path:
    path = tmp_path / "holidays.ics"
    body = "".join(f"BEGIN:VEVENT\r\n{event}END:VEVENT\r\n" for event in events)
    path.write_text(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n",
                    encoding="utf-8", newline="")
    return path


def test_ical_multi_day_events_close_every_day_until_dtend(tmp_path: Path) -> None:
    path = _ics(tmp_path, "DTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\n",
                "DTSTART:20260501\r\nDURATION:P2D\r\n",
                "DTSTART;VALUE=DATE:20260601\r\n")  # no DTEND: one day
    assert read_ical_dates(path) == {date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26),
                                     date(2026, 5, 1), date(2026, 5, 2), date(2026, 6, 1)}


def test_ical_yearly_rules(tmp_path: Path) -> None:
    path = _ics(tmp_path, "DTSTART;VALUE=DATE:20240101\r\nRRULE:FREQ=YEARLY\r\n",
                "DTSTART;VALUE=DATE:20251201\r\nRRULE:FREQ=YEARLY;COUNT=2\r\n",
                "DTSTART;VALUE=DATE:20250704\r\nRRULE:FREQ=YEARLY;UNTIL=20270704T000000Z\r\n",
                "DTSTART;VALUE=DATE:20241128\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\n",
                "DTSTART;VALUE=DATE:20240527\r\nRRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO\r\n",
                "DTSTART;VALUE=DATE:20241224\r\nDTEND;VALUE=DATE:20241226\r\n"
                "RRULE:FREQ=YEARLY\r\n")
    dates = read_ical_dates(path)
    assert {date(2024, 1, 1), date(2026, 1, 1), date(2100, 1, 1)} <= dates
    assert date(2023, 1, 1) not in dates and date(2101, 1, 1) not in dates
    assert {d for d in dates if d.month == 12 and d.day == 1} == {date(2025, 12, 1),
                                                                  date(2026, 12, 1)}
    assert {d for d in dates if d.month == 7} == {date(2025, 7, 4), date(2026, 7, 4),
                                                  date(2027, 7, 4)}
    assert {date(2025, 11, 27), date(2026, 11, 26)} <= dates  # Thanksgiving
    assert {date(2025, 5, 26), date(2026, 5, 25)} <= dates  # Memorial Day
    assert {date(2030, 12, 24), date(2030, 12, 25)} <= dates
    assert date(2030, 12, 26) not in dates


def test_ical_folding_timed_and_cancelled_events(tmp_path: Path) -> None:
    path = _ics(tmp_path,
                "DTSTART;VALUE=DATE:20260303\r\nSUMMARY:A very long\r\n  summary\r\n",
                "DTSTART;VALUE=\r\n DATE:20260304\r\n",  # folded inside the property
                "DTSTART:20260305T090000Z\r\nDTEND:20260305T110000Z\r\n",  # timed: ignored
                "DTSTART;VALUE=DATE:20260306\r\nSTATUS:CANCELLED\r\n",
                "DTSTART;VALUE=DATE:20260307\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\n"
                "END:VALARM\r\n")
    assert read_ical_dates(path) == {date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 7)}


def test_unsupported_recurrence_is_named(tmp_path: Path) -> None:
    path = _ics(tmp_path, "DTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:Gym\r\n")
    with pytest.raises(SettingsError, match="holidays_ical.*'Gym'.*FREQ=YEARLY"):
        read_ical_dates(path)
