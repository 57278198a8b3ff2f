"""Label corrections: staff fix a mention's sentiment, complaint or urgency, and the classifier
learns from (and is scored on) what they said.

One function and one vocabulary for the console and the CLI: a complaint is "true" or "false"
(earful.vocab.Complaint), as training and evaluation compare it. A correction also moves the
SLA due time the way ingest would have set it, and is audited.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import LabelCorrection, Mention
from earful.sla import SlaPolicy, needs_answer
from earful.vocab import SENTIMENTS, URGENCIES, URGENCY_RANK, Complaint, Status
from earful.work.audit import audit
from earful.work.errors import WorkflowError

LABEL_FIELDS = ("sentiment", "complaint", "urgency")
CORRECTABLE: dict[str, tuple[str, ...]] = {
    "sentiment": SENTIMENTS, "complaint": tuple(c.value for c in Complaint),
    "urgency": URGENCIES}
HOLDOUT_EVERY = 5  # one mention in five (by a stable hash of its id) is held out for evaluation


def label_value(mention: Mention, field: str) -> str:
    """A label in the correction vocabulary."""
    if field == "complaint":
        return Complaint.of(mention.complaint).value
    return str(getattr(mention, field))


def correct_label(session: Session, mention: Mention, field: str, value: str,
                  user_id: int | None, policy: SlaPolicy) -> bool:
    """Store a correction, apply it to the mention and its SLA, audit it; False if unchanged."""
    if value not in CORRECTABLE.get(field, ()):
        choices = ", ".join(CORRECTABLE.get(field, ())) or "nothing (fields: " + \
            ", ".join(LABEL_FIELDS) + ")"
        raise WorkflowError(f"cannot set {field} to {value!r}: choose {choices}")
    old = label_value(mention, field)
    if old == value:
        return False
    session.add(LabelCorrection(mention_id=mention.id, user_id=user_id, field=field,
                                old_value=old, new_value=value, created_at=now()))
    if field == "sentiment":
        mention.sentiment = value
    elif field == "complaint":
        mention.complaint = value == Complaint.TRUE
    else:
        mention.urgency = value
        mention.urgency_rank = URGENCY_RANK[value]
    _recompute_sla(mention, policy)
    audit(session, user_id, "label.correct", "mention", mention.id, field=field, old=old,
          new=value)
    return True


def _recompute_sla(mention: Mention, policy: SlaPolicy) -> None:
    """The due time follows the corrected labels, as ingest would have set it."""
    if mention.first_response_at is not None or mention.status == Status.OWN:
        return
    if needs_answer(mention.complaint, mention.urgency):
        mention.sla_due_at = policy.first_response_due(mention.created_at, mention.urgency)
    else:
        mention.sla_due_at = None


@dataclass(frozen=True)
class Example:
    """The latest correction of one field of one mention: what the team says is right."""

    mention_id: int
    text: str
    lang: str
    field: str
    label: str


def held_out(mention_id: int) -> bool:
    """Is this mention kept for evaluation (never trained on)? Stable across runs."""
    return zlib.crc32(str(mention_id).encode()) % HOLDOUT_EVERY == 0


def latest_corrections(session: Session, held: bool | None = None,
                       limit: int | None = None) -> list[Example]:
    """The latest correction per mention and field (newest first when limited); `held` picks
    the held-out slice (True), the training slice (False) or both (None)."""
    query = (select(LabelCorrection.mention_id, Mention.text, Mention.lang,
                    LabelCorrection.field, LabelCorrection.new_value)
             .join(Mention, Mention.id == LabelCorrection.mention_id)
             .order_by(LabelCorrection.created_at.desc(), LabelCorrection.id.desc()))
    latest: dict[tuple[int, str], Example] = {}
    for mention_id, text, lang, field, value in session.execute(query):
        if (mention_id, field) in latest or (held is not None and held_out(mention_id) != held):
            continue
        latest[(mention_id, field)] = Example(mention_id, text or "", lang or "und", field,
                                              value)
        if limit is not None and len(latest) >= limit:
            break
    return list(latest.values())
