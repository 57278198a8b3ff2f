"""Behaviour of the shipped model and the urgency rubric in several languages."""

from __future__ import annotations

import json
import shutil
from functools import lru_cache

import pytest

from classifier import TextInput, artifacts_io, lexicons, load_model, training
from classifier.artifacts_io import IncompatibleModelError
from classifier.loader import ModelNotAvailableError


@lru_cache(maxsize=1)
def model():
    return load_model(["en", "es", "fr", "de", "ro", "el", "ru"])


def label(text: str, **kw):
    return model().predict([TextInput(text, **kw)])[0]


@pytest.mark.parametrize("text, code, level", [
    ("The charger caught fire and burned my hand", "safety", "critical"),
    ("Someone hacked my account and changed my password", "account_security", "critical"),
    ("There are charges on my card I did not make, this is fraud", "fraud", "critical"),
    ("Your app showed me someone else's order with their address", "data_exposure", "critical"),
    ("The app is down, I can't log in", "outage", "high"),
    ("You charged me twice for the same order", "money_lost", "high"),
    ("My flight is today and nobody can rebook me, this is urgent", "time_bound", "high"),
    ("Fix this or I will cancel my subscription", "cancel_threat", "high"),
    ("This is the last warning before my lawyer gets involved", "legal_threat", "high"),
    ("Third time I write and still no reply from your support", "repeat_contact", "high"),
    # ro / el / ru lexicon hits
    ("Contul meu a fost spart, cineva a schimbat parola", "account_security", "critical"),
    ("Telefonul s-a aprins și a luat foc", "safety", "critical"),
    ("Aplicația nu funcționează de azi dimineață", "outage", "high"),
    ("Η εφαρμογή δεν λειτουργεί από το πρωί", "outage", "high"),
    ("Θα κάνω μήνυση, μιλάω ήδη με δικηγόρο", "legal_threat", "high"),
    ("Мне списали деньги дважды, верните деньги!", "money_lost", "high"),
    ("Мой аккаунт взломали", "account_security", "critical"),
    ("El servicio no funciona desde ayer", "outage", "high"),
    ("Je vais résilier mon abonnement", "cancel_threat", "high"),
    ("My phone was stolen and someone is using my account", "account_security", "critical"),
    ("Mon forfait ne fonctionne plus depuis ce matin", "outage", "high"),
    ("Der Anbieter hat meine Nummer ohne Grund gesperrt", "outage", "high"),
    ("Η σύνδεση έχει πέσει; Δεν έχω καθόλου σήμα", "outage", "high"),
    ("Din nou fără rețea în tot orașul", "outage", "high"),
    ("Dacă nu rezolvați azi, plec la alt operator", "cancel_threat", "high"),
    ("Am sunat de trei ori și nimeni nu mă ajută", "repeat_contact", "high"),
])
def test_urgency_reasons(text, code, level):
    got = label(text)
    assert code in got.reason_codes
    assert got.urgency == level
    assert got.reasons[got.reason_codes.index(code)] == lexicons.URGENCY_REASONS[code][0]


def test_praise_is_low_and_has_no_reasons():
    for text in ["I love this, thank you so much! 😍", "Ευχαριστώ πολύ για τη γρήγορη εξυπηρέτηση!",
                 "Спасибо, всё работает отлично!", "Mulțumesc, totul funcționează perfect!"]:
        got = label(text)
        assert got.sentiment == "positive", text
        assert got.urgency == "low" and got.reason_codes == [], text


def test_question_is_normal():
    assert label("What time do you open tomorrow?").urgency == "normal"


def test_negation_flips_sentiment():
    assert label("This is good, really happy with it").sentiment == "positive"
    assert label("This is not good at all, really disappointed").sentiment == "negative"


def test_sarcasm_marker_reads_negative():
    got = label("Great, my flight got cancelled again. Just what I needed 🙄 #sarcasm")
    assert got.sentiment == "negative"
    assert got.complaint


def test_explicit_sarcasm_turns_praise_around_but_sincere_praise_stays():
    sarcastic = label("Oh great, another 'network improvement' from you. Thanks for nothing 🙄")
    assert sarcastic.sentiment == "negative"
    # "so glad" and "great job" are often sarcastic but not always: they never flip by themselves
    assert label("So glad I switched to you, great job!").sentiment == "positive"


def test_down_means_an_outage_only_when_something_is_down():
    assert "outage" in label("Is the network down? No signal at all").reason_codes
    assert "outage" in label("The app is down again").reason_codes
    assert "outage" not in label("300 Mbps down at lunchtime, not bad").reason_codes
    assert "outage" not in label("I can download the new app now").reason_codes


def test_emoji_carry_sentiment():
    happy, angry = label("😍😍😍").sentiment_scores, label("😡😡😡").sentiment_scores
    assert happy["positive"] > angry["positive"]
    assert angry["negative"] > happy["negative"]


def test_lexicon_helps_languages_without_training_data():
    got = label("Comanda mea nu a ajuns nici azi, sunt foarte dezamăgit")
    assert got.lang == "ro"
    assert got.sentiment == "negative"


def test_high_reach_and_repeat_contact():
    got = label("my order never arrived", author_followers=120_000, recent_contacts=2)
    assert "high-reach author (120k followers)" in got.reasons
    assert "repeated contact (3rd in 24 h)" in got.reasons
    assert got.urgency in ("high", "critical")
    assert got.reason_codes[-2:] == ["repeat_contact", "high_reach"]
    plain = label("my order never arrived")
    assert "high_reach" not in plain.reason_codes and plain.urgency_score < got.urgency_score


def test_high_reach_praise_stays_low():
    got = label("Love this brand 😍", author_followers=2_000_000)
    assert got.urgency == "low" and "high_reach" not in got.reason_codes


def test_incompatible_or_damaged_artifacts_are_refused(tmp_path):
    shipped = artifacts_io.SHIPPED_DIR
    meta = json.loads((shipped / artifacts_io.META_FILE).read_text())
    old = tmp_path / "old"  # format 1 was a pickled scikit-learn bundle
    old.mkdir()
    (old / artifacts_io.META_FILE).write_text(json.dumps(dict(meta, format=1)))
    (old / "model.joblib").write_bytes(b"not even read")
    with pytest.raises(IncompatibleModelError, match="artifact format 1.*earful train"):
        artifacts_io.load_runtime(old)
    with pytest.raises(ModelNotAvailableError, match="artifact format 1"):
        load_model(["en", "ro"], shipped_dir=old)
    # a broken team model falls back to the shipped one
    assert load_model(["en", "ro"], model_dir=old).version == meta["version"]
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / artifacts_io.META_FILE).write_text(json.dumps(meta))
    (damaged / artifacts_io.MODEL_FILE).write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(IncompatibleModelError, match="cannot be read"):
        artifacts_io.load_runtime(damaged)


def test_a_model_file_never_unpickles(tmp_path):
    import numpy as np

    class Boom:
        def __reduce__(self):
            return (pytest.fail, ("unpickled while loading a model",))

    meta = json.loads((artifacts_io.SHIPPED_DIR / artifacts_io.META_FILE).read_text())
    (tmp_path / artifacts_io.META_FILE).write_text(json.dumps(meta))
    np.savez(tmp_path / artifacts_io.MODEL_FILE, idf=np.array([Boom()], dtype=object))
    with pytest.raises(IncompatibleModelError, match="cannot be read"):
        artifacts_io.load_runtime(tmp_path)


def test_old_or_damaged_heads_are_refused(tmp_path):
    meta = json.loads((artifacts_io.SHIPPED_DIR / "accurate.json").read_text())
    (tmp_path / "accurate.json").write_text(json.dumps(dict(meta, format=1)))
    (tmp_path / "accurate.joblib").write_bytes(b"not even read")
    with pytest.raises(IncompatibleModelError, match="artifact format 1"):
        artifacts_io.load(tmp_path, artifacts_io.ACCURATE_STEM)
    (tmp_path / "accurate.json").write_text(json.dumps(meta))
    (tmp_path / "accurate.npz").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(IncompatibleModelError, match="cannot be read"):
        artifacts_io.load(tmp_path, artifacts_io.ACCURATE_STEM)


def test_missing_artifact_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotAvailableError, match="earful train --data"):
        load_model(["en", "ro"], shipped_dir=tmp_path)


def test_adapt_with_corrections_moves_the_model(tmp_path):
    base = artifacts_io.load(artifacts_io.SHIPPED_DIR)
    text = "the zorblax widget made a funny noise today"
    corrections = [training.Correction(text, "sentiment", "negative"),
                   training.Correction(text, "complaint", "true")] * 3
    adapted = training.adapt_with_corrections(base, corrections)
    assert adapted["meta"]["kind"] == "adapted"
    assert base["sentiment"] is not adapted["sentiment"]
    shutil.copytree(artifacts_io.SHIPPED_DIR, tmp_path / "shipped")
    artifacts_io.save(adapted, tmp_path / "models" / "current")
    before = load_model(["en", "ro"]).predict([TextInput(text)])[0]
    after = load_model(["en", "ro"], model_dir=tmp_path / "models").predict([TextInput(text)])[0]
    assert after.sentiment_scores["negative"] > before.sentiment_scores["negative"]
    assert after.complaint_score > before.complaint_score
