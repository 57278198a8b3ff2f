"""Customer satisfaction: one rating link after a conversation is resolved, answered once.

`offer_survey` runs when a mention becomes resolved (earful.work.status.move calls it, so the
console, the CLI and any job offer it the same way). It queues the follow-up reply through the
outbox like any other reply: the key `csat:<mention id>` is unique, so it is never queued twice,
and the dispatcher sends it exactly once. The link's token is the survey's only key: 256 random
bits, single-use, expiring. Off unless `[csat] enabled`.

This module must stay importable from earful.work.status (which earful.work.replies imports):
replies is imported inside `offer_survey`, never at the top.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from earful import runtime
from earful.clock import now
from earful.models import CsatSurvey, Mention, OutboxReply
from earful.settings import Settings
from earful.vocab import OutboxStatus, Status
from earful.work.audit import audit
from earful.work.errors import WorkflowError

COMMENT_CHARS = 2000
SCORES = range(1, 6)
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")  # what secrets.token_urlsafe(32) makes
# Control characters a browser can send but no comment needs (NUL breaks PostgreSQL text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def survey_url(settings: Settings, token: str) -> str:
    return f"{settings.app.public_url.rstrip('/')}/csat/{token}"


def offer_survey(session: Session, mention: Mention, settings: Settings | None = None
                 ) -> CsatSurvey | None:
    """Create a survey for a resolved mention and queue its one follow-up reply; None when
    CSAT is off, the mention is not a customer's resolved post, it was asked already, or no
    brand account can answer. Without `settings`, the installed runtime's (None if none)."""
    settings = settings or _installed_settings()
    if settings is None or not settings.csat.enabled or not _eligible(session, mention):
        return None
    from earful.work.replies import account_for, account_settings  # replies imports status

    handle = account_for(session, mention, settings)
    if not handle or account_settings(settings, mention.platform, handle) is None:
        return None
    lang = mention.lang if mention.lang in settings.csat.message else "en"
    survey = CsatSurvey(mention_id=mention.id, token=new_token(), created_at=now(),
                        expires_at=now() + timedelta(days=settings.csat.expiry_days), lang=lang)
    session.add(survey)
    row = OutboxReply(idempotency_key=f"csat:{mention.id}", mention_id=mention.id,
                      platform=mention.platform, account_handle=handle,
                      in_reply_to=mention.external_id, status=OutboxStatus.QUEUED,
                      text=follow_up_text(mention, settings, lang, survey.token))
    session.add(row)
    session.flush()
    audit(session, None, "csat.offer", "csat", survey.id, mention=mention.id, outbox=row.id,
          lang=lang)
    return survey


def _installed_settings() -> Settings | None:
    try:
        return runtime.current().settings
    except RuntimeError:  # no runtime installed (a bare script or test): nothing to offer
        return None


def _eligible(session: Session, mention: Mention) -> bool:
    if (mention.status != Status.RESOLVED or mention.deleted or mention.author_id is None
            or mention.id is None):
        return False
    asked = select(CsatSurvey.id).where(CsatSurvey.mention_id == mention.id)
    queued = select(OutboxReply.id).where(OutboxReply.idempotency_key == f"csat:{mention.id}")
    return session.scalar(asked) is None and session.scalar(queued) is None


def follow_up_text(mention: Mention, settings: Settings, lang: str, token: str) -> str:
    """The message in `lang` with its placeholders filled; the link is put in after filling,
    so neither the link nor a customer's name is ever read as a placeholder."""
    from earful.work.replies import fill, placeholder_values

    values = placeholder_values(mention, settings, agent_name=settings.brand.name)
    body = settings.csat.message[lang]
    return survey_url(settings, token).join(fill(part, values)
                                            for part in body.split("{csat_url}"))


def find_survey(session: Session, token: str) -> CsatSurvey | None:
    """The survey behind a link; None for anything that is not one of our tokens."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    return session.scalar(select(CsatSurvey).where(CsatSurvey.token == token))


def state_of(survey: CsatSurvey, at: datetime | None = None) -> str:
    """open | answered | expired."""
    if survey.answered_at is not None:
        return "answered"
    return "expired" if (at or now()) >= survey.expires_at else "open"


def clean_comment(comment: str | None) -> str | None:
    """The comment as stored: control characters dropped, at most COMMENT_CHARS, None if empty."""
    text = _CONTROL.sub("", comment or "").strip()[:COMMENT_CHARS].strip()
    return text or None


def record_answer(session: Session, token: str, score: Any, comment: str | None
                  ) -> CsatSurvey:
    """Store the customer's answer, once; raise WorkflowError saying why it cannot be taken."""
    survey = find_survey(session, token)
    if survey is None:
        raise WorkflowError("This survey link is not valid.")
    state = state_of(survey)
    if state == "answered":
        raise WorkflowError("This survey has already been answered. Thank you!")
    if state == "expired":
        raise WorkflowError("This survey link has expired.")
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise WorkflowError("Please choose a score from 1 to 5.")
    at = now()
    # Conditional, so two racing submits (PostgreSQL has no up-front write lock) store one.
    taken = session.execute(
        update(CsatSurvey)
        .where(CsatSurvey.id == survey.id, CsatSurvey.answered_at.is_(None),
               CsatSurvey.expires_at > at)
        .values(answered_at=at, score=score, comment=clean_comment(comment))
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise WorkflowError("This survey has already been answered. Thank you!")
    session.refresh(survey)
    audit(session, None, "csat.answer", "csat", survey.id, mention=survey.mention_id,
          score=score)
    return survey


def csat_summary(session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    """Answers given in [start, end): how many, the average score and the share of 4-5
    (`satisfied_percent`), with the surveys offered in the same window for the response rate."""
    answered, average, satisfied = session.execute(
        select(func.count(CsatSurvey.id), func.avg(CsatSurvey.score),
               func.coalesce(func.sum(case((CsatSurvey.score >= 4, 1), else_=0)), 0))
        .where(CsatSurvey.answered_at >= start, CsatSurvey.answered_at < end,
               CsatSurvey.score.is_not(None))).one()
    offered = session.scalar(select(func.count(CsatSurvey.id)).where(
        CsatSurvey.created_at >= start, CsatSurvey.created_at < end)) or 0
    return {"offered": offered, "answered": answered,
            "average": round(float(average), 2) if answered else None,
            "satisfied_percent": round(100 * satisfied / answered, 1) if answered else None}
