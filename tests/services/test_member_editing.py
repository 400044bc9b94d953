"""Creating and editing members: validation, numbers, duplicates and the audit they leave."""
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.models import AuditEvent, Member
from donorclub.services import audit
from donorclub.services.errors import InvalidInput
from donorclub.services.member_editing import (
    MemberInput,
    PossibleDuplicate,
    create_member,
    likely_duplicates,
    next_member_no,
    update_member,
)

from .. import factories

TODAY = date(2026, 11, 28)


@pytest.fixture
def club(app):
    club = factories.make_club()
    db.session.commit()
    return club


@pytest.fixture
def coordinator(club):
    user = factories.make_user("c@example.org", Role.COORDINATOR, clubs=[club])
    db.session.commit()
    return user


def good(**changes) -> MemberInput:
    data = MemberInput(full_name="  李 建华 ", sex="male", date_of_birth=date(1990, 5, 6),
                       joined_on=date(2020, 1, 1), blood_group="O+", weight_kg=68.5,
                       phone="139 0000 0002", email="li.jianhua@example.org")
    return replace(data, **changes)


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Member))


def test_create_gives_the_next_number_and_audits(club, coordinator):
    factories.make_member(club, "0041")
    factories.make_member(club, "A-7", full_name="Zhang")
    member = create_member(coordinator, club, good(), today=TODAY)
    assert member.member_no == "0042" and member.full_name == "李 建华"
    assert member.phone == "139 0000 0002" and member.blood_group.value == "O+"
    [event] = audit.history("members", member.id)
    assert event.action == "create" and event.actor_id == coordinator.id
    assert event.after["full_name"] == "李 建华"
    assert event.after["id"] == member.id and event.after["club_id"] == club.id


def test_first_member_of_a_club_is_0001(club):
    assert next_member_no(club) == "0001"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": "   "}, "full_name"),
        ({"sex": "other"}, "sex"),
        ({"date_of_birth": date(2027, 1, 1)}, "date_of_birth"),
        ({"date_of_birth": date(2015, 1, 1)}, "date_of_birth"),  # 11: implausible for a donor
        ({"date_of_birth": date(1900, 1, 1)}, "date_of_birth"),
        ({"date_of_birth": None}, "date_of_birth"),
        ({"blood_group": "C+"}, "blood_group"),
        ({"weight_kg": 12.0}, "weight_kg"),
        ({"phone": "call me maybe"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"member_no": "no spaces allowed"}, "member_no"),
        ({"joined_on": date(2027, 1, 1)}, "joined_on"),
        ({"joined_on": date(1980, 1, 1)}, "joined_on"),
        ({"status": "sleeping"}, "status"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(club, coordinator, changes, field):
    with pytest.raises(InvalidInput) as error:
        create_member(coordinator, club, good(**changes), today=TODAY)
    assert field in error.value.fields
    db.session.rollback()
    assert count() == 0


def test_unknown_blood_group_and_weight_are_allowed(club, coordinator):
    member = create_member(coordinator, club, good(blood_group=None, weight_kg=None, email="",
                                                   phone=""), today=TODAY)
    assert member.blood_group is None and member.weight_kg is None and member.phone is None


def test_member_number_must_be_free_in_the_club_only(club, coordinator):
    factories.make_member(club, "0100", full_name="Somebody")
    with pytest.raises(InvalidInput) as error:
        create_member(coordinator, club, good(member_no="0100"), today=TODAY)
    assert "already used" in error.value.fields["member_no"]
    other = factories.make_club("club-b", "Club B")
    assert create_member(coordinator, other, good(member_no="0100"), today=TODAY).id


def test_same_name_and_birthday_or_same_phone_is_pointed_out(club, coordinator):
    existing = factories.make_member(club, "0001", full_name="李 建华",
                                     date_of_birth=date(1990, 5, 6))
    with pytest.raises(PossibleDuplicate) as error:
        create_member(coordinator, club, good(phone=""), today=TODAY)
    assert error.value.matches == [existing]
    db.session.rollback()
    by_phone = factories.make_member(club, "0002", full_name="Other", phone="139 0000 0002")
    assert likely_duplicates(club, "Nobody", None, "139  0000 0002") == [by_phone]
    member = create_member(coordinator, club, good(), today=TODAY, confirm_duplicate=True)
    assert member.member_no == "0003"


def test_update_records_only_what_changed(club, coordinator):
    member = create_member(coordinator, club, good(), today=TODAY)
    update_member(coordinator, member, good(phone="138 1111 2222", status="inactive"),
                  today=TODAY)
    events = audit.history("members", member.id)
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].before == {"phone": "139 0000 0002", "status": "active"}
    assert events[1].after == {"phone": "138 1111 2222", "status": "inactive"}


def test_update_without_changes_leaves_no_event(club, coordinator):
    member = create_member(coordinator, club, good(), today=TODAY)
    update_member(coordinator, member, good(), today=TODAY)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1


def test_update_does_not_flag_the_member_as_their_own_duplicate(club, coordinator):
    member = create_member(coordinator, club, good(), today=TODAY)
    update_member(coordinator, member, good(notes="Prefers mornings"), today=TODAY)
    assert member.notes == "Prefers mornings"


def test_leaderboard_consent_is_stored_changed_and_audited(club, coordinator):
    member = create_member(coordinator, club, good(), today=TODAY)
    assert member.consent_leaderboard is False
    update_member(coordinator, member, good(member_no=member.member_no,
                                            consent_leaderboard=True), today=TODAY)
    db.session.expire_all()
    stored = db.session.get(Member, member.id)
    assert stored.consent_leaderboard is True
    change = audit.history("members", member.id)[-1]
    assert change.action == "update"
    assert change.before == {"consent_leaderboard": False}
    assert change.after == {"consent_leaderboard": True}
