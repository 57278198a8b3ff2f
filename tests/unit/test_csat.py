"""Customer satisfaction: one follow-up reply after resolving, a public page answered once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock, now
from earful.models import AuditLog, CsatSurvey, Mention, OutboxReply
from earful.runtime import Runtime
from earful.settings import CsatSettings, Settings, SettingsError, validate
from earful.work import WorkflowError
from earful.work.csat import COMMENT_CHARS, csat_summary, offer_survey, record_answer
from earful.work.status import set_status
from tests.unit.web_console_support import add_author, add_mention, console_runtime, make_app

LINK = re.compile(r"http://127\.0\.0\.1:5000/csat/([A-Za-z0-9_-]{43})")
NOT_VALID = "This survey link is not valid."
BAD_SCORE = "Please choose a score from 1 to 5."


@pytest.fixture
def rt(settings: Settings, database_url: str) -> Iterator[Runtime]:
    """No classifier (nothing here classifies); the brand answers on every platform."""
    settings.csat.enabled = True
    with console_runtime(settings, database_url) as current:
        yield current


def csat_app(rt: Runtime, csrf: bool = False) -> Flask:
    """The console as built for production: the CSAT page is one of its public routes."""
    app = make_app(rt, csrf=csrf)
    assert "csat" in app.blueprints
    return app


@pytest.fixture
def client(rt: Runtime, clock: FrozenClock) -> FlaskClient:
    return csat_app(rt).test_client()


def resolved(session: Session, *, lang: str = "en", **fields: Any) -> Mention:
    """A customer's complaint, resolved by a person (the survey is offered on this move)."""
    author = fields.pop("author", None) or add_author(session, "ana",
                                                      display_name="Ana María Pop")
    mention = add_mention(session, author=author, lang=lang, **fields)
    set_status(session, mention, "resolved", None)
    return mention


def offer(session: Session, mention: Mention, rt: Runtime) -> CsatSurvey | None:
    """offer_survey as the status hook calls it; the survey it made if the hook already ran."""
    return offer_survey(session, mention, rt.settings) or session.scalar(
        select(CsatSurvey).where(CsatSurvey.mention_id == mention.id))


def offered(session: Session, rt: Runtime, **fields: Any) -> CsatSurvey:
    survey = offer(session, resolved(session, **fields), rt)
    assert survey is not None
    session.commit()
    return survey


def csat_rows(session: Session) -> list[OutboxReply]:
    return list(session.scalars(select(OutboxReply).where(
        OutboxReply.idempotency_key.like("csat:%"))))


def answer(client: FlaskClient, token: str, **form: str) -> Any:
    return client.post(f"/csat/{token}", data=form)


# --- offering -----------------------------------------------------------------------------


def test_resolving_queues_one_reply_in_the_customers_language(
        rt: Runtime, session: Session, client: FlaskClient) -> None:
    mention = resolved(session, lang="es")
    survey = offer(session, mention, rt)
    session.commit()
    assert survey is not None and survey.lang == "es"
    assert survey.expires_at == now() + timedelta(days=14)
    (row,) = csat_rows(session)
    assert row.idempotency_key == f"csat:{mention.id}"
    assert (row.status, row.platform, row.account_handle, row.in_reply_to) == (
        "queued", "x", "LumenMobile", mention.external_id)
    assert row.text.startswith("Gracias por escribirnos, Ana. ¿Qué tal lo hicimos? http")
    found = LINK.search(row.text)
    assert found is not None and found.group(1) == survey.token
    page = client.get(f"/csat/{survey.token}")
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('type="radio" name="score"') == 5
    assert session.scalar(select(AuditLog).where(AuditLog.action == "csat.offer")) is not None


def test_it_is_offered_once_even_when_resolved_again(rt: Runtime, session: Session,
                                                     clock: FrozenClock) -> None:
    mention = resolved(session)
    assert offer(session, mention, rt) is not None
    assert offer_survey(session, mention, rt.settings) is None
    set_status(session, mention, "open", None)
    set_status(session, mention, "resolved", None)
    assert offer_survey(session, mention, rt.settings) is None
    session.commit()
    assert len(csat_rows(session)) == 1
    assert len(session.scalars(select(CsatSurvey)).all()) == 1


def test_other_languages_fall_back_to_english(rt: Runtime, session: Session,
                                              clock: FrozenClock) -> None:
    survey = offered(session, rt, lang="it")
    (row,) = csat_rows(session)
    assert survey.lang == "en"
    assert row.text.startswith("Thanks for talking to us, Ana. How did we do? http://")


def test_the_link_and_names_are_never_read_as_placeholders(rt: Runtime, session: Session,
                                                           clock: FrozenClock) -> None:
    rt.settings.app.public_url = "https://care.example.com/"
    author = add_author(session, "mallory", display_name="{csat_url}{brand}")
    offered(session, rt, author=author)
    (row,) = csat_rows(session)
    assert row.text.startswith("Thanks for talking to us, {csat_url}{brand}. How did we do? "
                               "https://care.example.com/csat/")


def test_without_settings_it_uses_the_installed_runtime(rt: Runtime, session: Session,
                                                        clock: FrozenClock) -> None:
    mention = resolved(session)
    assert offer_survey(session, mention) or offer(session, mention, rt)
    assert len(csat_rows(session)) == 1


def test_resolving_through_the_status_rule_offers_it(rt: Runtime, session: Session,
                                                     clock: FrozenClock) -> None:
    mention = resolved(session, lang="fr")
    (row,) = csat_rows(session)
    assert row.text.startswith("Merci de nous avoir écrit, Ana.")
    assert offer_survey(session, mention, rt.settings) is None


@pytest.mark.parametrize("case", ["own", "deleted", "no author", "not resolved", "no account",
                                  "disabled"])
def test_not_offered(rt: Runtime, session: Session, clock: FrozenClock, case: str) -> None:
    if case == "no account":
        rt.settings.accounts = []
    if case == "disabled":
        rt.settings.csat.enabled = False
    if case in ("own", "not resolved"):
        state = "own" if case == "own" else "waiting"
        mention = add_mention(session, author=add_author(session), status=state)
    else:
        mention = add_mention(session, author=None if case == "no author" else
                              add_author(session), deleted=case == "deleted")
        set_status(session, mention, "resolved", None)
    assert offer_survey(session, mention, rt.settings) is None
    session.commit()
    assert csat_rows(session) == []
    assert session.scalars(select(CsatSurvey)).all() == []


# --- the public page ----------------------------------------------------------------------


def test_the_page_takes_one_answer(rt: Runtime, session: Session, client: FlaskClient) -> None:
    survey = offered(session, rt)
    response = answer(client, survey.token, score="4", comment="Quick and kind.")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Thank you!" in page and "4 out of 5" in page and "Quick and kind." in page
    again = answer(client, survey.token, score="1", comment="changed my mind")
    assert again.status_code == 409
    assert "already been answered" in again.get_data(as_text=True)
    later = client.get(f"/csat/{survey.token}")
    assert later.status_code == 200 and "already been answered" in later.get_data(as_text=True)
    assert "Quick and kind." not in later.get_data(as_text=True)  # the link is public
    session.refresh(survey)
    assert (survey.score, survey.comment, survey.answered_at) == (4, "Quick and kind.", now())


def test_the_page_is_public_and_shows_no_staff_navigation(rt: Runtime, session: Session,
                                                          client: FlaskClient) -> None:
    survey = offered(session, rt)
    response = client.get(f"/csat/{survey.token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sign out" not in page and "Inbox" not in page and "<script" not in page
    assert response.headers["Cache-Control"] == "no-store"


def test_an_expired_link_is_refused(rt: Runtime, session: Session, client: FlaskClient,
                                    clock: FrozenClock) -> None:
    survey = offered(session, rt)
    clock.advance(days=14)
    response = client.get(f"/csat/{survey.token}")
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert answer(client, survey.token, score="5").status_code == 410
    with pytest.raises(WorkflowError, match="expired"):
        record_answer(session, survey.token, 5, "")
    session.refresh(survey)
    assert survey.answered_at is None


@pytest.mark.parametrize("score", ["", "0", "6", "abc", "4.5", "05", "-1", "５"])
def test_a_bad_score_is_a_400_with_a_message(rt: Runtime, session: Session,
                                             client: FlaskClient, score: str) -> None:
    survey = offered(session, rt)
    response = answer(client, survey.token, score=score, comment="kept")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert BAD_SCORE in page and ">kept</textarea>" in page
    session.refresh(survey)
    assert survey.answered_at is None
    assert answer(client, survey.token, score="3").status_code == 200


@pytest.mark.parametrize("token", [
    "x" * 43, "A" * 5000, "é" * 43, "../../etc/passwd", "..%2F..%2Fsettings.toml",
    "%00", "a/b", "' OR 1=1 --", "<script>"])
def test_odd_or_unknown_tokens_are_404(rt: Runtime, session: Session, client: FlaskClient,
                                       token: str) -> None:
    offered(session, rt)
    for response in (client.get(f"/csat/{token}"), answer(client, token, score="5")):
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert NOT_VALID in page and "<script>" not in page
    assert session.scalar(select(CsatSurvey.answered_at)) is None


def test_the_comment_is_escaped_wherever_it_is_shown(rt: Runtime, session: Session,
                                                     client: FlaskClient) -> None:
    survey = offered(session, rt)
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    refused = answer(client, survey.token, score="9", comment=hostile).get_data(as_text=True)
    thanks = answer(client, survey.token, score="2", comment=hostile).get_data(as_text=True)
    for page in (refused, thanks):
        assert "<script>alert" not in page and "<img" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_form_needs_its_csrf_token(rt: Runtime, session: Session,
                                       clock: FrozenClock) -> None:
    survey = offered(session, rt)
    client = csat_app(rt, csrf=True).test_client()
    page = client.get(f"/csat/{survey.token}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    assert answer(client, survey.token, score="5").status_code == 400
    session.refresh(survey)
    assert survey.answered_at is None
    assert answer(client, survey.token, score="5",
                  csrf_token=token.group(1)).status_code == 200


# --- the rules without the page -----------------------------------------------------------


def test_record_answer_refuses_and_cleans(rt: Runtime, session: Session,
                                          clock: FrozenClock) -> None:
    survey = offered(session, rt)
    with pytest.raises(WorkflowError, match=re.escape(NOT_VALID)):
        record_answer(session, "nope", 5, "")
    for bad in (True, 0, 6, "5", None, 4.0):
        with pytest.raises(WorkflowError, match=re.escape(BAD_SCORE)):
            record_answer(session, survey.token, bad, "")
    stored = record_answer(session, survey.token, 5, "  fine\x00 thanks\x1b " + "x" * 3000)
    session.commit()
    assert stored.comment is not None and len(stored.comment) == COMMENT_CHARS
    assert stored.comment.startswith("fine thanks x")
    with pytest.raises(WorkflowError, match="already been answered"):
        record_answer(session, survey.token, 1, "")
    assert session.scalar(select(AuditLog).where(AuditLog.action == "csat.answer")) is not None


def test_summary_figures(rt: Runtime, session: Session, clock: FrozenClock) -> None:
    start = now()
    assert csat_summary(session, start, start + timedelta(days=1)) == {
        "offered": 0, "answered": 0, "average": None, "satisfied_percent": None}
    surveys = [offered(session, rt) for _ in range(5)]
    for survey, score in zip(surveys[:3], (5, 4, 2), strict=True):
        record_answer(session, survey.token, score, "")
    clock.advance(days=2)
    record_answer(session, surveys[3].token, 1, "")  # answered after the range
    session.commit()
    summary = csat_summary(session, start, start + timedelta(days=1))
    assert summary == {"offered": 5, "answered": 3, "average": 3.67, "satisfied_percent": 66.7}



def test_the_dashboard_shows_csat_when_it_is_on(rt: Runtime, session: Session,
                                                clock: FrozenClock) -> None:
    from tests.unit.web_console_support import add_user, login

    survey = offered(session, rt)
    record_answer(session, survey.token, 5, "")
    session.commit()
    add_user(session, "lena", role="lead")
    lead = csat_app(rt).test_client()
    login(lead, "lena")
    html = lead.get("/dashboard").get_data(as_text=True)
    assert "CSAT average" in html and "1 answers, 1 surveys offered" in html
    rt.settings.csat.enabled = False
    assert "CSAT average" not in lead.get("/dashboard").get_data(as_text=True)


# --- settings -----------------------------------------------------------------------------


def test_csat_is_off_by_default_and_every_message_has_the_link() -> None:
    defaults = Settings().csat
    assert not defaults.enabled and defaults.expiry_days == 14
    assert set(defaults.message) == {"en", "ro", "el", "ru", "es", "fr", "de"}
    assert all("{csat_url}" in text for text in defaults.message.values())


@pytest.mark.parametrize(("csat", "named"), [
    ({"expiry_days": 0}, "csat.expiry_days must be positive"),
    ({"message": {"en": "How did we do?"}}, "csat.message.en must contain {csat_url}"),
    ({"enabled": True, "message": {"fr": "Merci {csat_url}"}}, "csat.message.en is required"),
])
def test_bad_csat_settings_are_named(csat: dict[str, Any], named: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(named)):
        validate(Settings(csat=CsatSettings(**csat)))
    validate(Settings(csat=CsatSettings(message={"fr": "Merci {csat_url}"})))  # off: no "en" ok
