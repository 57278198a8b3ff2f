"""Saving and loading model artifacts, refusing incompatible or damaged ones with a clear message.

The fast model is a directory holding `model.json` (metadata: format, version, feature
parameters, training data) and `model.npz` (plain arrays, read with `allow_pickle=False`: loading
a model never runs code). `load_runtime` gives what the product runs (`inference.FastScorer`,
no scikit-learn import); `load` rebuilds the scikit-learn estimators for training and team
adaptation.

The accurate mode's heads are a second, small artifact beside it (`accurate.json` +
`accurate.joblib`): pickled scikit-learn estimators, refused before unpickling unless they were
built with the installed scikit-learn's major.minor. joblib unpickles arbitrary objects: load
only heads you built or shipped.
"""

from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from classifier.inference import FastScorer

FORMAT = 2  # the fast model: arrays in model.npz (format 1 was a pickled scikit-learn bundle)
HEADS_FORMAT = 1
META_FILE = "model.json"
MODEL_FILE = "model.npz"
ACCURATE_STEM = "accurate"
REQUIRED_HEADS = frozenset({"sentiment", "complaint", "embedding"})
SHIPPED_DIR = Path(__file__).resolve().parent / "artifacts"


class IncompatibleModelError(RuntimeError):
    """The artifact cannot be used with the installed libraries (or is not an artifact)."""


def _major_minor(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:2])


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


def check_compatible(meta: dict[str, Any], where: Path) -> None:
    """Raise IncompatibleModelError unless the heads' format and scikit-learn major.minor match."""
    import sklearn

    _check_format(meta, where, HEADS_FORMAT)
    built = str(meta.get("sklearn_version", "unknown"))
    try:
        same = _major_minor(built) == _major_minor(sklearn.__version__)
    except ValueError:
        same = False
    if not same:
        raise IncompatibleModelError(
            f"model at {where} was built with scikit-learn {built}, but scikit-learn "
            f"{sklearn.__version__} is installed. Install scikit-learn=={built} or rebuild the "
            f"model with `earful train --data DIR`.")


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
    import joblib

    meta = dict(bundle["meta"], format=HEADS_FORMAT, sklearn_version=sklearn.__version__)
    joblib.dump(dict(bundle, meta=meta), directory / f"{stem}.joblib", compress=("zlib", 3))
    _write_meta(meta, directory, stem)
    return directory


def load_runtime(directory: Path) -> tuple[FastScorer, dict[str, Any]]:
    """The fast model as the product runs it (no scikit-learn, no pickle), and its metadata."""
    directory = Path(directory)
    meta = read_meta(directory)
    _check_format(meta, directory, FORMAT)
    try:
        with open(directory / MODEL_FILE, "rb") as handle:  # closed even when not a zip
            with np.load(handle, allow_pickle=False) as stored:
                arrays = {name: stored[name] for name in stored.files}
        return FastScorer(arrays, meta["params"]), meta
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
        raise IncompatibleModelError(f"model at {directory} cannot be read: {exc}") from exc


def load(directory: Path, stem: str = "model") -> dict[str, Any]:
    """A trained bundle of scikit-learn estimators (training, adaptation, the accurate heads)."""
    directory = Path(directory)
    if stem == "model":
        from classifier.training import bundle_from_scorer

        scorer, meta = load_runtime(directory)
        return bundle_from_scorer(scorer, meta)
    import joblib
    import sklearn.exceptions

    meta = read_meta(directory, stem)
    check_compatible(meta, directory)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", sklearn.exceptions.InconsistentVersionWarning)
            bundle = joblib.load(directory / f"{stem}.joblib")
    except sklearn.exceptions.InconsistentVersionWarning as exc:
        raise IncompatibleModelError(f"model at {directory}: {exc}") from exc
    except (OSError, EOFError, ValueError, ImportError, AttributeError) as exc:
        raise IncompatibleModelError(f"model at {directory} cannot be read: {exc}") from exc
    if not isinstance(bundle, dict) or not REQUIRED_HEADS <= set(bundle):
        raise IncompatibleModelError(f"model at {directory} is not an Earful model bundle")
    return bundle
