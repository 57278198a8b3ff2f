"""The inbox: default view, keyset pagination, filters, bulk actions, roles and CSRF."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock, now
from earful.models import AuditLog, Incident, Mention
from earful.runtime import Runtime
from tests.unit.web_console_support import (
    add_author,
    add_mention,
    add_user,
    login,
    make_app,
)
from web.inbox_query import (
    InboxFilters,
    decode_cursor,
    encode_cursor,
    inbox_page,
    sort_key,
)


@pytest.fixture
def agent(app: Flask, session: Session) -> FlaskClient:
    add_user(session, "alice", "agent", display_name="Alice")
    client = app.test_client()
    login(client, "alice")
    return client


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr class="mention[^"]*" data-id="(\d+)"', html)]


def test_anonymous_is_sent_to_login(app: Flask) -> None:
    client = app.test_client()
    for response in (client.get("/"), client.post("/inbox/bulk", data={"action": "resolve"})):
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["agent", "lead", "admin"])
def test_every_staff_role_sees_the_inbox(app: Flask, session: Session, role: str) -> None:
    add_user(session, f"u-{role}", role)
    client = app.test_client()
    login(client, f"u-{role}")
    assert client.get("/").status_code == 200


def test_default_view_is_open_complaints_by_urgency_then_due_then_age(
        agent: FlaskClient, session: Session) -> None:
    t = now()
    low = add_mention(session, urgency="low", due_in=timedelta(minutes=10))
    critical_late = add_mention(session, urgency="critical", due_in=timedelta(hours=3))
    critical_soon = add_mention(session, urgency="critical", due_in=timedelta(minutes=30))
    high = add_mention(session, urgency="high", status="open")
    older = add_mention(session, urgency="high", created_at=t - timedelta(hours=1),
                        due_in=timedelta(hours=1, minutes=5))  # same due as `high`, older
    add_mention(session, urgency="critical", status="resolved")
    add_mention(session, urgency="critical", status="waiting")
    add_mention(session, urgency="critical", complaint=False)
    add_mention(session, urgency="critical", status="own")
    html = agent.get("/").get_data(as_text=True)
    assert row_ids(html) == [critical_soon.id, critical_late.id, older.id, high.id, low.id]


def test_keyset_pages_walk_every_row_once_in_order(rt: Runtime, session: Session,
                                                  clock: FrozenClock) -> None:
    t = now()
    made = []
    for i in range(23):
        due = None if i % 4 == 0 else timedelta(minutes=(i * 7) % 50)
        made.append(add_mention(session, urgency=("critical", "high", "normal", "low")[i % 4],
                                created_at=t - timedelta(minutes=i % 5), due_in=due,
                                status=("new", "open", "waiting")[i % 3],
                                complaint=i % 5 != 0))
    filters = InboxFilters.from_args({"status": "any", "complaint": "any"})
    expected = [m.id for m in sorted(made, key=lambda m: (
        m.urgency_rank, m.sla_due_at is None, m.sla_due_at or t, m.created_at, m.id))]
    seen, cursor = [], None
    for _ in range(20):
        page = inbox_page(session, filters, 1, cursor, 4)
        seen += [m.id for m in page.mentions]
        if page.next_cursor is None:
            break
        cursor = decode_cursor(page.next_cursor)
    assert seen == expected


@pytest.mark.parametrize("recent", [1500, 2], ids=["recent-window", "gin-after-window"])
def test_search_pages_walk_every_match_once_in_inbox_order(
        rt: Runtime, session: Session, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch,
        recent: int) -> None:
    """A search is resolved to rows and ordered in Python (not the segments): the same order.
    On PostgreSQL a small window makes the older matches come from the index step."""
    import earful.search

    monkeypatch.setattr(earful.search, "RECENT", recent)
    monkeypatch.setattr(earful.search, "WIDER", recent + 1)
    t = now()
    made = []
    for i in range(23):
        due = None if i % 4 == 0 else timedelta(minutes=(i * 7) % 50)
        mention = add_mention(session, f"refund {i}" if i % 6 else "nothing to see",
                              urgency=("critical", "high", "normal", "low")[i % 4],
                              created_at=t - timedelta(minutes=i % 5), due_in=due,
                              status=("new", "open", "waiting")[i % 3])
        made += [mention] if i % 6 else []
    filters = InboxFilters.from_args({"status": "any", "complaint": "any", "q": "refund"})
    expected = [m.id for m in sorted(made, key=lambda m: (
        m.urgency_rank, m.sla_due_at is None, m.sla_due_at or t, m.created_at, m.id))]
    seen, cursor = [], None
    for _ in range(20):
        page = inbox_page(session, filters, 1, cursor, 4)
        seen += [m.id for m in page.mentions]
        if page.next_cursor is None:
            break
        cursor = decode_cursor(page.next_cursor)
    assert seen == expected


def test_cursor_round_trips_and_garbage_means_first_page(session: Session) -> None:
    m = add_mention(session)
    assert decode_cursor(encode_cursor(sort_key(m))) == sort_key(m)
    for junk in ("", "x", "1.2.3", "1.0.a.b.c", None):
        assert decode_cursor(junk) is None


def test_pager_links_carry_filters_and_cursor(agent: FlaskClient, session: Session,
                                              rt: Runtime) -> None:
    rt.settings.console.page_size = 2
    ids = [add_mention(session, due_in=timedelta(minutes=10 + i)).id for i in range(5)]
    html = agent.get("/?platform=x").get_data(as_text=True)
    assert row_ids(html) == ids[:2]
    link = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "platform=x" in link and "after=" in link
    second = agent.get(link).get_data(as_text=True)
    assert row_ids(second) == ids[2:4]
    assert "First page" in second


def test_filters(agent: FlaskClient, session: Session) -> None:
    t = now()
    alice_id = session.scalar(select(Mention.id).limit(1))  # none yet
    assert alice_id is None
    incident = Incident(title="Outage", started_at=t)
    session.add(incident)
    session.commit()
    masto = add_mention(session, "nope", platform="mastodon", lang="fr", sentiment="neutral")
    old = add_mention(session, "old bill", created_at=t - timedelta(days=3))
    linked = add_mention(session, "down again", incident_id=incident.id, urgency="critical")
    pct = add_mention(session, "I was charged 100% more", urgency="high")
    under = add_mention(session, "a_b literal", urgency="low")
    calm = add_mention(session, "thanks", complaint=False, sentiment="positive")
    cases = {
        "platform=mastodon": [masto.id], "lang=fr": [masto.id], "sentiment=neutral": [masto.id],
        f"incident={incident.id}": [linked.id], "urgency=high": [pct.id],
        "q=100%25": [pct.id], "q=a_b": [under.id], "q=BILL": [old.id],
        f"from={(t - timedelta(days=4)).date()}&to={(t - timedelta(days=2)).date()}": [old.id],
        "complaint=no": [calm.id], "complaint=no&status=resolved": [],
    }
    for query, expected in cases.items():
        assert sorted(row_ids(agent.get(f"/?{query}").get_data(as_text=True))) == \
            sorted(expected), query
    assert "not a date" in agent.get("/?from=yesterday").get_data(as_text=True)


def test_tag_and_assignee_filters(agent: FlaskClient, session: Session) -> None:
    me = add_mention(session)
    other = add_mention(session)
    free = add_mention(session)
    bob = add_user(session, "bob")
    agent.post("/inbox/bulk", data={"action": "assign", "assignee": "me", "ids": [me.id]})
    session.get(Mention, other.id).assignee_id = bob.id
    session.commit()
    agent.post("/inbox/bulk", data={"action": "tag", "tag": "billing", "ids": [free.id]})
    assert row_ids(agent.get("/?assignee=me").get_data(as_text=True)) == [me.id]
    assert row_ids(agent.get("/?assignee=none").get_data(as_text=True)) == [free.id]
    assert row_ids(agent.get(f"/?assignee={bob.id}").get_data(as_text=True)) == [other.id]
    assert row_ids(agent.get("/?tag=billing").get_data(as_text=True)) == [free.id]


def test_full_text_search(agent: FlaskClient, session: Session) -> None:
    ro = add_mention(session, "Nu am semnal în București de azi")
    en = add_mention(session, "The app crashes when I pay my bill")
    add_mention(session, "Everything fine here")
    gone = add_mention(session, "", deleted=True)
    assert row_ids(agent.get("/?q=bucuresti").get_data(as_text=True)) == [ro.id]  # diacritics
    assert row_ids(agent.get("/?q=crash+bill").get_data(as_text=True)) == [en.id]  # prefix, AND
    assert row_ids(agent.get("/?q=bill+semnal").get_data(as_text=True)) == []
    for hostile in ['"', "NEAR(a b)", "*", "app OR", "%_\\", "') DROP TABLE mentions;--"]:
        response = agent.get("/", query_string={"q": hostile})
        assert response.status_code == 200, hostile
    session.get(Mention, en.id).text = ""  # purged (deleted on the platform): not findable
    session.commit()
    assert row_ids(agent.get("/?q=crash").get_data(as_text=True)) == []
    assert gone.id not in row_ids(agent.get("/?q=app").get_data(as_text=True))


def test_a_search_matching_more_than_the_cap_lists_the_newest_and_says_so(
        agent: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    import web.inbox
    import web.inbox_query

    for module in (web.inbox_query, web.inbox):  # the query and the page's message
        monkeypatch.setattr(module, "MATCH_CAP", 3)
    ids = [add_mention(session, f"refund number {i}").id for i in range(5)]
    page = agent.get("/?q=refund").get_data(as_text=True)
    assert sorted(row_ids(page)) == sorted(ids[-3:])  # the newest three, in inbox order
    assert "More than 3 mentions match this search and filters" in page
    narrower = agent.get("/?q=refund+4").get_data(as_text=True)
    assert row_ids(narrower) == [ids[4]] and "More than" not in narrower
    # the cap counts only mentions that pass the other filters: resolved ones do not crowd out
    # the open work the default view is about
    older_open = [add_mention(session, f"charged twice {i}").id for i in range(2)]
    for i in range(4):
        add_mention(session, f"charged twice, sorted {i}", status="resolved")
    assert sorted(row_ids(agent.get("/?q=charged").get_data(as_text=True))) == older_open
    assert len(row_ids(agent.get("/?q=charged&status=resolved").get_data(as_text=True))) == 3


def test_bulk_resolve_assign_tag_and_link(agent: FlaskClient, session: Session) -> None:
    a, b = add_mention(session), add_mention(session)
    incident = Incident(title="Outage", started_at=now())
    session.add(incident)
    session.commit()
    ids = [a.id, b.id]
    back = agent.post("/inbox/bulk", data={"action": "resolve", "ids": ids, "next": "/?q=x"})
    assert back.headers["Location"] == "/?q=x"
    agent.post("/inbox/bulk", data={"action": "assign", "assignee": "me", "ids": ids})
    agent.post("/inbox/bulk", data={"action": "tag", "tag": "  outage  ", "ids": ids})
    agent.post("/inbox/bulk", data={"action": "incident", "incident": incident.id, "ids": ids})
    session.expire_all()
    for mention in (session.get(Mention, a.id), session.get(Mention, b.id)):
        assert mention.status == "resolved" and mention.resolved_at is not None
        assert mention.assignee_id is not None
        assert [t.name for t in mention.tags] == ["outage"]
        assert mention.incident_id == incident.id
    actions = session.scalars(select(AuditLog.action)).all()
    for action in ("mention.status", "mention.assign", "mention.tag", "mention.incident"):
        assert actions.count(action) == 2


def test_bulk_refuses_open_redirects_and_bad_input(agent: FlaskClient, session: Session) -> None:
    m = add_mention(session)
    response = agent.post("/inbox/bulk", data={"action": "resolve", "ids": [m.id],
                                               "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert agent.post("/inbox/bulk", data={"action": "explode", "ids": [m.id]}).status_code == 400
    agent.post("/inbox/bulk", data={"action": "resolve"})
    assert "Tick at least one" in agent.get("/").get_data(as_text=True)
    agent.post("/inbox/bulk", data={"action": "incident", "incident": "", "ids": [m.id]})
    assert "choose an incident" in agent.get("/").get_data(as_text=True)


def test_only_leads_assign_to_someone_else(app: Flask, agent: FlaskClient,
                                           session: Session) -> None:
    m = add_mention(session)
    bob = add_user(session, "bob")
    agent.post("/inbox/bulk", data={"action": "assign", "assignee": bob.id, "ids": [m.id]})
    session.expire_all()
    assert session.get(Mention, m.id).assignee_id is None  # refused by the assignment rule
    add_user(session, "lena", "lead")
    lead = app.test_client()
    login(lead, "lena")
    lead.post("/inbox/bulk", data={"action": "assign", "assignee": bob.id, "ids": [m.id]})
    session.expire_all()
    assert session.get(Mention, m.id).assignee_id == bob.id


def test_sla_time_left_and_overdue_in_business_minutes(agent: FlaskClient,
                                                       session: Session) -> None:
    # The frozen clock is Monday 09:00 UTC, the opening time of the default calendar.
    add_mention(session, urgency="critical", created_at=now(), due_in=timedelta(minutes=45))
    add_mention(session, urgency="high", created_at=now() - timedelta(days=3, hours=1),
                due_in=timedelta(days=3))  # due Monday 08:00: before opening, so 0m overdue
    html = agent.get("/").get_data(as_text=True)
    assert "45m left" in html
    assert "overdue 0m" in html


def test_hostile_text_is_escaped(agent: FlaskClient, session: Session) -> None:
    author = add_author(session, "x\"><script>alert(1)</script>",
                        display_name="<img src=x onerror=alert(2)>")
    add_mention(session, "<script>window.pwned=1</script>", author=author)
    html = agent.get("/").get_data(as_text=True)
    assert "<script>window.pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html


def test_deleted_mentions_never_show_their_text(agent: FlaskClient, session: Session) -> None:
    add_mention(session, "secret words", deleted=True)
    html = agent.get("/").get_data(as_text=True)
    assert "secret words" not in html and "deleted on the platform" in html
    assert "secret words" not in agent.get("/?q=secret").get_data(as_text=True)


def test_csrf_is_enforced_on_bulk_actions(rt: Runtime, session: Session,
                                          clock: FrozenClock) -> None:
    app = make_app(rt, csrf=True)
    add_user(session, "carol")
    m = add_mention(session)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "carol", "password": "correct horse battery",
                                "csrf_token": token})
    assert client.post("/inbox/bulk", data={"action": "resolve", "ids": [m.id]}).status_code \
        == 400
    html = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    ok = client.post("/inbox/bulk", data={"action": "resolve", "ids": [m.id],
                                          "csrf_token": token})
    assert ok.status_code == 302
    session.expire_all()
    assert session.get(Mention, m.id).status == "resolved"
