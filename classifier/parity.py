"""Language parity: the same customer-care post in nine languages should get the same labels.

The parallel set (bench/parity/items_*.jsonl, written by the team, provenance in the files'
brief) holds each item's complaint and urgency label and its text in en, es, fr, de, it, pt, ro,
el and ru. `evaluate` labels every text with its language given and reports, per language:
complaint and urgency macro-F1, agreement with the English text's labels, critical items rated
high or critical, and low items raised to high or critical; plus pooled "all" and "non-English"
rows. Plain Python (no scikit-learn), so the console can read the saved report cheaply.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from classifier.labels import URGENCIES, Model, TextInput

LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "ro", "el", "ru")
REFERENCE = "en"
SPLITS = ("dev", "test")
ALL, NON_ENGLISH = "all", "non-English"
RAISED = frozenset({"critical", "high"})
REPORT_FILE = Path(__file__).resolve().parent / "artifacts" / "parity.json"
FORMAT = 1


class ParityDataError(ValueError):
    """An item of the parallel set is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Item:
    """One post of the parallel set, with its labels and its text in every language."""

    id: str
    category: str
    complaint: bool
    urgency: str
    split: str
    texts: dict[str, str]
    note: str = ""


@dataclass(frozen=True)
class Target:
    """A goal of the issue: `at_least` (or at most) `value` on the 0-100 scale."""

    metric: str
    label: str
    value: float
    at_least: bool = True

    def met(self, figure: float | None) -> bool | None:
        """None when the figure is undefined (e.g. no critical items in the split)."""
        if figure is None:
            return None
        return figure >= self.value if self.at_least else figure <= self.value

    @property
    def text(self) -> str:
        unit = "%" if self.metric not in ("complaint_f1", "urgency_f1") else ""
        return f"{'>=' if self.at_least else '<='} {self.value:g}{unit}"


TARGETS = (
    Target("complaint_f1", "complaint macro-F1", 90.0),
    Target("urgency_f1", "urgency macro-F1", 75.0),
    Target("agreement", "agreement with en", 95.0),
    Target("critical_high", "critical rated high/critical", 95.0),
    Target("low_raised", "low raised to high/critical", 5.0, at_least=False),
)


@dataclass(frozen=True)
class LanguageRow:
    """The figures of one language (or a pooled row), percentages on 0-100, None if undefined."""

    lang: str
    n: int
    complaint_f1: float
    urgency_f1: float
    agreement: float | None  # None for English itself: it is the reference
    critical_high: float | None  # None when the split holds no critical item
    low_raised: float | None  # None when the split holds no low item
    n_critical: int = 0
    n_low: int = 0

    def missed(self) -> list[str]:
        """The labels of the targets this row does not meet."""
        return [t.label for t in TARGETS if t.met(getattr(self, t.metric)) is False]


@dataclass(frozen=True)
class ParityReport:
    """Per-language figures of one model on one split of the parallel set."""

    model_version: str
    split: str
    measured: str
    n_items: int
    rows: list[LanguageRow] = field(default_factory=list)

    def row(self, lang: str) -> LanguageRow:
        """The row of `lang` (or ALL / NON_ENGLISH)."""
        for row in self.rows:
            if row.lang == lang:
                return row
        raise KeyError(lang)


# Loading ------------------------------------------------------------------------------------

def _item(obj: Any, where: str) -> Item:
    if not isinstance(obj, dict):
        raise ParityDataError(f"{where}: expected a JSON object")
    for key, kind in (("id", str), ("category", str), ("complaint", bool), ("urgency", str),
                      ("split", str), ("texts", dict)):
        if key not in obj:
            raise ParityDataError(f"{where}: missing {key!r}")
        if not isinstance(obj[key], kind):
            raise ParityDataError(f"{where}: {key!r} must be a {kind.__name__}")
    if not obj["id"].strip() or not obj["category"].strip():
        raise ParityDataError(f"{where}: 'id' and 'category' must not be empty")
    if obj["urgency"] not in URGENCIES:
        raise ParityDataError(f"{where}: urgency {obj['urgency']!r} is not one of {URGENCIES}")
    if obj["split"] not in SPLITS:
        raise ParityDataError(f"{where}: split {obj['split']!r} is not one of {SPLITS}")
    texts = obj["texts"]
    missing, extra = set(LANGUAGES) - set(texts), set(texts) - set(LANGUAGES)
    if missing or extra:
        raise ParityDataError(f"{where}: texts must be in exactly {', '.join(LANGUAGES)} "
                              f"(missing: {sorted(missing)}, unexpected: {sorted(extra)})")
    for lang in LANGUAGES:
        if not isinstance(texts[lang], str) or not texts[lang].strip():
            raise ParityDataError(f"{where}: the {lang} text must be a non-empty string")
    note = obj.get("note", "")
    if not isinstance(note, str):
        raise ParityDataError(f"{where}: 'note' must be a string")
    return Item(obj["id"], obj["category"], obj["complaint"], obj["urgency"], obj["split"],
                {lang: texts[lang] for lang in LANGUAGES}, note)


def load(paths: Iterable[Path | str]) -> list[Item]:
    """The items of every JSON Lines file, in order; ParityDataError names the file and line."""
    items: list[Item] = []
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ParityDataError(f"{path}: cannot read: {exc}") from exc
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                obj = json.loads(line)
            except ValueError as exc:
                raise ParityDataError(f"{where}: not valid JSON: {exc}") from exc
            item = _item(obj, where)
            if item.id in seen:
                raise ParityDataError(f"{where}: id {item.id!r} already used at {seen[item.id]}")
            seen[item.id] = where
            items.append(item)
    return items


def data_files(directory: Path) -> list[Path]:
    """The parallel set's files in `directory` (items_*.jsonl, sorted)."""
    return sorted(Path(directory).glob("items_*.jsonl"))


# Metrics ------------------------------------------------------------------------------------

def macro_f1(truth: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    """Mean F1 (0-100) over the labels that occur in the truth or the predictions.

    A label absent from both has no defined F1 and is left out (scikit-learn's default).
    """
    scores = []
    for label in labels:
        tp = sum(1 for t, p in zip(truth, pred, strict=True) if t == p == label)
        fp = sum(1 for t, p in zip(truth, pred, strict=True) if p == label != t)
        fn = sum(1 for t, p in zip(truth, pred, strict=True) if t == label != p)
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return 100 * sum(scores) / len(scores) if scores else 0.0


def _share(hits: int, total: int) -> float | None:
    return 100 * hits / total if total else None


@dataclass(frozen=True)
class _Outcome:
    """One (item, language) pair: truth, prediction and the English text's prediction."""

    lang: str
    complaint: bool
    urgency: str
    pred_complaint: bool
    pred_urgency: str
    agrees: bool | None


def _row(lang: str, outcomes: Sequence[_Outcome]) -> LanguageRow:
    bools = ("false", "true")
    comp_f1 = macro_f1([bools[o.complaint] for o in outcomes],
                       [bools[o.pred_complaint] for o in outcomes], bools)
    urg_f1 = macro_f1([o.urgency for o in outcomes], [o.pred_urgency for o in outcomes],
                      URGENCIES)
    compared = [o.agrees for o in outcomes if o.agrees is not None]
    critical = [o for o in outcomes if o.urgency == "critical"]
    low = [o for o in outcomes if o.urgency == "low"]
    return LanguageRow(
        lang=lang, n=len(outcomes), complaint_f1=comp_f1, urgency_f1=urg_f1,
        agreement=_share(sum(compared), len(compared)),
        critical_high=_share(sum(o.pred_urgency in RAISED for o in critical), len(critical)),
        low_raised=_share(sum(o.pred_urgency in RAISED for o in low), len(low)),
        n_critical=len(critical), n_low=len(low))


def _predict(model: Model, items: Sequence[Item], lang: str,
             batch_size: int) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    for start in range(0, len(items), batch_size):
        batch = items[start:start + batch_size]
        labels = model.predict([TextInput(text=item.texts[lang], lang=lang) for item in batch])
        out.extend((bool(lab.complaint), str(lab.urgency)) for lab in labels)
    return out


def evaluate(model: Model, items: Sequence[Item], split: str = "test", *,
             batch_size: int = 256, measured: str | None = None) -> ParityReport:
    """Per-language figures of `model` on the items of `split`, with pooled rows.

    Agreement compares a text's predicted complaint and urgency with the English text's; the
    pooled rows' agreement is over the non-English texts (English is the reference).
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    chosen = [item for item in items if item.split == split]
    if not chosen:
        raise ValueError(f"the parallel set has no items in the {split!r} split")
    preds = {lang: _predict(model, chosen, lang, batch_size) for lang in LANGUAGES}
    outcomes: dict[str, list[_Outcome]] = {}
    for lang in LANGUAGES:
        outcomes[lang] = [
            _Outcome(lang, item.complaint, item.urgency, pc, pu,
                     None if lang == REFERENCE else (pc, pu) == preds[REFERENCE][i])
            for i, (item, (pc, pu)) in enumerate(zip(chosen, preds[lang], strict=True))]
    rows = [_row(lang, outcomes[lang]) for lang in LANGUAGES]
    rows.append(_row(ALL, [o for lang in LANGUAGES for o in outcomes[lang]]))
    rows.append(_row(NON_ENGLISH, [o for lang in LANGUAGES if lang != REFERENCE
                                   for o in outcomes[lang]]))
    return ParityReport(str(model.version), split, measured or dt.date.today().isoformat(),
                        len(chosen), rows)


# Output -------------------------------------------------------------------------------------

def shown(value: float | None, target: Target | None = None) -> str:
    """One decimal ("-" when undefined), two when one would round a miss onto the target."""
    if value is None:
        return "-"
    if target is not None and target.met(value) is False \
            and target.met(round(value, 1)) is not False:
        return f"{value:.2f}"
    return f"{value:.1f}"


def format_markdown(report: ParityReport) -> str:
    """A Markdown table: one row per language and the pooled rows, targets and what is met."""
    heads = " | ".join(f"{t.label} ({t.text})" for t in TARGETS)
    lines = [f"| language | n | {heads} | targets met |",
             "| --- | ---: | " + "---: | " * len(TARGETS) + "--- |"]
    for row in report.rows:
        cells = " | ".join(shown(getattr(row, t.metric), t) if not
                           (t.metric == "agreement" and row.lang == REFERENCE) else "ref."
                           for t in TARGETS)
        missed = row.missed()
        verdict = "yes" if not missed else "no: " + ", ".join(missed)
        name = f"**{row.lang}**" if row.lang in (ALL, NON_ENGLISH) else row.lang
        lines.append(f"| {name} | {row.n} | {cells} | {verdict} |")
    return "\n".join(lines)


def summary(report: ParityReport) -> str:
    """One sentence: is every target met in every language, and if not, where not."""
    rows = [row for row in report.rows if row.lang in LANGUAGES]
    parts = []
    for target in TARGETS:
        missed = [row.lang for row in rows if target.met(getattr(row, target.metric)) is False]
        if missed:
            parts.append(f"{target.label} {target.text} in {', '.join(missed)} "
                         f"({len(missed)} of {len(rows)} languages)")
    if not parts:
        return "Every target is met in every language."
    return "Not met: " + "; ".join(parts) + "."


def to_json(report: ParityReport) -> str:
    """The report as JSON: figures only, never the set's text."""
    return json.dumps({"format": FORMAT, **asdict(report)}, indent=2, ensure_ascii=False) + "\n"


def from_json(text: str) -> ParityReport:
    """The report saved by `to_json`; ValueError when it is not one."""
    obj = json.loads(text)
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise ValueError(f"not a parity report of format {FORMAT}")
    try:
        rows = [LanguageRow(**row) for row in obj["rows"]]
        return ParityReport(str(obj["model_version"]), str(obj["split"]), str(obj["measured"]),
                            int(obj["n_items"]), rows)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed parity report: {exc}") from exc


def read_report(path: Path = REPORT_FILE) -> ParityReport | None:
    """The saved report, or None when there is none (or it cannot be read)."""
    try:
        return from_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None

