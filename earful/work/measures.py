"""The team's measures (the dashboard, its CSV, the alert digest): plain functions over a
session and a date range, each returning a Table.

The page draws charts from these tables and shows them as data tables; /dashboard.csv writes the
same tables, so the two never disagree. Counting happens in SQL (GROUP BY over the indexed
`created_at` range); Python only regroups the hourly buckets into the team's local days.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from earful.calendar import BusinessCalendar
from earful.clock import now
from earful.models import Mention, User
from earful.vocab import OPEN_WORK, SENTIMENTS, URGENCY_RANK, Status

# Up to this many days the charts show hours; beyond it, one point per day stays readable.
HOURLY_UP_TO_DAYS = 2


@dataclass(frozen=True)
class DateRange:
    """Whole local days [first, last] in the team's time zone, as a UTC [start, end) window."""

    first: date
    last: date
    zone: ZoneInfo

    @classmethod
    def last_days(cls, days: int, zone: ZoneInfo, at: datetime | None = None) -> DateRange:
        """The `days` local days ending today."""
        today = (at or now()).astimezone(zone).date()
        return cls(today - timedelta(days=days - 1), today, zone)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), self.zone).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), self.zone).astimezone(UTC)

    @property
    def hourly(self) -> bool:
        return (self.last - self.first).days < HOURLY_UP_TO_DAYS

    def bucket_of(self, moment: datetime) -> str:
        """The label of the local bucket (day or hour) a UTC moment falls in."""
        local = moment.astimezone(self.zone)
        return local.strftime("%Y-%m-%d %H:00") if self.hourly else local.date().isoformat()

    def buckets(self) -> list[str]:
        """Every bucket label in the range, in order, so empty days still appear as zeros."""
        step = timedelta(hours=1) if self.hourly else timedelta(days=1)
        labels: list[str] = []
        moment = self.start
        while moment < self.end:
            label = self.bucket_of(moment)
            if label not in labels[-1:]:  # a DST fall-back hour repeats its label
                labels.append(label)
            moment += step
        return labels


@dataclass
class Table:
    """A figure as rows: the chart source, the HTML table fallback and the CSV export."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def hour_bucket(column: Any, dialect: str) -> ColumnElement[Any]:
    """A portable hour truncation; times are stored as naive UTC on both databases."""
    if dialect == "postgresql":
        return func.date_trunc("hour", column)
    return func.strftime("%Y-%m-%d %H:00:00", column)


def _as_utc(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC)


def _in_range(rng: DateRange) -> ColumnElement[bool]:
    return and_(Mention.created_at >= rng.start, Mention.created_at < rng.end,
                Mention.status != Status.OWN)


def _series_by_bucket(session: Session, rng: DateRange, key: Any,
                      *where: ColumnElement[bool]) -> dict[str, dict[str, int]]:
    """{bucket label: {key value: count}} from one GROUP BY (hour, key) query."""
    hour = hour_bucket(Mention.created_at, session.get_bind().dialect.name).label("hour")
    query = (select(hour, key, func.count()).where(_in_range(rng), *where)
             .group_by(hour, key))
    counts: dict[str, dict[str, int]] = {label: {} for label in rng.buckets()}
    for bucket, value, count in session.execute(query):
        cell = counts.setdefault(rng.bucket_of(_as_utc(bucket)), {})
        cell[str(value)] = cell.get(str(value), 0) + count
    return counts


def volume_by_platform(session: Session, rng: DateRange) -> Table:
    """Mentions per platform per bucket."""
    counts = _series_by_bucket(session, rng, Mention.platform)
    platforms = sorted({p for cell in counts.values() for p in cell})
    rows = [[label, *(cell.get(p, 0) for p in platforms)] for label, cell in counts.items()]
    return Table("volume", "Volume by platform", ["bucket", *platforms], rows)


def sentiment_trend(session: Session, rng: DateRange) -> Table:
    """Mentions per sentiment per bucket, with the negative share in percent."""
    counts = _series_by_bucket(session, rng, Mention.sentiment)
    rows = []
    for label, cell in counts.items():
        values = [cell.get(s, 0) for s in SENTIMENTS]
        total = sum(values)
        share = round(100 * values[0] / total, 1) if total else 0.0
        rows.append([label, *values, share])
    return Table("sentiment", "Sentiment trend", ["bucket", *SENTIMENTS, "negative_pct"], rows)


def complaints_by_urgency(session: Session, rng: DateRange) -> Table:
    """Complaints in the range per urgency, most urgent first."""
    query = (select(Mention.urgency, func.count())
             .where(_in_range(rng), Mention.complaint.is_(True)).group_by(Mention.urgency))
    found = {str(urgency): count for urgency, count in session.execute(query)}
    rows = [[u, found.get(u, 0)] for u in URGENCY_RANK]
    rows += [[u, c] for u, c in sorted(found.items()) if u not in URGENCY_RANK]
    return Table("complaints", "Complaints by urgency", ["urgency", "complaints"], rows)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (an observed value, never an interpolated one)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def first_response_times(session: Session, rng: DateRange, calendar: BusinessCalendar) -> Table:
    """Median and p90 first-response time in business minutes, overall and per urgency."""
    # Business minutes depend on opening hours and holidays, which SQL cannot know, so the two
    # timestamps of answered mentions are read; answered mentions are bounded by what staff can
    # reply to, unlike the mention volume itself.
    query = (select(Mention.urgency, Mention.created_at, Mention.first_response_at)
             .where(_in_range(rng), Mention.first_response_at.is_not(None)))
    minutes: dict[str, list[float]] = {u: [] for u in URGENCY_RANK}
    for urgency, created, answered in session.execute(query):
        spent = max(0.0, calendar.business_minutes_between(created, answered))
        minutes.setdefault(str(urgency), []).append(spent)
    everything = [m for values in minutes.values() for m in values]
    rows = [_response_row("all", everything)]
    rows += [_response_row(u, values) for u, values in minutes.items()]
    return Table("first_response", "First response time (business minutes)",
                 ["urgency", "responded", "median_minutes", "p90_minutes"], rows)


def _response_row(label: str, values: list[float]) -> list[Any]:
    median = round(statistics.median(values), 1) if values else None
    p90 = percentile(values, 0.9)
    return [label, len(values), median, None if p90 is None else round(p90, 1)]


def sla_attainment(session: Session, rng: DateRange, at: datetime | None = None) -> Table:
    """First responses before `sla_due_at`: met, missed (late or overdue), pending, percent met."""
    at = at or now()
    answered = Mention.first_response_at.is_not(None)
    met = and_(answered, Mention.first_response_at <= Mention.sla_due_at)
    missed = or_(and_(answered, Mention.first_response_at > Mention.sla_due_at),
                 and_(Mention.first_response_at.is_(None), Mention.sla_due_at < at))
    query = (select(Mention.urgency,
                    func.sum(case((met, 1), else_=0)),
                    func.sum(case((missed, 1), else_=0)),
                    func.count())
             .where(_in_range(rng), Mention.sla_due_at.is_not(None)).group_by(Mention.urgency))
    found = {str(u): (int(m or 0), int(x or 0), int(n)) for u, m, x, n in session.execute(query)}
    order = [*URGENCY_RANK, *sorted(set(found) - set(URGENCY_RANK))]
    rows = [_sla_row(u, *found.get(u, (0, 0, 0))) for u in order]
    totals = [sum(row[i] for row in rows) for i in (1, 2, 3)]
    rows.insert(0, _sla_row("all", totals[0], totals[1], totals[0] + totals[1] + totals[2]))
    return Table("sla", "SLA attainment (first response)",
                 ["urgency", "met", "missed", "pending", "attainment_pct"], rows)


def _sla_row(label: str, met: int, missed: int, total: int) -> list[Any]:
    decided = met + missed
    return [label, met, missed, total - decided,
            round(100 * met / decided, 1) if decided else None]


def workload(session: Session) -> Table:
    """Open assigned conversations per active staff member (current state, not ranged)."""
    query = (select(Mention.assignee_id, func.count())
             .where(Mention.assignee_id.is_not(None), Mention.status.in_(OPEN_WORK))
             .group_by(Mention.assignee_id))
    counts: dict[int, int] = {uid: n for uid, n in session.execute(query)}
    users = session.execute(select(User.id, User.display_name, User.username, User.role)
                            .where(User.active.is_(True))).all()
    rows = [[display or username, counts.get(uid, 0)] for uid, display, username, role in users
            if counts.get(uid) or role != "admin"]
    rows.sort(key=lambda row: (-row[1], str(row[0]).lower()))
    return Table("workload", "Workload per agent (open, assigned)", ["agent", "open_assigned"],
                 rows)


METRICS = ("volume", "sentiment", "complaints", "first_response", "sla", "workload")


def compute(name: str, session: Session, rng: DateRange, calendar: BusinessCalendar) -> Table:
    """One figure by name (the CSV export's ?metric=)."""
    if name == "volume":
        return volume_by_platform(session, rng)
    if name == "sentiment":
        return sentiment_trend(session, rng)
    if name == "complaints":
        return complaints_by_urgency(session, rng)
    if name == "first_response":
        return first_response_times(session, rng, calendar)
    if name == "sla":
        return sla_attainment(session, rng)
    if name == "workload":
        return workload(session)
    raise KeyError(name)
