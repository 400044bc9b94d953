"""Leaderboard consent, a referral's candidate as a member, and the product of a donation.

Revision ID: 0005_referral_links
Revises: 0004_drives_and_volunteering
Create Date: 2026-11-28 14:42:57.706472

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_referral_links'
down_revision = '0004_drives_and_volunteering'
branch_labels = None
depends_on = None


def upgrade():

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_leaderboard', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('product', sa.String(length=20), nullable=True))

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('candidate_member_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_referrals_candidate_member_id'), ['candidate_member_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_referrals_candidate_member_id_members'), 'members', ['candidate_member_id'], ['id'], ondelete='RESTRICT')




def downgrade():

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_referrals_candidate_member_id_members'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_referrals_candidate_member_id'))
        batch_op.drop_column('candidate_member_id')

    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.drop_column('product')

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('consent_leaderboard')


