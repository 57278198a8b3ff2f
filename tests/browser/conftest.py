"""Browser tests: the console on a live local server with the demo data, driven by Debian's
Chromium through Playwright (never `playwright install`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from earful import runtime
from earful.db import make_engine, session_factory
from earful.migrate import upgrade
from earful.models import CannedResponse
from earful.runtime import Runtime
from earful.settings import load_settings
from tests.integration.fakes.serve import serve_wsgi
from web import create_app
from web.users import create_user

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "browser-test-password"
USERS = {"alice": ("agent", "Alice Agent"), "bob": ("agent", "Bob Builder"),
         "lena": ("lead", "Lena Lead")}


class KeywordModel:
    """A stand-in classifier. The browser tests are about the console, so the labels must not
    depend on whichever model the classifier stage ships today; languages are detected for real."""

    version = "browser-test-keywords"
    WORDS = {"critical": ("is down", "down for", "network down", "outage", "no signal",
                          "not working", "nothing works",
                          "caída", "panne", "не работает", "δεν"),
             "high": ("charged", "twice", "refund", "bill", "factur", "деньги", "won't let"),
             "normal": ("?", "how", "cum", "support")}

    def __init__(self) -> None:
        from classifier.language import LanguageDetector

        self.detector = LanguageDetector()

    def predict(self, inputs: Any) -> list[Any]:
        from classifier.labels import Labels

        labels = []
        for item in inputs:
            text = item.text.lower()
            urgency = next((u for u, words in self.WORDS.items()
                            if any(w in text for w in words)), "low")
            complaint = urgency in ("critical", "high")
            sentiment = "negative" if complaint else "neutral"
            found = [w for w in self.WORDS.get(urgency, ()) if w in text][:2]
            labels.append(Labels(
                lang=item.lang or self.detector.detect(item.text), sentiment=sentiment,
                sentiment_scores={"negative": 0.8 if complaint else 0.1, "neutral": 0.2,
                                  "positive": 0.0},
                complaint=complaint, complaint_score=0.9 if complaint else 0.1,
                urgency=urgency, urgency_score=0.8,
                reasons=[f"mentions “{w}”" for w in found]))
        return labels


@pytest.fixture(scope="module")
def console_rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """A fresh install: migrated database, staff users, canned responses, the demo scenario."""
    from listener.demo.runner import play_instantly, prepare_demo

    folder = tmp_path_factory.mktemp("console")
    settings = load_settings(ROOT / "settings.toml",
                             overrides={"app": {"instance_path": str(folder / "instance")}})
    engine = make_engine(f"sqlite:///{folder / 'console.db'}")
    upgrade(engine)
    rt = Runtime(settings=settings, engine=engine, sessions=session_factory(engine),
                 model=KeywordModel())
    runtime.install(rt)
    with rt.sessions.begin() as session:
        for username, (role, name) in USERS.items():
            create_user(session, username, PASSWORD, role=role, display_name=name,
                        languages="en")
        session.add_all([
            CannedResponse(name="Outage apology", lang="en",
                           body="Hi {first_name}, sorry, we know about the outage and are on "
                                "it: {incident_url} ({agent_name})"),
            CannedResponse(name="Outage apology", lang="es",
                           body="Hola {first_name}, lo sentimos. Estamos en ello. "
                                "({agent_name})")])
    prepare_demo(rt)
    play_instantly(rt)
    yield rt
    runtime.install(None)
    engine.dispose()


@pytest.fixture(scope="module")
def live_server(console_rt: Runtime) -> Iterator[str]:
    """The console on 127.0.0.1:<free port>, CSRF on, presence pinging every second."""
    app: Flask = create_app(rt=console_rt, config={"EARFUL_PRESENCE_INTERVAL_MS": 1000})
    with serve_wsgi(app) as base:
        yield base


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make chromium`")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts (separate cookie jars: separate staff members)."""
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def sign_in(page: Page, base: str, username: str) -> None:
    """Sign in through the form, as a person would."""
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Inbox')")


def screenshot(page: Page, name: str, doc_name: str | None = None) -> Path:
    """Save a screenshot for people to look at (and, for the README, a copy under docs/)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if doc_name:  # the README shows what fits on a screen, not a page-long strip
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOC_SHOTS / doc_name))
    return path
