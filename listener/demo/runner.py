"""Starting the demo: back-fill history once, and (for `earful demo --instant`) play it all now."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from earful.clock import now
from earful.db import writing
from earful.models import DemoState
from earful.runtime import Runtime
from listener.demo.adapter import beat_record
from listener.demo.backfill import backfill
from listener.demo.canned import seed_canned_responses
from listener.demo.scenario import SCENARIO
from listener.ingest import ingest


def prepare_demo(rt: Runtime) -> int:
    """Back-fill the demo's history on first start; return how many mentions were stored."""
    with writing(rt.sessions) as session:
        state = session.scalar(select(DemoState))
        if state is not None and state.backfilled:
            return 0
        result = backfill(session, rt.model, rt.sla,
                          rt.settings.demo.backfill_days)
        seed_canned_responses(session)
        if state is None:
            session.add(DemoState(started_at=now(), backfilled=True))
        else:
            state.backfilled = True
    return result.stored


def play_instantly(rt: Runtime) -> int:
    """Store one whole replay of the scenario, back-dated to have just happened."""
    start = now() - timedelta(seconds=SCENARIO[-1][0])
    records = [beat_record(0, i, start + timedelta(seconds=beat[0]))
               for i, beat in enumerate(SCENARIO)]
    with writing(rt.sessions) as session:
        return ingest(session, records, model=rt.model,
                      sla=rt.sla).stored
