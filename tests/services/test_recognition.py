"""Recognition services: the facts milestones are counted from, the club's plan, and the list
of milestones due a certificate."""
from datetime import date, timedelta

import pytest

from donorclub.domain.enums import DonationKind, Role
from donorclub.extensions import db
from donorclub.services import certificates, members, recognition, referrals, volunteering
from donorclub.services.errors import InvalidInput

from .. import factories

TODAY = date(2026, 1, 1)
START = date(2020, 1, 6)


def days(n: int, start: date = START) -> list[date]:
    """n distinct donation days a week apart (builders do not check intervals)."""
    return [start + timedelta(weeks=i) for i in range(n)]


@pytest.fixture
def setting(app):
    club = factories.make_club("club-a", rule_set="cn")
    other = factories.make_club("club-b", "Club B", rule_set="cn")
    member = factories.make_member(club, "0001", "王秀英")
    friend = factories.make_member(club, "0002", "李强")
    stranger = factories.make_member(other, "0001", "Emma Smith")
    coordinator = factories.make_user("c@example.org", Role.COORDINATOR, clubs=[club])
    db.session.commit()
    return club, member, friend, stranger, coordinator


def due_codes(club, member_ids=None) -> set[tuple[str, str]]:
    return {(d.member.member_no, d.earned.milestone.code)
            for d in recognition.due_milestones(club, TODAY, member_ids)}


# --- facts ---------------------------------------------------------------------------------

def test_voided_donations_count_for_nothing(setting):
    club, member, *_ = setting
    given = factories.make_donations(member, days(5), volume_ml=200)
    factories.void_row(given[2])
    db.session.commit()
    facts = recognition.facts_for_members(club)[member.id]
    assert [d.on for d in facts.donations] == [given[i].donated_on for i in (0, 1, 3, 4)]
    assert due_codes(club) == {("0001", "donations-1")}  # 4 counted: 5 not reached


def test_donations_are_counted_in_the_rule_sets_counting(setting):
    club, member, *_ = setting
    factories.make_donations(member, days(3), volume_ml=400)
    db.session.commit()
    facts = recognition.facts_for_members(club)[member.id]
    assert [d.count for d in facts.donations] == [2.0, 2.0, 2.0]


@pytest.mark.parametrize(("stages", "counted_from"), [
    # The day it first reached listed counts, not the day of any later stage.
    ([("consented", date(2024, 2, 1)), ("sampled", date(2024, 2, 3)),
      ("typed", date(2024, 3, 1)), ("listed", date(2024, 3, 20)),
      ("preliminary_match", date(2024, 9, 1))], date(2024, 3, 20)),
    # Stopping short of the listing does not count.
    ([("consented", date(2024, 2, 1)), ("sampled", date(2024, 2, 3)),
      ("typed", date(2024, 3, 1))], None),
    # Listed and then withdrawn still counted: the recruiting was done.
    ([("listed", date(2024, 3, 20)), ("withdrawn", date(2024, 5, 1))], date(2024, 3, 20)),
    # A referral recorded straight at a later stage counts from that stage's day.
    ([("workup", date(2024, 6, 1)), ("donated", date(2024, 7, 1))], date(2024, 6, 1)),
    ([("withdrawn", date(2024, 2, 1))], None),
])
def test_a_referral_counts_from_the_day_it_first_reached_listed_or_later(setting, stages,
                                                                          counted_from):
    club, member, *_ = setting
    factories.make_referral(member, stages)
    db.session.commit()
    facts = recognition.facts_for_members(club)[member.id]
    assert facts.listed_referrals == ((counted_from,) if counted_from else ())


def test_own_marrow_donations_count_for_the_candidate_not_the_recruiter(setting):
    club, member, friend, *_ = setting
    factories.make_referral(member, [("listed", date(2024, 3, 1)),
                                     ("donated", date(2025, 4, 2))], candidate=friend)
    db.session.commit()
    facts = recognition.facts_for_members(club)
    assert facts[friend.id].marrow_donations == (date(2025, 4, 2),)
    assert facts[member.id].marrow_donations == ()
    assert facts[member.id].listed_referrals == (date(2024, 3, 1),)
    assert due_codes(club) == {("0002", "marrow_donations-1")}


def test_voided_volunteer_hours_are_left_out(setting):
    club, member, *_ = setting
    factories.make_service(member, date(2025, 1, 5), 4)
    factories.void_row(factories.make_service(member, date(2025, 1, 6), 8))
    factories.make_service(member, date(2025, 1, 7), 2.5)
    db.session.commit()
    facts = recognition.facts_for_members(club)[member.id]
    assert facts.volunteer_hours == ((date(2025, 1, 5), 4.0), (date(2025, 1, 7), 2.5))


def test_facts_from_the_member_pages_rows_equal_the_queried_facts(setting):
    club, member, friend, _, coordinator = setting
    given = factories.make_donations(member, days(6), volume_ml=200)
    factories.void_row(given[1])
    factories.make_donation(member, given[3].donated_on, kind=DonationKind.PLATELETS,
                            volume_ml=250, units=2)
    factories.make_referral(member, [("listed", date(2024, 3, 1))])
    factories.make_referral(friend, [("listed", date(2024, 3, 1)),
                                     ("donated", date(2025, 4, 2))], candidate=member)
    factories.make_service(member, date(2025, 1, 5), 4)
    factories.void_row(factories.make_service(member, date(2025, 1, 6), 8))
    db.session.commit()
    certificates.issue_certificate(coordinator, member, "donations-1", today=TODAY)
    certificates.revoke_certificate(
        coordinator, certificates.issue_certificate(coordinator, member, "donations-5",
                                                    today=TODAY), "issued in error")
    db.session.expire_all()
    loaded = recognition.facts_from_loaded(member, referrals.own_marrow_donations(member),
                                           volunteering.member_summary(member).services)
    assert loaded == recognition.facts_of(member)
    assert loaded.marrow_donations == (date(2025, 4, 2),)
    held = members.certificates_of(member)
    assert (recognition.standing_of(member, TODAY, loaded, certificates=held)
            == recognition.standing_of(member, TODAY))


def test_facts_cover_only_the_club_and_the_members_asked_for(setting):
    club, member, friend, stranger, _ = setting
    factories.make_donations(stranger, days(2))
    db.session.commit()
    assert set(recognition.facts_for_members(club)) == {member.id, friend.id}
    assert set(recognition.facts_for_members(club, [friend.id, stranger.id])) == {friend.id}


# --- the due list --------------------------------------------------------------------------

def test_only_the_highest_step_reached_per_category_is_due(setting):
    club, member, *_ = setting
    # 40 donations of 200 ml: count 40 and 8,000 ml of whole blood.
    factories.make_donations(member, days(40), volume_ml=200)
    db.session.commit()
    assert due_codes(club) == {("0001", "donations-40"), ("0001", "whole_blood_ml-5000")}
    due = {d.earned.milestone.code: d for d in recognition.due_milestones(club, TODAY)}
    assert due["donations-40"].earned.reached_on == days(40)[-1]
    assert due["whole_blood_ml-5000"].earned.reached_on == days(25)[-1]


def test_the_due_list_counts_only_what_happened_by_the_day(setting):
    club, member, *_ = setting
    factories.make_donations(member, days(5, date(2025, 12, 20)), volume_ml=200)
    db.session.commit()
    assert due_codes(club) == {("0001", "donations-1")}  # 2 of 5 by 1 January


def test_a_certified_milestone_leaves_the_due_list_and_returns_when_revoked(setting):
    club, member, _, _, coordinator = setting
    factories.make_donations(member, days(5), volume_ml=200)
    db.session.commit()
    both = {("0001", "donations-5"), ("0001", "whole_blood_ml-1000")}
    assert due_codes(club) == both
    certificate = certificates.issue_certificate(coordinator, member, "donations-5",
                                                 today=TODAY)
    assert due_codes(club) == {("0001", "whole_blood_ml-1000")}
    certificates.revoke_certificate(coordinator, certificate, "Name misspelt")
    assert due_codes(club) == both


def test_a_higher_step_becomes_due_although_a_lower_one_is_certified(setting):
    club, member, _, _, coordinator = setting
    factories.make_donations(member, days(5), volume_ml=200)
    db.session.commit()
    certificates.issue_certificate(coordinator, member, "donations-5", today=TODAY)
    factories.make_donations(member, days(5, date(2022, 1, 3)), volume_ml=200)
    db.session.commit()
    assert due_codes(club) == {("0001", "donations-10"), ("0001", "whole_blood_ml-1000")}


def test_a_certified_higher_step_covers_the_lower_ones(setting):
    club, member, _, _, coordinator = setting
    factories.make_donations(member, days(10), volume_ml=200)
    db.session.commit()
    certificates.issue_certificate(coordinator, member, "donations-10", today=TODAY)
    certificates.issue_certificate(coordinator, member, "whole_blood_ml-1000", today=TODAY)
    assert due_codes(club) == set()


def test_the_due_list_can_be_restricted_to_members(setting):
    club, member, friend, *_ = setting
    factories.make_donations(member, days(1))
    factories.make_donations(friend, days(1))
    db.session.commit()
    assert due_codes(club) == {("0001", "donations-1"), ("0002", "donations-1")}
    assert due_codes(club, [friend.id]) == {("0002", "donations-1")}


def test_standing_marks_which_milestones_are_certified(setting):
    club, member, _, _, coordinator = setting
    factories.make_donations(member, days(5), volume_ml=200)
    db.session.commit()
    certificates.issue_certificate(coordinator, member, "donations-5", today=TODAY)
    standing = recognition.standing_of(member, TODAY)
    assert [(e.milestone.code, held) for e, held in standing.earned] == [
        ("whole_blood_ml-1000", False), ("donations-5", True), ("donations-1", False)]
    donations = next(p for p in standing.progress if p.category == "donations")
    assert (donations.current, donations.next.threshold, donations.remaining) == (5, 10, 5)


# --- the club's plan -----------------------------------------------------------------------

def test_saved_steps_replace_the_defaults_and_a_blank_field_restores_them(setting):
    club, member, _, _, coordinator = setting
    plan = recognition.save_plan(coordinator, club, {"donations": "3, 7", "volunteer_hours": ""})
    assert plan.donations == (3, 7)
    assert plan.volunteer_hours == recognition.default_plan_of(club).volunteer_hours
    assert club.milestones == {"donations": [3, 7]}
    factories.make_donations(member, days(4), volume_ml=200)
    db.session.commit()
    assert due_codes(club) == {("0001", "donations-3")}
    recognition.save_plan(coordinator, club, {"donations": ""})
    assert club.milestones is None


@pytest.mark.parametrize(("typed", "words"), [
    ("5, 1", "smallest to largest"),
    ("abc", "whole numbers"),
    ("0, 5", "more than 0"),
])
def test_bad_steps_are_refused_per_field_and_nothing_is_saved(setting, typed, words):
    club, _, _, _, coordinator = setting
    with pytest.raises(InvalidInput) as error:
        recognition.save_plan(coordinator, club, {"donations": typed, "whole_blood_ml": "1"})
    assert set(error.value.fields) == {"donations"}
    assert words in error.value.fields["donations"]
    db.session.rollback()
    assert club.milestones is None


def test_a_saved_plan_that_no_longer_fits_the_rules_falls_back_to_the_defaults(setting):
    club, *_ = setting
    club.milestones = {"no_such_category": [1]}
    db.session.commit()
    assert recognition.club_plan(club) == recognition.default_plan_of(club)
