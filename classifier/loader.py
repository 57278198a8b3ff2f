"""Choosing and loading the model a deployment runs."""

from __future__ import annotations

from pathlib import Path

from classifier.labels import Model
from classifier.language import DEFAULT_LANGUAGES, LanguageDetector
from classifier.placeholder import PlaceholderModel


def load_model(languages: tuple[str, ...] | list[str] = DEFAULT_LANGUAGES,
               mode: str = "fast", model_dir: Path | None = None) -> Model:
    """Load the best available model; until a trained one ships, the placeholder."""
    return PlaceholderModel(LanguageDetector(languages))
