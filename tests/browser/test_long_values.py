"""One long unbroken value (a display name, a handle, a word, a link) never widens the page:
it wraps, or it is cut with the whole value in a tooltip."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page

from earful.clock import now
from earful.models import Author, Mention
from earful.runtime import Runtime
from earful.vocab import URGENCY_RANK
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser
NewContext = Callable[..., BrowserContext]
LONG = "W" * 300


def long_mention(rt: Runtime) -> int:
    """A critical complaint (first in the inbox) whose every shown value is one long word."""
    with rt.sessions.begin() as session:
        author = Author(platform="x", external_id="long-author", handle="h" + LONG,
                        display_name="N" + LONG, followers=1)
        session.add(author)
        session.flush()
        created = now() - timedelta(minutes=1)
        mention = Mention(
            platform="x", external_id="long-mention", author_id=author.id, lang="en",
            text="outage " + "x" * 400, url="https://example.com/" + "p" * 300,
            created_at=created, sentiment="negative", complaint=True, urgency="critical",
            urgency_rank=URGENCY_RANK["critical"], status="new",
            sla_due_at=created - timedelta(hours=1), classifier_version="test",
            reasons=["mentions " + "r" * 200])
        session.add(mention)
        session.flush()
        return mention.id


def overflow(page: Page) -> int:
    """How many pixels the document is wider than the window (0 when nothing sticks out)."""
    return int(page.evaluate(
        "document.documentElement.scrollWidth - window.innerWidth"))


def test_long_names_do_not_widen_the_inbox_or_the_conversation(
        live_server: str, console_rt: Runtime, new_context: NewContext) -> None:
    mention_id = long_mention(console_rt)
    page = new_context().new_page()  # 1280 x 900
    sign_in(page, live_server, "lena")
    page.goto(f"{live_server}/?status=any&complaint=any")
    row = page.locator(f"#inbox-table tr[data-id='{mention_id}']")
    assert row.count() == 1
    screenshot(page, "long-values-inbox")
    assert overflow(page) <= 0
    name = row.locator(".display-name")
    assert name.get_attribute("title") == "N" + LONG  # cut on screen, whole in the tooltip
    assert row.locator(".handle").get_attribute("title") == "@h" + LONG

    page.goto(f"{live_server}/conversations/{mention_id}")
    screenshot(page, "long-values-conversation")
    assert overflow(page) <= 0
    assert page.locator(".display-name").first.is_visible()
