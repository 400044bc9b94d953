"""Initial schema: every entity of DESIGN.md's data model.

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-28 12:51:09.870560

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('clubs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('rule_set', sa.String(length=20), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clubs')),
    sa.UniqueConstraint('slug', name=op.f('uq_clubs_slug'))
    )
    op.create_table('drives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('club_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('blood', 'marrow_recruitment', name='drive_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_drives_capacity_positive')),
    sa.ForeignKeyConstraint(['club_id'], ['clubs.id'], name=op.f('fk_drives_club_id_clubs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drives'))
    )
    with op.batch_alter_table('drives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drives_club_id'), ['club_id'], unique=False)

    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('club_id', sa.Integer(), nullable=False),
    sa.Column('member_no', sa.String(length=20), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('sex', sa.Enum('female', 'male', name='sex', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('blood_group', sa.Enum('A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-', name='blood_group', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('weight_kg', sa.Double(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('active', 'inactive', 'left', 'deceased', name='member_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('consent_contact', sa.Boolean(), nullable=False),
    sa.Column('consent_public_verification', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('weight_kg IS NULL OR weight_kg > 0', name=op.f('ck_members_weight_positive')),
    sa.ForeignKeyConstraint(['club_id'], ['clubs.id'], name=op.f('fk_members_club_id_clubs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('club_id', 'member_no', name='uq_members_club_id_member_no')
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index('ix_members_club_id_full_name', ['club_id', 'full_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_phone'), ['phone'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('admin', 'coordinator', 'member', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role != 'member' OR member_id IS NOT NULL", name=op.f('ck_users_member_linked')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_users_member_id_members'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email')),
    sa.UniqueConstraint('member_id', name=op.f('uq_users_member_id'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('club_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.ForeignKeyConstraint(['club_id'], ['clubs.id'], name=op.f('fk_audit_events_club_id_clubs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_club_id'), ['club_id'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=24), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('award_code', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('(revoked_at IS NULL) = (revoke_reason IS NULL)', name=op.f('ck_certificates_revoke_has_reason')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_certificates_issued_by_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_certificates_member_id_members'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_certificates_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('serial', name=op.f('uq_certificates_serial'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_member_id'), ['member_id'], unique=False)

    op.create_table('club_coordinators',
    sa.Column('club_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['club_id'], ['clubs.id'], name=op.f('fk_club_coordinators_club_id_clubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_club_coordinators_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('club_id', 'user_id', name=op.f('pk_club_coordinators'))
    )
    op.create_table('deferrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_deferrals_ends_after_start')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_deferrals_member_id_members'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_deferrals_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deferrals'))
    )
    with op.batch_alter_table('deferrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deferrals_member_id'), ['member_id'], unique=False)

    op.create_table('donations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('donated_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('whole_blood', 'platelets', 'plasma', 'double_red', name='donation_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('volume_ml', sa.Integer(), nullable=False),
    sa.Column('therapeutic_units', sa.Integer(), nullable=True),
    sa.Column('site', sa.String(length=200), nullable=False),
    sa.Column('drive_id', sa.Integer(), nullable=True),
    sa.Column('blood_centre_certificate_no', sa.String(length=60), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('(voided_at IS NULL) = (void_reason IS NULL)', name=op.f('ck_donations_void_has_reason')),
    sa.CheckConstraint('therapeutic_units IS NULL OR therapeutic_units > 0', name=op.f('ck_donations_units_positive')),
    sa.CheckConstraint('volume_ml > 0', name=op.f('ck_donations_volume_positive')),
    sa.ForeignKeyConstraint(['drive_id'], ['drives.id'], name=op.f('fk_donations_drive_id_drives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_donations_member_id_members'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_donations_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['users.id'], name=op.f('fk_donations_voided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donations'))
    )
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donations_drive_id'), ['drive_id'], unique=False)
        batch_op.create_index('ix_donations_member_id_donated_on', ['member_id', 'donated_on'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('club_id', sa.Integer(), nullable=False),
    sa.Column('referrer_id', sa.Integer(), nullable=False),
    sa.Column('candidate_name', sa.String(length=120), nullable=False),
    sa.Column('candidate_date_of_birth', sa.Date(), nullable=True),
    sa.Column('candidate_sex', sa.Enum('female', 'male', name='candidate_sex', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('candidate_phone', sa.String(length=32), nullable=True),
    sa.Column('candidate_email', sa.String(length=254), nullable=True),
    sa.Column('registry', sa.Enum('cmdp', 'nmdp', 'dkms', 'anthony_nolan', 'other', name='registry', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('referred', 'consented', 'sampled', 'typed', 'listed', 'preliminary_match', 'confirmatory_typing', 'workup', 'donated', 'follow_up', 'withdrawn', 'medically_deferred', 'lost_contact', 'aged_out', name='referral_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('registry_donor_id', sa.String(length=60), nullable=True),
    sa.Column('consent_contact', sa.Boolean(), nullable=False),
    sa.Column('drive_id', sa.Integer(), nullable=True),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['club_id'], ['clubs.id'], name=op.f('fk_referrals_club_id_clubs'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_referrals_created_by_id_users')),
    sa.ForeignKeyConstraint(['drive_id'], ['drives.id'], name=op.f('fk_referrals_drive_id_drives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['referrer_id'], ['members.id'], name=op.f('fk_referrals_referrer_id_members'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_club_id'), ['club_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_referrer_id'), ['referrer_id'], unique=False)

    op.create_table('referral_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('referred', 'consented', 'sampled', 'typed', 'listed', 'preliminary_match', 'confirmatory_typing', 'workup', 'donated', 'follow_up', 'withdrawn', 'medically_deferred', 'lost_contact', 'aged_out', name='event_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_referral_events_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_referral_events_referral_id_referrals'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_events'))
    )
    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_events_referral_id'), ['referral_id'], unique=False)




def downgrade():

    with op.batch_alter_table('referral_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_events_referral_id'))

    op.drop_table('referral_events')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_referrer_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_club_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.drop_index('ix_donations_member_id_donated_on')
        batch_op.drop_index(batch_op.f('ix_donations_drive_id'))

    op.drop_table('donations')
    with op.batch_alter_table('deferrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deferrals_member_id'))

    op.drop_table('deferrals')
    op.drop_table('club_coordinators')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_member_id'))

    op.drop_table('certificates')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index(batch_op.f('ix_audit_events_club_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_phone'))
        batch_op.drop_index('ix_members_club_id_full_name')

    op.drop_table('members')
    with op.batch_alter_table('drives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drives_club_id'))

    op.drop_table('drives')
    op.drop_table('clubs')

