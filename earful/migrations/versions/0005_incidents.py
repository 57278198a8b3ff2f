"""incidents: impact, components, keywords, scheduled maintenance; updates in several languages

Revision ID: 0005
Revises: 0004
Created: 2026-12-01

- incidents.severity becomes `impact` (none, minor, major, critical: Statuspage's scale);
  `components` and `keywords` ({lang: [keyword]}) as JSON; `scheduled_start`/`scheduled_end`
  for maintenance; `updated_at`.
- incident_updates: `messages` ({lang: text}, the default language included) and `targets`
  (the brand accounts it was posted to, "platform:handle").
"""
import sqlalchemy as sa
from alembic import op

import earful.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.alter_column('severity', new_column_name='impact',
                              existing_type=sa.String(length=16), existing_nullable=False)
        batch_op.add_column(sa.Column('components', earful.types.JSONText(), nullable=False,
                                      server_default='[]'))
        batch_op.add_column(sa.Column('keywords', earful.types.JSONText(), nullable=False,
                                      server_default='{}'))
        batch_op.add_column(sa.Column('scheduled_start', earful.types.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('scheduled_end', earful.types.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('updated_at', earful.types.UTCDateTime(), nullable=False,
                                      server_default='1970-01-01 00:00:00'))
    op.execute("UPDATE incidents SET updated_at = started_at")
    with op.batch_alter_table('incident_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('messages', earful.types.JSONText(), nullable=False,
                                      server_default='{}'))
        batch_op.add_column(sa.Column('targets', earful.types.JSONText(), nullable=False,
                                      server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('incident_updates', schema=None) as batch_op:
        batch_op.drop_column('targets')
        batch_op.drop_column('messages')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('scheduled_end')
        batch_op.drop_column('scheduled_start')
        batch_op.drop_column('keywords')
        batch_op.drop_column('components')
        batch_op.alter_column('impact', new_column_name='severity',
                              existing_type=sa.String(length=16), existing_nullable=False)
