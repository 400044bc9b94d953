"""Recording donations at the service level: the checks that the web form cannot see."""
from datetime import date

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import DonationKind, DriveKind, Role
from donorclub.extensions import db
from donorclub.models import Donation, Drive
from donorclub.models.types import utcnow
from donorclub.services import audit, donations
from donorclub.services.donations import drives_for, get_donation, record_donation, void_donation
from donorclub.services.eligibility import member_eligibility
from donorclub.services.errors import Conflict, InvalidInput, NotEligible, NotFound

from .. import factories

TODAY = date(2025, 12, 1)


@pytest.fixture
def setting(app):
    club = factories.make_club()
    member = factories.make_member(club, date_of_birth=date(1980, 1, 1))
    coordinator = factories.make_user("c@example.org", Role.COORDINATOR, clubs=[club])
    return member, coordinator


def donations_of(member):
    return db.session.scalars(sa.select(Donation).where(Donation.member_id == member.id)).all()


def test_back_dated_donation_too_close_before_a_later_one_is_refused(setting):
    member, coordinator = setting
    factories.make_donation(member, date(2025, 9, 1))
    with pytest.raises(NotEligible) as error:
        record_donation(coordinator, member, donated_on=date(2025, 6, 1), kind="whole_blood",
                        volume_ml=400, today=TODAY)
    assert [r.code for r in error.value.reasons] == ["interval_later"]
    record_donation(coordinator, member, donated_on=date(2025, 3, 1), kind="whole_blood",
                    volume_ml=400, today=TODAY)


def test_units_outside_the_rule_set_are_refused(setting):
    member, coordinator = setting
    with pytest.raises(NotEligible) as error:
        record_donation(coordinator, member, donated_on=date(2025, 6, 1), kind="platelets",
                        volume_ml=250, therapeutic_units=3, today=TODAY)
    assert [r.code for r in error.value.reasons] == ["units_not_allowed"]


def test_impossible_input_is_invalid(setting):
    member, coordinator = setting
    with pytest.raises(InvalidInput) as error:
        record_donation(coordinator, member, donated_on=date(1979, 1, 1), kind="bone",
                        volume_ml=-5, today=TODAY)
    assert set(error.value.fields) == {"donated_on", "kind", "volume_ml"}


def test_eligibility_of_a_member_uses_the_clubs_rule_set(app):
    us_club = factories.make_club("us-club", rule_set="us")
    member = factories.make_member(us_club, date_of_birth=date(1980, 1, 1))
    factories.make_donation(member, date(2025, 1, 1), kind=DonationKind.WHOLE_BLOOD,
                            volume_ml=500)
    result = member_eligibility(member, date(2025, 1, 2))
    assert set(result.kinds) == {"whole_blood", "platelets", "plasma", "double_red"}
    assert result["whole_blood"].next_date == date(2025, 2, 26)  # 56 days in the US


def test_the_same_member_kind_and_day_cannot_be_recorded_twice_even_with_an_override(setting):
    member, coordinator = setting
    record_donation(coordinator, member, donated_on=date(2025, 6, 1), kind="whole_blood",
                    volume_ml=400, today=TODAY)
    with pytest.raises(Conflict) as error:
        record_donation(coordinator, member, donated_on=date(2025, 6, 1), kind="whole_blood",
                        volume_ml=300, override_reason="Entered from the paper slip",
                        today=TODAY)
    assert "already recorded" in error.value.message
    with pytest.raises(Conflict):  # checked before the rules, which would say "interval"
        record_donation(coordinator, member, donated_on=date(2025, 6, 1), kind="whole_blood",
                        volume_ml=400, today=TODAY)
    assert len(donations_of(member)) == 1


def test_another_kind_on_the_same_day_is_not_a_duplicate(setting):
    member, coordinator = setting
    record_donation(coordinator, member, donated_on=date(2025, 6, 1), kind="whole_blood",
                    volume_ml=400, today=TODAY)
    with pytest.raises(NotEligible):  # the interval refuses it, the duplicate check does not
        record_donation(coordinator, member, donated_on=date(2025, 6, 1), kind="platelets",
                        volume_ml=250, therapeutic_units=1, today=TODAY)


def test_a_voided_donation_does_not_block_recording_that_day_again(setting):
    member, coordinator = setting
    first = record_donation(coordinator, member, donated_on=date(2025, 6, 1),
                            kind="whole_blood", volume_ml=400, today=TODAY)
    void_donation(coordinator, first, "Wrong volume")
    again = record_donation(coordinator, member, donated_on=date(2025, 6, 1),
                            kind="whole_blood", volume_ml=300, today=TODAY)
    assert again.id != first.id and len(donations_of(member)) == 2


def test_a_race_past_the_check_is_a_conflict_not_an_integrity_error(setting, monkeypatch):
    member, coordinator = setting
    record_donation(coordinator, member, donated_on=date(2025, 6, 1), kind="whole_blood",
                    volume_ml=400, today=TODAY)
    # As if another request inserted between the check and our insert.
    monkeypatch.setattr(donations, "_already_recorded", lambda *args: False)
    with pytest.raises(Conflict):
        record_donation(coordinator, member, donated_on=date(2025, 6, 1), kind="whole_blood",
                        volume_ml=400, override_reason="Racing", today=TODAY)
    assert len(donations_of(member)) == 1


def test_a_drive_of_another_club_is_refused(setting):
    member, coordinator = setting
    other = factories.make_club("other-club")
    foreign = Drive(club=other, held_on=date(2025, 6, 1), place="Elsewhere",
                    kind=DriveKind.BLOOD)
    own = Drive(club=member.club, held_on=date(2025, 6, 1), place="Steel works",
                kind=DriveKind.BLOOD)
    db.session.add_all([foreign, own])
    db.session.flush()
    with pytest.raises(InvalidInput) as error:
        record_donation(coordinator, member, donated_on=date(2025, 6, 1), kind="whole_blood",
                        volume_ml=400, drive_id=foreign.id, today=TODAY)
    assert set(error.value.fields) == {"drive_id"}
    donation = record_donation(coordinator, member, donated_on=date(2025, 6, 1),
                               kind="whole_blood", volume_ml=400, drive_id=own.id, today=TODAY)
    assert donation.drive_id == own.id
    assert [d.place for d in drives_for(member.club, TODAY)] == ["Steel works"]


def test_voiding_keeps_the_row_and_audits_before_and_after(setting):
    member, coordinator = setting
    donation = factories.make_donation(member, date(2025, 6, 1))
    db.session.commit()
    void_donation(coordinator, donation, "  Entered twice  ")
    db.session.expire_all()
    stored = db.session.get(Donation, donation.id)
    assert stored.void_reason == "Entered twice" and stored.voided_by_id == coordinator.id
    assert stored.voided_at is not None
    [event] = audit.history("donations", donation.id)
    assert event.action == "void" and event.actor_id == coordinator.id
    assert event.club_id == member.club_id
    assert event.before == {"voided_at": None, "voided_by_id": None, "void_reason": None}
    assert event.after["void_reason"] == "Entered twice"
    assert event.after["voided_by_id"] == coordinator.id
    assert member_eligibility(stored.member, date(2025, 6, 2))["whole_blood"].eligible


def test_voiding_twice_is_a_conflict(setting):
    member, coordinator = setting
    donation = factories.make_donation(member, date(2025, 6, 1))
    void_donation(coordinator, donation, "Entered twice")
    with pytest.raises(Conflict):
        void_donation(coordinator, donation, "Again")
    assert db.session.get(Donation, donation.id).void_reason == "Entered twice"
    assert len(audit.history("donations", donation.id)) == 1


def test_a_void_made_meanwhile_by_someone_else_is_a_conflict(setting):
    member, coordinator = setting
    donation = factories.make_donation(member, date(2025, 6, 1))
    db.session.commit()
    assert not donation.is_voided  # loaded before the other request acts
    with db.engine.begin() as other_request:
        other_request.execute(sa.update(Donation.__table__).where(
            Donation.__table__.c.id == donation.id).values(
            voided_at=utcnow(), void_reason="Voided elsewhere"))
    with pytest.raises(Conflict):
        void_donation(coordinator, donation, "Entered twice")
    db.session.expire_all()
    assert db.session.get(Donation, donation.id).void_reason == "Voided elsewhere"
    assert audit.history("donations", donation.id) == []


@pytest.mark.parametrize("reason", ["", "   ", "ab", "x" * 501])
def test_a_void_needs_a_reason_of_3_to_500_characters(setting, reason):
    member, coordinator = setting
    donation = factories.make_donation(member, date(2025, 6, 1))
    with pytest.raises(InvalidInput) as error:
        void_donation(coordinator, donation, reason)
    assert set(error.value.fields) == {"reason"}
    assert not donation.is_voided and audit.history("donations", donation.id) == []


def test_get_donation_only_finds_the_members_own(setting):
    member, coordinator = setting
    other = factories.make_member(member.club, "0002", "李建华")
    theirs = factories.make_donation(other, date(2025, 6, 1))
    with pytest.raises(NotFound):
        get_donation(member, theirs.id)
    assert get_donation(other, theirs.id) is theirs
