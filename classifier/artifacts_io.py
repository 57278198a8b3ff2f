"""Saving and loading model artifacts, refusing ones built with an incompatible scikit-learn.

An artifact is a directory holding `model.json` (metadata: format, version, the scikit-learn
version it was built with, training data, metrics) and `model.joblib` (the fitted estimators).
The accurate mode's heads are a second, small artifact beside it (`accurate.json` +
`accurate.joblib`, the same format). The metadata is read first, so an incompatible artifact is
refused before anything is unpickled. joblib unpickles arbitrary objects: load only artifacts
you built or shipped.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import joblib
import sklearn
import sklearn.exceptions

FORMAT = 1
META_FILE = "model.json"
MODEL_FILE = "model.joblib"
ACCURATE_STEM = "accurate"
REQUIRED = {"model": frozenset({"features", "sentiment", "complaint"}),
            ACCURATE_STEM: frozenset({"sentiment", "complaint", "embedding"})}
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


def check_compatible(meta: dict[str, Any], where: Path) -> None:
    """Raise IncompatibleModelError unless format and scikit-learn major.minor match."""
    if meta.get("format") != FORMAT:
        raise IncompatibleModelError(
            f"model at {where} has artifact format {meta.get('format')!r}; this Earful reads "
            f"format {FORMAT}. Rebuild it with `earful train`.")
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


def save(bundle: dict[str, Any], directory: Path, stem: str = "model") -> Path:
    """Write the bundle (estimators + meta) into `directory` as `<stem>.joblib/.json`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    meta = dict(bundle["meta"], format=FORMAT, sklearn_version=sklearn.__version__)
    bundle = dict(bundle, meta=meta)
    joblib.dump(bundle, directory / f"{stem}.joblib", compress=("zlib", 3))
    (directory / f"{stem}.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n",
                                       encoding="utf-8")
    return directory


def load(directory: Path, stem: str = "model") -> dict[str, Any]:
    """Read a bundle, refusing an incompatible or damaged artifact with a clear message."""
    directory = Path(directory)
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
    if not isinstance(bundle, dict) or not REQUIRED.get(stem, REQUIRED["model"]) <= set(bundle):
        raise IncompatibleModelError(f"model at {directory} is not an Earful model bundle")
    return bundle
