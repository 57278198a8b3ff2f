"""Who works on a mention: assigning by hand, and routing new complaints automatically.

One rule for every path (the conversation's Claim/Release/Assign, the inbox's bulk action and its
`a` key, the CLI): an agent may take for themselves only what nobody else holds and may release
only their own; a lead (or the system) may assign anything to anyone.

Auto-assignment (off unless [console].auto_assign is true) gives new, unassigned complaints to an
agent who answers in their language, the one with the least open work first.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earful import runtime
from earful.db import writing
from earful.models import Mention, User
from earful.vocab import OPEN_WORK, Role, Status
from earful.work.audit import audit
from earful.work.errors import WorkflowError
from earful.work.status import start_work

BATCH = 500


class HeldByColleague(WorkflowError):
    """Refused because another agent holds the mention (bulk actions count these as skipped)."""


def refusal(mention: Mention, assignee_id: int | None, user_id: int | None, *,
            actor_is_lead: bool) -> WorkflowError | None:
    """Why `user_id` may not set the assignee to `assignee_id`, or None when they may."""
    if actor_is_lead or user_id is None:
        return None
    if assignee_id is not None and assignee_id != user_id:
        return WorkflowError("only a lead may hand work to someone else")
    if mention.assignee_id is not None and mention.assignee_id != user_id:
        return HeldByColleague(
            "Someone else has claimed this conversation; ask a lead to reassign it.")
    return None


def assign(session: Session, mention: Mention, assignee_id: int | None,
           user_id: int | None, *, actor_is_lead: bool) -> bool:
    """Assign (or, with None, release) a mention under the rule above; return False when nothing
    changed. `user_id` None is the system, which may do anything."""
    refused = refusal(mention, assignee_id, user_id, actor_is_lead=actor_is_lead)
    if refused is not None:
        raise refused
    if assignee_id is not None:
        user = session.get(User, assignee_id)
        if user is None or not user.active:
            raise WorkflowError("no such active user")
    if mention.assignee_id == assignee_id:
        return False
    old = mention.assignee_id
    mention.assignee_id = assignee_id
    audit(session, user_id, "mention.assign", "mention", mention.id, old=old, new=assignee_id)
    if assignee_id is not None:
        start_work(session, mention, user_id, "assigned")  # someone owns it now
    return True


def _speakers(session: Session) -> dict[str, list[int]]:
    """Language code -> ids of active agents and leads who answer in it."""
    speakers: dict[str, list[int]] = {}
    for user in session.scalars(select(User).where(User.active.is_(True),
                                                   User.role.in_((Role.AGENT, Role.LEAD)))):
        for lang in {code.strip().lower() for code in user.languages.split(",") if code.strip()}:
            speakers.setdefault(lang, []).append(user.id)
    return speakers


def _workload(session: Session, user_ids: set[int]) -> dict[int, int]:
    counts = dict(session.execute(
        select(Mention.assignee_id, func.count()).where(
            Mention.assignee_id.in_(user_ids), Mention.status.in_(OPEN_WORK))
        .group_by(Mention.assignee_id)).all())
    return {user_id: counts.get(user_id, 0) for user_id in user_ids}


def auto_assign(session: Session) -> int:
    """Assign up to BATCH new complaints by language and workload; the caller commits."""
    speakers = _speakers(session)
    if not speakers:
        return 0
    load = _workload(session, {uid for ids in speakers.values() for uid in ids})
    # Only languages someone answers: the rest wait for a lead, and must not fill every batch.
    # NULL due times sort last on every database (SQLite puts them first by default).
    pending = session.scalars(select(Mention).where(
        Mention.status == Status.NEW, Mention.complaint.is_(True),
        Mention.assignee_id.is_(None), Mention.deleted.is_(False),
        func.lower(Mention.lang).in_(list(speakers)))
        .order_by(Mention.urgency_rank, Mention.sla_due_at.is_(None), Mention.sla_due_at,
                  Mention.created_at, Mention.id).limit(BATCH)).all()
    assigned = 0
    for mention in pending:
        candidates = speakers.get(mention.lang.lower())
        if not candidates:
            continue  # nobody answers in this language: a lead routes it by hand
        chosen = min(candidates, key=lambda uid: (load[uid], uid))
        mention.assignee_id = chosen
        audit(session, None, "mention.auto_assign", "mention", mention.id, assignee=chosen,
              lang=mention.lang)
        start_work(session, mention, None, "auto-assigned")
        load[chosen] += 1
        assigned += 1
    return assigned


def run_auto_assign() -> int:
    """The scheduled job: assign when the setting is on, in its own transaction."""
    rt = runtime.current()
    if not rt.settings.console.auto_assign:
        return 0
    with writing(rt.sessions) as session:
        return auto_assign(session)
