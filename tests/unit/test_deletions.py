"""A mention deleted on the platform is purged when it is re-fetched."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.models import Mention
from earful.runtime import Runtime
from listener.deletions import refresh
from listener.demo.adapter import DemoAdapter
from listener.ingest import ingest
from listener.platforms import PlatformError
from listener.records import MentionRecord
from tests.factories import record


class Gone:
    def get_post(self, external_id: str) -> MentionRecord | None:
        return None


class Broken:
    def get_post(self, external_id: str) -> MentionRecord | None:
        raise PlatformError("503")


def _stored(rt: Runtime, session: Session) -> Mention:
    ingest(session, [record("my card details are 1234", external_id="d1",
                            raw={"text": "my card details are 1234"})], model=rt.model)
    session.flush()
    return session.scalars(select(Mention)).one()


def test_deleted_mention_is_purged(rt: Runtime, session: Session) -> None:
    mention = _stored(rt, session)
    assert refresh(mention, Gone()) is False  # type: ignore[arg-type]
    session.commit()
    again = session.scalars(select(Mention)).one()
    assert again.deleted and again.text == "" and again.raw is None and again.deleted_at


def test_platform_error_changes_nothing(rt: Runtime, session: Session) -> None:
    mention = _stored(rt, session)
    assert refresh(mention, Broken()) is None  # type: ignore[arg-type]
    assert not mention.deleted and mention.text


def test_demo_posts_are_never_reported_deleted() -> None:
    adapter = DemoAdapter()
    assert adapter.get_post("3-5") is not None
    assert adapter.get_post("history-2-7") is not None
    assert adapter.get_post("3-99999") is None
