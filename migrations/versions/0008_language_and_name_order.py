"""Staff choose their language; members sort by the pinyin of their names.

Revision ID: 0008_language_and_name_order
Revises: 0007_member_links
Create Date: 2026-12-01 06:10:00

"""
from alembic import op
import sqlalchemy as sa

from donorclub.models.name_order import name_sort_key

# revision identifiers, used by Alembic.
revision = '0008_language_and_name_order'
down_revision = '0007_member_links'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_sort_key', sa.String(length=400), nullable=False,
                                      server_default=''))
    members = sa.table('members', sa.column('id', sa.Integer),
                       sa.column('full_name', sa.String), sa.column('name_sort_key', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(members.c.id, members.c.full_name)).all()
    if rows:
        connection.execute(
            members.update().where(members.c.id == sa.bindparam('member_id'))
            .values(name_sort_key=sa.bindparam('key')),
            [{'member_id': row.id, 'key': name_sort_key(row.full_name)} for row in rows],
        )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.alter_column('name_sort_key', server_default=None)
        batch_op.create_index('ix_members_club_id_name_sort_key', ['club_id', 'name_sort_key'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index('ix_members_club_id_name_sort_key')
        batch_op.drop_column('name_sort_key')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
