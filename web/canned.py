"""Canned responses managed by leads: a name, one body per language, known placeholders only."""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import groupby
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import CannedResponse
from earful.work.audit import apply_changes, audit
from earful.work.replies import PLACEHOLDERS, placeholder_error
from web.auth import role_required
from web.db import get_db

bp = Blueprint("canned", __name__, url_prefix="/canned")
LANG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
MAX_BODY = 2000  # longer than any platform allows; the composer's counters do the exact check


def read_canned_form(form: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The submitted version (name, lang, body) and errors keyed by field."""
    values = {"name": form.get("name", "").strip(), "lang": form.get("lang", "").strip().lower(),
              "body": form.get("body", "").replace("\r\n", "\n").strip()}
    errors: dict[str, str] = {}
    if not values["name"] or len(values["name"]) > 120:
        errors["name"] = "A name of 1-120 characters is required."
    if not LANG.match(values["lang"]):
        errors["lang"] = "A language code such as en or pt-br is required."
    if not values["body"]:
        errors["body"] = "The reply text is required."
    elif len(values["body"]) > MAX_BODY:
        errors["body"] = f"Keep replies under {MAX_BODY} characters."
    else:
        problem = placeholder_error(values["body"])
        if problem:
            errors["body"] = problem
    return values, errors


def _taken(session: Session, name: str, lang: str, canned_id: int | None) -> bool:
    existing = session.scalar(select(CannedResponse.id).where(
        CannedResponse.name == name, CannedResponse.lang == lang))
    return existing is not None and existing != canned_id


@bp.get("")
@role_required("lead")
def index() -> Any:
    rows = get_db().scalars(select(CannedResponse).order_by(
        CannedResponse.name, CannedResponse.lang)).all()
    groups = [(name, list(versions)) for name, versions in groupby(rows, key=lambda r: r.name)]
    return render_template("canned/index.html", groups=groups, placeholders=PLACEHOLDERS)


@bp.route("/new", methods=["GET", "POST"], defaults={"canned_id": None})
@bp.route("/<id:canned_id>", methods=["GET", "POST"])
@role_required("lead")
def edit(canned_id: int | None) -> Any:
    session = get_db()
    row = (session.get(CannedResponse, canned_id) or abort(404)) if canned_id else None
    if request.method == "GET":
        form = ({"name": row.name, "lang": row.lang, "body": row.body} if row else
                {"name": request.args.get("name", ""), "lang": request.args.get("lang", "en"),
                 "body": ""})
        return _form(row, form, {})
    values, errors = read_canned_form(request.form)
    if not errors and _taken(session, values["name"], values["lang"], canned_id):
        errors["lang"] = f"{values['name']} already has a {values['lang']} version."
    if errors:
        return _form(row, values, errors, 400)
    if row is None:
        row = CannedResponse(**values, created_by=current_user.id, updated_at=now())
        session.add(row)
        session.flush()
        audit(session, current_user.id, "canned.create", "canned_response", row.id, **values)
    else:
        if apply_changes(session, current_user.id, row, values, "canned.update",
                         "canned_response", name=values["name"], lang=values["lang"]):
            row.updated_at = now()
    session.commit()
    flash(f"Saved {row.name} ({row.lang}).", "info")
    return redirect(url_for("canned.index"))


def _form(row: CannedResponse | None, form: dict[str, str], errors: dict[str, str],
          status: int = 200) -> Any:
    return render_template("canned/edit.html", row=row, form=form, errors=errors,
                           placeholders=PLACEHOLDERS), status


@bp.post("/<id:canned_id>/delete")
@role_required("lead")
def delete(canned_id: int) -> Any:
    session = get_db()
    row = session.get(CannedResponse, canned_id) or abort(404)
    audit(session, current_user.id, "canned.delete", "canned_response", row.id,
          name=row.name, lang=row.lang, body=row.body)
    session.delete(row)
    session.commit()
    flash(f"Deleted {row.name} ({row.lang}).", "info")
    return redirect(url_for("canned.index"))
