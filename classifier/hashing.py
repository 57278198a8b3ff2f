"""Hashed n-gram counts, identical to the two scikit-learn HashingVectorizers the model trains with.

Run time uses this instead of scikit-learn: importing scikit-learn costs about a second (scipy.stats
alone 0.64 s), a third of the load-time budget. The definitions below copy scikit-learn 1.x's
word and `char_wb` analyzers and FeatureHasher's index rule (MurmurHash3 x86 32-bit, seed 0,
|h| mod n); tests/unit/test_classifier_inference.py checks both agree on every test text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import mmh3
import numpy as np

TOKEN_PATTERN = r"(?u)\w\w+|[^\w\s]"
N_WORD = 2**19
N_CHAR = 2**20
CHAR_RANGE = (2, 5)
_TOKEN_RE = re.compile(TOKEN_PATTERN)
_WHITE_SPACES = re.compile(r"\s\s+")
_INT32_MIN = -(2**31)


def word_ngrams(text: str) -> list[str]:
    """Word 1- and 2-grams of the lower-cased text (scikit-learn's "word" analyzer)."""
    tokens = _TOKEN_RE.findall(text.lower())
    return tokens + [" ".join(tokens[i:i + 2]) for i in range(len(tokens) - 1)]


def char_wb_ngrams(text: str, low: int = CHAR_RANGE[0], high: int = CHAR_RANGE[1]) -> list[str]:
    """Character n-grams inside words padded with one space (scikit-learn's "char_wb")."""
    grams: list[str] = []
    append = grams.append
    for word in _WHITE_SPACES.sub(" ", text.lower()).split():
        word = " " + word + " "
        length = len(word)
        for n in range(low, high + 1):
            offset = 0
            append(word[offset:offset + n])
            while offset + n < length:
                offset += 1
                append(word[offset:offset + n])
            if offset == 0:  # a word shorter than n is counted once
                break
    return grams


def hashed_counts(texts: Sequence[str], n_word: int = N_WORD, n_char: int = N_CHAR,
                  char_range: tuple[int, int] = CHAR_RANGE
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR parts (indptr, column indices sorted per row, counts) of [word | char] count columns.

    Char columns come after the n_word word columns, as in the model's hstack. The whole batch
    is bucketed and counted in a few numpy calls (per-text numpy calls cost more than hashing).
    """
    hash_ = mmh3.hash
    word_hashes: list[int] = []
    char_hashes: list[int] = []
    word_rows: list[int] = []
    char_rows: list[int] = []
    for row, text in enumerate(texts):
        words = [hash_(g) for g in word_ngrams(text)]
        chars = [hash_(g) for g in char_wb_ngrams(text, *char_range)]
        word_hashes += words
        char_hashes += chars
        word_rows += [row] * len(words)
        char_rows += [row] * len(chars)
    width = n_word + n_char
    keys = np.concatenate([
        np.asarray(word_rows, dtype=np.int64) * width + _bucket(word_hashes, n_word),
        np.asarray(char_rows, dtype=np.int64) * width + n_word + _bucket(char_hashes, n_char)])
    unique, counts = np.unique(keys, return_counts=True)  # sorted: by row, then column
    rows = unique // width
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(texts)), out=indptr[1:])
    return indptr, unique % width, counts.astype(np.float32)


def _bucket(hashes: list[int], n_features: int) -> np.ndarray:
    values = np.asarray(hashes, dtype=np.int64)
    # scikit-learn defines abs(-2**31) as 2**31 - 1 - (n - 1) before the modulo
    return np.where(values == _INT32_MIN, (2**31 - 1 - (n_features - 1)) % n_features,
                    np.abs(values) % n_features)
