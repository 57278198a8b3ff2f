"""Spike detection on a simulated 8 weeks of 5-minute counts: caught, delay, false alarms, time.

Run: .venv/bin/python bench/bench_alerts.py [--weeks 8] [--seed 7] [--per-size 24]
The series has a daily and a weekly cycle, Poisson noise on a slightly over-dispersed rate and
short natural bursts; spikes of 2x, 3x and 5x the seasonal rate, 15-60 minutes long, are
injected at random bucket boundaries (fixed seed). One core.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import machine, write_section  # noqa: E402
from earful.work.spikes import Event, RuleConfig, replay  # noqa: E402

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
BUCKET = 5
PER_DAY = 1440 // BUCKET
SIZES = (2.0, 3.0, 5.0)
PEAK = 8.0  # negative mentions per 5 minutes at the daily peak of a weekday
SKIP_DAYS = 1  # no spikes on the first day: there is nothing to compare with yet


@dataclass(frozen=True)
class Spike:
    start: int  # bucket index
    length: int  # buckets
    size: float
    window_expected: float  # the seasonal count of a full window during the spike, times size


def seasonal_rate(n: int) -> np.ndarray:
    """Mentions per bucket: quiet nights, an afternoon peak, weekends at 60 %."""
    minutes = np.arange(n) * BUCKET
    hours = (minutes % 1440) / 60
    daily = 0.55 - 0.45 * np.cos(2 * np.pi * (hours - 3) / 24)
    weekday = (minutes // 1440) % 7
    weekly = np.where(weekday >= 5, 0.6, 1.0)
    return PEAK * daily * weekly


def simulate(weeks: int, per_size: int, seed: int, window: int
             ) -> tuple[np.ndarray, list[Spike], list[tuple[int, int, float]]]:
    """(counts, injected spikes, natural bursts as (start, length, lowest rate / seasonal rate
    over the burst, wobble included)) with a fixed seed."""
    rng = np.random.default_rng(seed)
    n = weeks * 7 * PER_DAY
    base = seasonal_rate(n)
    rate = base * rng.gamma(25, 1 / 25, n)  # over-dispersion: the rate itself wobbles ~20 %
    bursts = rng.choice(n - 3, size=weeks * 7 * 3, replace=False)  # ~3 a day
    natural: list[tuple[int, int, float]] = []
    for b in bursts:
        length = int(rng.integers(1, 3))
        rate[b:b + length] *= rng.uniform(1.5, 2.0)
        natural.append((int(b), length, 0.0))
    spikes: list[Spike] = []
    taken = np.zeros(n, dtype=bool)
    gap = 36  # 3 hours between spikes, so each is judged on its own
    for size in SIZES:
        placed = 0
        while placed < per_size:
            start = int(rng.integers(SKIP_DAYS * PER_DAY, n - 24))
            length = int(rng.integers(3, 13))
            if taken[max(0, start - gap):start + length + gap].any():
                continue
            taken[start:start + length] = True
            rate[start:start + length] = base[start:start + length] * size
            spikes.append(Spike(start, length, size,
                                float(base[start:start + window].mean() * window * size)))
            placed += 1
    natural = [(b, n_, float((rate[b:b + n_] / base[b:b + n_]).min())) for b, n_, _ in natural]
    return rng.poisson(rate).astype(float), spikes, natural


def score(events: list[Event], spikes: list[Spike], window: int,
          big: list[tuple[int, int, float]] = ()  # type: ignore[assignment]
          ) -> tuple[dict[float, list[float | None]], int, int]:
    """Delay in minutes per spike (None: missed) by size, spike events on a natural burst of
    3x or more (`big`), and spike events matching neither (false alarms)."""
    fired = [e for e in events if e.kind == "spike"]
    index = [int((e.fired_at - START) / timedelta(minutes=BUCKET)) for e in fired]
    matched: set[int] = set()
    delays: dict[float, list[float | None]] = {size: [] for size in SIZES}
    for spike in spikes:
        hit = next((j for j, at in enumerate(index)
                    if spike.start < at <= spike.start + spike.length + window), None)
        if hit is not None:
            matched.add(hit)
        delays[spike.size].append(None if hit is None else
                                  (index[hit] - spike.start) * BUCKET)
    unmatched = [at for j, at in enumerate(index) if j not in matched]
    natural = sum(1 for at in unmatched if any(b < at <= b + n + window for b, n, _ in big))
    return delays, natural, len(unmatched) - natural


def timed_replay(series: list[tuple[datetime, float]], config: RuleConfig, runs: int
                 ) -> tuple[list[Event], float]:
    times, events = [], []
    for _ in range(runs):
        started = time.perf_counter()
        events = replay(series, config)
        times.append(time.perf_counter() - started)
    return events, statistics.median(times)


def row(size: float, delays: list[float | None], spikes: list[Spike], min_count: int) -> str:
    caught = [d for d in delays if d is not None]
    eligible = [d for d, s in zip(delays, spikes, strict=True) if s.window_expected >= min_count]
    within = sum(1 for d in eligible if d is not None and d <= 10)
    median = f"{statistics.median(caught):.0f}" if caught else "-"
    worst = f"{max(caught):.0f}" if caught else "-"
    return (f"| {size:g}x | {len(caught)}/{len(delays)} | {within}/{len(eligible)} | "
            f"{median} | {worst} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-size", type=int, default=24)
    parser.add_argument("--runs", type=int, default=3, help="replays timed; the median counts")
    args = parser.parse_args()
    config = RuleConfig(name="bench", bucket_minutes=BUCKET)
    window = config.window_buckets
    counts, spikes, natural = simulate(args.weeks, args.per_size, args.seed, window)
    bursts = len(natural)
    # A natural burst is itself a spike worth hearing about when its rate stays at 3x the
    # seasonal rate or more for 10 minutes (2 buckets) or longer.
    big = [b for b in natural if b[1] * BUCKET >= 10 and b[2] >= 3.0]
    series = [(START + timedelta(minutes=BUCKET * i), float(v)) for i, v in enumerate(counts)]
    events, seconds = timed_replay(series, config, args.runs)
    delays, on_natural, false_alarms = score(events, spikes, window, big)
    on_injected = sum(1 for e in events if e.kind == "spike") - on_natural - false_alarms
    per_week = false_alarms / args.weeks
    rows = [row(size, delays[size], [s for s in spikes if s.size == size], config.min_count)
            for size in SIZES]
    for line in rows:
        print(line)
    print(f"alerts: {on_injected} on injected spikes, {on_natural} on natural bursts of 3x+ "
          f"({len(big)} such bursts); false alarms: {false_alarms} ({per_week:.2f}/week); "
          f"replay {seconds:.3f} s "
          f"over {len(series):,} buckets")
    write_section("Spike detection (earful.work.spikes)", f"""
Command: `.venv/bin/python bench/bench_alerts.py --weeks {args.weeks} --seed {args.seed} \
--per-size {args.per_size}` ({machine()}; one thread).

A simulated {args.weeks} weeks of {BUCKET}-minute negative-mention counts ({len(series):,}
buckets): a daily cycle from about 0.8 to {PEAK:g} a bucket (quiet nights, an afternoon peak),
weekends at 60 %, Poisson noise on a rate that itself wobbles about 20 % (gamma), and {bursts}
natural bursts (1-2 buckets at 1.5-2x the wobbling rate; {len(big)} of them reaching 3x the seasonal
rate for 10 minutes or more, and an alert on those counts as a catch, not a false alarm).
Injected: {args.per_size} spikes of each size (the rate
becomes 2x, 3x or 5x the seasonal rate for 15-60 minutes) at random bucket boundaries after the
first day, at least 3 hours apart. The rule: the defaults (window {config.window_minutes} min,
baseline {config.baseline_days} days, min count {config.min_count}, factor {config.factor:g},
cooldown {config.cooldown_minutes} min), evaluated every {BUCKET} minutes by `replay`.

"Volume-eligible" spikes are those whose spiked window reaches the rule's minimum count (a
spike of a few mentions at night cannot fire by design). The delay runs from the spike's first
bucket to the boundary at which the `spike` event fires.

| spike size | caught | volume-eligible caught in 10 min | median delay (min) | max (min) |
| --- | ---: | ---: | ---: | ---: |
{chr(10).join(rows)}

| measure | value | target |
| --- | ---: | ---: |
| alerts on injected spikes | {on_injected} | |
| alerts on natural bursts of 3x or more for 10+ min | {on_natural} | |
| other false alarms (spike events overlapping neither) | {false_alarms} in {args.weeks} \
weeks = {per_week:.2f}/week | <= 1/week |
| `replay` over {args.weeks} weeks of {BUCKET}-minute buckets (median of {args.runs}) | \
{seconds:.3f} s | < 1 s |

A 2x spike is below the rule's size of 3x (those caught are noise lifting it well over 2x).
A 3x spike is caught within 10 minutes when its first 10 minutes already carry the rule's
minimum count and are significant (p < 1e-4) against the baseline; the spikes missed in 10
minutes are mostly low-volume ones (evening and night, a few mentions a bucket), where 10
minutes of a 3x rate is not yet distinguishable from noise at that level or stays under the
minimum count, and a few whose first 10 minutes came out well under 3x by chance (some fire
later: see the delays above). Only lowering the significance level would catch them
sooner, and 1e-3 gave 1.5 false alarms a week here without catching more in 10 minutes.
""")


if __name__ == "__main__":
    main()
