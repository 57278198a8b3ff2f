"""The leads' dashboard: charts of the figures in web.metrics, and the same figures as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from markupsafe import Markup

from earful.vocab import SENTIMENTS
from earful.work import measures as metrics
from earful.work.csat import csat_summary
from earful.work.measures import DateRange, Table
from web import charts
from web.auth import role_required
from web.db import get_db, get_runtime
from web.params import BadParam, choice, date_arg

bp = Blueprint("dashboard", __name__)
DEFAULT_DAYS = 14
MAX_DAYS = 366  # bounds the work one request can ask of the database
# A spreadsheet runs a cell starting with one of these as a formula; names come from strangers.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def parse_range(args: Mapping[str, str], calendar_zone: Any) -> tuple[DateRange, str | None]:
    """The requested range (from/to as YYYY-MM-DD, local days), or the default and an error."""
    default = DateRange.last_days(DEFAULT_DAYS, calendar_zone)
    raw_from, raw_to = args.get("from", "").strip(), args.get("to", "").strip()
    if not raw_from and not raw_to:
        return default, None
    try:
        last = date_arg(raw_to, name="to") or default.last
        first = date_arg(raw_from, name="from") or last - timedelta(DEFAULT_DAYS - 1)
    except BadParam:
        return default, "Dates must look like 2026-01-31 (years 1970 to 2999)."
    if first > last:
        return default, "The start date must not be after the end date."
    if (last - first).days >= MAX_DAYS:
        return default, f"Choose at most {MAX_DAYS} days."
    return DateRange(first, last, calendar_zone), None


def _range_and_calendar() -> tuple[DateRange, Any, str | None]:
    calendar = get_runtime().sla.calendar
    rng, error = parse_range(request.args, calendar.zone)
    return rng, calendar, error


def _charts(tables: dict[str, Table]) -> dict[str, Markup]:
    """One chart per figure, drawn from the same table the page and the CSV show."""
    volume, sentiment = tables["volume"], tables["sentiment"]
    labels = [str(row[0]) for row in volume.rows]
    by_platform = {col: [row[i] for row in volume.rows]
                   for i, col in enumerate(volume.columns) if i}
    by_sentiment = {s: [row[i + 1] for row in sentiment.rows]
                    for i, s in enumerate(SENTIMENTS)}
    frt = [row for row in tables["first_response"].rows if row[0] != "all"]
    sla = [row for row in tables["sla"].rows if row[0] != "all"]
    complaints, load = tables["complaints"].rows, tables["workload"].rows
    return {
        "volume": charts.line_chart("chart-volume", volume.title, labels, by_platform),
        "sentiment": charts.line_chart("chart-sentiment", sentiment.title, labels, by_sentiment),
        "complaints": charts.bar_chart("chart-complaints", "Complaints by urgency",
                                       [r[0] for r in complaints], [r[1] for r in complaints]),
        "first_response": charts.bar_chart(
            "chart-first-response", "Median first response per urgency (business minutes)",
            [r[0] for r in frt], [r[2] for r in frt], " min"),
        "sla": charts.bar_chart("chart-sla", "SLA attainment per urgency",
                                [r[0] for r in sla], [r[4] for r in sla], "%"),
        "workload": charts.bar_chart("chart-workload", "Open assigned per agent",
                                     [str(r[0]) for r in load], [r[1] for r in load]),
    }


@bp.get("/dashboard")
@role_required("lead")
def index() -> Any:
    rng, calendar, error = _range_and_calendar()
    session = get_db()
    tables = {name: metrics.compute(name, session, rng, calendar) for name in metrics.METRICS}
    csat = (csat_summary(session, rng.start, rng.end)
            if get_runtime().settings.csat.enabled else None)
    return render_template("dashboard.html", rng=rng, error=error, tables=tables,
                           charts=_charts(tables), order=metrics.METRICS,
                           duration=format_minutes, csat=csat)


def format_minutes(minutes: float | None) -> str:
    """Business minutes for people: '45 min', '3 h 05 min'."""
    if minutes is None:
        return "n/a"
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(table: Table) -> str:
    """The table as CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


@bp.get("/dashboard.csv")
@role_required("lead")
def export() -> Any:
    name = choice(request.args.get("metric"), metrics.METRICS, name="metric")
    rng, calendar, error = _range_and_calendar()
    if error:
        abort(400, error)
    table = metrics.compute(name, get_db(), rng, calendar)
    filename = f"earful-{name}-{rng.first.isoformat()}-{rng.last.isoformat()}.csv"
    return Response(to_csv(table), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
