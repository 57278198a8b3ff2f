"""JSON Lines in, JSON Lines out, in batches with constant memory (`earful classify`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO, TextIO

from classifier.labels import Model, TextInput

DEFAULT_BATCH = 256


@dataclass
class StreamStats:
    """What a run did: lines labelled and lines answered with an error."""

    labelled: int = 0
    errors: int = 0


def parse_line(raw: bytes) -> tuple[Any, TextInput | None, str | None]:
    """(id, input, None) for a good line, (id or None, None, message) for a bad one."""
    try:
        obj = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, None, "line is not valid UTF-8"
    except ValueError as exc:
        return None, None, f"line is not valid JSON: {exc.msg}"
    if not isinstance(obj, dict):
        return None, None, "line is not a JSON object"
    ident = obj.get("id")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return ident, None, "missing or empty \"text\""
    lang = obj.get("lang")
    if lang is not None and (not isinstance(lang, str) or not lang.strip()):
        return ident, None, "\"lang\" must be a non-empty string"
    followers = obj.get("author_followers")
    if followers is not None and (isinstance(followers, bool) or not isinstance(followers, int)):
        return ident, None, "\"author_followers\" must be an integer"
    contacts = obj.get("recent_contacts", 0)
    if isinstance(contacts, bool) or not isinstance(contacts, int):
        return ident, None, "\"recent_contacts\" must be an integer"
    item = TextInput(text=text, lang=lang.strip().lower() if lang else None,
                     author_followers=followers, recent_contacts=contacts)
    return ident, item, None


def _dump(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": ")) + "\n"


def classify_stream(model: Model, lines: Iterable[bytes], out: TextIO | BinaryIO,
                    batch_size: int = DEFAULT_BATCH) -> StreamStats:
    """Label every non-blank line, writing one object per line in input order."""
    stats = StreamStats()
    pending: list[tuple[Any, TextInput | None, str | None]] = []

    def flush() -> None:
        items = [item for _, item, _ in pending if item is not None]
        labels = iter(model.predict(items))
        for ident, item, error in pending:
            if item is None:
                record = {"id": ident, "error": error}
                stats.errors += 1
            else:
                record = {"id": ident, **next(labels).to_dict()}
                stats.labelled += 1
            text = _dump(record)
            out.write(text.encode("utf-8") if _is_binary(out) else text)  # type: ignore[arg-type]
        out.flush()
        pending.clear()

    for raw in lines:
        if not raw.strip():
            continue
        pending.append(parse_line(raw))
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
    return stats


def _is_binary(out: TextIO | BinaryIO) -> bool:
    return "b" in getattr(out, "mode", "") or not hasattr(out, "encoding")
