"""The trained model at run time: features, sentiment and complaint scores, the rubric.

Scores come from `inference.FastScorer` (plain numpy arrays), so running the model never imports
scikit-learn; training does (classifier/training.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from classifier import lexicons, rubric_words, urgency
from classifier.cues import SARCASM_EMOJI
from classifier.inference import FastScorer
from classifier.labels import SENTIMENTS, Labels, TextInput
from classifier.language import LanguageDetector

COMPLAINT_THRESHOLD = 0.5
# Languages with labelled sentiment training data; for others the lexicons get a say.
TRAINED_LANGUAGES = frozenset({"en", "es", "fr", "de", "it", "pt", "ar", "hi"})
LEXICON_WEIGHT = 0.5
# Rubric reasons that by themselves report a problem with the service, or a demand that
# something be done (so: a complaint, even with no negative word: "I'm writing to the consumer
# authority", "this is my last month with you").
PROBLEM_CODES = frozenset({"safety", "account_security", "fraud", "data_exposure", "outage",
                           "money_lost", "time_bound", "cancel_threat", "legal_threat"})
# Where a problem reason lifts a complaint score the model put lower: just past the threshold,
# a little more for each further reason, so a ranked list still sorts by the model's view.
RUBRIC_FLOOR = COMPLAINT_THRESHOLD + 0.05
# Where a how-to question or litotes with no problem word was scored a complaint: just below.
BENIGN_CEILING = COMPLAINT_THRESHOLD - 0.05


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


def problem_codes(text: str, complaint: float, positive: float) -> list[str]:
    """The rubric's problem reasons in a text, unless it reads as plain praise (as in
    `urgency.assess`: "thanks for fixing the outage!" reports no outage)."""
    folded = lexicons.fold(text)
    praise = urgency.is_praise(text, folded, complaint, positive)
    return [code for code in lexicons.reported_problems(folded) if code in PROBLEM_CODES
            and (not praise or code in rubric_words.PRAISE_PROOF)]


def rubric_floor(texts: Sequence[str], comp: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """Complaint scores lifted past the threshold where the rubric finds a reported problem,
    and put just below it for a how-to question or litotes that reports none.

    The reasons and the complaint decision then agree: a post rated critical for fraud, or
    high for a threat to go to the regulator, is a complaint in every language, whatever the
    (mostly English-trained) model made of its words.
    """
    comp = comp.copy()
    for i, text in enumerate(texts):
        codes = problem_codes(text, float(comp[i]), float(positive[i]))
        if codes:
            comp[i] = max(comp[i], RUBRIC_FLOOR + 0.05 * (len(codes) - 1))
        elif comp[i] >= COMPLAINT_THRESHOLD and lexicons.is_benign(lexicons.fold(text)):
            comp[i] = BENIGN_CEILING
    return comp


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
        """Sentiment probabilities (columns in SENTIMENTS order) and complaint scores, the
        latter past the threshold wherever the rubric finds a reported problem (`rubric_floor`).
        """
        sent, comp = self.model_scores(texts, langs)
        return sent, rubric_floor(texts, comp, sent[:, 2])

    def model_scores(self, texts: Sequence[str], langs: Sequence[str] | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """The fast model's own sentiment and complaint probabilities, before the rubric.

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
        return sent, self.scorer.complaint_proba(rows, sent)

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
