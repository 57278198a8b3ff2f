"""Spike detection on simulated 8-week series of 5-minute counts: caught, delay, false alarms.

Run: .venv/bin/python bench/bench_alerts.py [--weeks 8] [--seeds 7,8,...] [--per-size 24]
Each series (one per seed) has a daily and a weekly cycle, Poisson noise on a slightly
over-dispersed rate and short natural bursts; spikes of 2x, 3x and 5x the seasonal rate, 15-60
minutes long, are injected at random bucket boundaries. Several seeds, because one 8-week
series holds only about 18 volume-eligible 3x spikes and a handful of false alarms: one seed
alone moves the figures by several points. An "oracle" (the same tests against the true
seasonal rate) shows what no estimated baseline can beat. One core.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy.stats import poisson  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import machine, write_section  # noqa: E402
from earful.work import spikes  # noqa: E402
from earful.work.spikes import Event, RuleConfig, replay  # noqa: E402

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
BUCKET = 5
PER_DAY = 1440 // BUCKET
SIZES = (2.0, 3.0, 5.0)
PEAK = 8.0  # negative mentions per 5 minutes at the daily peak of a weekday
SKIP_DAYS = 1  # no spikes on the first day: there is nothing to compare with yet
ORACLE_P = (spikes.P_VALUE, 1e-3)  # the detector's level, and a looser one
SEEDS = (7, 8, 9, 10, 11, 12, 13, 14)
BANDS = ((0, 6), (6, 12), (12, 18), (18, 24))  # hours (UTC) of a spike's start
ARITHMETIC_HEAD = ("| seasonal rate (a bucket) | usual in 10 min | 3x in 10 min | count needed "
                   "(p < {p:g}) | chance a 3x spike reaches it | volume-eligible |\n"
                   "| ---: | ---: | ---: | ---: | ---: | --- |")
# Measured while tuning (bench/bench_alerts.py with the detector changed as described; the
# same 8 seeds): (detector, volume-eligible 3x caught in 10 minutes of 164, false alarms/week).
TRIED_ROWS = (
    ("before: median and MAD of 5-minute samples (10 minutes either side), 4-hour day "
     "levels, negative binomial from the MAD", "66", "1.00"),
    ("day averages (20 minutes either side), interquartile mean over days, robust 24-hour "
     "levels, variance = Poisson + over-dispersion (prior 0.05) + the baseline's error",
     "83", "0.73"),
    ("the same, over-dispersion prior 0.02 (kept)", "85", "0.77"),
    ("prior 0, or p < 2e-4, or the size check at 0.1", "86-87", "0.86-1.11"),
    ("day levels over 8 or 12 hours instead of 24", "80-81", "0.62-0.67"),
    ("30 minutes either side instead of 20", "86", "0.66"),
    ("the true day levels (no level error at all)", "86", "0.72"),
    ("a plain Poisson test on the estimated mean, p < 1e-4 / 3e-5", "91 / 85", "1.05 / 0.67"),
    ("the true seasonal rate (the oracle)", "100", "0.92"),
)
TRIED = "\n".join(["| detector | caught in 10 min | false alarms/week |",
                   "| --- | ---: | ---: |",
                   *(f"| {what} | {caught} | {alarms} |" for what, caught, alarms in TRIED_ROWS)])
RATES = (0.5, 0.8, 1.1, 1.5, 2.0, 3.0, 5.0, 8.0)  # seasonal mentions a bucket, for the arithmetic


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


def score(events: list[Event], spikes_: list[Spike], window: int,
          big: Sequence[tuple[int, int, float]] = ()
          ) -> tuple[dict[float, list[float | None]], int, int]:
    """Delay in minutes per spike (None: missed) by size, spike events on a natural burst of
    3x or more (`big`), and spike events matching neither (false alarms)."""
    fired = [e for e in events if e.kind == "spike"]
    index = [int((e.fired_at - START) / timedelta(minutes=BUCKET)) for e in fired]
    matched: set[int] = set()
    delays: dict[float, list[float | None]] = {size: [] for size in SIZES}
    for spike in spikes_:
        hit = next((j for j, at in enumerate(index)
                    if spike.start < at <= spike.start + spike.length + window), None)
        if hit is not None:
            matched.add(hit)
        delays[spike.size].append(None if hit is None else
                                  (index[hit] - spike.start) * BUCKET)
    unmatched = [at for j, at in enumerate(index) if j not in matched]
    natural = sum(1 for at in unmatched if any(b < at <= b + n + window for b, n, _ in big))
    return delays, natural, len(unmatched) - natural


def oracle_hits(counts: np.ndarray, config: RuleConfig, p_value: float) -> np.ndarray:
    """Per boundary (bucket index), whether the detector's own tests fire when the baseline
    is the true seasonal rate, known exactly (Poisson, no estimation error)."""
    w = config.window_buckets
    base = seasonal_rate(len(counts))
    cs = np.concatenate([[0.0], np.cumsum(counts)])
    bs = np.concatenate([[0.0], np.cumsum(base)])
    ends = np.arange(w, len(counts) + 1)
    hit = np.zeros(len(counts) + 1, dtype=bool)
    for k in range(spikes.MIN_TAIL, w + 1):
        count, usual = cs[ends] - cs[ends - k], bs[ends] - bs[ends - k]
        mu = np.maximum(usual, spikes.FLOOR_PER_HOUR * k * BUCKET / 60)
        bar, least = config.factor * usual, config.min_count * k / w
        hit[ends] |= ((poisson.sf(count - 1, mu) < p_value)
                      & ((count >= bar) | (poisson.cdf(count, bar) >= spikes.P_SIZE))
                      & (count >= least - 1e-9))
    return hit


def oracle_score(hit: np.ndarray, spikes_: list[Spike], config: RuleConfig
                 ) -> tuple[int, int]:
    """(volume-eligible 3x spikes the oracle fires on within 10 minutes, false alarms: firing
    outside every spike, at most one per cooldown)."""
    w, cooldown = config.window_buckets, config.cooldown_minutes // BUCKET
    inside = np.zeros(len(hit), dtype=bool)
    for spike in spikes_:
        inside[spike.start + 1:spike.start + spike.length + w + 1] = True
    caught = sum(1 for s in spikes_ if s.size == 3.0 and s.window_expected >= config.min_count
                 and hit[s.start + 1:s.start + 3].any())
    alarms, last = 0, -cooldown
    for at in np.flatnonzero(hit & ~inside):
        if at - last >= cooldown:
            alarms += 1
        last = at
    return caught, alarms


def timed_replay(series: list[tuple[datetime, float]], config: RuleConfig, runs: int
                 ) -> tuple[list[Event], float]:
    times, events = [], []
    for _ in range(runs):
        started = time.perf_counter()
        events = replay(series, config)
        times.append(time.perf_counter() - started)
    return events, statistics.median(times)


@dataclass
class Tally:
    """Results summed over the seeds."""

    delays: dict[float, list[float | None]]
    eligible: dict[float, list[bool]]
    bands: dict[tuple[int, int], list[tuple[bool, bool, float]]]  # (eligible, in 10, rate)
    alarms: list[int]  # per seed
    on_natural: int = 0
    big: int = 0
    bursts: int = 0
    oracle: dict[float, list[int]] = field(default_factory=dict)  # p -> [caught, alarms]


def run_seed(seed: int, args: argparse.Namespace, config: RuleConfig, tally: Tally) -> None:
    window = config.window_buckets
    counts, injected, natural = simulate(args.weeks, args.per_size, seed, window)
    # A natural burst is itself a spike worth hearing about when its rate stays at 3x the
    # seasonal rate or more for 10 minutes (2 buckets) or longer.
    big = [b for b in natural if b[1] * BUCKET >= 10 and b[2] >= 3.0]
    series = [(START + timedelta(minutes=BUCKET * i), float(v)) for i, v in enumerate(counts)]
    delays, on_natural, alarms = score(replay(series, config), injected, window, big)
    base = seasonal_rate(len(counts))
    for size in SIZES:
        tally.delays[size] += delays[size]
        these = [s for s in injected if s.size == size]
        tally.eligible[size] += [s.window_expected >= config.min_count for s in these]
    for spike, delay in zip([s for s in injected if s.size == 3.0], delays[3.0], strict=True):
        hour = (spike.start % PER_DAY) * BUCKET // 60
        band = next(b for b in BANDS if b[0] <= hour < b[1])
        tally.bands[band].append((spike.window_expected >= config.min_count,
                                  delay is not None and delay <= 10, float(base[spike.start])))
    tally.alarms.append(alarms)
    tally.on_natural += on_natural
    tally.big += len(big)
    tally.bursts += len(natural)
    for p_value in ORACLE_P:
        caught, oracle_alarms = oracle_score(oracle_hits(counts, config, p_value), injected,
                                             config)
        found = tally.oracle.setdefault(p_value, [0, 0])
        found[0] += caught
        found[1] += oracle_alarms


def size_row(size: float, tally: Tally) -> str:
    delays, eligible = tally.delays[size], tally.eligible[size]
    caught = [d for d in delays if d is not None]
    fit = [d for d, ok in zip(delays, eligible, strict=True) if ok]
    within = sum(1 for d in fit if d is not None and d <= 10)
    median = f"{statistics.median(caught):.0f}" if caught else "-"
    worst = f"{max(caught):.0f}" if caught else "-"
    return (f"| {size:g}x | {len(caught)}/{len(delays)} | {within}/{len(fit)} "
            f"({100 * within / max(len(fit), 1):.0f} %) | {median} | {worst} |")


def band_row(band: tuple[int, int], rows: list[tuple[bool, bool, float]]) -> str:
    fit = [r for r in rows if r[0]]
    within = sum(1 for r in fit if r[1])
    rate = statistics.mean(r[2] for r in rows) if rows else 0.0
    share = f"{100 * within / len(fit):.0f} %" if fit else "-"
    return (f"| {band[0]:02d}-{band[1]:02d} | {rate:.1f} | {len(rows)} | {len(fit)} | "
            f"{within} ({share}) |")


def oracle_row(p_value: float, caught: int, alarms: int, eligible: int, weeks: int) -> str:
    return (f"| oracle at p < {p_value:g}: the same tests against the true seasonal rate, "
            f"volume-eligible 3x caught in 10 min | {caught}/{eligible} "
            f"({100 * caught / max(eligible, 1):.0f} %), {alarms / weeks:.2f} false alarms/week "
            "| |")


def arithmetic_row(rate: float, config: RuleConfig) -> str:
    """What 10 minutes of a 3x spike look like at this seasonal rate, against the test."""
    usual = 2 * rate  # two buckets
    mu = max(usual, spikes.FLOOR_PER_HOUR * 2 * BUCKET / 60)
    needed = int(poisson.isf(spikes.P_VALUE, mu)) + 1  # the least count with P(X >= n) < p
    while poisson.sf(needed - 1, mu) >= spikes.P_VALUE:
        needed += 1
    while needed > 1 and poisson.sf(needed - 2, mu) < spikes.P_VALUE:
        needed -= 1
    power = poisson.sf(needed - 1, config.factor * usual)
    eligible = "yes" if config.factor * rate * config.window_buckets >= config.min_count else "no"
    return (f"| {rate:g} | {usual:.1f} | {config.factor * usual:.1f} | {needed} | "
            f"{100 * power:.0f} % | {eligible} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)),
                        help="comma-separated seeds, one simulated series each")
    parser.add_argument("--per-size", type=int, default=24)
    parser.add_argument("--runs", type=int, default=3, help="replays timed; the median counts")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    config = RuleConfig(name="bench", bucket_minutes=BUCKET)
    tally = Tally({s: [] for s in SIZES}, {s: [] for s in SIZES}, {b: [] for b in BANDS}, [])
    for seed in seeds:
        run_seed(seed, args, config, tally)
    counts, _, _ = simulate(args.weeks, args.per_size, seeds[0], config.window_buckets)
    series = [(START + timedelta(minutes=BUCKET * i), float(v)) for i, v in enumerate(counts)]
    _, seconds = timed_replay(series, config, args.runs)
    weeks = args.weeks * len(seeds)
    alarms = sum(tally.alarms)
    sizes = [size_row(size, tally) for size in SIZES]
    bands = [band_row(band, tally.bands[band]) for band in BANDS]
    arithmetic = [arithmetic_row(rate, config) for rate in RATES]
    eligible3 = sum(tally.eligible[3.0])
    oracle = {p: (c, round(a / weeks, 2)) for p, (c, a) in tally.oracle.items()}
    for line in sizes + bands:
        print(line)
    print(f"false alarms: {alarms} in {weeks} weeks ({alarms / weeks:.2f}/week; per seed "
          f"{tally.alarms}); on natural 3x bursts: {tally.on_natural}; oracle (p: caught, "
          f"false alarms/week): {oracle}; replay {seconds:.3f} s over {len(series):,} buckets")
    load = os.getloadavg()
    write_section("Spike detection (earful.work.spikes)", f"""
Command: `.venv/bin/python bench/bench_alerts.py --weeks {args.weeks} --seeds {args.seeds} \
--per-size {args.per_size}` ({machine()}; one thread; load average {load[0]:.2f} \
{load[1]:.2f} {load[2]:.2f}: the machine is shared, so the time is an upper bound).

{len(seeds)} simulated series of {args.weeks} weeks each ({weeks} weeks in all) of
{BUCKET}-minute negative-mention counts ({len(series):,} buckets a series): a daily cycle from
about 0.8 to {PEAK:g} a bucket (quiet nights, an afternoon peak), weekends at 60 %, Poisson noise
on a rate that itself wobbles about 20 % (gamma), and about 3 natural bursts a day (1-2 buckets
at 1.5-2x the wobbling rate: ordinary traffic, not spikes; {tally.big} of the {tally.bursts}
happened to stay at 3x the seasonal rate or more for 10 minutes, and an alert on those counts
as a catch, not a false alarm). Injected: {args.per_size} spikes of each size per series (the
rate becomes exactly 2x, 3x or 5x the seasonal rate for 15-60 minutes) at random bucket
boundaries after the first day, at least 3 hours apart. The rule: the defaults (window
{config.window_minutes} min, baseline {config.baseline_days} days, min count
{config.min_count}, factor {config.factor:g}, cooldown {config.cooldown_minutes} min),
evaluated every {BUCKET} minutes by `replay`, the function the job, the CLI and the console
share.

"Volume-eligible" spikes are those whose spiked window (3x the seasonal count over
{config.window_minutes} minutes) reaches the rule's minimum count: a 3x spike of a few mentions
at night is below what the rule asks to hear about. The delay runs from the spike's first
bucket to the boundary at which the `spike` event fires; "in 10 min" means at the first or
second boundary after it began.

| spike size | caught | volume-eligible caught in 10 min | median delay (min) | max (min) |
| --- | ---: | ---: | ---: | ---: |
{chr(10).join(sizes)}

3x spikes by the hour (UTC) they began:

| hours | mean seasonal rate (a bucket) | 3x spikes | volume-eligible | caught in 10 min |
| --- | ---: | ---: | ---: | ---: |
{chr(10).join(bands)}

| measure | value | target |
| --- | ---: | ---: |
| false alarms (spike events overlapping no injected spike nor a 3x natural burst) | \
{alarms} in {weeks} weeks = {alarms / weeks:.2f}/week (per series: \
{", ".join(map(str, tally.alarms))}) | <= 1/week |
| alerts on natural bursts of 3x or more for 10+ min | {tally.on_natural} | |
{chr(10).join(oracle_row(p, c, a, eligible3, weeks) for p, (c, a) in tally.oracle.items())}
| `replay` over {args.weeks} weeks of {BUCKET}-minute buckets (median of {args.runs}) | \
{seconds:.3f} s | < 1 s |

**Why not every 3x spike in 10 minutes.** Ten minutes are two buckets. A 3x spike at a
seasonal rate of r mentions a bucket brings a Poisson count of mean 6r where 2r is usual; the
test fires when that count is significant (p < {spikes.P_VALUE:g}; one evaluation every
{BUCKET} minutes is about 2,000 a week, so this level is what keeps false alarms under one a
week once natural bursts and the baseline's own error are added). The chance that a 3x spike
reaches that count within 10 minutes, even with the seasonal rate known exactly:

{ARITHMETIC_HEAD.format(p=spikes.P_VALUE)}
{chr(10).join(arithmetic)}

Below about 3 mentions a bucket (in this simulation: nights, early mornings, late evenings and
weekend mornings) a 3x spike is more often than not indistinguishable from noise after 10
minutes; it is caught later, as the delays show. The oracle rows are the same tests with no
estimation error at all: the ceiling for any baseline at that false-alarm rate. The gap between
the detector and the oracle is the baseline's own error (a fortnight of history estimates the
usual count of a 10-minute span to within about 5-8 %, and past spikes in it lift it a few
per cent). A looser significance level buys some of the missed spikes only at more than one
false alarm a week (the second oracle row); most false alarms that remain are natural bursts
of 2x whose Poisson noise makes them look like 3x for 10 minutes, which no test on the counts
can tell apart. The false alarms vary from series to series (above: {min(tally.alarms)} to
{max(tally.alarms)} in {args.weeks} weeks); the oracle's vary
with them, because they come from the bursts each series happens to have.

**The simulation** was checked against the issue's words and left as it was: a spike "of 3x
the seasonal baseline" is the seasonal rate times 3 for 15-60 minutes (the noise and wobble of
the series stay outside it), the baseline and its noise are the same cycle, wobble and bursts
the detector must learn, and natural bursts (1-2 buckets at 1.5-2x) are ordinary traffic
scored as false alarms unless they happen to reach 3x for 10 minutes. What changed is how it
is reported: several seeds instead of one (one 8-week series holds about 20 volume-eligible
3x spikes, so one seed moves the share by 5 points a spike), by hour, and against the oracle.

**What was tried** (the default 8 seeds, volume-eligible 3x caught in 10 minutes of 164, and
false alarms a week):

{TRIED}

Every estimated baseline lands on the same curve (about 85 at 0.7 false alarms a week, 90 at
1.05): what separates it from the oracle is a fortnight's worth of noise in the usual count of
a 10-minute span, not the level, the trimming or the test. `min_count` as a rate (the last 10
minutes projected over the window) is what lets the eligible low-volume spikes fire at 10
minutes; as a soft bar (a count merely consistent with it) it also let a quiet channel of a few
mentions an hour fire on 6 mentions (tests/unit/test_spikes.py), so it is a hard one. Not
tried: CUSUM, which finds slow sustained rises sooner but not a 3x step in its first 10
minutes sooner than the count test; the negative-share test (binomial against the usual share)
is in the job but not here, because these series are counts of negatives only.
""")


if __name__ == "__main__":
    main()
