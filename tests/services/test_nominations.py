"""National award nominations: who qualifies in a two-year cycle, with the proof, and which
cycles a club can choose from."""
from datetime import date

import pytest

from donorclub.domain.enums import DonationKind
from donorclub.extensions import db
from donorclub.services import nominations
from donorclub.services.errors import InvalidInput, NotFound

from .. import factories

TODAY = date(2026, 3, 1)
# Ten donations in the 2024-2025 cycle, two to three months apart.
TEN_DAYS = [date(2024, 1, 10), date(2024, 3, 20), date(2024, 6, 1), date(2024, 8, 15),
            date(2024, 10, 30), date(2025, 1, 12), date(2025, 3, 25), date(2025, 6, 5),
            date(2025, 8, 20), date(2025, 11, 2)]


@pytest.fixture
def club(app):
    club = factories.make_club("club-a", rule_set="cn")
    db.session.commit()
    return club


def test_ten_donations_of_400_ml_in_the_cycle_make_a_bronze_nominee(club):
    member = factories.make_member(club, "0007", "郭明义")
    factories.make_member(club, "0008", "李明")  # no donations: not listed
    factories.make_donations(member, TEN_DAYS, volume_ml=400)
    db.session.commit()
    result = nominations.nominations_for(club, 2024, TODAY)
    assert (result.starts_on, result.ends_on, result.complete) == (
        date(2024, 1, 1), date(2025, 12, 31), True)
    [nominee] = result.nominations
    step = nominee.step
    assert nominee.member.member_no == "0007"
    assert (step.level, step.number, step.count, step.donations_counted) == ("bronze", 1, 20, 10)
    assert (step.counted_from, step.reached_on, step.cycle) == (TEN_DAYS[0], TEN_DAYS[-1], 2024)


def test_a_voided_donation_can_keep_a_member_off_the_list(club):
    member = factories.make_member(club, "0007", "郭明义")
    given = factories.make_donations(member, TEN_DAYS, volume_ml=400)
    factories.void_row(given[4])
    db.session.commit()
    assert nominations.nominations_for(club, 2024, TODAY).nominations == []


def test_platelets_count_one_per_therapeutic_unit(club):
    member = factories.make_member(club, "0007", "郭明义")
    for day in TEN_DAYS:
        factories.make_donation(member, day, kind=DonationKind.PLATELETS, volume_ml=250, units=2)
    db.session.commit()
    [nominee] = nominations.nominations_for(club, 2024, TODAY).nominations
    assert (nominee.step.level, nominee.step.count) == ("bronze", 20)


def test_nominees_are_listed_highest_level_first_then_by_member_number(club):
    bronze = factories.make_member(club, "0001", "郭明义")
    silver = factories.make_member(club, "0002", "李明")
    factories.make_donations(bronze, TEN_DAYS, volume_ml=400)
    factories.make_donations(silver, TEN_DAYS + [date(2025, 11, 20), date(2025, 11, 25),
                                                 date(2025, 12, 1), date(2025, 12, 5),
                                                 date(2025, 12, 10)], volume_ml=400)
    db.session.commit()
    result = nominations.nominations_for(club, 2024, TODAY)
    assert [(n.member.member_no, n.step.level) for n in result.nominations] == [
        ("0002", "silver"), ("0001", "bronze")]


def test_the_running_cycle_is_marked_incomplete(club):
    result = nominations.nominations_for(club, 2026, TODAY)
    assert (result.complete, result.nominations) == (False, [])


def test_a_year_that_starts_no_cycle_is_invalid_input(club):
    with pytest.raises(InvalidInput) as error:
        nominations.nominations_for(club, 2025, TODAY)
    assert "cycle" in error.value.fields


def test_a_club_without_national_rules_has_no_nominations(app):
    club = factories.make_club("club-us", rule_set="us")
    db.session.commit()
    with pytest.raises(NotFound):
        nominations.nominations_for(club, 2024, TODAY)
    with pytest.raises(NotFound):
        nominations.cycles(club, TODAY)


def test_cycles_run_from_the_first_donation_to_today_and_default_to_the_last_ended(club):
    member = factories.make_member(club, "0001", "郭明义")
    factories.make_donation(member, date(2019, 5, 1))
    factories.make_donation(member, date(2003, 5, 1))  # before 2010: cycles start in 2010
    db.session.commit()
    assert nominations.cycles(club, TODAY) == [2026, 2024, 2022, 2020, 2018, 2016, 2014,
                                               2012, 2010]
    assert nominations.default_cycle(club, TODAY) == 2024
