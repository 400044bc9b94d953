"""Recording deferrals from the catalogue or in free text, and ending them early."""
from datetime import date

import pytest

from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.models import Deferral
from donorclub.services import audit
from donorclub.services.deferrals import end_deferral_early, get_deferral, record_deferral
from donorclub.services.eligibility import member_eligibility
from donorclub.services.errors import InvalidInput, NotFound
from donorclub.services.rules import get_rule_set

from .. import factories

TODAY = date(2025, 12, 1)


@pytest.fixture
def setting(app):
    club = factories.make_club()  # China's rules
    member = factories.make_member(club, date_of_birth=date(1980, 1, 1))
    coordinator = factories.make_user("c@example.org", Role.COORDINATOR, clubs=[club])
    return member, coordinator


def defer(member, coordinator, reason_code="tattoo", free_text="", starts_on=TODAY,
          ends_on=None, indefinite=False, kinds=None):
    return record_deferral(coordinator, member, reason_code, free_text, starts_on, ends_on,
                           indefinite, kinds, today=TODAY)


def test_a_catalogue_reason_gives_the_default_end_counted_from_the_start(setting):
    member, coordinator = setting
    catalogue = get_rule_set("cn").deferral_reasons
    tattoo = defer(member, coordinator, "tattoo", starts_on=date(2025, 11, 20))
    assert tattoo.ends_on == catalogue["tattoo"].ends_on(date(2025, 11, 20)) == date(2026, 11, 20)
    dental = defer(member, coordinator, "dental_care", starts_on=date(2025, 11, 28))
    assert dental.ends_on == date(2025, 12, 1)  # 3 days
    assert tattoo.kinds is None and tattoo.reason_code == "tattoo"


def test_every_catalogue_reason_of_every_rule_set_can_be_recorded(setting):
    """The longest code (45 characters) once overflowed a column of 40 on PostgreSQL."""
    from donorclub.models.donation import REASON_CODE_LENGTH
    from donorclub.services.rules import rule_sets

    codes = {code for rule_set in rule_sets().values() for code in rule_set.deferral_reasons}
    assert max(len(code) for code in codes) <= REASON_CODE_LENGTH
    member, coordinator = setting
    longest = max(get_rule_set("cn").deferral_reasons, key=len)
    assert len(longest) > 40
    deferral_id = defer(member, coordinator, longest).id
    db.session.expire_all()
    assert db.session.get(Deferral, deferral_id).reason_code == longest


def test_the_coordinator_can_change_the_catalogue_end(setting):
    member, coordinator = setting
    deferral = defer(member, coordinator, "tattoo", ends_on=date(2026, 3, 1))
    assert deferral.ends_on == date(2026, 3, 1)


def test_a_catalogue_reason_limited_to_some_kinds_keeps_them(setting):
    member, coordinator = setting
    aspirin = next(code for code, r in get_rule_set("cn").deferral_reasons.items()
                   if r.kinds == frozenset({"platelets"}))
    deferral = defer(member, coordinator, aspirin)
    assert deferral.kinds == ["platelets"]
    answer = member_eligibility(member, TODAY)
    assert answer["whole_blood"].eligible and not answer["platelets"].eligible


def test_kinds_given_override_the_catalogue_and_every_kind_is_stored_as_none(setting):
    member, coordinator = setting
    assert defer(member, coordinator, "tattoo", kinds=["platelets"]).kinds == ["platelets"]
    assert defer(member, coordinator, "tattoo",
                 kinds=["platelets", "whole_blood"]).kinds is None
    with pytest.raises(InvalidInput) as error:
        defer(member, coordinator, "tattoo", kinds=["plasma"])  # not in China's rules
    assert set(error.value.fields) == {"kinds"}


def test_free_text_is_stored_as_other_with_the_text_in_the_note(setting):
    member, coordinator = setting
    deferral = defer(member, coordinator, None, "Low haemoglobin at the last visit",
                     ends_on=date(2026, 1, 15))
    assert deferral.reason_code == "other"
    assert deferral.note == "Low haemoglobin at the last visit"
    assert deferral.ends_on == date(2026, 1, 15)


def test_other_needs_a_description_and_an_end_or_indefinite(setting):
    member, coordinator = setting
    with pytest.raises(InvalidInput) as error:
        defer(member, coordinator, "other", "  ")
    assert set(error.value.fields) == {"free_text", "ends_on"}
    assert db.session.query(Deferral).count() == 0


def test_indefinite_deferrals_have_no_end(setting):
    member, coordinator = setting
    deferral = defer(member, coordinator, "other", "Under investigation", indefinite=True)
    assert deferral.ends_on is None and deferral.is_indefinite
    pregnancy = defer(member, coordinator, "pregnancy")  # indefinite in the catalogue
    assert pregnancy.ends_on is None
    ticked = defer(member, coordinator, "tattoo", indefinite=True)  # stricter than the catalogue
    assert ticked.ends_on is None
    assert member_eligibility(member, date(2040, 1, 1))["whole_blood"].next_date is None


def test_indefinite_with_an_end_date_is_refused(setting):
    member, coordinator = setting
    with pytest.raises(InvalidInput) as error:
        defer(member, coordinator, "tattoo", ends_on=date(2026, 1, 1), indefinite=True)
    assert set(error.value.fields) == {"ends_on"}


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        (date(2025, 12, 1), date(2025, 12, 1), "ends_on"),  # the end must be after the start
        (date(2025, 12, 1), date(2025, 11, 1), "ends_on"),
        (date(2025, 12, 1), date(2036, 1, 1), "ends_on"),  # over ten years: indefinite
        (date(2015, 11, 30), date(2016, 1, 1), "starts_on"),  # over ten years ago
        (date(2026, 12, 2), date(2027, 1, 1), "starts_on"),  # over a year ahead
        (date(1979, 1, 1), date(1979, 2, 1), "starts_on"),  # before birth
    ],
)
def test_absurd_dates_are_refused(setting, starts_on, ends_on, field):
    member, coordinator = setting
    with pytest.raises(InvalidInput) as error:
        defer(member, coordinator, "other", "Typed wrongly", starts_on=starts_on,
              ends_on=ends_on)
    assert set(error.value.fields) == {field}
    assert db.session.query(Deferral).count() == 0


def test_dates_at_the_edges_are_accepted(setting):
    member, coordinator = setting
    defer(member, coordinator, "other", "Old", starts_on=date(2015, 12, 1),
          ends_on=date(2015, 12, 2))
    defer(member, coordinator, "other", "Planned", starts_on=date(2026, 12, 1),
          ends_on=date(2036, 12, 1))


def test_an_unknown_reason_code_is_refused(setting):
    member, coordinator = setting
    with pytest.raises(InvalidInput) as error:
        defer(member, coordinator, "moon_travel")
    assert set(error.value.fields) == {"reason_code"}


def test_recording_is_audited(setting):
    member, coordinator = setting
    deferral = defer(member, coordinator, "tattoo", "Left forearm")
    [event] = audit.history("deferrals", deferral.id)
    assert event.action == "create" and event.actor_id == coordinator.id
    assert event.club_id == member.club_id
    assert event.after["reason_code"] == "tattoo" and event.after["ends_on"] == "2026-12-01"
    assert event.after["note"] == "Left forearm"


def test_ending_early_moves_the_end_and_is_audited(setting):
    member, coordinator = setting
    deferral = defer(member, coordinator, "tattoo", "Left forearm",
                     starts_on=date(2025, 6, 1))
    end_deferral_early(coordinator, deferral, date(2025, 12, 1), "Checked by Dr. Li")
    db.session.expire_all()
    stored = db.session.get(Deferral, deferral.id)
    assert stored.ends_on == date(2025, 12, 1)
    assert stored.note == "Left forearm\nChecked by Dr. Li"
    create, update = audit.history("deferrals", deferral.id)
    assert update.action == "update" and update.actor_id == coordinator.id
    assert update.before["ends_on"] == "2026-06-01" and update.after["ends_on"] == "2025-12-01"
    assert member_eligibility(stored.member, TODAY)["whole_blood"].eligible


@pytest.mark.parametrize(
    "ends_on",
    [date(2025, 5, 31),  # before the start
     date(2026, 6, 1),  # the current end: not earlier
     date(2026, 7, 1),  # after the current end
     None],
)
def test_ending_early_stays_between_the_start_and_the_current_end(setting, ends_on):
    member, coordinator = setting
    deferral = defer(member, coordinator, "tattoo", starts_on=date(2025, 6, 1))
    with pytest.raises(InvalidInput) as error:
        end_deferral_early(coordinator, deferral, ends_on, "")
    assert set(error.value.fields) == {"ends_on"}
    db.session.expire_all()
    assert db.session.get(Deferral, deferral.id).ends_on == date(2026, 6, 1)
    assert len(audit.history("deferrals", deferral.id)) == 1


def test_ending_early_on_the_start_day_is_allowed(setting):
    member, coordinator = setting
    deferral = defer(member, coordinator, "tattoo", starts_on=date(2025, 6, 1))
    end_deferral_early(coordinator, deferral, date(2025, 6, 1), "")
    assert deferral.ends_on == date(2025, 6, 1) and deferral.note == ""


def test_an_indefinite_deferral_can_be_given_an_end(setting):
    member, coordinator = setting
    deferral = defer(member, coordinator, "pregnancy", starts_on=date(2025, 3, 1))
    end_deferral_early(coordinator, deferral, date(2026, 3, 1), "Birth on 2025-11-20")
    assert deferral.ends_on == date(2026, 3, 1)


def test_get_deferral_only_finds_the_members_own(setting):
    member, coordinator = setting
    other = factories.make_member(member.club, "0002", "李建华")
    theirs = factories.make_deferral(other, date(2025, 1, 1), None)
    with pytest.raises(NotFound):
        get_deferral(member, theirs.id)
    assert get_deferral(other, theirs.id) is theirs
