"""outbox sending state for exactly-once; one complaint-correction vocabulary; no brand_accounts

Revision ID: 0003
Revises: 0002
Created: 2026-12-01

- outbox: `url` of the sent post, the dispatcher's claim (`claim_token`, `claimed_at`) and
  `uncertain` (the post may have gone out: ask the platform before posting again).
- label_corrections: the console stored complaint corrections as yes/no, the CLI as true/false;
  everything is true/false now (what training and evaluation compare).
- brand_accounts: never used (the brand's accounts are configured in settings.toml).
"""
import sqlalchemy as sa
from alembic import op

import earful.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None



def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('url', sa.String(length=1000), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', earful.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('uncertain', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    _respell({"yes": "true", "no": "false"})
    op.drop_table('brand_accounts')


def downgrade() -> None:
    op.create_table('brand_accounts',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('platform', sa.String(length=16), nullable=False),
                    sa.Column('handle', sa.String(length=200), nullable=False),
                    sa.Column('external_id', sa.String(length=200), nullable=True),
                    sa.Column('credential_env', earful.types.JSONText(), nullable=False),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('platform', 'handle'))
    _respell({"true": "yes", "false": "no"})
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('uncertain')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claim_token')
        batch_op.drop_column('url')


def _respell(mapping: dict[str, str]) -> None:
    for column in ('old_value', 'new_value'):
        for old, new in mapping.items():
            op.execute(sa.text(f"UPDATE label_corrections SET {column} = :new "
                               f"WHERE field = 'complaint' AND {column} = :old")
                       .bindparams(new=new, old=old))
