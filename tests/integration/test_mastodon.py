"""The real Mastodon.py client against a fake instance, through the whole poll -> store path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from mastodon import Mastodon
from sqlalchemy import select

from earful.clock import FrozenClock
from earful.models import Mention, Source
from earful.runtime import Runtime
from earful.settings import AccountSettings, SourceSettings
from listener import jobs
from listener.platforms import AuthError, PlatformError
from listener.platforms import mastodon as mastodon_module
from listener.platforms.mastodon import MastodonAdapter
from tests.integration.fakes.fake_mastodon import BRAND, TOKEN, FakeMastodon, account
from tests.integration.fakes.serve import INVALID_UTF8_MARKER, refusing_url, serve_wsgi

TOKEN_VAR = "EARFUL_TEST_MASTODON_TOKEN"
ACCOUNT = AccountSettings(platform="mastodon", handle="lumen",
                          credentials={"access_token": TOKEN_VAR})


@pytest.fixture
def fake() -> FakeMastodon:
    return FakeMastodon()


@pytest.fixture
def base_url(fake: FakeMastodon) -> Iterator[str]:
    with serve_wsgi(fake.app) as url:
        yield url


@pytest.fixture
def adapter(base_url: str) -> MastodonAdapter:
    return MastodonAdapter(Mastodon(access_token=TOKEN, api_base_url=base_url))


@pytest.fixture
def source(rt: Runtime, base_url: str, adapter: MastodonAdapter) -> SourceSettings:
    config = SourceSettings(name="masto", platform="mastodon", account="lumen",
                            interval_seconds=120, base_url=base_url, hashtags=["lumen"],
                            queries=["lumen outage"], mentions=True,
                            credentials={"access_token": TOKEN_VAR})
    rt.settings.sources = [config]
    rt.readers = {"masto": adapter}
    return config


def stored(rt: Runtime) -> dict[str, Mention]:
    with rt.sessions() as session:
        return {m.external_id: m for m in session.scalars(select(Mention))}


def source_row(rt: Runtime) -> Source:
    with rt.sessions() as session:
        return session.scalars(select(Source).where(Source.name == "masto")).one()


def prime(fake: FakeMastodon) -> set[str]:
    """One item per stream, polled first: later polls walk forward from these marks."""
    return {fake.add_status("hey @lumen", mention_brand=True)["id"],
            fake.add_status("#lumen is great", tags=("lumen",))["id"],
            fake.add_status("lumen outage again?")["id"]}


def test_a_poll_and_a_repoll_store_everything_once(rt: Runtime, fake: FakeMastodon,
                                                   source: SourceSettings,
                                                   clock: FrozenClock) -> None:
    expected = prime(fake)
    both = fake.add_status("@lumen #lumen down", tags=("lumen",), mention_brand=True)
    expected.add(both["id"])
    outcome = jobs.poll("masto")
    assert outcome.status == "stored"
    assert set(stored(rt)) == expected  # the status in two streams is stored once
    new = {fake.add_status(f"@lumen help {i}", mention_brand=True)["id"] for i in range(3)}
    new |= {fake.add_status(f"lumen outage {i}")["id"] for i in range(2)}
    new.add(fake.add_status("#Lumen wifi", tags=("Lumen",))["id"])
    clock.advance(121)
    assert jobs.poll("masto").result.stored == 6
    clock.advance(121)
    again = jobs.poll("masto")
    assert again.status == "stored" and again.result.stored == 0
    assert set(stored(rt)) == expected | new
    texts = {m.text for m in stored(rt).values()}
    assert "@lumen help 0" in texts and all("<p>" not in t for t in texts)


def test_pagination_over_250_items(rt: Runtime, fake: FakeMastodon, source: SourceSettings,
                                   clock: FrozenClock) -> None:
    expected = prime(fake)
    jobs.poll("masto")
    expected |= {fake.add_status(f"@lumen no signal {i}", mention_brand=True)["id"]
                 for i in range(120)}
    expected |= {fake.add_status(f"#lumen bill {i}", tags=("lumen",))["id"] for i in range(90)}
    expected |= {fake.add_status(f"lumen outage in town {i}")["id"] for i in range(95)}
    clock.advance(121)
    outcome = jobs.poll("masto")
    assert outcome.result.stored == 305
    assert set(stored(rt)) == expected
    assert fake.page_requests("/api/v1/notifications") >= 4  # 120 at 40 a page, walked forward
    assert fake.page_requests("/api/v2/search") >= 4


def test_a_429_in_the_middle_of_pagination_loses_nothing(
        rt: Runtime, fake: FakeMastodon, source: SourceSettings, clock: FrozenClock) -> None:
    expected = prime(fake)
    jobs.poll("masto")
    expected |= {fake.add_status(f"#lumen dropped calls {i}", tags=("lumen",))["id"]
                 for i in range(250)}
    expected |= {fake.add_status(f"lumen outage {i}")["id"] for i in range(60)}
    fake.fail("/api/v1/timelines/tag", 429, skip=2)
    clock.advance(121)
    outcome = jobs.poll("masto")
    assert outcome.status == "rate_limited"
    assert 0 < outcome.result.stored < 250
    row = source_row(rt)
    assert row.rate_limited_until == clock.now() + timedelta(minutes=5)
    assert jobs.poll("masto").status == "waiting"  # no request before the reset
    clock.advance(minutes=5, seconds=1)
    assert jobs.poll("masto").status == "stored"
    assert set(stored(rt)) == expected


def test_a_429_before_anything_was_fetched_reschedules(
        rt: Runtime, fake: FakeMastodon, source: SourceSettings, clock: FrozenClock) -> None:
    prime(fake)
    fake.fail("/api/v1/accounts/verify_credentials", 429)
    assert jobs.poll("masto").status == "rate_limited"
    assert source_row(rt).rate_limited_until == clock.now() + timedelta(minutes=5)
    clock.advance(minutes=6)
    assert jobs.poll("masto").status == "stored"
    assert len(stored(rt)) == 3


def test_a_process_killed_between_fetching_and_storing(
        rt: Runtime, fake: FakeMastodon, source: SourceSettings, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = prime(fake)
    jobs.poll("masto")
    expected |= {fake.add_status(f"@lumen roaming {i}", mention_brand=True)["id"]
                 for i in range(50)}
    real_ingest = jobs.ingest

    def killed(*args: Any, **kwargs: Any) -> Any:
        real_ingest(*args, **kwargs)
        raise SystemExit("killed before the commit")

    monkeypatch.setattr(jobs, "ingest", killed)
    clock.advance(121)
    with pytest.raises(SystemExit):
        jobs.poll("masto")
    assert len(stored(rt)) == 3  # neither the mentions nor the cursor were committed
    monkeypatch.setattr(jobs, "ingest", real_ingest)
    assert jobs.poll("masto").result.stored == 50
    clock.advance(121)
    assert jobs.poll("masto").result.stored == 0
    assert set(stored(rt)) == expected


def test_broken_items_are_skipped_and_markup_never_stored(
        rt: Runtime, fake: FakeMastodon, source: SourceSettings, clock: FrozenClock) -> None:
    prime(fake)
    jobs.poll("masto")
    tag: dict[str, Any] = {"tags": ("lumen",)}
    good = {
        "script": fake.add_status(html_content="<p>hi <script>alert(1)</script><b>there</b>"
                                  "<style>p{}</style> &amp; &lt;b&gt;</p>", **tag)["id"],
        "emoji": fake.add_status("📶❌ no bars 😡", **tag)["id"],
        "rtl": fake.add_status("الشبكة لا تعمل", **tag)["id"],
        "surrogate": fake.add_status("broken \ud800 text", **tag)["id"],
        "huge": fake.add_status("x" * 300_000, **tag)["id"],
        "deleted_author": fake.add_status("account gone", account=None, **tag)["id"],
        "no_language": fake.add_status("no lang", language=None, **tag)["id"],
        "content_number": fake.add_status("", html_content=12345, **tag)["id"],  # type: ignore
    }
    bad = {
        "no_date": fake.add_status("no date", **tag),
        "bad_date": fake.add_status("bad date", **tag),
        "boost": fake.add_status("a boost", reblog={"id": "1"}, **tag),
    }
    del fake.statuses[bad["no_date"]["id"]]["created_at"]
    fake.statuses[bad["bad_date"]["id"]]["created_at"] = "yesterday-ish"
    fake.add_raw_notification({"type": "mention", "status": None})  # its status was deleted
    fake.add_raw_notification({"type": "mention", "status": "not an object"})
    fake.add_raw_notification({"type": "favourite", "status": {"id": "nope"}})
    clock.advance(121)
    outcome = jobs.poll("masto")
    assert outcome.status == "stored"
    rows = stored(rt)
    assert set(good.values()) <= set(rows)
    assert not {b["id"] for b in bad.values()} & set(rows)
    assert rows[good["script"]].text == "hi there & <b>"  # the typed "<b>" is text, not markup
    assert "\ud800" not in rows[good["surrogate"]].text
    assert len(rows[good["huge"]].text) <= rt.settings.listener.max_text_chars
    assert rows[good["deleted_author"]].author_id is None
    assert rows[good["rtl"]].text == "الشبكة لا تعمل"
    for mention in rows.values():
        assert "<p>" not in mention.text and "alert(1)" not in mention.text
        assert "<p>" not in str(mention.raw)


def test_own_posts_are_our_side_and_replies_link_to_parents(
        rt: Runtime, fake: FakeMastodon, source: SourceSettings, clock: FrozenClock) -> None:
    prime(fake)
    jobs.poll("masto")
    question = fake.add_status("@lumen is there an outage?", mention_brand=True, tags=("lumen",))
    ours = fake.add_status("We are on it #lumen", author=BRAND, tags=("lumen",),
                           in_reply_to_id=question["id"])
    follow_up = fake.add_status("@lumen thanks!", mention_brand=True,
                                author=question["account"], in_reply_to_id=ours["id"])
    clock.advance(121)
    jobs.poll("masto")
    rows = stored(rt)
    assert rows[ours["id"]].status == "own"
    assert rows[question["id"]].status != "own"
    assert rows[ours["id"]].parent_id == rows[question["id"]].id
    assert rows[follow_up["id"]].parent_id == rows[ours["id"]].id
    assert rows[question["id"]].conversation_id == question["id"]


def test_posting_a_reply_and_finding_it_again(fake: FakeMastodon,
                                              adapter: MastodonAdapter) -> None:
    question = fake.add_status("@lumen my bill doubled", mention_brand=True)
    assert adapter.find_own_post(ACCOUNT, question["id"], "Sorry! Please DM us.") is None
    ref = adapter.post(ACCOUNT, "Sorry! Please DM us.", reply_to=question["id"])
    assert ref.platform == "mastodon" and fake.statuses[ref.external_id]["in_reply_to_id"] == \
        question["id"]
    assert adapter.find_own_post(ACCOUNT, question["id"], "Sorry! Please DM us.") == ref
    assert adapter.find_own_post(ACCOUNT, question["id"], "Another text") is None
    # A retried request carries the same idempotency key: the instance does not post twice.
    assert adapter.post(ACCOUNT, "Sorry! Please DM us.", reply_to=question["id"]) == ref
    update = adapter.post(ACCOUNT, "Incident: calls failing in the north.\n\nUpdates follow.")
    assert adapter.find_own_post(ACCOUNT, None,
                                 "Incident: calls failing in the north.\n\nUpdates follow.") \
        == update


def test_get_post_returns_none_once_deleted(fake: FakeMastodon, adapter: MastodonAdapter) -> None:
    status = fake.add_status("@lumen <3 the new plan", mention_brand=True)
    found = adapter.get_post(status["id"])
    assert found is not None and found.text == "@lumen <3 the new plan"
    fake.delete(status["id"])
    assert adapter.get_post(status["id"]) is None


def test_an_expired_token_is_an_auth_error_in_source_health(
        rt: Runtime, fake: FakeMastodon, source: SourceSettings, adapter: MastodonAdapter,
        clock: FrozenClock) -> None:
    prime(fake)
    fake.tokens.clear()
    with pytest.raises(AuthError):
        adapter.fetch_mentions(source, None)
    outcome = jobs.poll("masto")
    assert outcome.status == "failed"
    row = source_row(rt)
    assert "access token" in (row.last_error or "") and row.consecutive_failures == 1


def test_server_errors_back_off(rt: Runtime, fake: FakeMastodon, source: SourceSettings,
                                clock: FrozenClock) -> None:
    prime(fake)
    fake.fail("/api/v1/notifications", 503)
    assert jobs.poll("masto").status == "failed"
    row = source_row(rt)
    assert row.consecutive_failures == 1 and "unavailable" in (row.last_error or "")
    assert row.next_poll_at is not None and row.next_poll_at > clock.now()
    clock.advance(seconds=3600)
    assert jobs.poll("masto").status == "stored"
    assert len(stored(rt)) == 3


def test_from_settings_builds_the_real_client(rt: Runtime, fake: FakeMastodon,
                                              source: SourceSettings, clock: FrozenClock,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    expected = prime(fake)
    rt.readers = {}
    monkeypatch.setenv(TOKEN_VAR, TOKEN)
    assert jobs.poll("masto").status == "stored"
    assert set(stored(rt)) == expected
    publisher = MastodonAdapter.from_account(
        AccountSettings(platform="mastodon", handle="lumen", base_url=source.base_url,
                        credentials={"access_token": TOKEN_VAR}), rt.settings)
    assert publisher.post(ACCOUNT, "Hello from the brand").external_id in fake.statuses


def test_from_settings_says_what_is_missing(rt: Runtime, source: SourceSettings,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_VAR, raising=False)
    with pytest.raises(AuthError, match=TOKEN_VAR):
        MastodonAdapter.from_settings(source, rt.settings)
    no_instance = SourceSettings(name="m", platform="mastodon", base_url="")
    with pytest.raises(PlatformError, match="base_url"):
        MastodonAdapter.from_settings(no_instance, rt.settings)


def test_hostile_account_fields_are_cleaned(rt: Runtime, fake: FakeMastodon,
                                            source: SourceSettings) -> None:
    fake.add_status("@lumen hi", mention_brand=True,
                    author=account("77", "evil\u202e@x.example", display_name="\x1b[31mred",
                                   followers_count=-5))
    assert jobs.poll("masto").status == "stored"


def test_the_first_poll_reads_back_the_window_on_every_stream_past_the_page_cap(
        rt: Runtime, fake: FakeMastodon, source: SourceSettings, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    old = clock.now()
    fake.add_status("@lumen from two days ago", mention_brand=True, created_at=old)
    fake.add_status("#lumen from two days ago", tags=("lumen",), created_at=old)
    fake.add_status("lumen outage from two days ago", created_at=old)
    clock.advance(hours=48)
    day = clock.now() - timedelta(hours=23)
    window = {fake.add_status(f"@lumen no signal {i}", mention_brand=True, created_at=day)["id"]
              for i in range(100)}
    window |= {fake.add_status(f"#lumen bill {i}", tags=("lumen",), created_at=day)["id"]
               for i in range(90)}
    window |= {fake.add_status(f"lumen outage in town {i}", created_at=day)["id"]
               for i in range(85)}
    monkeypatch.setattr(mastodon_module, "MAX_PAGES", 2)  # 80 items a stream and poll

    assert jobs.poll("masto").result.stored == 240
    assert set(source_row(rt).cursor["backfill"]) == {"notifications", "tag:lumen",
                                                      "search:lumen outage"}
    newer = fake.add_status("@lumen #lumen lumen outage newer", tags=("lumen",),
                            mention_brand=True)["id"]
    clock.advance(121)
    jobs.poll("masto")
    assert set(stored(rt)) == window  # resumed where each walk stopped; nothing older
    assert "backfill" not in source_row(rt).cursor
    clock.advance(121)
    jobs.poll("masto")
    assert set(stored(rt)) == window | {newer}


def test_a_429_during_the_first_walk_resumes_it(rt: Runtime, fake: FakeMastodon,
                                                source: SourceSettings,
                                                clock: FrozenClock) -> None:
    window = {fake.add_status(f"@lumen help {i}", mention_brand=True)["id"] for i in range(130)}
    fake.fail("/api/v1/notifications", 429, skip=1)
    outcome = jobs.poll("masto")
    assert outcome.status == "rate_limited" and outcome.result.stored == 40
    clock.advance(minutes=5, seconds=1)
    assert jobs.poll("masto").status == "stored"
    assert set(stored(rt)) == window


def test_broken_characters_become_the_replacement_character(
        rt: Runtime, fake: FakeMastodon, source: SourceSettings) -> None:
    lone = fake.add_status("lumen outage lone \ud800 surrogate")["id"]
    bad = fake.add_status(f"lumen outage bad {INVALID_UTF8_MARKER} bytes")["id"]
    assert jobs.poll("masto").status == "stored"
    texts = {key: m.text for key, m in stored(rt).items()}
    assert texts[lone] == "lumen outage lone \ufffd surrogate"
    assert "\ufffd" in texts[bad] and "?" not in texts[bad]


def test_an_unreachable_server_is_one_plain_line_and_cleared_on_recovery(
        rt: Runtime, fake: FakeMastodon, source: SourceSettings, clock: FrozenClock) -> None:
    prime(fake)
    dead = refusing_url()
    rt.readers = {"masto": MastodonAdapter(Mastodon(access_token=TOKEN, api_base_url=dead,
                                                    version_check_mode="none"))}
    assert jobs.poll("masto").status == "failed"
    error = source_row(rt).last_error or ""
    assert error.startswith(f"Mastodon unavailable: cannot reach {dead}/api/v1/")
    assert error.endswith(": connection refused") and "\n" not in error
    rt.readers = {"masto": MastodonAdapter(Mastodon(access_token=TOKEN,
                                                    api_base_url=source.base_url))}
    clock.advance(hours=1)
    assert jobs.poll("masto").status == "stored"
    row = source_row(rt)
    assert row.last_error is None and row.consecutive_failures == 0
