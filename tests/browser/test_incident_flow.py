"""The demo's outage handled end to end in a real browser: a lead opens an incident from a
complaint, publishes it on the demo platform, sees it on the public status page, watches the
burst's complaints link to it, and follows up with each complainer in their language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import func, select

from earful.models import Incident, Mention, OutboxReply
from earful.runtime import Runtime
from earful.work.incidents import run_auto_link
from responder.dispatch import dispatch
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser
NewContext = Callable[..., BrowserContext]


def _outage_complaint(rt: Runtime) -> int:
    with rt.sessions() as session:
        found = session.scalar(select(Mention.id).where(
            Mention.text.like("%is the network down%")).limit(1))
        assert found is not None
        return found


def test_the_demo_outage_end_to_end(live_server: str, console_rt: Runtime,
                                    new_context: NewContext) -> None:
    page = new_context().new_page()
    sign_in(page, live_server, "lena")
    page.goto(f"{live_server}/conversations/{_outage_complaint(console_rt)}")
    page.click("#open-incident-from-mention")
    expect(page.locator("h1")).to_have_text("Open an incident")
    expect(page.locator("#title")).to_have_value("Reports of problems: @LumenMobile is the "
                                                 "network down? No signal at all here.")
    page.fill("#title", "Mobile network down in Bucharest")
    page.check("input[name=components][value='Mobile data']")
    page.check("input[name=components][value='Calls and SMS']")
    page.fill("#keywords_en", "no signal, network down, outage, is down")
    page.fill("#keywords_ro", "nu am semnal, rețeaua")
    page.fill("#keywords_ru", "связь не работает")
    page.fill("#message_en", "We are investigating a network outage in Bucharest.")
    page.fill("#message_ro", "Investigăm o întrerupere a rețelei în București.")
    page.check("input[name=targets][value='demo:LumenMobile']")
    page.click("#open-incident")
    expect(page.locator("main > .flash")).to_contain_text("opened")
    expect(page.locator("#incident-status")).to_have_text("investigating")
    incident_url = page.url

    # Published exactly once on the demo platform by the dispatcher's next run.
    dispatch(console_rt)
    page.reload()
    expect(page.locator("#updates")).to_contain_text("demo as LumenMobile: sent")

    # The auto-link job links the burst's complaints, in several languages.
    assert run_auto_link() > 3
    page.reload()
    expect(page.locator("section[aria-label='Linked mentions'] h2")).not_to_have_text(
        "Linked mentions: 0")
    expect(page.locator("section[aria-label='Linked mentions list']")).to_contain_text(
        "nu am semnal")

    # The public status page, signed out, in Romanian.
    visitor = new_context(extra_http_headers={"Accept-Language": "ro-RO,ro;q=0.9"}).new_page()
    visitor.goto(f"{live_server}/status")
    expect(visitor.locator("body")).to_contain_text("Mobile network down in Bucharest")
    expect(visitor.locator("body")).to_contain_text(
        "Investigăm o întrerupere a rețelei în București.")
    screenshot(visitor, "status-page", doc_name="status.png")

    # Follow up with every linked complainer in their language, then post the fix.
    page.select_option("#canned", "Outage acknowledged")
    page.click("#preview-follow-up")
    expect(page.locator("#follow-up-plan")).to_contain_text("in their own language")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "incident", doc_name="incident.png")
    page.click("#send-follow-up")
    expect(page.locator("main > .flash")).to_contain_text("queued")
    with console_rt.sessions() as session:
        incident = session.scalars(select(Incident)).one()
        queued = session.scalar(select(func.count()).select_from(OutboxReply).where(
            OutboxReply.idempotency_key.like(f"followup:{incident.id}:%")))
        romanian = session.scalars(select(OutboxReply.text).join(
            Mention, Mention.id == OutboxReply.mention_id).where(
            Mention.lang == "ro", OutboxReply.idempotency_key.like("followup:%"))).first()
    assert queued and queued > 3
    assert romanian is not None and f"/status/incidents/{incident.id}" in romanian
    page.goto(incident_url)
    page.select_option("#status", "resolved")
    page.fill("#message_en", "Fixed: the network is back everywhere.")
    page.click("#post-update")
    expect(page.locator("#incident-status")).to_have_text("resolved")
    visitor.goto(f"{live_server}/status")
    expect(visitor.locator("body")).not_to_contain_text("Partial System Outage")
