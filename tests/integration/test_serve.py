"""`earful serve` as a user runs it: one process, console + scheduler, demo, Ctrl-C, restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
EARFUL = Path(sys.executable).with_name("earful")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(folder: Path, port: int) -> subprocess.Popen[str]:
    """Start `earful serve`; its output goes to a file (a full pipe would block the server)."""
    env = {**os.environ, "EARFUL_SETTINGS": str(folder / "settings.toml"),
           "EARFUL_ADMIN_PASSWORD": "demo-password-1"}
    env.pop("EARFUL_DATABASE_URL", None)
    for args in (["db", "upgrade"], ["users", "ensure-admin"]):
        subprocess.run([str(EARFUL), *args], env=env, check=True, capture_output=True)
    with (folder / "serve.log").open("a") as log:  # the child keeps its own copy of the fd
        return subprocess.Popen([str(EARFUL), "serve", "--port", str(port)], env=env,
                                stdout=log, stderr=subprocess.STDOUT, text=True)


def _stop(server: subprocess.Popen[str], folder: Path) -> str:
    """Ctrl-C, as a user would; return what the server printed."""
    server.send_signal(signal.SIGINT)
    server.wait(timeout=30)
    return (folder / "serve.log").read_text()


def _signed_in(base: str) -> requests.Session:
    client = requests.Session()
    page = client.get(f"{base}/login", timeout=5).text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(f"{base}/login", data={"username": "admin", "password": "demo-password-1",
                                       "csrf_token": token}, timeout=5)
    return client


def _wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Wait for a real server process (the one place a test waits on a real clock)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the server")


def _count(folder: Path) -> int:
    import sqlite3

    with sqlite3.connect(folder / "instance" / "earful.db") as db:
        return int(db.execute("select count(*) from mentions").fetchone()[0])


def _live_beats(folder: Path) -> int:
    import sqlite3

    with sqlite3.connect(folder / "instance" / "earful.db") as db:
        return int(db.execute("select count(*) from mentions where platform = 'demo' and "
                              "external_id not like 'history-%'").fetchone()[0])


def test_serve_runs_the_demo_stops_on_ctrl_c_and_restarts_without_duplicates(
        tmp_path: Path) -> None:
    settings = (ROOT / "settings.toml").read_text()
    # Play the scenario fast so the whole replay fits in a few seconds.
    settings = settings.replace("speed = 1.0", "speed = 40.0").replace(
        "interval_seconds = 2", "interval_seconds = 1")
    (tmp_path / "settings.toml").write_text(settings)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start(tmp_path, port)
    try:
        _wait_for(lambda: requests.get(f"{base}/login", timeout=2).status_code == 200)
        client = _signed_in(base)
        assert client.get(f"{base}/", timeout=5).status_code == 200
        _wait_for(lambda: _live_beats(tmp_path) >= 5)  # the scenario is being replayed
    finally:
        output = _stop(server, tmp_path)
    assert server.returncode == 0, output
    assert "DEMO source" in output
    assert "4 worker process(es)" in output and "the scheduler in its own process" in output
    assert "stopped" in output
    stored = _count(tmp_path)
    assert stored > 14 * 20  # the back-filled history plus live beats
    server = _start(tmp_path, port)
    try:
        _wait_for(lambda: requests.get(f"{base}/login", timeout=2).status_code == 200)
    finally:
        output = _stop(server, tmp_path)
    assert server.returncode == 0, output
    import sqlite3

    with sqlite3.connect(tmp_path / "instance" / "earful.db") as db:
        duplicates = db.execute("select count(*) from (select platform, external_id from "
                                "mentions group by 1, 2 having count(*) > 1)").fetchone()[0]
    assert duplicates == 0
    assert _count(tmp_path) >= stored  # continued, nothing re-imported as new rows
