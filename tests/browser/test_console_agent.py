"""The agent's day in a real browser: sign in, triage with the keyboard, read a conversation,
correct a label, reply with a canned response, notice a colleague, and stay safe from hostile
posts."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import func, select

from earful.clock import now
from earful.models import Author, LabelCorrection, Mention, OutboxReply, User
from earful.runtime import Runtime
from earful.vocab import URGENCY_RANK
from responder.dispatch import dispatch
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser
NewContext = Callable[..., BrowserContext]


def first_open_complaint(rt: Runtime) -> int:
    with rt.sessions() as session:
        return session.scalar(select(Mention.id).where(
            Mention.status.in_(("new", "open")), Mention.complaint.is_(True),
            Mention.deleted.is_(False)).order_by(Mention.urgency_rank, Mention.sla_due_at,
                                                 Mention.created_at, Mention.id).limit(1))


def test_sign_in_and_triage_with_the_keyboard(live_server: str, console_rt: Runtime,
                                              new_context: NewContext) -> None:
    page = new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, "alice")
    rows = page.locator("#inbox-table tbody tr.mention")
    assert rows.count() >= 3, "the demo should leave open complaints in the inbox"
    expect(rows.nth(0)).to_have_class(re.compile(r"\bcurrent\b"))
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "inbox", doc_name="inbox.png")

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    second = rows.nth(1)
    expect(second).to_have_class(re.compile(r"\bcurrent\b"))
    target = int(second.get_attribute("data-id"))

    page.keyboard.press("a")  # assign to me: a real form POST, back to the same view
    expect(page.locator("main > .flash")).to_contain_text("Assign: 1 of 1")
    with console_rt.sessions() as session:
        alice = session.scalar(select(User.id).where(User.username == "alice"))
        assert session.get(Mention, target).assignee_id == alice

    expect(page.locator("#inbox-table tbody tr.current")).to_have_attribute(
        "data-id", str(target))  # the cursor stays where it was
    page.keyboard.press("e")  # resolve: it leaves the open-complaints view
    expect(page.locator("main > .flash")).to_contain_text("Resolve: 1 of 1")
    expect(page.locator(f'#inbox-table tr[data-id="{target}"]')).to_have_count(0)
    with console_rt.sessions() as session:
        assert session.get(Mention, target).status == "resolved"

    opened = page.locator("#inbox-table tbody tr.current").get_attribute("data-id")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/conversations/{opened}")
    expect(page.locator("h1")).to_contain_text(f"Conversation #{opened}")
    assert errors == []


def test_conversation_correct_a_label_and_reply_with_a_canned_response(
        live_server: str, console_rt: Runtime, new_context: NewContext) -> None:
    mention_id = first_open_complaint(console_rt)
    page = new_context().new_page()
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server}/conversations/{mention_id}")
    expect(page.locator(".thread .message.current")).to_have_count(1)

    with console_rt.sessions() as session:
        current = session.get(Mention, mention_id).urgency
    other = next(u for u in URGENCY_RANK if u != current)
    page.locator(f'form[data-field="urgency"] button[value="{other}"]').click()
    expect(page.locator("main > .flash")).to_contain_text(f"urgency set to {other}")
    expect(page.locator(f'form[data-field="urgency"] button[value="{other}"]')).to_have_attribute(
        "aria-pressed", "true")
    with console_rt.sessions() as session:
        assert session.get(Mention, mention_id).urgency == other
        assert session.scalar(select(func.count()).select_from(LabelCorrection).where(
            LabelCorrection.mention_id == mention_id)) == 1

    page.select_option("#canned", label="Continue in private")
    text = page.locator("#reply-text")
    expect(text).to_have_value(re.compile(r"https://example\.com/contact"))
    expect(text).to_have_value(re.compile(r"Alice Agent"))
    length = len(text.input_value())
    expect(page.locator("#reply-count")).to_have_text(str(length))
    page.select_option("#canned", label="Outage apology")
    expect(text).to_have_value(re.compile(r"outage"))
    text.press("End")
    text.type(" Thanks!")
    screenshot(page, "conversation-composing")
    page.click("#send-reply")
    expect(page.locator("main > .flash")).to_contain_text("Reply queued")
    expect(page.locator(".message.outbox").last).to_contain_text("Thanks!")
    expect(page.locator(".message.outbox").last).to_contain_text("queued")
    with console_rt.sessions() as session:
        row = session.scalar(select(OutboxReply).where(OutboxReply.mention_id == mention_id))
        assert row is not None and row.status == "queued" and row.text.endswith("Thanks!")
    # The dispatcher's next run (every few seconds under `earful serve`) posts it on the demo.
    assert dispatch(console_rt).outcomes == {row.id: "sent"}
    page.reload()
    expect(page.locator(".message.outbox").last).to_contain_text("our reply · sent")
    expect(page.locator(".message.outbox .sent").last).to_contain_text("Sent")
    expect(page.locator("h1 .sla")).not_to_contain_text("first response")  # answered now
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "conversation", doc_name="conversation.png")


def test_collision_warning_between_two_colleagues(live_server: str, console_rt: Runtime,
                                                  new_context: NewContext) -> None:
    mention_id = first_open_complaint(console_rt)
    alice = new_context().new_page()
    bob = new_context().new_page()
    sign_in(alice, live_server, "alice")
    sign_in(bob, live_server, "bob")
    url = f"{live_server}/conversations/{mention_id}"
    alice.goto(url)
    alice.fill("#reply-text", "Alice's draft answer")
    bob.goto(url)
    expect(bob.locator("#presence")).to_contain_text("Alice Agent is", timeout=5000)
    bob.locator("#reply-text").type("Bob answers first")
    expect(alice.locator("#presence")).to_contain_text("Bob Builder is typing", timeout=5000)
    bob.click("#send-reply")
    expect(bob.locator("main > .flash")).to_contain_text("Reply queued")

    # Alice's page learns of it from the next ping, before she sends...
    expect(alice.locator("#newer-warning")).to_be_visible(timeout=5000)
    screenshot(alice, "collision-warning")
    # ...and the server refuses her stale draft until she confirms.
    alice.click("#send-reply")
    expect(alice.locator("#confirm-newer")).to_be_visible()
    expect(alice.locator("#reply-text")).to_have_value("Alice's draft answer")
    expect(alice.locator(".thread")).to_contain_text("Bob answers first")
    screenshot(alice, "collision-confirm")
    alice.check("#confirm-newer")
    alice.click("#send-reply")
    expect(alice.locator("main > .flash")).to_contain_text("Reply queued")
    with console_rt.sessions() as session:
        texts = session.scalars(select(OutboxReply.text).where(
            OutboxReply.mention_id == mention_id)).all()
    assert "Bob answers first" in texts and "Alice's draft answer" in texts


def test_hostile_mention_renders_as_text_and_runs_nothing(
        live_server: str, console_rt: Runtime, new_context: NewContext) -> None:
    payload = ('<img src=x onerror="window.__pwned=1;alert(1)">'
               '<script>window.__pwned=2;alert(2)</script>')
    name = '"><svg onload="window.__pwned=3;alert(3)">'
    with console_rt.sessions.begin() as session:
        author = Author(platform="x", external_id="evil-1", handle="evil<b>", display_name=name)
        session.add(author)
        session.flush()
        mention = Mention(platform="x", external_id="evil-post", text=payload, lang="en",
                          created_at=now(), author_id=author.id, complaint=True,
                          urgency="critical", urgency_rank=0, sentiment="negative",
                          status="new", sla_due_at=now(), reasons=[payload])
        session.add(mention)
        session.flush()
        mention_id = mention.id
    page = new_context().new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "lena")
    page.goto(f"{live_server}/?q=pwned")
    expect(page.locator(f'tr[data-id="{mention_id}"] td.text')).to_contain_text("<img src=x")
    expect(page.locator(f'tr[data-id="{mention_id}"] .display-name')).to_have_text(name)
    page.goto(f"{live_server}/conversations/{mention_id}")
    expect(page.locator(f"#m{mention_id} .text")).to_have_text(payload)
    expect(page.locator(".side .display-name")).to_have_text(name)
    page.wait_for_timeout(1500)  # time for any injected handler (and one presence ping) to fire
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator("img[src=x], svg[onload]").count() == 0
    screenshot(page, "hostile-mention")

