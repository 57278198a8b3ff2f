"""`earful alerts ...`: what a spike rule would have sent, replayed on history.

`backtest --counts FILE.csv` replays a plain series (no database needed unless --rule names a
stored rule); `backtest` alone replays the stored mentions. Events go to stdout as JSON Lines
(`Event.as_json()`), everything for people to stderr, so the output pipes into `jq`.
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from earful.clock import now
from earful.models import AlertRule
from earful.work.spikes import Event, RuleConfig
from web.db import get_runtime

DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass
class CountsFile:
    """A parsed `timestamp,value` CSV: the series, its bucket, and what was wrong with it."""

    series: list[tuple[datetime, float]] = field(default_factory=list)
    bucket_minutes: int = 0
    problems: list[str] = field(default_factory=list)
    fatal: str = ""


def _timestamp(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip())
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _value(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError
    return value


def _rows(lines: Iterable[str], result: CountsFile) -> list[tuple[int, datetime, float]]:
    rows = []
    for number, row in enumerate(csv.reader(lines), start=1):
        if number == 1:
            if [c.strip().lower() for c in row] != ["timestamp", "value"]:
                result.fatal = "line 1: the header must be timestamp,value"
                return []
            continue
        if not row or not "".join(row).strip():
            continue
        if len(row) != 2:
            result.problems.append(f"line {number}: expected 2 columns, found {len(row)}")
            continue
        try:
            moment = _timestamp(row[0])
        except ValueError:
            result.problems.append(f"line {number}: timestamp {row[0]!r} is not "
                                   "YYYY-MM-DD HH:MM:SS or ISO 8601")
            continue
        try:
            value = _value(row[1])
        except ValueError:
            result.problems.append(f"line {number}: value {row[1]!r} is not a non-negative "
                                   "number")
            continue
        rows.append((number, moment, value))
    return rows


def read_counts(lines: Iterable[str]) -> CountsFile:
    """Parse the CSV; the bucket is the first two rows' spacing, and every later row must
    follow on a whole number of buckets (a gap counts 0; anything else is refused)."""
    result = CountsFile()
    rows = _rows(lines, result)
    if result.fatal:
        return result
    if len(rows) < 2:
        result.fatal = "fewer than two usable rows: nothing to replay"
        return result
    step = rows[1][1] - rows[0][1]
    if step <= timedelta(0) or step % timedelta(minutes=1):
        result.fatal = (f"line {rows[1][0]}: the first two rows are {step} apart; buckets "
                        "must be whole minutes, in time order")
        return result
    for (_, before, _), (number, moment, _) in zip(rows, rows[1:], strict=False):
        gap = moment - before
        if gap <= timedelta(0) or gap % step:
            result.fatal = (f"line {number}: uneven spacing: {moment:%Y-%m-%d %H:%M:%S} is "
                            f"{gap} after the row before, not a multiple of {step}")
            return result
    result.series = [(moment, value) for _, moment, value in rows]
    result.bucket_minutes = int(step / timedelta(minutes=1))
    return result


def parse_duration(text: str) -> timedelta:
    """'30d', '12h', '2w', '90m' as a timedelta."""
    match = DURATION.match(text)
    if not match:
        raise click.BadParameter(f"{text!r}: use a number and m, h, d or w (e.g. 30d)")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def describe_span(buckets: int, bucket_minutes: int) -> str:
    """'8 weeks of 5-minute buckets'."""
    minutes = buckets * bucket_minutes
    if minutes >= 14 * 1440:
        span = f"{minutes / (7 * 1440):.3g} weeks"
    elif minutes >= 1440:
        span = f"{minutes / 1440:.3g} days"
    else:
        span = f"{minutes / 60:.3g} hours"
    return f"{span} of {bucket_minutes}-minute buckets"


def summary(events: list[Event], span: str) -> str:
    spikes = sum(1 for e in events if e.kind == "spike")
    clears = sum(1 for e in events if e.kind == "all_clear")
    return (f"{spikes} spike{'s' * (spikes != 1)}, {clears} all-clear{'s' * (clears != 1)} "
            f"over {span}")


def _rule_config(name: str | None, bucket_minutes: int) -> tuple[RuleConfig, AlertRule | None]:
    """The named stored rule's settings, else settings [alerts] defaults."""
    if name is None:
        defaults = get_runtime().settings.alerts
        return RuleConfig(name="defaults", window_minutes=defaults.window_minutes,
                          baseline_days=defaults.baseline_days, min_count=defaults.min_count,
                          factor=defaults.factor, cooldown_minutes=defaults.cooldown_minutes,
                          bucket_minutes=bucket_minutes), None
    with get_runtime().sessions() as session:
        rule = session.scalar(select(AlertRule).where(AlertRule.name == name))
        if rule is None:
            raise click.ClickException(f"no alert rule named {name!r} (see `earful alerts rules`)")
        session.expunge(rule)
    return RuleConfig.from_rule(rule, bucket_minutes), rule


def _emit(events: list[Event]) -> None:
    for event in events:
        click.echo(json.dumps(event.as_json(), ensure_ascii=False))


@click.group("alerts", cls=AppGroup)
def alerts_group() -> None:
    """Spike alert rules: their state, and what they would have sent."""


@alerts_group.command("backtest")
@click.option("--counts", "counts_path", type=click.Path(exists=True, dir_okay=False,
                                                         path_type=Path),
              help="A CSV `timestamp,value` of evenly spaced buckets (UTC) to replay instead "
                   "of the stored mentions.")
@click.option("--rule", "rule_name", help="A stored rule's settings (default: [alerts]).")
@click.option("--since", default="30d", show_default=True,
              help="How far back to replay the stored mentions (m, h, d, w).")
def backtest(counts_path: Path | None, rule_name: str | None, since: str) -> None:
    """Replay history through the spike detector; one JSON object per alert on stdout."""
    from earful.work.spikes import replay

    if counts_path is not None:
        with counts_path.open(encoding="utf-8-sig", newline="") as handle:
            parsed = read_counts(handle)
        for problem in parsed.problems:
            click.echo(problem, err=True)
        if parsed.fatal:
            click.echo(f"error: {parsed.fatal}", err=True)
            sys.exit(1)
        config, _ = _rule_config(rule_name, parsed.bucket_minutes)
        events = replay(parsed.series, config)
        buckets = int((parsed.series[-1][0] - parsed.series[0][0])
                      / timedelta(minutes=parsed.bucket_minutes)) + 1
        _emit(events)
        click.echo(summary(events, describe_span(buckets, parsed.bucket_minutes)), err=True)
        return
    _backtest_stored(rule_name, parse_duration(since))


def _backtest_stored(rule_name: str | None, since: timedelta) -> None:
    from earful.work.alert_counts import align, stored_series
    from earful.work.spikes import backtest as run_backtest

    bucket = get_runtime().settings.alerts.bucket_minutes
    config, rule = _rule_config(rule_name, bucket)
    until = align(now(), bucket)
    start = until - since
    with get_runtime().sessions() as session:
        series = stored_series(session, start, until, bucket, config.baseline_days,
                               sentiment=rule.sentiment if rule else "negative",
                               platform=rule.platform if rule else None)
    events = run_backtest(series, config, start).events
    _emit(events)
    buckets = int(since / timedelta(minutes=bucket))
    click.echo(summary(events, describe_span(buckets, bucket)) + " of stored mentions",
               err=True)


@alerts_group.command("rules")
def rules() -> None:
    """List the alert rules with their state."""
    with get_runtime().sessions() as session:
        found = session.scalars(select(AlertRule).order_by(AlertRule.name)).all()
        if not found:
            click.echo("no alert rules")
        for rule in found:
            where = rule.platform or "all platforms"
            flag = "" if rule.enabled else " (disabled)"
            click.echo(f"{rule.name}: {rule.state}{flag} - {rule.sentiment} on {where}, "
                       f"{rule.window_minutes} min window, x{rule.factor:g} over "
                       f"{rule.baseline_days} days, min {rule.min_count}, cooldown "
                       f"{rule.cooldown_minutes} min")


def register(cli_group: click.Group) -> None:
    """Add `alerts` to Earful's command group."""
    cli_group.add_command(alerts_group)
