"""Scoring the model on the team's own corrected labels: precision and recall per label.

Plain Python (no scikit-learn), so the console's classifier page can show it without paying
for that import. Examples are (text, lang, field, label) with the complaint label spelled
"true"/"false", the same vocabulary the corrections are stored in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from classifier.labels import Labels, TextInput

FIELDS = ("sentiment", "complaint", "urgency")
Example = tuple[str, str, str, str]  # text, lang, field, corrected label


def predicted_value(labels: Labels, field: str) -> str:
    """A prediction in the corrections' vocabulary."""
    value = getattr(labels, field)
    if field == "complaint":
        return "true" if value else "false"
    return str(value)


def per_label(truth: Sequence[str], pred: Sequence[str]) -> dict[str, dict[str, Any]]:
    """{label: {precision, recall, f1, support}}; precision is None when never predicted."""
    report: dict[str, dict[str, Any]] = {}
    for label in sorted(set(truth) | set(pred)):
        hits = sum(1 for t, p in zip(truth, pred, strict=True) if t == p == label)
        predicted = sum(1 for p in pred if p == label)
        support = sum(1 for t in truth if t == label)
        precision = hits / predicted if predicted else None
        recall = hits / support if support else None
        f1 = (2 * precision * recall / (precision + recall)
              if precision and recall else 0.0)
        report[label] = {"precision": precision, "recall": recall, "f1": f1,
                         "support": support}
    return report


def evaluate_corrections(model: Any, examples: Sequence[Example]
                         ) -> dict[str, dict[str, dict[str, Any]]]:
    """{field: {label: figures}} for the fields that have corrections."""
    if not examples:
        return {}
    labels = model.predict([TextInput(text=text, lang=None if lang in ("", "und") else lang)
                            for text, lang, _field, _label in examples])
    report: dict[str, dict[str, dict[str, Any]]] = {}
    for field in FIELDS:
        pairs = [(label, predicted_value(predicted, f))
                 for (_t, _l, f, label), predicted in zip(examples, labels, strict=True)
                 if f == field]
        if pairs:
            report[field] = per_label([t for t, _ in pairs], [p for _, p in pairs])
    return report
