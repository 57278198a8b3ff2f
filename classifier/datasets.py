"""Readers for the labelled public datasets described in ../shared/data/DATA.md.

Only training and evaluation read these; nothing here runs when Earful classifies.
Each reader returns (texts, labels) for one fixed split, so figures compare with DATA.md.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

SENTIMENT_BY_CODE = {"0": "negative", "1": "neutral", "2": "positive"}
XLMT_LANGUAGES = {
    "arabic": "ar", "english": "en", "french": "fr", "german": "de",
    "hindi": "hi", "italian": "it", "portuguese": "pt", "spanish": "es",
}

csv.field_size_limit(1 << 24)


@dataclass(frozen=True)
class Split:
    """Texts and labels of one split of one dataset."""

    name: str
    texts: list[str]
    labels: list[str]
    lang: str | None = None


class MissingDataError(FileNotFoundError):
    """A dataset folder or file that training or evaluation needs is absent."""


def _need(path: Path) -> Path:
    if not path.exists():
        raise MissingDataError(f"dataset file not found: {path}")
    return path


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with _need(path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with _need(path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def complaints(data_dir: Path, split: str) -> Split:
    """Preotiuc-Pietro et al. 2019 complaints; labels "1" complaint / "0" not."""
    rows = _read_csv(data_dir / "complaints_preotiuc2019" / "complaints.csv")
    rows = [r for r in rows if r["split"] == split]
    return Split("complaints", [r["text"] for r in rows], [r["label"] for r in rows], "en")


def airline(data_dir: Path, split: str) -> Split:
    """Twitter US Airline sentiment, 3 classes."""
    rows = _read_csv(data_dir / "twitter_us_airline_sentiment" / "Tweets.csv")
    rows = [r for r in rows if r["split"] == split]
    return Split("airline", [r["text"] for r in rows],
                 [r["airline_sentiment"] for r in rows], "en")


def tweeteval(data_dir: Path, split: str) -> Split:
    """TweetEval sentiment; "train" is the reconstructed SemEval-2017 training file."""
    folder = data_dir / "tweeteval_sentiment"
    name = {"train": "train_semeval2017_reconstructed.tsv"}.get(split, f"{split}.tsv")
    rows = _read_tsv(folder / name)
    return Split("tweeteval", [r["text"] for r in rows],
                 [SENTIMENT_BY_CODE[r["label"]] for r in rows], "en")


def xlmt(data_dir: Path, language: str, split: str) -> Split:
    """One language of XLM-T UMSAB sentiment."""
    rows = _read_tsv(data_dir / "xlmt_umsab_sentiment" / language / f"{split}.tsv")
    return Split(f"xlmt-{XLMT_LANGUAGES[language]}", [r["text"] for r in rows],
                 [SENTIMENT_BY_CODE[r["label"]] for r in rows], XLMT_LANGUAGES[language])


def sentiment_splits(data_dir: Path, split: str) -> list[Split]:
    """Every sentiment split: airline, TweetEval, then the eight XLM-T languages."""
    splits = [airline(data_dir, split), tweeteval(data_dir, split)]
    splits += [xlmt(data_dir, lang, split) for lang in XLMT_LANGUAGES]
    return splits
