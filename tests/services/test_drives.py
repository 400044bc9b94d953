"""Drives at the service level: planning, invitations, attendance, the all-or-nothing batch of
donations, and referrals recorded at a recruitment drive."""
from datetime import date

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import DonationKind, DriveKind, ReferralStatus, Role
from donorclub.extensions import db
from donorclub.models import AuditEvent, Donation, Drive, DriveParticipant, Referral
from donorclub.services import drives, referrals
from donorclub.services.drives import DonationRow, DriveInput
from donorclub.services.errors import InvalidInput, NotFound

from .. import factories

TODAY = date(2025, 12, 1)
DRIVE_DAY = date(2025, 11, 20)


@pytest.fixture
def setting(app):
    club = factories.make_club("club-a", rule_set="cn")
    other = factories.make_club("club-b", "Club B", rule_set="us")
    first = factories.make_member(club, "0001", "王秀英", date_of_birth=date(1985, 3, 2))
    second = factories.make_member(club, "0002", "李强", date_of_birth=date(1990, 5, 5))
    stranger = factories.make_member(other, "0001", "Emma Smith")
    coordinator = factories.make_user("c@example.org", Role.COORDINATOR, clubs=[club])
    db.session.commit()
    return club, first, second, stranger, coordinator


def blood_drive(club, coordinator, held_on=DRIVE_DAY, kind="blood"):
    return drives.create_drive(coordinator, club, DriveInput(held_on, "Central station", kind, 30),
                               today=TODAY)


def events(entity_type):
    return db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == entity_type)).all()


def test_a_planned_drive_is_saved_and_audited(setting):
    club, *_, coordinator = setting
    drive = blood_drive(club, coordinator)
    assert (drive.club_id, drive.place, drive.kind, drive.capacity) == (
        club.id, "Central station", DriveKind.BLOOD, 30)
    [event] = events("drives")
    assert event.action == "create" and event.after["place"] == "Central station"
    assert event.club_id == club.id


@pytest.mark.parametrize(("data", "bad"), [
    (DriveInput(DRIVE_DAY, "  ", "blood"), {"place"}),
    (DriveInput(DRIVE_DAY, "Hall", "blood", 0), {"capacity"}),
    (DriveInput(date(1925, 1, 1), "Hall", "blood"), {"held_on"}),
    (DriveInput(date(2035, 1, 1), "Hall", "blood"), {"held_on"}),
    (DriveInput(None, "Hall", "party"), {"held_on", "kind"}),
])
def test_an_impossible_plan_is_refused_and_nothing_saved(setting, data, bad):
    club, *_, coordinator = setting
    with pytest.raises(InvalidInput) as error:
        drives.create_drive(coordinator, club, data, today=TODAY)
    assert set(error.value.fields) == bad
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Drive)) == 0


def test_editing_a_drive_audits_only_what_changed(setting):
    club, *_, coordinator = setting
    drive = blood_drive(club, coordinator)
    drives.update_drive(coordinator, drive, DriveInput(DRIVE_DAY, "Library", "blood", None),
                        today=TODAY)
    update = events("drives")[-1]
    assert update.action == "update"
    assert update.after == {"place": "Library", "capacity": None}
    assert update.before == {"place": "Central station", "capacity": 30}


def test_drives_are_listed_upcoming_soonest_first_then_past_latest_first(setting):
    club, *_, coordinator = setting
    made = {d: blood_drive(club, coordinator, held_on=d).id for d in (
        date(2025, 10, 1), date(2026, 3, 1), date(2025, 12, 1), date(2025, 11, 1))}
    upcoming, past = drives.list_drives(club, TODAY)
    assert [d.id for d in upcoming] == [made[date(2025, 12, 1)], made[date(2026, 3, 1)]]
    assert [d.id for d in past] == [made[date(2025, 11, 1)], made[date(2025, 10, 1)]]


def test_another_clubs_drive_is_not_found(setting):
    club, *_, coordinator = setting
    other = db.session.scalar(sa.select(factories.Club).where(factories.Club.slug == "club-b"))
    foreign = Drive(club_id=other.id, held_on=DRIVE_DAY, place="X", kind=DriveKind.BLOOD)
    db.session.add(foreign)
    db.session.commit()
    with pytest.raises(NotFound):
        drives.get_drive(club, foreign.id)


def test_roster_tells_who_may_give_on_the_drive_day(setting):
    club, first, second, _, coordinator = setting
    factories.make_donation(first, date(2025, 10, 1))  # whole blood 7 weeks before
    factories.make_deferral(second, date(2025, 11, 1), None)
    drive = blood_drive(club, coordinator)
    rows = {r.member.id: r for r in drives.roster(drive)}
    assert "whole_blood" not in rows[first.id].eligible_kinds
    assert rows[second.id].eligible_kinds == []
    assert [r.code for r in rows[second.id].blocking_reasons] == ["permanent_deferral"]


def test_inviting_marks_members_and_refuses_other_clubs_members(setting):
    club, first, second, stranger, coordinator = setting
    drive = blood_drive(club, coordinator)
    assert drives.invite_members(coordinator, drive, [first.id],
                                 today=date(2025, 11, 1)) == drives.Invitations(1, 0, 0)
    drives.invite_members(coordinator, drive, [first.id, second.id], today=date(2025, 11, 5))
    rows = {p.member_id: p for p in drives.participants_of(drive)}
    assert {m: p.invited_on for m, p in rows.items()} == {
        first.id: date(2025, 11, 5), second.id: date(2025, 11, 5)}
    with pytest.raises(InvalidInput):
        drives.invite_members(coordinator, drive, [stranger.id], today=TODAY)
    with pytest.raises(InvalidInput):
        drives.invite_members(coordinator, drive, [], today=TODAY)
    actions = [e.action for e in events("drive_participants")]
    assert actions == ["create", "update", "create"]


def test_sign_ups_keep_their_first_day_and_attendance_is_set(setting):
    club, first, second, _, coordinator = setting
    drive = blood_drive(club, coordinator)
    drives.invite_members(coordinator, drive, [first.id, second.id], today=date(2025, 11, 1))
    drives.update_participants(coordinator, drive, [first.id], [], today=date(2025, 11, 2))
    drives.update_participants(coordinator, drive, [first.id], [first.id], today=DRIVE_DAY)
    rows = {p.member_id: p for p in drives.participants_of(drive)}
    assert rows[first.id].signed_up_on == date(2025, 11, 2) and rows[first.id].attended
    assert rows[second.id].signed_up_on is None and not rows[second.id].attended


def attended_drive(setting):
    club, first, second, _, coordinator = setting
    drive = blood_drive(club, coordinator)
    drives.invite_members(coordinator, drive, [first.id, second.id], today=date(2025, 11, 1))
    drives.update_participants(coordinator, drive, [first.id, second.id],
                               [first.id, second.id], today=DRIVE_DAY)
    return drive


def donations_of_drive(drive):
    db.session.expire_all()
    return db.session.scalars(sa.select(Donation).where(Donation.drive_id == drive.id)).all()


def test_a_drives_donations_are_recorded_together(setting):
    _, first, second, _, coordinator = setting
    drive = attended_drive(setting)
    count = drives.record_drive_donations(coordinator, drive, [
        DonationRow(first.id, "whole_blood", 400),
        DonationRow(second.id, "platelets", 250, 1)], TODAY)
    saved = donations_of_drive(drive)
    assert count == 2 and len(saved) == 2
    assert {(d.member_id, d.kind, d.donated_on) for d in saved} == {
        (first.id, DonationKind.WHOLE_BLOOD, DRIVE_DAY),
        (second.id, DonationKind.PLATELETS, DRIVE_DAY)}
    assert all(d.recorded_by_id == coordinator.id for d in saved)
    assert len(events("donations")) == 2


def test_one_refused_row_saves_nothing_and_names_every_bad_row(setting):
    _, first, second, _, coordinator = setting
    factories.make_donation(first, date(2025, 10, 1))  # too recent for whole blood
    db.session.commit()
    drive = attended_drive(setting)
    audit_before = len(events("donations"))
    with pytest.raises(drives.DonationsRefused) as error:
        drives.record_drive_donations(coordinator, drive, [
            DonationRow(first.id, "whole_blood", 400),
            DonationRow(second.id, "whole_blood", None)], TODAY)
    problems = error.value.problems
    assert set(problems) == {first.id, second.id}
    assert [r.code for r in problems[first.id].reasons] == ["interval"]
    assert "volume_ml" in problems[second.id].fields
    assert donations_of_drive(drive) == [] and len(events("donations")) == audit_before
    # Leave the refused member out and fix the other row: the rest is recorded.
    drives.record_drive_donations(coordinator, drive, [
        DonationRow(second.id, "whole_blood", 400)], TODAY)
    assert [d.member_id for d in donations_of_drive(drive)] == [second.id]


def test_only_participants_and_blood_drives_get_donations(setting):
    club, first, _, stranger, coordinator = setting
    drive = attended_drive(setting)
    with pytest.raises(InvalidInput):
        drives.record_drive_donations(coordinator, drive, [
            DonationRow(stranger.id, "whole_blood", 400)], TODAY)
    marrow = blood_drive(club, coordinator, kind="marrow_recruitment")
    with pytest.raises(InvalidInput):
        drives.record_drive_donations(coordinator, marrow, [
            DonationRow(first.id, "whole_blood", 400)], TODAY)
    assert donations_of_drive(drive) == []


def test_a_referral_at_a_recruitment_drive_starts_its_timeline(setting):
    club, first, *_, coordinator = setting
    drive = blood_drive(club, coordinator, kind="marrow_recruitment")
    referral = referrals.record_referral(
        coordinator, club, referrer_no="0001", candidate_name="张伟", referred_on=DRIVE_DAY,
        registry="cmdp", today=TODAY, candidate_phone="13800000000", consent_contact=True,
        drive_id=drive.id)
    db.session.expire_all()
    saved = db.session.get(Referral, referral.id)
    assert (saved.referrer_id, saved.status, saved.referred_on, saved.drive_id) == (
        first.id, ReferralStatus.REFERRED, DRIVE_DAY, drive.id)
    assert [(e.status, e.occurred_on) for e in saved.events] == [
        (ReferralStatus.REFERRED, DRIVE_DAY)]
    assert len(events("referrals")) == 1 and len(events("referral_events")) == 1
    assert [r.id for r in referrals.referrals_of_drive(drive)] == [referral.id]


def test_a_referral_needs_a_club_member_a_contact_and_a_recruitment_drive(setting):
    club, *_, coordinator = setting
    blood = blood_drive(club, coordinator)
    with pytest.raises(InvalidInput) as error:
        referrals.record_referral(
            coordinator, club, referrer_no="9999", candidate_name="张伟", referred_on=DRIVE_DAY,
            registry="cmdp", today=TODAY, drive_id=blood.id)
    assert set(error.value.fields) == {"referrer_no", "candidate_phone", "drive_id"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DriveParticipant)) == 0
