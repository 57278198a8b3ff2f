"""Language parity: loading the parallel set, the per-language figures, the card, the console."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from classifier import parity
from classifier.labels import URGENCIES, Labels, TextInput
from earful import runtime
from earful.runtime import Runtime
from tests.unit.lead_admin_support import client_as, make_app

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "bench" / "parity"

# A sample of our own (the shipped set is written by the team in bench/parity/).
SAMPLE = [
    {"id": "s01", "category": "outage", "complaint": True, "urgency": "high", "split": "test",
     "texts": {
         "en": "@LumenMobile no signal at all since this morning, can't call anyone",
         "es": "@LumenMobile sin cobertura desde esta mañana, no puedo llamar a nadie",
         "fr": "@LumenMobile aucun réseau depuis ce matin, impossible d'appeler qui que ce soit",
         "de": "@LumenMobile seit heute früh kein Netz, ich kann niemanden anrufen",
         "it": "@LumenMobile niente campo da stamattina, non riesco a chiamare nessuno",
         "pt": "@LumenMobile sem sinal desde hoje de manhã, não consigo ligar pra ninguém",
         "ro": "@LumenMobile n-am semnal deloc de azi-dimineață, nu pot suna pe nimeni",
         "el": "@LumenMobile καθόλου σήμα από το πρωί, δεν μπορώ να πάρω κανέναν τηλέφωνο",
         "ru": "@LumenMobile с утра вообще нет сети, никому не могу дозвониться"}},
    {"id": "s02", "category": "praise", "complaint": False, "urgency": "low", "split": "dev",
     "texts": {
         "en": "Skylark Air crew were lovely today, thanks for the smooth flight!",
         "es": "La tripulación de Skylark Air fue un encanto hoy, ¡gracias por el vuelo!",
         "fr": "L'équipage de Skylark Air était adorable aujourd'hui, merci pour le vol !",
         "de": "Die Crew von Skylark Air war heute super nett, danke für den ruhigen Flug!",
         "it": "L'equipaggio di Skylark Air oggi è stato gentilissimo, grazie del volo!",
         "pt": "A tripulação da Skylark Air foi um amor hoje, obrigado pelo voo tranquilo!",
         "ro": "Echipajul Skylark Air a fost minunat azi, mulțumesc pentru zborul liniștit!",
         "el": "Το πλήρωμα της Skylark Air ήταν υπέροχο σήμερα, ευχαριστώ για την πτήση!",
         "ru": "Экипаж Skylark Air сегодня был чудесный, спасибо за спокойный полёт!"}},
    {"id": "s03", "category": "fraud", "complaint": True, "urgency": "critical", "split": "test",
     "texts": {
         "en": "Verda Bank, 400 euros left my account overnight and I never sent them",
         "es": "Verda Bank, anoche salieron 400 euros de mi cuenta y yo no los envié",
         "fr": "Verda Bank, 400 euros sont partis de mon compte cette nuit, je n'ai rien envoyé",
         "de": "Verda Bank, über Nacht sind 400 Euro vom Konto weg, ich hab nichts überwiesen",
         "it": "Verda Bank, stanotte sono spariti 400 euro dal mio conto e non li ho mandati io",
         "pt": "Verda Bank, saíram 400 euros da minha conta esta noite e eu não enviei nada",
         "ro": "Verda Bank, peste noapte au ieșit 400 de euro din cont și nu i-am trimis eu",
         "el": "Verda Bank, μέσα στη νύχτα έφυγαν 400 ευρώ από τον λογαριασμό μου, δεν τα έστειλα",
         "ru": "Verda Bank, ночью с моего счёта ушли 400 евро, а я их не отправлял"}},
]


def _write(path: Path, rows: Sequence[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False))
                            + "\n" for r in rows), encoding="utf-8")
    return path


def _item(item_id: str, complaint: bool, urgency: str, split: str = "test") -> parity.Item:
    return parity.Item(item_id, "x", complaint, urgency, split,
                       {lang: f"{item_id}-{lang}" for lang in parity.LANGUAGES})


class StubModel:
    """Predicts the truth unless told otherwise for a text; records every batch."""

    version = "stub-1"

    def __init__(self, truth: dict[str, tuple[bool, str]],
                 wrong: dict[str, tuple[bool, str]]) -> None:
        self.truth, self.wrong = truth, wrong
        self.batches: list[list[TextInput]] = []

    def predict(self, inputs: Sequence[TextInput]) -> list[Labels]:
        self.batches.append(list(inputs))
        out = []
        for item in inputs:
            complaint, urgency = self.wrong.get(item.text, self.truth[item.text.split("-")[0]])
            out.append(Labels(lang=item.lang or "und", sentiment="neutral",
                              sentiment_scores={}, complaint=complaint,
                              complaint_score=float(complaint), urgency=urgency,
                              urgency_score=0.0))
        return out


ITEMS = [_item("i1", True, "critical"), _item("i2", True, "high"), _item("i3", False, "low"),
         _item("i4", True, "normal", split="dev")]
WRONG = {"i1-es": (True, "high"), "i3-es": (True, "high"), "i1-de": (False, "normal")}


@pytest.fixture
def stub() -> StubModel:
    return StubModel({i.id: (i.complaint, i.urgency) for i in ITEMS}, WRONG)


@pytest.fixture
def report(stub: StubModel) -> parity.ParityReport:
    return parity.evaluate(stub, ITEMS, "test", batch_size=2, measured="2026-01-02")


def test_every_text_is_predicted_with_its_language_in_batches(
        stub: StubModel, report: parity.ParityReport) -> None:
    assert report.n_items == 3 and report.split == "test" and report.model_version == "stub-1"
    assert [len(b) for b in stub.batches] == [2, 1] * len(parity.LANGUAGES)
    for batch in stub.batches:
        assert {t.lang for t in batch} == {t.text.split("-")[1] for t in batch}
    assert "i4-en" not in {t.text for b in stub.batches for t in b}  # dev is left out


def test_macro_f1_by_hand(report: parity.ParityReport) -> None:
    es, de, fr = report.row("es"), report.row("de"), report.row("fr")
    # es complaint: truth T,T,F, pred T,T,T -> F1(true) = 2*2/(2*2+1) = .8, F1(false) = 0
    assert es.complaint_f1 == pytest.approx(40.0)
    # es urgency: truth c,h,l, pred h,h,h -> critical 0, high 2/(2+2) = .5, low 0 (normal absent)
    assert es.urgency_f1 == pytest.approx(100 * 0.5 / 3)
    # de complaint: truth T,T,F, pred F,T,F -> both classes 2/3
    assert de.complaint_f1 == pytest.approx(200 / 3)
    # de urgency: truth c,h,l, pred n,h,l -> critical 0, high 1, normal 0, low 1
    assert de.urgency_f1 == pytest.approx(50.0)
    assert fr.complaint_f1 == fr.urgency_f1 == 100.0
    # pooled over 27 texts: F1(true) = 34/36, F1(false) = 16/18
    assert report.row(parity.ALL).complaint_f1 == pytest.approx(50 * (34 / 36 + 16 / 18))
    assert parity.macro_f1(["a", "a"], ["a", "a"], ["a", "b"]) == 100.0


def test_agreement_and_the_two_rates(report: parity.ParityReport) -> None:
    es, de, en = report.row("es"), report.row("de"), report.row("en")
    assert en.agreement is None  # the reference
    assert es.agreement == pytest.approx(100 / 3) and de.agreement == pytest.approx(200 / 3)
    assert report.row("it").agreement == 100.0
    assert es.critical_high == 100.0 and de.critical_high == 0.0  # high counts, normal not
    assert es.low_raised == 100.0 and de.low_raised == 0.0
    pooled, non_en = report.row(parity.ALL), report.row(parity.NON_ENGLISH)
    assert (pooled.n, non_en.n) == (27, 24)
    assert pooled.agreement == non_en.agreement == pytest.approx(100 * 21 / 24)
    assert pooled.critical_high == pytest.approx(100 * 8 / 9)
    assert non_en.low_raised == pytest.approx(100 / 8)
    assert (pooled.n_critical, pooled.n_low) == (9, 9)


def test_rates_are_undefined_without_such_items(stub: StubModel) -> None:
    only = parity.evaluate(stub, [ITEMS[1]], "test")
    assert only.row("fr").critical_high is None and only.row("fr").low_raised is None
    assert only.row("fr").missed() == []


def test_markdown_marks_met_and_not_met(report: parity.ParityReport) -> None:
    table = parity.format_markdown(report)
    lines = {line.split(" | ")[0].strip("| *"): line for line in table.splitlines()[2:]}
    assert list(lines) == [*parity.LANGUAGES, parity.ALL, parity.NON_ENGLISH]
    assert lines["fr"].endswith("| yes |")
    assert "no: complaint macro-F1, urgency macro-F1, agreement with en, low raised" in lines["es"]
    assert "critical rated high/critical" in lines["de"] and "ref." in lines["en"]
    for target in ("complaint macro-F1 (>= 90)", "urgency macro-F1 (>= 75)",
                   "agreement with en (>= 95%)", "critical rated high/critical (>= 95%)",
                   "low raised to high/critical (<= 5%)"):
        assert target in table.splitlines()[0]
    assert parity.summary(report) == (
        "Not met: complaint macro-F1 >= 90 in es, de (2 of 9 languages); urgency macro-F1 >= 75"
        " in es, de (2 of 9 languages); agreement with en >= 95% in es, de (2 of 9 languages);"
        " critical rated high/critical >= 95% in de (1 of 9 languages); low raised to"
        " high/critical <= 5% in es (1 of 9 languages).")
    complaint, _u, _a, _c, low = parity.TARGETS
    assert parity.shown(89.96, complaint) == "89.96" and parity.shown(89.94, complaint) == "89.9"
    assert parity.shown(5.04, low) == "5.04" and parity.shown(None) == "-"


def test_json_round_trip_holds_figures_only(report: parity.ParityReport) -> None:
    text = parity.to_json(report)
    assert parity.from_json(text) == report
    assert "i1-en" not in text
    with pytest.raises(ValueError):
        parity.from_json('{"format": 99}')


def test_load_reads_the_sample_and_skips_blank_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "items_s.jsonl", [SAMPLE[0], "", SAMPLE[1], SAMPLE[2]])
    items = parity.load([path])
    assert [i.id for i in items] == ["s01", "s02", "s03"]
    assert items[2].urgency == "critical" and set(items[2].texts) == set(parity.LANGUAGES)


@pytest.mark.parametrize(("bad", "message"), [
    ("{not json", "not valid JSON"),
    ({**SAMPLE[1], "urgency": "urgent"}, "urgency 'urgent'"),
    ({**SAMPLE[1], "split": "train"}, "split 'train'"),
    ({**SAMPLE[1], "complaint": "yes"}, "'complaint' must be a bool"),
    ({k: v for k, v in SAMPLE[1].items() if k != "category"}, "missing 'category'"),
    ({**SAMPLE[1], "texts": {k: v for k, v in SAMPLE[1]["texts"].items() if k != "el"}},
     "missing: ['el']"),
    ({**SAMPLE[1], "texts": {**SAMPLE[1]["texts"], "ru": " "}}, "the ru text"),
    ({**SAMPLE[0]}, "id 's01' already used at"),
    ("[1, 2]", "expected a JSON object"),
])
def test_load_errors_name_the_file_and_line(tmp_path: Path, bad: Any, message: str) -> None:
    path = _write(tmp_path / "items_x.jsonl", [SAMPLE[0], "", bad])
    with pytest.raises(parity.ParityDataError) as caught:
        parity.load([path])
    assert str(caught.value).startswith(f"{path}:3: ") and message in str(caught.value)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    first = _write(tmp_path / "items_a.jsonl", [SAMPLE[0]])
    second = _write(tmp_path / "items_b.jsonl", [SAMPLE[1], SAMPLE[0]])
    with pytest.raises(parity.ParityDataError, match=f"{second}:2: .*{first}:1"):
        parity.load([first, second])


# The command ---------------------------------------------------------------------------------

CARD = """# Model card

## Metrics

<!-- earful-evaluate:start -->
the public table
<!-- earful-evaluate:end -->
"""


@pytest.fixture
def earful(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from web.cli import cli

    (tmp_path / "settings.toml").write_text((ROOT / "settings.toml").read_text())
    monkeypatch.setenv("EARFUL_SETTINGS", str(tmp_path / "settings.toml"))
    monkeypatch.delenv("EARFUL_DATABASE_URL", raising=False)

    def run(*args: str) -> Any:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        runtime.install(None)
        return result

    return run


def test_evaluate_parity_writes_the_card_section_and_the_json(earful: Any,
                                                               tmp_path: Path) -> None:
    data = tmp_path / "parity"
    data.mkdir()
    _write(data / "items_s.jsonl", SAMPLE)
    card, out = tmp_path / "card.md", tmp_path / "parity.json"
    card.write_text(CARD, encoding="utf-8")
    args = ("evaluate", "--parity", "--data-dir", str(data), "--card", str(card),
            "--parity-json", str(out))
    result = earful(*args)
    assert result.exit_code == 0, result.output
    assert "| language | n |" in result.output and "| el | 2 |" in result.output
    written = card.read_text(encoding="utf-8")
    assert written.startswith(CARD.rstrip("\n"))  # the public table is kept as it was
    assert "## Language parity (default mode)" in written
    assert "<!-- earful-parity:start -->" in written and "| **non-English** | 16 |" in written
    report = parity.from_json(out.read_text(encoding="utf-8"))
    assert report.split == "test" and report.n_items == 2 and len(report.rows) == 11
    assert "semnal" not in out.read_text(encoding="utf-8")
    assert earful(*args).exit_code == 0  # again: the block is replaced, not repeated
    assert card.read_text(encoding="utf-8").count("earful-parity:start") == 1


def test_evaluate_parity_dev_split_only_prints(earful: Any, tmp_path: Path) -> None:
    data = tmp_path / "parity"
    data.mkdir()
    _write(data / "items_s.jsonl", SAMPLE)
    card, out = tmp_path / "card.md", tmp_path / "parity.json"
    result = earful("evaluate", "--parity", "--split", "dev", "--data-dir", str(data),
                    "--card", str(card), "--parity-json", str(out))
    assert result.exit_code == 0, result.output
    assert "| en | 1 |" in result.output
    assert not card.exists() and not out.exists()


def test_evaluate_parity_reports_bad_data(earful: Any, tmp_path: Path) -> None:
    empty = tmp_path / "none"
    empty.mkdir()
    result = earful("evaluate", "--parity", "--data-dir", str(empty), "--card",
                    str(tmp_path / "c.md"), "--parity-json", str(tmp_path / "p.json"))
    assert result.exit_code != 0 and "no parallel set" in result.output
    _write(empty / "items_a.jsonl", [SAMPLE[0], {**SAMPLE[1], "urgency": "meh"}])
    result = earful("evaluate", "--parity", "--data-dir", str(empty), "--card",
                    str(tmp_path / "c.md"), "--parity-json", str(tmp_path / "p.json"))
    assert result.exit_code != 0 and "items_a.jsonl:2:" in result.output
    assert not (tmp_path / "c.md").exists()


# The console --------------------------------------------------------------------------------

def test_console_shows_the_saved_parity_table(rt: Runtime, report: parity.ParityReport,
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import web.model_quality

    saved = tmp_path / "parity.json"
    monkeypatch.setattr(web.model_quality, "PARITY_REPORT", saved)
    app: Flask = make_app(rt)
    page = client_as(app, rt, "lead").get("/admin/model").get_data(as_text=True)
    assert "No language parity figures yet" in page
    saved.write_text(parity.to_json(report), encoding="utf-8")
    page = client_as(app, rt, "lead").get("/admin/model").get_data(as_text=True)
    assert "Language parity" in page and "<code>stub-1</code>" in page and "2026-01-02" in page
    assert page.index("Language parity") < page.index("Label corrections")
    assert '<th scope="row">el</th>' in page and "<strong>non-English</strong>" in page
    assert "40.0 (missed)" in page and "no: complaint macro-F1" in page
    assert page.count("<td>yes</td>") == 7  # en, fr, it, pt, ro, el, ru


# The shipped parallel set --------------------------------------------------------------------

def test_the_shipped_parallel_set_is_well_formed() -> None:
    files = [SHIPPED / "items_a.jsonl", SHIPPED / "items_b.jsonl"]
    missing = [f.name for f in files if not f.exists()]
    assert not missing, (f"the parallel set is incomplete: {', '.join(missing)} missing in "
                         f"{SHIPPED} (one JSON object per line with id, category, complaint, "
                         "urgency, split and texts in en, es, fr, de, it, pt, ro, el, ru)")
    assert parity.data_files(SHIPPED) == files, "only items_a/b.jsonl are expected there"
    items = parity.load(files)  # raises with the file and line of a malformed item
    assert len(items) >= 60, f"the issue asks for at least 60 items, found {len(items)}"
    for item in items:
        assert set(item.texts) == set(parity.LANGUAGES), item.id
        assert all(20 <= len(text) <= 280 for text in item.texts.values()), item.id
        assert item.urgency in URGENCIES and isinstance(item.complaint, bool), item.id
    tests = sum(item.split == "test" for item in items)
    assert len(items) // 3 <= tests <= -(-len(items) // 3), \
        f"{tests} of {len(items)} items are in the test split; a third should be"
    for level in URGENCIES:
        assert any(i.urgency == level and i.split == "test" for i in items), level
