"""The trained model: shared features, a sentiment and a complaint classifier, the rubric."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from classifier import urgency
from classifier.features import TextFeatures
from classifier.labels import SENTIMENTS, Labels, TextInput
from classifier.language import LanguageDetector

COMPLAINT_THRESHOLD = 0.5
SENTIMENT_FEATURE_WEIGHT = 1.0  # how loudly the sentiment probabilities speak to the complaint model


def complaint_matrix(X: sp.csr_matrix, sentiment_proba: np.ndarray) -> sp.csr_matrix:
    """Text features with the sentiment probabilities appended (stacked features)."""
    extra = sp.csr_matrix(sentiment_proba.astype(np.float32) * SENTIMENT_FEATURE_WEIGHT)
    return sp.hstack([X, extra], format="csr", dtype=np.float32)


class TrainedModel:
    """Labels texts with a fitted `TextFeatures`, sentiment and complaint classifiers."""

    def __init__(self, bundle: dict[str, Any], detector: LanguageDetector,
                 high_reach: int = urgency.HIGH_REACH_FOLLOWERS) -> None:
        self.bundle = bundle
        self.detector = detector
        self.high_reach = high_reach
        self.version = str(bundle["meta"]["version"])
        self.features: TextFeatures = bundle["features"]
        self.sentiment = bundle["sentiment"]
        self.complaint = bundle["complaint"]
        self._order = [list(self.sentiment.classes_).index(s) for s in SENTIMENTS]

    def scores(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Sentiment probabilities (columns in SENTIMENTS order) and complaint probabilities."""
        X = self.features.transform(texts)
        sent = self.sentiment.predict_proba(X)[:, self._order]
        comp = self.complaint.predict_proba(complaint_matrix(X, sent))[:, 1]
        return sent, comp

    def predict(self, inputs: Sequence[TextInput]) -> list[Labels]:
        """Label a batch; the same input always gives the same labels."""
        if not inputs:
            return []
        sent, comp = self.scores([item.text for item in inputs])
        return [self._labels(item, s, float(c)) for item, s, c in zip(inputs, sent, comp)]

    def _labels(self, item: TextInput, sent: np.ndarray, comp: float) -> Labels:
        scores = {name: float(p) for name, p in zip(SENTIMENTS, sent)}
        rubric = urgency.assess(item, comp, scores["negative"], scores["positive"],
                                self.high_reach)
        return Labels(
            lang=item.lang or self.detector.detect(item.text),
            sentiment=SENTIMENTS[int(np.argmax(sent))],
            sentiment_scores=scores,
            complaint=comp >= COMPLAINT_THRESHOLD,
            complaint_score=comp,
            urgency=rubric.level,
            urgency_score=rubric.score,
            reasons=rubric.reasons,
            reason_codes=rubric.codes,
        )
