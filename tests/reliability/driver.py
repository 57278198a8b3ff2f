"""A poll or a dispatch run in a child process that SIGKILLs itself at a chosen point.

The config (a JSON file) names the job (`poll` or `dispatch`), the database URL, the fake
platform's base URL, the frozen time and the kill point: a function (`module:attribute` or
`module:Class.method`) and whether to die just before or just after its nth call. The wrapper is
installed here, in the child; production code carries no test hook.

`python -m tests.reliability.driver CONFIG.json` runs one job. `--serve` starts a warm driver:
it imports everything and loads the classifier once, then for each config path read from stdin
forks a fresh process that runs the job (and dies where told), and answers one JSON line with how
that process ended (`{"signal": 9}` when killed). Forking from a warm driver without threads
costs milliseconds where a new interpreter costs two seconds, so every kill point runs on both
databases within the suite's time.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import signal
import sys
import time
import traceback
from datetime import datetime
from typing import Any

from earful import runtime
from earful.clock import FrozenClock, set_clock
from earful.db import make_engine, session_factory
from earful.runtime import Runtime
from earful.settings import AccountSettings, SourceSettings, load_settings

SOURCE = "x-brand"
BRAND = "LumenMobile"
X_CREDENTIALS = {"bearer_token": "test-bearer", "consumer_key": "ck", "consumer_secret": "cs",
                 "access_token": "at", "access_token_secret": "ats"}


def x_source() -> SourceSettings:
    """The source both the child and the test configure (the same name, query and account)."""
    return SourceSettings(name=SOURCE, platform="x", account=BRAND, queries=["lumen"],
                          mentions=False)


def x_account() -> AccountSettings:
    return AccountSettings(platform="x", handle=BRAND)


def x_adapter(base_url: str) -> Any:
    """A real tweepy client against the fake; user context, so it can post and look back."""
    from listener.platforms.x import XAdapter, make_client

    return XAdapter(make_client(X_CREDENTIALS, base_url), own_handles=[BRAND], user_auth=True)


def source_for(platform: str, base_url: str) -> SourceSettings:
    """The polled source on each platform's fake (named SOURCE whatever the platform)."""
    if platform == "x":
        return x_source()
    if platform == "reddit":
        return SourceSettings(name=SOURCE, platform="reddit", account="brandbot",
                              own_subreddits=["LumenMobile"], mentions=False)
    if platform == "mastodon":
        return SourceSettings(name=SOURCE, platform="mastodon", account="lumen",
                              base_url=base_url, mentions=True)
    return SourceSettings(name=SOURCE, platform="bluesky", account="lumen.bsky.social",
                          base_url=base_url, mentions=True)


def reader_for(platform: str, base_url: str) -> Any:
    """The real client library of `platform`, pointed at its fake."""
    if platform == "x":
        return x_adapter(base_url)
    if platform == "reddit":
        from listener.platforms.reddit import RedditAdapter, make_reddit

        reddit, limits = make_reddit({"client_id": "cid", "client_secret": "secret",
                                      "username": "brandbot", "password": "pw"}, base_url,
                                     "python:earful-tests:0.1 (by /u/brandbot)")
        return RedditAdapter(reddit, limits=limits, own_handles=["brandbot"])
    if platform == "mastodon":
        from mastodon import Mastodon

        from listener.platforms.mastodon import MastodonAdapter

        return MastodonAdapter(Mastodon(access_token="masto-token", api_base_url=base_url))
    from listener.platforms.bluesky import BlueskyAdapter, make_client

    return BlueskyAdapter(make_client(base_url), identifier="lumen.bsky.social",
                          password="app-password")


def kill_at(target: str, when: str, call: int) -> None:
    """Replace `target` with a wrapper that SIGKILLs this process before/after its nth call."""
    module_name, _, path = target.partition(":")
    owner: Any = importlib.import_module(module_name)
    *parents, name = path.split(".")
    for part in parents:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    calls = 0

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if when == "before" and calls == call:
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        if when == "after" and calls == call:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(owner, name, wrapper)


_MODEL: Any = None


def build_runtime(config: dict[str, Any]) -> Runtime:
    settings = load_settings(overrides={"app": {"instance_path": config["instance"]}})
    platform, base_url = config.get("platform", "x"), config["base_url"]
    settings.sources = [source_for(platform, base_url)]
    settings.accounts = [x_account()]
    engine = make_engine(config["database"])
    return Runtime(settings=settings, engine=engine, sessions=session_factory(engine),
                   model=_model() if config["job"] == "poll" else None,
                   readers={SOURCE: reader_for(platform, base_url)},
                   publishers={"x": x_adapter(base_url)})


def _model() -> Any:
    global _MODEL
    if _MODEL is None:
        from classifier import load_model

        _MODEL = load_model()
    return _MODEL


def run(path: str) -> dict[str, Any]:
    """Run the job a config file describes (dying where it says); return its outcome."""
    with open(path, encoding="utf-8") as handle:
        config = json.load(handle)
    set_clock(FrozenClock(datetime.fromisoformat(config["now"])))
    time.sleep = lambda *_: None  # prawcore paces its requests; the tests never wait
    rt = build_runtime(config)
    runtime.install(rt)
    kill = config.get("kill")
    if kill:
        kill_at(kill["target"], kill["when"], kill["call"])
    if config["job"] == "poll":
        from listener.jobs import poll

        outcome = poll(SOURCE, force=True)
        return {"status": outcome.status, "message": outcome.message}
    from responder.dispatch import dispatch

    return {"outcomes": dispatch(rt).outcomes}


def serve() -> None:
    """The warm driver: fork one process per config path read from stdin (see the docstring)."""
    import listener.jobs  # noqa: F401  (imported once, before any fork)
    import responder.dispatch  # noqa: F401
    from classifier import TextInput

    # The first prediction loads the language models lazily: pay it once, not in every child.
    _model().predict([TextInput(text="lumen: no signal since this morning", lang=None,
                                author_followers=None, recent_contacts=0)])
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                print(json.dumps(run(line.strip())), file=sys.stderr, flush=True)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                          "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None}),
              flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve()
    else:
        print(json.dumps(run(sys.argv[1])))
