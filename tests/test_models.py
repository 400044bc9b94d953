"""The database itself refuses what must never be stored."""
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.models import Certificate, Deferral, Donation, Member, User

from . import factories


@pytest.fixture
def club(app):
    return factories.make_club()


def assert_refused(model_instance):
    db.session.add(model_instance)
    with pytest.raises((IntegrityError, StatementError)):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("volume", [0, -200])
def test_donation_volume_must_be_positive(club, volume):
    member = factories.make_member(club)
    assert_refused(Donation(member_id=member.id, donated_on=date(2025, 1, 1),
                            kind="whole_blood", volume_ml=volume))


def test_donation_kind_must_be_known(club):
    member = factories.make_member(club)
    assert_refused(Donation(member_id=member.id, donated_on=date(2025, 1, 1),
                            kind="bone_marrow", volume_ml=200))


def test_void_needs_a_reason(club):
    from donorclub.models.types import utcnow

    member = factories.make_member(club)
    assert_refused(Donation(member_id=member.id, donated_on=date(2025, 1, 1), kind="whole_blood",
                            volume_ml=200, voided_at=utcnow()))


def test_member_number_is_unique_within_a_club_only(club):
    factories.make_member(club, "0007")
    other = factories.make_club("club-b", "Club B")
    factories.make_member(other, "0007")  # fine in another club
    assert_refused(Member(club_id=club.id, member_no="0007", full_name="Dup", sex="male",
                          date_of_birth=date(1990, 1, 1), joined_on=date(2020, 1, 1)))


def test_certificate_serial_is_unique(club):
    member = factories.make_member(club)
    db.session.add(Certificate(serial="ABCD-EFGH-JKLM", member_id=member.id, award_code="d10",
                               title="10 donations", issued_on=date(2025, 1, 1)))
    db.session.flush()
    assert_refused(Certificate(serial="ABCD-EFGH-JKLM", member_id=member.id, award_code="d20",
                               title="20 donations", issued_on=date(2025, 1, 1)))


def test_foreign_keys_are_enforced(app):
    assert_refused(Member(club_id=424242, member_no="1", full_name="Nobody", sex="male",
                          date_of_birth=date(1990, 1, 1), joined_on=date(2020, 1, 1)))


def test_deferral_cannot_end_before_it_starts(club):
    member = factories.make_member(club)
    assert_refused(Deferral(member_id=member.id, reason_code="tattoo",
                            starts_on=date(2025, 5, 1), ends_on=date(2025, 4, 1)))


def test_member_login_must_point_at_a_member(app):
    assert_refused(User(email="m@example.org", role=Role.MEMBER, name="m"))


def test_email_is_unique(app):
    factories.make_user("same@example.org", Role.ADMIN)
    assert_refused(User(email="same@example.org", role=Role.ADMIN, name="again"))


def test_sqlite_runs_with_foreign_keys_and_wal(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_timestamps_are_taken_per_row(club):
    first = factories.make_member(club, "0001")
    second = factories.make_member(club, "0002")
    assert first.created_at is not None and second.created_at >= first.created_at
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Member))
    assert count == 2
