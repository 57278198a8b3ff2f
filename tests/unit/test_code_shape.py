"""The house rules that keep the architecture easy to see: lint clean, imports point one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("earful", "listener", "classifier", "responder", "web")
# What each package may import from the project (data flows one way; web is the root).
ALLOWED = {
    "earful": set(),
    "classifier": set(),
    "listener": {"earful", "classifier"},
    "responder": {"earful", "listener"},
    "web": {"earful", "listener", "classifier", "responder"},
}


def _project_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_one_way(package: str) -> None:
    wrong = {}
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        imported = _project_imports(path) & set(PACKAGES)
        bad = imported - ALLOWED[package] - {package}
        if bad:
            wrong[str(path.relative_to(ROOT))] = sorted(bad)
    assert wrong == {}


def test_core_never_imports_flask() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "earful").rglob("*.py")
                 if {"flask", "flask_login", "flask_wtf"} & _project_imports(p)]
    assert offenders == []


def test_ruff_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", str(ROOT)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


# A mention's status changes in one function (earful.work.status.move); outbox rows change in
# the outbox and reply rules. Creating a row with a status (ingest, the demo) is not a change.
STATUS_WRITERS = {"earful/work/status.py", "earful/work/outbox.py", "earful/work/replies.py",
                  "earful/work/incidents.py", "earful/work/mail.py"}
NOT_A_STATUS_CHANGE = {
    "web/inbox_query.py": "the inbox filter's own `status` field",
    "listener/demo/backfill.py": "back-dated demo history is stored already answered",
}


def _status_writes(path: Path) -> list[int]:
    """Lines that assign `<something>.status = ...` or `.values(status=...)`."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else []
        if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "values" \
                and any(k.arg == "status" for k in node.keywords):
            lines.append(node.lineno)
    return lines


def test_every_status_change_goes_through_the_work_rules() -> None:
    offenders = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = str(path.relative_to(ROOT))
            if "migrations" in path.parts or name in STATUS_WRITERS | set(NOT_A_STATUS_CHANGE):
                continue
            if found := _status_writes(path):
                offenders[name] = found
    assert offenders == {}


def test_the_status_rule_finds_a_direct_write(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("mention.status = 'open'\nupdate(Mention).values(status='x')\n")
    assert _status_writes(sample) == [1, 2]
