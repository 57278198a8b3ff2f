"""The suite's network guard: anything beyond 127.0.0.1 is refused and fails the run."""

from __future__ import annotations

import socket

import pytest

from tests import conftest


def test_connections_beyond_loopback_are_refused() -> None:
    before = len(conftest._blocked)
    with socket.socket() as sock, pytest.raises(OSError, match="must stay on 127.0.0.1"):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routable anyway
    with pytest.raises(OSError, match="must stay on 127.0.0.1"):
        socket.getaddrinfo("api.twitter.com", 443)
    assert len(conftest._blocked) == before + 2
    del conftest._blocked[before:]  # this test's own attempts must not fail the run


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.socket() as client:
            client.connect(server.getsockname())
