"""Admin pages: staff accounts (role, languages, active, replies-need-approval) and sources."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from earful.models import ROLES, Source, User
from earful.work.audit import apply_changes, audit
from earful.worker_status import worker_status
from listener.health import sync_sources
from listener.jobs import configured_sources
from web.auth import end_sessions, role_required
from web.db import get_db, get_runtime
from web.users import UserError, create_user

bp = Blueprint("admin", __name__, url_prefix="/admin")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
EDITABLE = ("display_name", "role", "languages", "needs_approval", "active")


def parse_languages(text: str) -> tuple[str, str | None]:
    """Normalise 'en, ES de' to 'en,es,de'; an error names the first bad code."""
    codes: list[str] = []
    for code in re.split(r"[\s,]+", text.strip().lower()):
        if not code:
            continue
        if not LANGUAGE.match(code):
            return text, f"{code!r} is not a language code such as en or pt-br."
        if code not in codes:
            codes.append(code)
    return ",".join(codes), None


def read_user_form(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The submitted account fields and any errors, keyed by field name."""
    errors: dict[str, str] = {}
    languages, language_error = parse_languages(form.get("languages", ""))
    if language_error:
        errors["languages"] = language_error
    values: dict[str, Any] = {
        "display_name": form.get("display_name", "").strip()[:120],
        "role": form.get("role", "agent"),
        "languages": languages,
        "needs_approval": form.get("needs_approval") == "on",
        "active": form.get("active") == "on",
        "password": form.get("password", ""),
    }
    if values["role"] not in ROLES:
        errors["role"] = f"Role must be one of {', '.join(ROLES)}."
    if values["password"] and len(values["password"]) < 8:
        errors["password"] = "Passwords need at least 8 characters."
    return values, errors


@bp.get("/users")
@role_required("admin")
def users() -> Any:
    return _users_page({"role": "agent", "active": True}, {})


def _users_page(form: dict[str, Any], errors: dict[str, str], status: int = 200) -> Any:
    rows = get_db().scalars(select(User).order_by(User.username)).all()
    return render_template("admin/users.html", users=rows, form=form, errors=errors,
                           roles=ROLES), status


@bp.post("/users")
@role_required("admin")
def create() -> Any:
    session = get_db()
    values, errors = read_user_form(request.form)
    values["username"] = request.form.get("username", "").strip()
    if not values["password"]:
        errors.setdefault("password", "A password is required.")
    if not errors:
        try:
            user = create_user(session, values["username"], values["password"], values["role"],
                               values["display_name"], values["languages"])
        except UserError as exc:
            errors["username"] = str(exc).capitalize() + "."
        else:
            user.needs_approval = values["needs_approval"]
            audit(session, current_user.id, "user.create", "user", user.id,
                  username=user.username, role=user.role, languages=user.languages,
                  needs_approval=user.needs_approval)
            session.commit()
            flash(f"Created {user.username}.", "info")
            return redirect(url_for("admin.users"))
    values.pop("password")
    return _users_page(values, errors, 400)


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int) -> Any:
    session = get_db()
    user = session.get(User, user_id) or abort(404)
    if request.method == "GET":
        form = {field: getattr(user, field) for field in EDITABLE}
        return render_template("admin/user_edit.html", user=user, form=form, errors={},
                               roles=ROLES)
    values, errors = read_user_form(request.form)
    values["display_name"] = values["display_name"] or user.username
    if user.id == current_user.id and (values["role"] != "admin" or not values["active"]):
        # Locking oneself out is never meant; and since only an active admin gets this far,
        # refusing it also means there is always an active admin left.
        errors["role"] = "You cannot demote or deactivate your own account."
    if errors:
        values.pop("password")
        return render_template("admin/user_edit.html", user=user, form=values, errors=errors,
                               roles=ROLES), 400
    extra = {}
    # A new password, another role or deactivation ends the user's sessions everywhere.
    ends_sessions = bool(values["password"]) or values["role"] != user.role or \
        (user.active and not values["active"])
    if values["password"]:
        user.password_hash = generate_password_hash(values["password"])
        user.failed_logins, user.locked_until = 0, None
        extra["password"] = ["", "reset"]  # never the password itself
    if apply_changes(session, current_user.id, user, {f: values[f] for f in EDITABLE},
                     "user.update", "user", extra=extra, username=user.username):
        if ends_sessions:
            end_sessions(session, user)
        session.commit()
        flash(f"Saved {user.username}.", "info")
    return redirect(url_for("admin.users"))


@bp.get("/sources")
@role_required("admin")
def sources() -> Any:
    rt = get_runtime()
    configs = configured_sources(rt.settings)
    rows = {row.name: row for row in get_db().scalars(select(Source))}
    return render_template("admin/sources.html", configs=configs, rows=rows,
                           workers=worker_status(rt.engine, rt.settings))


@bp.post("/sources/<name>/<any(pause, resume):action>")
@role_required("admin")
def set_paused(name: str, action: str) -> Any:
    session = get_db()
    config = next((c for c in configured_sources(get_runtime().settings) if c.name == name),
                  None) or abort(404)
    # A source that has never been polled has no row yet; pausing it must still stick.
    row = sync_sources(session, [config])[0]
    row.paused = action == "pause"
    audit(session, current_user.id, f"source.{action}", "source", row.id, name=row.name)
    session.commit()
    flash(f"{'Paused' if row.paused else 'Resumed'} {row.name}.", "info")
    return redirect(url_for("admin.sources"))
