"""Incidents: opening one, its lifecycle of public updates, and the mentions it explains.

An incident moves investigating -> identified -> monitoring -> resolved, forward or staying,
never back; every step is an update with a message in the brand's default language (others
optional), posted through the outbox to the chosen brand accounts (`incident_posts`).
Proactive follow-ups to the linked complainers and the linked mentions' figures are in
`followups`; their names are exported here too, so the console imports one module.

Auto-linking and linking by hand are in `incident_links`; their names are exported here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import Incident, IncidentUpdate
from earful.settings import Settings
from earful.vocab import Impact, IncidentStatus
from earful.work.audit import apply_changes, audit
from earful.work.errors import WorkflowError
from earful.work.followups import (
    FollowUpPlan,
    follow_up_plan,
    linked_stats,
    queue_follow_ups,
)
from earful.work.incident_links import (
    LinkCursor,
    auto_link,
    link_many,
    matches,
    run_auto_link,
    unlink_many,
)
from earful.work.incident_posts import (
    TooLong,
    check_lengths,
    clean_messages,
    clean_targets,
    publish_targets,
    queue_posts,
)

__all__ = ["FollowUpPlan", "IncidentDraft", "LinkCursor", "TooLong", "add_update", "auto_link",
           "follow_up_plan", "link_many", "linked_stats", "matches", "open_incident",
           "publish_targets", "queue_follow_ups", "run_auto_link", "unlink_many",
           "update_incident"]

LIFECYCLE = list(IncidentStatus)
TITLE_LENGTH = 200
KEYWORD_LENGTH = 100
MAX_BACKDATE = timedelta(days=7)


@dataclass
class IncidentDraft:
    """What a lead fills in to open or edit an incident (maintenance: both schedule times)."""

    title: str
    impact: str
    components: list[str]
    keywords: dict[str, list[str]]
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None
    public: bool = True
    # When the problem began, if before the incident is opened (e.g. the first complaint's
    # time): mentions from then on can be linked. Default: now.
    started_at: datetime | None = None


# -- opening, updating, editing -------------------------------------------------------------------

def _aware(moment: datetime | None) -> datetime | None:
    """A naive time from a form is taken as UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def _clean_draft(draft: IncidentDraft, settings: Settings, *, check_future: bool
                 ) -> dict[str, Any]:
    config = settings.incidents
    title = " ".join(draft.title.split())
    if not title:
        raise WorkflowError("Give the incident a title.")
    if len(title) > TITLE_LENGTH:
        raise WorkflowError(f"The title is too long ({len(title)} characters; at most "
                            f"{TITLE_LENGTH}).")
    if draft.impact not in set(Impact):
        raise WorkflowError(f"Impact must be one of {', '.join(Impact)}.")
    unknown = [c for c in draft.components if c not in config.components]
    if unknown:
        raise WorkflowError(f"Unknown component {unknown[0]!r}: choose from "
                            f"{', '.join(config.components)}.")
    keywords: dict[str, list[str]] = {}
    for lang, words in draft.keywords.items():
        if lang not in config.languages:
            raise WorkflowError(f"Keywords can be given in {', '.join(config.languages)}; "
                                f"{lang!r} is not one of them.")
        cleaned = list(dict.fromkeys(" ".join(w.split()) for w in words if w.strip()))
        if any(len(w) > KEYWORD_LENGTH for w in cleaned):
            raise WorkflowError(f"A keyword is at most {KEYWORD_LENGTH} characters.")
        if cleaned:
            keywords[lang] = cleaned
    start, end = _aware(draft.scheduled_start), _aware(draft.scheduled_end)
    if (start is None) != (end is None):
        raise WorkflowError("A scheduled maintenance needs both a start and an end.")
    if start is not None and end is not None:
        if start >= end:
            raise WorkflowError("The maintenance must end after it starts.")
        if check_future and end <= now():
            raise WorkflowError("The maintenance's end is in the past.")
    return {"title": title, "impact": str(draft.impact),
            "components": list(dict.fromkeys(draft.components)), "keywords": keywords,
            "scheduled_start": start, "scheduled_end": end}


def _began(started_at: datetime | None, at: datetime) -> datetime:
    """When the problem began: given, not in the future, not older than MAX_BACKDATE."""
    began = _aware(started_at)
    if began is None:
        return at
    if began > at:
        raise WorkflowError("The problem cannot begin in the future.")
    if at - began > MAX_BACKDATE:
        raise WorkflowError(f"The problem began at most {MAX_BACKDATE.days} days ago here; "
                            "older outages are history, not an open incident.")
    return began


def _next_status(current: str, wanted: str) -> str:
    if wanted not in set(IncidentStatus):
        raise WorkflowError(f"Status must be one of {', '.join(IncidentStatus)}.")
    if current == IncidentStatus.RESOLVED:
        raise WorkflowError("This incident is resolved: open a new one if the problem is back.")
    if LIFECYCLE.index(IncidentStatus(wanted)) < LIFECYCLE.index(IncidentStatus(current)):
        raise WorkflowError(f"An incident that is {current} cannot go back to {wanted}.")
    return wanted


def open_incident(session: Session, draft: IncidentDraft, messages: dict[str, str],
                  user_id: int | None, settings: Settings,
                  targets: Sequence[tuple[str, str]] = (), too_long: TooLong | None = None
                  ) -> Incident:
    """Open an incident (investigating) with its first update, posted to `targets`."""
    values = _clean_draft(draft, settings, check_future=True)
    cleaned = clean_messages(messages, settings)
    chosen = clean_targets(targets, settings)
    check_lengths(cleaned[settings.incidents.default_language], chosen, too_long)
    at = now()
    incident = Incident(**values, public=bool(draft.public),
                        status=IncidentStatus.INVESTIGATING.value,
                        started_at=_began(draft.started_at, at), updated_at=at,
                        created_by=user_id)
    session.add(incident)
    session.flush()
    audit(session, user_id, "incident.open", "incident", incident.id, title=incident.title,
          impact=incident.impact, components=incident.components,
          maintenance=incident.scheduled_start is not None)
    _record_update(session, incident, IncidentStatus.INVESTIGATING, cleaned, user_id, settings,
                   chosen, too_long)
    return incident


def add_update(session: Session, incident: Incident, status: str, messages: dict[str, str],
               user_id: int | None, settings: Settings,
               targets: Sequence[tuple[str, str]] = (), too_long: TooLong | None = None
               ) -> IncidentUpdate:
    """A step of the incident's life with its public message, posted to `targets`."""
    new = _next_status(incident.status, status)
    cleaned = clean_messages(messages, settings)
    chosen = clean_targets(targets, settings)
    check_lengths(cleaned[settings.incidents.default_language], chosen, too_long)
    return _record_update(session, incident, new, cleaned, user_id, settings, chosen, too_long)


def _record_update(session: Session, incident: Incident, status: str, messages: dict[str, str],
                   user_id: int | None, settings: Settings, targets: list[tuple[str, str]],
                   too_long: TooLong | None) -> IncidentUpdate:
    at = now()
    update = IncidentUpdate(incident_id=incident.id, status=str(status),
                            body=messages[settings.incidents.default_language],
                            messages=messages, publish=bool(targets),
                            targets=[f"{p}:{h}" for p, h in targets], created_at=at,
                            created_by=user_id)
    session.add(update)
    session.flush()
    values: dict[str, Any] = {"status": str(status), "updated_at": at}
    if status == IncidentStatus.RESOLVED:
        values["resolved_at"] = at
    # The status change and its audit entry (the update's own entry names what was posted).
    apply_changes(session, user_id, incident, values, "incident.status", "incident",
                  update=update.id)
    audit(session, user_id, "incident.update", "incident", incident.id, update=update.id,
          status=str(status), languages=sorted(messages), targets=update.targets)
    queue_posts(session, incident, update, targets, user_id, settings, too_long)
    return update


def update_incident(session: Session, incident: Incident, draft: IncidentDraft,
                    user_id: int | None, settings: Settings) -> bool:
    """Edit title, impact, components, keywords and schedule (not `public`); False when
    nothing changed."""
    schedule_changed = (_aware(draft.scheduled_start), _aware(draft.scheduled_end)) != \
        (incident.scheduled_start, incident.scheduled_end)
    values = _clean_draft(draft, settings, check_future=schedule_changed)
    return bool(apply_changes(session, user_id, incident, values, "incident.edit", "incident"))
