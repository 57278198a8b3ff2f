"""Spike alert rules: seeded from settings [alerts], edited by leads, previewed on history."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import Alert, AlertRule
from earful.settings import PLATFORMS, Settings
from earful.vocab import SENTIMENTS
from earful.work.alert_counts import align, stored_series
from earful.work.audit import apply_changes, audit
from earful.work.mail import is_address
from earful.work.spikes import RuleConfig, backtest
from web.auth import role_required
from web.charts import alert_chart
from web.db import get_db, get_runtime
from web.params import optional_int

bp = Blueprint("alert_rules", __name__, url_prefix="/alert-rules")
DEFAULT_RULE_NAME = "Negative spike"
# field -> (type, lowest allowed value); the upper bounds keep a typo from meaning "never".
NUMBERS: dict[str, tuple[type, float, float]] = {
    "window_minutes": (int, 1, 1440), "baseline_days": (int, 1, 90),
    "min_count": (int, 1, 100000), "factor": (float, 1.0, 100.0),
    "cooldown_minutes": (int, 0, 10080)}
FIELDS = ("name", "enabled", "sentiment", "platform", *NUMBERS, "recipients")
DEFAULT_PREVIEW_DAYS, MAX_PREVIEW_DAYS = 7, 30


def seed_alert_rules(session: Session, settings: Settings) -> AlertRule | None:
    """Create the default rule from settings [alerts] when there are no rules; return it."""
    if session.scalar(select(func.count()).select_from(AlertRule)):
        return None
    defaults = settings.alerts
    rule = AlertRule(name=DEFAULT_RULE_NAME, enabled=True, sentiment="negative", platform=None,
                     window_minutes=defaults.window_minutes, baseline_days=defaults.baseline_days,
                     min_count=defaults.min_count, factor=defaults.factor,
                     recipients=",".join(defaults.recipients), cooldown_minutes=60)
    session.add(rule)
    session.flush()
    audit(session, None, "alert_rule.seed", "alert_rule", rule.id, name=rule.name)
    return rule


def read_rule_form(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The submitted rule fields (as typed, where invalid) and errors keyed by field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "name": form.get("name", "").strip(),
        "enabled": form.get("enabled") == "on",
        "sentiment": form.get("sentiment", "negative"),
        "platform": form.get("platform", "") or None,
    }
    if not values["name"] or len(values["name"]) > 120:
        errors["name"] = "A name of 1-120 characters is required."
    if values["sentiment"] not in SENTIMENTS:
        errors["sentiment"] = f"Sentiment must be one of {', '.join(SENTIMENTS)}."
    if values["platform"] is not None and values["platform"] not in PLATFORMS:
        errors["platform"] = "Choose a platform or 'all platforms'."
    for field, (kind, low, high) in NUMBERS.items():
        raw = form.get(field, "").strip()
        try:
            if not raw.isascii() or len(raw) > 20:  # int() reads "٣" as 3
                raise ValueError(raw)
            number = kind(raw)
        except ValueError:
            values[field], errors[field] = raw, "Enter a number."
            continue
        values[field] = number
        if not low <= number <= high:
            errors[field] = f"Enter a number from {low:g} to {high:g}."
    addresses = [a.strip() for a in re.split(r"[\s,;]+", form.get("recipients", "")) if a.strip()]
    bad = [a for a in addresses if not is_address(a)]
    if bad:
        errors["recipients"] = f"Not an e-mail address: {bad[0]}"
    values["recipients"] = ",".join(addresses) if not bad else form.get("recipients", "")
    return values, errors


def _name_taken(session: Session, name: str, rule_id: int | None) -> bool:
    existing = session.scalar(select(AlertRule.id).where(AlertRule.name == name))
    return existing is not None and existing != rule_id


@bp.get("")
@role_required("lead")
def index() -> Any:
    rules = get_db().scalars(select(AlertRule).order_by(AlertRule.name)).all()
    return render_template("alert_rules/index.html", rules=rules)


@bp.route("/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/<id:rule_id>", methods=["GET", "POST"])
@role_required("lead")
def edit(rule_id: int | None) -> Any:
    session = get_db()
    rule = (session.get(AlertRule, rule_id) or abort(404)) if rule_id else None
    if request.method == "GET" and request.args.get("preview"):
        # The form's unsaved values come back as GET parameters: tune, look, then save.
        values, errors = read_rule_form(request.args)
        preview = None if set(errors) & set(NUMBERS) else _preview(session, values)
        return _form(rule, values, errors, preview=preview)
    if request.method == "GET":
        form = ({f: getattr(rule, f) for f in FIELDS} if rule else
                {"name": "", "enabled": True, "sentiment": "negative", "platform": None,
                 **{f: AlertRule.__table__.c[f].default.arg for f in NUMBERS}, "recipients": ""})
        return _form(rule, form, {})
    values, errors = read_rule_form(request.form)
    if "name" not in errors and _name_taken(session, values["name"], rule_id):
        errors["name"] = "Another rule has this name."
    if errors:
        return _form(rule, values, errors, 400)
    if rule is None:
        rule = AlertRule(**values)
        session.add(rule)
        session.flush()
        audit(session, current_user.id, "alert_rule.create", "alert_rule", rule.id, **values)
    else:
        apply_changes(session, current_user.id, rule, {f: values[f] for f in FIELDS},
                      "alert_rule.update", "alert_rule", name=values["name"])
    session.commit()
    flash(f"Saved rule {rule.name}.", "info")
    return redirect(url_for("alert_rules.index"))


def _form(rule: AlertRule | None, form: dict[str, Any], errors: dict[str, str],
          status: int = 200, preview: dict[str, Any] | None = None) -> Any:
    days = _preview_days(request.args)
    return render_template("alert_rules/edit.html", rule=rule, form=form, errors=errors,
                           sentiments=SENTIMENTS, platforms=PLATFORMS, preview=preview,
                           preview_days=days, max_preview_days=MAX_PREVIEW_DAYS), status


def _preview_days(args: Mapping[str, str]) -> int:
    days = optional_int(args.get("preview_days"), name="preview_days", maximum=100000)
    return DEFAULT_PREVIEW_DAYS if days is None else min(MAX_PREVIEW_DAYS, days)


def _preview(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """The backtest of the form's values over the last N days (N <= 30: bounded work)."""
    bucket = get_runtime().settings.alerts.bucket_minutes
    config = RuleConfig(name=values["name"] or "this rule",
                        window_minutes=values["window_minutes"],
                        baseline_days=values["baseline_days"], min_count=values["min_count"],
                        factor=values["factor"], cooldown_minutes=values["cooldown_minutes"],
                        bucket_minutes=bucket)
    days = _preview_days(request.args)
    until = align(now(), bucket)
    since = until - timedelta(days=days)
    series = stored_series(session, since, until, bucket, config.baseline_days,
                           sentiment=values["sentiment"], platform=values["platform"])
    result = backtest(series, config, since)
    marks = [(e.fired_at, e.kind, f"{e.kind.replace('_', '-')} {e.fired_at:%Y-%m-%d %H:%M} UTC: "
              f"{e.reason}") for e in result.events]
    chart = alert_chart("alert-preview", f"{config.name}: mentions per {config.window_minutes}"
                        f" min window, last {days} days", result.times, result.observed,
                        result.expected, marks)
    spikes = sum(1 for e in result.events if e.kind == "spike")
    return {"chart": chart, "events": result.events, "spikes": spikes, "days": days,
            "bucket": bucket}


@bp.post("/<id:rule_id>/delete")
@role_required("lead")
def delete(rule_id: int) -> Any:
    session = get_db()
    rule = session.get(AlertRule, rule_id) or abort(404)
    if session.scalar(select(Alert.id).where(Alert.rule_id == rule.id).limit(1)):
        # Fired alerts point at their rule; deleting it would orphan that history.
        flash(f"{rule.name} has fired before; disable it instead of deleting it.", "error")
        return redirect(url_for("alert_rules.edit", rule_id=rule.id))
    audit(session, current_user.id, "alert_rule.delete", "alert_rule", rule.id, name=rule.name)
    session.delete(rule)
    session.commit()
    flash(f"Deleted rule {rule.name}.", "info")
    return redirect(url_for("alert_rules.index"))
