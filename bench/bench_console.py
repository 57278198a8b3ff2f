"""Inbox and conversation page latency with 1,000,000 mentions in SQLite.

Run: .venv/bin/python bench/bench_console.py [--mentions 1000000] [--requests 50]
Builds the database once in bench/out/console.db (reused when it already has the rows), then
times requests through the real Flask app (test client: the app, templates and queries, no
network). Median and p90 per page go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import machine, write_section  # noqa: E402
from earful.db import make_engine, session_factory  # noqa: E402
from earful.migrate import upgrade  # noqa: E402
from earful.runtime import Runtime  # noqa: E402
from earful.search import MATCH_CAP  # noqa: E402
from earful.settings import load_settings  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
URGENCIES = [("critical", 0, 0.01), ("high", 1, 0.09), ("normal", 2, 0.3), ("low", 3, 0.6)]
STATUSES = [("new", 0.2), ("open", 0.1), ("waiting", 0.05), ("resolved", 0.6), ("ignored", 0.05)]
PLATFORMS = ["x", "reddit", "mastodon", "bluesky"]


def build(path: Path, n: int) -> None:
    """Fill a migrated SQLite database with n mentions from 20,000 authors (raw sqlite3: fast)."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    rng = random.Random(3)
    start = datetime(2025, 6, 1, tzinfo=UTC)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        have = db.execute("select count(*) from mentions").fetchone()[0]
        if have >= n:
            return
        db.executemany(
            "insert or ignore into authors (platform, external_id, handle, display_name, "
            "followers, verified, updated_at) values (?, ?, ?, ?, ?, 0, ?)",
            [(PLATFORMS[i % 4], str(i), f"user{i}", f"User {i}", rng.randint(0, 100_000),
              start.replace(tzinfo=None)) for i in range(20_000)])
        batch = []
        for i in range(have, n):
            created = start + timedelta(seconds=i * 15)
            urgency, rank, _ = rng.choices(URGENCIES, [u[2] for u in URGENCIES])[0]
            status = rng.choices(STATUSES, [s[1] for s in STATUSES])[0][0]
            complaint = urgency != "low" and rng.random() < 0.8
            due = created + timedelta(minutes=(30, 60, 240, 1440)[rank]) if complaint else None
            batch.append((
                PLATFORMS[i % 4], str(10**15 + i), f"mention {i} about the network and my bill",
                "en", created.replace(tzinfo=None), created.replace(tzinfo=None),
                i % 20_000 + 1, "neutral" if not complaint else "negative", complaint,
                0.9 if complaint else 0.1, urgency, rank, 0.5, status,
                due.replace(tzinfo=None) if due else None, "", "bench"))
            if len(batch) == 50_000:
                _insert(db, batch)
                batch.clear()
                print(f"  {i + 1:,} mentions", file=sys.stderr)
        if batch:
            _insert(db, batch)
        db.execute("ANALYZE")


def _insert(db: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    db.executemany(
        "insert or ignore into mentions (platform, external_id, text, lang, created_at, "
        "fetched_at, author_id, sentiment, complaint, complaint_score, urgency, urgency_rank, "
        "urgency_score, status, sla_due_at, url, classifier_version, deleted) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", rows)


def timed(client, url: str, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"console-{args.mentions}.db"
    build(path, args.mentions)
    settings = load_settings(overrides={"app": {"instance_path": str(OUT / "instance")}})
    engine = make_engine(f"sqlite:///{path}")
    rt = Runtime(settings=settings, engine=engine, sessions=session_factory(engine))
    from web import create_app
    from web.users import create_user

    with rt.sessions.begin() as session:
        from sqlalchemy import select

        from earful.models import User
        if session.scalar(select(User).where(User.username == "bench")) is None:
            create_user(session, "bench", "bench-password", role="admin")
    app = create_app(rt=rt, config={"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": "bench-password"})
    rng = random.Random(5)
    pages = {
        "inbox, default view (open complaints by urgency, SLA, age)": "/",
        "inbox, filtered (platform=x, urgency=high)": "/?platform=x&urgency=high",
        "inbox, full-text search, a word in every mention (bill)": "/?q=bill",
        "inbox, full-text search, a word in one mention (777777)": "/?q=777777",
        "inbox, every status and label (status=any, complaint=any)": "/?status=any&complaint=any",
    }
    rows = []
    for label, url in pages.items():
        timed(client, url, 3)  # warm the caches
        samples = timed(client, url, args.requests)
        rows.append((label, statistics.median(samples), _p90(samples)))
    ids = [rng.randint(1, args.mentions) for _ in range(args.requests)]
    samples = []
    for mention_id in ids:
        samples += timed(client, f"/conversations/{mention_id}", 1)
    rows.append(("conversation view (random mention)", statistics.median(samples), _p90(samples)))
    engine.dispose()
    table = "\n".join(f"| {label} | {median:.1f} | {p90:.1f} | < 100 |"
                      for label, median, p90 in rows)
    for label, median, p90 in rows:
        print(f"{label}: median {median:.1f} ms, p90 {p90:.1f} ms")
    write_section("Console pages (web)", f"""
Command: `.venv/bin/python bench/bench_console.py --mentions {args.mentions} \\
--requests {args.requests}` ({machine()}; SQLite in WAL mode with {args.mentions:,} mentions from
20,000 authors; requests through the Flask app in-process, signed in, templates rendered; load
average {os.getloadavg()[0]:.2f} at the end).

| page | median ms | p90 ms | target median ms |
| --- | ---: | ---: | ---: |
{table}

Every mention here contains "bill", so that search is the worst case: the newest
{MATCH_CAP:,} matches that pass the filters are kept (`earful/search.py`; the page then says
that more match), each found by probing the mentions the FTS5 index yields, newest first. The
prefix query ("bill*" also finds "billing") is answered from FTS5's prefix index (migration
0009); without it FTS5 merged the word's whole posting list first (70-140 ms at this size).
""")


def _p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10)[-1]


if __name__ == "__main__":
    main()
