"""Proactive follow-ups to the complainers linked to an incident, and the linked mentions' figures.

One action answers every linked mention (not our own posts, not deleted) with a canned response
in its language, filled for that mention ({incident_url} is the incident's page, since the
mention is linked). The key `followup:<incident>:<latest update>:<mention>` is the outbox's
unique key: a mention hears once per update, however often the action is run. Where the canned
response has no version in the mention's language, the plan says how many would get the default
language instead and the lead chooses (`include_fallback`). The rows are paced per brand account
(`[incidents] followup_per_minute`) through `next_attempt_at`, which the dispatcher honours, so
no account trips a platform's rate limit. These are answers: sending one stops the SLA clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import CannedResponse, Incident, IncidentUpdate, Mention, OutboxReply
from earful.settings import Settings
from earful.vocab import OutboxStatus, Status
from earful.work.audit import audit
from earful.work.errors import WorkflowError
from earful.work.measures import hour_bucket
from earful.work.replies import account_for, account_settings, fill, placeholder_values
from earful.work.status import start_work

KEY_PREFIX = "followup:"
MAX_BUCKETS = 96
HOUR = timedelta(hours=1)


@dataclass
class FollowUpPlan:
    """Who a follow-up would answer, and in which language."""

    total: int
    by_language: dict[str, int]
    native: int
    default_language: int
    missing_languages: list[str]


def latest_update(session: Session, incident: Incident) -> IncidentUpdate:
    update = session.scalar(select(IncidentUpdate).where(
        IncidentUpdate.incident_id == incident.id).order_by(IncidentUpdate.id.desc()).limit(1))
    if update is None:
        raise WorkflowError("Post an update on the incident first: the follow-up answers it.")
    return update


def _versions(session: Session, canned_name: str) -> dict[str, str]:
    versions = {row.lang: row.body for row in session.scalars(
        select(CannedResponse).where(CannedResponse.name == canned_name))}
    if not versions:
        raise WorkflowError(f"There is no canned response called {canned_name!r}.")
    return versions


def _fallback(versions: dict[str, str], settings: Settings) -> str:
    """The version for a language without its own: the default language, else English."""
    return (versions.get(settings.incidents.default_language) or versions.get("en")
            or versions[min(versions)])


def _to_answer(session: Session, incident: Incident, update: IncidentUpdate,
               settings: Settings) -> list[tuple[Mention, str]]:
    """Linked mentions not yet answered for this update, each with the account that answers
    (a mention on a platform without a brand account is left out)."""
    prefix = f"{KEY_PREFIX}{incident.id}:{update.id}:"
    done = set(session.scalars(select(OutboxReply.mention_id).where(
        OutboxReply.idempotency_key.startswith(prefix))))
    answer = []
    for mention in session.scalars(select(Mention).where(
            Mention.incident_id == incident.id, Mention.status != Status.OWN,
            Mention.deleted.is_(False)).order_by(Mention.id)):
        if mention.id in done:
            continue
        handle = account_for(session, mention, settings)
        if handle and account_settings(settings, mention.platform, handle) is not None:
            answer.append((mention, handle))
    return answer


def follow_up_plan(session: Session, incident: Incident, canned_name: str,
                   settings: Settings) -> FollowUpPlan:
    """How many a follow-up with `canned_name` would answer, natively or in the default."""
    versions = _versions(session, canned_name)
    pending = _to_answer(session, incident, latest_update(session, incident), settings)
    by_language: dict[str, int] = {}
    for mention, _ in pending:
        by_language[mention.lang] = by_language.get(mention.lang, 0) + 1
    native = sum(n for lang, n in by_language.items() if lang in versions)
    return FollowUpPlan(total=len(pending), by_language=dict(sorted(by_language.items())),
                        native=native, default_language=len(pending) - native,
                        missing_languages=sorted(set(by_language) - set(versions)))


def _interval(settings: Settings, platform: str) -> timedelta:
    per_minute = settings.incidents.followup_per_minute.get(platform, 1)  # unknown: the slowest
    return timedelta(seconds=60 / per_minute)


def _first_slot(session: Session, platform: str, handle: str, at: datetime,
                interval: timedelta) -> datetime:
    """Now, or after the follow-ups still queued on this account (an earlier batch)."""
    last = session.scalar(select(func.max(OutboxReply.next_attempt_at)).where(
        OutboxReply.status == OutboxStatus.QUEUED, OutboxReply.platform == platform,
        OutboxReply.account_handle == handle,
        OutboxReply.idempotency_key.startswith(KEY_PREFIX)))
    return max(at, last + interval) if last is not None else at


def queue_follow_ups(session: Session, incident: Incident, canned_name: str, user_id: int,
                     settings: Settings, *, include_fallback: bool, agent_name: str) -> int:
    """Queue one paced reply per linked complainer not yet answered for the latest update;
    returns how many were queued."""
    update = latest_update(session, incident)
    versions = _versions(session, canned_name)
    at = now()
    slots: dict[tuple[str, str], datetime] = {}
    rows: list[OutboxReply] = []
    for mention, handle in _to_answer(session, incident, update, settings):
        body = versions.get(mention.lang)
        if body is None:
            if not include_fallback:
                continue
            body = _fallback(versions, settings)
        account = (mention.platform, handle)
        interval = _interval(settings, mention.platform)
        if account not in slots:
            slots[account] = _first_slot(session, *account, at, interval)
        row = OutboxReply(
            idempotency_key=f"{KEY_PREFIX}{incident.id}:{update.id}:{mention.id}",
            mention_id=mention.id, platform=mention.platform, account_handle=handle,
            in_reply_to=mention.external_id, status=OutboxStatus.QUEUED, created_by=user_id,
            text=fill(body, placeholder_values(mention, settings, agent_name)),
            next_attempt_at=slots[account])
        slots[account] += interval
        session.add(row)
        rows.append(row)
        start_work(session, mention, user_id, "incident follow-up queued")
    session.flush()
    for row in rows:
        audit(session, user_id, "reply.queue", "outbox", row.id, mention=row.mention_id,
              incident=incident.id, follow_up=canned_name)
    if rows:
        audit(session, user_id, "incident.follow_up", "incident", incident.id,
              update=update.id, canned=canned_name, queued=len(rows),
              fallback=include_fallback)
    return len(rows)


# -- figures --------------------------------------------------------------------------------------

def _counts(session: Session, key: Any, *where: ColumnElement[bool]) -> dict[str, int]:
    return {str(value): count for value, count in session.execute(
        select(key, func.count()).where(*where).group_by(key).order_by(key))}


def linked_stats(session: Session, incident: Incident, settings: Settings) -> dict[str, Any]:
    """The linked mentions (not our own posts): total, by platform, by language, and over time
    in hourly buckets from the start to now or the resolution (wider when that is over 96)."""
    linked = (Mention.incident_id == incident.id, Mention.status != Status.OWN)
    by_platform = _counts(session, Mention.platform, *linked)
    start = (incident.scheduled_start or incident.started_at).replace(
        minute=0, second=0, microsecond=0)
    end = max(incident.resolved_at or now(), start + HOUR)
    hours = math.ceil((end - start) / HOUR)
    width = math.ceil(hours / MAX_BUCKETS)
    buckets = math.ceil(hours / width)
    counts = [0] * buckets
    hour = hour_bucket(Mention.created_at, session.get_bind().dialect.name).label("hour")
    for value, count in session.execute(select(hour, func.count()).where(*linked)
                                        .group_by(hour)):
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        index = int((moment.replace(tzinfo=start.tzinfo) - start) / HOUR) // width
        counts[min(max(index, 0), buckets - 1)] += count  # earlier or later: the ends
    labels = [f"{start + i * width * HOUR:%Y-%m-%d %H:%M}" for i in range(buckets)]
    return {"total": sum(by_platform.values()), "by_platform": by_platform,
            "by_language": _counts(session, Mention.lang, *linked),
            "over_time": list(zip(labels, counts, strict=True))}
