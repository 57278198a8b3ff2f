"""The one ingest path: classify, store once, link threads, keep our own posts out of the inbox."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock
from earful.models import Author, Mention
from earful.runtime import Runtime
from earful.sla import SlaPolicy
from listener.ingest import ingest
from listener.records import MentionRecord
from tests.factories import record


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Mention)) or 0


def test_stores_once_even_when_given_twice(rt: Runtime, session: Session,
                                           clock: FrozenClock) -> None:
    records = [record(f"post {i}", external_id=str(i)) for i in range(5)]
    first = ingest(session, records, model=rt.model)
    session.commit()
    again = ingest(session, records + records[:2], model=rt.model)
    session.commit()
    assert (first.stored, first.duplicates) == (5, 0)
    assert (again.stored, again.duplicates) == (0, 7)
    assert _count(session) == 5


def test_same_id_on_two_platforms_is_two_mentions(rt: Runtime, session: Session) -> None:
    ingest(session, [record(external_id="1", platform="x"),
                     record(external_id="1", platform="mastodon")], model=rt.model)
    session.commit()
    assert _count(session) == 2


def test_bad_items_are_skipped_and_the_rest_stored(rt: Runtime, session: Session) -> None:
    broken = MentionRecord(platform="x", external_id="", text="no id",
                           created_at=record().created_at)
    not_a_record = object()
    result = ingest(session, [record(external_id="ok1"), broken, not_a_record,  # type: ignore
                              record("\ud83d broken surrogate 😡", external_id="ok2")],
                    model=rt.model)
    session.commit()
    assert result.stored == 2
    assert len(result.rejected) == 2
    assert _count(session) == 2


def test_labels_and_language_are_stored(rt: Runtime, session: Session) -> None:
    ingest(session, [record("Nu am semnal deloc în București de azi dimineață",
                            external_id="ro")], model=rt.model)
    session.commit()
    mention = session.scalars(select(Mention)).one()
    assert mention.lang == "ro"
    assert mention.sentiment in ("negative", "neutral", "positive")
    assert set(mention.sentiment_scores) == {"negative", "neutral", "positive"}
    assert mention.urgency in ("critical", "high", "normal", "low")
    assert mention.classifier_version == rt.model.version


def test_a_long_language_hint_keeps_its_language_and_the_batch(rt: Runtime,
                                                              session: Session) -> None:
    """A valid tag longer than the column (a Bluesky post tagged "en-basiceng") would make
    PostgreSQL refuse the whole batch, and the source would stall on it at every poll."""
    ingest(session, [record("my bill is wrong", external_id="long", lang="en-basiceng"),
                     record("still no signal", external_id="next", lang="pt-br")],
           model=rt.model)
    session.commit()
    stored = {row.external_id: row.lang
              for row in session.execute(select(Mention.external_id, Mention.lang))}
    assert stored == {"long": "en", "next": "pt-br"}


def test_replies_link_to_parents_in_either_order(rt: Runtime, session: Session) -> None:
    child = record("reply", external_id="c", parent_external_id="p", conversation_id="p")
    parent = record("root", external_id="p", conversation_id="p")
    ingest(session, [child], model=rt.model)
    ingest(session, [parent], model=rt.model)
    session.commit()
    stored = {m.external_id: m for m in session.scalars(select(Mention))}
    assert stored["c"].parent_id == stored["p"].id


def test_own_posts_are_not_inbox_items(rt: Runtime, session: Session) -> None:
    ingest(session, [record("We're on it", external_id="ours", is_own=True)], model=rt.model)
    session.commit()
    mention = session.scalars(select(Mention)).one()
    assert mention.status == "own"
    assert mention.sla_due_at is None


def test_authors_are_upserted_with_latest_profile(rt: Runtime, session: Session) -> None:
    ingest(session, [record(external_id="1", author="ana")], model=rt.model)
    session.commit()
    updated = record(external_id="2", author="ana")
    updated = MentionRecord(**{**updated.__dict__, "author": updated.author.__class__(
        external_id="u-ana", handle="ana_new", display_name="Ana N", followers=99)})
    ingest(session, [updated], model=rt.model)
    session.commit()
    author = session.scalars(select(Author)).one()
    assert (author.handle, author.followers) == ("ana_new", 99)


class _Complains:
    """A stand-in model that calls everything a high-urgency complaint."""

    version = "test-complains"

    def __init__(self, real: object) -> None:
        self.real = real
        self.seen_contacts: list[int] = []

    def predict(self, inputs):  # type: ignore[no-untyped-def]
        labels = self.real.predict(inputs)  # type: ignore[attr-defined]
        self.seen_contacts += [i.recent_contacts for i in inputs]
        from dataclasses import replace
        return [replace(lab, complaint=True, urgency="high") for lab in labels]


def test_sla_due_in_business_time_and_repeat_contacts(rt: Runtime, session: Session,
                                                       clock: FrozenClock) -> None:
    model = _Complains(rt.model)
    sla = SlaPolicy.from_settings(rt.settings)
    first = record("down again", external_id="a1", author="bob", created_at=clock.now())
    ingest(session, [first], model=model, sla=sla)
    clock.advance(minutes=5)
    second = record("still down", external_id="a2", author="bob", created_at=clock.now())
    ingest(session, [second], model=model, sla=sla)
    session.commit()
    mention = session.scalars(select(Mention).where(Mention.external_id == "a1")).one()
    # Monday 09:00 UTC + 60 business minutes (high) in the default Mon-Fri 09-17 UTC calendar.
    assert mention.sla_due_at == first.created_at + timedelta(minutes=60)
    assert model.seen_contacts == [0, 1]  # the second post knows about the first


def test_made_up_dates_and_follower_counts_do_not_break_a_batch(rt: Runtime, session: Session,
                                                                  clock: FrozenClock) -> None:
    from datetime import datetime, timezone

    from listener.records import AuthorRecord

    far_future = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5)))
    odd = MentionRecord(platform="mastodon", external_id="odd", text="hi", created_at=far_future,
                        author=AuthorRecord(external_id="a", followers=10**30))
    result = ingest(session, [odd, record(external_id="fine", platform="mastodon")],
                    model=rt.model)
    session.commit()
    assert result.stored == 2
    stored = session.scalars(select(Mention).where(Mention.external_id == "odd")).one()
    assert stored.created_at == clock.now()  # the time we saw it
    assert stored.author is not None and stored.author.followers == 2_000_000_000


def test_our_reply_stops_the_first_response_clock(rt: Runtime, session: Session,
                                                  clock: FrozenClock) -> None:
    ingest(session, [record("no signal", external_id="q")], model=rt.model)
    clock.advance(minutes=12)
    ingest(session, [record("Sorry! Checking now.", external_id="r", parent_external_id="q",
                            is_own=True, created_at=clock.now())], model=rt.model)
    session.commit()
    question = session.scalars(select(Mention).where(Mention.external_id == "q")).one()
    assert question.first_response_at == clock.now()
