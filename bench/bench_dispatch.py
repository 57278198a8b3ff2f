"""Dispatcher throughput: queued replies posted through the real Mastodon client to a local fake.

Run: .venv/bin/python bench/bench_dispatch.py [--engine sqlite|postgresql|both] [--replies 300]
Queues replies to customer posts that exist on the fake Mastodon (tests/integration/fakes, over
HTTP on loopback), then runs `responder.dispatch.dispatch` back to back until every one is sent:
claim, post outside any transaction, record. The rate is the dispatcher's own; in production it
runs every [responder] dispatch_interval_seconds with at most batch_size rows, which caps it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine, write_section  # noqa: E402


def run(url: str, replies: int) -> tuple[float, int]:
    """Seconds to send `replies` queued replies, and how many posts the fake received."""
    from mastodon import Mastodon
    from sqlalchemy import select

    from earful.clock import now
    from earful.db import make_engine, session_factory
    from earful.migrate import upgrade
    from earful.models import Mention, User
    from earful.runtime import Runtime
    from earful.settings import AccountSettings, load_settings
    from earful.work.replies import queue_reply
    from listener.platforms.mastodon import MastodonAdapter
    from responder.dispatch import dispatch
    from tests.integration.fakes import fake_mastodon
    from tests.integration.fakes.serve import serve_wsgi

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the fake's request log
    engine = make_engine(url)
    upgrade(engine)
    masto = fake_mastodon.FakeMastodon()
    with serve_wsgi(masto.app) as base:
        settings = load_settings(overrides={"demo": {"enabled": "off"}})
        settings.accounts = [AccountSettings(platform="mastodon", handle=fake_mastodon.BRAND_ACCT,
                                             base_url=base)]
        rt = Runtime(settings=settings, engine=engine, sessions=session_factory(engine))
        rt.publishers["mastodon"] = MastodonAdapter(
            Mastodon(access_token=fake_mastodon.TOKEN, api_base_url=base))
        customer = fake_mastodon.account("77", "ann@other.example")
        with rt.sessions.begin() as session:
            agent = User(username="bench-agent", password_hash="-", role="agent")
            session.add(agent)
            session.flush()
            for i in range(replies):
                post = masto.add_status(f"@brand my bill doubled ({i})", author=customer)
                mention = Mention(platform="mastodon", external_id=str(post["id"]),
                                  text=post["content"], created_at=now(), complaint=True)
                session.add(mention)
                session.flush()
                queue_reply(session, mention, "Sorry about that! We are on it.",
                            str(uuid.uuid4()), agent.id, settings)
        started = time.perf_counter()
        sent = 0
        while sent < replies:
            report = dispatch(rt)
            if not report.outcomes:
                raise SystemExit(f"the dispatcher stopped after {sent} of {replies}")
            sent += report.count("sent")
        elapsed = time.perf_counter() - started
        with rt.sessions() as session:
            assert session.scalar(select(User.id).where(User.username == "bench-agent"))
        posted = len(masto.posts_by_brand())
    engine.dispose()
    return elapsed, posted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--replies", type=int, default=300)
    args = parser.parse_args()
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    from earful.settings import ResponderSettings

    config = ResponderSettings()
    lines = []
    for engine in engines:
        with tempfile.TemporaryDirectory(prefix="earful-dispatch-") as folder:
            if engine == "sqlite":
                elapsed, posted = run(f"sqlite:///{folder}/dispatch.db", args.replies)
            else:
                from tests.pg_server import ThrowawayPostgres

                pg = ThrowawayPostgres()
                try:
                    pg.start()
                    from bench.bench_http import _create_database

                    _create_database(pg.server_url, "dispatch")
                    elapsed, posted = run(pg.url("dispatch"), args.replies)
                finally:
                    pg.stop()
        if posted != args.replies:
            raise SystemExit(f"{engine}: the fake received {posted} posts for {args.replies}")
        line = (f"| {engine} | {args.replies} | {elapsed:.2f} | {args.replies / elapsed:.0f} | "
                f"{posted} |")
        print(line)
        lines.append(line)
    ceiling = config.batch_size / config.dispatch_interval_seconds
    write_section("Dispatcher throughput (responder.dispatch)", f"""
Command: `.venv/bin/python bench/bench_dispatch.py --engine {args.engine} --replies
{args.replies}` ({machine()}; load average {os.getloadavg()[0]:.2f} at the end). Queued replies
posted through the real Mastodon client to the local fake Mastodon over HTTP on loopback, with
the dispatcher run back to back until every one is sent (claim, post outside any transaction,
record the outcome), each reply posted once (counted on the fake).

| database | replies | seconds | replies/s | posts on the fake |
| --- | ---: | ---: | ---: | ---: |
{chr(10).join(lines)}

This is the dispatcher's own rate. As scheduled it sends at most `batch_size` rows every
`dispatch_interval_seconds` ([responder]: {config.batch_size} every
{config.dispatch_interval_seconds} s, {ceiling:g} replies/s), so a backlog drains at that rate.
""")


if __name__ == "__main__":
    main()
