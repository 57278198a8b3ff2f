"""The demo's canned responses: every name in every demo language, safe bodies, seeded once."""

from __future__ import annotations

import re
import string
from collections import defaultdict

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from earful.models import CannedResponse
from earful.runtime import Runtime
from listener.demo.canned import LANGUAGES, load_canned, seed_canned_responses
from listener.demo.runner import prepare_demo

NAMES = {"Apology and looking into it", "Outage acknowledged", "Continue in private",
         "Resolved, please confirm", "Thanks for the kind words"}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Long-ish but ordinary values: a real team's status page and agent names, not the demo's.
TYPICAL = {"first_name": "Alexandra", "handle": "@alexandra_p", "agent_name": "Konstantinos",
           "incident_url": "https://status.lumenmobile.example/status#incident-1234",
           "brand": "Lumen Mobile", "contact_url": "https://example.com/contact"}
X_BUDGET = 240
VERSIONS = load_canned()


def _filled(body: str) -> str:
    return PLACEHOLDER.sub(lambda match: TYPICAL[match.group(1)], body)


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CannedResponse)) or 0


def test_every_name_exists_in_all_seven_languages() -> None:
    langs: dict[str, list[str]] = defaultdict(list)
    for name, lang, _body in VERSIONS:
        langs[name].append(lang)
    assert set(langs) == NAMES
    assert {name: sorted(found) for name, found in langs.items()} == {
        name: sorted(LANGUAGES) for name in NAMES}


@pytest.mark.parametrize(("name", "lang", "body"), VERSIONS,
                         ids=[f"{name}-{lang}" for name, lang, _ in VERSIONS])
def test_body_uses_known_placeholders_and_balanced_braces(name: str, lang: str, body: str) -> None:
    assert set(PLACEHOLDER.findall(body)) <= set(TYPICAL)
    # No literal braces: the composer's regex fill would show {{ as two braces.
    assert "{" not in PLACEHOLDER.sub("", body) and "}" not in PLACEHOLDER.sub("", body)
    fields = [field for _text, field, spec, conv in string.Formatter().parse(body)
              if field is not None and not spec and not conv]
    assert set(fields) <= set(TYPICAL)


@pytest.mark.parametrize(("name", "lang", "body"), VERSIONS,
                         ids=[f"{name}-{lang}" for name, lang, _ in VERSIONS])
def test_body_fits_a_reply_on_x_once_filled(name: str, lang: str, body: str) -> None:
    assert len(_filled(body)) < X_BUDGET


def test_bodies_have_the_placeholders_their_purpose_needs() -> None:
    needs = {"Apology and looking into it": {"first_name", "agent_name"},
             "Outage acknowledged": {"incident_url"},
             "Continue in private": {"first_name", "agent_name", "brand", "contact_url"}}
    for name, lang, body in VERSIONS:
        missing = needs.get(name, set()) - set(PLACEHOLDER.findall(body))
        assert not missing, (name, lang, missing)


def test_diacritics_are_the_correct_ones() -> None:
    for _name, lang, body in VERSIONS:
        if lang == "ro":  # comma below (ș ț), never the Turkish cedilla (ş ţ)
            assert not set("şţŞŢ") & set(body), body
        if lang == "el":  # monotonic Greek with tonos
            assert set("άέήίόύώ") & set(body), body
    romanian = " ".join(body for _n, lang, body in VERSIONS if lang == "ro")
    german = " ".join(body for _n, lang, body in VERSIONS if lang == "de")
    assert {"ș", "ț"} <= set(romanian)
    assert {"ß", "ü"} <= set(german)


def test_seeding_adds_every_version_once(session: Session) -> None:
    assert seed_canned_responses(session) == len(NAMES) * len(LANGUAGES)
    session.commit()
    assert seed_canned_responses(session) == 0
    session.commit()
    assert _count(session) == len(NAMES) * len(LANGUAGES)


def test_seeding_never_overwrites_an_edited_row(session: Session) -> None:
    session.add(CannedResponse(name="Outage acknowledged", lang="ro", body="Textul echipei."))
    session.commit()
    assert seed_canned_responses(session) == len(NAMES) * len(LANGUAGES) - 1
    session.commit()
    body = session.scalar(select(CannedResponse.body).where(
        CannedResponse.name == "Outage acknowledged", CannedResponse.lang == "ro"))
    assert body == "Textul echipei."


def test_demo_first_run_seeds_the_canned_responses(rt: Runtime) -> None:
    rt.settings.demo.backfill_days = 1  # the history itself is not what this test is about
    assert prepare_demo(rt) > 0
    with rt.sessions() as session:
        rows = session.execute(select(CannedResponse.name, CannedResponse.lang))
        assert {(name, lang) for name, lang in rows} == {(name, lang) for name, lang, _ in VERSIONS}
        session.execute(delete(CannedResponse).where(CannedResponse.lang == "de"))
        session.commit()
    # A restart: the history and the canned responses stay as the team left them.
    assert prepare_demo(rt) == 0
    with rt.sessions() as session:
        assert _count(session) == len(NAMES) * (len(LANGUAGES) - 1)
