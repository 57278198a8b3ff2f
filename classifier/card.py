"""docs/model-card.md: the evaluation table is written between markers, the prose is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

START = "<!-- earful-evaluate:start -->"
END = "<!-- earful-evaluate:end -->"


def metrics_block(table: str, meta: dict[str, Any], when: str) -> str:
    """The generated block: which model, when, and the table."""
    return (f"{START}\nModel `{meta.get('version', '?')}` (scikit-learn "
            f"{meta.get('sklearn_version', '?')}), evaluated {when} by `earful evaluate`.\n\n"
            f"{table}\n{END}")


def write_metrics(path: Path, block: str) -> None:
    """Replace the block between the markers, or append it when the card has none."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Model card\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n## Metrics\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
