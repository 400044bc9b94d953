"""Recording, voiding and summing volunteer hours, alone and for a group."""
from datetime import date

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import AuditAction, DriveKind, Role
from donorclub.extensions import db
from donorclub.models import AuditEvent, Drive, DriveParticipant, VolunteerService
from donorclub.services import audit
from donorclub.services.errors import Conflict, InvalidInput, NotFound
from donorclub.services.volunteering import (
    club_volunteering,
    drive_attendees,
    get_service,
    hours_summary,
    member_summary,
    record_group_service,
    record_service,
    void_service,
)

from .. import factories

TODAY = date(2025, 12, 1)


@pytest.fixture
def setting(app):
    club = factories.make_club()  # China's rules: star levels
    member = factories.make_member(club, date_of_birth=date(1980, 1, 1))
    coordinator = factories.make_user("c@example.org", Role.COORDINATOR, clubs=[club])
    db.session.commit()
    return member, coordinator


def make_drive(club, held_on=date(2025, 11, 1), place="Steel works gate"):
    drive = Drive(club=club, held_on=held_on, place=place, kind=DriveKind.BLOOD)
    db.session.add(drive)
    db.session.flush()
    return drive


def serve(member, coordinator, **overrides):
    args = {"served_on": date(2025, 11, 1), "hours": 3.5, "role": "Registration desk",
            "note": "", "activity": "Talk at the school", "today": TODAY}
    args.update(overrides)
    return record_service(coordinator, member, **args)


def count_rows():
    return db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerService))


def test_recorded_hours_are_stored_and_audited(setting):
    member, coordinator = setting
    service = serve(member, coordinator)
    assert (service.hours, service.activity, service.role) == (3.5, "Talk at the school",
                                                               "Registration desk")
    assert service.recorded_by_id == coordinator.id
    [event] = audit.history("volunteer_services", service.id)
    assert event.action == AuditAction.CREATE and event.after["hours"] == 3.5
    assert event.club_id == member.club_id and event.actor_id == coordinator.id


def test_hours_at_a_drive_of_the_own_club(setting):
    member, coordinator = setting
    drive = make_drive(member.club)
    service = serve(member, coordinator, activity="", drive_id=drive.id)
    assert service.drive_id == drive.id


@pytest.mark.parametrize(("overrides", "field"), [
    ({"hours": 0}, "hours"), ({"hours": -2}, "hours"), ({"hours": 24.25}, "hours"),
    ({"hours": 1.1}, "hours"), ({"hours": None}, "hours"),
    ({"served_on": date(2025, 12, 2)}, "served_on"),
    ({"served_on": date(1979, 12, 31)}, "served_on"), ({"served_on": None}, "served_on"),
    ({"activity": ""}, "activity"), ({"activity": "   "}, "activity"),
    ({"activity": "x" * 201}, "activity"), ({"role": "x" * 121}, "role"),
    ({"note": "x" * 501}, "note"),
])
def test_bad_input_is_refused_with_the_field_and_nothing_written(setting, overrides, field):
    member, coordinator = setting
    with pytest.raises(InvalidInput) as error:
        serve(member, coordinator, **overrides)
    assert field in error.value.fields
    assert count_rows() == 0


def test_the_edges_are_allowed(setting):
    member, coordinator = setting
    serve(member, coordinator, hours=24, served_on=TODAY)
    serve(member, coordinator, hours=0.25, served_on=member.date_of_birth)
    assert count_rows() == 2


def test_a_drive_of_another_club_or_none_at_all_is_refused(setting):
    member, coordinator = setting
    foreign = make_drive(factories.make_club("club-b", rule_set="us"))
    for drive_id in (foreign.id, 987654):
        with pytest.raises(InvalidInput) as error:
            serve(member, coordinator, activity="", drive_id=drive_id)
        assert "drive_id" in error.value.fields
    assert count_rows() == 0


def test_a_drive_and_an_activity_together_are_refused(setting):
    member, coordinator = setting
    drive = make_drive(member.club)
    with pytest.raises(InvalidInput) as error:
        serve(member, coordinator, drive_id=drive.id, activity="Both")
    assert "activity" in error.value.fields


def test_void_needs_a_reason_and_happens_once(setting):
    member, coordinator = setting
    service = serve(member, coordinator)
    with pytest.raises(InvalidInput) as error:
        void_service(coordinator, service, "  ")
    assert "reason" in error.value.fields
    assert service.voided_at is None
    void_service(coordinator, service, "Entered twice")
    assert service.voided_at is not None and service.voided_by_id == coordinator.id
    assert service.void_reason == "Entered twice"
    with pytest.raises(Conflict):
        void_service(coordinator, service, "Again")
    actions = [e.action for e in audit.history("volunteer_services", service.id)]
    assert actions == [AuditAction.CREATE, AuditAction.VOID]


def test_summary_counts_hours_not_voided_and_the_star_level(setting):
    member, coordinator = setting
    assert hours_summary(member) == hours_summary(member)  # empty: stable
    empty = hours_summary(member)
    assert (empty.total_hours, empty.count, empty.level, empty.next_threshold) == (0, 0, 0, 100)
    for day in range(1, 6):
        serve(member, coordinator, served_on=date(2025, 10, day), hours=20)
    wrong = serve(member, coordinator, served_on=date(2025, 10, 9), hours=24)
    serve(member, coordinator, served_on=date(2025, 10, 10), hours=0.5)
    void_service(coordinator, wrong, "Wrong member")
    summary = hours_summary(member)
    assert (summary.total_hours, summary.count) == (100.5, 6)
    assert (summary.level, summary.next_level, summary.next_threshold) == (1, 2, 300)
    assert summary.hours_to_go == 199.5 and summary.has_levels


def test_rule_sets_without_levels_show_hours_only(app):
    club = factories.make_club("club-us", rule_set="us")
    member = factories.make_member(club)
    coordinator = factories.make_user("u@example.org", Role.COORDINATOR, clubs=[club])
    serve(member, coordinator, hours=12)
    summary = hours_summary(member)
    assert summary.total_hours == 12 and not summary.has_levels
    assert (summary.level, summary.next_threshold, summary.hours_to_go) == (0, None, None)


def test_member_summary_lists_every_row_newest_first(setting):
    member, coordinator = setting
    old = serve(member, coordinator, served_on=date(2025, 1, 1))
    new = serve(member, coordinator, served_on=date(2025, 6, 1))
    void_service(coordinator, old, "Not that day")
    result = member_summary(member)
    assert [s.id for s in result.services] == [new.id, old.id]
    assert result.summary.count == 1


def test_get_service_refuses_another_members_row(setting):
    member, coordinator = setting
    other = factories.make_member(member.club, "0002", "李明")
    service = serve(member, coordinator)
    assert get_service(member, service.id) is service
    with pytest.raises(NotFound):
        get_service(other, service.id)


def test_group_entry_records_everyone_or_no_one(setting):
    member, coordinator = setting
    club = member.club
    second = factories.make_member(club, "0002", "李明")
    factories.make_member(factories.make_club("club-b", rule_set="us"), "0003", "Emma")
    db.session.commit()
    with pytest.raises(InvalidInput) as error:
        record_group_service(coordinator, club, [("0001", "3"), ("0003", "2"), ("0002", "1.1"),
                                                 ("0001", "2")],
                             served_on=date(2025, 11, 1), activity="Street stand", today=TODAY)
    message = error.value.fields["entries"]
    assert "0003" in message and "0002" in message and "more than once" in message
    assert count_rows() == 0
    with pytest.raises(InvalidInput) as error:
        record_group_service(coordinator, club, [], served_on=date(2025, 11, 1),
                             activity="Street stand", today=TODAY)
    assert "entries" in error.value.fields
    rows = record_group_service(coordinator, club, [("0001", "3"), ("0002", 4.5)],
                                served_on=date(2025, 11, 1), activity="Street stand",
                                role="Guide", today=TODAY)
    assert {(r.member_id, r.hours, r.role) for r in rows} == {
        (member.id, 3.0, "Guide"), (second.id, 4.5, "Guide")}
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "volunteer_services")).all()
    assert len(events) == 2


def test_club_overview_ranks_members_by_hours_not_voided(setting):
    member, coordinator = setting
    second = factories.make_member(member.club, "0002", "李明")
    other_club_member = factories.make_member(factories.make_club("club-b"), "0001", "Emma")
    serve(member, coordinator, hours=5)
    serve(second, coordinator, hours=8)
    big = serve(member, coordinator, hours=20, served_on=date(2025, 11, 2))
    serve(other_club_member, coordinator, hours=24)
    void_service(coordinator, big, "Typo")
    overview = club_volunteering(member.club)
    assert [(t.member.id, t.total_hours) for t in overview.top] == [(second.id, 8), (member.id, 5)]
    assert len(overview.recent) == 3 and overview.levels


def test_drive_attendees_are_those_marked_attended(setting):
    member, coordinator = setting
    second = factories.make_member(member.club, "0002", "李明")
    drive = make_drive(member.club)
    db.session.add_all([DriveParticipant(drive=drive, member=member, attended=True),
                        DriveParticipant(drive=drive, member=second, attended=False)])
    db.session.flush()
    assert drive_attendees(member.club, drive.id) == [member]
    other = factories.make_club("club-b")
    assert drive_attendees(other, drive.id) == []
