"""An incident update's public messages and its posts on the brand accounts, through the outbox.

Each update is posted once per chosen (platform, account): one outbox row with the key
`incident:<incident>:<update>:<platform>:<handle>`, so exactly-once holds as for any reply.
The rows are queued top-level (`in_reply_to` NULL); the dispatcher threads every later update
under the incident's first post on that account when it sends it (responder/dispatch.py), since
the first post's id is only known once it is on the platform. Lengths are checked for every
target before anything is queued: an update that does not fit one of them is refused whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy.orm import Session

from earful.models import Incident, IncidentUpdate, OutboxReply
from earful.settings import Settings
from earful.vocab import OutboxStatus
from earful.work.audit import audit
from earful.work.errors import WorkflowError
from earful.work.replies import DEMO_ACCOUNT, incident_url

# (platform, text) -> "too long for x: 291 of 280" | None (listener.platforms.lengths.too_long)
TooLong = Callable[[str, str], str | None]
MESSAGE_LENGTH = 10_000
KEY_PREFIX = "incident:"
KEY_LENGTH = 80  # OutboxReply.idempotency_key


def publish_targets(settings: Settings) -> list[tuple[str, str]]:
    """Every brand account an update can be posted to: (platform, handle)."""
    targets = [(account.platform, account.handle) for account in settings.accounts]
    if settings.demo_active and ("demo", DEMO_ACCOUNT) not in targets:
        targets.append(("demo", DEMO_ACCOUNT))
    return targets


def clean_messages(messages: Mapping[str, str], settings: Settings) -> dict[str, str]:
    """The update's messages by language, stripped; refused in plain words when one is wrong."""
    config = settings.incidents
    cleaned: dict[str, str] = {}
    for lang, text in messages.items():
        if lang not in config.languages:
            raise WorkflowError(f"Messages can be written in {', '.join(config.languages)}; "
                                f"{lang!r} is not one of them.")
        text = (text or "").strip()
        if not text:
            continue  # an optional translation left empty
        if len(text) > MESSAGE_LENGTH:
            raise WorkflowError(f"The {lang} message is too long ({len(text)} characters; "
                                f"at most {MESSAGE_LENGTH}).")
        cleaned[lang] = text
    if config.default_language not in cleaned:
        raise WorkflowError(f"Write the message in {config.default_language} (the brand's "
                            "default language); other languages are optional.")
    return cleaned


def clean_targets(targets: Sequence[tuple[str, str]], settings: Settings
                  ) -> list[tuple[str, str]]:
    """The chosen accounts, each a configured one (as configured), without repeats."""
    known = {(platform, handle.lstrip("@").lower()): (platform, handle)
             for platform, handle in publish_targets(settings)}
    chosen: list[tuple[str, str]] = []
    for platform, handle in targets:
        target = known.get((platform, handle.lstrip("@").lower()))
        if target is None:
            raise WorkflowError(f"{handle or '(no account)'} on {platform} is not a configured "
                                "brand account: an admin adds it under [[accounts]].")
        if target not in chosen:
            chosen.append(target)
    return chosen


def check_lengths(message: str, targets: Sequence[tuple[str, str]],
                  too_long: TooLong | None) -> None:
    """Refuse the whole update when its message is too long for any target, with the count."""
    if too_long is None:
        return
    refusals = [why for platform, _ in targets if (why := too_long(platform, message))]
    if refusals:
        raise WorkflowError("The update was not posted anywhere: "
                            + "; ".join(dict.fromkeys(refusals))
                            + ". Shorten the message, or leave out that platform.")


def post_key(incident_id: int, update_id: int, platform: str, handle: str) -> str:
    """The outbox key of one update on one account; a long handle is hashed so the key fits
    the column (80 characters) on every database."""
    key = f"{KEY_PREFIX}{incident_id}:{update_id}:{platform}:{handle}"
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return f"{KEY_PREFIX}{incident_id}:{update_id}:{platform}:{digest}"


def post_text(settings: Settings, incident: Incident, platform: str, message: str,
              too_long: TooLong | None) -> str:
    """The message, with the incident's public page after it when that still fits (a private
    incident has no public page)."""
    if not incident.public:
        return message
    with_link = f"{message} {incident_url(settings, incident.id)}"
    if too_long is not None and too_long(platform, with_link):
        return message
    return with_link


def queue_posts(session: Session, incident: Incident, update: IncidentUpdate,
                targets: Sequence[tuple[str, str]], user_id: int | None, settings: Settings,
                too_long: TooLong | None) -> list[OutboxReply]:
    """One queued outbox row per target for this update (lengths already checked)."""
    rows = []
    for platform, handle in targets:
        row = OutboxReply(
            idempotency_key=post_key(incident.id, update.id, platform, handle),
            mention_id=None, incident_update_id=update.id, platform=platform,
            account_handle=handle, in_reply_to=None, status=OutboxStatus.QUEUED,
            text=post_text(settings, incident, platform, update.body, too_long),
            created_by=user_id)
        session.add(row)
        session.flush()
        audit(session, user_id, "reply.queue", "outbox", row.id, incident=incident.id,
              incident_update=update.id, platform=platform, account=handle)
        rows.append(row)
    return rows
