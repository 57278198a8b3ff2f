"""Incident rules (earful.work.incidents): validation, lifecycle, publishing through the outbox,
auto-linking, hand links, proactive follow-ups and the linked mentions' figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock, now
from earful.models import (
    AuditLog,
    CannedResponse,
    Incident,
    IncidentUpdate,
    Mention,
    OutboxReply,
)
from earful.runtime import Runtime
from earful.settings import AccountSettings
from earful.work import WorkflowError, incident_links, incidents
from earful.work.incidents import (
    IncidentDraft,
    add_update,
    auto_link,
    follow_up_plan,
    link_many,
    linked_stats,
    matches,
    open_incident,
    publish_targets,
    queue_follow_ups,
    run_auto_link,
    unlink_many,
    update_incident,
)
from earful.work.replies import DEMO_ACCOUNT
from listener.platforms.base import PostRef
from listener.platforms.lengths import too_long
from responder import dispatch as dispatcher
from tests.unit.web_console_support import add_author, add_mention, add_user

PLATFORMS = ("x", "reddit", "mastodon", "bluesky")
EN = {"en": "We are looking into reports of no mobile data."}


@pytest.fixture
def accounts(rt: Runtime, clock: FrozenClock) -> list[tuple[str, str]]:
    rt.settings.accounts = [AccountSettings(platform=p, handle="LumenMobile") for p in PLATFORMS]
    return [(p, "LumenMobile") for p in PLATFORMS]


def _draft(**fields: Any) -> IncidentDraft:
    values: dict[str, Any] = {"title": "Mobile data down in Bucharest", "impact": "major",
                              "components": ["Mobile data"],
                              "keywords": {"en": ["no signal", "network down"],
                                           "ro": ["rețea"], "el": ["σύνδεση"],
                                           "es": ["caída"]}}
    values.update(fields)
    return IncidentDraft(**values)


def _open(rt: Runtime, session: Session, targets: Any = (), **fields: Any) -> Incident:
    user = add_user(session, "lead", role="lead")
    incident = open_incident(session, _draft(**fields), dict(EN), user.id, rt.settings,
                             targets, too_long)
    session.commit()
    return incident


def _rows(session: Session) -> list[OutboxReply]:
    return list(session.scalars(select(OutboxReply).order_by(OutboxReply.id)))


# -- validation and lifecycle ---------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "words"), [
    ({"title": "  "}, "title"),
    ({"impact": "apocalyptic"}, "Impact must be one of"),
    ({"components": ["Teleportation"]}, "Unknown component 'Teleportation'"),
    ({"keywords": {"xx": ["down"]}}, "'xx' is not one of them"),
    ({"scheduled_start": "start"}, "both a start and an end"),
    ({"scheduled_start": "end", "scheduled_end": "start"}, "end after it starts"),
    ({"scheduled_start": "past", "scheduled_end": "past_end"}, "in the past"),
])
def test_a_draft_is_refused_in_plain_words(rt: Runtime, session: Session, clock: FrozenClock,
                                           fields: dict[str, Any], words: str) -> None:
    times = {"start": now() + timedelta(hours=1), "end": now() + timedelta(hours=3),
             "past": now() - timedelta(hours=3), "past_end": now() - timedelta(hours=1)}
    fields = {k: times.get(v, v) if isinstance(v, str) and k.startswith("scheduled") else v
              for k, v in fields.items()}
    with pytest.raises(WorkflowError, match=words):
        open_incident(session, _draft(**fields), dict(EN), None, rt.settings)
    assert session.scalar(select(Incident.id)) is None


def test_opening_posts_the_first_update_once_per_target(rt: Runtime, session: Session,
                                                        accounts: list[tuple[str, str]]) -> None:
    start, end = now() + timedelta(hours=1), now() + timedelta(hours=3)
    incident = _open(rt, session, accounts + [("x", "@lumenmobile")],
                     scheduled_start=start, scheduled_end=end)
    assert (incident.status, incident.scheduled_start, incident.scheduled_end) == \
        ("investigating", start, end)
    assert incident.keywords["ro"] == ["rețea"] and incident.components == ["Mobile data"]
    rows = _rows(session)
    update_id = rows[0].incident_update_id
    assert [(r.platform, r.account_handle, r.idempotency_key) for r in rows] == [
        (p, "LumenMobile", f"incident:{incident.id}:{update_id}:{p}:LumenMobile")
        for p in PLATFORMS]  # the repeated X account is posted once
    url = f"{rt.settings.app.public_url.rstrip('/')}/status/incidents/{incident.id}"
    assert all(r.text == f"{EN['en']} {url}" and r.status == "queued" and r.mention_id is None
               and r.in_reply_to is None and r.created_by == incident.created_by for r in rows)
    actions = [a.action for a in session.scalars(select(AuditLog))]
    assert "incident.open" in actions and "incident.update" in actions


def test_publish_targets_are_the_accounts_and_the_demo(rt: Runtime,
                                                       accounts: list[tuple[str, str]]) -> None:
    rt.settings.sources = []
    assert rt.settings.demo_active
    assert publish_targets(rt.settings) == accounts + [("demo", DEMO_ACCOUNT)]
    rt.settings.demo.enabled = "false"
    assert publish_targets(rt.settings) == accounts


def test_a_target_that_is_not_a_brand_account_is_refused(rt: Runtime, session: Session,
                                                         accounts: Any) -> None:
    with pytest.raises(WorkflowError, match="not a configured brand account"):
        open_incident(session, _draft(), dict(EN), None, rt.settings, [("x", "SomeoneElse")])
    assert _rows(session) == [] and session.scalar(select(Incident.id)) is None


@pytest.mark.parametrize(("messages", "words"), [
    ({"ro": "Investigăm."}, "Write the message in en"),
    ({"en": "   ", "ro": "Investigăm."}, "Write the message in en"),
    ({"en": "ok", "xx": "?"}, "'xx' is not one of them"),
])
def test_the_default_language_is_required(rt: Runtime, session: Session, clock: FrozenClock,
                                          messages: dict[str, str], words: str) -> None:
    with pytest.raises(WorkflowError, match=words):
        open_incident(session, _draft(), messages, None, rt.settings)


def test_the_lifecycle_moves_forward_or_stays_never_back(rt: Runtime, session: Session,
                                                         clock: FrozenClock) -> None:
    incident = _open(rt, session)
    clock.advance(minutes=10)
    update = add_update(session, incident, "identified", {"en": " Found it. ", "ro": "Găsit."},
                        None, rt.settings)
    assert (update.body, update.messages) == ("Found it.", {"en": "Found it.", "ro": "Găsit."})
    assert incident.updated_at == now() and incident.resolved_at is None
    add_update(session, incident, "identified", {"en": "Still on it."}, None, rt.settings)
    with pytest.raises(WorkflowError, match="cannot go back to investigating"):
        add_update(session, incident, "investigating", {"en": "Hm."}, None, rt.settings)
    with pytest.raises(WorkflowError, match="Status must be one of"):
        add_update(session, incident, "fixed", {"en": "Hm."}, None, rt.settings)
    clock.advance(minutes=10)
    add_update(session, incident, "resolved", {"en": "Fixed."}, None, rt.settings)
    assert (incident.status, incident.resolved_at) == ("resolved", now())
    with pytest.raises(WorkflowError, match="resolved"):
        add_update(session, incident, "resolved", {"en": "Again."}, None, rt.settings)


def test_a_too_long_update_refuses_everything_and_queues_nothing(
        rt: Runtime, session: Session, accounts: list[tuple[str, str]]) -> None:
    incident = _open(rt, session)
    before = session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1))
    with pytest.raises(WorkflowError, match="too long for x: 291 of 280"):
        add_update(session, incident, "identified", {"en": "a" * 291}, None, rt.settings,
                   accounts, too_long)
    assert _rows(session) == [] and incident.status == "investigating"
    assert session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1)) == before


def test_the_link_is_left_out_where_it_does_not_fit(rt: Runtime, session: Session,
                                                     accounts: list[tuple[str, str]]) -> None:
    incident = _open(rt, session)
    add_update(session, incident, "identified", {"en": "b" * 270}, None, rt.settings,
               accounts, too_long)
    texts = {r.platform: r.text for r in _rows(session)}
    assert texts["x"] == "b" * 270  # 270 + 1 + 23 for the link would be 294 of 280
    assert texts["mastodon"].startswith("b" * 270 + " http")


def test_editing_an_incident_is_audited(rt: Runtime, session: Session,
                                        clock: FrozenClock) -> None:
    incident = _open(rt, session)
    assert update_incident(session, incident, _draft(title="Mobile data down", impact="critical",
                                                     keywords={"en": ["  no   data "]}),
                           None, rt.settings)
    assert (incident.title, incident.impact, incident.keywords) == \
        ("Mobile data down", "critical", {"en": ["no data"]})
    assert not update_incident(session, incident, _draft(title="Mobile data down",
                                                         impact="critical",
                                                         keywords={"en": ["no data"]}),
                               None, rt.settings)
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "incident.edit")).one()
    assert entry.details["changes"]["impact"] == ["major", "critical"]


# -- matching -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Nu am rețea de ieri", True), ("nu am retea deloc", True), ("REŢEA picată", True),
    ("Δεν έχω ΣΥΝΔΕΣΗ", True), ("καμία συνδεση", True), ("η σύνδεσή μου", True),
    ("¡Otra caída!", True), ("otra CAIDA de red", True),
    ("NO SIGNAL since noon", True), ("no-signal again", True), ("network   down!", True),
    ("retelele sunt ok", False), ("reconectare", False), ("caidas", False),
    ("no signals", False), ("nosignal", False), ("the network is down", False),
])
def test_matches_folds_case_and_diacritics_and_keeps_whole_words(
        text: str, expected: bool) -> None:
    incident = Incident(keywords=_draft().keywords)
    assert matches(incident, text) is expected


def test_matches_nothing_without_keywords() -> None:
    assert not matches(Incident(keywords={}), "anything at all")
    assert not matches(Incident(keywords={"en": ["!!"]}), "!! here")


# -- auto-linking ---------------------------------------------------------------------------------

def test_auto_link_links_what_belongs_and_skips_the_rest(rt: Runtime, session: Session,
                                                         clock: FrozenClock) -> None:
    before = add_mention(session, "no signal at all", created_at=now() - timedelta(hours=1))
    incident = _open(rt, session)
    other = _open_other(rt, session)
    clock.advance(minutes=5)
    at = now() - timedelta(minutes=1)
    keyword = add_mention(session, "Nu am REȚEA!", created_at=at, lang="ro", reasons=None)
    outage = add_mention(session, "everything is broken", created_at=at, reason_codes=["outage"],
                         reasons=["service outage"])
    not_complaint = add_mention(session, "everything is broken?", created_at=at,
                                reason_codes=["outage"], complaint=False)
    unrelated = add_mention(session, "my bill is wrong", created_at=at)
    own = add_mention(session, "we are on it: no signal", created_at=at, status="own")
    deleted = add_mention(session, "no signal", created_at=at, deleted=True)
    linked = add_mention(session, "no signal", created_at=at, incident_id=other.id)
    assert auto_link(session, rt.settings) == 2
    # An outage complaint naming no component goes to the newest open incident.
    assert keyword.incident_id == incident.id and outage.incident_id == other.id
    assert keyword.reasons == [f"linked to open incident #{incident.id}"]
    assert outage.reasons == ["service outage", f"linked to open incident #{other.id}"]
    for skipped in (before, not_complaint, unrelated, own, deleted):
        assert skipped.incident_id is None
    assert linked.incident_id == other.id
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "mention.incident")).all()
    assert {(a.target_id, a.user_id) for a in audit} == {(str(keyword.id), None),
                                                         (str(outage.id), None)}
    assert auto_link(session, rt.settings) == 0


def _open_other(rt: Runtime, session: Session) -> Incident:
    incident = open_incident(session, _draft(title="Billing", components=["Billing"],
                                             keywords={"en": ["invoice"]}),
                             dict(EN), None, rt.settings)
    session.commit()
    return incident


def test_an_outage_complaint_goes_to_the_incident_naming_its_component(
        rt: Runtime, session: Session, clock: FrozenClock) -> None:
    data = _open(rt, session)
    billing = _open_other(rt, session)  # newer
    clock.advance(minutes=1)
    about_data = add_mention(session, "mobile data is dead", reason_codes=["outage"],
                             created_at=now())
    vague = add_mention(session, "it is all down", reason_codes=["outage"], created_at=now())
    assert auto_link(session, rt.settings) == 2
    assert (about_data.incident_id, vague.incident_id) == (data.id, billing.id)


def test_auto_link_is_bounded_and_progresses(rt: Runtime, session: Session, clock: FrozenClock,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    incident = _open(rt, session)
    clock.advance(minutes=1)
    matching = [add_mention(session, f"no signal {i}", created_at=now()) for i in range(5)]
    for i in range(4):
        add_mention(session, f"unrelated {i}", created_at=now())
    monkeypatch.setattr(incident_links, "AUTO_LINK_BATCH", 3)
    cursor = incidents.LinkCursor()
    counts = [auto_link(session, rt.settings, cursor) for _ in range(4)]
    assert counts == [0, 2, 3, 0] and cursor.examined == 9
    assert all(m.incident_id == incident.id for m in matching)
    late = add_mention(session, "still no signal", created_at=now())
    assert auto_link(session, rt.settings, cursor) == 1 and late.incident_id == incident.id
    assert cursor.examined == 10  # new arrivals only, not the old ones again


def test_the_job_links_once_a_run_and_rests_when_nothing_is_open(
        rt: Runtime, clock: FrozenClock) -> None:
    with rt.sessions() as session:
        add_mention(session, "no signal", created_at=now() - timedelta(minutes=1))
    assert run_auto_link() == 0  # nothing is open
    with rt.sessions() as session:
        _open(rt, session)
        clock.advance(minutes=1)
        mention_id = add_mention(session, "no signal here", created_at=now()).id
    rt.settings.incidents.auto_link = False
    assert run_auto_link() == 0
    rt.settings.incidents.auto_link = True
    assert run_auto_link() == 1 and run_auto_link() == 0
    with rt.sessions() as session:
        assert session.get(Mention, mention_id).incident_id is not None  # type: ignore[union-attr]


def test_link_and_unlink_by_hand_in_bulk(rt: Runtime, session: Session,
                                         clock: FrozenClock) -> None:
    incident = _open(rt, session)
    agent = add_user(session, "agent")
    clock.advance(minutes=1)
    mentions = [add_mention(session, f"no signal {i}", created_at=now()) for i in range(3)]
    own = add_mention(session, "ours", status="own")
    ids = [m.id for m in mentions] + [own.id, 999_999]
    assert link_many(session, incident, ids, agent.id) == 3
    assert link_many(session, incident, ids, agent.id) == 0 and own.incident_id is None
    assert unlink_many(session, incident, ids[:2], agent.id) == 2
    assert [m.incident_id for m in mentions] == [None, None, incident.id]
    assert mentions[0].reasons[-1] == f"unlinked from incident #{incident.id}"
    # Unlinked by a person: auto-linking leaves them alone.
    assert auto_link(session, rt.settings) == 0 and mentions[0].incident_id is None
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "mention.incident",
                                                   AuditLog.user_id == agent.id)).all()
    assert len(audit) == 5


# -- follow-ups -----------------------------------------------------------------------------------

def _follow_up_setup(rt: Runtime, session: Session) -> tuple[Incident, list[Mention]]:
    rt.settings.accounts = [AccountSettings(platform=p, handle="LumenMobile")
                            for p in ("x", "mastodon")]
    incident = _open(rt, session)
    for lang, body in (("en", "Hi {first_name}, it is a known outage: {incident_url}"),
                       ("ro", "Salut {first_name}, e o pană cunoscută: {incident_url}")):
        session.add(CannedResponse(name="Outage", lang=lang, body=body))
    mentions = []
    for i, (platform, lang) in enumerate([("x", "en"), ("x", "ro"), ("x", "el"), ("x", "en"),
                                          ("mastodon", "ro"), ("mastodon", "es"),
                                          ("reddit", "en")]):  # no reddit account
        author = add_author(session, f"ana{i}", display_name=f"Ana{i} Pop")
        mentions.append(add_mention(session, "no signal", platform=platform, lang=lang,
                                    author=author, incident_id=incident.id))
    add_mention(session, "ours", incident_id=incident.id, status="own")
    add_mention(session, "gone", incident_id=incident.id, deleted=True)
    add_mention(session, "not linked")
    session.commit()
    return incident, mentions


def test_the_follow_up_plan_counts_languages(rt: Runtime, session: Session,
                                             clock: FrozenClock) -> None:
    incident, _ = _follow_up_setup(rt, session)
    plan = follow_up_plan(session, incident, "Outage", rt.settings)
    assert (plan.total, plan.native, plan.default_language) == (6, 4, 2)
    assert plan.by_language == {"el": 1, "en": 2, "es": 1, "ro": 2}
    assert plan.missing_languages == ["el", "es"]
    with pytest.raises(WorkflowError, match="no canned response called 'Nope'"):
        follow_up_plan(session, incident, "Nope", rt.settings)


def test_follow_ups_are_in_the_customers_language_paced_and_never_twice(
        rt: Runtime, session: Session, clock: FrozenClock) -> None:
    incident, mentions = _follow_up_setup(rt, session)
    lead = add_user(session, "lead2", role="lead")
    assert queue_follow_ups(session, incident, "Outage", lead.id, rt.settings,
                            include_fallback=False, agent_name="Dana") == 4
    rows = {r.mention_id: r for r in _rows(session) if r.mention_id}
    assert set(rows) == {mentions[i].id for i in (0, 1, 3, 4)}
    url = f"{rt.settings.app.public_url.rstrip('/')}/status/incidents/{incident.id}"
    assert rows[mentions[1].id].text == f"Salut Ana1, e o pană cunoscută: {url}"
    update_id = session.scalar(select(IncidentUpdate.id).order_by(IncidentUpdate.id.desc()))
    assert rows[mentions[0].id].idempotency_key == \
        f"followup:{incident.id}:{update_id}:{mentions[0].id}"
    assert rows[mentions[0].id].in_reply_to == mentions[0].external_id
    # X: 5 a minute, one every 12 s; Mastodon: 1 a minute.
    assert [rows[mentions[i].id].next_attempt_at - now() for i in (0, 1, 3)] == \
        [timedelta(0), timedelta(seconds=12), timedelta(seconds=24)]
    assert rows[mentions[4].id].next_attempt_at == now()
    assert mentions[0].status == "open"  # taken up, as any queued reply
    # With the fallback: only those not answered yet; after the queued ones on the account.
    assert queue_follow_ups(session, incident, "Outage", lead.id, rt.settings,
                            include_fallback=True, agent_name="Dana") == 2
    rows = {r.mention_id: r for r in _rows(session) if r.mention_id}
    assert rows[mentions[2].id].text.startswith("Hi Ana2, it is a known outage")
    assert rows[mentions[2].id].next_attempt_at - now() == timedelta(seconds=36)
    assert rows[mentions[5].id].next_attempt_at - now() == timedelta(seconds=60)
    assert queue_follow_ups(session, incident, "Outage", lead.id, rt.settings,
                            include_fallback=True, agent_name="Dana") == 0
    assert follow_up_plan(session, incident, "Outage", rt.settings).total == 0
    # A new update ("fixed"): everyone can hear once more.
    add_update(session, incident, "resolved", {"en": "Fixed."}, lead.id, rt.settings)
    assert follow_up_plan(session, incident, "Outage", rt.settings).total == 6


def test_linked_stats_count_by_platform_language_and_hour(rt: Runtime, session: Session,
                                                          clock: FrozenClock) -> None:
    incident = _open(rt, session)
    start = incident.started_at.replace(minute=0, second=0, microsecond=0)
    for hours, platform, lang in [(0, "x", "en"), (0, "x", "ro"), (2, "mastodon", "ro"),
                                  (-3, "x", "en")]:
        add_mention(session, platform=platform, lang=lang, incident_id=incident.id,
                    created_at=incident.started_at + timedelta(hours=hours))
    add_mention(session, "ours", incident_id=incident.id, status="own")
    clock.advance(hours=3)
    stats = linked_stats(session, incident, rt.settings)
    assert (stats["total"], stats["by_platform"], stats["by_language"]) == \
        (4, {"mastodon": 1, "x": 3}, {"en": 2, "ro": 2})
    assert stats["over_time"] == [(f"{start + timedelta(hours=h):%Y-%m-%d %H:%M}", n)
                                  for h, n in [(0, 3), (1, 0), (2, 1), (3, 0)]
                                  ][:len(stats["over_time"])]
    clock.advance(days=30)
    wide = linked_stats(session, incident, rt.settings)["over_time"]
    assert len(wide) <= 96 and sum(n for _, n in wide) == 4


# -- the dispatcher threads an incident's updates ------------------------------------------

class Thread:
    """An in-memory platform recording what each post replied to."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str | None]] = []

    def get_post(self, external_id: str) -> Any:
        return object()

    def post(self, account: Any, text: str, reply_to: str | None = None, *,
             idempotency_key: str | None = None) -> PostRef:
        self.posts.append((text, reply_to))
        return PostRef("x", f"p{len(self.posts)}")

    def find_own_post(self, account: Any, reply_to: str | None, text: str) -> PostRef | None:
        return None


def test_later_updates_wait_for_the_first_post_without_counting_attempts(
        rt: Runtime, clock: FrozenClock) -> None:
    rt.settings.accounts = [AccountSettings(platform="x", handle="LumenMobile")]
    platform = Thread()
    rt.publishers["x"] = platform
    with rt.sessions() as session:
        incident = _open(rt, session, [("x", "LumenMobile")])
        add_update(session, incident, "identified", {"en": "Found."}, None, rt.settings,
                   [("x", "LumenMobile")])
        session.commit()
        first, second = (r.id for r in _rows(session))
    assert dispatcher.dispatch(rt).outcomes == {first: "sent"}  # the second waited
    assert dispatcher.dispatch(rt).outcomes == {}
    with rt.sessions() as session:
        waiting = session.get(OutboxReply, second)
        assert waiting is not None and waiting.status == "queued" and waiting.attempts == 0
    clock.advance(seconds=5)
    assert dispatcher.dispatch(rt).outcomes == {second: "sent"}
    assert [reply_to for _, reply_to in platform.posts] == [None, "p1"]


def test_an_update_key_fits_the_outbox_column_for_any_handle() -> None:
    from earful.work.incident_posts import post_key

    assert post_key(7, 9, "x", "LumenMobile") == "incident:7:9:x:LumenMobile"
    long_key = post_key(7, 9, "mastodon", "lumen@" + "a" * 190 + ".example")
    assert len(long_key) <= 80 and long_key.startswith("incident:7:9:mastodon:")
    assert long_key == post_key(7, 9, "mastodon", "lumen@" + "a" * 190 + ".example")
