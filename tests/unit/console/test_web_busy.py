"""A change that waits out the write lock (another writer busy past the busy timeout) is a 503
the agent can retry, with nothing saved, on either engine: never a 500."""

from __future__ import annotations

from sqlalchemy import select, text

from earful.clock import FrozenClock
from earful.db import make_engine, session_factory, writing
from earful.models import Mention
from earful.runtime import Runtime
from tests.unit.web_console_support import add_mention, add_user, login, make_app


def test_a_change_blocked_by_another_writer_is_a_503_and_saves_nothing(
        rt: Runtime, database_url: str, clock: FrozenClock) -> None:
    with rt.sessions() as session:
        add_user(session, "alice")
        mention = add_mention(session)
        session.commit()
    impatient = make_engine(database_url, busy_timeout_ms=100)
    try:
        app = make_app(Runtime(settings=rt.settings, engine=impatient,
                               sessions=session_factory(impatient)))
        client = app.test_client()
        login(client, "alice")
        with writing(rt.sessions) as holder:  # a long job holding the write lock
            holder.execute(text("UPDATE tags SET name = name"))
            response = client.post(f"/conversations/{mention.id}/claim")
        assert response.status_code == 503
        assert "busy" in response.get_data(as_text=True)
        assert response.headers["Retry-After"] == "2"
        with rt.sessions() as session:
            assert session.scalar(select(Mention.assignee_id).where(
                Mention.id == mention.id)) is None
        assert client.post(f"/conversations/{mention.id}/claim").status_code == 302
    finally:
        impatient.dispose()
