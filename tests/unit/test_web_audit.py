"""The audit helper and the admin's audit log page (filters, keyset pagination)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock
from earful.models import AuditLog
from earful.runtime import Runtime
from earful.work.audit import audit
from tests.unit.lead_admin_support import add_user, client_as, make_app
from web.audit_log import AuditFilter, audit_page
from web.params import BadParam


@pytest.fixture
def app(rt: Runtime) -> Flask:
    return make_app(rt)


def test_audit_stores_plain_json_details(session: Session, clock: FrozenClock) -> None:
    user = add_user(session, "lead")
    entry = audit(session, user.id, "mention.assign", "mention", 42,
                  when=datetime(2026, 1, 5, tzinfo=UTC), tags={"b", "a"}, day=date(2026, 1, 5))
    session.commit()
    session.expire_all()
    assert (entry.at, entry.target_id, entry.user_id) == (clock.now(), "42", user.id)
    assert entry.details == {"when": "2026-01-05T00:00:00+00:00", "tags": ["a", "b"],
                             "day": "2026-01-05"}
    assert audit(session, None, "system.job").details is None


def test_keyset_pages_never_repeat_or_skip(session: Session, clock: FrozenClock) -> None:
    for n in range(7):
        audit(session, None, "step", "thing", n)
        if n % 2:
            clock.advance(60)  # some entries share a timestamp: the id breaks the tie
    session.commit()
    seen: list[str] = []
    before = None
    while True:
        page = audit_page(session, AuditFilter(), before, size=3)
        if not page:
            break
        seen += [e.target_id for e in page]
        before = page[-1].id
    assert seen == ["6", "5", "4", "3", "2", "1", "0"]


def test_filters(session: Session, clock: FrozenClock) -> None:
    ana = add_user(session, "agent", "ana")
    audit(session, ana.id, "mention.status", "mention", 1)
    clock.advance(days=2)
    audit(session, None, "source.pause", "source", 2)
    session.commit()

    def actions(**kwargs: object) -> list[str]:
        return [e.action for e in audit_page(session, AuditFilter(**kwargs))]  # type: ignore

    assert actions(user_id=ana.id) == ["mention.status"]
    assert actions(target_type="source", target_id="2") == ["source.pause"]
    assert actions(until=clock.now().date() - timedelta(days=1)) == ["mention.status"]
    assert actions(since=clock.now().date()) == ["source.pause"]
    parsed, error = AuditFilter.from_args({"action": "x", "user": "7", "from": ""})
    assert (parsed.action, parsed.user_id, parsed.since, error) == ("x", 7, None, None)
    with pytest.raises(BadParam, match="from"):
        AuditFilter.from_args({"from": "nope"})


def test_page_filters_and_links_to_older_entries(app: Flask, rt: Runtime, session: Session,
                                                 clock: FrozenClock) -> None:
    for n in range(55):
        audit(session, None, "canned.update", "canned_response", n, name="<b>x</b>")
    audit(session, None, "source.pause", "source", 1)
    session.commit()
    client = client_as(app, rt, "admin")
    page = client.get("/admin/audit?action=canned.update").get_data(as_text=True)
    assert page.count("canned response #") == 50 and "source #1" not in page
    assert "name: &lt;b&gt;x&lt;/b&gt;" in page
    older = re.search(r'href="(/admin/audit\?before=\d+[^"]*)"', page)
    assert older and "action=canned.update" in older.group(1)
    rest = client.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert rest.count("canned response #") == 5 and "Older entries" not in rest
    assert session.scalar(select(AuditLog.id).where(AuditLog.action == "source.pause"))
