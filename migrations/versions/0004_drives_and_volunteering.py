"""Drive participants (invited, signed up, attended) and volunteer service hours.

Revision ID: 0004_drives_and_volunteering
Revises: 0003_donation_uniqueness
Create Date: 2026-11-28 14:08:59.773257

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_drives_and_volunteering'
down_revision = '0003_donation_uniqueness'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('drive_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drive_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('invited_on', sa.Date(), nullable=True),
    sa.Column('signed_up_on', sa.Date(), nullable=True),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['drive_id'], ['drives.id'], name=op.f('fk_drive_participants_drive_id_drives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_drive_participants_member_id_members'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drive_participants')),
    sa.UniqueConstraint('drive_id', 'member_id', name='uq_drive_participants_drive_member')
    )
    with op.batch_alter_table('drive_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drive_participants_member_id'), ['member_id'], unique=False)

    op.create_table('volunteer_services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('drive_id', sa.Integer(), nullable=True),
    sa.Column('activity', sa.String(length=200), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Double(), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('(voided_at IS NULL) = (void_reason IS NULL)', name=op.f('ck_volunteer_services_void_has_reason')),
    sa.CheckConstraint('hours > 0 AND hours <= 24', name=op.f('ck_volunteer_services_hours_in_a_day')),
    sa.ForeignKeyConstraint(['drive_id'], ['drives.id'], name=op.f('fk_volunteer_services_drive_id_drives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_volunteer_services_member_id_members'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_volunteer_services_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['users.id'], name=op.f('fk_volunteer_services_voided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_services'))
    )
    with op.batch_alter_table('volunteer_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_services_drive_id'), ['drive_id'], unique=False)
        batch_op.create_index('ix_volunteer_services_member_id_served_on', ['member_id', 'served_on'], unique=False)




def downgrade():

    with op.batch_alter_table('volunteer_services', schema=None) as batch_op:
        batch_op.drop_index('ix_volunteer_services_member_id_served_on')
        batch_op.drop_index(batch_op.f('ix_volunteer_services_drive_id'))

    op.drop_table('volunteer_services')
    with op.batch_alter_table('drive_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drive_participants_member_id'))

    op.drop_table('drive_participants')

