"""The fixed subsamples the accurate mode's heads are trained and evaluated on.

Embedding runs at ~20-40 texts/s on the 2-core reference machine, so the ~70k training texts
are subsampled (fixed seed, per dataset) to under 15k. The test splits are used whole
(`TEST_CAPS` can cap one at a fixed subsample when embedding it is too slow). Training and
evaluation only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from classifier import datasets
from classifier.datasets import Split

SEED = 0
# Per-dataset caps on training texts (complaints: the whole train split, 2,759).
TRAIN_CAPS = {"complaints": None, "airline": 3000, "tweeteval": 3500, "xlmt": 700}
TEST_CAPS: dict[str, int | None] = {}  # every test split whole


def subsample_indices(n: int, cap: int | None, seed: int = SEED) -> np.ndarray:
    """Sorted indices of a fixed random subset of size `cap` (all of them when n <= cap)."""
    if cap is None or n <= cap:
        return np.arange(n)
    rng = np.random.RandomState(seed)
    return np.sort(rng.choice(n, size=cap, replace=False))


def subsample(split: Split, cap: int | None, seed: int = SEED) -> Split:
    """A fixed random subset of `split` (in original order), or the split when under cap."""
    if cap is None or len(split.texts) <= cap:
        return split
    keep = subsample_indices(len(split.texts), cap, seed)
    return Split(split.name, [split.texts[i] for i in keep], [split.labels[i] for i in keep],
                 split.lang)


def _cap(name: str, caps: dict[str, int | None]) -> int | None:
    return caps.get("xlmt" if name.startswith("xlmt-") else name)


def train_cap(name: str) -> int | None:
    """How many training texts of dataset `name` the heads use (None: all)."""
    return _cap(name, TRAIN_CAPS)


def train_sets(data_dir: Path) -> tuple[list[Split], Split]:
    """(sentiment splits, complaints split) subsampled for training the heads."""
    sent = [subsample(s, _cap(s.name, TRAIN_CAPS))
            for s in datasets.sentiment_splits(Path(data_dir), "train")]
    return sent, subsample(datasets.complaints(Path(data_dir), "train"), TRAIN_CAPS["complaints"])


def test_sets(data_dir: Path) -> tuple[list[Split], Split]:
    """(sentiment splits, complaints split) for evaluating the accurate mode."""
    sent = [subsample(s, _cap(s.name, TEST_CAPS))
            for s in datasets.sentiment_splits(Path(data_dir), "test")]
    return sent, datasets.complaints(Path(data_dir), "test")
