"""/admin/model: how well the classifier does on the team's own corrected labels.

The per-label precision/recall comes from the classifier's corrections evaluation when it exists
(`classifier.evaluate_corrections(model, examples)` returning
{field: {label: {"precision": p, "recall": r, "support": n}}}); until then the page shows how
many corrections there are per field and label, which is what that evaluation will learn from.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earful.models import LabelCorrection, Mention
from web.auth import role_required
from web.context import ensure_model
from web.db import get_db, get_runtime

bp = Blueprint("model_quality", __name__)
MAX_EXAMPLES = 5000  # the newest corrections; bounds the page's work


def correction_counts(session: Session) -> list[tuple[str, str, int]]:
    """(field, corrected label, count), counted in SQL."""
    query = (select(LabelCorrection.field, LabelCorrection.new_value, func.count())
             .group_by(LabelCorrection.field, LabelCorrection.new_value)
             .order_by(LabelCorrection.field, LabelCorrection.new_value))
    return [(str(f), str(v), int(n)) for f, v, n in session.execute(query)]


def correction_examples(session: Session, limit: int = MAX_EXAMPLES) -> list[dict[str, Any]]:
    """The newest corrections as {text, lang, field, label} for the classifier's evaluation."""
    query = (select(Mention.text, Mention.lang, LabelCorrection.field, LabelCorrection.new_value)
             .join(Mention, Mention.id == LabelCorrection.mention_id)
             .order_by(LabelCorrection.created_at.desc(), LabelCorrection.id.desc())
             .limit(limit))
    return [{"text": t, "lang": lang, "field": f, "label": v}
            for t, lang, f, v in session.execute(query)]


def find_evaluator() -> Callable[..., dict[str, Any]] | None:
    """The classifier's corrections evaluation, if this version of it has one."""
    found = getattr(importlib.import_module("classifier"), "evaluate_corrections", None)
    return found if callable(found) else None


@bp.get("/admin/model")
@role_required("lead")
def index() -> Any:
    session = get_db()
    counts = correction_counts(session)
    evaluator = find_evaluator()
    report = None
    if evaluator is not None and counts:
        model = ensure_model(get_runtime()).model
        report = evaluator(model, correction_examples(session))
    return render_template("admin/model.html", counts=counts, report=report,
                           pending=evaluator is None, total=sum(n for _f, _v, n in counts))
