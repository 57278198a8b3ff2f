"""Building the shipped model from public data, and adapting it with a team's corrections."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier

from classifier import datasets
from classifier.cues import CUE_NAMES
from classifier.features import TextFeatures
from classifier.inference import SENTIMENT_FEATURE_WEIGHT, FastScorer
from classifier.labels import SENTIMENTS

SEED = 0
SENTIMENT_ALPHA = 5e-6
COMPLAINT_ALPHA = 1e-4
AIRLINE_WEIGHT = 2.0  # the one customer-care sentiment set counts double in the union
CORRECTION_WEIGHT = 5.0  # a staff correction outweighs a public example
CORRECTION_EPOCHS = 5
FIELDS = ("sentiment", "complaint", "urgency")


@dataclass(frozen=True)
class Correction:
    """A staff label: the text, which field, and the right value."""

    text: str
    field: str
    value: str


def complaint_matrix(X: sp.csr_matrix, sentiment_proba: np.ndarray) -> sp.csr_matrix:
    """Text features with the sentiment probabilities appended (stacked features)."""
    extra = sp.csr_matrix(sentiment_proba.astype(np.float32) * SENTIMENT_FEATURE_WEIGHT)
    return sp.hstack([X, extra], format="csr", dtype=np.float32)


def _sgd(alpha: float, **kwargs: Any) -> SGDClassifier:
    return SGDClassifier(loss="log_loss", alpha=alpha, max_iter=50, tol=1e-4,
                         random_state=SEED, **kwargs)


def _shrink(clf: SGDClassifier) -> SGDClassifier:
    """float32 coefficients halve the artifact; prediction is unchanged to ~1e-7."""
    clf.coef_ = clf.coef_.astype(np.float32)
    clf.intercept_ = clf.intercept_.astype(np.float32)
    return clf


def fit_sentiment(X: sp.csr_matrix, labels: Sequence[str],
                  weights: np.ndarray | None = None) -> SGDClassifier:
    """Three-class sentiment on the union of the public sets."""
    return _shrink(_sgd(SENTIMENT_ALPHA).fit(X, np.asarray(labels), sample_weight=weights))


def fit_complaint(X: sp.csr_matrix, labels: Sequence[str]) -> SGDClassifier:
    """Binary complaint classifier ("1" complaint) on stacked text + sentiment features."""
    y = np.asarray(labels)
    return _shrink(_sgd(COMPLAINT_ALPHA, class_weight="balanced").fit(X, y))


def train_from_public_data(data_dir: Path) -> dict[str, Any]:
    """Fit features, sentiment and complaint models on the train splits in `data_dir`."""
    data_dir = Path(data_dir)
    sent_splits = datasets.sentiment_splits(data_dir, "train")
    comp = datasets.complaints(data_dir, "train")
    texts = [t for s in sent_splits for t in s.texts]
    labels = [lab for s in sent_splits for lab in s.labels]
    weights = np.concatenate([
        np.full(len(s.texts), AIRLINE_WEIGHT if s.name == "airline" else 1.0)
        for s in sent_splits])
    features = TextFeatures().fit(texts + comp.texts)
    sentiment = fit_sentiment(features.transform(texts), labels, weights)
    Xc = features.transform(comp.texts)
    sent_proba = sentiment.predict_proba(Xc)[:, [list(sentiment.classes_).index(s)
                                                 for s in SENTIMENTS]]
    complaint = fit_complaint(complaint_matrix(Xc, sent_proba), comp.labels)
    meta = {
        "version": "public-" + dt.date.today().isoformat(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "trained_on": {s.name: len(s.texts) for s in sent_splits} | {comp.name: len(comp.texts)},
        "kind": "shipped",
    }
    return {"features": features, "sentiment": sentiment, "complaint": complaint,
            "urgency": None, "meta": meta}


def _partial(clf: SGDClassifier, X: sp.csr_matrix, y: np.ndarray) -> SGDClassifier:
    clf = copy.deepcopy(clf)
    clf.coef_ = clf.coef_.astype(np.float64)
    clf.intercept_ = clf.intercept_.astype(np.float64)
    clf.class_weight = None  # "balanced" needs every class in each correction batch
    X = X.astype(np.float64)  # partial_fit needs the coefficients' dtype
    weights = np.full(len(y), CORRECTION_WEIGHT)
    rng = np.random.RandomState(SEED)
    for _ in range(CORRECTION_EPOCHS):
        order = rng.permutation(len(y))
        clf.partial_fit(X[order], y[order], sample_weight=weights[order])
    return _shrink(clf)


def bundle_from_scorer(scorer: FastScorer, meta: dict[str, Any]) -> dict[str, Any]:
    """The scikit-learn estimators behind exported arrays, ready to predict and `partial_fit`."""
    p = scorer.params
    features = TextFeatures(int(p["n_word"]), int(p["n_char"]),
                            (int(p["char_range"][0]), int(p["char_range"][1])),
                            float(p["cue_weight"]))
    features.idf_ = scorer.arrays["idf"]
    features.n_features_out_ = len(features.idf_) + len(CUE_NAMES)

    def estimator(name: str, alpha: float, **kwargs: Any) -> SGDClassifier:
        clf = _sgd(alpha, **kwargs)
        clf.classes_ = np.asarray(scorer.arrays[f"{name}_classes"])
        clf.coef_ = np.asarray(scorer.arrays[f"{name}_coef"], dtype=np.float32)
        clf.intercept_ = np.asarray(scorer.arrays[f"{name}_intercept"], dtype=np.float32)
        clf.n_features_in_ = clf.coef_.shape[1]
        clf.t_ = float(p.get(f"{name}_t", 1.0))
        return clf

    return {"features": features,
            "sentiment": estimator("sentiment", float(p["sentiment_alpha"])),
            "complaint": estimator("complaint", float(p["complaint_alpha"]),
                                   class_weight="balanced"),
            "urgency": None, "meta": {k: v for k, v in meta.items() if k != "params"}}


def adapt_with_corrections(base: dict[str, Any],
                           corrections: Iterable[Correction]) -> dict[str, Any]:
    """A new bundle: the base nudged towards the team's corrections (base left untouched)."""
    rows = [c for c in corrections if c.field in FIELDS and c.text.strip()]
    bundle = dict(base, meta=dict(base["meta"]))
    features: TextFeatures = base["features"]
    by_field = {f: [c for c in rows if c.field == f] for f in FIELDS}
    sent_rows = [c for c in by_field["sentiment"] if c.value in SENTIMENTS]
    if sent_rows:
        X = features.transform([c.text for c in sent_rows])
        bundle["sentiment"] = _partial(base["sentiment"], X, np.array([c.value for c in sent_rows]))
    comp_rows = [c for c in by_field["complaint"] if _as_bool(c.value) is not None]
    if comp_rows:
        X = features.transform([c.text for c in comp_rows])
        order = [list(bundle["sentiment"].classes_).index(s) for s in SENTIMENTS]
        proba = bundle["sentiment"].predict_proba(X)[:, order]
        y = np.array(["1" if _as_bool(c.value) else "0" for c in comp_rows])
        bundle["complaint"] = _partial(base["complaint"], complaint_matrix(X, proba), y)
    # Urgency comes from the rubric; its corrections are evaluated, not learned (yet).
    bundle["meta"].update(
        version=f"{base['meta']['version']}+team-{dt.date.today().isoformat()}-{len(rows)}",
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        kind="adapted", base_version=base["meta"]["version"],
        corrections={f: len(v) for f, v in by_field.items()},
    )
    return bundle


def _as_bool(value: str) -> bool | None:
    folded = str(value).strip().lower()
    if folded in ("1", "true", "yes", "complaint"):
        return True
    if folded in ("0", "false", "no", "not", "none"):
        return False
    return None


def _fast_proba(clf: SGDClassifier, X: sp.csr_matrix) -> np.ndarray:
    return clf.predict_proba(X)[:, [list(clf.classes_).index(s) for s in SENTIMENTS]]


def train_accurate(data_dir: Path, base: dict[str, Any], cache_dir: Path,
                   embedder: Any, folds: int = 2, progress: Any = None) -> dict[str, Any]:
    """The accurate mode's heads, on embeddings of fixed subsamples plus out-of-fold fast scores.

    The fast model saw every training text, so its scores on them are over-confident; the heads
    are instead shown scores from fast models refitted without the text's fold (same features,
    same settings), which is what they see at run time on unseen text.
    """
    from classifier import accurate

    d = head_training_data(data_dir, base, cache_dir, embedder, folds, progress)
    heads = accurate.fit_heads(
        accurate.head_matrix(d["emb_sent"], d["oof_sent"], d["sent_comp"]), d["y_sent"],
        accurate.head_matrix(d["emb_comp"], d["comp_sent"], d["oof_comp"]), d["y_comp"],
        sent_weights=d["w_sent"])
    heads["meta"]["base_version"] = base["meta"]["version"]
    heads["meta"]["trained_on"] = d["counts"]
    return heads


def head_training_data(data_dir: Path, base: dict[str, Any], cache_dir: Path,
                       embedder: Any, folds: int = 2, progress: Any = None) -> dict[str, Any]:
    """Embeddings, out-of-fold fast scores, labels and weights the heads are fitted on.

    `progress` (an `embeddings.Progress`) hears about each embedded chunk.
    """
    from classifier import accurate_data
    from classifier.embeddings import cached_embed

    data_dir = Path(data_dir)
    features: TextFeatures = base["features"]
    sent_splits = datasets.sentiment_splits(data_dir, "train")
    comp = datasets.complaints(data_dir, "train")
    texts = [t for s in sent_splits for t in s.texts]
    labels = np.asarray([lab for s in sent_splits for lab in s.labels])
    weights = np.concatenate([
        np.full(len(s.texts), AIRLINE_WEIGHT if s.name == "airline" else 1.0)
        for s in sent_splits])
    # Rows of the union that the heads train on (the fixed subsample of each split).
    rows, offset = [], 0
    for s in sent_splits:
        rows.append(offset + accurate_data.subsample_indices(
            len(s.texts), accurate_data.train_cap(s.name)))
        offset += len(s.texts)
    sub = np.concatenate(rows)
    rng = np.random.RandomState(SEED)
    fold_of = rng.randint(0, folds, size=len(sub))
    Xs = features.transform(texts)
    oof_sent = np.zeros((len(sub), len(SENTIMENTS)), dtype=np.float32)
    for k in range(folds):
        held = sub[fold_of == k]
        keep = np.setdiff1d(np.arange(len(texts)), held)
        clf = fit_sentiment(Xs[keep], labels[keep], weights[keep])
        oof_sent[fold_of == k] = _fast_proba(clf, Xs[held])
    Xc = features.transform(comp.texts)
    comp_sent = _fast_proba(base["sentiment"], Xc)  # complaint texts are not sentiment data
    yc = np.asarray(comp.labels)
    # Own generator: the complaint folds must not shift when the sentiment subsample changes.
    comp_fold = np.random.RandomState(SEED).randint(0, folds, size=len(yc))
    oof_comp = np.zeros(len(yc), dtype=np.float32)
    for k in range(folds):
        clf = fit_complaint(complaint_matrix(Xc[comp_fold != k], comp_sent[comp_fold != k]),
                            yc[comp_fold != k])
        oof_comp[comp_fold == k] = clf.predict_proba(
            complaint_matrix(Xc[comp_fold == k], comp_sent[comp_fold == k]))[:, 1]
    sent_comp = base["complaint"].predict_proba(complaint_matrix(Xs[sub], oof_sent))[:, 1]
    emb_sent = np.concatenate([
        cached_embed(embedder, [s.texts[i] for i in accurate_data.subsample_indices(
            len(s.texts), accurate_data.train_cap(s.name))], cache_dir, f"{s.name}-train",
            progress=progress)
        for s in sent_splits])
    emb_comp = cached_embed(embedder, comp.texts, cache_dir, "complaints-train",
                            progress=progress)
    counts = {"sentiment (subsample)": {s.name: len(r)
                                        for s, r in zip(sent_splits, rows, strict=True)},
              "complaints": len(yc)}
    return {"emb_sent": emb_sent, "oof_sent": oof_sent, "sent_comp": sent_comp,
            "y_sent": labels[sub], "w_sent": weights[sub], "emb_comp": emb_comp,
            "comp_sent": comp_sent, "oof_comp": oof_comp, "y_comp": yc, "counts": counts}
