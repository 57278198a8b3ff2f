"""customer satisfaction surveys

Revision ID: 0004
Revises: 0003
Created: 2026-12-01

- csat_surveys: one per resolved mention (a unique index on `mention_id`), reached only through
  its unguessable, single-use `token`; `answered_at` is indexed for the dashboard's date range.
"""
import sqlalchemy as sa
from alembic import op

import earful.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None



def upgrade() -> None:
    op.create_table('csat_surveys',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('mention_id', sa.Integer(), nullable=False),
                    sa.Column('token', sa.String(length=64), nullable=False),
                    sa.Column('created_at', earful.types.UTCDateTime(), nullable=False),
                    sa.Column('expires_at', earful.types.UTCDateTime(), nullable=False),
                    sa.Column('answered_at', earful.types.UTCDateTime(), nullable=True),
                    sa.Column('score', sa.Integer(), nullable=True),
                    sa.Column('comment', sa.Text(), nullable=True),
                    sa.Column('lang', sa.String(length=8), nullable=False),
                    sa.ForeignKeyConstraint(['mention_id'], ['mentions.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('token'))
    with op.batch_alter_table('csat_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_csat_surveys_mention_id'), ['mention_id'],
                              unique=True)
        batch_op.create_index(batch_op.f('ix_csat_surveys_answered_at'), ['answered_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('csat_surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_csat_surveys_answered_at'))
        batch_op.drop_index(batch_op.f('ix_csat_surveys_mention_id'))
    op.drop_table('csat_surveys')
