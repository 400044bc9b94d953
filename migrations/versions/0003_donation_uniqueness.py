"""One donation per member, kind and day (voided rows aside); indexes for member filters.

Revision ID: 0003_donation_uniqueness
Revises: 0002_deferral_kinds
Create Date: 2026-11-28 13:14:16.826096

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_donation_uniqueness'
down_revision = '0002_deferral_kinds'
branch_labels = None
depends_on = None


def upgrade():

    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.create_index('uq_donations_member_kind_day', ['member_id', 'kind', 'donated_on'], unique=True, sqlite_where=sa.text('voided_at IS NULL'), postgresql_where=sa.text('voided_at IS NULL'))

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index('ix_members_club_id_blood_group', ['club_id', 'blood_group'], unique=False)
        batch_op.create_index('ix_members_club_id_status', ['club_id', 'status'], unique=False)




def downgrade():

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index('ix_members_club_id_status')
        batch_op.drop_index('ix_members_club_id_blood_group')

    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.drop_index('uq_donations_member_kind_day', sqlite_where=sa.text('voided_at IS NULL'), postgresql_where=sa.text('voided_at IS NULL'))


