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
