"""The `earful classify` contract: schema, ids echoed in order, bad lines, streaming."""

from __future__ import annotations

import io
import json
from functools import lru_cache

import click
import pytest
from click.testing import CliRunner

from classifier import load_model
from classifier.labels import SENTIMENTS, URGENCIES
from classifier.streaming import classify_stream
from web.cli_classifier import register

KEYS = {"id", "lang", "sentiment", "sentiment_scores", "complaint", "complaint_score",
        "urgency", "urgency_score", "reasons", "reason_codes"}


@lru_cache(maxsize=1)
def model():
    return load_model(["en", "es", "ro", "el", "ru"])


def cli_group() -> click.Group:
    @click.group()
    @click.pass_context
    def cli(ctx: click.Context) -> None:
        ctx.obj = {"model": model(), "batch_size": 64}

    register(cli)
    return cli


def run(lines: list[str]) -> list[dict]:
    out = io.BytesIO()
    classify_stream(model(), [line.encode() for line in lines], out, batch_size=3)
    return [json.loads(x) for x in out.getvalue().decode().splitlines()]


def test_schema_and_ids_echoed_in_order():
    ids = [17, "abc", None, {"k": [1]}, 2.5]
    lines = [json.dumps({"id": i, "text": f"order {n} never arrived"}) for n, i in enumerate(ids)]
    got = run(lines)
    assert [g["id"] for g in got] == ids
    for g in got:
        assert set(g) == KEYS
        assert g["sentiment"] in SENTIMENTS and g["urgency"] in URGENCIES
        assert set(g["sentiment_scores"]) == set(SENTIMENTS)
        assert abs(sum(g["sentiment_scores"].values()) - 1) < 1e-3
        assert 0 <= g["complaint_score"] <= 1 and 0 <= g["urgency_score"] <= 1
        assert isinstance(g["complaint"], bool)
        assert len(g["reasons"]) == len(g["reason_codes"])


def test_lone_surrogates_from_json_escapes_do_not_fail_the_batch():
    lines = ['{"id": 1, "text": "my bill \\ud800 is wrong"}', '{"id": 2, "text": "hello there"}']
    got = run(lines)
    assert [g["id"] for g in got] == [1, 2]
    assert all("error" not in g for g in got)
    assert got[0]["urgency"] == run(['{"id": 1, "text": "my bill \\ufffd is wrong"}'])[0]["urgency"]


def test_lang_override_is_used():
    got = run([json.dumps({"id": 1, "text": "hello there my friend", "lang": "ro"})])
    assert got[0]["lang"] == "ro"


@pytest.mark.parametrize("line, ident, fragment", [
    ("not json", None, "not valid JSON"),
    ("[1, 2]", None, "not a JSON object"),
    ('{"id": 5}', 5, "text"),
    ('{"id": 6, "text": "   "}', 6, "text"),
    ('{"id": 7, "text": 12}', 7, "text"),
    ('{"id": 8, "text": "hi", "author_followers": "many"}', 8, "author_followers"),
])
def test_bad_lines_give_errors_and_the_run_goes_on(line, ident, fragment):
    got = run([line, json.dumps({"id": "ok", "text": "thanks, all good"})])
    assert got[0] == {"id": ident, "error": got[0]["error"]}
    assert fragment in got[0]["error"]
    assert got[1]["id"] == "ok" and "sentiment" in got[1]


def test_blank_lines_skipped_and_invalid_utf8_reported():
    out = io.BytesIO()
    stats = classify_stream(model(), [b"\n", b'{"id": 1, "text": "hi"}\n', b"   \n",
                                      b'{"id": 2, "text": "\xff\xfe"}\n'], out)
    got = [json.loads(x) for x in out.getvalue().decode().splitlines()]
    assert [g["id"] for g in got] == [1, None]
    assert "UTF-8" in got[1]["error"]
    assert (stats.labelled, stats.errors) == (1, 1)


def test_same_input_same_output():
    lines = [json.dumps({"id": i, "text": t}) for i, t in enumerate(
        ["I love it", "The app is down again!!", "Η εφαρμογή δεν λειτουργεί", "ok"])]
    assert run(lines) == run(lines)
    assert model().predict([]) == []


def test_cli_streams_20000_lines_through_files(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    texts = ["my order never arrived", "love the new update 😍", "app is down", "",
             "Comanda nu a ajuns", "{broken"]
    with src.open("w", encoding="utf-8") as fh:
        for i in range(20_000):
            t = texts[i % len(texts)]
            fh.write("\n" if not t else (t + "\n" if t.startswith("{") else
                                         json.dumps({"id": i, "text": t}) + "\n"))
    result = CliRunner().invoke(cli_group(), ["classify", "--input", str(src),
                                              "--output", str(dst)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in dst.read_text(encoding="utf-8").splitlines()]
    expected = 20_000 - 20_000 // len(texts) - (1 if 20_000 % len(texts) > 3 else 0)
    assert len(rows) == expected
    good = [r["id"] for r in rows if "error" not in r]
    assert good == sorted(good) and len(good) == len(set(good))
    assert sum("error" in r for r in rows) == len(rows) - len(good) > 0


def test_cli_unreadable_input_exits_non_zero(tmp_path):
    result = CliRunner().invoke(cli_group(), ["classify", "--input", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "cannot read input" in result.output


def test_cli_reads_stdin_writes_stdout():
    result = CliRunner().invoke(cli_group(), ["classify"],
                                input='{"id": 3, "text": "refund me now"}\n\nbad\n')
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["id"] for r in lines] == [3, None]
