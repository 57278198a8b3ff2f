"""The classifier's contract: what goes in, what comes out.

Every model (the placeholder, the shipped model, a team-adapted model) takes `TextInput`s and
returns `Labels` with exactly this schema, so the rest of Earful never changes when the model does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

SENTIMENTS = ("negative", "neutral", "positive")
URGENCIES = ("critical", "high", "normal", "low")


@dataclass(frozen=True)
class TextInput:
    """One text to label, with the metadata that may raise its urgency."""

    text: str
    lang: str | None = None  # overrides detection when given
    author_followers: int | None = None
    recent_contacts: int = 0  # earlier unanswered posts by the same author in the last 24 h


@dataclass(frozen=True)
class Labels:
    """The labels of one text, in the stable output schema of `earful classify`."""

    lang: str
    sentiment: str
    sentiment_scores: dict[str, float]
    complaint: bool
    complaint_score: float
    urgency: str
    urgency_score: float
    reasons: list[str] = field(default_factory=list)
    reason_codes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object written by `earful classify` (without the echoed id)."""
        return {
            "lang": self.lang,
            "sentiment": self.sentiment,
            "sentiment_scores": {k: round(v, 4) for k, v in self.sentiment_scores.items()},
            "complaint": self.complaint,
            "complaint_score": round(self.complaint_score, 4),
            "urgency": self.urgency,
            "urgency_score": round(self.urgency_score, 4),
            "reasons": list(self.reasons),
            "reason_codes": list(self.reason_codes),
        }


class Model(Protocol):
    """Anything that labels texts."""

    version: str

    def predict(self, inputs: Sequence[TextInput]) -> list[Labels]: ...
