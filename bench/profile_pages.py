"""Where a console request's CPU goes: cProfile over the common pages, in-process.

Run: .venv/bin/python bench/profile_pages.py [--db bench/out/http-sqlite-100000.db] [--page inbox]
     [--requests 200] [--sql | --time]
Uses the database bench/bench_http.py seeds; requests go through the Flask app (test client),
signed in, so the profile holds the app's own work (routing, sessions, user loading, queries,
templates) and none of gunicorn's. `--sql` lists the statements each page runs instead, and
`--time` prints each page's median time and CPU time a request, without the profiler.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = {
    "inbox": "/",
    "search_common": "/?q=bill",
    "search_rare": "/?q=51234&status=any&complaint=any",
    "conversation": "/conversations/{id}",
    "presence": "POST /conversations/{id}/presence",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "http-sqlite-100000.db"))
    parser.add_argument("--url", default="", help="a database URL instead (e.g. PostgreSQL "
                        "seeded by bench_http.seed_postgresql); used in place, not copied")
    parser.add_argument("--page", choices=[*PAGES, "all"], default="all")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sql", action="store_true", help="count statements per page")
    parser.add_argument("--time", action="store_true", help="median and CPU ms a request")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    from sqlalchemy import event, select

    from earful.db import make_engine, session_factory
    from earful.models import User
    from earful.runtime import Runtime
    from earful.settings import load_settings
    from web import create_app
    from web.users import create_user

    url = args.url
    if not url:
        work = ROOT / "bench" / "out" / "profile.db"
        shutil.copy(args.db, work)
        url = f"sqlite:///{work}"
    out = ROOT / "bench" / "out" / "profile-instance"
    settings = load_settings(overrides={"app": {"instance_path": str(out)},
                                        "demo": {"enabled": "off"}})
    engine = make_engine(url)
    rt = Runtime(settings=settings, engine=engine, sessions=session_factory(engine))
    with rt.sessions.begin() as session:
        if session.scalar(select(User.id).where(User.username == "profiler")) is None:
            create_user(session, "profiler", "profile-password", role="agent")
    app = create_app(rt=rt, config={"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"username": "profiler", "password": "profile-password"})
    statements: list[str] = []
    if args.sql:
        event.listen(engine, "before_cursor_execute",
                     lambda *a: statements.append(a[2].split("\n")[0][:100]))
    for name, page in PAGES.items():
        if args.page not in ("all", name):
            continue
        method, _, path = page.rpartition(" ")
        method, path = method or "GET", path.format(id=1234)

        def call(path: str = path, method: str = method) -> Any:
            return client.open(path, method=method,
                               json={"state": "viewing"} if method == "POST" else None)
        call()
        statements.clear()
        if args.sql:
            call()
            print(f"== {name}: {len(statements)} statements")
            print("\n".join(f"   {s}" for s in statements))
            continue
        if args.time:
            print(f"{name}: {_timed(call, args.requests)}")
            continue
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for _ in range(args.requests):
            response = call()
            assert response.status_code == 200, (name, response.status_code)
        profile.disable()
        each = (time.perf_counter() - started) * 1000 / args.requests
        print(f"== {name}: {each:.1f} ms a request (under the profiler)")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
    engine.dispose()


def _timed(call: Any, count: int) -> str:
    samples, cpu = [], time.process_time()
    for _ in range(count):
        started = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    cpu_ms = (time.process_time() - cpu) * 1000 / count
    return f"median {statistics.median(samples):.1f} ms, CPU {cpu_ms:.1f} ms a request"


if __name__ == "__main__":
    main()
