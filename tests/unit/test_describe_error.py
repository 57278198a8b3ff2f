"""describe_error: a failed request as one line of plain words, not urllib3's chain."""

from __future__ import annotations

import socket

import httpx
import pytest
import requests

from listener.platforms.base import describe_error


def _refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_connection_through_requests() -> None:
    port = _refused_port()
    with pytest.raises(requests.RequestException) as caught:
        requests.get(f"http://127.0.0.1:{port}/2/tweets?token=secret", timeout=5)
    assert describe_error(caught.value) == (
        f"cannot reach http://127.0.0.1:{port}/2/tweets: connection refused")


def test_a_refused_connection_through_httpx() -> None:
    port = _refused_port()
    with pytest.raises(httpx.HTTPError) as caught:
        httpx.get(f"http://127.0.0.1:{port}/xrpc/x")
    assert describe_error(caught.value) == (
        f"cannot reach http://127.0.0.1:{port}/xrpc/x: connection refused")


def test_a_wrapped_cause_and_other_errors_stay_one_line() -> None:
    try:
        try:
            raise TimeoutError("read timed out")
        except TimeoutError as inner:
            raise RuntimeError("Could not complete request:\n  long\n  chain") from inner
    except RuntimeError as exc:
        assert describe_error(exc) == "network error: timed out"
    assert describe_error(ValueError("bad\n\njson <a.B object at 0x7f00>: x")) == "bad json x"
