"""docs/model-card.md: the evaluation table is written between markers, the prose is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

START = "<!-- earful-evaluate:start -->"
END = "<!-- earful-evaluate:end -->"


def markers(key: str = "evaluate") -> tuple[str, str]:
    """The comment markers around a generated block (`evaluate`: the fast model's table)."""
    return f"<!-- earful-{key}:start -->", f"<!-- earful-{key}:end -->"


def metrics_block(table: str, meta: dict[str, Any], when: str, key: str = "evaluate",
                  note: str = "") -> str:
    """The generated block: which model, when, and the table."""
    start, end = markers(key)
    if key != "evaluate":
        return (f"{start}\nModel `{meta.get('version', '?')}` (scikit-learn "
                f"{meta.get('sklearn_version', '?')}), evaluated {when} by "
                f"`earful evaluate --accurate`. {note}\n\n{table}\n{end}")
    return (f"{START}\nModel `{meta.get('version', '?')}` (scikit-learn "
            f"{meta.get('sklearn_version', '?')}), evaluated {when} by `earful evaluate`.\n\n"
            f"{table}\n{END}")


def write_metrics(path: Path, block: str, key: str = "evaluate") -> None:
    """Replace the block between the markers, or append it when the card has none."""
    title = "## Metrics" if key == "evaluate" else "## Metrics: accurate mode"
    write_section(path, block, key, title)


def section_block(key: str, intro: str, table: str) -> str:
    """A generated block of any kind: a sentence or two, then the table, between markers."""
    start, end = markers(key)
    return f"{start}\n{intro}\n\n{table}\n{end}"


def write_section(path: Path, block: str, key: str, title: str) -> None:
    """Replace the `key` block between its markers, or append it under `title` when absent."""
    path = Path(path)
    start, end = markers(key)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Model card\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + f"\n\n{title}\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
