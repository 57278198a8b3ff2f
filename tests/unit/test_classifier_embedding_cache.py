"""The embedding cache used to train and evaluate the accurate mode: by content, resumable."""

from __future__ import annotations

import numpy as np

from classifier.embeddings import DIM, cached_embed


class CountingEmbedder:
    """Deterministic vectors from text length; counts how many texts it was asked to embed."""

    version = "counting-1"

    def __init__(self) -> None:
        self.embedded = 0

    def embed(self, texts):
        self.embedded += len(texts)
        return np.array([[len(t)] * DIM for t in texts], dtype=np.float32)


def test_cache_hits_by_content_and_reports_progress(tmp_path):
    texts = [f"text number {i}" for i in range(10)]
    seen = []
    embedder = CountingEmbedder()
    first = cached_embed(embedder, texts, tmp_path, "train", chunk=4,
                         progress=lambda name, done, total: seen.append((name, done, total)))
    assert first.shape == (10, DIM) and first[3, 0] == len(texts[3])
    assert seen == [("train", 4, 10), ("train", 8, 10), ("train", 10, 10)]
    # the same texts under another name: read from disk, nothing embedded again
    again = cached_embed(embedder, texts, tmp_path, "other-name", chunk=4)
    assert embedder.embedded == 10 and np.array_equal(first, again)
    # different texts are a different entry
    cached_embed(embedder, texts[:5], tmp_path, "train", chunk=4)
    assert embedder.embedded == 15


def test_an_interrupted_run_resumes_from_finished_chunks(tmp_path):
    texts = [f"t{i}" * (i + 1) for i in range(9)]

    class Interrupted(CountingEmbedder):
        def embed(self, batch):
            if self.embedded >= 6:
                raise KeyboardInterrupt
            return super().embed(batch)

    try:
        cached_embed(Interrupted(), texts, tmp_path, "train", chunk=3)
    except KeyboardInterrupt:
        pass
    assert len(list(tmp_path.glob("*.part*.npy"))) == 2
    resumed = CountingEmbedder()
    out = cached_embed(resumed, texts, tmp_path, "train", chunk=3)
    assert resumed.embedded == 3  # only the unfinished chunk
    assert [row[0] for row in out] == [len(t) for t in texts]
    assert not list(tmp_path.glob("*.part*.npy"))
