"""Certificates: language, figures, re-issue link and verification count; club signatory,
logo and milestones; a member's preferred language.

Revision ID: 0006_certificates
Revises: 0005_referral_links
Create Date: 2026-11-28 15:38:26.964199

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_certificates'
down_revision = '0005_referral_links'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=False, server_default='zh_Hans'))
        batch_op.add_column(sa.Column('reached_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('figures', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('replaces_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('verification_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('uq_certificates_member_award_valid', ['member_id', 'award_code'], unique=True, sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.create_foreign_key(batch_op.f('fk_certificates_replaces_id_certificates'), 'certificates', ['replaces_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_certificates_verification_count_not_negative'), 'verification_count >= 0')

    with op.batch_alter_table('clubs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signatory_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('signatory_title', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('logo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('logo_type', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('milestones', sa.JSON(), nullable=True))

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))



def downgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('locale')

    with op.batch_alter_table('clubs', schema=None) as batch_op:
        batch_op.drop_column('milestones')
        batch_op.drop_column('logo_type')
        batch_op.drop_column('logo')
        batch_op.drop_column('signatory_title')
        batch_op.drop_column('signatory_name')

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_certificates_verification_count_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_certificates_replaces_id_certificates'), type_='foreignkey')
        batch_op.drop_index('uq_certificates_member_award_valid', sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.drop_column('verification_count')
        batch_op.drop_column('replaces_id')
        batch_op.drop_column('figures')
        batch_op.drop_column('reached_on')
        batch_op.drop_column('language')

