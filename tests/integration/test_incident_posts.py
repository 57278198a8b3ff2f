"""An incident's updates and follow-ups through the dispatcher and the real clients, against the
fake platforms (and the demo adapter).

Counted on the fakes: the first update is a top-level post, every later one a reply to it (on
Bluesky with the thread's root), each posted once; a follow-up to 500 linked complainers goes
out at the configured pace, each reply exactly once.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from earful.clock import FrozenClock, now
from earful.models import CannedResponse, Incident, Mention, OutboxReply, User
from earful.runtime import Runtime
from earful.work.incidents import (
    IncidentDraft,
    add_update,
    open_incident,
    publish_targets,
    queue_follow_ups,
)
from listener.demo.adapter import DemoAdapter
from listener.platforms.lengths import too_long
from responder import dispatch as dispatcher
from tests.integration.test_posting import Rig, no_sleep, rig  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.usefixtures("no_sleep")

MESSAGES = {
    "investigating": "Update one: we are investigating reports of no mobile data.",
    "identified": "Update two: we found a faulty router in Bucharest.",
    "monitoring": "Update three: a fix is in place and we are watching.",
    "resolved": "Update four: mobile data works again everywhere. Sorry!",
}
DRAFT = IncidentDraft(title="No mobile data", impact="major", components=["Mobile data"],
                      keywords={"en": ["no signal"]})


def test_an_incidents_four_updates_thread_under_its_first_post(
        rt: Runtime, rig: Rig, clock: FrozenClock) -> None:  # noqa: F811
    rt.settings.accounts = [rig.account]
    rt.publishers[rig.platform] = rig.adapter
    targets = [t for t in publish_targets(rt.settings) if t[0] == rig.platform]
    with rt.sessions() as session:
        incident = open_incident(session, DRAFT, {"en": MESSAGES["investigating"]}, None,
                                 rt.settings, targets, too_long)
        # Queued before the first post is out: it waits for it.
        add_update(session, incident, "identified", {"en": MESSAGES["identified"]}, None,
                   rt.settings, targets, too_long)
        session.commit()
        incident_id = incident.id
    assert list(dispatcher.dispatch(rt).outcomes.values()) == ["sent"]
    clock.advance(seconds=dispatcher.THREAD_WAIT.total_seconds())
    assert list(dispatcher.dispatch(rt).outcomes.values()) == ["sent"]
    for status in ("monitoring", "resolved"):
        clock.advance(minutes=10)
        with rt.sessions() as session:
            incident = session.get(Incident, incident_id)
            assert incident is not None
            add_update(session, incident, status, {"en": MESSAGES[status]}, None, rt.settings,
                       targets, too_long)
            session.commit()
        assert list(dispatcher.dispatch(rt).outcomes.values()) == ["sent"]
    clock.advance(hours=1)
    assert dispatcher.dispatch(rt).outcomes == {}
    posted = rig.state.posts_by_brand()
    assert len(posted) == 4
    for post, message in zip(posted, MESSAGES.values(), strict=True):
        assert message.split(":")[0] in post["text"]  # each update once, in order
    first = posted[0]["id"]
    assert not posted[0]["reply_to"]
    assert [p["reply_to"] for p in posted[1:]] == [first] * 3
    if rig.platform == "bluesky":
        assert [p["root"] for p in posted[1:]] == [first] * 3
    with rt.sessions() as session:
        rows = list(session.scalars(select(OutboxReply).order_by(OutboxReply.id)))
        assert [(r.status, r.external_id) for r in rows] == [("sent", p["id"]) for p in posted]
        assert [r.attempts for r in rows] == [1, 1, 1, 1]  # waiting was not an attempt


def test_a_follow_up_to_500_complainers_keeps_the_pace_and_sends_each_once(
        rt: Runtime, clock: FrozenClock) -> None:
    rt.settings.sources = []  # the demo answers as its built-in account
    rt.settings.accounts = []
    rt.settings.responder.batch_size = 1_000
    demo = DemoAdapter()
    rt.publishers["demo"] = demo
    per_minute = rt.settings.incidents.followup_per_minute["demo"]
    with rt.sessions() as session:
        incident = open_incident(session, DRAFT, {"en": MESSAGES["investigating"]}, None,
                                 rt.settings)
        session.add(CannedResponse(name="Known outage", lang="en",
                                   body="Hi {first_name}, we know: {incident_url}"))
        session.add_all(Mention(platform="demo", external_id=f"history-{i}", text="no signal",
                                lang="en", created_at=now(), complaint=True,
                                incident_id=incident.id) for i in range(500))
        lead = User(username="lead", password_hash="-", role="lead")
        session.add(lead)
        session.flush()
        assert queue_follow_ups(session, incident, "Known outage", lead.id, rt.settings,
                                include_fallback=False, agent_name="Dana") == 500
        session.commit()
    sent_per_minute = []
    for _ in range(20):
        sent_per_minute.append(dispatcher.dispatch(rt).count("sent"))
        clock.advance(minutes=1)
    assert sum(sent_per_minute) == 500
    assert max(sent_per_minute) <= per_minute
    assert sent_per_minute[:3] == [1, per_minute, per_minute]  # the first at once, then paced
    replies = list(demo._posted.values())
    assert len(replies) == 500
    assert sorted(r.parent_external_id or "" for r in replies) == \
        sorted(f"history-{i}" for i in range(500))
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxReply).where(
            OutboxReply.status == "sent", OutboxReply.attempts == 1)) == 500
        assert session.scalar(select(func.count()).select_from(Mention).where(
            Mention.first_response_at.is_not(None))) == 500  # answers stop the SLA clock
    clock.advance(hours=1)
    assert dispatcher.dispatch(rt).outcomes == {}
