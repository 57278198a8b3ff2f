"""A poll or a dispatch killed with SIGKILL at a chosen point loses nothing and duplicates nothing.

Each case runs a job in a child process (forked by the warm `tests.reliability.driver`) against
the fake X API served here (real tweepy, the real poll job and dispatcher, the test's database),
kills it at one point (the child wraps a function and SIGKILLs itself before or after its nth
call), checks what a
crash there must have left behind, then runs the job again in this process to completion:
every mention stored exactly once, the cursor where it should be, each reply posted on the fake
exactly once and recorded with the post's id, no outbox row left `sending` or `queued`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from earful.clock import FrozenClock
from earful.models import Mention, OutboxReply, Source, User
from earful.runtime import Runtime
from earful.vocab import OutboxStatus
from earful.work.replies import queue_reply
from listener.jobs import poll
from responder.dispatch import dispatch
from tests.integration.fakes import fake_bluesky, fake_mastodon, fake_reddit
from tests.integration.fakes.fake_x import XState, create_app
from tests.integration.fakes.serve import serve_wsgi
from tests.reliability.driver import (
    SOURCE,
    reader_for,
    source_for,
    x_account,
    x_adapter,
    x_source,
)

ROOT = Path(__file__).resolve().parents[2]

# name: (function in the child, before|after, which call, committed before the kill?)
POLL_KILLS: dict[str, tuple[str, str, int, bool]] = {
    "syncing the source row, before its commit": (
        "listener.health:sync_sources", "after", 1, False),
    "after the first page, before the second": (
        "listener.platforms.x:XAdapter._take_page", "after", 1, False),
    "after the fetch, before storing": ("listener.jobs:_store", "before", 1, False),
    "mid-batch: rows inserted, not committed": (
        "listener.ingest:_insert_ignore", "after", 1, False),
    "rows stored, before the cursor and health": (
        "listener.health:record_success", "before", 1, False),
    "just after the commit of rows and cursor": (
        "sqlalchemy.engine.default:DefaultDialect.do_commit", "after", 2, True),
}

# name: (function in the child, before|after, which call, the claim committed before the kill?)
DISPATCH_KILLS: dict[str, tuple[str, str, int, bool]] = {
    "claiming, before the claim's commit": ("earful.work.outbox:claim_due", "after", 1, False),
    "after the claim, before any platform call": (
        "responder.dispatch:attempt", "before", 1, True),
    "after looking up the target, before posting": (
        "listener.platforms.x:XAdapter.get_post", "after", 1, True),
    "after the platform accepted, before recording": (
        "listener.platforms.x:XAdapter.post", "after", 1, True),
    "recording the post, before the commit": ("earful.work.outbox:mark_sent", "after", 1, True),
    "after the first reply was recorded": ("responder.dispatch:attempt", "before", 2, True),
    "after the second post, the first recorded": (
        "listener.platforms.x:XAdapter.post", "after", 2, True),
}


@pytest.fixture
def fake(clock: FrozenClock) -> Iterator[tuple[XState, str]]:
    state = XState()
    with serve_wsgi(create_app(state)) as base:
        yield state, base


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Driver]:
    log = tmp_path_factory.mktemp("driver") / "stderr.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    with log.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.driver", "--serve"], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True)
        try:
            warm = Driver(process, log)
            assert warm.answer() == {"ready": True}, warm.log_tail()
            yield warm
        finally:
            process.stdin.close()  # type: ignore[union-attr]  # the driver's loop ends
            process.wait(timeout=60)
            process.stdout.close()  # type: ignore[union-attr]


class Driver:
    """The warm driver process: one forked child per job, its end reported back."""

    def __init__(self, process: subprocess.Popen[str], log: Path) -> None:
        self.process, self.log = process, log

    def answer(self) -> dict[str, Any]:
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        return json.loads(line) if line else {"driver": "ended"}

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8")[-3000:]

    def run(self, rt: Runtime, tmp_path: Path, job: str, base: str, now: FrozenClock,
            kill: tuple[str, str, int], platform: str = "x") -> None:
        """Run `job` in a child killed at `kill`; fail when it ended any other way."""
        config = {"job": job, "platform": platform,
                  "database": rt.engine.url.render_as_string(hide_password=False),
                  "instance": str(tmp_path / "child-instance"), "base_url": base,
                  "now": now.now().isoformat(),
                  "kill": {"target": kill[0], "when": kill[1], "call": kill[2]}}
        path = tmp_path / f"{job}-{uuid.uuid4().hex}.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        self.process.stdin.write(f"{path}\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]
        ended = self.answer()
        assert ended.get("signal") == signal.SIGKILL, (
            f"the child was not killed at the chosen point ({ended}):\n{self.log_tail()}")


def _mentions(rt: Runtime, platform: str = "x") -> list[str]:
    with rt.sessions() as session:
        return list(session.scalars(select(Mention.external_id).where(
            Mention.platform == platform)))


def _source_row(rt: Runtime) -> Source | None:
    with rt.sessions() as session:
        row = session.scalar(select(Source).where(Source.name == SOURCE))
        if row is not None:
            session.expunge(row)
        return row


@pytest.mark.parametrize("point", list(POLL_KILLS))
def test_a_killed_poll_loses_nothing_and_stores_nothing_twice(
        rt: Runtime, fake: tuple[XState, str], clock: FrozenClock, tmp_path: Path,
        driver: Driver, point: str) -> None:
    state, base = fake
    alice = state.add_user("alice", followers=40)
    first = {state.add_tweet(f"lumen no signal in sector {i}", alice) for i in range(105)}
    target, when, call, committed = POLL_KILLS[point]

    driver.run(rt, tmp_path, "poll", base, clock, (target, when, call))
    row = _source_row(rt)
    if committed:  # the kill came after the commit: the rows and the cursor are there
        assert sorted(_mentions(rt)) == sorted(first)
        assert row is not None and row.cursor["streams"]["search:lumen"] == {
            "since_id": max(first, key=int)}
    else:  # nothing half-written: no rows, the cursor not moved
        assert _mentions(rt) == []
        assert row is None or row.cursor is None

    rt.settings.sources = [x_source()]
    rt.readers = {SOURCE: x_adapter(base)}
    again = poll(SOURCE, force=True)
    assert again.status == "stored", again.message
    later = {state.add_tweet(f"lumen still down {i}", alice) for i in range(3)}
    last = poll(SOURCE, force=True)
    assert last.status == "stored" and last.result is not None and last.result.stored == 3

    stored = _mentions(rt)
    assert len(stored) == len(set(stored)) and set(stored) == first | later
    row = _source_row(rt)
    assert row is not None
    assert row.cursor["streams"] == {"search:lumen": {"since_id": max(first | later, key=int)}}
    assert row.stored_total == len(first | later)
    assert row.consecutive_failures == 0 and row.last_error is None
    searches = [r for r in state.requests if r[1] == "/2/tweets/search/recent"]
    assert searches[-1][2].get("since_id") == max(first, key=int)  # read on from the cursor


def _queue_replies(rt: Runtime, state: XState, count: int) -> dict[int, tuple[str, str]]:
    """Queue one reply to each of `count` customer posts; outbox id -> (target, text)."""
    customer = state.add_user("bob")
    queued: dict[int, tuple[str, str]] = {}
    with rt.sessions() as session:
        user = User(username="agent", password_hash="-", role="agent")
        session.add(user)
        session.flush()
        for i in range(count):
            target = state.add_tweet(f"@LumenMobile problem number {i}", customer)
            mention = Mention(platform="x", external_id=target, text=f"problem number {i}",
                              created_at=FrozenClock().now(), complaint=True)
            session.add(mention)
            session.flush()
            text = f"Sorry about problem {i}, we are on it."
            row = queue_reply(session, mention, text, str(uuid.uuid4()), user.id, rt.settings)
            queued[row.id] = (target, text)
        session.commit()
    return queued


def _outbox(rt: Runtime) -> dict[int, Any]:
    with rt.sessions() as session:
        rows = session.scalars(select(OutboxReply)).all()
        session.expunge_all()
        return {row.id: row for row in rows}


@pytest.mark.parametrize("point", list(DISPATCH_KILLS))
def test_a_killed_dispatch_posts_each_reply_exactly_once(
        rt: Runtime, fake: tuple[XState, str], clock: FrozenClock, tmp_path: Path,
        driver: Driver, point: str) -> None:
    state, base = fake
    rt.settings.accounts = [x_account()]
    queued = _queue_replies(rt, state, 3)

    target, when, call, claimed = DISPATCH_KILLS[point]
    driver.run(rt, tmp_path, "dispatch", base, clock, (target, when, call))
    statuses = {row.status for row in _outbox(rt).values()}
    if claimed:  # the claim was committed before the first platform call
        assert OutboxStatus.SENDING in statuses
    else:  # the claim's transaction died with the process: the rows are as queued
        assert statuses == {OutboxStatus.QUEUED} and state.posts_by_brand() == []

    rt.publishers["x"] = x_adapter(base)
    clock.advance(seconds=rt.settings.responder.claim_lease_seconds + 1)  # the child's lease
    for _ in range(4):
        if not dispatch(rt).outcomes:
            break

    rows = _outbox(rt)
    assert {row.status for row in rows.values()} == {OutboxStatus.SENT}
    posted = state.posts_by_brand()
    assert sorted((p["reply_to"], p["text"]) for p in posted) == sorted(queued.values())
    assert {rows[i].external_id for i in queued} == {p["id"] for p in posted}
    for row_id, (target, _text) in queued.items():
        post = next(p for p in posted if p["id"] == rows[row_id].external_id)
        assert post["reply_to"] == target
    with rt.sessions() as session:
        unanswered = session.scalar(select(func.count()).select_from(Mention).where(
            Mention.first_response_at.is_(None)))
    assert unanswered == 0


# The job's own points, on the platforms whose cursors work differently: Reddit (times and ids
# seen in an overlap window), Mastodon (ids per stream, a first walk backwards), Bluesky (a
# high-water mark and recently seen URIs). The database's part is the same as X's: SQLite only.
OTHER_PLATFORMS = ["reddit", "mastodon", "bluesky"]
JOB_POINTS = ["mid-batch: rows inserted, not committed", "just after the commit of rows and cursor"]


@pytest.fixture
def other(request: pytest.FixtureRequest, clock: FrozenClock,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Callable[[str], str], str]]:
    """(platform, a function posting a new mention there, the fake's base URL)."""
    monkeypatch.setattr(time, "sleep", lambda *_: None)  # prawcore paces itself otherwise
    platform = request.param
    if platform == "reddit":
        reddit = fake_reddit.RedditState()
        with serve_wsgi(fake_reddit.create_app(reddit)) as base:
            yield platform, lambda text: reddit.add_post("LumenMobile", text, author="ann"), base
    elif platform == "mastodon":
        masto = fake_mastodon.FakeMastodon()
        ann = fake_mastodon.account("77", "ann@other.example")
        with serve_wsgi(masto.app) as base:
            yield platform, lambda text: str(masto.add_status(
                text, author=ann, mention_brand=True)["id"]), base
    else:
        bsky = fake_bluesky.FakeBluesky()
        ann = fake_bluesky.author("ann.bsky.social")
        with serve_wsgi(bsky.app) as base:
            yield platform, lambda text: str(bsky.add_post(
                text, by=ann, mention_brand=True)["uri"]), base


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("other", OTHER_PLATFORMS, indirect=True)
@pytest.mark.parametrize("point", JOB_POINTS)
def test_a_killed_poll_on_every_platform_loses_nothing(
        rt: Runtime, other: tuple[str, Callable[[str], str], str], clock: FrozenClock,
        tmp_path: Path, driver: Driver, point: str) -> None:
    platform, add, base = other
    first = {add(f"lumen no signal in sector {i}") for i in range(105)}
    target, when, call, committed = POLL_KILLS[point]

    driver.run(rt, tmp_path, "poll", base, clock, (target, when, call), platform=platform)
    assert sorted(_mentions(rt, platform)) == (sorted(first) if committed else [])

    rt.settings.sources = [source_for(platform, base)]
    rt.readers = {SOURCE: reader_for(platform, base)}
    assert poll(SOURCE, force=True).status == "stored"
    clock.advance(seconds=30)
    later = {add(f"lumen still down {i}") for i in range(3)}
    last = poll(SOURCE, force=True)
    assert last.status == "stored" and last.result is not None and last.result.stored == 3

    stored = _mentions(rt, platform)
    assert len(stored) == len(set(stored)) and set(stored) == first | later
    row = _source_row(rt)
    assert row is not None and row.stored_total == len(first | later)
    assert row.consecutive_failures == 0 and row.last_error is None
