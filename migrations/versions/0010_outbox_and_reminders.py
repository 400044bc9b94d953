"""The outbox of messages to members, each club's quiet hours, a member's preferred kind.

Existing clubs get the default quiet hours (21:00 to 08:00 in their time zone).

Revision ID: 0010_outbox_and_reminders
Revises: 0009_sessions_and_lockout
Create Date: 2026-12-01 12:05:58.353483

"""
from datetime import time

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_outbox_and_reminders'
down_revision = '0009_sessions_and_lockout'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('club_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('eligible_again', 'drive_invitation', 'donation_thanks', 'certificate_issued', name='message_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('channel', sa.Enum('email', 'webhook', name='message_channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sending', 'sent', 'failed', 'cancelled', name='message_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('cancel_reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_messages_attempts_not_negative')),
    sa.ForeignKeyConstraint(['club_id'], ['clubs.id'], name=op.f('fk_outbox_messages_club_id_clubs'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_outbox_messages_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_outbox_messages_member_id_members'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_messages_dedupe_key'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_claim_token'), ['claim_token'], unique=False)
        batch_op.create_index('ix_outbox_messages_club_id_created_at', ['club_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_outbox_messages_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('clubs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiet_from', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('quiet_until', sa.Time(), nullable=True))
    clubs = sa.table('clubs', sa.column('quiet_from', sa.Time()), sa.column('quiet_until', sa.Time()))
    op.execute(clubs.update().values(quiet_from=time(21, 0), quiet_until=time(8, 0)))

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_kind', sa.Enum('whole_blood', 'platelets', 'plasma', 'double_red', name='preferred_kind', native_enum=False, create_constraint=True), nullable=True))



def downgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        # The enum's CHECK goes first: SQLite's copy of the table would still name the column.
        batch_op.drop_constraint(batch_op.f('ck_members_preferred_kind'), type_='check')
        batch_op.drop_column('preferred_kind')

    with op.batch_alter_table('clubs', schema=None) as batch_op:
        batch_op.drop_column('quiet_until')
        batch_op.drop_column('quiet_from')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_member_id'))
        batch_op.drop_index('ix_outbox_messages_club_id_created_at')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_claim_token'))

    op.drop_table('outbox_messages')
