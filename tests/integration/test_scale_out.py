"""docs/deployment.md's scale-out example, run as written: two console processes, two outbox
dispatchers, a worker and a hot standby, all on one PostgreSQL, against a fake Mastodon.

Mentions keep arriving on the fake and agents reply through both consoles; the active worker
is killed with SIGKILL. The standby must resume the scheduler within `[worker]
takeover_delay_seconds`, and in the end every mention on the fake is stored exactly once and
every reply is posted exactly once (counted on the fake: one POST per reply key).

This test waits on real processes in real time (the one kind of test that must); every wait is
bounded, and the takeover delay is 3 s so the whole run takes well under a minute.
"""

from __future__ import annotations

import collections
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, create_engine, func, select

from earful.leadership import Timing
from earful.models import Mention, OutboxReply
from earful.vocab import OutboxStatus, Status
from tests.integration.fakes.fake_mastodon import TOKEN, FakeMastodon
from tests.integration.fakes.serve import serve_wsgi
from tests.pg_server import PostgresMissing, ThrowawayPostgres

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
EARFUL = Path(sys.executable).with_name("earful")
TAKEOVER_DELAY = 3
PASSWORD = "scale-out-password-1"


@pytest.fixture(scope="module")
def cluster() -> Iterator[ThrowawayPostgres]:
    """A throwaway PostgreSQL cluster of this module's own."""
    server = ThrowawayPostgres()
    try:
        server.start()
    except PostgresMissing as missing:
        server.stop()
        pytest.fail(str(missing), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def database_url(cluster: ThrowawayPostgres, request: pytest.FixtureRequest) -> str:
    """An empty database of the test's own on the module's cluster."""
    name = f"earful_{request.node.name[5:40]}".lower()
    admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return cluster.url(name)


class CountedFake:
    """The fake Mastodon behind one lock (the test adds statuses while processes read), counting
    the brand's POSTs per Idempotency-Key: the outbox key, one per reply."""

    def __init__(self) -> None:
        self.fake = FakeMastodon()
        self.lock = threading.Lock()
        self.posts: collections.Counter[str] = collections.Counter()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.lock:
            if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == "/api/v1/statuses":
                self.posts[environ.get("HTTP_IDEMPOTENCY_KEY", "")] += 1
            return self.fake.app(environ, start_response)

    def mention(self, n: int) -> str:
        with self.lock:
            return str(self.fake.add_status(f"@lumen my calls keep dropping ({n})",
                                            mention_brand=True)["id"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(what: str, predicate: Callable[[], Any], timeout: float = 60.0) -> None:
    """Wait on real processes: bounded, polled every 50 ms."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


SETTINGS = """
[app]
instance_path = "{instance}"

[server]
scheduler = false  # workers run on their own, as in docs/deployment.md
workers = 1
threads = 4

[worker]
takeover_delay_seconds = {delay}

[responder]
dispatch_interval_seconds = 1
# A reply claimed by a process that was killed is looked up on the platform after this.
claim_lease_seconds = 10

[[accounts]]
platform = "mastodon"
handle = "lumen"
base_url = "{fake}"
credentials = {{ access_token = "EARFUL_TEST_MASTODON_TOKEN" }}

[[sources]]
name = "masto"
platform = "mastodon"
account = "lumen"
interval_seconds = 5  # the shortest allowed
base_url = "{fake}"
credentials = {{ access_token = "EARFUL_TEST_MASTODON_TOKEN" }}
"""


class Deployment:
    """The example's processes, each logging to its own file."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder, self.env = folder, env
        self.processes: dict[str, subprocess.Popen[str]] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[str]:
        with (self.folder / f"{name}.log").open("w") as log:  # the child keeps its own fd
            process = subprocess.Popen([str(EARFUL), *args], env=self.env, stdout=log,
                                       stderr=subprocess.STDOUT, text=True,
                                       start_new_session=True)
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text()

    def stop(self, name: str) -> int:
        """Ctrl-C, as an operator (or a service manager's SIGINT) stops it."""
        process = self.processes[name]
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        return process.wait(timeout=30)

    def kill_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)  # the group: gunicorn's workers too
                process.wait(10)


class Console:
    """An agent signed in to one console process, replying as the composer form does."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.client = requests.Session()
        page = self.client.get(f"{base}/login", timeout=10).text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        self.client.post(f"{base}/login", timeout=10, data={
            "username": "admin", "password": PASSWORD, "csrf_token": token})
        assert "/login" not in self.client.get(f"{base}/", timeout=10).url

    def reply(self, mention_id: int, text: str) -> None:
        page = self.client.get(f"{self.base}/conversations/{mention_id}", timeout=10).text
        fields = {name: re.search(f'name="{name}" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
                  for name in ("csrf_token", "idempotency_key", "seen_mention_id",
                               "seen_outbox_id")}
        answer = self.client.post(f"{self.base}/conversations/{mention_id}/reply", timeout=10,
                                  data={**fields, "text": text}, allow_redirects=False)
        assert answer.status_code == 302, answer.text[:500]

    def sources_page(self) -> str:
        return self.client.get(f"{self.base}/admin/sources", timeout=10).text


def _stored(engine: Engine) -> dict[str, int]:
    """The customers' mentions stored: external id -> row id."""
    with engine.connect() as connection:
        rows = connection.execute(select(Mention.external_id, Mention.id).where(
            Mention.platform == "mastodon", Mention.status != Status.OWN)).all()
    return {external: row_id for external, row_id in rows}


def _outbox(engine: Engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(  # type: ignore[misc]
            OutboxReply.idempotency_key, OutboxReply.status, OutboxReply.external_id))]


def _deployment(folder: Path, database_url: str, settings: str) -> Deployment:
    """The settings file and environment every process shares; the database migrated."""
    (folder / "settings.toml").write_text(settings)
    env = {**os.environ, "EARFUL_SETTINGS": str(folder / "settings.toml"),
           "EARFUL_DATABASE_URL": database_url, "EARFUL_ADMIN_PASSWORD": PASSWORD,
           "EARFUL_SECRET_KEY": "scale-out-test-secret-key-0123456789",
           "EARFUL_TEST_MASTODON_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    for args in (["db", "upgrade"], ["users", "ensure-admin"]):
        done = subprocess.run([str(EARFUL), *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    return Deployment(folder, env)


def test_the_standby_resumes_within_the_delay_and_nothing_is_lost_or_doubled(
        database_url: str, tmp_path: Path) -> None:
    platform = CountedFake()
    with serve_wsgi(platform) as fake_url:
        deployment = _deployment(tmp_path, database_url, SETTINGS.format(
            instance=tmp_path / "instance", delay=TAKEOVER_DELAY, fake=fake_url))
        try:
            _run(deployment, platform, create_engine(database_url))
        finally:
            deployment.kill_all()


def _run(deployment: Deployment, platform: CountedFake, engine: Engine) -> None:
    ports = [_free_port(), _free_port()]
    for index, port in enumerate(ports):
        deployment.start(f"console{index + 1}", "serve", "--port", str(port))
    deployment.start("dispatch1", "dispatch")
    deployment.start("dispatch2", "dispatch")
    worker = deployment.start("worker", "worker")
    _wait_for("the worker to run the scheduler",
              lambda: "scheduler running" in deployment.log("worker"))
    standby = deployment.start("standby", "worker")
    _wait_for("the standby to wait", lambda: "standby:" in deployment.log("standby"))
    for port in ports:
        _wait_for("the consoles", lambda port=port: requests.get(
            f"http://127.0.0.1:{port}/login", timeout=2).ok)
    consoles = [Console(f"http://127.0.0.1:{port}") for port in ports]
    active, waiting = (f"{socket.gethostname()}:{p.pid}" for p in (worker, standby))
    page = consoles[0].sources_page()
    assert f"worker <strong>{active}</strong>" in page and f"standby: {waiting}" in page

    replied: set[int] = set()

    def reply_to(count: int) -> None:
        for mention_id in sorted(set(_stored(engine).values()) - replied)[:count]:
            consoles[len(replied) % 2].reply(mention_id, f"Sorry, we are on it (#{mention_id})")
            replied.add(mention_id)

    arrived = [platform.mention(n) for n in range(12)]
    _wait_for("the first mentions", lambda: set(arrived) <= set(_stored(engine)))
    reply_to(6)
    arrived += [platform.mention(n) for n in range(12, 18)]  # arriving as the worker dies
    reply_to(4)

    killed_at = time.monotonic()
    worker.send_signal(signal.SIGKILL)
    _wait_for("the standby to take over",
              lambda: "scheduler running" in deployment.log("standby"), timeout=30)
    took = time.monotonic() - killed_at
    assert took <= TAKEOVER_DELAY, f"the standby took {took:.2f} s"
    assert "took over the scheduler lock" in deployment.log("standby")
    assert f"worker <strong>{waiting}</strong>" in consoles[1].sources_page()

    arrived += [platform.mention(n) for n in range(18, 26)]  # polled by the new worker only
    _wait_for("every mention", lambda: set(arrived) <= set(_stored(engine)))
    reply_to(len(arrived))
    _wait_for("every reply sent", lambda: len(replied) == len(_outbox(engine)) and all(
        status == OutboxStatus.SENT for _, status, _ in _outbox(engine)))

    # Nothing lost, nothing stored twice: exactly the fake's mentions, each once.
    assert sorted(_stored(engine)) == sorted(arrived)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Mention).where(
            Mention.platform == "mastodon", Mention.status != Status.OWN)) == len(arrived)
    # No reply posted twice: one POST per reply key, one post on the platform per reply.
    outbox = _outbox(engine)
    assert len(outbox) == len(replied) == len(arrived)
    assert {key: platform.posts[key] for key, _, _ in outbox} == {
        key: 1 for key, _, _ in outbox}
    posted = platform.fake.posts_by_brand()
    assert sorted(post["id"] for post in posted) == sorted(ref for _, _, ref in outbox)

    for name in ("console1", "console2", "dispatch1", "dispatch2", "standby"):
        assert deployment.stop(name) == 0, deployment.log(name)
        assert "stopped" in deployment.log(name)
    engine.dispose()


def _logged_at(log: str, marker: str) -> datetime:
    """When a log line holding `marker` was written (the logging timestamp)."""
    line = next(line for line in log.splitlines() if marker in line)
    return datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")


def test_a_worker_that_loses_its_lock_stops_at_once_and_waits_again(
        database_url: str, tmp_path: Path) -> None:
    """An administrator (or a database restart) ends the active worker's lock session: it stops
    scheduling before the standby starts, and comes back, in the same process, as the standby."""
    deployment = _deployment(tmp_path, database_url, f"""
[app]
instance_path = "{tmp_path / 'instance'}"
[demo]
enabled = "off"
[worker]
takeover_delay_seconds = {TAKEOVER_DELAY}
""")
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        worker = deployment.start("worker", "worker")
        _wait_for("the worker", lambda: "scheduler running" in deployment.log("worker"))
        deployment.start("standby", "worker")
        _wait_for("the standby", lambda: "standby:" in deployment.log("standby"))
        with admin.connect() as connection:
            ended = connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name"
                f" = 'earful worker {socket.gethostname()}:{worker.pid}'").scalars().all()
        assert ended == [True]
        _wait_for("the standby to take over",
                  lambda: "scheduler running" in deployment.log("standby"), timeout=30)
        _wait_for("the old worker to wait again",
                  lambda: "standby:" in deployment.log("worker"), timeout=30)
        assert worker.poll() is None  # the same process, restarted in place
        lost = _logged_at(deployment.log("worker"), "lost the scheduler lock")
        fence = Timing(TAKEOVER_DELAY).fence
        took_over = _logged_at(deployment.log("standby"), "took over the scheduler lock")
        assert lost <= took_over + timedelta(seconds=fence)  # stopped before the first new job
        for name in ("worker", "standby"):
            assert deployment.stop(name) == 0, deployment.log(name)
    finally:
        deployment.kill_all()
        admin.dispose()
