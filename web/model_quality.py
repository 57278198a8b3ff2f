"""/admin/model: how well the classifier does on the team's own corrected labels.

The figures come from the same evaluation as `earful evaluate --corrections`
(classifier.corrections.evaluate_corrections on the held-out slice of
earful.work.labels.latest_corrections), so the page and the command always agree.
Below them, the language parity table saved by the last `earful evaluate --parity`
(classifier/artifacts/parity.json), when there is one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from classifier import parity
from classifier.corrections import evaluate_corrections
from earful.models import LabelCorrection
from earful.work.labels import HOLDOUT_EVERY, latest_corrections
from web.auth import role_required
from web.context import ensure_model
from web.db import get_db, get_runtime

bp = Blueprint("model_quality", __name__)
MAX_EXAMPLES = 5000  # the newest corrections; bounds the page's work
PARITY_REPORT = parity.REPORT_FILE


def correction_counts(session: Session) -> list[tuple[str, str, int]]:
    """(field, corrected label, count), counted in SQL."""
    query = (select(LabelCorrection.field, LabelCorrection.new_value, func.count())
             .group_by(LabelCorrection.field, LabelCorrection.new_value)
             .order_by(LabelCorrection.field, LabelCorrection.new_value))
    return [(str(f), str(v), int(n)) for f, v, n in session.execute(query)]


@bp.get("/admin/model")
@role_required("lead")
def index() -> Any:
    session = get_db()
    counts = correction_counts(session)
    held = latest_corrections(session, held=True, limit=MAX_EXAMPLES)
    report = None
    if held:
        model = ensure_model(get_runtime()).model
        report = evaluate_corrections(model, [(e.text, e.lang, e.field, e.label) for e in held])
    return render_template("admin/model.html", counts=counts, report=report, held=len(held),
                           holdout_every=HOLDOUT_EVERY, total=sum(n for _f, _v, n in counts),
                           parity=parity_view(parity.read_report(PARITY_REPORT)))


def parity_view(report: parity.ParityReport | None) -> dict[str, Any] | None:
    """The saved parity report as the template shows it: cells already formatted."""
    if report is None:
        return None
    rows = []
    for row in report.rows:
        cells = [("ref." if t.metric == "agreement" and row.lang == parity.REFERENCE
                  else parity.shown(getattr(row, t.metric), t), t.met(getattr(row, t.metric)))
                 for t in parity.TARGETS]
        rows.append({"lang": row.lang, "n": row.n, "cells": cells, "missed": row.missed(),
                     "pooled": row.lang in (parity.ALL, parity.NON_ENGLISH)})
    return {"report": report, "targets": parity.TARGETS, "rows": rows,
            "summary": parity.summary(report), "languages": len(parity.LANGUAGES)}
