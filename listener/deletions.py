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
from listener.platforms.base import Reader

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


def refresh(mention: Mention, reader: Reader) -> bool | None:
    """Re-fetch: True if still there, False if deleted (and now purged), None if unknown."""
    if mention.deleted:
        return False
    try:
        found = reader.get_post(mention.external_id)
    except (PlatformError, requests.RequestException) as exc:
        log.info("could not re-fetch %s %s: %s", mention.platform, mention.external_id, exc)
        return None
    if found is None:
        mark_deleted(mention)
        return False
    return True
