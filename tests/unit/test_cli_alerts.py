"""`earful alerts backtest` and `earful alerts rules`, run in-process on a fresh command group."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner, Result
from flask.cli import FlaskGroup
from sqlalchemy.orm import Session

from earful.clock import FrozenClock, use_clock
from earful.models import AlertRule
from earful.runtime import Runtime
from tests.unit.web_console_support import add_mention
from web import cli_alerts, create_app

START = datetime(2026, 1, 5, tzinfo=UTC)


@pytest.fixture
def run(rt: Runtime):  # type: ignore[no-untyped-def]
    group = FlaskGroup(create_app=lambda: create_app(rt=rt, config={"TESTING": True}),
                       add_default_commands=False, load_dotenv=False, set_debug_flag=False)
    cli_alerts.register(group)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(group, ["alerts", *args], catch_exceptions=False)

    return invoke


def write_counts(path: Path, values: np.ndarray, iso: bool = False) -> Path:
    rows = ["timestamp,value"]
    for i, value in enumerate(values):
        moment = START + timedelta(minutes=5 * i)
        rows.append(f"{moment.isoformat() if iso else f'{moment:%Y-%m-%d %H:%M:%S}'},{value:g}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def steady(days: int) -> np.ndarray:
    minutes = np.arange(days * 288) * 5
    rate = 8 * (0.55 - 0.45 * np.cos(2 * np.pi * ((minutes % 1440) / 60 - 3) / 24))
    rate *= np.where((minutes // 1440) % 7 >= 5, 0.6, 1.0)
    return np.random.default_rng(3).poisson(rate).astype(float)


def test_the_csv_backtest_reports_a_known_spike_as_json(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    values = steady(21)
    spike = 20 * 288 + 14 * 12  # day 21, 14:00
    values[spike:spike + 6] *= 10
    result = run("backtest", "--counts", str(write_counts(tmp_path / "c.csv", values, iso=True)))
    assert result.exit_code == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["kind"] for e in events] == ["spike", "all_clear"]
    fired = datetime.fromisoformat(events[0]["fired_at"])
    began = START + timedelta(minutes=5 * spike)
    assert began < fired <= began + timedelta(minutes=5)
    assert events[0]["rule"] == "defaults" and events[0]["observed"] > events[0]["expected"]
    assert {"fired_at", "kind", "observed", "expected", "rule", "scope", "reason"} <= set(events[0])
    assert "1 spike, 1 all-clear over 3 weeks of 5-minute buckets" in result.stderr


def test_the_csv_backtest_uses_a_stored_rule(run, tmp_path: Path, session: Session) -> None:  # type: ignore[no-untyped-def]
    session.add(AlertRule(name="Loud", min_count=1000))
    session.commit()
    values = steady(21)
    values[-30:-24] *= 10
    path = write_counts(tmp_path / "c.csv", values)
    quiet = run("backtest", "--counts", str(path), "--rule", "Loud")
    assert quiet.exit_code == 0 and quiet.stdout == ""
    assert "0 spikes, 0 all-clears" in quiet.stderr
    missing = run("backtest", "--counts", str(path), "--rule", "Nope")
    assert missing.exit_code != 0 and "no alert rule named 'Nope'" in missing.stderr


def test_bad_rows_are_reported_with_line_numbers(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.csv"
    path.write_text("timestamp,value\n2026-01-05 00:00:00,1\n2026-01-05 00:05:00,-2\n"
                    "yesterday,3\n2026-01-05 00:10:00,x\n2026-01-05 00:15:00,4,5\n"
                    "2026-01-05T00:20:00+01:00,2\n", encoding="utf-8")
    result = run("backtest", "--counts", str(path))
    assert "line 3: value '-2'" in result.stderr
    assert "line 4: timestamp 'yesterday'" in result.stderr
    assert "line 5: value 'x'" in result.stderr
    assert "line 6: expected 2 columns" in result.stderr
    # 00:20+01:00 is 23:20 the day before: back in time, refused with its line.
    assert result.exit_code != 0 and "line 7: " in result.stderr
    assert "in time order" in result.stderr


def test_uneven_spacing_and_a_wrong_header_are_refused(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    uneven = tmp_path / "uneven.csv"
    uneven.write_text("timestamp,value\n2026-01-05 00:00:00,1\n2026-01-05 00:05:00,1\n"
                      "2026-01-05 00:12:00,1\n", encoding="utf-8")
    result = run("backtest", "--counts", str(uneven))
    assert result.exit_code == 1 and "line 4: uneven spacing" in result.stderr
    header = tmp_path / "header.csv"
    header.write_text("time,count\n2026-01-05 00:00:00,1\n", encoding="utf-8")
    result = run("backtest", "--counts", str(header))
    assert result.exit_code == 1 and "line 1: the header must be timestamp,value" in result.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("timestamp,value\nnope,1\n", encoding="utf-8")
    result = run("backtest", "--counts", str(empty))
    assert result.exit_code == 1 and "nothing to replay" in result.stderr


def test_the_stored_replay_runs(run, session: Session) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)
    for day in range(1, 10):
        for minute in (5, 25, 45):
            add_mention(session, created_at=now - timedelta(days=day, minutes=minute))
    for second in range(0, 600, 15):  # 40 negative mentions in the last 10 minutes
        add_mention(session, created_at=now - timedelta(seconds=600 - second))
    with use_clock(FrozenClock(now)):
        result = run("backtest", "--since", "2d")
    assert result.exit_code == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["kind"] for e in events] == ["spike"]
    assert events[0]["fired_at"].startswith("2026-01-20T11:5")
    assert "1 spike, 0 all-clears over 2 days of 5-minute buckets of stored mentions" \
        in result.stderr
    assert run("backtest", "--since", "soon").exit_code != 0


def test_rules_lists_each_rule_with_its_state(run, session: Session) -> None:  # type: ignore[no-untyped-def]
    assert "no alert rules" in run("rules").stdout
    session.add(AlertRule(name="Outage", state="firing", platform="x", enabled=False))
    session.commit()
    listing = run("rules").stdout
    assert "Outage: firing (disabled)" in listing and "on x" in listing


def test_register_adds_the_group() -> None:
    group = click.Group()
    cli_alerts.register(group)
    assert set(group.commands["alerts"].commands) == {"backtest", "rules"}  # type: ignore[attr-defined]
