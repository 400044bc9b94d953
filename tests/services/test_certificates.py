"""Certificate services: serials, masked names, the words printed, issuing one or a batch,
revoking, re-issuing, who may see a certificate, and the database's last defence."""
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from donorclub.domain.enums import AuditAction, Role
from donorclub.domain.serials import normalize_serial
from donorclub.extensions import db
from donorclub.models import AuditEvent, Certificate
from donorclub.services import certificate_text, certificates
from donorclub.services.errors import Conflict, InvalidInput, NotFound

from .. import factories

TODAY = date(2026, 1, 1)
START = date(2020, 1, 6)


def days(n: int, start: date = START) -> list[date]:
    return [start + timedelta(weeks=i) for i in range(n)]


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize(("preferred", "club", "language"), [
    ("en", "zh_Hans", "en"),
    ("en_GB", "zh_Hans", "en"),
    (None, "zh_Hans", "zh_Hans"),
    (None, "en", "en"),
    ("zh_Hans", "en", "zh_Hans"),
    ("de", "en", "en"),
    (None, None, "zh_Hans"),
])
def test_the_certificate_language_is_the_members_else_the_clubs(preferred, club, language):
    assert certificate_text.language_of(preferred, club) == language


# --- issuing -------------------------------------------------------------------------------

@pytest.fixture
def setting(app):
    club = factories.make_club("club-a", rule_set="cn", locale="zh_Hans")
    other = factories.make_club("club-b", "Club B", rule_set="us")
    member = factories.make_member(club, "0001", "王秀英")
    friend = factories.make_member(club, "0002", "李强")
    stranger = factories.make_member(other, "0001", "Emma Smith")
    coordinator = factories.make_user("c@example.org", Role.COORDINATOR, clubs=[club])
    factories.make_donations(member, days(5), volume_ml=400)  # count 10, 2,000 ml
    db.session.commit()
    return club, member, friend, stranger, coordinator


@pytest.mark.parametrize("code", ["donations-20", "donations-7", "nonsense", "donations-010"])
def test_a_milestone_not_reached_or_unknown_is_invalid_input(setting, code):
    _, member, _, _, coordinator = setting
    with pytest.raises(InvalidInput) as error:
        certificates.issue_certificate(coordinator, member, code, today=TODAY)
    assert "award_code" in error.value.fields
    assert count(Certificate) == 0


def test_a_milestone_reached_after_the_day_cannot_be_issued_yet(setting):
    _, member, _, _, coordinator = setting
    with pytest.raises(InvalidInput):
        certificates.issue_certificate(coordinator, member, "donations-10",
                                       today=days(5)[-1] - timedelta(days=1))


def test_issuing_stores_the_figures_and_day_reached_and_an_audit_event(setting):
    _, member, _, _, coordinator = setting
    certificate = certificates.issue_certificate(coordinator, member, "donations-10",
                                                 today=TODAY)
    db.session.expire_all()
    stored = db.session.get(Certificate, certificate.id)
    assert normalize_serial(stored.serial) == stored.serial
    assert (stored.award_code, stored.reached_on, stored.issued_on, stored.issued_by_id) == (
        "donations-10", days(5)[-1], TODAY, coordinator.id)
    assert stored.figures["count"] == 10 and stored.figures["donations"] == 5
    assert stored.figures["total_ml"] == 2000 and stored.figures["threshold"] == 10
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "certificates"))
    assert (event.action, event.actor_id, event.entity_id, event.club_id) == (
        AuditAction.CREATE.value, coordinator.id, stored.id, member.club_id)


@pytest.mark.parametrize(("member_locale", "language", "title"), [
    (None, "zh_Hans", "献血10次"),
    ("en", "en", "10 donations"),
])
def test_the_language_is_the_members_choice_else_the_clubs(setting, member_locale, language,
                                                            title):
    _, member, _, _, coordinator = setting
    member.locale = member_locale
    db.session.commit()
    certificate = certificates.issue_certificate(coordinator, member, "donations-10",
                                                 today=TODAY)
    assert (certificate.language, certificate.title) == (language, title)


def test_issuing_the_same_milestone_twice_is_a_conflict(setting):
    _, member, _, _, coordinator = setting
    certificates.issue_certificate(coordinator, member, "donations-5", today=TODAY)
    with pytest.raises(Conflict):
        certificates.issue_certificate(coordinator, member, "donations-5", today=TODAY)
    assert count(Certificate) == 1


def test_issue_due_issues_the_highest_step_per_category_for_the_chosen_members(setting):
    club, member, friend, _, coordinator = setting
    factories.make_donations(friend, days(1))
    db.session.commit()
    issued = certificates.issue_due(coordinator, club, today=TODAY, member_ids=[member.id])
    assert sorted(c.award_code for c in issued) == ["donations-10", "whole_blood_ml-1000"]
    assert {c.member_id for c in issued} == {member.id}
    everyone = certificates.issue_due(coordinator, club, today=TODAY)
    assert [(c.member_id, c.award_code) for c in everyone] == [(friend.id, "donations-1")]
    assert certificates.issue_due(coordinator, club, today=TODAY) == []


def test_issue_due_issues_only_the_chosen_pairs_that_are_due(setting):
    club, member, friend, _, coordinator = setting
    factories.make_donations(friend, days(1))
    db.session.commit()
    chosen = {(member.id, "whole_blood_ml-1000"), (friend.id, "donations-1"),
              (friend.id, "donations-5"), (member.id, "donations-5")}  # last two: not due
    issued = certificates.issue_due(coordinator, club, today=TODAY, chosen=chosen)
    assert sorted((c.member_id, c.award_code) for c in issued) == sorted(
        [(member.id, "whole_blood_ml-1000"), (friend.id, "donations-1")])
    assert count(Certificate) == 2


def test_issue_due_is_all_or_nothing(setting, monkeypatch):
    club, _, friend, _, coordinator = setting
    factories.make_donations(friend, days(1))
    db.session.commit()
    # Every certificate gets the same serial: the second breaks the unique constraint.
    monkeypatch.setattr(certificates, "_unused_serial", lambda: "2222-3333-4444")
    with pytest.raises(IntegrityError):
        certificates.issue_due(coordinator, club, today=TODAY)
    db.session.rollback()
    assert count(Certificate) == 0


def test_the_database_allows_one_valid_certificate_per_member_and_award(setting):
    _, member, *_ = setting

    def row(serial, **extra):
        return Certificate(serial=serial, member_id=member.id, award_code="donations-5",
                           title="5 donations", issued_on=TODAY, **extra)

    db.session.add(row("2222-2222-2222"))
    db.session.commit()
    db.session.add(row("3333-3333-3333"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    old = db.session.scalar(sa.select(Certificate))
    old.revoked_at, old.revoke_reason = datetime.now(UTC), "lost"
    db.session.add(row("3333-3333-3333"))
    db.session.commit()
    assert count(Certificate) == 2


# --- revoking and re-issuing ---------------------------------------------------------------

@pytest.fixture
def issued(setting):
    _, member, _, _, coordinator = setting
    return certificates.issue_certificate(coordinator, member, "donations-10", today=TODAY)


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Give the reason."),
    ("   ", "Give the reason."),
    ("x" * 501, "At most 500 characters."),
])
def test_a_revocation_needs_a_reason_of_sensible_length(setting, issued, reason, message):
    coordinator = setting[4]
    with pytest.raises(InvalidInput) as error:
        certificates.revoke_certificate(coordinator, issued, reason)
    assert error.value.fields["reason"] == message
    db.session.rollback()
    assert db.session.get(Certificate, issued.id).revoked_at is None


def test_revoking_records_who_why_and_when_and_only_once(setting, issued):
    coordinator = setting[4]
    certificates.revoke_certificate(coordinator, issued, "  Printed with the wrong name ")
    db.session.expire_all()
    stored = db.session.get(Certificate, issued.id)
    assert stored.revoked_at is not None and not stored.is_valid
    assert (stored.revoke_reason, stored.revoked_by_id) == ("Printed with the wrong name",
                                                            coordinator.id)
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == AuditAction.REVOKE.value))
    assert (event.actor_id, event.entity_id) == (coordinator.id, issued.id)
    assert event.after["revoke_reason"] == "Printed with the wrong name"
    with pytest.raises(Conflict):
        certificates.revoke_certificate(coordinator, stored, "again")


def test_reissuing_revokes_the_old_serial_and_issues_a_new_one_in_its_place(setting, issued):
    coordinator = setting[4]
    old_serial = issued.serial
    new = certificates.reissue_certificate(coordinator, issued, "Lost in a move", today=TODAY)
    db.session.expire_all()
    old = db.session.get(Certificate, issued.id)
    assert new.serial != old_serial and new.replaces_id == old.id and new.is_valid
    assert (old.revoke_reason, old.is_valid) == ("Lost in a move", False)
    assert (new.award_code, new.reached_on) == (old.award_code, old.reached_on)
    assert certificates.replacement_of(old).id == new.id
    with pytest.raises(Conflict):
        certificates.reissue_certificate(coordinator, old, "again", today=TODAY)
    assert count(Certificate) == 2


def test_reissuing_needs_a_reason(setting, issued):
    with pytest.raises(InvalidInput):
        certificates.reissue_certificate(setting[4], issued, " ", today=TODAY)
    assert count(Certificate) == 1


# --- who may see a certificate -------------------------------------------------------------

def test_a_member_sees_only_their_own_certificates(setting, issued):
    club, member, friend, _, coordinator = setting
    own = factories.make_user("own@example.org", Role.MEMBER, member=member)
    other = factories.make_user("other@example.org", Role.MEMBER, member=friend)
    db.session.commit()
    assert certificates.get_certificate(own, issued.serial.lower()).id == issued.id
    with pytest.raises(NotFound):
        certificates.get_certificate(other, issued.serial)


@pytest.mark.parametrize("serial", ["", "garbage", "2222-2222-2222"])
def test_an_unknown_or_malformed_serial_is_not_found(setting, issued, serial):
    with pytest.raises(NotFound):
        certificates.get_certificate(setting[4], serial)


def test_staff_of_another_club_cannot_see_a_certificate(setting, issued):
    stranger = setting[3]
    outsider = factories.make_user("b@example.org", Role.COORDINATOR, clubs=[stranger.club])
    admin = factories.make_user("admin@example.org", Role.ADMIN)
    db.session.commit()
    with pytest.raises(NotFound):
        certificates.get_certificate(outsider, issued.serial)
    assert certificates.get_certificate(admin, issued.serial).id == issued.id


# --- finding and printing ------------------------------------------------------------------

def test_valid_certificates_are_in_print_order_and_refuse_unknown_member_numbers(setting,
                                                                                issued):
    club, member, friend, _, coordinator = setting
    factories.make_donations(friend, days(1))
    db.session.commit()
    first = certificates.issue_certificate(coordinator, friend, "donations-1", today=TODAY)
    revoked = certificates.issue_certificate(coordinator, member, "donations-5", today=TODAY)
    certificates.revoke_certificate(coordinator, revoked, "duplicate")
    assert [c.id for c in certificates.valid_certificates(club)] == [issued.id, first.id]
    assert [c.id for c in certificates.valid_certificates(club, member_nos=["0002"])] == [
        first.id]
    with pytest.raises(NotFound) as error:
        certificates.valid_certificates(club, member_nos=["0002", "0404"])
    assert "0404" in error.value.message


def test_certificates_by_ids_leaves_out_other_clubs_certificates(setting, issued):
    club, _, _, stranger, _ = setting
    foreign = Certificate(serial="2222-2222-2222", member_id=stranger.id,
                          award_code="donations-8", title="1-gallon donor", issued_on=TODAY)
    db.session.add(foreign)
    db.session.commit()
    assert [c.id for c in certificates.certificates_by_ids(club, [foreign.id, issued.id])] == [
        issued.id]


def test_printing_is_recorded_with_the_serials(setting, issued):
    club, *_, coordinator = setting
    certificates.record_printing(coordinator, club, [issued])
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == AuditAction.PRINT.value))
    assert (event.actor_id, event.club_id, event.after) == (
        coordinator.id, club.id, {"serials": [issued.serial]})


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, ["donations-5", "donations-10"]),
    ({"status": "valid"}, ["donations-10"]),
    ({"status": "revoked"}, ["donations-5"]),
    ({"q": "王秀"}, ["donations-5", "donations-10"]),
    ({"q": "nobody"}, []),
])
def test_the_list_filters_by_status_and_search(setting, issued, filters, expected):
    _, member, _, _, coordinator = setting
    later = certificates.issue_certificate(coordinator, member, "donations-5",
                                           today=TODAY + timedelta(days=1))
    certificates.revoke_certificate(coordinator, later, "duplicate")
    page = certificates.list_certificates(setting[0], **filters)
    assert [c.award_code for c in page.items] == expected


def test_the_list_finds_a_certificate_by_its_typed_serial(setting, issued):
    page = certificates.list_certificates(setting[0], q=issued.serial.lower().replace("-", " "))
    assert [c.id for c in page.items] == [issued.id]
