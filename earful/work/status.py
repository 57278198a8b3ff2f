"""A mention's status: every change goes through `move`, which keeps its invariants and audits.

The brand's own posts (status OWN) never change. Resolving stamps `resolved_at`; leaving
"resolved" clears it. tests/unit/test_code_shape.py fails when anything else writes the status.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import Mention
from earful.vocab import SETTABLE_STATUSES, Status
from earful.work.audit import audit
from earful.work.csat import offer_survey
from earful.work.errors import WorkflowError


def move(session: Session, mention: Mention, status: Status, user_id: int | None,
         why: str = "") -> bool:
    """Move a mention to `status`, audited (with `why` for automatic moves); False if no change."""
    if mention.status == status or mention.status == Status.OWN or status == Status.OWN:
        return False
    old = mention.status
    mention.status = status.value
    mention.resolved_at = now() if status == Status.RESOLVED else None
    details = {"old": old, "new": status.value}
    if why:
        details["why"] = why
    audit(session, user_id, "mention.status", "mention", mention.id, **details)
    offer_survey(session, mention)  # resolved: the optional satisfaction follow-up
    return True


def set_status(session: Session, mention: Mention, status: str, user_id: int | None) -> bool:
    """A person's status change (console, CLI): only the settable statuses."""
    if status not in SETTABLE_STATUSES:
        raise WorkflowError(f"unknown status {status!r}")
    return move(session, mention, Status(status), user_id)


def start_work(session: Session, mention: Mention, user_id: int | None, why: str) -> bool:
    """Someone took the mention up (assigned, replied): a new one becomes open."""
    if mention.status != Status.NEW:
        return False
    return move(session, mention, Status.OPEN, user_id, why)
