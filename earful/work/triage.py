"""Tags and incident links on a mention, each change audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.models import Incident, Mention, Tag
from earful.work.audit import audit
from earful.work.errors import WorkflowError

TAG_LENGTH = 60


def tag_by_name(session: Session, name: str) -> Tag:
    """The tag with this name, created on first use."""
    name = " ".join(name.split())[:TAG_LENGTH]
    if not name:
        raise WorkflowError("a tag needs a name")
    tag = session.scalar(select(Tag).where(Tag.name == name))
    if tag is None:
        tag = Tag(name=name)
        session.add(tag)
        session.flush()
    return tag


def add_tag(session: Session, mention: Mention, tag: Tag, user_id: int | None) -> bool:
    """Tag a mention; False when it already had the tag."""
    if tag in mention.tags:
        return False
    mention.tags.append(tag)
    audit(session, user_id, "mention.tag", "mention", mention.id, tag=tag.name)
    return True


def remove_tag(session: Session, mention: Mention, tag_id: int, user_id: int | None) -> bool:
    """Remove a tag; False when the mention did not have it."""
    for tag in list(mention.tags):
        if tag.id == tag_id:
            mention.tags.remove(tag)
            audit(session, user_id, "mention.untag", "mention", mention.id, tag=tag.name)
            return True
    return False


def link_incident(session: Session, mention: Mention, incident_id: int | None,
                  user_id: int | None) -> bool:
    """Link a mention to an incident (None unlinks)."""
    if incident_id is not None and session.get(Incident, incident_id) is None:
        raise WorkflowError("no such incident")
    if mention.incident_id == incident_id:
        return False
    old = mention.incident_id
    mention.incident_id = incident_id
    audit(session, user_id, "mention.incident", "mention", mention.id, old=old, new=incident_id)
    return True
