"""Referral services: the registry's joining ages, moving through stages, the read-time
aged-out status and the member's own marrow donations."""
from datetime import date

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import ReferralStatus, Role
from donorclub.extensions import db
from donorclub.models import AuditEvent, Drive, Referral, ReferralEvent
from donorclub.services import referrals
from donorclub.services.errors import InvalidInput, NotFound

from .. import factories

TODAY = date(2025, 12, 1)
REFERRED_ON = date(2025, 11, 20)


@pytest.fixture
def setting(app):
    club = factories.make_club("club-a", rule_set="cn")
    other = factories.make_club("club-b", "Club B", rule_set="us")
    recruiter = factories.make_member(club, "0001", "王秀英")
    candidate = factories.make_member(club, "0002", "李强", date_of_birth=date(1990, 5, 5))
    factories.make_member(other, "0001", "Emma Smith")
    coordinator = factories.make_user("c@example.org", Role.COORDINATOR, clubs=[club])
    db.session.commit()
    return club, other, recruiter, candidate, coordinator


def refer(club, coordinator, *, registry="cmdp", dob=None, on=REFERRED_ON, **extra):
    return referrals.record_referral(
        coordinator, club, referrer_no="0001", candidate_name="张伟", referred_on=on,
        registry=registry, today=TODAY, candidate_date_of_birth=dob,
        candidate_phone="13800000000", **extra)


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_cmdp_accepts_a_candidate_who_is_exactly_45_on_the_referral_day(setting):
    club, _, _, _, coordinator = setting
    referral = refer(club, coordinator, dob=date(1980, 11, 20))
    assert db.session.get(Referral, referral.id).candidate_date_of_birth == date(1980, 11, 20)


def test_cmdp_refuses_a_candidate_who_turned_46_and_names_the_range(setting):
    club, _, _, _, coordinator = setting
    with pytest.raises(InvalidInput) as error:
        refer(club, coordinator, dob=date(1979, 11, 20))
    message = error.value.fields["candidate_date_of_birth"]
    assert "CMDP" in message and "18" in message and "45" in message and "46" in message
    assert count(Referral) == 0 and count(ReferralEvent) == 0 and count(AuditEvent) == 0


@pytest.mark.parametrize(("registry", "dob", "ok"), [
    ("nmdp", date(1984, 11, 21), True),   # 40 on its last day before turning 41
    ("nmdp", date(1984, 11, 20), False),  # 41 on the day
    ("anthony_nolan", date(2009, 11, 20), True),  # 16 on the day
    ("anthony_nolan", date(2009, 11, 21), False),  # 15, one day short
    ("dkms", date(1970, 11, 21), True),  # 54
    ("other", date(1930, 1, 1), True),
])
def test_registry_age_ranges_on_the_referral_day(setting, registry, dob, ok):
    club, _, _, _, coordinator = setting
    if ok:
        refer(club, coordinator, registry=registry, dob=dob)
        assert count(Referral) == 1
    else:
        with pytest.raises(InvalidInput) as error:
            refer(club, coordinator, registry=registry, dob=dob)
        assert "candidate_date_of_birth" in error.value.fields
        assert count(Referral) == 0


def test_without_a_date_of_birth_the_age_is_not_checked(setting):
    club, _, _, _, coordinator = setting
    assert refer(club, coordinator, registry="nmdp").status == ReferralStatus.REFERRED


def test_a_candidate_member_is_linked_by_member_number(setting):
    club, _, _, candidate, coordinator = setting
    referral = refer(club, coordinator, candidate_member_no="0002")
    assert db.session.get(Referral, referral.id).candidate_member_id == candidate.id
    with pytest.raises(InvalidInput) as error:
        refer(club, coordinator, candidate_member_no="9999")
    assert "candidate_member_no" in error.value.fields


def test_moving_appends_an_event_updates_the_status_and_audits(setting):
    club, _, _, _, coordinator = setting
    referral = refer(club, coordinator)
    referrals.move_referral(coordinator, referral, "consented", date(2025, 11, 22), "signed",
                            today=TODAY)
    saved = db.session.get(Referral, referral.id)
    assert saved.status == ReferralStatus.CONSENTED
    assert [(e.status, e.occurred_on, e.note) for e, _ in referrals.timeline(saved)] == [
        (ReferralStatus.REFERRED, REFERRED_ON, ""),
        (ReferralStatus.CONSENTED, date(2025, 11, 22), "signed")]
    update = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "referrals", AuditEvent.action == "update"))
    assert update.before == {"status": "referred"} and update.after == {"status": "consented"}
    assert update.club_id == club.id
    [(_, who)] = referrals.timeline(saved)[1:]
    assert who.id == coordinator.id


def walk(referral, coordinator, stages, on=date(2025, 11, 25)):
    for stage in stages:
        referrals.move_referral(coordinator, referral, stage, on,
                                product="pbsc" if stage == "donated" else None, today=TODAY)


def test_a_refused_move_changes_nothing(setting):
    club, _, _, _, coordinator = setting
    referral = refer(club, coordinator)
    before = (count(ReferralEvent), count(AuditEvent))
    cases = [("sampled", REFERRED_ON, "status"),
             ("consented", date(2025, 11, 19), "occurred_on"),
             ("consented", date(2025, 12, 2), "occurred_on"),
             ("bogus", REFERRED_ON, "status")]
    for stage, on, field in cases:
        with pytest.raises(InvalidInput) as error:
            referrals.move_referral(coordinator, referral, stage, on, today=TODAY)
        assert field in error.value.fields
    assert (count(ReferralEvent), count(AuditEvent)) == before
    assert db.session.get(Referral, referral.id).status == ReferralStatus.REFERRED


def test_a_donation_needs_a_product_and_is_stored_with_it(setting):
    club, _, _, _, coordinator = setting
    referral = refer(club, coordinator)
    walk(referral, coordinator, ["consented", "sampled", "typed", "listed", "preliminary_match",
                                 "confirmatory_typing", "workup"])
    with pytest.raises(InvalidInput) as error:
        referrals.move_referral(coordinator, referral, "donated", TODAY, today=TODAY)
    assert "product" in error.value.fields
    event = referrals.move_referral(coordinator, referral, "donated", TODAY, product="marrow",
                                    today=TODAY)
    assert db.session.get(ReferralEvent, event.id).product == "marrow"


def test_the_next_event_may_not_predate_the_last_one(setting):
    club, _, _, _, coordinator = setting
    referral = refer(club, coordinator)
    walk(referral, coordinator, ["consented"], on=date(2025, 11, 28))
    with pytest.raises(InvalidInput):
        referrals.move_referral(coordinator, referral, "sampled", date(2025, 11, 27),
                                today=TODAY)


def test_aged_out_shows_from_the_61st_birthday_without_being_written(setting):
    club, _, _, _, coordinator = setting
    referral = refer(club, coordinator, registry="dkms", dob=date(1975, 6, 1),
                     on=date(2025, 1, 10))
    walk(referral, coordinator, ["consented", "sampled", "typed", "listed"])
    assert referrals.effective_status(referral, date(2036, 5, 31)) == ReferralStatus.LISTED
    assert referrals.effective_status(referral, date(2036, 6, 1)) == ReferralStatus.AGED_OUT
    assert db.session.get(Referral, referral.id).status == ReferralStatus.LISTED


def test_aged_out_is_not_shown_before_listing_after_donation_or_for_cmdp(setting):
    club, _, _, _, coordinator = setting
    typed = refer(club, coordinator, registry="dkms", dob=date(1975, 6, 1), on=date(2025, 1, 10))
    walk(typed, coordinator, ["consented", "sampled", "typed"])
    assert referrals.effective_status(typed, date(2040, 1, 1)) == ReferralStatus.TYPED
    cmdp = refer(club, coordinator, registry="cmdp", dob=date(1985, 6, 1), on=date(2025, 1, 10))
    walk(cmdp, coordinator, ["consented", "sampled", "typed", "listed"])
    assert referrals.effective_status(cmdp, date(2080, 1, 1)) == ReferralStatus.LISTED
    donor = refer(club, coordinator, registry="dkms", dob=date(1975, 6, 1), on=date(2025, 1, 10))
    walk(donor, coordinator, ["consented", "sampled", "typed", "listed", "preliminary_match",
                              "confirmatory_typing", "workup", "donated"])
    assert referrals.effective_status(donor, date(2040, 1, 1)) == ReferralStatus.DONATED


def test_get_referral_is_scoped_to_the_club(setting):
    club, other, _, _, coordinator = setting
    referral = refer(club, coordinator)
    assert referrals.get_referral(club, referral.id).id == referral.id
    with pytest.raises(NotFound):
        referrals.get_referral(other, referral.id)


def test_listing_filters_by_stage_registry_referrer_and_dates(setting):
    club, other, _, _, coordinator = setting
    first = refer(club, coordinator, registry="cmdp", on=date(2025, 10, 1))
    second = refer(club, coordinator, registry="nmdp", on=date(2025, 11, 1))
    walk(second, coordinator, ["consented"])

    def ids(**filters):
        return [r.id for r in referrals.list_referrals(club, **filters).items]

    assert ids() == [second.id, first.id]
    assert ids(status="consented") == [second.id]
    assert ids(registry="cmdp") == [first.id]
    assert ids(referrer_no="0001") == [second.id, first.id]
    assert ids(referrer_no="0002") == []
    assert ids(since=date(2025, 10, 2)) == [second.id]
    assert ids(until=date(2025, 10, 1)) == [first.id]
    assert referrals.list_referrals(other).total == 0
    assert referrals.list_referrals(club, per_page=1, page=2).items[0].id == first.id


def test_own_marrow_donations_lists_the_candidates_donation(setting):
    club, _, _, candidate, coordinator = setting
    referral = refer(club, coordinator, candidate_member_no="0002")
    assert referrals.own_marrow_donations(candidate) == []
    walk(referral, coordinator, ["consented", "sampled", "typed", "listed", "preliminary_match",
                                 "confirmatory_typing", "workup", "donated"])
    [event] = referrals.own_marrow_donations(candidate)
    assert event.occurred_on == date(2025, 11, 25) and event.product == "pbsc"


def test_marrow_drives_of_lists_only_recruitment_drives(setting):
    club, *_ = setting
    db.session.add_all([Drive(club_id=club.id, held_on=date(2025, 1, 1), place="A", kind="blood"),
                        Drive(club_id=club.id, held_on=date(2025, 2, 1), place="B",
                              kind="marrow_recruitment")])
    db.session.commit()
    assert [d.place for d in referrals.marrow_drives_of(club)] == ["B"]
