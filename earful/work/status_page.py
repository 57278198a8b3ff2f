"""The public status page's rules: what each component's status is, what the banner says, which
incidents and updates the public may see, and which language a visitor reads.

Flask-free, so the page, its feed, its JSON and any job agree. Only `public` incidents are ever
shown, with every update (each is a public message; an update's `publish` says only whether it
was posted to the platforms). Resolved incidents never change a component's status; a scheduled
maintenance counts only inside its window (before it, the page lists it as upcoming).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import Incident, IncidentUpdate
from earful.settings import Settings
from earful.vocab import ComponentStatus, Impact, IncidentStatus

HISTORY_DAYS = 90
# The worst wins; a maintenance outranks slowness but not an outage.
WORST_FIRST = (ComponentStatus.MAJOR_OUTAGE, ComponentStatus.PARTIAL_OUTAGE,
               ComponentStatus.MAINTENANCE, ComponentStatus.DEGRADED, ComponentStatus.OPERATIONAL)
_SEVERITY = {status: len(WORST_FIRST) - rank for rank, status in enumerate(WORST_FIRST)}
IMPACT_STATUS: dict[str, ComponentStatus] = {
    Impact.NONE.value: ComponentStatus.OPERATIONAL,
    Impact.MINOR.value: ComponentStatus.DEGRADED,
    Impact.MAJOR.value: ComponentStatus.PARTIAL_OUTAGE,
    Impact.CRITICAL.value: ComponentStatus.MAJOR_OUTAGE,
}
# Accept-Language is visitor input: bound the work, never trust the syntax.
_MAX_HEADER = 1024
_MAX_RANGES = 32
_RANGE = re.compile(r"[a-z]{1,8}(?:-[a-z0-9]{1,8})*|\*")


def is_maintenance(incident: Incident) -> bool:
    return incident.scheduled_start is not None


def maintenance_state(incident: Incident, at: datetime | None = None) -> str:
    """Statuspage's words: scheduled, in_progress, verifying (past its window), completed."""
    at = at or now()
    if incident.status == IncidentStatus.RESOLVED:
        return "completed"
    if incident.scheduled_start is not None and at < incident.scheduled_start:
        return "scheduled"
    if incident.scheduled_end is not None and at >= incident.scheduled_end:
        return "verifying"
    return "in_progress"


def effect_of(incident: Incident, at: datetime) -> ComponentStatus | None:
    """What an incident does to the components it names right now (None: nothing)."""
    if incident.status == IncidentStatus.RESOLVED or not incident.public:
        return None
    if is_maintenance(incident) and maintenance_state(incident, at) != "in_progress":
        return None
    return nominal_effect(incident)


def nominal_effect(incident: Incident) -> ComponentStatus:
    """The status an open incident gives its components (a maintenance: in its window)."""
    if is_maintenance(incident):
        return ComponentStatus.MAINTENANCE
    # The model's default impact is major; an unknown value must not hide an outage.
    return IMPACT_STATUS.get(incident.impact, ComponentStatus.PARTIAL_OUTAGE)


def worse(a: ComponentStatus, b: ComponentStatus) -> ComponentStatus:
    return a if _SEVERITY[a] >= _SEVERITY[b] else b


def names_of(incident: Incident) -> list[str]:
    """The component names an incident lists (a malformed value lists none)."""
    found = incident.components
    return [name for name in found if isinstance(name, str)] if isinstance(found, list) else []


def statuses_from(incidents: Iterable[Incident], components: list[str],
                  at: datetime) -> dict[str, ComponentStatus]:
    """Every configured component, in order: operational unless an incident says worse."""
    statuses = {name: ComponentStatus.OPERATIONAL for name in components}
    for incident in incidents:
        effect = effect_of(incident, at)
        if effect is None:
            continue
        for name in names_of(incident):
            if name in statuses:
                statuses[name] = worse(effect, statuses[name])
    return statuses


def component_statuses(session: Session, settings: Settings,
                       at: datetime | None = None) -> dict[str, ComponentStatus]:
    """Each configured component's status from the open public incidents."""
    incidents = public_incidents(session, open_only=True, since=None)
    return statuses_from(incidents, settings.incidents.components, at or now())


def overall(statuses: dict[str, ComponentStatus]) -> tuple[str, str]:
    """Statuspage's blended indicator and description for the component statuses."""
    values = list(statuses.values())
    if ComponentStatus.MAJOR_OUTAGE in values:
        if all(v == ComponentStatus.MAJOR_OUTAGE for v in values):
            return "critical", "Major System Outage"
        return "major", "Partial System Outage"
    if ComponentStatus.PARTIAL_OUTAGE in values:
        return "minor", "Minor Service Outage"
    if ComponentStatus.MAINTENANCE in values:
        return "maintenance", "Service Under Maintenance"
    if ComponentStatus.DEGRADED in values:
        return "minor", "Partially Degraded Service"
    return "none", "All Systems Operational"


def public_incidents(session: Session, *, open_only: bool,
                     since: datetime | None) -> list[Incident]:
    """Public incidents, newest first; open ones only, or those started since a time."""
    query = select(Incident).where(Incident.public.is_(True))
    if open_only:
        query = query.where(Incident.status != IncidentStatus.RESOLVED)
    if since is not None:
        query = query.where(Incident.started_at >= since)
    return list(session.scalars(query.order_by(Incident.started_at.desc(), Incident.id.desc())))


def updates_for(session: Session, incidents: Iterable[Incident]
                ) -> dict[int, list[IncidentUpdate]]:
    """The updates of each incident, newest first (an incident with none: [])."""
    ids = [incident.id for incident in incidents]
    found: dict[int, list[IncidentUpdate]] = {incident_id: [] for incident_id in ids}
    if not ids:
        return found
    rows = session.scalars(
        select(IncidentUpdate).where(IncidentUpdate.incident_id.in_(ids))
        .order_by(IncidentUpdate.created_at.desc(), IncidentUpdate.id.desc()))
    for row in rows:
        found[row.incident_id].append(row)
    return found


def recent_updates(session: Session, limit: int = 50
                   ) -> list[tuple[IncidentUpdate, Incident]]:
    """The newest updates of public incidents, with their incident (for the feed)."""
    rows = session.execute(
        select(IncidentUpdate, Incident).join(Incident, Incident.id == IncidentUpdate.incident_id)
        .where(Incident.public.is_(True))
        .order_by(IncidentUpdate.created_at.desc(), IncidentUpdate.id.desc()).limit(limit))
    return [(update, incident) for update, incident in rows]


def history(session: Session, days: int = HISTORY_DAYS,
            at: datetime | None = None) -> list[tuple[date, list[Incident]]]:
    """The last `days` days (UTC, today first), each with the resolved incidents started then."""
    today = (at or now()).astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time(), tzinfo=UTC)
    by_day: dict[date, list[Incident]] = defaultdict(list)
    for incident in public_incidents(session, open_only=False, since=since):
        if incident.status == IncidentStatus.RESOLVED:
            by_day[incident.started_at.astimezone(UTC).date()].append(incident)
    return [(day, by_day.get(day, [])) for day in
            (today - timedelta(days=n) for n in range(days))]


def message_for(update: IncidentUpdate, lang: str, default_lang: str) -> tuple[str, str]:
    """The update's text in `lang` if it has one, else in the default language."""
    messages = update.messages if isinstance(update.messages, dict) else {}
    for candidate in (lang, default_lang):
        text = messages.get(candidate)
        if isinstance(text, str) and text.strip():
            return text, candidate
    return update.body, default_lang


def pick_language(accept_language: str, offered: list[str], default: str) -> str:
    """The best offered language for an Accept-Language header (q-values); never raises."""
    by_tag = {tag.lower(): tag for tag in offered}
    wanted: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "")[:_MAX_HEADER].split(",")):
        if position >= _MAX_RANGES:
            break
        tag, _, params = item.strip().lower().partition(";")
        tag = tag.strip().replace("_", "-")
        quality = _quality(params)
        if quality > 0 and _RANGE.fullmatch(tag):
            wanted.append((-quality, position, tag))
    for _q, _position, tag in sorted(wanted):
        if tag == "*":
            return default
        primary = tag.split("-")[0]
        # The exact tag, else the same language in another region ("pt-pt" for "pt-br").
        match = by_tag.get(tag) or by_tag.get(primary) or next(
            (by_tag[t] for t in by_tag if t.split("-")[0] == primary), None)
        if match is not None:
            return match
    return default


def _quality(params: str) -> float:
    """The q of ';q=0.8' (1 when absent; 0, i.e. not wanted, when malformed)."""
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.strip() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 0.0
            return quality if 0 <= quality <= 1 else 0.0
    return 1.0


@dataclass
class Board:
    """Everything the status page, its JSON and its feed show at one moment."""

    at: datetime
    statuses: dict[str, ComponentStatus]
    indicator: str
    description: str
    open: list[Incident]  # open incidents and maintenance under way or overdue
    scheduled: list[Incident]  # maintenance not yet started
    days: list[tuple[date, list[Incident]]]
    updates: dict[int, list[IncidentUpdate]] = field(default_factory=dict)

    @property
    def updated_at(self) -> datetime | None:
        """When the page last changed: an incident's change or a maintenance window's edge."""
        moments = [i.updated_at for i in self.open + self.scheduled if i.updated_at]
        moments += [i.updated_at for _day, found in self.days for i in found if i.updated_at]
        moments += [u.created_at for found in self.updates.values() for u in found[:1]]
        for incident in self.open:
            moments += [edge for edge in (incident.scheduled_start, incident.scheduled_end)
                        if edge is not None and edge <= self.at]
        return max(moments, default=None)


def board(session: Session, settings: Settings, at: datetime | None = None,
          days: int = HISTORY_DAYS) -> Board:
    """Statuses, banner, open and upcoming incidents, history, and their updates."""
    at = at or now()
    current = public_incidents(session, open_only=True, since=None)
    upcoming = [i for i in current if is_maintenance(i) and maintenance_state(i, at) == "scheduled"]
    ongoing = [i for i in current if i not in upcoming]
    statuses = statuses_from(current, settings.incidents.components, at)
    indicator, description = overall(statuses)
    past = history(session, days, at)
    shown = ongoing + upcoming + [i for _day, found in past for i in found]
    return Board(at=at, statuses=statuses, indicator=indicator, description=description,
                 open=ongoing, scheduled=sorted(upcoming, key=_start), days=past,
                 updates=updates_for(session, shown))


def _start(incident: Incident) -> datetime:
    return incident.scheduled_start or incident.started_at
