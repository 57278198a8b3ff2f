"""Writing a benchmark's section into docs/benchmarks.md (each script owns one section)."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = ("# Benchmarks\n\nEvery figure here is written by a command in `bench/` "
          "(`make bench` runs them all). Re-run them on your machine before you rely on them.\n")


def machine() -> str:
    return (f"{platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} CPU(s), {platform.machine()}, "
            f"measured {datetime.now(UTC).strftime('%Y-%m-%d')}")


def write_section(title: str, body: str) -> None:
    """Replace (or append) the `## title` section of docs/benchmarks.md."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    section = f"## {title}\n\n{body.strip()}\n\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.M | re.S)
    text = pattern.sub(lambda _m: section, text) if pattern.search(text) else \
        text.rstrip() + "\n\n" + section
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text.rstrip() + "\n", encoding="utf-8")
