"""Dashboard figures (hand-built mentions, a frozen clock), the page, CSV export, SVG escaping."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from earful.clock import FrozenClock
from earful.runtime import Runtime
from earful.sla import SlaPolicy
from earful.work import measures as metrics
from earful.work.measures import DateRange
from tests.unit.lead_admin_support import add_user, client_as, make_app, mention
from web import charts
from web.dashboard import csv_cell, format_minutes, parse_range, to_csv

UTC_ZONE = ZoneInfo("UTC")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def monday_noon(clock: FrozenClock) -> FrozenClock:
    clock.set(at(12, 12))  # Monday 12 January 2026, business hours Mon-Fri 09-17 UTC
    return clock


@pytest.fixture
def answered(session: Session, monday_noon: FrozenClock) -> Session:
    """Five answered mentions, some across the weekend, and two unanswered."""
    cases = [  # created, answered, due, urgency -> business minutes
        (at(9, 16, 30), at(12, 9, 30), at(9, 17), "high"),    # 30 Fri + 30 Mon = 60, missed
        (at(10, 10), at(12, 9, 10), at(12, 9, 30), "normal"),  # Saturday: 10, met
        (at(8, 10), at(8, 12), at(8, 11), "normal"),           # 120, missed
        (at(7, 9), at(7, 9, 5), at(7, 9, 30), "critical"),     # 5, met
        (at(9, 15), at(12, 10), at(12, 11), "normal"),         # 120 Fri + 60 Mon = 180, met
    ]
    for created, responded, due, urgency in cases:
        mention(session, created_at=created, first_response_at=responded, sla_due_at=due,
                urgency=urgency, complaint=True)
    mention(session, created_at=at(12, 9), sla_due_at=at(12, 11), urgency="high")  # overdue
    mention(session, created_at=at(12, 10), sla_due_at=at(12, 13), urgency="low")  # pending
    session.commit()
    return session


def week() -> DateRange:
    return DateRange(date(2026, 1, 6), date(2026, 1, 12), UTC_ZONE)


def test_first_response_median_and_p90_count_business_minutes(answered: Session,
                                                                rt: Runtime) -> None:
    calendar = SlaPolicy.from_settings(rt.settings).calendar
    table = metrics.first_response_times(answered, week(), calendar)
    rows = {row[0]: row for row in table.rows}
    assert rows["all"] == ["all", 5, 60.0, 180.0]  # sorted 5, 10, 60, 120, 180
    assert rows["normal"] == ["normal", 3, 120.0, 180.0]
    assert rows["critical"] == ["critical", 1, 5.0, 5.0]
    assert rows["low"] == ["low", 0, None, None]


def test_percentile_is_nearest_rank() -> None:
    assert metrics.percentile([], 0.9) is None
    assert metrics.percentile([3.0, 1.0, 2.0], 0.9) == 3.0
    assert metrics.percentile([float(n) for n in range(1, 11)], 0.9) == 9.0


def test_sla_attainment_counts_late_and_overdue_as_missed(answered: Session) -> None:
    rows = {row[0]: row for row in metrics.sla_attainment(answered, week()).rows}
    assert rows["all"] == ["all", 3, 3, 1, 50.0]
    assert rows["high"] == ["high", 0, 2, 0, 0.0]
    assert rows["normal"] == ["normal", 2, 1, 0, 66.7]
    assert rows["low"] == ["low", 0, 0, 1, None]


def test_volume_sentiment_and_complaints(session: Session, monday_noon: FrozenClock) -> None:
    mention(session, created_at=at(6, 10), platform="x", sentiment="negative", complaint=True,
            urgency="high")
    mention(session, created_at=at(6, 11), platform="reddit", sentiment="positive")
    mention(session, created_at=at(12, 8), platform="x", sentiment="negative", complaint=True,
            urgency="critical")
    mention(session, created_at=at(12, 8), platform="x", status="own")  # our own post
    mention(session, created_at=at(5, 23), platform="x")  # before the range
    session.commit()
    volume = metrics.volume_by_platform(session, week())
    assert volume.columns == ["bucket", "reddit", "x"]
    assert len(volume.rows) == 7  # empty days still appear
    assert volume.rows[0] == ["2026-01-06", 1, 1] and volume.rows[-1] == ["2026-01-12", 0, 1]
    sentiment = metrics.sentiment_trend(session, week())
    assert sentiment.rows[0] == ["2026-01-06", 1, 0, 1, 50.0]
    complaints = metrics.complaints_by_urgency(session, week())
    assert complaints.rows == [["critical", 1], ["high", 1], ["normal", 0], ["low", 0]]


def test_days_are_local_to_the_team(session: Session, monday_noon: FrozenClock) -> None:
    mention(session, created_at=at(8, 3))  # 22:00 on Wednesday 7 January in New York
    session.commit()
    rng = DateRange(date(2026, 1, 7), date(2026, 1, 8), ZoneInfo("America/New_York"))
    rows = dict((row[0], row[1]) for row in metrics.volume_by_platform(session, rng).rows)
    assert rows["2026-01-07 22:00"] == 1  # two days or less: hourly buckets
    assert len(rows) == 48


def test_workload_counts_open_assigned(session: Session) -> None:
    ana = add_user(session, "agent", "ana", display_name="Ana")
    bo = add_user(session, "agent", "bo", display_name="Bo")
    add_user(session, "admin", "root")
    for status in ("open", "new", "resolved"):
        mention(session, assignee_id=ana.id, status=status)
    session.commit()
    assert metrics.workload(session).rows == [["Ana", 2], ["Bo", 0]]
    assert bo.id


def test_parse_range_defaults_and_errors(monday_noon: FrozenClock) -> None:
    rng, error = parse_range({}, UTC_ZONE)
    assert (rng.first, rng.last, error) == (date(2025, 12, 30), date(2026, 1, 12), None)
    _, error = parse_range({"from": "2026-01-10", "to": "2026-01-01"}, UTC_ZONE)
    assert error and "after" in error
    _, error = parse_range({"from": "yesterday"}, UTC_ZONE)
    assert error and "2026-01-31" in error


def test_svg_escapes_hostile_labels() -> None:
    svg = charts.line_chart("c1", "Volume <b>", ["2026-01-01", "<img src=x>"],
                            {"<script>alert(1)</script>": [1, 2]})
    svg += charts.bar_chart("c2", "Tags", ['"><script>x</script>'], [3])
    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert '<title id="c1-title">Volume &lt;b&gt;</title>' in svg
    assert "&#34;&gt;&lt;script&gt;" in svg


def test_csv_cells_never_become_formulas() -> None:
    assert csv_cell("=HYPERLINK(\"http://evil\")") == "'=HYPERLINK(\"http://evil\")"
    assert csv_cell("-3") == "-3" and csv_cell(None) == "" and csv_cell(4.5) == "4.5"
    table = metrics.Table("t", "T", ["agent", "n"], [["@ana", 1]])
    assert to_csv(table) == "agent,n\r\n'@ana,1\r\n"


def test_format_minutes() -> None:
    assert format_minutes(None) == "n/a"
    assert format_minutes(45) == "45 min" and format_minutes(185.4) == "3 h 05 min"


def test_dashboard_page_renders_charts_and_tables(answered: Session, rt: Runtime) -> None:
    mention(answered, created_at=at(12, 9, 30), platform="<script>")
    answered.commit()
    client = client_as(make_app(rt), rt, "lead")
    page = client.get("/dashboard?from=2026-01-06&to=2026-01-12").get_data(as_text=True)
    assert page.count("<svg") == 6 and '<title id="chart-volume-title">' in page
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "1 h 00 min" in page  # the median first response
    assert 'href="/dashboard.csv?metric=sla&amp;from=2026-01-06&amp;to=2026-01-12"' in page


def test_csv_export_matches_the_figures(answered: Session, rt: Runtime) -> None:
    client = client_as(make_app(rt), rt, "lead")
    response = client.get("/dashboard.csv?metric=first_response&from=2026-01-06&to=2026-01-12")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "earful-first_response-2026-01-06-2026-01-12.csv" in \
        response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["urgency", "responded", "median_minutes", "p90_minutes"]
    assert rows[1] == ["all", "5", "60.0", "180.0"]
    assert client.get("/dashboard.csv?metric=nope").status_code == 400
    assert client.get("/dashboard.csv?metric=sla&from=bad").status_code == 400
