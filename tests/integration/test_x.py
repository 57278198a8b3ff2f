"""The X adapter: the real tweepy.Client against a local fake X API, through the real poll job."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from earful.clock import FrozenClock
from earful.models import Mention, Source
from earful.runtime import Runtime
from earful.settings import AccountSettings, SourceSettings
from listener.jobs import poll
from listener.platforms import x as x_module
from listener.platforms.x import XAdapter, make_client
from tests.integration.fakes.fake_x import XState, create_app
from tests.integration.fakes.serve import INVALID_UTF8_MARKER, refusing_url, serve_wsgi

CREDENTIALS = {"bearer_token": "test-bearer", "consumer_key": "ck", "consumer_secret": "cs",
               "access_token": "at", "access_token_secret": "ats"}
ACCOUNT = AccountSettings(platform="x", handle="LumenMobile")


@pytest.fixture
def fake(clock: FrozenClock) -> Iterator[tuple[XState, str]]:
    state = XState()
    with serve_wsgi(create_app(state)) as base:
        yield state, base


def _adapter(base: str, user_auth: bool = False) -> XAdapter:
    return XAdapter(make_client(CREDENTIALS, base), own_handles=["LumenMobile"],
                    user_auth=user_auth)


def _source(rt: Runtime, base: str, *, mentions: bool = True, inject: bool = True,
            **kwargs: Any) -> SourceSettings:
    """Configure an X source in the runtime's settings (and inject the adapter)."""
    source = SourceSettings(name="x-brand", platform="x", account="LumenMobile",
                            queries=["lumen"], mentions=mentions, **kwargs)
    rt.settings.sources.append(source)
    if inject:
        rt.readers = {"x-brand": _adapter(base)}
    return source


def _stored(rt: Runtime) -> dict[str, Mention]:
    with rt.sessions() as session:
        rows = session.scalars(select(Mention).where(Mention.platform == "x")).unique().all()
        session.expunge_all()
        return {m.external_id: m for m in rows}


def _source_row(rt: Runtime) -> Source:
    with rt.sessions() as session:
        row = session.scalars(select(Source).where(Source.name == "x-brand")).one()
        session.expunge(row)
        return row


def test_poll_then_repoll_stores_everything_once(rt: Runtime, fake: tuple[XState, str]) -> None:
    state, base = fake
    alice = state.add_user("alice", "Alice", followers=321)
    found = {state.add_tweet(f"lumen mobile outage again {i}", alice) for i in range(5)}
    found |= {state.add_tweet(f"@LumenMobile my bill is wrong {i}", alice) for i in range(2)}
    found.add(state.add_tweet("lumen @LumenMobile both streams", alice))
    state.add_tweet("unrelated chatter", alice)
    long_text = "lumen " + "very long complaint " * 40
    found.add(state.add_tweet("", alice, note=long_text))
    _source(rt, base)

    first = poll("x-brand")
    assert first.status == "stored" and first.result is not None
    stored = _stored(rt)
    assert set(stored) == found
    assert first.result.stored == len(found)
    mention = stored[min(found)]
    assert mention.author is not None and mention.author.handle == "alice"
    assert mention.author.followers == 321
    assert mention.url == f"https://x.com/alice/status/{mention.external_id}"
    assert any(m.text == long_text.strip() or m.text == long_text for m in stored.values())

    again = poll("x-brand", force=True)
    assert again.result is not None and again.result.stored == 0
    assert len(_stored(rt)) == len(found)
    searches = [r for r in state.requests if r[1] == "/2/tweets/search/recent"]
    assert searches[-1][2]["since_id"] == str(max(int(t) for t in found))

    newer = state.add_tweet("lumen is down in Cluj", alice)
    third = poll("x-brand", force=True)
    assert third.result is not None and third.result.stored == 1
    assert set(_stored(rt)) == found | {newer}


def test_pagination_over_250_posts(rt: Runtime, fake: tuple[XState, str]) -> None:
    state, base = fake
    bob = state.add_user("bob")
    ids = {state.add_tweet(f"lumen signal lost #{i}", bob) for i in range(260)}
    _source(rt, base, mentions=False)

    outcome = poll("x-brand")
    assert outcome.status == "stored"
    assert set(_stored(rt)) == ids
    searches = [r for r in state.requests if r[1] == "/2/tweets/search/recent"]
    assert len(searches) == 3
    assert [s[2].get("next_token") for s in searches] == [None, "100", "200"]
    assert _source_row(rt).requests_today == 3


def test_429_in_the_middle_of_pagination(rt: Runtime, fake: tuple[XState, str],
                                         clock: FrozenClock) -> None:
    state, base = fake
    bob = state.add_user("bob")
    ids = {state.add_tweet(f"lumen roaming broken #{i}", bob) for i in range(260)}
    _source(rt, base, mentions=False)
    state.fail(429, after=1)  # page 1 succeeds, page 2 is rate limited

    first = poll("x-brand")
    assert first.status == "rate_limited"
    assert len(_stored(rt)) == 100  # the first page is kept, with a cursor that resumes below it
    row = _source_row(rt)
    assert row.rate_limited_until is not None and row.rate_limited_until > clock.now()
    assert poll("x-brand").status == "waiting"  # the reset time is honoured

    late = state.add_tweet("lumen newer while we waited", bob)
    clock.advance(minutes=16)
    second = poll("x-brand")
    assert second.status == "stored"
    assert set(_stored(rt)) == ids  # the gap below page 1 is filled first...
    third = poll("x-brand", force=True)
    assert set(_stored(rt)) == ids | {late}  # ...then polling goes on from the newest post
    assert third.result is not None and third.result.duplicates == 0


def test_429_before_anything_is_read_reschedules(rt: Runtime, fake: tuple[XState, str],
                                                 clock: FrozenClock) -> None:
    state, base = fake
    state.add_tweet("lumen", state.add_user("bob"))
    _source(rt, base, mentions=False)
    state.fail(429)
    outcome = poll("x-brand")
    assert outcome.status == "rate_limited"
    row = _source_row(rt)
    assert row.next_poll_at == clock.now() + timedelta(minutes=15)
    # Nothing was read; only the first poll's window start is kept, so it does not slide.
    assert set(row.cursor["streams"]["search:lumen"]) == {"start_time"}
    clock.advance(minutes=16)
    assert poll("x-brand").status == "stored" and len(_stored(rt)) == 1


class _FailOnce:
    """The default model, except that the first batch dies (a process killed mid-poll)."""

    def __init__(self, model: Any) -> None:
        self.model, self.failed = model, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

    def predict(self, inputs: Any) -> Any:
        if not self.failed:
            self.failed = True
            raise RuntimeError("killed between fetching and storing")
        return self.model.predict(inputs)


def test_killed_between_fetch_and_store(rt: Runtime, fake: tuple[XState, str]) -> None:
    state, base = fake
    bob = state.add_user("bob")
    ids = {state.add_tweet(f"lumen no data #{i}", bob) for i in range(120)}
    _source(rt, base, mentions=False)
    rt.model = _FailOnce(rt.model)

    with pytest.raises(RuntimeError):
        poll("x-brand")
    assert _stored(rt) == {} and _source_row(rt).cursor is None  # nothing half-stored

    poll("x-brand")
    assert set(_stored(rt)) == ids
    poll("x-brand", force=True)
    assert len(_stored(rt)) == len(ids)


def test_broken_items_are_skipped_and_the_rest_stored(rt: Runtime,
                                                      fake: tuple[XState, str]) -> None:
    state, base = fake
    carol = state.add_user("carol")
    good = {
        state.add_tweet("lumen 📶😡 no signal since the update 🔥", carol),
        state.add_tweet("lumen الخدمة لا تعمل منذ الصباح", carol, lang="ar"),
        state.add_tweet("lumen broken \ud800 surrogate \x00 and control", carol),
        state.add_tweet("lumen " + "x" * 200_000, carol),
        state.add_tweet("lumen my account was deleted after this", "999"),  # deleted author
    }
    undated = str(next(state.ids))
    state.junk = [
        {"text": "lumen no id"},
        {"id": "not-a-number", "text": "lumen"},
        "lumen a string, not an object",
        {"id": str(next(state.ids)), "text": None, "author_id": carol},
        None,
        {"id": undated, "text": "lumen without created_at", "author_id": carol},
    ]
    _source(rt, base, mentions=False)

    outcome = poll("x-brand")
    assert outcome.status == "stored" and outcome.result is not None
    stored = _stored(rt)
    assert set(stored) == good | {undated}
    assert len(outcome.result.rejected) == 5
    assert "\ud800" not in stored[min(good, key=int)].text
    assert all("\x00" not in m.text for m in stored.values())
    assert max(len(m.text) for m in stored.values()) <= rt.settings.listener.max_text_chars
    deleted_author = [m for m in stored.values() if "deleted after" in m.text][0]
    assert deleted_author.author is not None and deleted_author.author.handle == ""
    assert stored[undated].created_at.year >= 2024  # from the snowflake id


def test_own_posts_replies_threads_and_exactly_once(rt: Runtime,
                                                    fake: tuple[XState, str]) -> None:
    state, base = fake
    alice = state.add_user("alice")
    complaint = state.add_tweet("@LumenMobile lumen charged me twice", alice)
    adapter = _adapter(base, user_auth=True)
    text = "@alice Sorry about that! Lumen support here, please DM us https://lumen.example/dm"

    assert adapter.find_own_post(ACCOUNT, complaint, text) is None
    ref = adapter.post(ACCOUNT, text, reply_to=complaint)
    assert ref.platform == "x" and state.tweets[ref.external_id]["author_id"] == state.brand
    found = adapter.find_own_post(ACCOUNT, complaint, text)
    assert found is not None and found.external_id == ref.external_id
    assert adapter.find_own_post(ACCOUNT, complaint, "something else") is None
    follow_up = state.add_tweet("@LumenMobile lumen thanks, DMed", alice, reply_to=ref.external_id)

    _source(rt, base)
    poll("x-brand")
    stored = _stored(rt)
    assert stored[ref.external_id].status == "own"
    assert stored[complaint].status != "own" and stored[follow_up].status != "own"
    assert stored[ref.external_id].parent_id == stored[complaint].id
    assert stored[follow_up].parent_id == stored[ref.external_id].id
    assert stored[follow_up].conversation_id == complaint


def test_get_post_and_deleted_post(fake: tuple[XState, str]) -> None:
    state, base = fake
    tid = state.add_tweet("lumen please help", state.add_user("dave", followers=7))
    adapter = _adapter(base)
    record = adapter.get_post(tid)
    assert record is not None and record.text == "lumen please help"
    assert record.author is not None and record.author.followers == 7
    del state.tweets[tid]
    assert adapter.get_post(tid) is None


def test_expired_token_and_server_errors_back_off(rt: Runtime, fake: tuple[XState, str],
                                                  clock: FrozenClock) -> None:
    state, base = fake
    state.add_tweet("lumen", state.add_user("erin"))
    _source(rt, base, mentions=False)
    state.expired = True
    outcome = poll("x-brand")
    assert outcome.status == "failed" and "credentials refused" in outcome.message
    state.expired = False
    state.fail(503)
    clock.advance(hours=1)
    assert poll("x-brand").status == "failed"
    row = _source_row(rt)
    assert row.consecutive_failures == 2 and row.next_poll_at is not None
    assert row.next_poll_at > clock.now() and row.cursor is None
    clock.advance(hours=1)
    assert poll("x-brand").status == "stored" and len(_stored(rt)) == 1


def test_from_settings_reads_credentials_from_the_environment(
        rt: Runtime, fake: tuple[XState, str], monkeypatch: pytest.MonkeyPatch) -> None:
    state, base = fake
    tid = state.add_tweet("@LumenMobile lumen help", state.add_user("frank"))
    _source(rt, base, inject=False, base_url=base,
            credentials={"bearer_token": "EARFUL_TEST_X_BEARER"})
    monkeypatch.delenv("EARFUL_TEST_X_BEARER", raising=False)
    missing = poll("x-brand")
    assert missing.status == "failed" and "EARFUL_TEST_X_BEARER" in missing.message

    monkeypatch.setenv("EARFUL_TEST_X_BEARER", "from-env")
    assert poll("x-brand", force=True).status == "stored"
    assert set(_stored(rt)) == {tid}
    assert _source_row(rt).cursor["user_ids"] == {"lumenmobile": state.brand}


def test_a_since_id_older_than_seven_days_starts_the_stream_over(
        rt: Runtime, fake: tuple[XState, str], clock: FrozenClock) -> None:
    state, base = fake
    bob = state.add_user("bob")
    first = state.add_tweet("lumen before the pause", bob)
    _source(rt, base, mentions=False)
    poll("x-brand")
    clock.advance(days=10)  # the source was paused; X forgot everything older than 7 days
    later = state.add_tweet("lumen after the pause", bob)
    state.oldest_since_id = int(later)
    del state.tweets[first]
    assert poll("x-brand").status == "stored"
    assert set(_stored(rt)) == {first, later}
    assert _source_row(rt).cursor["streams"]["search:lumen"] == {"since_id": later}


def test_the_first_poll_reads_back_the_window_across_polls_past_the_page_cap(
        rt: Runtime, fake: tuple[XState, str], clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    state, base = fake
    bob = state.add_user("bob")
    state.add_tweet("lumen from before the window", bob)
    clock.advance(hours=2)
    window = {state.add_tweet(f"lumen within the day #{i}", bob) for i in range(250)}
    clock.advance(hours=23)  # the oldest of them is 23 hours old: inside the 24-hour window
    monkeypatch.setattr(x_module, "MAX_PAGES_PER_STREAM", 2)
    _source(rt, base, mentions=False)

    began = clock.now()
    first = poll("x-brand")
    assert first.status == "stored" and len(_stored(rt)) == 200  # the page cap
    stream = _source_row(rt).cursor["streams"]["search:lumen"]
    assert "start_time" in stream and "until_id" in stream  # resumes where it stopped
    clock.advance(minutes=2)
    newer = state.add_tweet("lumen while the backlog was read", bob)
    poll("x-brand", force=True)
    assert set(_stored(rt)) == window  # the rest of the window, nothing from before it
    poll("x-brand", force=True)
    assert set(_stored(rt)) == window | {newer}
    searches = [r[2] for r in state.requests if r[1] == "/2/tweets/search/recent"]
    walk = [s for s in searches if "since_id" not in s]
    assert len(walk) == 3 and len({s.get("start_time") for s in walk}) == 1  # fixed at the start
    expected = (began - timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert walk[0]["start_time"] == expected
    assert "start_time" not in searches[-1] and searches[-1]["since_id"]


def test_the_first_poll_window_is_a_setting_capped_at_seven_days(
        rt: Runtime, fake: tuple[XState, str], clock: FrozenClock) -> None:
    state, base = fake
    bob = state.add_user("bob")
    state.add_tweet("lumen eight days ago", bob)
    clock.advance(days=4)
    kept = state.add_tweet("lumen four days ago", bob)
    clock.advance(days=4)
    rt.settings.listener.first_poll_hours = 24 * 30
    _source(rt, base, mentions=False, inject=False)
    rt.readers = {"x-brand": XAdapter(make_client(CREDENTIALS, base),
                                      first_poll=timedelta(hours=24 * 30))}
    assert poll("x-brand").status == "stored"  # X would refuse a start_time past 7 days
    assert set(_stored(rt)) == {kept}


def test_broken_characters_become_the_replacement_character(
        rt: Runtime, fake: tuple[XState, str]) -> None:
    state, base = fake
    bob = state.add_user("bob")
    lone = state.add_tweet("lumen lone \ud800 surrogate", bob)
    bad_bytes = state.add_tweet(f"lumen bad {INVALID_UTF8_MARKER} bytes", bob)
    _source(rt, base, mentions=False)
    assert poll("x-brand").status == "stored"
    stored = _stored(rt)
    assert stored[lone].text == "lumen lone \ufffd surrogate"
    assert "\ufffd" in stored[bad_bytes].text and "?" not in stored[bad_bytes].text


def test_an_unreachable_server_is_one_plain_line_and_cleared_on_recovery(
        rt: Runtime, fake: tuple[XState, str], clock: FrozenClock) -> None:
    state, base = fake
    state.add_tweet("lumen", state.add_user("bob"))
    _source(rt, base, mentions=False)
    dead = refusing_url()
    rt.readers = {"x-brand": _adapter(dead)}
    assert poll("x-brand").status == "failed"
    error = _source_row(rt).last_error or ""
    assert error == f"x: cannot reach {dead}/2/tweets/search/recent: connection refused"
    rt.readers = {"x-brand": _adapter(base)}
    clock.advance(hours=1)
    assert poll("x-brand").status == "stored"
    row = _source_row(rt)
    assert row.last_error is None and row.consecutive_failures == 0
