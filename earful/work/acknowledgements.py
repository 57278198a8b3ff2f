"""Out-of-hours acknowledgements: one automatic reply saying when the team will answer.

Only for sources with `acknowledge_out_of_hours`. A new complaint posted while the calendar is
closed (and still closed now) gets the configured message in its language, at most once per
author per local day: the key `ack:<author id>:<local date>` is the outbox's unique key, so a
second job run, or a second process, cannot queue another. Complaints older than
`max_age_minutes` are left alone, so a restart after a long outage does not answer a backlog.
The acknowledgement is not the first response: the SLA clock keeps running until staff reply.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from earful import runtime
from earful.calendar import BusinessCalendar
from earful.clock import now
from earful.db import writing
from earful.models import Mention, OutboxReply, Source
from earful.settings import Settings
from earful.sla import SlaPolicy
from earful.vocab import OutboxStatus, Status
from earful.work.audit import audit
from earful.work.replies import account_for, account_settings, fill, placeholder_values

KEY_PREFIX = "ack:"
# "{{" and "}}" pass through untouched, for fill() to turn into literal braces.
_OPENS_AT = re.compile(r"\{\{|\}\}|\{opens_at\}")


def flagged_sources(settings: Settings) -> list[str]:
    """Names of the sources whose out-of-hours complaints are acknowledged."""
    return [s.name for s in settings.sources if s.acknowledge_out_of_hours]


def acknowledge_out_of_hours(session: Session, settings: Settings, policy: SlaPolicy) -> int:
    """Queue an acknowledgement for each eligible out-of-hours complaint; the caller commits.

    Returns how many were queued."""
    names = flagged_sources(settings)
    at = now()
    calendar = policy.calendar
    if not names or calendar.is_open(at):  # the team is in: they answer themselves
        return 0
    opens_at = opening_text(calendar, at)
    queued = 0
    for mention in _candidates(session, names, at - timedelta(
            minutes=settings.acknowledgements.max_age_minutes), at):
        if mention.author_id is None or calendar.is_open(mention.created_at):
            continue
        local_day = mention.created_at.astimezone(calendar.zone).date()
        key = f"{KEY_PREFIX}{mention.author_id}:{local_day.isoformat()}"
        if session.scalar(select(OutboxReply.id).where(OutboxReply.idempotency_key == key)):
            continue  # this author heard from us today already
        handle = account_for(session, mention, settings)
        if not handle or account_settings(settings, mention.platform, handle) is None:
            continue
        row = OutboxReply(idempotency_key=key, mention_id=mention.id,
                          platform=mention.platform, account_handle=handle,
                          in_reply_to=mention.external_id,
                          text=message_for(mention, settings, opens_at),
                          status=OutboxStatus.QUEUED, created_by=None)
        session.add(row)
        session.flush()
        audit(session, None, "reply.acknowledge", "outbox", row.id, mention=mention.id,
              author=mention.author_id)
        queued += 1
    return queued


def _candidates(session: Session, names: list[str], since: datetime, until: datetime
                ) -> list[Mention]:
    """New, unanswered, live complaints from these sources created in [since, until]."""
    return list(session.scalars(
        select(Mention).join(Source, Mention.source_id == Source.id)
        .where(Source.name.in_(names), Mention.status == Status.NEW,  # never OWN: our posts
               Mention.complaint.is_(True), Mention.deleted.is_(False),
               Mention.first_response_at.is_(None),
               Mention.created_at >= since, Mention.created_at <= until)
        .order_by(Mention.created_at, Mention.id)))


def opening_text(calendar: BusinessCalendar, at: datetime) -> str:
    """When the team opens next, in the calendar's zone: "2026-01-06 09:00 (Europe/Bucharest)"
    (digits read the same in every language the message is written in)."""
    opens = calendar.add_business_minutes(at, 0).astimezone(calendar.zone)
    return f"{opens:%Y-%m-%d %H:%M} ({calendar.zone.key})"


def message_for(mention: Mention, settings: Settings, opens_at: str) -> str:
    """The configured message in the mention's language (else English), filled in."""
    messages = settings.acknowledgements.message
    body = messages.get(mention.lang) or messages["en"]
    body = _OPENS_AT.sub(lambda m: opens_at if m.group(0) == "{opens_at}" else m.group(0), body)
    return fill(body, placeholder_values(mention, settings, agent_name=""))


def run_acknowledgements() -> int:
    """The scheduled job: acknowledge out-of-hours complaints on the installed runtime."""
    rt = runtime.current()
    if not flagged_sources(rt.settings):
        return 0
    with writing(rt.sessions) as session:
        return acknowledge_out_of_hours(session, rt.settings, rt.sla)
