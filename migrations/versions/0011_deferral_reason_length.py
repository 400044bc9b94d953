"""Deferral reason codes up to 80 characters: China's catalogue has one of 45
(live_vaccine_measles_mumps_yellow_fever_polio), which PostgreSQL refused in a column of 40.

Revision ID: 0011_deferral_reason_length
Revises: 0010_outbox_and_reminders
Create Date: 2026-12-01 14:10:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011_deferral_reason_length'
down_revision = '0010_outbox_and_reminders'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deferrals', schema=None) as batch_op:
        batch_op.alter_column('reason_code', existing_type=sa.String(length=40),
                              type_=sa.String(length=80), existing_nullable=False)


def downgrade():
    with op.batch_alter_table('deferrals', schema=None) as batch_op:
        batch_op.alter_column('reason_code', existing_type=sa.String(length=80),
                              type_=sa.String(length=40), existing_nullable=False)
