"""The spike detector: seasonal baseline, low volume, cold start, state machine, replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from earful.work.spikes import (
    Event,
    RuleConfig,
    ScopeState,
    baseline,
    evaluate,
    replay,
    share_factor,
)

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
BUCKET = timedelta(minutes=5)
PER_DAY = 288
CONFIG = RuleConfig(name="Negative spike")


def seasonal(days: int, peak: float = 8.0, seed: int = 3) -> np.ndarray:
    """Poisson counts with quiet nights, an afternoon peak and weekends at 60 %."""
    minutes = np.arange(days * PER_DAY) * 5
    hours = (minutes % 1440) / 60
    rate = peak * (0.55 - 0.45 * np.cos(2 * np.pi * (hours - 3) / 24))
    rate *= np.where((minutes // 1440) % 7 >= 5, 0.6, 1.0)
    return np.random.default_rng(seed).poisson(rate).astype(float)


def as_series(values: np.ndarray) -> list[tuple[datetime, float]]:
    return [(START + i * BUCKET, float(v)) for i, v in enumerate(values)]


def spikes(events: list[Event]) -> list[Event]:
    return [e for e in events if e.kind == "spike"]


def test_a_steady_fortnight_with_daily_and_weekly_cycles_raises_no_alert() -> None:
    assert replay(as_series(seasonal(14)), CONFIG) == []


def test_a_burst_fires_once_within_one_interval_then_clears() -> None:
    values = seasonal(21)
    start = 20 * PER_DAY + 14 * 12  # day 21, 14:00
    values[start:start + 6] *= 10  # an outage: half an hour at ten times the usual
    events = replay(as_series(values), CONFIG)
    began = START + start * BUCKET
    assert [e.kind for e in events] == ["spike", "all_clear"]
    assert began < events[0].fired_at <= began + BUCKET
    assert events[0].observed >= CONFIG.min_count and events[0].expected > 0
    assert "mentions in 15 min" in events[0].reason and "Saturday" not in events[0].reason
    assert events[1].fired_at > began + 6 * BUCKET
    assert events[0].as_json()["fired_at"] == events[0].fired_at.isoformat()


def test_flapping_within_the_cooldown_gives_one_alert() -> None:
    values = seasonal(21)
    first = 20 * PER_DAY + 14 * 12
    for offset in (0, 5, 10):  # 10 minutes on, 15 off, three times: inside the cooldown
        values[first + offset:first + offset + 2] *= 10
    config = RuleConfig(name="Negative spike", cooldown_minutes=90)
    events = replay(as_series(values), config)
    assert len(spikes(events)) == 1
    # It subsided after the first burst (the all-clear), then re-entered firing silently.
    assert [e.kind for e in events] == ["spike", "all_clear"]
    assert events[1].fired_at <= START + (first + 5) * BUCKET


def test_a_resurgence_after_the_cooldown_alerts_again() -> None:
    values = seasonal(21)
    first = 20 * PER_DAY + 12 * 12
    for offset in (0, 24):  # two hours apart
        values[first + offset:first + offset + 3] *= 6
    assert len(spikes(replay(as_series(values), CONFIG))) == 2


def test_low_volume_does_not_fire_on_five() -> None:
    values = np.tile([1.0, 2.0], 21 * PER_DAY // 2)
    values[-20] = 5.0
    assert replay(as_series(values), CONFIG) == []


def test_quiet_hours_still_fire_on_a_real_spike() -> None:
    values = np.zeros(21 * PER_DAY)
    values[-10:-7] = [5.0, 6.0, 5.0]  # 16 in 15 minutes when nobody writes at all
    assert len(spikes(replay(as_series(values), CONFIG))) == 1


def test_a_low_volume_night_spike_is_caught_within_one_interval() -> None:
    values = seasonal(21)
    start = 19 * PER_DAY + 3 * 12  # Saturday 03:00: about half a mention a bucket
    values[start - 1] = 0.0
    values[start:start + 3] = 8.0
    events = replay(as_series(values), CONFIG)
    began = START + start * BUCKET
    assert [e.kind for e in spikes(events)] == ["spike"]
    # Caught at the first boundary, while the window still holds fewer than min_count: the
    # rule's minimum is a rate, and 8 in 5 minutes is on course for 24 in the window.
    assert events[0].fired_at == began + BUCKET
    assert events[0].observed < CONFIG.min_count and events[0].expected < 3


def test_a_quiet_channel_raises_nothing_for_a_month() -> None:
    # A tenth of the volume: mostly empty buckets, the odd 3 or 4 in 15 minutes.
    for seed in (3, 5):
        assert replay(as_series(seasonal(28, peak=0.8, seed=seed)), CONFIG) == []


def test_cold_start_without_history_needs_factor_times_min_count() -> None:
    at = START + timedelta(hours=1)
    window = {at - i * BUCKET: 9.0 for i in (1, 2, 3)}
    state, event = evaluate(window, at, CONFIG, ScopeState())
    assert event is None and state.state == "clear"
    assert baseline(window, at, CONFIG).method == "no-history"
    assert baseline(window, at, CONFIG).expected == CONFIG.min_count
    state, event = evaluate({k: 10.0 for k in window}, at, CONFIG, ScopeState())
    assert event is not None and event.kind == "spike" and state.state == "firing"
    assert "no history yet" in event.reason


def test_cold_start_uses_the_last_day_and_a_floor() -> None:
    counts = {START + i * BUCKET: 2.0 for i in range(PER_DAY)}
    at = START + PER_DAY * BUCKET
    found = baseline(counts, at, CONFIG)
    assert found.method == "cold-start" and found.expected == 6.0
    quiet = {START + i * BUCKET: 0.0 for i in range(PER_DAY)}
    assert baseline(quiet, at, CONFIG).expected == CONFIG.min_count / 2
    full = as_series(seasonal(14))
    assert baseline(dict(full), START + 14 * PER_DAY * BUCKET, CONFIG).method == "seasonal"


def test_evaluate_steps_agree_with_replay() -> None:
    values = seasonal(15)
    start = 14 * PER_DAY + 15 * 12
    values[start:start + 4] *= 5
    series = as_series(values)
    counts = dict(series)
    state, stepped = ScopeState(), []
    for i in range(14 * PER_DAY + 12 * 12, 14 * PER_DAY + 20 * 12):
        state, event = evaluate(counts, START + i * BUCKET, CONFIG, state)
        stepped += [event] if event else []
    replayed = [e for e in replay(series, CONFIG)
                if START + (14 * PER_DAY + 12 * 12) * BUCKET <= e.fired_at
                < START + (14 * PER_DAY + 20 * 12) * BUCKET]
    assert stepped == replayed and len(stepped) == 2


def test_a_mostly_negative_window_fires_on_a_smaller_rise() -> None:
    values = seasonal(21, peak=30)
    at_index = 20 * PER_DAY + 14 * 12
    counts, at = dict(as_series(values[:at_index])), START + at_index * BUCKET
    usual = baseline(counts, at, CONFIG).expected
    for i in (1, 2, 3):  # twice the usual: under the factor of 3
        counts[at - i * BUCKET] = round(2 * usual / 3)
    negative = 3 * round(2 * usual / 3)
    _, plain = evaluate(counts, at, CONFIG, ScopeState())
    _, shared = evaluate(counts, at, CONFIG, ScopeState(), share=(negative, negative * 1.2))
    assert plain is None and shared is not None and shared.kind == "spike"


def test_a_risen_share_lowers_the_factor_but_a_usually_negative_channel_does_not() -> None:
    values = seasonal(21, peak=30)
    at_index = 20 * PER_DAY + 14 * 12
    counts, at = dict(as_series(values[:at_index])), START + at_index * BUCKET
    usual = baseline(counts, at, CONFIG).expected
    for i in (1, 2, 3):  # twice the usual: under the factor of 3
        counts[at - i * BUCKET] = round(2 * usual / 3)
    negative = 3 * round(2 * usual / 3)
    window = (negative, negative / 0.8)  # 80 % of the window's mentions are negative
    _, risen = evaluate(counts, at, CONFIG, ScopeState(), window, usual_share=0.3)
    _, as_usual = evaluate(counts, at, CONFIG, ScopeState(), window, usual_share=0.8)
    assert risen is not None and risen.kind == "spike"
    assert as_usual is None
    # A rule counting every mention (share 1 always) never has a risen share.
    assert share_factor(CONFIG, (negative, negative), 1.0) == CONFIG.factor
    assert share_factor(CONFIG, (4, 5), 0.3) == CONFIG.factor  # 4 of 5: not significant


def test_replay_has_no_look_ahead() -> None:
    values = seasonal(21, seed=5)
    for start in (15 * PER_DAY + 150, 18 * PER_DAY + 170, 20 * PER_DAY + 160):
        values[start:start + 8] *= 5
    series = as_series(values)
    full = replay(series, CONFIG)
    assert len(spikes(full)) >= 3
    for cut in (18 * PER_DAY + 174, 20 * PER_DAY + 165):
        end = START + cut * BUCKET
        assert replay(series[:cut], CONFIG) == [e for e in full if e.fired_at <= end]


def test_scope_state_round_trips_and_tolerates_garbage() -> None:
    state = ScopeState("cooldown", START, START - timedelta(minutes=20))
    assert ScopeState.from_json(state.to_json()) == state
    for garbage in (None, "firing", 3, [], {"state": "boom"}, {}):
        assert ScopeState.from_json(garbage) == ScopeState()
    odd = ScopeState.from_json({"state": "firing", "since": "yesterday", "last_fired_at": 7})
    assert odd == ScopeState("firing", None, None)


def test_from_rule_reads_the_rule() -> None:
    from earful.models import AlertRule

    rule = AlertRule(name="x", window_minutes=10, baseline_days=7, min_count=5, factor=2.5,
                     cooldown_minutes=30)
    assert RuleConfig.from_rule(rule, 5) == RuleConfig("x", 10, 7, 5, 2.5, 30, 5)
