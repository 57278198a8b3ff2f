"""Saving and loading model artifacts, refusing incompatible or damaged ones with a clear message.

The fast model is a directory holding `model.json` (metadata: format, version, feature
parameters, training data) and `model.npz` (plain arrays, read with `allow_pickle=False`: loading
a model never runs code). `load_runtime` gives what the product runs (`inference.FastScorer`,
no scikit-learn import); `load` rebuilds the scikit-learn estimators for training and team
adaptation.

The accurate mode's heads are a second, small artifact beside it in the same form
(`accurate.json` + `accurate.npz`: two logistic regressions as arrays).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from classifier.inference import FastScorer, export_heads, import_heads

FORMAT = 2  # arrays in .npz files (format 1 was pickled scikit-learn estimators)
META_FILE = "model.json"
MODEL_FILE = "model.npz"
ACCURATE_STEM = "accurate"
SHIPPED_DIR = Path(__file__).resolve().parent / "artifacts"


class IncompatibleModelError(RuntimeError):
    """The artifact cannot be used with the installed libraries (or is not an artifact)."""


def read_meta(directory: Path, stem: str = "model") -> dict[str, Any]:
    """The artifact's metadata, or IncompatibleModelError when absent or unreadable."""
    path = Path(directory) / f"{stem}.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IncompatibleModelError(f"no readable model metadata at {path}: {exc}") from exc
    if not isinstance(meta, dict):
        raise IncompatibleModelError(f"model metadata at {path} is not a JSON object")
    return meta


def _check_format(meta: dict[str, Any], where: Path, expected: int) -> None:
    if meta.get("format") != expected:
        raise IncompatibleModelError(
            f"model at {where} has artifact format {meta.get('format')!r}; this Earful reads "
            f"format {expected}. Rebuild it with `earful train`.")


def _write_meta(meta: dict[str, Any], directory: Path, stem: str) -> None:
    (directory / f"{stem}.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n",
                                            encoding="utf-8")


def save(bundle: dict[str, Any], directory: Path, stem: str = "model") -> Path:
    """Write a trained bundle into `directory`: the fast model as arrays, the heads pickled."""
    import sklearn

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if stem == "model":
        from classifier.inference import export

        arrays, params = export(bundle)
        meta = dict(bundle["meta"], format=FORMAT, params=params,
                    sklearn_version=sklearn.__version__)  # what trained it; not needed to run
        np.savez_compressed(directory / MODEL_FILE, **arrays)
        _write_meta(meta, directory, stem)
        return directory
    meta = dict(bundle["meta"], format=FORMAT, embedding_model=bundle["embedding"],
                sklearn_version=sklearn.__version__)
    np.savez_compressed(directory / f"{stem}.npz", **export_heads(bundle))
    _write_meta(meta, directory, stem)
    return directory


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    with open(path, "rb") as handle:  # closed even when not a zip
        with np.load(handle, allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}


def load_runtime(directory: Path) -> tuple[FastScorer, dict[str, Any]]:
    """The fast model as the product runs it (no scikit-learn, no pickle), and its metadata."""
    directory = Path(directory)
    meta = read_meta(directory)
    _check_format(meta, directory, FORMAT)
    try:
        return FastScorer(_read_arrays(directory / MODEL_FILE), meta["params"]), meta
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
        raise IncompatibleModelError(f"model at {directory} cannot be read: {exc}") from exc


def load(directory: Path, stem: str = "model") -> dict[str, Any]:
    """The fast model as scikit-learn estimators (training, adaptation), or the accurate heads."""
    directory = Path(directory)
    if stem == "model":
        from classifier.training import bundle_from_scorer

        scorer, meta = load_runtime(directory)
        return bundle_from_scorer(scorer, meta)
    meta = read_meta(directory, stem)
    _check_format(meta, directory, FORMAT)
    try:
        heads: dict[str, Any] = import_heads(_read_arrays(directory / f"{stem}.npz"))
        embedding = dict(meta["embedding_model"])
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
        raise IncompatibleModelError(f"model at {directory} cannot be read: {exc}") from exc
    return dict(heads, embedding=embedding, meta=meta)
