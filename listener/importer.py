"""`earful import`: JSON Lines through the one ingest path, in batches, one transaction each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from earful.db import writing
from earful.runtime import Runtime
from listener.ingest import IngestResult, ingest
from listener.jsonl import BadLine, read_records
from listener.records import MentionRecord


@dataclass
class ImportReport:
    result: IngestResult = field(default_factory=IngestResult)
    bad_lines: list[BadLine] = field(default_factory=list)


def import_file(rt: Runtime, path: Path, batch_size: int = 500,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import every good line of `path`; bad lines are collected with their numbers."""
    report = ImportReport()
    sla = rt.sla
    batch: list[MentionRecord] = []
    last_line = 0

    def flush() -> None:
        with writing(rt.sessions) as session:
            report.result.merge(ingest(session, batch, model=rt.model, sla=sla,
                                       max_text_chars=rt.settings.listener.max_text_chars))
        batch.clear()

    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, item in read_records(handle):
            if progress is not None:
                progress(number - last_line)
            last_line = number
            if isinstance(item, BadLine):
                report.bad_lines.append(item)
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
    if batch:
        flush()
    return report
