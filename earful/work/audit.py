"""Audit entries: every change of work state records who did what, in the same transaction.

The console, the CLI and the jobs all call `audit`; the admin page that reads the log is
web.audit_log. `apply_changes` is the edit-and-audit step of the settings-like CRUD pages.
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


def apply_changes(session: Session, user_id: int | None, row: Any, values: dict[str, Any],
                  action: str, target_type: str, *, extra: dict[str, Any] | None = None,
                  **details: Any) -> dict[str, Any]:
    """Set the fields that differ and audit them as {field: [old, new]} (plus `extra`, changes
    made outside `values`); return what changed. Nothing changed: no audit entry."""
    changed = {name: [getattr(row, name), value] for name, value in values.items()
               if getattr(row, name) != value}
    for name, (_old, value) in changed.items():
        setattr(row, name, value)
    changed.update(extra or {})
    if changed:
        audit(session, user_id, action, target_type, getattr(row, "id", ""), **details,
              changes=changed)
    return changed
