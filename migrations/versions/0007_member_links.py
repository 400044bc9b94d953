"""A member's personal links: the read-only status page and the calendar feed.

Revision ID: 0007_member_links
Revises: 0006_certificates
Create Date: 2026-11-28 16:14:48.209143

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_member_links'
down_revision = '0006_certificates'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_nonce', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('calendar_nonce', sa.String(length=32), nullable=True))



def downgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('calendar_nonce')
        batch_op.drop_column('status_nonce')

