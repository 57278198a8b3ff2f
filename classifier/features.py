"""Text features: hashed word and character n-grams plus language-independent cues.

Hashing keeps the artifact free of a vocabulary (no dataset text is shipped) and makes the
feature space fixed, so a team-adapted model can reuse it. The cues (emoji, punctuation,
repeated letters, amounts of money, multilingual lexicon hits) carry signal into languages
that have no labelled training data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer

from classifier.cues import CUE_NAMES, cues, normalise
from classifier.hashing import TOKEN_PATTERN

__all__ = ["CUE_NAMES", "TOKEN_PATTERN", "TextFeatures", "cues", "normalise"]


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
