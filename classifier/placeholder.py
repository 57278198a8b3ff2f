"""The placeholder model: real language detection, fixed neutral labels.

It fixes the output schema from day one so the CLI and the console work before a trained
model exists; `classifier.load_model` returns the trained model whenever one is available.
"""

from __future__ import annotations

from collections.abc import Sequence

from classifier.labels import Labels, TextInput
from classifier.language import LanguageDetector


class PlaceholderModel:
    """Detects the language; says neutral, not a complaint, low urgency."""

    version = "placeholder-1"

    def __init__(self, detector: LanguageDetector) -> None:
        self.detector = detector

    def predict(self, inputs: Sequence[TextInput]) -> list[Labels]:
        """Label every input with the placeholder's fixed judgement."""
        return [
            Labels(
                lang=item.lang or self.detector.detect(item.text),
                sentiment="neutral",
                sentiment_scores={"negative": 0.0, "neutral": 1.0, "positive": 0.0},
                complaint=False,
                complaint_score=0.0,
                urgency="low",
                urgency_score=0.0,
            )
            for item in inputs
        ]
