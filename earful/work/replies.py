"""Replies: canned responses in the customer's language, placeholders, and queueing to the outbox.

A reply is only ever queued here; the responder's dispatcher sends it (earful.work.outbox holds
the rest of its life). The idempotency key comes from the composer form, made when the page was
rendered, so a double submit queues once.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.models import CannedResponse, Mention, OutboxReply, Source, User
from earful.settings import AccountSettings, Settings
from earful.vocab import OutboxStatus, Status
from earful.work.audit import audit
from earful.work.errors import WorkflowError
from earful.work.status import start_work

PLACEHOLDERS = ("first_name", "handle", "agent_name", "incident_url", "brand", "contact_url")
# "{{" and "}}" are literal braces (as in str.format, whose parser validates bodies).
_TOKEN = re.compile(r"\{\{|\}\}|\{(" + "|".join(PLACEHOLDERS) + r")\}")
PRIVATE_NAME = "Continue in private"
PRIVATE_BODY = ("Hi {first_name}, sorry about this. So we can look at your account safely, please "
                "contact us privately: {contact_url} — {agent_name}, {brand}")
DEMO_ACCOUNT = "LumenMobile"  # the demo platform's built-in brand account (posts nowhere real)


@dataclass(frozen=True)
class CannedChoice:
    """One canned response as offered for a mention: `native` when it is in their language."""

    name: str
    body: str
    lang: str
    native: bool


def placeholder_error(body: str) -> str | None:
    """Why a canned body's placeholders are wrong, or None when they are fine."""
    try:
        fields = [(name, spec, conv) for _text, name, spec, conv in string.Formatter().parse(body)
                  if name is not None]
    except ValueError:
        return "Unbalanced braces: write {{ or }} for a literal brace."
    for name, spec, conv in fields:
        if name not in PLACEHOLDERS:
            shown = "{" + name + "}" if name else "{}"
            return (f"Unknown placeholder {shown}; use "
                    + ", ".join("{" + p + "}" for p in PLACEHOLDERS) + ".")
        if spec or conv:
            # Format specs could pad a reply to megabytes; placeholders are plain names only.
            return f"Write {{{name}}} without a format or conversion."
    return None


def fill(body: str, values: Mapping[str, str]) -> str:
    """Fill known placeholders (a missing value becomes empty); never str.format, which would
    run attribute lookups: templates are text, not code."""
    def token(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)[0]  # "{{" -> "{", "}}" -> "}"
        return values.get(match.group(1), "")
    return _TOKEN.sub(token, body)


def placeholder_values(mention: Mention, settings: Settings, agent_name: str) -> dict[str, str]:
    """What each placeholder means for a reply to this mention."""
    author = mention.author
    name = (author.display_name or author.handle) if author else ""
    return {"first_name": name.split()[0] if name.split() else "there",
            "handle": f"@{author.handle}" if author and author.handle else "",
            "agent_name": agent_name, "brand": settings.brand.name,
            "contact_url": settings.brand.contact_url,
            "incident_url": incident_url(settings, mention.incident_id)}


def incident_url(settings: Settings, incident_id: int | None) -> str:
    """The incident's own public page, or the status page when there is no incident."""
    base = settings.app.public_url.rstrip("/")
    return f"{base}/status/incidents/{incident_id}" if incident_id else f"{base}/status"


def canned_for(session: Session, lang: str) -> list[CannedChoice]:
    """One choice per canned response: its version in `lang`, else English, else any, marked
    so the composer can say plainly when a version in the customer's language is missing."""
    best: dict[str, CannedResponse] = {}
    rank = {lang: 0, "en": 1}
    for row in session.scalars(select(CannedResponse).order_by(CannedResponse.name,
                                                               CannedResponse.id)):
        current = best.get(row.name)
        if current is None or rank.get(row.lang, 2) < rank.get(current.lang, 2):
            best[row.name] = row
    choices = [CannedChoice(name, row.body, row.lang, row.lang == lang)
               for name, row in best.items()]
    if PRIVATE_NAME not in best:
        choices.append(CannedChoice(PRIVATE_NAME, PRIVATE_BODY, "en", lang == "en"))
    return choices


def account_for(session: Session, mention: Mention, settings: Settings) -> str:
    """The brand account that answers: the source's account, else the platform's first, else
    "" (no account: the reply cannot be sent, and the composer says so)."""
    if mention.platform == "demo":
        return DEMO_ACCOUNT
    if mention.source_id is not None:
        source = session.get(Source, mention.source_id)
        for configured in settings.sources:
            if source is not None and configured.name == source.name and configured.account:
                return configured.account
    return next((a.handle for a in settings.accounts if a.platform == mention.platform), "")


def account_settings(settings: Settings, platform: str, handle: str) -> AccountSettings | None:
    """The configured account (credentials, base URL) that posts as `handle` on `platform`."""
    if platform == "demo" and handle == DEMO_ACCOUNT:
        return AccountSettings(platform="demo", handle=DEMO_ACCOUNT)
    wanted = handle.lstrip("@").lower()
    return next((a for a in settings.accounts
                 if a.platform == platform and a.handle.lstrip("@").lower() == wanted), None)


def queue_reply(session: Session, mention: Mention, text: str, key: str, user_id: int,
                settings: Settings) -> OutboxReply:
    """Queue a reply to `mention` (held for approval when the author's replies need it).

    Raises WorkflowError when it cannot be sent: deleted target, our own post, no text, no
    brand account. The length is checked by the caller, counted as the platform counts it.
    """
    if mention.status == Status.OWN:
        raise WorkflowError("That is one of our own posts: reply to the customer instead.")
    if mention.deleted:
        raise WorkflowError("The author deleted this post on the platform: reply to them in "
                            "another message of the thread, or in private.")
    if not text.strip():
        raise WorkflowError("Write a reply first.")
    handle = account_for(session, mention, settings)
    if not handle or account_settings(settings, mention.platform, handle) is None:
        raise WorkflowError(f"No brand account is configured to post on {mention.platform}: "
                            "an admin adds one under [[accounts]] in settings.toml.")
    user = session.get(User, user_id)
    held = bool(user and user.needs_approval)
    row = OutboxReply(idempotency_key=key, mention_id=mention.id, platform=mention.platform,
                      account_handle=handle, in_reply_to=mention.external_id, text=text,
                      status=OutboxStatus.NEEDS_APPROVAL if held else OutboxStatus.QUEUED,
                      created_by=user_id)
    session.add(row)
    session.flush()  # an IntegrityError here means the same key was queued: the caller decides
    audit(session, user_id, "reply.queue", "outbox", row.id, mention=mention.id,
          status=row.status)
    start_work(session, mention, user_id, "reply queued")
    return row


def decide(session: Session, row: OutboxReply, approve: bool, user_id: int) -> None:
    """A lead approves (queues) or rejects (cancels) a reply held for approval."""
    if row.status != OutboxStatus.NEEDS_APPROVAL:
        raise WorkflowError("That reply is no longer waiting for approval.")
    row.status = OutboxStatus.QUEUED if approve else OutboxStatus.CANCELLED
    row.approved_by = user_id if approve else None
    audit(session, user_id, f"reply.{'approve' if approve else 'reject'}", "outbox", row.id,
          mention=row.mention_id)
