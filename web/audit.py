"""The audit log helper every console action calls.

It depends on the core only (no Flask, no web.auth), so any module, sign-in included, can import
it without an import cycle; the admin page that reads the log is web.audit_log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import AuditLog


def _plain(value: Any) -> Any:
    """Make a detail JSON-safe: dates as ISO text, sets as sorted lists, unknowns as str."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    return str(value)


def audit(session: Session, user_id: int | None, action: str, target_type: str = "",
          target_id: Any = "", **details: Any) -> AuditLog:
    """Record an action in the caller's session (committed with the change it describes)."""
    entry = AuditLog(at=now(), user_id=user_id, action=action[:60],
                     target_type=target_type[:40],
                     target_id="" if target_id is None else str(target_id)[:80],
                     details=_plain(details) if details else None)
    session.add(entry)
    return entry
