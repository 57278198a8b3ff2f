"""Spike detection: a seasonal baseline, a low-volume-aware test and an alert state machine.

Pure: counts in, state and events out (no database, no Flask). The evaluation job feeds it
`alert_counts.bucket_counts`; `earful alerts backtest` and the rule page feed it history.

Counts are per bucket (`bucket_minutes`, default 5); a missing bucket counts 0. History begins
at the earliest bucket given (`bucket_counts` returns every bucket from `since`, zeros included),
so nothing before it is taken for silence.

**The window.** Evaluated at a bucket boundary `at`, the window is the `w` buckets in
`[at - window_minutes, at)` (`w` = window_minutes / bucket_minutes, rounded up). `observed` is
its count. Because a spike that starts inside the window is diluted by the calm buckets before
it, the test also looks at the window's recent *tails*: the last 2, 3, ..., w buckets (the last
bucket alone is too noisy at low volume). Each tail is compared with its own baseline.

**The baseline** (`baseline()`) of a span (the window, or one of its tails) ending at T is
estimated from the same span on each earlier day within `baseline_days`:

- *each day's sample* is the count of that day's span widened by 20 minutes either side,
  scaled back to the span's length (an average over 40 more minutes: a 10-minute span at two
  mentions a bucket is otherwise mostly Poisson noise), times the day's *level scale*
  `(L + 1) / (L_d + 1)`. `L_d` is the day's level: the mean of its 24 hourly counts around
  the same time, the top and bottom 10 % trimmed, so a spike that day moves an hour, not the
  level; `L` is the mean level of the same-weekday days (7, 14, ... days back) when at
  least 2 are in the history, otherwise of every day. Monday mornings stay apart from Sundays
  while the estimate rests on every day of the fortnight.
- *seasonal* (at least 3 days with a sample): the expected count is the interquartile mean of
  the days' samples (a past spike at the same hour is trimmed, not averaged in). Its own
  error is the samples' robust variance (scaled MAD squared) over the number of days, plus the
  level's Poisson error. The history's over-dispersion (day-to-day spread beyond Poisson) is
  the samples' excess variance, shrunk toward a prior of 0.02 (a rate that wobbles about
  14 %) with the weight of 7 days, because a fortnight gives a noisy variance.
- *cold-start*: fewer comparable days. The expected count is the upper decile (90th
  percentile: the daily peak must not look like a spike) of the full windows that ended in the
  24 hours before this window, and never below `min_count / 2`; the tails expect their share.
- *no history* (less than one window before this one): the expected count is `min_count`, so
  only `factor x min_count` in the window (or its share of it in a tail) fires.

**The spike test.** For some tail of k buckets (2..w; one bucket alone is too noisy) with
expected count `e`, all of:

1. the count is significant: `P(X >= count) < 0.0001`, X negative binomial with mean
   `mu = max(e, floor)` (floor: 2 mentions an hour, scaled to the tail) and variance
   `mu + phi mu^2 + var(e)`: Poisson noise, the history's over-dispersion and the baseline's
   own error (Poisson when both are nil, as for cold start);
2. the count is consistent with a rise of at least `factor`: `count >= factor x e`, or
   `P(Y <= count) >= 0.2`, Y with mean `factor x e` and the same kind of variance (a spike of
   exactly `factor` times the usual passes about 80 % of the time or more);
3. the tail reaches the rule's `min_count` as a rate: `count x w / k >= min_count` (a
   spike that fills the window with `min_count` is caught after 10 minutes, before the window
   holds it; a hard bar, because a quiet channel's noise is what it keeps out: a fortnight
   of a few mentions an hour estimates the usual so loosely that 6 mentions in 10 minutes
   can look significant).

With no history the bars are `count >= factor x e` and `observed >= min_count`. `factor` is
the size of spike the rule must catch, not a hard bar on a noisy count; false alarms are held
down by the significance level of (1). docs/benchmarks.md measures what this catches within
10 minutes, and why no test can catch every 3x spike that soon at low volume (10 minutes of
it are a handful of mentions).

*The negative share* (`share=(rule's mentions, all mentions)` in the window and
`usual_share`, the rule's share of all mentions over the baseline days; the job passes both,
the backtests neither): when the window's share has risen, a binomial test
`P(Binomial(all, usual_share) >= rule's) < 0.001`, the factor in (2) drops to
`max(1.5, factor / 2)`; (1) and (3) still hold. Without a usual share, a window at least 2/3
negative with `min_count` mentions counts as risen.

**Still elevated** (keeps a firing rule firing): some tail has
`count >= (1 + (factor - 1)/2) x mu` with the tail probability of (1) under 0.05. This
hysteresis stops a spike that hovers at the threshold from flapping.

**The state machine** (per rule and scope; times are the evaluation boundaries):

- clear -> firing on a spike: a `spike` event; `since = last_fired_at = at`.
- firing -> cooldown when no longer elevated: an `all_clear` event if this firing episode was
  announced (`since == last_fired_at`), otherwise silently; `since = at`.
- cooldown -> firing on a spike. With `cooldown_minutes` passed since `last_fired_at`, a new
  `spike` event (as from clear); within it, silently (`since = at`): at most one alert per rule
  and scope per cooldown, and a flapping series does not mail every interval.
- firing (silently re-entered) -> a `spike` event once the cooldown has passed and the spike
  test still holds: a resurgence that lasts is announced.
- cooldown -> clear once `cooldown_minutes` have passed since `last_fired_at` (no event).

`replay` computes every boundary at once with numpy (a cumulative sum gives any span's count in
O(1)) and then runs the state machine; `evaluate` runs the same code for one boundary, so the
console, the CLI and the job agree, and a replay never looks ahead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.stats import binom, nbinom

from earful.settings import AlertDefaults
from earful.vocab import AlertKind, AlertState

if TYPE_CHECKING:
    from earful.models import AlertRule

Counts = Mapping[datetime, float]

P_VALUE = 0.0001  # the spike test's tail
P_ELEVATED = 0.05  # "still elevated" (hysteresis)
P_SIZE = 0.2  # the size check: a count this unlikely under factor x e is too small to be the spike
FLOOR_PER_HOUR = 2.0  # the Poisson mean never drops below this rate
FLOOR_MEAN = 0.5  # the smallest mean the over-dispersion is measured against
PHI_PRIOR = 0.02  # over-dispersion assumed before the history says otherwise (a rate that
# wobbles ~14 %: sqrt(0.02))
PRIOR_DAYS = 7.0  # how many days of history the prior weighs
TRIM = 0.25  # the share of days trimmed from each end (the interquartile mean)
LEVEL_TRIM = 0.1  # the share of a day's hours trimmed from each end for its level
TRIM_EFFICIENCY = 0.8  # of the interquartile mean against the plain mean
MIN_SEASONAL_DAYS = 3
MIN_WEEKDAY_DAYS = 2
JITTER_MINUTES = 20
LEVEL_MINUTES = 1440  # the span around the same time whose hours give each day's level
MIN_TAIL = 2  # buckets: the shortest tail tested (one bucket alone is too noisy)
COLD_PERCENTILE = 90
SHARE_MIN = 2 / 3  # without a usual share: a window this negative counts as risen
P_SHARE = 0.001  # the binomial test of the window's share against the usual share
MAD_SCALE = 1.4826
DAY_MINUTES = 1440
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class RuleConfig:
    """A rule's detection settings (from an AlertRule row, settings [alerts] or the CLI)."""

    name: str
    # The defaults are settings.toml's [alerts] defaults: one place to change them.
    window_minutes: int = AlertDefaults.window_minutes
    baseline_days: int = AlertDefaults.baseline_days
    min_count: int = AlertDefaults.min_count
    factor: float = AlertDefaults.factor
    cooldown_minutes: int = AlertDefaults.cooldown_minutes
    bucket_minutes: int = AlertDefaults.bucket_minutes

    @classmethod
    def from_rule(cls, rule: AlertRule, bucket_minutes: int) -> RuleConfig:
        """The detection settings of a stored rule."""
        return cls(name=rule.name, window_minutes=rule.window_minutes,
                   baseline_days=rule.baseline_days, min_count=rule.min_count,
                   factor=float(rule.factor), cooldown_minutes=rule.cooldown_minutes,
                   bucket_minutes=bucket_minutes)

    @property
    def window_buckets(self) -> int:
        return max(1, math.ceil(self.window_minutes / self.bucket_minutes))


@dataclass(frozen=True)
class Baseline:
    expected: float
    spread: float
    method: str  # "seasonal" | "cold-start" | "no-history"


@dataclass
class ScopeState:
    """One rule's detector state for one scope, kept in AlertRule.scopes as JSON."""

    state: str = AlertState.CLEAR.value
    since: datetime | None = None
    last_fired_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "since": _iso(self.since),
                "last_fired_at": _iso(self.last_fired_at)}

    @classmethod
    def from_json(cls, data: Any) -> ScopeState:
        """The stored state; anything unreadable is clear."""
        if not isinstance(data, Mapping):
            return cls()
        state = data.get("state")
        if state not in {s.value for s in AlertState}:
            return cls()
        return cls(state=str(state), since=_parse_time(data.get("since")),
                   last_fired_at=_parse_time(data.get("last_fired_at")))


@dataclass(frozen=True)
class Event:
    fired_at: datetime
    kind: str
    observed: float
    expected: float
    rule: str
    scope: str = "overall"
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"fired_at": self.fired_at.isoformat(), "kind": self.kind,
                "observed": round(self.observed, 2), "expected": round(self.expected, 2),
                "rule": self.rule, "scope": self.scope, "reason": self.reason}


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# -- the vectorised assessment ---------------------------------------------------------------

@dataclass
class _Assessment:
    """Per evaluation boundary: the window, its baseline and the two tests' outcomes."""

    observed: np.ndarray
    expected: np.ndarray
    spread: np.ndarray
    method: np.ndarray  # 0 seasonal, 1 cold-start, 2 no history
    spike: np.ndarray  # bool
    elevated: np.ndarray  # bool
    tail: np.ndarray  # the tail (buckets) that fired, 0 if none
    tail_observed: np.ndarray
    tail_expected: np.ndarray


METHODS = ("seasonal", "cold-start", "no-history")


class _Series:
    """Dense bucket counts from an origin, with the cumulative sum for O(1) span counts."""

    def __init__(self, values: np.ndarray, origin: datetime, config: RuleConfig) -> None:
        self.values, self.origin, self.config = values, origin, config
        self.cs = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
        self.per_day = max(1, round(DAY_MINUTES / config.bucket_minutes))
        self.days = np.arange(1, config.baseline_days + 1)

    def span(self, ends: np.ndarray, length: int) -> np.ndarray:
        """Counts of the `length` buckets before each end index (NaN if before the origin)."""
        starts = ends - length
        ok = (starts >= 0) & (ends <= len(self.values))
        out = np.full(ends.shape, np.nan)
        out[ok] = self.cs[ends[ok]] - self.cs[starts[ok]]
        return out

    def levels(self, ends: np.ndarray) -> _Levels:
        """Each earlier day's scale to the level of the same weekday, for every boundary."""
        back = ends[:, None] - self.days[None, :] * self.per_day  # the same moment on earlier days
        level = self.level(back, self.config.window_buckets)
        allowed = ~np.isnan(level)
        weekday = allowed & (self.days[None, :] % 7 == 0)
        use_weekly = weekday.sum(axis=1) >= MIN_WEEKDAY_DAYS
        pick = np.where(use_weekly[:, None], weekday, allowed)
        picked = np.maximum(pick.sum(axis=1), 1)
        target = np.where(pick, np.nan_to_num(level), 0.0).sum(axis=1) / picked
        scale = (target[:, None] + 1.0) / (np.nan_to_num(level) + 1.0)
        # The target is itself a count: its Poisson noise moves every day's sample together.
        target_cv2 = 1.0 / (target * picked + 1.0)
        return _Levels(back, scale, allowed, target_cv2)

    def level(self, back: np.ndarray, w: int) -> np.ndarray:
        """Each earlier day's level: the interquartile mean of its hourly counts over the 24 h
        around the same time (robust: a spike that day moves an hour or two, not the level)."""
        hour = max(1, 60 // self.config.bucket_minutes)
        hours = max(1, LEVEL_MINUTES // 60)
        offsets = (np.arange(hours) - hours // 2) * hour + (hour + w) // 2
        # Many (boundary, day) pairs share a moment: each moment's level is computed once.
        moments, where = np.unique(back, return_inverse=True)
        ends = moments[:, None] + offsets[None, :]
        counts = self.span(ends.reshape(-1), hour).reshape(ends.shape)
        counts[np.isnan(counts).any(axis=1)] = np.nan  # a day only partly in the history
        mean, _, _ = _trimmed(counts, LEVEL_TRIM)
        return (mean * hours)[where].reshape(back.shape)

    def seasonal(self, levels: _Levels, length: int) -> tuple[np.ndarray, np.ndarray,
                                                              np.ndarray, np.ndarray]:
        """(expected count, its variance, over-dispersion, days used) of the last `length`
        buckets, from the same span on earlier days (see the module docstring)."""
        jitter = JITTER_MINUTES // self.config.bucket_minutes
        wide = length + 2 * jitter  # the span and `jitter` buckets either side, averaged
        raw = self.span((levels.back + jitter).reshape(-1), wide).reshape(levels.back.shape)
        samples = raw * (length / wide) * levels.scale
        samples[~levels.allowed | np.isnan(raw)] = np.nan
        mean, var, used = _trimmed(samples, TRIM)
        var_mean = var / np.maximum(used, 1) / TRIM_EFFICIENCY + mean ** 2 * levels.target_cv2
        # Beyond Poisson: the spread of the days' samples minus the Poisson part of it, shrunk
        # toward a prior (a fortnight gives a noisy variance).
        excess = np.maximum(var - mean * length / wide, 0.0) / np.maximum(mean, FLOOR_MEAN) ** 2
        phi = (used * excess + PRIOR_DAYS * PHI_PRIOR) / (used + PRIOR_DAYS)
        return mean, var_mean, phi, used

    def cold(self, ends: np.ndarray) -> np.ndarray:
        """The upper decile of the full windows that ended in the 24 h before each window
        began (high, because a day's median would put the daily peak at 2-3x "the usual")."""
        w = self.config.window_buckets
        back = np.arange(0, self.per_day)
        window_ends = ends[:, None] - w - back[None, :]
        samples = self.span(window_ends.reshape(-1), w).reshape(window_ends.shape)
        out = np.full(len(ends), np.nan)
        has = ~np.all(np.isnan(samples), axis=1)
        if has.any():
            out[has] = np.nanpercentile(samples[has], COLD_PERCENTILE, axis=1)
        return out


@dataclass(frozen=True)
class _Levels:
    back: np.ndarray  # (boundaries, days): the same boundary on each earlier day
    scale: np.ndarray  # each day's factor to the same weekday's level
    allowed: np.ndarray  # days with a level (inside the history)
    target_cv2: np.ndarray  # the squared relative error of the level scaled to


def _trimmed(rows: np.ndarray, trim: float = 0.25
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row-wise interquartile mean, a robust variance (scaled MAD squared) and the number of
    values, ignoring NaN: a past spike at the same hour is trimmed, not averaged in."""
    used = (~np.isnan(rows)).sum(axis=1)
    ordered = np.sort(rows, axis=1)  # NaN last
    index = np.arange(rows.shape[1])[None, :]
    low = np.floor(used * trim).astype(int)[:, None]
    keep = (index >= low) & (index < used[:, None] - low)
    kept = np.maximum(keep.sum(axis=1), 1)
    mean = np.where(keep, ordered, 0.0).sum(axis=1) / kept
    middle = np.clip((used - 1) // 2, 0, None)[:, None]
    median = np.take_along_axis(ordered, middle, axis=1)[:, 0]
    deviation = np.sort(np.abs(rows - median[:, None]), axis=1)
    mad = np.take_along_axis(deviation, middle, axis=1)[:, 0]
    var = (MAD_SCALE * np.nan_to_num(mad)) ** 2
    mean[used == 0] = np.nan
    return mean, var, used


def _negbin(mean: np.ndarray, var: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """scipy's (n, p) of the negative binomial with this mean and variance (var > mean)."""
    mean = np.maximum(mean, 1e-9)  # a zero bar (nothing usual) is met by any count
    var = np.maximum(var, mean * (1 + 1e-9))
    return mean * mean / (var - mean), mean / var


def _upper(count: np.ndarray, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    """P(X >= count), X negative binomial with this mean and variance (Poisson when var is
    the mean: the baseline's own error and the history's over-dispersion widen it)."""
    n, p = _negbin(mean, var)
    return nbinom.sf(count - 1, n, p)


def _not_below(count: np.ndarray, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    """Whether `count` is consistent with a mean of at least `mean`: P(X <= count) >= P_SIZE.
    The size a rule asks for (its factor) is what it must catch, not a hard bar on a noisy
    count."""
    n, p = _negbin(mean, var)
    return (count >= mean) | (nbinom.cdf(count, n, p) >= P_SIZE)


def _assess(series: _Series, ends: np.ndarray, factor: float | np.ndarray) -> _Assessment:
    cfg, w = series.config, series.config.window_buckets
    n = len(ends)
    observed = np.nan_to_num(series.span(ends, w), nan=0.0)
    levels = series.levels(ends)
    expected, var_e, phi, used = series.seasonal(levels, w)
    method = np.zeros(n, dtype=np.int8)
    cold = used < min(MIN_SEASONAL_DAYS, cfg.baseline_days)
    if cold.any():
        cold_idx = np.flatnonzero(cold)
        cold_median = series.cold(ends[cold_idx])
        none = np.isnan(cold_median)
        expected[cold_idx] = np.where(none, cfg.min_count, np.maximum(
            np.nan_to_num(cold_median), cfg.min_count / 2))
        method[cold_idx] = np.where(none, 2, 1)
    expected = np.nan_to_num(expected)
    spread = np.sqrt(np.nan_to_num(var_e + phi * expected ** 2))
    factor_arr = np.broadcast_to(np.asarray(factor, dtype=float), (n,))
    clear_factor = 1 + (factor_arr - 1) / 2
    spike = np.zeros(n, dtype=bool)
    elevated = np.zeros(n, dtype=bool)
    tail = np.zeros(n, dtype=np.int32)
    tail_obs, tail_exp = observed.copy(), expected.copy()
    for k in range(w, min(w, MIN_TAIL) - 1, -1):  # longest first: the whole window wins
        count = np.nan_to_num(series.span(ends, k))
        if k == w:
            exp_k, var_k, phi_k = expected, var_e, phi
        else:
            exp_k, var_k, phi_k, _ = series.seasonal(levels, k)
        # Cold start: the window's bar shared out, a Poisson test (no days to learn a spread).
        exp_k = np.where(cold, expected * k / w, np.nan_to_num(exp_k))
        var_k = np.where(cold, 0.0, np.nan_to_num(var_k))
        phi_k = np.where(cold, PHI_PRIOR, np.nan_to_num(phi_k, nan=PHI_PRIOR))
        mu = np.maximum(exp_k, FLOOR_PER_HOUR * k * cfg.bucket_minutes / 60)
        null_var = mu + phi_k * mu ** 2 + var_k
        tail_p = _upper(count, mu, null_var)
        bar = factor_arr * exp_k
        sized = _not_below(count, bar, bar + phi_k * bar ** 2 + factor_arr ** 2 * var_k)
        # min_count as a rate: the tail projected over the window (a hard bar: a quiet
        # channel's noise is what it keeps out)
        enough = np.where(method == 2, observed, count * w / k) >= cfg.min_count - 1e-9
        hit = (tail_p < P_VALUE) & np.where(method == 2, count >= bar, sized) & enough
        new = hit & ~spike
        tail[new], tail_obs[new], tail_exp[new] = k, count[new], exp_k[new]
        spike |= hit
        elevated |= (count >= clear_factor * mu) & (tail_p < P_ELEVATED)
    return _Assessment(observed, expected, spread, method, spike, elevated | spike, tail,
                       tail_obs, tail_exp)


# -- the public functions ------------------------------------------------------------------------

def _dense(counts: Counts, until: datetime, bucket: timedelta) -> tuple[np.ndarray, datetime]:
    """Bucket counts from the earliest key up to (not including) `until`."""
    keys = [k for k in counts if k < until]
    if not keys:
        return np.zeros(0), until
    origin = min(keys)
    size = max(0, math.ceil((until - origin) / bucket))
    values = np.zeros(size)
    for key in keys:
        values[int((key - origin) // bucket)] += float(counts[key])
    return values, origin


def _one(counts: Counts, at: datetime, config: RuleConfig, factor: float
         ) -> tuple[_Assessment, _Series]:
    bucket = timedelta(minutes=config.bucket_minutes)
    values, origin = _dense(counts, at, bucket)
    series = _Series(values, origin, config)
    end = np.array([int((at - origin) // bucket)])
    return _assess(series, end, factor), series


def baseline(counts: Counts, window_end: datetime, config: RuleConfig) -> Baseline:
    """The count expected in the window ending at `window_end`, from the counts before it."""
    result, _ = _one(counts, window_end, config, config.factor)
    return Baseline(float(result.expected[0]), float(result.spread[0]),
                    METHODS[int(result.method[0])])


def evaluate(counts: Counts, at: datetime, config: RuleConfig, state: ScopeState,
             share: tuple[float, float] | None = None, scope: str = "overall",
             usual_share: float | None = None) -> tuple[ScopeState, Event | None]:
    """Evaluate the window ending at `at` (a bucket boundary); the new state and any event.
    `share` is (the rule's mentions, all mentions) in the window and `usual_share` the rule's
    share of all mentions over the baseline days (see "The negative share")."""
    factor = share_factor(config, share, usual_share)
    result, _ = _one(counts, at, config, factor)
    return _step(state, at, result, 0, config, scope)


def share_factor(config: RuleConfig, share: tuple[float, float] | None,
                 usual_share: float | None) -> float:
    """The rule's factor, or the smaller one when the window's share has risen."""
    if share is None or share[1] <= 0:
        return config.factor
    negative, total = share
    if usual_share is None:  # no history of the share: a mostly negative window
        risen = total >= config.min_count and negative / total >= SHARE_MIN
    else:
        usual = min(max(usual_share, 1e-6), 1 - 1e-6)
        risen = bool(binom.sf(negative - 1, total, usual) < P_SHARE)
    return max(1.5, config.factor / 2) if risen else config.factor


CHUNK = 4096  # boundaries assessed at once: bounds the memory of the baseline samples


def _replay_arrays(series: Sequence[tuple[datetime, float]], config: RuleConfig,
                   step_minutes: int | None, after: datetime | None = None
                   ) -> tuple[datetime, np.ndarray, _Assessment] | None:
    """Every evaluation boundary (later than `after`) at once: (origin, end indexes, outcome)."""
    if not series:
        return None
    bucket = timedelta(minutes=config.bucket_minutes)
    origin = min(t for t, _ in series)
    last = max(t for t, _ in series)
    values = np.zeros(int((last - origin) // bucket) + 1)
    for moment, value in series:
        values[int((moment - origin) // bucket)] += float(value)
    step = max(1, (step_minutes or config.bucket_minutes) // config.bucket_minutes)
    first = config.window_buckets
    if after is not None:
        first = max(first, int((after - origin) // bucket) + 1)
    ends = np.arange(first, len(values) + 1, step)
    if len(ends) == 0:
        return None
    dense = _Series(values, origin, config)
    parts = [_assess(dense, ends[i:i + CHUNK], config.factor)
             for i in range(0, len(ends), CHUNK)]
    joined = _Assessment(*(np.concatenate([getattr(p, f.name) for p in parts])
                           for f in fields(_Assessment)))
    return origin, ends, joined


def _run(origin: datetime, ends: np.ndarray, result: _Assessment, config: RuleConfig,
         scope: str) -> list[Event]:
    bucket = timedelta(minutes=config.bucket_minutes)
    state, events = ScopeState(), []
    for i, end in enumerate(ends):
        state, event = _step(state, origin + int(end) * bucket, result, i, config, scope)
        if event is not None:
            events.append(event)
    return events


def replay(series: Sequence[tuple[datetime, float]], config: RuleConfig, scope: str = "overall",
           step_minutes: int | None = None) -> list[Event]:
    """The events the rule would have raised over a series, evaluated with only the past."""
    arrays = _replay_arrays(series, config, step_minutes)
    return [] if arrays is None else _run(*arrays, config, scope)


@dataclass(frozen=True)
class Backtest:
    """A replay from `since` on, with what it saw at each boundary (for the rule page's chart)."""

    events: list[Event]
    times: list[datetime]  # window ends
    observed: list[float]
    expected: list[float]


def backtest(series: Sequence[tuple[datetime, float]], config: RuleConfig, since: datetime,
             scope: str = "overall") -> Backtest:
    """Replay only the boundaries after `since`; earlier buckets serve as history."""
    arrays = _replay_arrays(series, config, None, after=since)
    if arrays is None:
        return Backtest([], [], [], [])
    origin, ends, result = arrays
    bucket = timedelta(minutes=config.bucket_minutes)
    return Backtest(_run(origin, ends, result, config, scope),
                    [origin + int(e) * bucket for e in ends], result.observed.tolist(),
                    result.expected.tolist())


# -- the state machine ---------------------------------------------------------------------

def _step(state: ScopeState, at: datetime, result: _Assessment, i: int, config: RuleConfig,
          scope: str) -> tuple[ScopeState, Event | None]:
    spike, elevated = bool(result.spike[i]), bool(result.elevated[i])
    cooled = (state.last_fired_at is None
              or at - state.last_fired_at >= timedelta(minutes=config.cooldown_minutes))
    firing, cooldown = AlertState.FIRING.value, AlertState.COOLDOWN.value
    if state.state == AlertState.CLEAR.value or (state.state == cooldown and cooled):
        if spike:
            return ScopeState(firing, at, at), _event(AlertKind.SPIKE, at, result, i, config,
                                                      scope)
        return ScopeState(), None
    if state.state == cooldown:
        return (ScopeState(firing, at, state.last_fired_at) if spike else state), None
    # firing
    announced = state.last_fired_at is not None and state.since == state.last_fired_at
    if not elevated:
        event = _event(AlertKind.ALL_CLEAR, at, result, i, config, scope) if announced else None
        return ScopeState(cooldown, at, state.last_fired_at), event
    if not announced and cooled and spike:
        return ScopeState(firing, at, at), _event(AlertKind.SPIKE, at, result, i, config, scope)
    return state, None


def _event(kind: AlertKind, at: datetime, result: _Assessment, i: int, config: RuleConfig,
           scope: str) -> Event:
    observed, expected = float(result.observed[i]), float(result.expected[i])
    return Event(fired_at=at, kind=kind.value, observed=observed, expected=expected,
                 rule=config.name, scope=scope,
                 reason=_reason(kind, at, result, i, config))


def _reason(kind: AlertKind, at: datetime, result: _Assessment, i: int,
            config: RuleConfig) -> str:
    observed, expected = float(result.observed[i]), float(result.expected[i])
    minutes = config.window_buckets * config.bucket_minutes
    start = at - timedelta(minutes=minutes)
    when = f"{WEEKDAYS[start.weekday()]} {start:%H:%M} UTC"
    method = METHODS[int(result.method[i])]
    usual = {"seasonal": f"the usual {expected:.1f} for {when}",
             "cold-start": f"the usual {expected:.1f} (cold start: the last 24 h)",
             "no-history": f"the cold-start bar of {expected:.0f} (no history yet)"}[method]
    if kind is AlertKind.ALL_CLEAR:
        return f"back to {observed:g} mentions in {minutes} min, against {usual}"
    ratio = f"{observed / expected:.1f}x" if expected > 0 else "far above"
    text = f"{observed:g} mentions in {minutes} min, {ratio} {usual}"
    tail = int(result.tail[i])
    if 0 < tail < config.window_buckets:
        text += (f"; {float(result.tail_observed[i]):g} in the last "
                 f"{tail * config.bucket_minutes} min against {float(result.tail_expected[i]):.1f}")
    return text
