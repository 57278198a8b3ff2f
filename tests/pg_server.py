"""A throwaway PostgreSQL cluster on a free loopback port, for the tests and the benchmarks.

`make test` makes sure the server binaries are installed (apt, like Chromium); this module only
starts a cluster in a temporary folder and stops it. Durability is off (fsync, synchronous commit):
the data lives as long as the test session. As root, initdb and postgres refuse to run, so they
run as the `postgres` user the Debian package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


class PostgresMissing(RuntimeError):
    """The PostgreSQL server binaries are not installed (run `make test`, which installs them)."""


def server_bindir() -> Path:
    """The newest installed PostgreSQL server's bin folder (Debian keeps them versioned)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresMissing("PostgreSQL server binaries not found; `make test` installs them "
                          "(apt-get install postgresql)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ThrowawayPostgres:
    """One cluster: `start()` returns a server URL without a database name; `stop()` removes it.

    The cluster lives in its own folder under the system temporary folder (not pytest's, whose
    parents are private to root, so the `postgres` user could not reach it).
    """

    port: int = 0
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="earful-pg-")))

    def _run(self, *argv: str) -> None:
        command = list(argv)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(argv[0]).name} failed: {done.stderr.strip() or done.stdout}")

    def start(self) -> str:
        bindir = server_bindir()
        self.port = self.port or _free_port()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        self._run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--no-locale", "--no-sync")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=300")
        self._run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"),
                  "-w", "start", "-o", options)
        return self.server_url

    @property
    def server_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def url(self, database: str) -> str:
        return f"{self.server_url}/{database}"

    def stop(self) -> None:
        data = self.folder / "data"
        if data.exists():
            try:
                self._run(str(server_bindir() / "pg_ctl"), "-D", str(data), "-m", "immediate",
                          "-w", "stop")
            except RuntimeError:
                pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)
