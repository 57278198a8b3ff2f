"""Deleted on the platform: re-fetch a mention and, when it is gone, purge its text.

The platforms' terms require honouring deletions. A mention is re-fetched when staff open its
thread or before a reply is sent; when the platform says it no longer exists, the row stays (so
the thread and the audit trail keep their shape) but its text and raw payload are purged.
"""

from __future__ import annotations

import logging

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import Mention, Source
from earful.runtime import Runtime
from listener.jobs import reader_for, source_config
from listener.platforms import PlatformError
from listener.platforms.base import Reader, TargetGone

log = logging.getLogger(__name__)


def mark_deleted(mention: Mention) -> None:
    """Keep the row, drop what the author wrote."""
    mention.deleted = True
    mention.deleted_at = now()
    mention.text = ""
    mention.raw = None


def reader_for_mention(session: Session, rt: Runtime, mention: Mention) -> Reader | None:
    """The adapter of the source that stored this mention, if that source is still configured."""
    if mention.source_id is None:
        return None
    name = session.scalar(select(Source.name).where(Source.id == mention.source_id))
    try:
        config = source_config(rt.settings, name or "")
    except KeyError:
        return None
    return reader_for(config, rt)


def still_there(reader: Reader, external_id: str) -> bool | None:
    """Ask the platform (no database work here: never hold a write lock across this call):
    True if the post exists, False if it was deleted, None if the platform did not answer."""
    try:
        return reader.get_post(external_id) is not None
    except TargetGone:
        return False
    except (PlatformError, requests.RequestException) as exc:
        log.info("could not re-fetch %s: %s", external_id, exc)
        return None


def apply_refresh(mention: Mention, found: bool | None) -> bool | None:
    """Record what the platform said: a deleted post is purged. Returns `found` (False once the
    mention is known deleted)."""
    if mention.deleted:
        return False
    if found is False:
        mark_deleted(mention)
    return found


def refresh(mention: Mention, reader: Reader) -> bool | None:
    """Re-fetch and record in one step: for callers that hold no write transaction."""
    if mention.deleted:
        return False
    return apply_refresh(mention, still_there(reader, mention.external_id))
