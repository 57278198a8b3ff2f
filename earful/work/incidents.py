"""Incidents: opening one, its lifecycle of public updates, and the mentions it explains.

An incident moves investigating -> identified -> monitoring -> resolved, forward or staying,
never back; every step is an update with a message in the brand's default language (others
optional), posted through the outbox to the chosen brand accounts (`incident_posts`).
Proactive follow-ups to the linked complainers and the linked mentions' figures are in
`followups`; their names are exported here too, so the console imports one module.

Auto-linking (`auto_link`, the job `run_auto_link`) links a mention to an open incident when:
- a keyword of the incident (any language) is in its text, as a whole word or phrase, folded
  for case and diacritics, and it was created at or after the incident's start (its scheduled
  start for a maintenance); or
- it is an outage complaint (complaint, and the classifier's reason code "outage" in
  `reason_codes`) created within the incident's period (start to scheduled end, or to now).
  With several open incidents, one that names a component in the text wins, else the newest.
A mention is never linked automatically to an incident it was already linked to or unlinked
from: its `reasons` keep "linked to open incident #N" / "unlinked from incident #N".
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earful import runtime
from earful.clock import now
from earful.db import writing
from earful.models import Incident, IncidentUpdate, Mention
from earful.settings import Settings
from earful.vocab import Impact, IncidentStatus, Status
from earful.work.audit import apply_changes, audit
from earful.work.errors import WorkflowError
from earful.work.followups import (
    FollowUpPlan,
    follow_up_plan,
    linked_stats,
    queue_follow_ups,
)
from earful.work.incident_posts import (
    TooLong,
    check_lengths,
    clean_messages,
    clean_targets,
    publish_targets,
    queue_posts,
)
from earful.work.triage import link_incident

__all__ = ["FollowUpPlan", "IncidentDraft", "LinkCursor", "TooLong", "add_update", "auto_link",
           "follow_up_plan", "link_many", "linked_stats", "matches", "open_incident",
           "publish_targets", "queue_follow_ups", "run_auto_link", "unlink_many",
           "update_incident"]

LIFECYCLE = list(IncidentStatus)
TITLE_LENGTH = 200
KEYWORD_LENGTH = 100
MAX_BACKDATE = timedelta(days=7)
AUTO_LINK_BATCH = 2_000  # mentions examined per auto_link call
OUTAGE_CODE = "outage"  # the classifier's reason code (classifier/lexicons.py URGENCY_REASONS)
LINKED_REASON = "linked to open incident #{}"
UNLINKED_REASON = "unlinked from incident #{}"


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


# -- matching -------------------------------------------------------------------------------------

def fold(text: str) -> str:
    """Case and diacritics folded: "Rețea" -> "retea", "ΣΎΝΔΕΣΗ" -> "συνδεση"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=256)
def _pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for whole words or phrases (any punctuation or space between the words)."""
    phrases = []
    for keyword in keywords:
        words = re.findall(r"\w+", fold(keyword))
        if words:
            phrases.append(r"[\W_]+".join(re.escape(w) for w in words))
    if not phrases:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(phrases, key=len, reverse=True))
                      + r")(?!\w)")


def _keywords(incident: Incident) -> tuple[str, ...]:
    return tuple(sorted({w for words in (incident.keywords or {}).values() for w in words}))


def matches(incident: Incident, text: str) -> bool:
    """Is any of the incident's keywords (any language) in `text`, as a whole word or phrase?"""
    pattern = _pattern(_keywords(incident))
    return pattern is not None and pattern.search(fold(text or "")) is not None


# -- linking --------------------------------------------------------------------------------------

@dataclass
class LinkCursor:
    """How far auto-linking got: new mentions (ids above `head`) are examined first, then the
    backlog continues below `tail`, newest first. Reset when the open incidents change."""

    signature: tuple[Any, ...] = ()
    head: int = 0
    tail: int | None = None
    examined: int = field(default=0, compare=False)


def _start(incident: Incident) -> datetime:
    return incident.scheduled_start or incident.started_at


def _open_incidents(session: Session) -> list[Incident]:
    return list(session.scalars(select(Incident).where(
        Incident.status != IncidentStatus.RESOLVED).order_by(Incident.started_at.desc(),
                                                             Incident.id.desc())))


def _signature(incidents: Sequence[Incident]) -> tuple[Any, ...]:
    return tuple((i.id, _start(i), i.scheduled_end, _keywords(i), tuple(i.components or ()))
                 for i in incidents)


def _already_decided(mention: Mention, incident: Incident) -> bool:
    reasons = mention.reasons or []
    return (LINKED_REASON.format(incident.id) in reasons
            or UNLINKED_REASON.format(incident.id) in reasons)


def _incident_for(mention: Mention, incidents: Sequence[Incident]) -> Incident | None:
    """The open incident this mention belongs to (see the module docstring), or None."""
    candidates = [i for i in incidents if mention.created_at >= _start(i)
                  and not _already_decided(mention, i)]
    for incident in candidates:
        if matches(incident, mention.text):
            return incident
    if not (mention.complaint and OUTAGE_CODE in (mention.reason_codes or [])):
        return None
    during = [i for i in candidates
              if i.scheduled_end is None or mention.created_at <= i.scheduled_end]
    text = fold(mention.text or "")
    named = [i for i in during if any(fold(c) in text for c in i.components or ())]
    return (named or during or [None])[0]


def _candidates(session: Session, start: datetime) -> Any:
    return select(Mention).where(Mention.incident_id.is_(None), Mention.status != Status.OWN,
                                 Mention.deleted.is_(False), Mention.created_at >= start)


def auto_link(session: Session, settings: Settings, cursor: LinkCursor | None = None) -> int:
    """Link new mentions to the open incidents they belong to; returns how many were linked.

    Examines at most AUTO_LINK_BATCH mentions per call; pass the same `cursor` to continue."""
    if not settings.incidents.auto_link:
        return 0
    incidents = _open_incidents(session)
    if not incidents:
        return 0
    cursor = cursor if cursor is not None else LinkCursor()
    if cursor.signature != _signature(incidents):
        cursor.signature, cursor.head, cursor.tail = _signature(incidents), 0, None
    base = _candidates(session, min(_start(i) for i in incidents))
    fresh = list(session.scalars(base.where(Mention.id > cursor.head)
                                 .order_by(Mention.id.desc()).limit(AUTO_LINK_BATCH)))
    if fresh:
        if len(fresh) == AUTO_LINK_BATCH:  # more arrived than one call examines: go on below
            cursor.tail = fresh[-1].id
        cursor.head = fresh[0].id
    older: list[Mention] = []
    budget = AUTO_LINK_BATCH - len(fresh)
    if budget and cursor.tail is not None:
        floor = session.scalar(select(func.min(Mention.id)).where(
            Mention.created_at >= min(_start(i) for i in incidents))) or 0
        older = list(session.scalars(base.where(Mention.id < cursor.tail, Mention.id >= floor)
                                     .order_by(Mention.id.desc()).limit(budget)))
        cursor.tail = older[-1].id if len(older) == budget else None
    cursor.examined += len(fresh) + len(older)
    linked = 0
    for mention in fresh + older:
        incident = _incident_for(mention, incidents)
        if incident is not None and link_incident(session, mention, incident.id, None):
            mention.reasons = [*(mention.reasons or []), LINKED_REASON.format(incident.id)]
            linked += 1
    return linked


_cursors: dict[str, LinkCursor] = {}


def run_auto_link() -> int:
    """The scheduled job: link new mentions to the open incidents on the installed runtime."""
    rt = runtime.current()
    if not rt.settings.incidents.auto_link:
        return 0
    with rt.sessions() as session:  # a read first: no write lock while nothing is open
        if session.scalar(select(Incident.id).where(
                Incident.status != IncidentStatus.RESOLVED).limit(1)) is None:
            return 0
    key = rt.engine.url.render_as_string(hide_password=True)
    cursor = dataclasses.replace(_cursors.get(key) or LinkCursor())
    with writing(rt.sessions) as session:
        linked = auto_link(session, rt.settings, cursor)
    _cursors[key] = cursor  # only once committed: a failed run is examined again
    return linked


def _mentions(session: Session, ids: Sequence[int]) -> list[Mention]:
    found: list[Mention] = []
    unique = list(dict.fromkeys(ids))
    for i in range(0, len(unique), 500):
        found += session.scalars(select(Mention).where(Mention.id.in_(unique[i:i + 500]))
                                 .order_by(Mention.id))
    return found


def link_many(session: Session, incident: Incident, mention_ids: Sequence[int],
              user_id: int | None) -> int:
    """Link mentions by hand (our own posts are skipped); returns how many changed."""
    return sum(1 for mention in _mentions(session, mention_ids)
               if mention.status != Status.OWN
               and link_incident(session, mention, incident.id, user_id))


def unlink_many(session: Session, incident: Incident, mention_ids: Sequence[int],
                user_id: int | None) -> int:
    """Unlink mentions from this incident by hand; auto-linking will not link them to it again."""
    count = 0
    for mention in _mentions(session, mention_ids):
        if mention.status == Status.OWN or mention.incident_id != incident.id:
            continue
        link_incident(session, mention, None, user_id)
        reasons = [r for r in (mention.reasons or []) if r != LINKED_REASON.format(incident.id)]
        mention.reasons = [*reasons, UNLINKED_REASON.format(incident.id)]
        count += 1
    return count
