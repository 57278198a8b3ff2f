"""The README starts with the two commands a new user needs, and CI runs the test one."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_starts_with_make_run_and_make_test() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:400]
    assert "make run" in head
    assert "make test" in head


def test_ci_runs_exactly_make_test() -> None:
    commands = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert commands[-1].strip() == "exec make test"


def test_makefile_has_the_documented_targets() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run:", "test:", "bench:", "evaluate:", "train:"):
        assert f"\n{target}" in makefile
