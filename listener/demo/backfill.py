"""Two weeks of ordinary, back-dated history for the demo, so baselines have a past."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from classifier import Model
from earful.clock import now
from earful.models import Mention
from earful.sla import SlaPolicy
from earful.vocab import Status
from listener.demo.adapter import PLATFORM
from listener.demo.scenario import HISTORY_LINES
from listener.ingest import IngestResult, ingest
from listener.records import AuthorRecord, MentionRecord

POSTS_PER_DAY = (20, 40)


def history_records(days: int, seed: int = 7) -> list[MentionRecord]:
    """Deterministic ordinary chatter over the last `days` days (same seed, same history)."""
    rng = random.Random(seed)
    moment = now().replace(minute=0, second=0, microsecond=0)
    records = []
    for day in range(days, 0, -1):
        for n in range(rng.randint(*POSTS_PER_DAY)):
            network, text = rng.choice(HISTORY_LINES)
            created = moment - timedelta(days=day, seconds=rng.randint(0, 86399))
            person = rng.randint(1, 400)
            records.append(MentionRecord(
                platform=PLATFORM, external_id=f"history-{day}-{n}", text=text,
                created_at=created,
                author=AuthorRecord(external_id=f"{network}:customer{person}",
                                    handle=f"customer{person}", display_name=f"Customer {person}",
                                    followers=rng.randint(0, 3000)),
                raw={"network": network, "history": True}))
    return records


def backfill(session: Session, model: Model, sla: SlaPolicy, days: int) -> IngestResult:
    """Store the history and mark it answered and resolved, as a working team would have."""
    records = history_records(days)
    result = ingest(session, records, model=model, sla=sla)
    rng = random.Random(11)
    ids = session.scalars(select(Mention.id).where(
        Mention.platform == PLATFORM, Mention.external_id.like("history-%"),
        Mention.status == "new")).all()
    for mention_id in ids:
        created = session.scalar(select(Mention.created_at).where(Mention.id == mention_id))
        assert created is not None
        answered = created + timedelta(minutes=rng.randint(5, 240))
        session.execute(update(Mention).where(Mention.id == mention_id).values(
            status=Status.RESOLVED.value, first_response_at=answered,
            resolved_at=answered + timedelta(minutes=rng.randint(1, 600))))
    return result
