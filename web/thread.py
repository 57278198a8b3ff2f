"""Loading a conversation: the thread in order, our queued replies, and the author's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earful.models import Author, Mention, Note, OutboxReply, User
from earful.vocab import Status

MAX_THREAD = 500
MAX_DEPTH = 20


@dataclass
class Thread:
    """A mention's whole conversation, oldest first."""

    mention: Mention
    mentions: list[Mention]
    outbox: list[OutboxReply]
    items: list[tuple[datetime, str, Any]] = field(default_factory=list)  # (when, kind, row)

    @property
    def root_id(self) -> int:
        """The id presence and collision checks key on, whichever message the page was opened on."""
        return self.mentions[0].id

    @property
    def ids(self) -> list[int]:
        return [m.id for m in self.mentions]

    @property
    def newest_mention_id(self) -> int:
        return max(self.ids)

    @property
    def newest_outbox_id(self) -> int:
        return max((o.id for o in self.outbox), default=0)


def load_thread(session: Session, mention: Mention) -> Thread:
    """The conversation around `mention`: same conversation id, ancestors and replies."""
    found: dict[int, Mention] = {mention.id: mention}
    if mention.conversation_id:
        for row in session.scalars(select(Mention).where(
                Mention.platform == mention.platform,
                Mention.conversation_id == mention.conversation_id).limit(MAX_THREAD)):
            found[row.id] = row
    _add_ancestors(session, mention, found)
    _add_replies(session, list(found), found)
    mentions = sorted(found.values(), key=lambda m: (m.created_at, m.id))
    outbox = list(session.scalars(select(OutboxReply).where(
        OutboxReply.mention_id.in_(list(found))).order_by(OutboxReply.id)).all())
    thread = Thread(mention, mentions, outbox)
    thread.items = _timeline(mentions, outbox)
    return thread


def _add_ancestors(session: Session, mention: Mention, found: dict[int, Mention]) -> None:
    current = mention
    for _ in range(MAX_DEPTH):
        if current.parent_id is None:
            return
        parent = found.get(current.parent_id) or session.get(Mention, current.parent_id)
        if parent is None:
            return
        found[parent.id] = parent
        current = parent


def _add_replies(session: Session, frontier: list[int], found: dict[int, Mention]) -> None:
    for _ in range(MAX_DEPTH):
        if not frontier or len(found) >= MAX_THREAD:
            return
        rows = session.scalars(select(Mention).where(Mention.parent_id.in_(frontier))
                               .limit(MAX_THREAD)).all()
        frontier = [r.id for r in rows if r.id not in found]
        found.update({r.id: r for r in rows})


def _timeline(mentions: list[Mention], outbox: list[OutboxReply]
              ) -> list[tuple[datetime, str, Any]]:
    """Messages and our replies in time order; a sent reply already polled back shows once."""
    posted = {m.external_id for m in mentions if m.status == Status.OWN}
    items: list[tuple[datetime, str, Any]] = [(m.created_at, "mention", m) for m in mentions]
    items += [(o.sent_at or o.created_at, "outbox", o) for o in outbox
              if not (o.external_id and o.external_id in posted)]
    return sorted(items, key=lambda item: (item[0], item[1] == "outbox"))


@dataclass
class AuthorCard:
    author: Author
    mention_count: int
    earlier: list[Mention]


def author_card(session: Session, thread: Thread) -> AuthorCard | None:
    """Who wrote the mention, and what else they said to us (outside this thread)."""
    author = thread.mention.author
    if author is None:
        return None
    count = session.scalar(select(func.count()).select_from(Mention).where(
        Mention.author_id == author.id)) or 0
    earlier = list(session.scalars(select(Mention).where(
        Mention.author_id == author.id, Mention.id.not_in(thread.ids))
        .order_by(Mention.created_at.desc(), Mention.id.desc()).limit(5)).all())
    return AuthorCard(author, count, earlier)


def notes_for(session: Session, thread: Thread) -> list[tuple[Note, str]]:
    """Internal notes on any message of the thread, with their writers' names."""
    rows = session.execute(select(Note, User.display_name).outerjoin(
        User, User.id == Note.user_id).where(Note.mention_id.in_(thread.ids))
        .order_by(Note.created_at, Note.id)).all()
    return [(note, name or "someone") for note, name in rows]
