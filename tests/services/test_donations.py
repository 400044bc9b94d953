"""Recording donations at the service level: the checks that the web form cannot see."""
from datetime import date

import pytest

from donorclub.domain.enums import DonationKind, Role
from donorclub.services.donations import record_donation
from donorclub.services.eligibility import member_eligibility
from donorclub.services.errors import InvalidInput, NotEligible

from .. import factories

TODAY = date(2025, 12, 1)


@pytest.fixture
def setting(app):
    club = factories.make_club()
    member = factories.make_member(club, date_of_birth=date(1980, 1, 1))
    coordinator = factories.make_user("c@example.org", Role.COORDINATOR, clubs=[club])
    return member, coordinator


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
