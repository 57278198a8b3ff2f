"""The database model: plain SQLAlchemy 2 typed models shared by every stage.

Work passes between stages through this state: a mention's `status`, an outbox row's `status`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from earful.clock import now
from earful.settings import AlertDefaults
from earful.types import JSONText, UTCDateTime
from earful.vocab import (
    AlertKind,
    AlertState,
    Impact,
    IncidentStatus,
    MailStatus,
    OutboxStatus,
    Role,
    Status,
)

# Plain tuples of the vocabularies in earful/vocab.py, for choices and CHECK-like validation.
ROLES = tuple(r.value for r in Role)
MENTION_STATUSES = tuple(s.value for s in Status)
OUTBOX_STATUSES = tuple(s.value for s in OutboxStatus)
INCIDENT_STATUSES = tuple(s.value for s in IncidentStatus)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONText()}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="agent")
    languages: Mapped[str] = mapped_column(String(200), default="")  # comma-separated ISO codes
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Part of every session's and remember cookie's user id: raising it (sign-out, a new
    # password, a role change, deactivation) ends every session of the user at once.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Source(Base):
    """A configured place to listen (from settings) and its polling state and health."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    watch: Mapped[Any] = mapped_column(JSONText, default=dict)  # queries, subreddits, hashtags
    cursor: Mapped[Any] = mapped_column(JSONText, nullable=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    last_poll_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
    failing_since: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_poll_at: Mapped[datetime | None]
    rate_limited_until: Mapped[datetime | None]
    requests_day: Mapped[str] = mapped_column(String(10), default="")  # YYYY-MM-DD counted
    requests_today: Mapped[int] = mapped_column(Integer, default=0)
    requests_month_key: Mapped[str] = mapped_column(String(7), default="")  # YYYY-MM counted
    requests_month: Mapped[int] = mapped_column(Integer, default=0)
    stored_total: Mapped[int] = mapped_column(Integer, default=0)


class Author(Base):
    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(200))
    handle: Mapped[str] = mapped_column(String(200), default="")
    display_name: Mapped[str] = mapped_column(String(300), default="")
    followers: Mapped[int | None] = mapped_column(Integer)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(default=now)


mention_tags = Table(
    "mention_tags",
    Base.metadata,
    Column("mention_id", ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Mention(Base):
    """A post by someone else about the brand (or, with status 'own', one of ours in a thread)."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("platform", "external_id", name="uq_mentions_platform_external_id"),
        # The inbox: open work by urgency, then SLA due time, then age (keyset pagination).
        Index("ix_mentions_inbox", "status", "urgency_rank", "sla_due_at", "created_at", "id"),
        Index("ix_mentions_created", "created_at", "id"),
        Index("ix_mentions_conversation", "platform", "conversation_id"),
        Index("ix_mentions_parent", "platform", "parent_external_id"),
        # Replies of a thread. Partial: most mentions are not replies, and with all those NULLs
        # counted, SQLite's statistics make the planner scan the table instead.
        Index("ix_mentions_parent_id", "parent_id", sqlite_where=text("parent_id IS NOT NULL"),
              postgresql_where=text("parent_id IS NOT NULL")),
        Index("ix_mentions_author", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[str] = mapped_column(String(1000), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(8), default="und")
    created_at: Mapped[datetime]
    fetched_at: Mapped[datetime] = mapped_column(default=now)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))
    conversation_id: Mapped[str | None] = mapped_column(String(200))
    parent_external_id: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id"))
    raw: Mapped[Any] = mapped_column(JSONText, nullable=True)
    # Classification (the classifier's output schema; see classifier/labels.py).
    sentiment: Mapped[str] = mapped_column(String(8), default="neutral")
    sentiment_scores: Mapped[Any] = mapped_column(JSONText, nullable=True)
    complaint: Mapped[bool] = mapped_column(Boolean, default=False)
    complaint_score: Mapped[float] = mapped_column(Float, default=0.0)
    urgency: Mapped[str] = mapped_column(String(8), default="low")
    urgency_rank: Mapped[int] = mapped_column(Integer, default=3)
    urgency_score: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[Any] = mapped_column(JSONText, nullable=True)
    reason_codes: Mapped[Any] = mapped_column(JSONText, nullable=True)
    classifier_version: Mapped[str] = mapped_column(String(40), default="")
    # Work state.
    status: Mapped[str] = mapped_column(String(10), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    sla_due_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None]

    author: Mapped[Author | None] = relationship(lazy="joined")
    tags: Mapped[list[Tag]] = relationship(secondary=mention_tags, lazy="selectin")


class LabelCorrection(Base):
    """A staff member's correction of a label: the team's own training data."""

    __tablename__ = "label_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    field: Mapped[str] = mapped_column(String(16))  # sentiment | complaint | urgency
    old_value: Mapped[str] = mapped_column(String(16))
    new_value: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)


class Note(Base):
    """An internal note on a conversation; never posted."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


class CannedResponse(Base):
    """A reply template managed by leads; one row per language version."""

    __tablename__ = "canned_responses"
    __table_args__ = (UniqueConstraint("name", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    lang: Mapped[str] = mapped_column(String(8), default="en")
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now)


class OutboxReply(Base):
    """A post waiting to be sent: a reply to a mention or a top-level incident update.

    `idempotency_key` is unique so a retried request or a crash never queues the same post twice;
    the sender checks the platform (find_own_post) before re-sending a row left in 'sending'.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id"), index=True)
    incident_update_id: Mapped[int | None] = mapped_column(ForeignKey("incident_updates.id"))
    platform: Mapped[str] = mapped_column(String(16))
    account_handle: Mapped[str] = mapped_column(String(200), default="")
    in_reply_to: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.QUEUED.value)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    external_id: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000), default="")
    error: Mapped[str | None] = mapped_column(Text)  # the platform's last word, in plain words
    # Set by a claiming dispatcher before it calls the platform (see earful/work/outbox.py).
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None]
    # The post may have gone out (timeout, 5xx, crash): ask the platform before posting again.
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)


class Incident(Base):
    """An outage or a scheduled maintenance, told to customers on the status page and the
    platforms. Scheduled maintenance has `scheduled_start`/`scheduled_end` in the future."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=IncidentStatus.INVESTIGATING.value)
    impact: Mapped[str] = mapped_column(String(16), default=Impact.MAJOR.value)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    components: Mapped[Any] = mapped_column(JSONText, default=list)  # names from settings
    keywords: Mapped[Any] = mapped_column(JSONText, default=dict)  # {lang: [keyword, ...]}
    scheduled_start: Mapped[datetime | None]
    scheduled_end: Mapped[datetime | None]
    started_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)
    resolved_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class IncidentUpdate(Base):
    """One step of an incident's life, with its public message in one or more languages."""

    __tablename__ = "incident_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"),
                                             index=True)
    status: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)  # the message in the brand's default language
    messages: Mapped[Any] = mapped_column(JSONText, default=dict)  # {lang: message}, all
    publish: Mapped[bool] = mapped_column(Boolean, default=True)
    # Where it was posted: ["platform:handle", ...] (each through the outbox).
    targets: Mapped[Any] = mapped_column(JSONText, default=list)
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AlertRule(Base):
    """A spike rule, seeded from settings [alerts] and edited by leads; it carries its state."""

    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sentiment: Mapped[str] = mapped_column(String(8), default="negative")
    platform: Mapped[str | None] = mapped_column(String(16))
    window_minutes: Mapped[int] = mapped_column(Integer, default=AlertDefaults.window_minutes)
    baseline_days: Mapped[int] = mapped_column(Integer, default=AlertDefaults.baseline_days)
    min_count: Mapped[int] = mapped_column(Integer, default=AlertDefaults.min_count)
    factor: Mapped[float] = mapped_column(Float, default=AlertDefaults.factor)
    recipients: Mapped[str] = mapped_column(Text, default="")  # comma-separated addresses
    cooldown_minutes: Mapped[int] = mapped_column(Integer, default=AlertDefaults.cooldown_minutes)
    # The detector's state per scope ("overall" and each source): {scope: {"state", "since",
    # "last_fired_at"}}; `state` is the overall one, shown in the console.
    state: Mapped[str] = mapped_column(String(10), default=AlertState.CLEAR.value)
    scopes: Mapped[Any] = mapped_column(JSONText, default=dict)
    last_evaluated_at: Mapped[datetime | None]


class Alert(Base):
    """A spike (or its all-clear, or a critical mention) as it was raised and explained."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("alert_rules.id"))
    kind: Mapped[str] = mapped_column(String(16), default=AlertKind.SPIKE.value)
    scope: Mapped[str] = mapped_column(String(80), default="overall")  # or a source's name
    fired_at: Mapped[datetime] = mapped_column(default=now, index=True)
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    count: Mapped[int] = mapped_column(Integer, default=0)
    baseline: Mapped[float] = mapped_column(Float, default=0.0)
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[Any] = mapped_column(JSONText, nullable=True)  # the explanation
    emailed_at: Mapped[datetime | None]


class MailMessage(Base):
    """An e-mail waiting to go out (or written as .eml when no SMTP server is configured).

    Claimed like an outbox row (`sending` before the SMTP conversation), so a message is never
    lost and is sent once; `message_id` is its RFC 5322 Message-ID.
    """

    __tablename__ = "mail_messages"
    __table_args__ = (Index("ix_mail_messages_status", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # an AlertKind
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="SET NULL"),
                                                 index=True)
    recipients: Mapped[Any] = mapped_column(JSONText, default=list)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    sent_at: Mapped[datetime | None]
    delivered_to: Mapped[str] = mapped_column(String(16), default="")  # "smtp" or "file"
    error: Mapped[str | None] = mapped_column(Text)


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[str] = mapped_column(String(80), default="")
    details: Mapped[Any] = mapped_column(JSONText, nullable=True)


class DemoState(Base):
    """Where the demo scenario is, so a restart continues rather than repeats."""

    __tablename__ = "demo_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime]
    backfilled: Mapped[bool] = mapped_column(Boolean, default=False)


class Presence(Base):
    """Who is viewing or typing on a conversation (pinged by the console; stale rows ignored)."""

    __tablename__ = "presence"
    __table_args__ = (UniqueConstraint("user_id", "mention_id"),
                      Index("ix_presence_mention", "mention_id", "seen_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(8), default="viewing")  # viewing | typing
    seen_at: Mapped[datetime] = mapped_column(default=now)
    # The newest thread message the user's open page had seen (for collision warnings).
    draft_seen_latest_id: Mapped[int | None] = mapped_column(Integer)


class CsatSurvey(Base):
    """A one-question satisfaction survey offered after a mention was resolved (earful.work.csat).

    The token in the link is the only key to it: unguessable, single-use, expiring.
    """

    __tablename__ = "csat_surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One survey per mention, ever (resolving again does not ask again).
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"),
                                            unique=True, index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None] = mapped_column(index=True)  # the dashboard's range
    score: Mapped[int | None] = mapped_column(Integer)  # 1-5
    comment: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8), default="en")
