"""`earful serve`: the console under gunicorn (several worker processes, threads each); the
scheduler runs in its own `earful worker` process beside it (web/cli_worker.py), never in a
process gunicorn forks from, and only while that worker holds the scheduler lock
(earful/leadership.py), so exactly one process runs the jobs however many are started.

The master builds the runtime, then forks the workers, which inherit the loaded app (and the
classifier's arrays, shared copy-on-write). A forked worker must not
reuse the master's database connections: each drops the pool it inherited (`post_fork`).
`earful serve --dev` keeps werkzeug's development server with its reloader instead.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from earful.runtime import Runtime
from earful.settings import ServerSettings


class ConsoleServer(BaseApplication):  # type: ignore[misc]
    """A gunicorn application serving an already built Flask app."""

    def __init__(self, app: Flask, rt: Runtime, server: ServerSettings, bind: str) -> None:
        self.app, self.rt, self.server, self.bind = app, rt, server, bind
        super().__init__()

    def load_config(self) -> None:
        options = {
            "bind": self.bind, "workers": self.server.workers, "threads": self.server.threads,
            "worker_class": "gthread", "keepalive": self.server.keepalive_seconds,
            "timeout": self.server.timeout_seconds, "graceful_timeout": 5,
            "accesslog": None, "errorlog": "-", "loglevel": "warning",
            "post_fork": self._post_fork, "proc_name": "earful",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.app

    def _post_fork(self, _arbiter: Any, _worker: Any) -> None:
        """Connections belong to the process that opened them: start with an empty pool."""
        self.rt.engine.dispose(close=False)
