"""Choosing and loading the model a deployment runs.

Order: a team-adapted model in `model_dir` (when present and valid), else the artifact shipped
inside the package (classifier/artifacts/), else a clear error. A broken or incompatible
adapted model is skipped (with a warning) in favour of the shipped one; an incompatible shipped
model is an error, because nothing else is left to run.
"""

from __future__ import annotations

import logging
from pathlib import Path

from classifier import artifacts_io
from classifier.artifacts_io import IncompatibleModelError
from classifier.labels import Model
from classifier.language import DEFAULT_LANGUAGES, LanguageDetector
from classifier.model import TrainedModel
from classifier.urgency import HIGH_REACH_FOLLOWERS

log = logging.getLogger(__name__)
MODES = ("fast", "accurate")


class ModelNotAvailableError(RuntimeError):
    """No usable model: neither a team model nor the shipped artifact could be loaded."""


def team_dir(model_dir: Path | None) -> Path | None:
    """The adapted model's directory: `model_dir` itself or its `current/` (what `train` writes)."""
    if model_dir is None:
        return None
    for candidate in (Path(model_dir), Path(model_dir) / "current"):
        if (candidate / artifacts_io.META_FILE).exists():
            return candidate
    return None


def _bundle(model_dir: Path | None, shipped_dir: Path) -> dict:
    team = team_dir(model_dir)
    if team is not None:
        try:
            return artifacts_io.load(team)
        except IncompatibleModelError as exc:
            log.warning("ignoring team model, using the shipped one: %s", exc)
    if not (shipped_dir / artifacts_io.META_FILE).exists():
        raise ModelNotAvailableError(
            f"no trained model at {shipped_dir}; build it with `earful train --data DIR`")
    try:
        return artifacts_io.load(shipped_dir)
    except IncompatibleModelError as exc:
        raise ModelNotAvailableError(str(exc)) from exc


def load_model(languages: tuple[str, ...] | list[str] = DEFAULT_LANGUAGES,
               mode: str = "fast", model_dir: Path | None = None, *,
               shipped_dir: Path | None = None,
               high_reach: int = HIGH_REACH_FOLLOWERS) -> Model:
    """Load the team model in `model_dir`, else the shipped artifact; raise if neither loads."""
    if mode not in MODES:
        raise ModelNotAvailableError(f"unknown classifier mode {mode!r}; choose from {MODES}")
    if mode == "accurate":
        # No accurate model ships yet (see docs/model-card.md); run the fast one rather than fail.
        log.warning("classifier mode 'accurate' is not available yet; using 'fast'")
    bundle = _bundle(model_dir, shipped_dir or artifacts_io.SHIPPED_DIR)
    return TrainedModel(bundle, LanguageDetector(languages), high_reach=high_reach)
