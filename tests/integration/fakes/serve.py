"""Serve a WSGI app (a fake platform API) on 127.0.0.1:<free port> in a daemon thread.

Also the pieces every fake shares for scripting a post (`PostScript`, `drop_connection`).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Response, request
from werkzeug.serving import make_server

# Text containing this marker is served with invalid UTF-8 bytes in its place (see
# `serve_invalid_utf8`): a platform's encoder never writes them, but a proxy or a buggy server may.
INVALID_UTF8_MARKER = "~~invalid-utf8~~"
INVALID_UTF8_BYTES = b"\xff\xc3("

# What `script_post(mode)` accepts; a fake lists the modes its platform has in `POST_MODES`.
ALL_POST_MODES = frozenset({"accept_then_500", "accept_then_drop", "500", "429", "duplicate",
                            "forbidden"})


@contextmanager
def serve_wsgi(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Yield the base URL of `app` served locally; stop it afterwards."""
    server = make_server(host, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def refusing_url(host: str = "127.0.0.1") -> str:
    """The base URL of a port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port = sock.getsockname()[1]
    return f"http://{host}:{port}"


class PostScript:
    """The scripted answers to the next post requests, one mode each, in order."""

    def __init__(self, supported: frozenset[str]) -> None:
        self.supported = supported
        self._modes: list[str] = []
        self._lock = threading.Lock()

    def add(self, mode: str) -> None:
        """Script the next post request; a mode the platform has no equivalent for is a no-op."""
        if mode not in ALL_POST_MODES:
            raise ValueError(f"unknown post mode {mode!r}; one of {sorted(ALL_POST_MODES)}")
        if mode in self.supported:
            with self._lock:
                self._modes.append(mode)

    def take(self) -> str | None:
        """The mode for the post request being answered now (None: answer normally)."""
        with self._lock:
            return self._modes.pop(0) if self._modes else None


def serve_invalid_utf8(app: Any) -> None:
    """Make `app` answer invalid UTF-8 bytes wherever a text holds `INVALID_UTF8_MARKER`."""
    marker = INVALID_UTF8_MARKER.encode()

    @app.after_request
    def _corrupt(response: Response) -> Response:
        if response.direct_passthrough or not response.mimetype.endswith("json"):
            return response
        body = response.get_data()
        if marker in body:
            response.set_data(body.replace(marker, INVALID_UTF8_BYTES))
        return response


def drop_connection() -> Response:
    """Close the client's connection without an answer (after the request body was read).

    The client sees a connection error at once, as when a proxy or the network fails after the
    platform accepted the post; werkzeug's write of the returned response then fails quietly.
    """
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    return Response(status=500)
