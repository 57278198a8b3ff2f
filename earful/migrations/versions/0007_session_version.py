"""users.session_version: sign-out and account changes end every session of the user

Revision ID: 0007
Revises: 0006
Created: 2026-12-02

The console puts "<user id>:<session_version>" in the session and the remember cookie; the user
loader refuses a cookie whose version is not the user's current one.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
