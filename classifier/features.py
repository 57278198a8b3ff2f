"""Text features: hashed word and character n-grams plus language-independent cues.

Hashing keeps the artifact free of a vocabulary (no dataset text is shipped) and makes the
feature space fixed, so a team-adapted model can reuse it. The cues (emoji, punctuation,
repeated letters, amounts of money, multilingual lexicon hits) carry signal into languages
that have no labelled training data.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer

from classifier import lexicons

URL_RE = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
HANDLE_RE = re.compile(r"@\w+")
REPEAT_RE = re.compile(r"(\w)\1{2,}")
MONEY_RE = re.compile(
    r"[$€£¥₹₽]\s?\d|\d\s?(?:[$€£¥₹₽]|usd|eur|gbp|lei|ron|euro|dollars?|rub|руб)", re.IGNORECASE)
CAPS_WORD_RE = re.compile(r"\b[A-Z]{3,}\b")
TOKEN_PATTERN = r"(?u)\w\w+|[^\w\s]"

POSITIVE_EMOJI = set("😀😁😂🤣😃😄😅😆😉😊😋😍😘🥰😎🙂🤗👍👏🙌💪🎉"
                     "❤💕💖💗💙💚💛💜🧡🔥✨⭐🌟😻💯🙏☺♥")
NEGATIVE_EMOJI = set("😠😡🤬😤😞😟😢😭😩😫😒🙄😑😐😕🙁☹😣😖😓😔💩👎🤮🤢😱😨😰💔")
SARCASM_EMOJI = set("🙄🙃😒")

CUE_NAMES = (
    "pos_emoji", "neg_emoji", "sarcasm_marker", "exclaim", "question", "caps", "repeat",
    "money", "url", "handle", "pos_words", "neg_words", "negation", "complaint_words",
    "thanks", "length",
)


def normalise(text: str) -> str:
    """Unescape HTML, map URLs and handles to placeholders, shorten letter runs."""
    text = html.unescape(text)
    text = URL_RE.sub(" http ", text)
    text = HANDLE_RE.sub("@user", text)
    return REPEAT_RE.sub(r"\1\1", text)


def cues(text: str) -> list[float]:
    """Language-independent cues of one raw text, each squashed into [0, 1]."""
    folded = lexicons.fold(text)
    counts = lexicons.sentiment_counts(folded)
    pos_e = sum(ch in POSITIVE_EMOJI for ch in text)
    neg_e = sum(ch in NEGATIVE_EMOJI for ch in text)
    sarcasm = any(ch in SARCASM_EMOJI for ch in text) or lexicons.has_sarcasm(folded)
    words = max(1, len(text.split()))
    values = [
        pos_e, neg_e, float(sarcasm), text.count("!"), text.count("?"),
        len(CAPS_WORD_RE.findall(text)) / words * 3, float(bool(REPEAT_RE.search(text))),
        float(bool(MONEY_RE.search(text))), float(bool(URL_RE.search(text))),
        float(bool(HANDLE_RE.search(text))), counts["positive"], counts["negative"],
        counts["negation"], counts["complaint"], counts["thanks"], len(text) / 140,
    ]
    return [min(v, 3.0) / 3.0 if i < len(values) - 1 else min(v, 2.0) / 2.0
            for i, v in enumerate(values)]


class TextFeatures(TransformerMixin, BaseEstimator):
    """Hashed word 1-2-grams + char_wb n-grams, IDF-weighted, plus scaled cue columns."""

    def __init__(self, n_word: int = 2**19, n_char: int = 2**20,
                 char_range: tuple[int, int] = (2, 5),
                 cue_weight: float = 1.0) -> None:
        self.n_word = n_word
        self.n_char = n_char
        self.char_range = char_range
        self.cue_weight = cue_weight

    def _vectorizers(self) -> tuple[HashingVectorizer, HashingVectorizer]:
        word = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=self.n_word,
                                 token_pattern=TOKEN_PATTERN, alternate_sign=False, norm=None,
                                 dtype=np.float32)
        char = HashingVectorizer(analyzer="char_wb", ngram_range=self.char_range,
                                 n_features=self.n_char, alternate_sign=False, norm=None,
                                 dtype=np.float32)
        return word, char

    def _counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        norm = [normalise(t) for t in texts]
        word, char = self._vectorizers()
        return sp.hstack([word.transform(norm), char.transform(norm)], format="csr")

    def fit(self, texts: Sequence[str], y: object = None) -> TextFeatures:
        """Learn inverse document frequencies (the only fitted state)."""
        counts = self._counts(texts)
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
        idf = np.log((1 + counts.shape[0]) / (1 + df)) + 1.0
        self.idf_ = idf.astype(np.float32)
        self.n_features_out_ = counts.shape[1] + len(CUE_NAMES)
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Sublinear-tf, IDF, L2-normalised n-grams beside the cue columns."""
        counts = self._counts(texts)
        counts.data = (1.0 + np.log(counts.data)).astype(np.float32)
        counts = counts.multiply(self.idf_[np.newaxis, :]).tocsr()
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        counts = sp.diags((1.0 / norms).astype(np.float32)) @ counts
        cue = np.asarray([cues(t) for t in texts], dtype=np.float32) * self.cue_weight
        return sp.hstack([counts, sp.csr_matrix(cue)], format="csr", dtype=np.float32)
