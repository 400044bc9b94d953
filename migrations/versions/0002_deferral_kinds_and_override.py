"""Deferrals may block only some kinds; donations keep the reason a coordinator overrode the rules.

Revision ID: 0002_deferral_kinds
Revises: 0001_initial
Create Date: 2026-11-28 13:05:04.415075

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_deferral_kinds'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade():

    with op.batch_alter_table('deferrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kinds', sa.JSON(), nullable=True))

    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('override_reason', sa.Text(), nullable=True))




def downgrade():

    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.drop_column('override_reason')

    with op.batch_alter_table('deferrals', schema=None) as batch_op:
        batch_op.drop_column('kinds')


