"""Stored first-response due times follow a changed calendar (`earful sla recompute`)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.calendar import BusinessCalendar
from earful.models import Mention
from earful.runtime import Runtime
from earful.settings import CalendarSettings
from earful.sla import SlaPolicy, recompute_due_times

FRIDAY_EVENING = datetime(2026, 1, 9, 16, 50, tzinfo=UTC)
STALE = datetime(2026, 1, 1, tzinfo=UTC)
_ids = itertools.count(1)


def _mention(session: Session, **fields: Any) -> Mention:
    values: dict[str, Any] = {"platform": "x", "external_id": f"r-{next(_ids)}",
                              "created_at": FRIDAY_EVENING, "complaint": True,
                              "urgency": "high", "status": "new", "sla_due_at": STALE}
    values.update(fields)
    row = Mention(**values)
    session.add(row)
    session.flush()
    return row


def _policy(rt: Runtime, hours: dict[str, str]) -> SlaPolicy:
    calendar = BusinessCalendar.from_settings(CalendarSettings(timezone="UTC", hours=hours))
    return SlaPolicy(calendar, dict(rt.settings.sla.first_response_minutes),
                     dict(rt.settings.sla.resolution_minutes))


def _due(session: Session, row: Mention) -> datetime | None:
    return session.scalar(select(Mention.sla_due_at).where(Mention.id == row.id))


def test_owed_work_gets_the_new_calendar_and_the_rest_is_left_alone(rt: Runtime,
                                                                     session: Session) -> None:
    policy = _policy(rt, dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
                                       "00:00-24:00"))
    owed = [_mention(session, status=status) for status in ("new", "open", "waiting")]
    low_question = _mention(session, complaint=False, urgency="low")  # owed no reply
    answered = _mention(session, first_response_at=FRIDAY_EVENING + timedelta(minutes=5))
    resolved = _mention(session, status="resolved")
    own = _mention(session, status="own", sla_due_at=None)
    already_right = _mention(session, sla_due_at=FRIDAY_EVENING + timedelta(minutes=60))
    session.expire_all()

    assert recompute_due_times(session, policy) == 4

    session.expire_all()
    for row in owed + [already_right]:
        assert _due(session, row) == FRIDAY_EVENING + timedelta(minutes=60)  # 24/7 now
    assert _due(session, low_question) is None
    assert _due(session, answered) == STALE
    assert _due(session, resolved) == STALE
    assert _due(session, own) is None


def test_recompute_walks_every_batch(rt: Runtime, session: Session) -> None:
    policy = _policy(rt, {"mon": "09:00-17:00"})
    rows = [_mention(session, urgency="critical") for _ in range(7)]
    session.expire_all()

    assert recompute_due_times(session, policy, batch_size=3) == 7
    assert recompute_due_times(session, policy, batch_size=3) == 0  # nothing left to change

    session.expire_all()
    # Friday 16:50 + 30 business minutes, open only on Mondays 09-17: Monday 09:30.
    assert {_due(session, row) for row in rows} == {datetime(2026, 1, 12, 9, 30, tzinfo=UTC)}
