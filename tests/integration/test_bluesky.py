"""The real atproto Client against a fake Bluesky service, through the whole poll -> store path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from earful.clock import FrozenClock
from earful.models import Mention, Source
from earful.runtime import Runtime
from earful.settings import AccountSettings, SourceSettings
from listener import jobs
from listener.platforms import AuthError
from listener.platforms import bluesky as bluesky_module
from listener.platforms.bluesky import BlueskyAdapter, make_client, repair_json_unicode
from tests.integration.fakes.fake_bluesky import (
    APP_PASSWORD,
    BRAND,
    BRAND_HANDLE,
    FakeBluesky,
    author,
    link_facet,
)
from tests.integration.fakes.serve import INVALID_UTF8_MARKER, refusing_url, serve_wsgi

PASSWORD_VAR = "EARFUL_TEST_BSKY_PASSWORD"
ACCOUNT = AccountSettings(platform="bluesky", handle=BRAND_HANDLE,
                          credentials={"app_password": PASSWORD_VAR})
MENTION = f"@{BRAND_HANDLE}"


@pytest.fixture
def fake() -> FakeBluesky:
    return FakeBluesky()


@pytest.fixture
def base_url(fake: FakeBluesky) -> Iterator[str]:
    with serve_wsgi(fake.app) as url:
        yield url
    bluesky_module._clients.clear()  # logged-in clients cached by from_settings


@pytest.fixture
def adapter(base_url: str) -> BlueskyAdapter:
    return BlueskyAdapter(make_client(base_url), identifier=BRAND_HANDLE, password=APP_PASSWORD)


@pytest.fixture
def source(rt: Runtime, base_url: str, adapter: BlueskyAdapter) -> SourceSettings:
    config = SourceSettings(name="bsky", platform="bluesky", account=BRAND_HANDLE,
                            interval_seconds=120, base_url=base_url, queries=["lumen outage"],
                            mentions=True, credentials={"app_password": PASSWORD_VAR})
    rt.settings.sources = [config]
    rt.readers = {"bsky": adapter}
    return config


def stored(rt: Runtime) -> dict[str, Mention]:
    with rt.sessions() as session:
        return {m.external_id: m for m in session.scalars(select(Mention))}


def source_row(rt: Runtime) -> Source:
    with rt.sessions() as session:
        return session.scalars(select(Source).where(Source.name == "bsky")).one()


def prime(fake: FakeBluesky, clock: FrozenClock) -> set[str]:
    """One item per stream, polled first: later polls walk down to these marks."""
    uris = {fake.add_post(f"{MENTION} hello", mention_brand=True)["uri"],
            fake.add_post("another lumen outage?")["uri"]}
    clock.advance(1)
    return uris


def test_a_poll_and_a_repoll_store_everything_once(rt: Runtime, fake: FakeBluesky,
                                                   source: SourceSettings,
                                                   clock: FrozenClock) -> None:
    expected = prime(fake, clock)
    expected.add(fake.add_post(f"{MENTION} lumen outage here too", mention_brand=True)["uri"])
    assert jobs.poll("bsky").status == "stored"
    assert set(stored(rt)) == expected  # the post in both streams is stored once
    clock.advance(60)
    new = {fake.add_post(f"{MENTION} help {i}", mention_brand=True)["uri"] for i in range(3)}
    new |= {fake.add_post(f"lumen outage day {i}")["uri"] for i in range(2)}
    clock.advance(121)
    assert jobs.poll("bsky").result.stored == 5
    clock.advance(121)
    again = jobs.poll("bsky")
    assert again.status == "stored" and again.result.stored == 0
    assert set(stored(rt)) == expected | new
    mention = next(m for m in stored(rt).values() if m.text == f"{MENTION} help 0")
    assert mention.url.startswith("https://bsky.app/profile/") and "/post/3l" in mention.url


def test_pagination_over_250_items(rt: Runtime, fake: FakeBluesky, source: SourceSettings,
                                   clock: FrozenClock) -> None:
    expected = prime(fake, clock)
    jobs.poll("bsky")
    for i in range(260):
        expected.add(fake.add_post(f"lumen outage report {i}")["uri"])
        expected.add(fake.add_post(f"{MENTION} no data {i}", mention_brand=True)["uri"])
        clock.advance(0.5)
    clock.advance(121)
    assert jobs.poll("bsky").result.stored == 520
    assert set(stored(rt)) == expected
    assert fake.calls("app.bsky.feed.searchPosts") >= 4  # 1 + 3 pages of 100
    assert fake.calls("app.bsky.notification.listNotifications") >= 4


def test_a_429_in_the_middle_of_pagination_loses_nothing(
        rt: Runtime, fake: FakeBluesky, source: SourceSettings, clock: FrozenClock) -> None:
    expected = prime(fake, clock)
    jobs.poll("bsky")
    expected |= {fake.add_post(f"lumen outage {i}")["uri"] for i in range(250)}
    fake.fail("app.bsky.feed.searchPosts", 429, skip=1)
    clock.advance(121)
    outcome = jobs.poll("bsky")
    assert outcome.status == "rate_limited" and outcome.result.stored == 100
    assert source_row(rt).rate_limited_until == clock.now() + timedelta(minutes=5)
    assert jobs.poll("bsky").status == "waiting"
    clock.advance(minutes=5, seconds=1)
    assert jobs.poll("bsky").status == "stored"
    assert set(stored(rt)) == expected
    clock.advance(121)
    assert jobs.poll("bsky").result.stored == 0


def test_a_process_killed_between_fetching_and_storing(
        rt: Runtime, fake: FakeBluesky, source: SourceSettings, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = prime(fake, clock)
    jobs.poll("bsky")
    expected |= {fake.add_post(f"{MENTION} roaming {i}", mention_brand=True)["uri"]
                 for i in range(120)}
    real_ingest = jobs.ingest

    def killed(*args: Any, **kwargs: Any) -> Any:
        real_ingest(*args, **kwargs)
        raise SystemExit("killed before the commit")

    monkeypatch.setattr(jobs, "ingest", killed)
    clock.advance(121)
    before = source_row(rt).cursor
    with pytest.raises(SystemExit):
        jobs.poll("bsky")
    assert len(stored(rt)) == 2 and source_row(rt).cursor == before  # nothing committed
    monkeypatch.setattr(jobs, "ingest", real_ingest)
    assert jobs.poll("bsky").result.stored == 120
    clock.advance(121)
    assert jobs.poll("bsky").result.stored == 0
    assert set(stored(rt)) == expected


def test_broken_items_are_skipped_and_the_rest_stored(
        rt: Runtime, fake: FakeBluesky, source: SourceSettings, clock: FrozenClock) -> None:
    prime(fake, clock)
    jobs.poll("bsky")
    good = {
        "emoji": fake.add_post("lumen outage 📶❌😡"),
        "rtl": fake.add_post("lumen outage الشبكة لا تعمل"),
        "surrogate": fake.add_post("lumen outage broken \ud800 text"),
        "huge": fake.add_post("lumen outage " + "x" * 300_000),
        # Bluesky text is plain text: a typed tag is text, escaped by the console when shown.
        "markup": fake.add_post("lumen outage <script>alert(1)</script>"),
        "gone_author": fake.add_post("lumen outage from a deleted account", author=None),
        "bad_handle": fake.add_post("lumen outage x",
                                    by=author("handle.invalid", "did:plc:gonegonegone")),
        "no_langs": fake.add_post("lumen outage nolang"),
    }
    good["no_langs"]["record"].pop("langs")
    bad = {
        "no_record": fake.add_post("lumen outage no record"),
        "no_times": fake.add_post("lumen outage no times"),
        "bad_uri": fake.add_post("lumen outage bad uri", uri="https://not-at-uri"),
        "record_text_number": fake.add_post("lumen outage number"),
    }
    bad["no_record"]["record"] = "lumen outage, but a string"
    bad["no_times"]["record"].pop("createdAt")
    bad["no_times"].pop("indexedAt")
    bad["record_text_number"]["record"]["createdAt"] = "not a date"
    bad["record_text_number"]["indexedAt"] = 42
    clock.advance(121)
    outcome = jobs.poll("bsky")
    assert outcome.status == "stored"
    rows = stored(rt)
    assert {p["uri"] for p in good.values()} <= set(rows)
    assert not {p["uri"] for p in bad.values()} & set(rows)
    assert "\ud800" not in rows[good["surrogate"]["uri"]].text
    assert "\ufffd" in rows[good["surrogate"]["uri"]].text
    assert len(rows[good["huge"]["uri"]].text) <= rt.settings.listener.max_text_chars
    assert rows[good["gone_author"]["uri"]].author_id is None
    assert rows[good["rtl"]["uri"]].text == "lumen outage الشبكة لا تعمل"
    assert rows[good["bad_handle"]["uri"]].url.startswith(
        "https://bsky.app/profile/did:plc:gonegonegone/post/")
    assert len(outcome.result.rejected) >= 3


def test_own_posts_are_our_side_and_replies_link_to_parents(
        rt: Runtime, fake: FakeBluesky, source: SourceSettings, clock: FrozenClock) -> None:
    prime(fake, clock)
    jobs.poll("bsky")
    question = fake.add_post(f"{MENTION} is there a lumen outage?", mention_brand=True)
    ours = fake.add_post("Yes, a lumen outage in the north; fixing it", by=BRAND,
                         reply_to=question)
    thanks = fake.add_post("thanks!", by=question["author"], reply_to=ours)  # reason "reply"
    clock.advance(121)
    jobs.poll("bsky")
    rows = stored(rt)
    assert rows[ours["uri"]].status == "own" and rows[question["uri"]].status != "own"
    assert rows[ours["uri"]].parent_id == rows[question["uri"]].id
    assert rows[thanks["uri"]].parent_id == rows[ours["uri"]].id
    assert rows[thanks["uri"]].conversation_id == question["uri"]  # the thread's root


def test_posting_a_reply_and_finding_it_again(fake: FakeBluesky,
                                              adapter: BlueskyAdapter) -> None:
    question = fake.add_post(f"{MENTION} my bill doubled")
    follow_up = fake.add_post("still waiting", by=question["author"], reply_to=question)
    text = "Sorry! Please DM us: https://example.com/contact"
    assert adapter.find_own_post(ACCOUNT, follow_up["uri"], text) is None
    ref = adapter.post(ACCOUNT, text, reply_to=follow_up["uri"])
    assert ref.platform == "bluesky" and ref.external_id.startswith(f"at://{BRAND['did']}/")
    assert ref.url.startswith(f"https://bsky.app/profile/{BRAND_HANDLE}/post/")
    sent = next(p for p in fake.posts if p["uri"] == ref.external_id)["record"]
    parent, root = sent["reply"]["parent"], sent["reply"]["root"]
    assert (parent["uri"], parent["cid"]) == (follow_up["uri"], follow_up["cid"])
    assert (root["uri"], root["cid"]) == (question["uri"], question["cid"])
    assert sent["facets"][0]["features"][0]["uri"] == "https://example.com/contact"
    assert adapter.find_own_post(ACCOUNT, follow_up["uri"], text) == ref
    assert adapter.find_own_post(ACCOUNT, question["uri"], text) is None  # another parent
    update = adapter.post(ACCOUNT, "Incident: data is slow in the north.")
    assert adapter.find_own_post(ACCOUNT, None, "Incident: data is slow in the north.") == update


def test_get_post_returns_none_once_deleted(fake: FakeBluesky, adapter: BlueskyAdapter) -> None:
    post = fake.add_post(f"{MENTION} <3 the new plan")
    found = adapter.get_post(post["uri"])
    assert found is not None and found.text == f"{MENTION} <3 the new plan"
    fake.delete(post["uri"])
    assert adapter.get_post(post["uri"]) is None


def test_an_expired_token_is_an_auth_error_in_source_health(
        rt: Runtime, fake: FakeBluesky, source: SourceSettings, clock: FrozenClock) -> None:
    expected = prime(fake, clock)
    jobs.poll("bsky")
    fake.expire_tokens()
    expected.add(fake.add_post(f"{MENTION} anyone there?", mention_brand=True)["uri"])
    clock.advance(121)
    assert jobs.poll("bsky").status == "failed"
    row = source_row(rt)
    assert "ExpiredToken" in (row.last_error or "") and row.consecutive_failures == 1
    clock.advance(seconds=3600)
    assert jobs.poll("bsky").status == "stored"  # logged in again, nothing lost
    assert set(stored(rt)) == expected and fake.logins == 2


def test_server_errors_back_off(rt: Runtime, fake: FakeBluesky, source: SourceSettings,
                                clock: FrozenClock) -> None:
    expected = prime(fake, clock)
    fake.fail("app.bsky.notification.listNotifications", 502)
    assert jobs.poll("bsky").status == "failed"
    row = source_row(rt)
    assert row.consecutive_failures == 1 and "unavailable" in (row.last_error or "")
    clock.advance(seconds=3600)
    assert jobs.poll("bsky").status == "stored"
    assert set(stored(rt)) == expected


def test_from_settings_logs_in_once_and_reuses_the_session(
        rt: Runtime, fake: FakeBluesky, source: SourceSettings, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = prime(fake, clock)
    rt.readers = {}
    monkeypatch.setenv(PASSWORD_VAR, APP_PASSWORD)
    assert jobs.poll("bsky").status == "stored"
    clock.advance(121)
    assert jobs.poll("bsky").status == "stored"
    assert set(stored(rt)) == expected
    assert fake.logins == 1  # createSession is rate-limited: the session is kept
    publisher = BlueskyAdapter.from_account(
        AccountSettings(platform="bluesky", handle=BRAND_HANDLE, base_url=source.base_url,
                        credentials={"app_password": PASSWORD_VAR}), rt.settings)
    assert publisher.post(ACCOUNT, "Hello from the brand").external_id.startswith("at://")


def test_from_settings_without_a_password_says_so(rt: Runtime, source: SourceSettings,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_VAR, raising=False)
    with pytest.raises(AuthError, match="app_password"):
        BlueskyAdapter.from_settings(source, rt.settings)


def test_a_wrong_password_is_an_auth_error(rt: Runtime, fake: FakeBluesky, base_url: str,
                                           source: SourceSettings) -> None:
    rt.readers = {"bsky": BlueskyAdapter(make_client(base_url),
                                                   identifier=BRAND_HANDLE, password="nope")}
    assert jobs.poll("bsky").status == "failed"
    assert "Invalid identifier or password" in (source_row(rt).last_error or "")


@pytest.mark.parametrize(("body", "expected"), [
    ('{"a":"x\\ud800y"}', "x\ufffdy"),
    ('{"a":"\\ud83d\\ude00"}', "\U0001f600"),
    ('{"a":"\\\\ud800"}', "\\ud800"),  # an escaped backslash, then plain text
    ('{"a":"\\udc00 lone low"}', "\ufffd lone low"),
])
def test_json_unicode_repair(body: str, expected: str) -> None:
    assert json.loads(repair_json_unicode(body.encode()))["a"] == expected


def test_json_unicode_repair_of_invalid_utf8() -> None:
    assert json.loads(repair_json_unicode(b'{"a":"x\xffy"}'))["a"] == "x\ufffdy"
    valid = b'{"a":"plain"}'
    assert repair_json_unicode(valid) is valid


def test_the_first_poll_reads_back_the_window_past_the_page_cap(
        rt: Runtime, fake: FakeBluesky, source: SourceSettings, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake.add_post(f"{MENTION} lumen outage two days ago", mention_brand=True)
    clock.advance(hours=30)
    window = set()
    for i in range(125):
        window.add(fake.add_post(f"lumen outage report {i}")["uri"])
        window.add(fake.add_post(f"{MENTION} no data {i}", mention_brand=True)["uri"])
        clock.advance(seconds=30)
    clock.advance(hours=20)
    monkeypatch.setattr(bluesky_module, "MAX_PAGES", 1)  # 100 a stream and poll

    assert jobs.poll("bsky").result.stored == 200
    cursor = source_row(rt).cursor
    assert cursor["notifications"]["resume"]["cursor"] == "100"
    newer = fake.add_post(f"{MENTION} lumen outage newer", mention_brand=True)["uri"]
    clock.advance(121)
    jobs.poll("bsky")
    assert set(stored(rt)) == window  # resumed at the page it stopped; nothing from before
    clock.advance(121)
    jobs.poll("bsky")
    assert set(stored(rt)) == window | {newer}
    clock.advance(121)
    assert jobs.poll("bsky").result.stored == 0


def test_link_facets_keep_the_full_uri_after_multibyte_text(
        rt: Runtime, fake: FakeBluesky, source: SourceSettings) -> None:
    uri = "https://status.lumen.example/incidents/2026/outage-in-cluj?ref=bsky"
    text = f"{MENTION} 😡 ünïcode — see status.lumen.example/incide... and http://x.example/a now"
    emoji = text.encode().index("😡".encode())
    facets = [link_facet(text, "status.lumen.example/incide...", uri),
              link_facet(text, "http://x.example/a", "http://x.example/a"),
              {"index": {"byteStart": emoji + 1, "byteEnd": emoji + 3},  # cuts a character
               "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://bad/"}]}]
    post = fake.add_post(text, mention_brand=True, facets=facets)
    words = "click here"
    phishy = fake.add_post(f"{MENTION} {words}", mention_brand=True,
                           facets=[link_facet(f"{MENTION} {words}", words, "https://evil.example/")])
    assert jobs.poll("bsky").status == "stored"
    mention = stored(rt)[post["uri"]]
    assert mention.text == (f"{MENTION} 😡 ünïcode — see {uri} and http://x.example/a now")
    assert uri in mention.raw["links"]
    assert stored(rt)[phishy["uri"]].text == f"{MENTION} click here (https://evil.example/)"


def test_broken_characters_become_the_replacement_character(
        rt: Runtime, fake: FakeBluesky, source: SourceSettings) -> None:
    lone = fake.add_post("lumen outage lone \ud800 surrogate")["uri"]
    bad = fake.add_post(f"lumen outage bad {INVALID_UTF8_MARKER} bytes")["uri"]
    assert jobs.poll("bsky").status == "stored"
    texts = {key: m.text for key, m in stored(rt).items()}
    assert texts[lone] == "lumen outage lone \ufffd surrogate"
    assert "\ufffd" in texts[bad] and "?" not in texts[bad]


def test_an_unreachable_server_is_one_plain_line_and_cleared_on_recovery(
        rt: Runtime, fake: FakeBluesky, source: SourceSettings, clock: FrozenClock,
        adapter: BlueskyAdapter) -> None:
    prime(fake, clock)
    dead = refusing_url()
    rt.readers = {"bsky": BlueskyAdapter(make_client(dead), identifier=BRAND_HANDLE,
                                         password=APP_PASSWORD)}
    assert jobs.poll("bsky").status == "failed"
    error = source_row(rt).last_error or ""
    assert error == (f"Bluesky unavailable: cannot reach "
                     f"{dead}/xrpc/com.atproto.server.createSession: connection refused")
    rt.readers = {"bsky": adapter}
    clock.advance(hours=1)
    assert jobs.poll("bsky").status == "stored"
    row = source_row(rt)
    assert row.last_error is None and row.consecutive_failures == 0
