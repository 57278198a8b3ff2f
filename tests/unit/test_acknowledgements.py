"""Out-of-hours acknowledgements: one reply per author per local day, in their language."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock
from earful.models import AuditLog, Author, Mention, OutboxReply, Source
from earful.runtime import Runtime
from earful.settings import (
    AccountSettings,
    CalendarSettings,
    Settings,
    SettingsError,
    SourceSettings,
    load_settings,
)
from earful.work.acknowledgements import acknowledge_out_of_hours, run_acknowledgements

ZONE = ZoneInfo("Europe/Bucharest")  # UTC+2 in January
MONDAY = datetime(2026, 1, 5, tzinfo=ZONE)
TUESDAY_OPENING = "2026-01-06 09:00 (Europe/Bucharest)"
_ids = itertools.count(1)


def local(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute)


@pytest.fixture
def world(rt: Runtime, session: Session, clock: FrozenClock) -> Runtime:
    """A Bucharest 9-17 weekday calendar, one flagged X source and the brand's X account."""
    rt.settings.calendar = CalendarSettings(timezone="Europe/Bucharest", hours=dict.fromkeys(
        ("mon", "tue", "wed", "thu", "fri"), "09:00-17:00"))
    rt.__dict__.pop("sla", None)  # a cached_property: rebuild it from the calendar above
    rt.settings.sources = [SourceSettings(
        name="x-brand", platform="x", account="LumenMobile", acknowledge_out_of_hours=True,
        credentials={"bearer_token": "EARFUL_X_TOKEN"})]
    rt.settings.accounts = [AccountSettings(platform="x", handle="LumenMobile")]
    session.add(Source(name="x-brand", platform="x"))
    session.flush()
    return rt


def author(session: Session, handle: str = "ana", name: str = "Ana Popescu") -> Author:
    row = Author(platform="x", external_id=f"u-{handle}", handle=handle, display_name=name)
    session.add(row)
    session.flush()
    return row


def complaint(session: Session, who: Author, created_at: datetime, **fields: Any) -> Mention:
    source = session.scalar(select(Source).where(Source.name == "x-brand"))
    values: dict[str, Any] = {
        "platform": "x", "external_id": f"t-{next(_ids)}", "created_at": created_at,
        "text": "Nu merge internetul de două ore!", "lang": "ro", "complaint": True,
        "urgency": "high", "status": "new", "author_id": who.id,
        "source_id": source.id if source else None}
    values.update(fields)
    row = Mention(**values)
    session.add(row)
    session.flush()
    return row


def acknowledge(rt: Runtime, session: Session) -> int:
    return acknowledge_out_of_hours(session, rt.settings, rt.sla)


def outbox(session: Session) -> list[OutboxReply]:
    return list(session.scalars(select(OutboxReply).order_by(OutboxReply.id)))


def test_a_night_complaint_is_acknowledged_once_in_its_language(
        world: Runtime, session: Session, clock: FrozenClock) -> None:
    clock.set(local(MONDAY, 22, 5))
    ana = author(session)
    mention = complaint(session, ana, local(MONDAY, 22))

    assert acknowledge(world, session) == 1
    assert acknowledge(world, session) == 0  # the next run finds today's key

    (row,) = outbox(session)
    assert row.text == ("Bună, Ana, mulțumim că ne-ai scris. Echipa noastră nu este disponibilă "
                        f"acum și îți va răspunde începând cu {TUESDAY_OPENING}.")
    assert row.idempotency_key == f"ack:{ana.id}:2026-01-05"
    assert (row.mention_id, row.in_reply_to) == (mention.id, mention.external_id)
    assert (row.platform, row.account_handle) == ("x", "LumenMobile")
    assert (row.status, row.created_by) == ("queued", None)
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "reply.acknowledge"))
    assert entry is not None and entry.user_id is None
    assert (entry.target_type, entry.target_id) == ("outbox", str(row.id))
    assert entry.details == {"mention": mention.id, "author": ana.id}
    # Not a first response: the complaint is still new work with its SLA clock running.
    assert (mention.status, mention.first_response_at) == ("new", None)


def test_one_per_author_per_local_day(world: Runtime, session: Session,
                                      clock: FrozenClock) -> None:
    ana, bob = author(session), author(session, "bob", "Bob")
    complaint(session, ana, local(MONDAY, 22))
    clock.set(local(MONDAY, 22, 5))
    assert acknowledge(world, session) == 1

    complaint(session, ana, local(MONDAY, 23, 30))
    complaint(session, bob, local(MONDAY, 23, 40), lang="en")
    clock.set(local(MONDAY, 23, 45))
    assert acknowledge(world, session) == 1  # Bob only: Ana heard from us tonight

    # 00:30 in Bucharest is still Monday in UTC: the day is the calendar's local day.
    complaint(session, ana, local(MONDAY + timedelta(days=1), 0, 30))
    clock.set(local(MONDAY + timedelta(days=1), 0, 35))
    assert acknowledge(world, session) == 1

    rows = outbox(session)
    assert [r.idempotency_key for r in rows] == [
        f"ack:{ana.id}:2026-01-05", f"ack:{bob.id}:2026-01-05", f"ack:{ana.id}:2026-01-06"]
    assert rows[1].text == ("Hi Bob, thanks for getting in touch. Our team is away right now "
                            f"and will reply from {TUESDAY_OPENING}.")


def test_the_next_opening_skips_the_weekend(world: Runtime, session: Session,
                                            clock: FrozenClock) -> None:
    friday = MONDAY + timedelta(days=4)
    complaint(session, author(session), local(friday, 18), lang="it")  # no Italian: English
    clock.set(local(friday, 18, 1))

    assert acknowledge(world, session) == 1
    assert outbox(session)[0].text.endswith(
        "will reply from 2026-01-12 09:00 (Europe/Bucharest).")


@pytest.mark.parametrize(("created", "run"), [
    ((10, 0), (10, 5)),  # during business hours
    ((16, 55), (17, 5)),  # posted while open, still unanswered at closing: staff's work
    ((8, 50), (9, 1)),  # the team is in by the time the job runs
], ids=["open", "posted-before-closing", "open-by-now"])
def test_business_hours_get_nothing(world: Runtime, session: Session, clock: FrozenClock,
                                    created: tuple[int, int], run: tuple[int, int]) -> None:
    complaint(session, author(session), local(MONDAY, *created))
    clock.set(local(MONDAY, *run))

    assert acknowledge(world, session) == 0
    assert outbox(session) == []


@pytest.mark.parametrize("fields", [
    {"status": "own"},  # the brand's own post
    {"complaint": False},
    {"deleted": True},
    {"status": "open"},  # someone is on it
    {"first_response_at": datetime(2026, 1, 5, 20, 1, tzinfo=ZONE)},
    {"created_at": datetime(2026, 1, 5, 21, 4, tzinfo=ZONE)},  # 61 minutes old
    {"author_id": None},
    {"source_id": None},  # imported, not from a flagged source
], ids=["own", "not-complaint", "deleted", "open", "answered", "too-old", "no-author",
        "no-source"])
def test_nothing_for_what_is_not_owed_an_acknowledgement(
        world: Runtime, session: Session, clock: FrozenClock, fields: dict[str, Any]) -> None:
    complaint(session, author(session), **({"created_at": local(MONDAY, 21, 30)} | fields))
    clock.set(local(MONDAY, 22, 5))

    assert acknowledge(world, session) == 0
    assert outbox(session) == []


def test_a_source_with_the_flag_off_gets_nothing(world: Runtime, session: Session,
                                                 clock: FrozenClock) -> None:
    world.settings.sources[0].acknowledge_out_of_hours = False
    complaint(session, author(session), local(MONDAY, 22))
    session.commit()
    clock.set(local(MONDAY, 22, 5))

    assert acknowledge(world, session) == 0
    assert run_acknowledgements() == 0
    assert outbox(session) == []


def test_no_brand_account_gets_nothing(world: Runtime, session: Session,
                                       clock: FrozenClock) -> None:
    world.settings.accounts = []
    complaint(session, author(session), local(MONDAY, 22))
    clock.set(local(MONDAY, 22, 5))

    assert acknowledge(world, session) == 0
    assert outbox(session) == []


def test_the_job_commits_its_acknowledgements(world: Runtime, session: Session,
                                              clock: FrozenClock) -> None:
    complaint(session, author(session), local(MONDAY, 22))
    session.commit()
    clock.set(local(MONDAY, 22, 5))

    assert run_acknowledgements() == 1
    assert run_acknowledgements() == 0
    with world.sessions() as fresh:
        assert len(outbox(fresh)) == 1
        assert fresh.scalar(select(AuditLog.action).where(
            AuditLog.action == "reply.acknowledge")) == "reply.acknowledge"


def test_default_messages_are_filled_in_every_language(settings: Settings) -> None:
    messages = settings.acknowledgements.message
    assert set(messages) == {"en", "ro", "el", "ru", "es", "fr", "de"}
    assert all("{opens_at}" in body and "{first_name}" in body for body in messages.values())
    assert settings.acknowledgements.max_age_minutes == 60
    assert all(not s.acknowledge_out_of_hours for s in settings.sources)


@pytest.mark.parametrize(("table", "named"), [
    ('[acknowledgements.message]\nro = "Revenim la {opens_at}."\n', "message.en is required"),
    ('[acknowledgements.message]\nen = "Back soon, {first_name}."\n', "{opens_at}"),
    ('[acknowledgements.message]\nen = "Back at {opens_at}, {agent}."\n', "plain names"),
    ('[acknowledgements]\nmax_age_minutes = 0\n', "max_age_minutes"),
])
def test_bad_acknowledgement_settings_are_named(tmp_path: Path, table: str, named: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(table, encoding="utf-8")
    with pytest.raises(SettingsError, match=named.replace("{", r"\{").replace("}", r"\}")):
        load_settings(path)
