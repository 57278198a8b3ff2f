"""Evaluation on the fixed test splits, beside the published figures in DATA.md."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, recall_score

from classifier import datasets

# (dataset, metric, published figure quoted from DATA.md, the bar)
PUBLISHED = {
    "complaints": ("macro-F1", "LR floor 81.4; transformers ~87; multi-task 88.2", 85.0),
    "airline": ("macro-F1", "LR floor 76.3; ~80% accuracy linear, 85%+ transformers", 80.0),
    "tweeteval": ("macro-recall", "SVM 62.9; RoBERTa-base 71.3; TimeLMs 73.7", 68.0),
    "xlmt-mean": ("mean macro-F1", "LR floor ~55; XLM-R multi 66.8; XLM-T multi 69.4", 62.0),
}
XLMT_PUBLISHED = {"ar": 66.9, "en": 70.6, "fr": 71.2, "de": 77.3, "hi": 56.4, "it": 69.1,
                  "pt": 75.4, "es": 67.9}


@dataclass(frozen=True)
class Row:
    """One line of the evaluation table."""

    dataset: str
    n: int
    accuracy: float
    metric_name: str
    metric: float
    published: str
    bar: float | None

    @property
    def met(self) -> str:
        return "-" if self.bar is None else ("yes" if self.metric >= self.bar else "no")


SentimentFn = Callable[[Sequence[str]], list[str]]
ComplaintFn = Callable[[Sequence[str]], list[str]]


def evaluate_public(data_dir: Path, sentiment: SentimentFn, complaint: ComplaintFn,
                    sets: tuple[list[datasets.Split], datasets.Split] | None = None) -> list[Row]:
    """Accuracy and the dataset's headline metric on every fixed test split in `data_dir`.

    `sets` (sentiment splits, complaints split) replaces the full test splits, e.g. with the
    accurate mode's fixed subsample.
    """
    data_dir = Path(data_dir)
    rows: list[Row] = []
    sent_splits, comp = sets or (datasets.sentiment_splits(data_dir, "test"),
                                 datasets.complaints(data_dir, "test"))
    pred = complaint(comp.texts)
    rows.append(_row("complaints", comp.labels, pred, "macro-F1"))
    xlmt: list[float] = []
    for split in sent_splits:
        pred = sentiment(split.texts)
        if split.name.startswith("xlmt-"):
            row = _row(split.name, split.labels, pred, "macro-F1")
            lang = split.name.split("-", 1)[1]
            row = Row(row.dataset, row.n, row.accuracy, row.metric_name, row.metric,
                      f"XLM-T multi {XLMT_PUBLISHED[lang]}", None)
            xlmt.append(row.metric)
        else:
            metric = "macro-recall" if split.name == "tweeteval" else "macro-F1"
            row = _row(split.name, split.labels, pred, metric)
        rows.append(row)
    name, published, bar = PUBLISHED["xlmt-mean"]
    n = sum(r.n for r in rows if r.dataset.startswith("xlmt-"))
    acc = float(np.mean([r.accuracy for r in rows if r.dataset.startswith("xlmt-")]))
    rows.append(Row("xlmt-mean", n, acc, name, float(np.mean(xlmt)), published, bar))
    return rows


def _row(name: str, truth: Sequence[str], pred: Sequence[str], metric: str) -> Row:
    acc = accuracy_score(truth, pred) * 100
    if metric == "macro-recall":
        value = recall_score(truth, pred, average="macro", zero_division=0) * 100
    else:
        value = f1_score(truth, pred, average="macro", zero_division=0) * 100
    published, bar = ("", None)
    if name in PUBLISHED:
        _, published, bar = PUBLISHED[name]
    return Row(name, len(truth), acc, metric, value, published, bar)  # unrounded: `met` is exact


def shown(value: float, bar: float | None) -> str:
    """One decimal, or two when one would round a miss up to the bar (84.96 is not 85)."""
    if bar is not None and value < bar <= round(value, 1):
        return f"{value:.2f}"
    return f"{value:.1f}"


def format_table(rows: Sequence[Row]) -> str:
    """A Markdown table of the rows."""
    lines = ["| dataset (test split) | n | accuracy | metric | value | published / floor "
             "| bar | met |",
             "| --- | ---: | ---: | --- | ---: | --- | ---: | --- |"]
    for r in rows:
        bar = "" if r.bar is None else f"{r.bar:.0f}"
        lines.append(f"| {r.dataset} | {r.n} | {r.accuracy:.1f} | {r.metric_name} | "
                     f"{shown(r.metric, r.bar)} | {r.published} | {bar} | {r.met} |")
    return "\n".join(lines)


def format_comparison(fast: Sequence[Row], accurate: Sequence[Row]) -> str:
    """A Markdown table of the fast and the accurate mode on the same texts."""
    lines = ["| dataset (test) | n | metric | fast | accurate | bar | accurate met "
             "| accurate better |",
             "| --- | ---: | --- | ---: | ---: | ---: | --- | --- |"]
    for f, a in zip(fast, accurate, strict=True):
        bar = "" if a.bar is None else f"{a.bar:.0f}"
        better = "yes" if a.metric > f.metric else ("same" if a.metric == f.metric else "no")
        lines.append(f"| {a.dataset} | {a.n} | {a.metric_name} | {shown(f.metric, f.bar)} | "
                     f"{shown(a.metric, a.bar)} | {bar} | {a.met} | {better} |")
    return "\n".join(lines)
