"""The console over HTTP: `earful serve` under 50 simulated agents, and page latency at 1M mentions.

Run: .venv/bin/python bench/bench_http.py [--engine sqlite|postgresql|both] [--mentions 100000]
     [--agents 50] [--duration 60] [--think 1.0] [--workers N --threads N]
     .venv/bin/python bench/bench_http.py --latency [--mentions 1000000] [--requests 50]

Seeds a database (SQLite in bench/out, or a throwaway PostgreSQL cluster from tests/pg_server.py),
starts the real `earful serve` on a loopback port (gunicorn workers, no scheduler: the load is the
console's), signs in one user per agent and runs a shift's mix (bench/http_agents.py) for a bounded
time. The load generator runs on the same machine as the server, so both share its cores; the
server's and the generator's CPU time are reported beside the latencies.
`--latency` instead times each page alone (one agent, no think time) at the given size.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_agents import EXPECTED, Agent, Recorder, Sample  # noqa: E402
from bench.report import machine, write_section  # noqa: E402

OUT = ROOT / "bench" / "out"
EARFUL = Path(sys.executable).with_name("earful")
PASSWORD = "bench-password-1"
URGENCIES = [("critical", 0, 0.01), ("high", 1, 0.09), ("normal", 2, 0.3), ("low", 3, 0.6)]
STATUSES = [("new", 0.2), ("open", 0.1), ("waiting", 0.05), ("resolved", 0.6), ("ignored", 0.05)]
PLATFORMS = ["x", "reddit", "mastodon", "bluesky"]
TOPICS = ["network", "signal", "roaming", "invoice", "router", "app", "contract", "coverage"]
AUTHORS = 20_000
# The accounts' credential names (the scheduler is off: nothing is ever posted with them).
CREDENTIALS = {"x": ["bearer_token"], "reddit": ["client_id", "client_secret"],
               "mastodon": ["access_token"], "bluesky": ["app_password"]}
MENTION_COLUMNS = ("platform", "external_id", "text", "lang", "created_at", "fetched_at",
                   "author_id", "conversation_id", "sentiment", "complaint", "complaint_score",
                   "urgency", "urgency_rank", "urgency_score", "status", "sla_due_at", "url",
                   "classifier_version", "deleted")
AUTHOR_COLUMNS = ("platform", "external_id", "handle", "display_name", "followers", "verified",
                  "updated_at")


# --- data ---------------------------------------------------------------------------------------


def author_rows() -> Iterator[tuple[Any, ...]]:
    rng, start = random.Random(2), datetime(2025, 6, 1)
    for i in range(AUTHORS):
        yield (PLATFORMS[i % 4], str(i), f"user{i}", f"User {i}", rng.randint(0, 100_000), False,
               start)


def mention_rows(n: int) -> Iterator[tuple[Any, ...]]:
    """n mentions, one every 15 s, in conversations of four; every text contains "bill"."""
    rng, start = random.Random(3), datetime(2025, 6, 1)
    for i in range(n):
        created = start + timedelta(seconds=i * 15)
        urgency, rank, _ = rng.choices(URGENCIES, [u[2] for u in URGENCIES])[0]
        status = rng.choices(STATUSES, [s[1] for s in STATUSES])[0][0]
        complaint = urgency != "low" and rng.random() < 0.8
        due = created + timedelta(minutes=(30, 60, 240, 1440)[rank]) if complaint else None
        yield (PLATFORMS[i % 4], str(10**15 + i),
               f"mention {i} about the {TOPICS[i % 8]} and my bill", "en", created, created,
               i % AUTHORS + 1, f"c{i // 16}", "negative" if complaint else "neutral", complaint,
               0.9 if complaint else 0.1, urgency, rank, 0.5, status, due, "", "bench", False)


def _batches(rows: Iterator[tuple[Any, ...]], size: int = 50_000) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def seed_sqlite(path: Path, n: int) -> None:
    """A migrated SQLite file with n mentions, built once and copied for each run."""
    from earful.db import make_engine
    from earful.migrate import upgrade

    if path.exists():  # built before a newer migration: bring it to the head once
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        return
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{partial}")
    upgrade(engine)
    engine.dispose()
    with sqlite3.connect(partial) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executemany(_insert("authors", AUTHOR_COLUMNS, "?"), author_rows())
        for done, batch in enumerate(_batches(mention_rows(n)), 1):
            db.executemany(_insert("mentions", MENTION_COLUMNS, "?"), batch)
            print(f"  sqlite: {min(done * 50_000, n):,} mentions", file=sys.stderr, flush=True)
        db.execute("ANALYZE")
    with sqlite3.connect(partial) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    partial.rename(path)
    for leftover in ("-wal", "-shm"):  # empty once the last connection closed
        partial.with_name(partial.name + leftover).unlink(missing_ok=True)


def seed_postgresql(url: str, n: int) -> None:
    """Migrate and fill with COPY (the fast path for bulk rows), then ANALYZE."""
    from earful.db import make_engine
    from earful.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, columns, rows in (("authors", AUTHOR_COLUMNS, author_rows()),
                                     ("mentions", MENTION_COLUMNS, mention_rows(n))):
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for i, row in enumerate(rows, 1):
                    copy.write_row(row)
                    if i % 200_000 == 0:
                        print(f"  postgresql: {i:,} {table}", file=sys.stderr, flush=True)
        raw.commit()
        raw.driver_connection.autocommit = True  # VACUUM runs outside a transaction
        cursor.execute("VACUUM ANALYZE")
    finally:
        raw.close()
        engine.dispose()


def _insert(table: str, columns: tuple[str, ...], mark: str) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(mark for _ in columns)})")


def add_users(url: str, count: int) -> list[str]:
    """One agent user per simulated agent (werkzeug hashes: about 0.1 s each)."""
    from sqlalchemy import select

    from earful.db import make_engine, session_factory
    from earful.models import User
    from web.users import create_user

    engine = make_engine(url)
    names = [f"agent{i:03d}" for i in range(1, count + 1)]
    with session_factory(engine).begin() as session:
        have = set(session.scalars(select(User.username)))
        for name in names:
            if name not in have:
                create_user(session, name, PASSWORD, role="agent")
    engine.dispose()
    return names


# --- the server ---------------------------------------------------------------------------------


def write_settings(folder: Path, url: str, workers: int | None, threads: int | None) -> Path:
    """The repository's settings plus a local file: this database, no demo, brand accounts (so
    the composer can queue replies on every platform), and the worker counts if given."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "settings.toml", folder / "settings.toml")
    server = "".join(f"{key} = {value}\n" for key, value in
                     (("workers", workers), ("threads", threads)) if value)
    accounts = "".join(_account(platform) for platform in PLATFORMS)
    (folder / "settings.local.toml").write_text(
        f'[app]\ninstance_path = "{folder / "instance"}"\n\n[database]\nurl = "{url}"\n\n'
        f'[demo]\nenabled = "off"\n\n[server]\n{server}\n{accounts}')
    return folder / "settings.toml"


def _account(platform: str) -> str:
    names = ", ".join(f'{name} = "EARFUL_BENCH_TOKEN"' for name in CREDENTIALS[platform])
    return (f'[[accounts]]\nplatform = "{platform}"\nhandle = "LumenMobile"\n'
            f'base_url = "http://127.0.0.1:9"\ncredentials = {{ {names} }}\n\n')


class Server:
    """`earful serve` as a subprocess on a free loopback port (stopped with Ctrl-C's SIGINT)."""

    def __init__(self, settings: Path) -> None:
        self.settings, self.port = settings, _free_port()
        self.log = settings.with_name("serve.log")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "EARFUL_SETTINGS": str(self.settings),
               "EARFUL_BENCH_TOKEN": "not-used"}
        env.pop("EARFUL_DATABASE_URL", None)
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [str(EARFUL), "serve", "--no-scheduler", "--host", "127.0.0.1", "--port",
                 str(self.port)], env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                probe.request("GET", "/login")
                if probe.getresponse().status == 200:
                    return
            except OSError:
                pass  # not listening yet
            finally:
                probe.close()
            time.sleep(0.2)
        raise SystemExit(f"earful serve did not start; see {self.log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=60)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of a process and its descendants (from /proc; Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


# --- running ------------------------------------------------------------------------------------


def sign_in_all(port: int, names: list[str], mentions: int, recorder: Recorder,
                think: float) -> list[Agent]:
    agents = [Agent("127.0.0.1", port, name, PASSWORD, seed, mentions, recorder, think)
              for seed, name in enumerate(names)]
    for agent in agents:
        if not agent.sign_in():
            raise SystemExit(f"{agent.username} could not sign in")
    return agents


def load_run(port: int, names: list[str], mentions: int, duration: float, think: float,
             db_pid: int | None, server_pid: int) -> dict[str, Any]:
    """Every agent runs the shift; samples count only inside the window after a ramp-up."""
    recorder = Recorder()
    agents = sign_in_all(port, names, mentions, recorder, think)
    ramp = max(3.0, 2 * think)
    now = time.monotonic()
    recorder.start, recorder.end = now + ramp, now + ramp + duration
    threads = [threading.Thread(target=_staggered, args=(agent, i * think / len(agents),
                                                         recorder.end)) for i, agent in
               enumerate(agents)]
    for thread in threads:
        thread.start()
    time.sleep(ramp)
    cpu = (tree_cpu_seconds(server_pid), tree_cpu_seconds(db_pid) if db_pid else 0.0,
           _own_cpu())
    load_before = os.getloadavg()[0]
    time.sleep(duration)
    cpu_after = (tree_cpu_seconds(server_pid), tree_cpu_seconds(db_pid) if db_pid else 0.0,
                 _own_cpu())
    for thread in threads:
        thread.join()
    return {"samples": recorder.samples, "duration": duration,
            "server_cpu": cpu_after[0] - cpu[0], "db_cpu": cpu_after[1] - cpu[1],
            "generator_cpu": cpu_after[2] - cpu[2], "load": (load_before, os.getloadavg()[0]),
            "connections": sum(a.connections for a in agents)}


def _staggered(agent: Agent, delay: float, deadline: float) -> None:
    time.sleep(delay)
    agent.run(deadline)


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def is_error(sample: Sample) -> bool:
    return sample.status not in EXPECTED.get(sample.kind, {200})


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        value = values[0] if values else 0.0
        return value, value, value
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values), cuts[94], cuts[98]


def load_table(result: dict[str, Any]) -> list[str]:
    samples: list[Sample] = result["samples"]
    kinds = sorted({s.kind for s in samples}, key=lambda k: -sum(s.kind == k for s in samples))
    lines = []
    for kind in [*kinds, "all"]:
        chosen = [s for s in samples if kind in ("all", s.kind)]
        p50, p95, p99 = percentiles([s.ms for s in chosen])
        errors = sum(is_error(s) for s in chosen)
        lines.append(f"| {kind} | {len(chosen):,} | {len(chosen) / result['duration']:.1f} | "
                     f"{p50:.0f} | {p95:.0f} | {p99:.0f} | {errors} |")
    return lines


def summary(result: dict[str, Any]) -> str:
    samples = result["samples"]
    per_request = 1000 * result["server_cpu"] / max(1, len(samples))
    db = f", PostgreSQL {result['db_cpu'] / result['duration']:.2f}" if result["db_cpu"] else ""
    return (f"CPU cores busy: server {result['server_cpu'] / result['duration']:.2f}{db}, load "
            f"generator {result['generator_cpu'] / result['duration']:.2f}; server CPU "
            f"{per_request:.1f} ms a request; {result['connections']} connections opened for "
            f"{len(samples):,} requests; load average {result['load'][0]:.2f} at the start, "
            f"{result['load'][1]:.2f} at the end")


def with_engine(engine: str, mentions: int, workers: int | None, threads: int | None,
                users: int, run: Any) -> Any:
    """Seed the engine's database, start `earful serve` on it, call run(server, names, db_pid)."""
    folder = OUT / f"http-{engine}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pg = None
    server = None
    try:
        if engine == "sqlite":
            template = OUT / f"http-sqlite-{mentions}.db"
            seed_sqlite(template, mentions)
            shutil.copy(template, folder / "earful.db")
            url, db_pid = f"sqlite:///{folder / 'earful.db'}", None
        else:
            from tests.pg_server import ThrowawayPostgres

            pg = ThrowawayPostgres()
            pg.start()  # stopped below whatever fails after this
            _create_database(pg.server_url, "earful_bench")
            url = pg.url("earful_bench")
            seed_postgresql(url, mentions)
            db_pid = int((pg.folder / "data" / "postmaster.pid").read_text().split()[0])
        started = time.monotonic()
        names = add_users(url, users)
        print(f"  {users} users in {time.monotonic() - started:.1f} s", file=sys.stderr)
        server = Server(write_settings(folder, url, workers, threads))
        server.start()
        return run(server, names, db_pid)
    finally:
        if server is not None:
            server.stop()
        if pg is not None:
            pg.stop()


def _create_database(server_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()


def versions(engines: list[str]) -> str:
    parts = [f"SQLite {sqlite3.sqlite_version}"] if "sqlite" in engines else []
    if "postgresql" in engines:
        from tests.pg_server import server_bindir

        out = subprocess.run([str(server_bindir() / "postgres"), "--version"],
                             capture_output=True, text=True).stdout
        found = re.search(r"\d+\.\d+", out)
        parts.append(f"PostgreSQL {found.group(0) if found else '?'}")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{machine()}, {memory:.0f} GB RAM, {', '.join(parts)}"


# --- the two modes ------------------------------------------------------------------------------


def load_mode(args: argparse.Namespace, engines: list[str]) -> None:
    tables = []
    for engine in engines:
        print(f"== {engine}: {args.mentions:,} mentions, {args.agents} agents, "
              f"{args.duration:.0f} s", file=sys.stderr)

        def run(server: Server, names: list[str], db_pid: int | None) -> dict[str, Any]:
            assert server.process is not None
            return load_run(server.port, names, args.mentions, args.duration, args.think,
                            db_pid, server.process.pid)

        result = with_engine(engine, args.mentions, args.workers, args.threads, args.agents, run)
        lines = load_table(result)
        print("\n".join([f"-- {engine}", *lines, summary(result)]))
        tables.append(f"**{engine}** ({summary(result)}):\n\n| request | count | per s | p50 ms "
                      f"| p95 ms | p99 ms | errors |\n| --- | ---: | ---: | ---: | ---: | ---: "
                      f"| ---: |\n" + "\n".join(lines) + "\n")
    if args.write:
        workers = (f" --workers {args.workers}" if args.workers else "") + \
            (f" --threads {args.threads}" if args.threads else "")
        write_section("Console under load (HTTP, simulated agents)", f"""
Command: `.venv/bin/python bench/bench_http.py --engine {args.engine} --mentions {args.mentions}
--agents {args.agents} --duration {args.duration:.0f}{workers}` ({versions(engines)}).
The real `earful serve` (gunicorn, [server] settings; scheduler off) on a loopback port with
{args.mentions:,} mentions; {args.agents} agents, each its own user and keep-alive connection,
{args.think:g} s mean think time, a shift's mix (bench/http_agents.py `MIX`): inbox pages and their
next page (keyset cursor), searches for a word in every mention ("bill") and a rare one, opening
conversations, presence pings, replies through the composer (then the page again). The load
generator runs on the same machine. Target: p95 < 300 ms, no errors.

{chr(10).join(tables)}
""")


def latency_mode(args: argparse.Namespace, engines: list[str]) -> None:
    pages = {
        "inbox, default view": "/",
        "inbox, every status and label": "/?status=any&complaint=any",
        "search, a word in every mention (bill), every status": "/?q=bill&status=any&complaint=any",
        "search, a word in every mention (bill), default view": "/?q=bill",
        "search, a word in one mention": f"/?q={args.mentions // 2 + 7}&status=any&complaint=any",
    }
    rows: dict[str, dict[str, tuple[float, float]]] = {}
    for engine in engines:
        def run(server: Server, names: list[str], _db_pid: int | None,
                engine: str = engine) -> None:
            recorder = Recorder(start=0.0, end=float("inf"))
            agent = Agent("127.0.0.1", server.port, names[0], PASSWORD, 1, args.mentions,
                          recorder, 0.0)
            if not agent.sign_in():
                raise SystemExit("could not sign in")
            rng = random.Random(9)
            for label, path in pages.items():
                rows.setdefault(label, {})[engine] = _timed(agent, recorder, [path] * 3,
                                                            [path] * args.requests)
            ids = [f"/conversations/{rng.randint(1, args.mentions)}"
                   for _ in range(args.requests + 3)]
            rows.setdefault("conversation (random mention)", {})[engine] = _timed(
                agent, recorder, ids[:3], ids[3:])

        with_engine(engine, args.mentions, args.workers, args.threads, 1, run)
    header = " | ".join(f"{e} median ms | {e} p95 ms" for e in engines)
    lines = [f"| {label} | " + " | ".join(f"{r[e][0]:.1f} | {r[e][1]:.1f}" for e in engines)
             + " |" for label, r in rows.items()]
    print("\n".join(lines))
    if args.write:
        write_section(f"Console latency at {args.mentions:,} mentions (HTTP)", f"""
Command: `.venv/bin/python bench/bench_http.py --latency --engine {args.engine} --mentions
{args.mentions} --requests {args.requests}` ({versions(engines)}; load average
{os.getloadavg()[0]:.2f} at the end). One signed-in client, one request at a time over a kept-alive
connection to the real `earful serve`: the whole request, templates and network included. Target:
under 100 ms, search for a word in every mention included.

| page | {header} |
| --- |{" ---: | ---: |" * len(engines)}
{chr(10).join(lines)}
""")


def _timed(agent: Agent, recorder: Recorder, warm: list[str],
           paths: list[str]) -> tuple[float, float]:
    for path in warm:
        agent.request("warm", "GET", path)
    recorder.samples.clear()
    for path in paths:
        status, _, _ = agent.request("page", "GET", path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    values = [s.ms for s in recorder.samples]
    return statistics.median(values), percentiles(values)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--latency", action="store_true",
                        help="time each page alone (default size then 1,000,000)")
    parser.add_argument("--mentions", type=int, default=None)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--requests", type=int, default=50, help="--latency: per page")
    parser.add_argument("--workers", type=int, default=None, help="default: [server] workers")
    parser.add_argument("--threads", type=int, default=None, help="default: [server] threads")
    parser.add_argument("--no-write", dest="write", action="store_false",
                        help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    args.mentions = args.mentions or (1_000_000 if args.latency else 100_000)
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    OUT.mkdir(exist_ok=True)
    (latency_mode if args.latency else load_mode)(args, engines)


if __name__ == "__main__":
    main()
