"""alerts: rule state per scope, alert kinds and scopes, the mail queue

Revision ID: 0006
Revises: 0005
Created: 2026-12-01

- alert_rules: `state` (clear, firing, cooldown), `scopes` ({scope: state, since, last fired})
  and `last_evaluated_at`.
- alerts: `kind` (spike, all_clear, critical, digest) and `scope` ("overall" or a source).
- mail_messages: e-mail waiting to go out, claimed like the outbox so it is sent once.
"""
import sqlalchemy as sa
from alembic import op

import earful.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('alert_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=10), nullable=False,
                                      server_default='clear'))
        batch_op.add_column(sa.Column('scopes', earful.types.JSONText(), nullable=False,
                                      server_default='{}'))
        batch_op.add_column(sa.Column('last_evaluated_at', earful.types.UTCDateTime(),
                                      nullable=True))
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False,
                                      server_default='spike'))
        batch_op.add_column(sa.Column('scope', sa.String(length=80), nullable=False,
                                      server_default='overall'))
    op.create_table(
        'mail_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('alert_id', sa.Integer(), nullable=True),
        sa.Column('recipients', earful.types.JSONText(), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('text_body', sa.Text(), nullable=False),
        sa.Column('html_body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', earful.types.UTCDateTime(), nullable=True),
        sa.Column('claimed_at', earful.types.UTCDateTime(), nullable=True),
        sa.Column('created_at', earful.types.UTCDateTime(), nullable=False),
        sa.Column('sent_at', earful.types.UTCDateTime(), nullable=True),
        sa.Column('delivered_to', sa.String(length=16), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('message_id'))
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.create_index('ix_mail_messages_status', ['status', 'next_attempt_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_mail_messages_alert_id'), ['alert_id'],
                              unique=False)


def downgrade() -> None:
    op.drop_table('mail_messages')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_column('scope')
        batch_op.drop_column('kind')
    with op.batch_alter_table('alert_rules', schema=None) as batch_op:
        batch_op.drop_column('last_evaluated_at')
        batch_op.drop_column('scopes')
        batch_op.drop_column('state')
