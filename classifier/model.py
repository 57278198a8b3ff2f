"""The trained model at run time: features, sentiment and complaint scores, the rubric.

Scores come from `inference.FastScorer` (plain numpy arrays), so running the model never imports
scikit-learn; training does (classifier/training.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from classifier import lexicons, urgency
from classifier.cues import SARCASM_EMOJI
from classifier.inference import FastScorer
from classifier.labels import SENTIMENTS, Labels, TextInput
from classifier.language import LanguageDetector

COMPLAINT_THRESHOLD = 0.5
# Languages with labelled sentiment training data; for others the lexicons get a say.
TRAINED_LANGUAGES = frozenset({"en", "es", "fr", "de", "it", "pt", "ar", "hi"})
LEXICON_WEIGHT = 0.5
# Rubric reasons that by themselves report a problem with the service (so: a complaint).
PROBLEM_CODES = frozenset({"safety", "account_security", "fraud", "data_exposure", "outage",
                           "money_lost"})


def lexicon_sentiment(text: str) -> np.ndarray | None:
    """A sentiment distribution from lexicon hits, or None when no polar word hits."""
    counts = lexicons.sentiment_counts(lexicons.fold(text))
    pos, neg = counts["positive"] + counts["thanks"] * 0.5, counts["negative"]
    if pos == neg == 0:
        return None
    if neg > pos:
        return np.array([0.8, 0.15, 0.05])
    if pos > neg:
        return np.array([0.05, 0.15, 0.8])
    return np.array([0.4, 0.2, 0.4])


def _encodable(item: TextInput) -> TextInput:
    """The input with lone surrogates (valid in a Python str, e.g. from JSON "\\ud800", but not
    in UTF-8) replaced, so one hostile text cannot fail the whole batch in lingua or hashing."""
    if item.text.isascii():
        return item
    try:
        item.text.encode("utf-8")
    except UnicodeEncodeError:
        return replace(item, text="".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch
                                          for ch in item.text))
    return item


def is_sarcastic(text: str) -> bool:
    """An explicit sarcasm marker: 🙄-like emoji, #sarcasm, "thanks for nothing" and kin."""
    folded = lexicons.fold(text)
    return any(ch in SARCASM_EMOJI for ch in text) or lexicons.has_sarcasm(folded, hints=False)


def turn_sarcasm(texts: Sequence[str], sent: np.ndarray) -> np.ndarray:
    """Swap positive and negative where an explicit sarcasm marker sits on apparent praise.

    "Oh great, thanks for nothing 🙄" reads as praise to a bag of words; the marker says otherwise.
    """
    for i, text in enumerate(texts):
        if sent[i, 2] > sent[i, 0] and is_sarcastic(text):
            sent[i] = sent[i, [2, 1, 0]]
    return sent


class TrainedModel:
    """Labels texts with the exported fast model (features, sentiment, complaint) and the rubric."""

    def __init__(self, scorer: FastScorer, meta: dict[str, Any], detector: LanguageDetector,
                 high_reach: int = urgency.HIGH_REACH_FOLLOWERS) -> None:
        self.scorer = scorer
        self.meta = meta
        self.detector = detector
        self.high_reach = high_reach
        self.version = str(meta["version"])
        self._order = [scorer.sentiment_classes.index(s) for s in SENTIMENTS]

    def scores(self, texts: Sequence[str], langs: Sequence[str] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Sentiment probabilities (columns in SENTIMENTS order) and complaint probabilities.

        For a text in a language without sentiment training data, lexicon hits are blended in;
        explicit sarcasm markers turn apparent praise around.
        """
        rows = self.scorer.transform(texts)
        sent = self.scorer.sentiment_proba(rows)[:, self._order]
        for i, lang in enumerate(langs or ()):
            if lang not in TRAINED_LANGUAGES:
                prior = lexicon_sentiment(texts[i])
                if prior is not None:
                    sent[i] = (1 - LEXICON_WEIGHT) * sent[i] + LEXICON_WEIGHT * prior
        sent = turn_sarcasm(texts, sent)
        comp = self.scorer.complaint_proba(rows, sent)
        return sent, comp

    def predict(self, inputs: Sequence[TextInput]) -> list[Labels]:
        """Label a batch; the same input always gives the same labels."""
        if not inputs:
            return []
        inputs = [_encodable(item) for item in inputs]
        langs = [item.lang or self.detector.detect(item.text) for item in inputs]
        sent, comp = self.scores([item.text for item in inputs], langs)
        return [self._labels(item, lang, s, float(c))
                for item, lang, s, c in zip(inputs, langs, sent, comp, strict=True)]

    def _labels(self, item: TextInput, lang: str, sent: np.ndarray, comp: float) -> Labels:
        scores = {name: float(p) for name, p in zip(SENTIMENTS, sent, strict=True)}
        rubric = urgency.assess(item, comp, scores["negative"], scores["positive"],
                                self.high_reach)
        if PROBLEM_CODES & set(rubric.codes) and comp < COMPLAINT_THRESHOLD:
            # The rubric found a reported problem the (English-trained) model missed.
            comp = COMPLAINT_THRESHOLD + 0.1 * len(PROBLEM_CODES & set(rubric.codes))
            rubric = urgency.assess(item, comp, scores["negative"], scores["positive"],
                                    self.high_reach)
        return Labels(
            lang=lang,
            sentiment=SENTIMENTS[int(np.argmax(sent))],
            sentiment_scores=scores,
            complaint=comp >= COMPLAINT_THRESHOLD,
            complaint_score=comp,
            urgency=rubric.level,
            urgency_score=rubric.score,
            reasons=rubric.reasons,
            reason_codes=rubric.codes,
        )
