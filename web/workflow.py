"""Changes to a mention's work state (status, assignee, tags, incident, labels), each audited.

Both the inbox's bulk actions and the conversation page call these, so the rules live in one place.
The caller commits: the change and its audit row go in together.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import URGENCY_RANK, Incident, LabelCorrection, Mention, Tag, User
from earful.settings import Settings
from earful.sla import SlaPolicy, needs_answer
from web.audit import audit

SETTABLE_STATUSES = ("open", "waiting", "resolved", "ignored")
CORRECTABLE = {"sentiment": ("negative", "neutral", "positive"), "complaint": ("yes", "no"),
               "urgency": tuple(URGENCY_RANK)}


class WorkflowError(ValueError):
    """A change that is not allowed; the message is shown to the user."""


def set_status(session: Session, mention: Mention, status: str, user_id: int) -> bool:
    """Move a mention to another status; return False when it already had it."""
    if status not in SETTABLE_STATUSES:
        raise WorkflowError(f"unknown status {status!r}")
    if mention.status == status or mention.status == "own":
        return False
    old = mention.status
    mention.status = status
    mention.resolved_at = now() if status == "resolved" else None
    audit(session, user_id, "mention.status", "mention", mention.id, old=old, new=status)
    return True


def assign(session: Session, mention: Mention, assignee_id: int | None, user_id: int) -> bool:
    """Assign (or, with None, release) a mention; return False when nothing changed."""
    if assignee_id is not None:
        user = session.get(User, assignee_id)
        if user is None or not user.active:
            raise WorkflowError("no such active user")
    if mention.assignee_id == assignee_id:
        return False
    old = mention.assignee_id
    mention.assignee_id = assignee_id
    if assignee_id is not None and mention.status == "new":
        mention.status = "open"  # someone owns it now: it is being worked on
    audit(session, user_id, "mention.assign", "mention", mention.id, old=old, new=assignee_id)
    return True


def tag_by_name(session: Session, name: str) -> Tag:
    """The tag with this name, created on first use."""
    name = " ".join(name.split())[:60]
    if not name:
        raise WorkflowError("a tag needs a name")
    tag = session.scalar(select(Tag).where(Tag.name == name))
    if tag is None:
        tag = Tag(name=name)
        session.add(tag)
        session.flush()
    return tag


def add_tag(session: Session, mention: Mention, tag: Tag, user_id: int) -> bool:
    if tag in mention.tags:
        return False
    mention.tags.append(tag)
    audit(session, user_id, "mention.tag", "mention", mention.id, tag=tag.name)
    return True


def remove_tag(session: Session, mention: Mention, tag_id: int, user_id: int) -> bool:
    for tag in list(mention.tags):
        if tag.id == tag_id:
            mention.tags.remove(tag)
            audit(session, user_id, "mention.untag", "mention", mention.id, tag=tag.name)
            return True
    return False


def link_incident(session: Session, mention: Mention, incident_id: int | None,
                  user_id: int) -> bool:
    """Link a mention to an incident (None unlinks)."""
    if incident_id is not None and session.get(Incident, incident_id) is None:
        raise WorkflowError("no such incident")
    if mention.incident_id == incident_id:
        return False
    old = mention.incident_id
    mention.incident_id = incident_id
    audit(session, user_id, "mention.incident", "mention", mention.id, old=old, new=incident_id)
    return True


def correct_label(session: Session, mention: Mention, field: str, value: str, user_id: int,
                  settings: Settings) -> bool:
    """Store a label correction for the classifier and apply it to the mention."""
    if value not in CORRECTABLE.get(field, ()):
        raise WorkflowError(f"cannot set {field} to {value!r}")
    old = label_value(mention, field)
    if old == value:
        return False
    session.add(LabelCorrection(mention_id=mention.id, user_id=user_id, field=field,
                                old_value=old, new_value=value, created_at=now()))
    if field == "sentiment":
        mention.sentiment = value
    elif field == "complaint":
        mention.complaint = value == "yes"
    else:
        mention.urgency = value
        mention.urgency_rank = URGENCY_RANK[value]
    _recompute_sla(mention, settings)
    audit(session, user_id, "label.correct", "mention", mention.id, field=field, old=old,
          new=value)
    return True


def label_value(mention: Mention, field: str) -> str:
    """A label as the correction form spells it."""
    if field == "complaint":
        return "yes" if mention.complaint else "no"
    return str(getattr(mention, field))


def _recompute_sla(mention: Mention, settings: Settings) -> None:
    """The due time follows the corrected urgency, as ingest would have set it."""
    if mention.first_response_at is not None or mention.status == "own":
        return
    if needs_answer(mention.complaint, mention.urgency):
        policy = SlaPolicy.from_settings(settings)
        mention.sla_due_at = policy.first_response_due(mention.created_at, mention.urgency)
    else:
        mention.sla_due_at = None
