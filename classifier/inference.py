"""The fast model at run time: plain numpy arrays, no scikit-learn, no pickle.

Training fits scikit-learn estimators (classifier/training.py); `export` flattens them into
arrays (the IDF vector, the linear coefficients and intercepts, the class order) that
`artifacts_io` stores as an `.npz` read with `allow_pickle=False`, so loading a model never runs
code and never imports scikit-learn (about a second of the load-time budget). `FastScorer`
computes exactly what the estimators compute: the features of `TextFeatures.transform`, then
`SGDClassifier.predict_proba` for log loss (one-vs-rest sigmoids, normalised to sum to 1 for
three classes). tests/unit/test_classifier_inference.py checks both paths agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from classifier.cues import CUE_NAMES, cues, normalise
from classifier.hashing import hashed_counts

# How loudly the sentiment probabilities speak to the complaint model (stacked features).
SENTIMENT_FEATURE_WEIGHT = 1.0
ARRAYS = ("idf", "sentiment_coef", "sentiment_intercept", "sentiment_classes",
          "complaint_coef", "complaint_intercept", "complaint_classes")


@dataclass(frozen=True)
class Rows:
    """A batch of feature rows: sparse n-gram part (CSR parts) and the dense cue columns."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    cues: np.ndarray  # (n_texts, len(CUE_NAMES))

    def __len__(self) -> int:
        return len(self.indptr) - 1


def _linear(rows: Rows, coef: np.ndarray, intercept: np.ndarray,
            extra: np.ndarray | None = None) -> np.ndarray:
    """(n_texts, n_outputs) decision values of `[n-grams | cues | extra] @ coef.T + intercept`."""
    n_hash = int(coef.shape[1] - len(CUE_NAMES) - (0 if extra is None else extra.shape[1]))
    row_of = np.repeat(np.arange(len(rows)), np.diff(rows.indptr))
    out = np.empty((len(rows), coef.shape[0]), dtype=np.float64)
    for k in range(coef.shape[0]):
        out[:, k] = np.bincount(row_of, weights=coef[k, rows.indices] * rows.data,
                                minlength=len(rows))
    dense = rows.cues if extra is None else np.hstack([rows.cues, extra])
    out += dense @ coef[:, n_hash:].T.astype(np.float64)
    return out + intercept


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) without overflow for large |x| (scipy's expit, which run time avoids)."""
    return np.exp(-np.logaddexp(0.0, -x))


class FastScorer:
    """Features and probabilities of the fast model from its exported arrays."""

    def __init__(self, arrays: dict[str, np.ndarray], params: dict[str, Any]) -> None:
        missing = [name for name in ARRAYS if name not in arrays]
        if missing:
            raise ValueError(f"model arrays missing: {', '.join(missing)}")
        self.arrays = arrays
        self.params = params
        self.idf = arrays["idf"]
        self.sentiment_classes = [str(c) for c in arrays["sentiment_classes"]]
        self.complaint_classes = [str(c) for c in arrays["complaint_classes"]]
        n_word, n_char = int(params["n_word"]), int(params["n_char"])
        if self.idf.shape != (n_word + n_char,):
            raise ValueError(f"IDF vector has shape {self.idf.shape}, expected "
                             f"({n_word + n_char},)")
        width = n_word + n_char + len(CUE_NAMES)
        if arrays["sentiment_coef"].shape[1] != width or \
                arrays["complaint_coef"].shape[1] != width + 3:
            raise ValueError("coefficient shapes do not match the feature space")

    def transform(self, texts: Sequence[str]) -> Rows:
        """Sublinear tf, IDF, L2-normalised hashed n-grams beside the scaled cue columns."""
        p = self.params
        indptr, indices, counts = hashed_counts(
            [normalise(t) for t in texts], int(p["n_word"]), int(p["n_char"]),
            (int(p["char_range"][0]), int(p["char_range"][1])))
        data = (1.0 + np.log(counts)) * self.idf[indices]
        row_of = np.repeat(np.arange(len(texts)), np.diff(indptr))
        norms = np.sqrt(np.bincount(row_of, weights=data.astype(np.float64) ** 2,
                                    minlength=len(texts)))
        norms[norms == 0] = 1.0
        data = (data / norms[row_of]).astype(np.float32)
        cue = np.asarray([cues(t) for t in texts], dtype=np.float32).reshape(
            len(texts), len(CUE_NAMES)) * float(p["cue_weight"])
        return Rows(indptr, indices, data, cue)

    def sentiment_proba(self, rows: Rows) -> np.ndarray:
        """(n, 3) probabilities in `self.sentiment_classes` order."""
        prob = _sigmoid(_linear(rows, self.arrays["sentiment_coef"],
                                self.arrays["sentiment_intercept"]))
        return prob / prob.sum(axis=1, keepdims=True)

    def complaint_proba(self, rows: Rows, sentiment: np.ndarray) -> np.ndarray:
        """(n,) probability of the positive complaint class, stacked on the sentiment scores."""
        extra = sentiment.astype(np.float32) * SENTIMENT_FEATURE_WEIGHT
        positive = _sigmoid(_linear(rows, self.arrays["complaint_coef"],
                                    self.arrays["complaint_intercept"], extra)[:, 0])
        return positive if self.complaint_classes[-1] == "1" else 1.0 - positive


class LinearHead:
    """A fitted logistic regression as arrays: `classes_` and `predict_proba` like scikit-learn's
    (softmax over three or more classes, a sigmoid for two)."""

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, classes: np.ndarray) -> None:
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes_ = np.asarray(classes)
        if self.coef.shape[0] != (1 if len(self.classes_) == 2 else len(self.classes_)):
            raise ValueError("head coefficients do not match its classes")

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        decision = np.asarray(X, dtype=np.float64) @ self.coef.T + self.intercept
        if decision.shape[1] == 1:
            positive = _sigmoid(decision[:, 0])
            return np.column_stack([1.0 - positive, positive])
        exp = np.exp(decision - decision.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)


def export_heads(heads: dict[str, Any]) -> dict[str, np.ndarray]:
    """The accurate mode's two heads (logistic regressions or `LinearHead`s) as arrays."""
    arrays = {}
    for name in ("sentiment", "complaint"):
        head = heads[name]
        coef = getattr(head, "coef_", None)
        arrays[f"{name}_coef"] = np.asarray(head.coef if coef is None else coef, np.float32)
        intercept = getattr(head, "intercept_", None)
        arrays[f"{name}_intercept"] = np.asarray(
            head.intercept if intercept is None else intercept, np.float64)
        arrays[f"{name}_classes"] = np.asarray([str(c) for c in head.classes_])
    return arrays


def import_heads(arrays: dict[str, np.ndarray]) -> dict[str, LinearHead]:
    return {name: LinearHead(arrays[f"{name}_coef"], arrays[f"{name}_intercept"],
                             arrays[f"{name}_classes"]) for name in ("sentiment", "complaint")}


def export(bundle: dict[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Arrays and parameters of a trained bundle (scikit-learn estimators) for `FastScorer`."""
    features, sentiment, complaint = bundle["features"], bundle["sentiment"], bundle["complaint"]
    arrays = {
        "idf": np.asarray(features.idf_, dtype=np.float32),
        "sentiment_coef": np.asarray(sentiment.coef_, dtype=np.float32),
        "sentiment_intercept": np.asarray(sentiment.intercept_, dtype=np.float64),
        "sentiment_classes": np.asarray([str(c) for c in sentiment.classes_]),
        "complaint_coef": np.asarray(complaint.coef_, dtype=np.float32),
        "complaint_intercept": np.asarray(complaint.intercept_, dtype=np.float64),
        "complaint_classes": np.asarray([str(c) for c in complaint.classes_]),
    }
    params = {"n_word": features.n_word, "n_char": features.n_char,
              "char_range": list(features.char_range), "cue_weight": features.cue_weight,
              "sentiment_alpha": sentiment.alpha, "complaint_alpha": complaint.alpha,
              "sentiment_t": float(getattr(sentiment, "t_", 1.0)),
              "complaint_t": float(getattr(complaint, "t_", 1.0))}
    return arrays, params
