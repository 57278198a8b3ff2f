"""The run-time model (numpy arrays) computes what the trained scikit-learn estimators compute."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from classifier import artifacts_io
from classifier.cues import normalise
from classifier.features import TextFeatures
from classifier.hashing import hashed_counts
from classifier.inference import export
from classifier.labels import SENTIMENTS
from classifier.training import bundle_from_scorer, complaint_matrix

TEXTS = [
    "@LumenMobile my bill is WRONG again!!! charged twice 😡 https://t.co/x",
    "Nu am semnal deloc în București. Rețeaua e căzută?",
    "Η Lumen Mobile έχει πέσει; Δεν έχω καθόλου σήμα στην Αθήνα.",
    "связь не работает уже полчаса! Что происходит?!",
    "¿Alguien más tiene problemas con la factura? Me cobraron 30 € de más.",
    "Panne totale ? Plus de réseau depuis 20 minutes &amp; rien",
    "Netz komplett ausgefallen.\tKein Internet,   keine Anrufe.",
    "شكرا رائع", "बढ़िया सेवा धन्यवाद", "thanks 😍😍😍", "sooooo goooood", "lol",
    "", " ", "a", "?!", "x" * 700,
]


@pytest.fixture(scope="module")
def shipped():
    return artifacts_io.load_runtime(artifacts_io.SHIPPED_DIR)


def test_hashing_matches_scikit_learn_exactly():
    reference = TextFeatures()._counts(TEXTS)  # normalises, then the two HashingVectorizers
    reference.sort_indices()
    indptr, indices, counts = hashed_counts([normalise(t) for t in TEXTS])
    assert np.array_equal(reference.indptr, indptr)
    assert np.array_equal(reference.indices, indices)
    assert np.array_equal(reference.data, counts)


def test_probabilities_match_the_estimators(shipped):
    scorer, meta = shipped
    bundle = bundle_from_scorer(scorer, meta)
    X = bundle["features"].transform(TEXTS)
    order = [list(bundle["sentiment"].classes_).index(s) for s in SENTIMENTS]
    want_sent = bundle["sentiment"].predict_proba(X)[:, order]
    want_comp = bundle["complaint"].predict_proba(complaint_matrix(X, want_sent))[:, 1]
    rows = scorer.transform(TEXTS)
    got_sent = scorer.sentiment_proba(rows)[:, [scorer.sentiment_classes.index(s)
                                               for s in SENTIMENTS]]
    got_comp = scorer.complaint_proba(rows, got_sent)
    np.testing.assert_allclose(got_sent, want_sent, atol=1e-5)
    np.testing.assert_allclose(got_comp, want_comp, atol=1e-5)
    assert np.array_equal(got_sent.argmax(axis=1), want_sent.argmax(axis=1))


def test_export_round_trips(shipped):
    scorer, meta = shipped
    arrays, params = export(bundle_from_scorer(scorer, meta))
    assert params == meta["params"]
    for name, value in arrays.items():
        assert np.array_equal(value, scorer.arrays[name]), name


@pytest.mark.parametrize("mode", ["fast", "accurate"])
def test_running_the_model_never_imports_scikit_learn_or_scipy(mode):
    probe = ("import sys; from classifier import TextInput, load_model; "
             f"load_model(['en', 'ro'], mode={mode!r})"
             ".predict([TextInput('no signal since 9am')]); "
             "print(sorted(m for m in ('sklearn', 'scipy', 'joblib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
