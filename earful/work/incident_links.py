"""Which mentions an incident explains: keyword matching, auto-linking (a job) and linking by hand.

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
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earful import runtime
from earful.db import writing
from earful.models import Incident, Mention
from earful.settings import Settings
from earful.vocab import IncidentStatus, Status
from earful.work.triage import link_incident

AUTO_LINK_BATCH = 2_000  # mentions examined per auto_link call
OUTAGE_CODE = "outage"  # the classifier's reason code (classifier/lexicons.py URGENCY_REASONS)
LINKED_REASON = "linked to open incident #{}"
UNLINKED_REASON = "unlinked from incident #{}"


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
