"""Messages to members: what each kind says in Chinese and English, who gets "you can donate
again" and exactly once per eligibility period, thank-yous, certificates, drive invitations,
what an event cancels, the unsubscribe link, and the last check before sending."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

from donorclub.domain.enums import (
    AuditAction,
    DonationKind,
    DriveKind,
    MemberStatus,
    MessageKind,
    MessageStatus,
    Role,
)
from donorclub.extensions import db
from donorclub.models import AuditEvent, Drive, Member, OutboxMessage
from donorclub.services import (
    certificates,
    deferrals,
    donations,
    drives,
    member_links,
    message_drafts,
    reminders,
)
from donorclub.services.rules import rule_set_for

from .. import factories

# 10:00 in Shanghai, where the test clubs are.
NOW = datetime(2025, 10, 1, 2, 0, tzinfo=UTC)
TODAY = date(2025, 10, 1)
BASE = "http://127.0.0.1:5000"


@pytest.fixture
def club(app):
    return factories.make_club("club-a", "Anshan Steel Donors")


@pytest.fixture
def coordinator(club):
    user = factories.make_user("coord@example.org", Role.COORDINATOR, clubs=[club])
    user.name = "Li Na"
    return user


def member(club, no: str, *, donated: list[date] = (), consent: bool = True,
           email: str | None = "default", kind=DonationKind.WHOLE_BLOOD, **fields) -> Member:
    person = factories.make_member(club, no, f"Donor {no}")
    person.consent_contact = consent
    person.email = f"donor{no}@example.org" if email == "default" else email
    for name, value in fields.items():
        setattr(person, name, value)
    for day in donated:
        factories.make_donation(person, day, kind=kind)
    db.session.flush()
    return person


def messages(kind: MessageKind | None = None, status: MessageStatus | None = None):
    db.session.expire_all()
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.scalars(query))


def blood_drive(club, held_on=TODAY + timedelta(days=14), kind=DriveKind.BLOOD,
                place="Steelworks hall") -> Drive:
    drive = Drive(club_id=club.id, held_on=held_on, place=place, kind=kind)
    db.session.add(drive)
    db.session.flush()
    return drive


# --- What each message says


def test_eligible_again_reads_in_english_with_the_next_drive_and_the_links(club):
    person = member(club, "0001")
    drive = blood_drive(club, place="Hall <B> & Co's")
    draft = message_drafts.draft_for(person, MessageKind.ELIGIBLE_AGAIN, kind="whole_blood",
                                     since=date(2025, 9, 20), next_drive=drive,
                                     today=date(2025, 9, 20))
    assert draft.subject == "You can give whole blood again"
    assert "From today, 20 September 2025, you may give whole blood again." in draft.body
    later = message_drafts.draft_for(person, MessageKind.ELIGIBLE_AGAIN, kind="whole_blood",
                                     since=date(2025, 9, 20), today=date(2025, 9, 26))
    assert "Since 20 September 2025 you may give whole blood again." in later.body
    assert "15 October 2025 at Hall <B> & Co's." in draft.body  # plain text: not escaped
    assert draft.body.startswith("Dear Donor 0001,\n\n")
    unsubscribe = reminders.unsubscribe_url(person)
    assert draft.body.endswith(f"To stop these messages: {unsubscribe}\n")
    assert f"Anshan Steel Donors\n\nYour donations and certificates: {BASE}/me/\n" in draft.body
    assert "\n\n\n" not in draft.body
    assert draft.locale == "en" and draft.dedupe_key == (
        f"eligible_again:{person.id}:whole_blood:2025-09-20")
    assert draft.context == {"kind": "whole_blood", "since": "2025-09-20",
                             "next_drive_id": drive.id, "unsubscribe_url": unsubscribe}


def test_messages_follow_the_members_language_else_the_clubs(club):
    person = member(club, "0001", locale="zh_Hans")
    draft = message_drafts.draft_for(person, MessageKind.ELIGIBLE_AGAIN, kind="platelets",
                                     since=date(2025, 9, 20))
    assert draft.locale == "zh_Hans" and draft.subject == "可以再次献血小板"
    assert "2025年9月20日" in draft.body and "血小板" in draft.body
    club.locale, person.locale = "zh_Hans", None
    assert message_drafts.draft_for(person, MessageKind.ELIGIBLE_AGAIN, kind="whole_blood",
                                    since=date(2025, 9, 20)).locale == "zh_Hans"
    person.locale = "en"
    assert message_drafts.draft_for(person, MessageKind.ELIGIBLE_AGAIN, kind="whole_blood",
                                    since=date(2025, 9, 20)).locale == "en"


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["Blood drive on 15 October 2025", "on 15 October 2025 at Steelworks hall",
            "you may give whole blood or platelets", "reply to Li Na at coord@example.org"]),
    ("zh_Hans", ["2025年10月15日", "全血或血小板", "Steelworks hall", "coord@example.org"]),
])
def test_a_drive_invitation_tells_the_day_place_kinds_and_whom_to_reply_to(
        club, coordinator, language, words):
    person = member(club, "0001", locale=language)
    drive = blood_drive(club)
    draft = message_drafts.draft_for(person, MessageKind.DRIVE_INVITATION, drive=drive,
                                     eligible_kinds=["whole_blood", "platelets"],
                                     coordinator=coordinator)
    text = draft.subject + "\n" + draft.body
    assert all(word in text for word in words), text
    assert draft.dedupe_key == f"drive_invitation:{drive.id}:{person.id}"
    assert draft.context["reply_to"] == "coord@example.org"
    marrow = blood_drive(club, kind=DriveKind.MARROW_RECRUITMENT)
    draft = message_drafts.draft_for(person, MessageKind.DRIVE_INVITATION, drive=marrow)
    registry, may_give, coordinator_words = {
        "en": ("registry", "may give", "reply to your club's coordinator"),
        "zh_Hans": ("造血干细胞", "可以捐献", "俱乐部的协调员")}[language]
    assert registry in draft.body and may_give not in draft.body
    assert coordinator_words in draft.body


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["Thank you for your donation", "the 400 ml of whole blood you gave on "
            "28 September 2025", "That makes 3 donations, 1,200 ml in all.",
            "In 2025 that is 2 donations so far", "again from 28 March 2026"]),
    ("zh_Hans", ["400", "全血", "2025年9月28日", "1,200", "2026年3月28日"]),
])
def test_a_thank_you_has_the_new_totals_and_the_next_date(club, coordinator, language, words):
    person = member(club, "0001", donated=[date(2024, 6, 1), date(2025, 2, 1)],
                    locale=language)
    donations.record_donation(coordinator, person, donated_on=date(2025, 9, 28),
                              kind="whole_blood", volume_ml=400, today=TODAY)
    [thanks] = messages(MessageKind.DONATION_THANKS)
    text = thanks.subject + "\n" + thanks.body
    assert all(word in text for word in words), text
    assert thanks.locale == language and thanks.created_by_id == coordinator.id
    assert thanks.dedupe_key == f"donation_thanks:{thanks.context['donation_id']}"


@pytest.mark.parametrize(("language", "title"), [("en", "5 donations"), ("zh_Hans", "5次")])
def test_a_certificate_message_has_the_title_serial_and_verify_link(
        club, coordinator, language, title):
    person = member(club, "0001", locale=language,
                    donated=[date(2024, 1, 1) + timedelta(days=120 * i) for i in range(5)])
    certificate = certificates.issue_certificate(coordinator, person, "donations-5",
                                                 today=TODAY)
    [message] = messages(MessageKind.CERTIFICATE_ISSUED)
    assert title in message.subject and certificate.title in message.body
    assert certificate.serial in message.body
    assert f"{BASE}/verify/{certificate.serial}" in message.body
    assert message.dedupe_key == f"certificate_issued:{certificate.id}"
    if language == "en":
        assert "download it in the member portal" in message.body


# --- "You can donate again"


def test_only_members_whose_day_has_come_get_you_can_donate_again(club):
    ready = member(club, "0001", donated=[date(2025, 3, 20)])  # whole blood from 2025-09-20
    member(club, "0002", donated=[date(2025, 3, 20)], consent=False)
    member(club, "0003", donated=[date(2025, 3, 20)], email=None, phone="13900000003")
    deferred = member(club, "0004", donated=[date(2025, 3, 20)])
    factories.make_deferral(deferred, date(2025, 9, 25), date(2025, 12, 1))
    member(club, "0005", donated=[date(2025, 3, 20)], status=MemberStatus.INACTIVE)
    member(club, "0006", donated=[date(2025, 5, 1)])  # not before 2025-11-01
    member(club, "0007", donated=[date(2024, 1, 10)])  # eligible long ago
    member(club, "0008")  # never donated
    voided = member(club, "0009", donated=[date(2025, 3, 20)])
    factories.void_row(voided.donations[0])
    db.session.commit()
    assert reminders.queue_eligible_again(now=NOW) == 1
    [message] = messages()
    assert message.member_id == ready.id and message.status == MessageStatus.QUEUED
    assert message.dedupe_key == f"eligible_again:{ready.id}:whole_blood:2025-09-20"
    assert message.context["since"] == "2025-09-20" and message.created_by_id is None
    assert reminders.queue_eligible_again(now=NOW) == 0
    message.status = MessageStatus.SENT
    db.session.commit()
    assert reminders.queue_eligible_again(now=NOW + timedelta(days=3)) == 0
    assert len(messages()) == 1


def test_the_day_is_the_clubs_local_day(club):
    member(club, "0001", donated=[date(2025, 3, 20)])
    db.session.commit()
    # 16:30 on 19 September in UTC is already 00:30 on the 20th in Shanghai.
    late = datetime(2025, 9, 19, 16, 30, tzinfo=UTC)
    assert reminders.queue_eligible_again(now=late - timedelta(hours=1)) == 0
    assert reminders.queue_eligible_again(now=late) == 1


def test_the_preferred_kind_decides_which_reminder(club):
    person = member(club, "0001", donated=[date(2025, 6, 25)],
                    preferred_kind=DonationKind.PLATELETS)  # platelets 3 months later
    db.session.commit()
    assert reminders.queue_eligible_again(now=NOW) == 1
    [message] = messages()
    assert message.context["kind"] == "platelets" and "platelets" in message.subject
    rule_set = rule_set_for(club)
    person.preferred_kind = DonationKind.PLASMA  # not in the club's rules: the last kind
    assert reminders.preferred_kind_of(person, rule_set) == "whole_blood"
    person.preferred_kind = None
    factories.make_donation(person, date(2025, 7, 20), kind=DonationKind.PLATELETS, units=1,
                            volume_ml=250)
    assert reminders.preferred_kind_of(person, rule_set) == "platelets"
    assert reminders.preferred_kind_of(member(club, "0002"), rule_set) == "whole_blood"


def test_a_new_donation_starts_a_new_period_and_cancels_the_queued_reminder(club, coordinator):
    person = member(club, "0001", donated=[date(2025, 3, 20)])
    db.session.commit()
    reminders.queue_eligible_again(now=NOW)
    donations.record_donation(coordinator, person, donated_on=TODAY, kind="whole_blood",
                              volume_ml=400, today=TODAY)
    [first] = messages(MessageKind.ELIGIBLE_AGAIN)
    assert first.status == MessageStatus.CANCELLED
    assert first.cancel_reason == "a donation was recorded"
    assert reminders.queue_eligible_again(now=NOW + timedelta(days=60)) == 0
    assert reminders.queue_eligible_again(now=datetime(2026, 4, 2, 2, tzinfo=UTC)) == 1
    second = messages(MessageKind.ELIGIBLE_AGAIN)[-1]
    assert second.context["since"] == "2026-04-01" and second.status == MessageStatus.QUEUED


def test_a_deferral_cancels_the_reminder_and_its_end_starts_a_new_period(club, coordinator):
    person = member(club, "0001", donated=[date(2025, 3, 20)])
    db.session.commit()
    reminders.queue_eligible_again(now=NOW)
    deferrals.record_deferral(coordinator, person, None, "Travel to a malaria area",
                              date(2025, 10, 2), date(2025, 11, 1), False, None,
                              today=date(2025, 10, 2))
    [first] = messages()
    assert (first.status, first.cancel_reason) == (MessageStatus.CANCELLED,
                                                   "a deferral was recorded")
    assert reminders.queue_eligible_again(now=NOW + timedelta(days=10)) == 0
    assert reminders.queue_eligible_again(now=datetime(2025, 11, 3, 2, tzinfo=UTC)) == 1
    assert messages()[-1].context["since"] == "2025-11-01"


def test_the_queries_do_not_grow_with_the_club(club):
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    def run(prefix: str, members: int) -> int:
        for n in range(members):
            member(club, f"{prefix}{n:03}", donated=[date(2025, 3, 20)])
        db.session.commit()
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            reminders.queue_eligible_again(now=NOW)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    assert run("a", 2) == run("b", 12)
    assert len(messages()) == 14


# --- Queued with events, cancelled by events


def test_thanks_only_for_recent_donations_and_cancelled_when_voided(club, coordinator):
    person = member(club, "0001")
    old = donations.record_donation(coordinator, person, donated_on=TODAY - timedelta(days=15),
                                    kind="whole_blood", volume_ml=400, today=TODAY)
    assert messages() == []
    donations.void_donation(coordinator, old, "Entered twice")
    recent = donations.record_donation(coordinator, person, donated_on=TODAY - timedelta(days=14),
                                       kind="whole_blood", volume_ml=400, today=TODAY)
    [thanks] = messages()
    assert thanks.context["donation_id"] == recent.id
    donations.void_donation(coordinator, recent, "Wrong member")
    [thanks] = messages()
    assert (thanks.status, thanks.cancel_reason) == (MessageStatus.CANCELLED,
                                                     "the donation was voided")


def test_drive_donations_are_thanked_in_the_drives_transaction(club, coordinator):
    first, second = member(club, "0001"), member(club, "0002", consent=False)
    drive = blood_drive(club, held_on=TODAY - timedelta(days=2))
    drives.invite_members(coordinator, drive, [first.id, second.id], today=TODAY)
    rows = [drives.DonationRow(first.id, "whole_blood", 400),
            drives.DonationRow(second.id, "whole_blood", 400)]
    assert drives.record_drive_donations(coordinator, drive, rows, today=TODAY) == 2
    assert [m.member_id for m in messages(MessageKind.DONATION_THANKS)] == [first.id]


def test_certificates_are_announced_and_a_revoked_one_is_withdrawn(club, coordinator):
    person = member(club, "0001", donated=[date(2025, 1, 5)])
    issued = certificates.issue_certificate(coordinator, person, "donations-1", today=TODAY)
    replacement = certificates.reissue_certificate(coordinator, issued, "Lost", today=TODAY)
    old, new = messages(MessageKind.CERTIFICATE_ISSUED)
    assert old.context["certificate_id"] == issued.id and old.status == MessageStatus.CANCELLED
    assert new.context["certificate_id"] == replacement.id and new.status == MessageStatus.QUEUED
    other = member(club, "0002", donated=[date(2025, 1, 5)])
    db.session.commit()
    assert [c.member_id for c in certificates.issue_due(None, club, today=TODAY,
                                                        member_ids=[other.id], notify=False)]
    assert len(messages()) == 2
    certificates.issue_due(coordinator, club, today=TODAY)
    assert len(messages()) == 2  # nothing else due


def test_drive_invitations_go_to_members_eligible_that_day_with_consent(club, coordinator):
    eligible = member(club, "0001", donated=[date(2025, 3, 20)])
    silent = member(club, "0002", donated=[date(2025, 3, 20)], consent=False)
    too_soon = member(club, "0003", donated=[date(2025, 9, 1)])  # platelets not before 12-01
    gone = member(club, "0004", status=MemberStatus.LEFT)
    drive = blood_drive(club)
    ids = [eligible.id, silent.id, too_soon.id, gone.id]
    done = drives.invite_members(coordinator, drive, ids, today=TODAY, send_messages=True)
    assert done == drives.Invitations(invited=4, messages_queued=1, not_reachable=1,
                                      already_messaged=0, not_eligible=1)
    [invitation] = messages()
    assert invitation.member_id == eligible.id and invitation.context["drive_id"] == drive.id
    assert "whole blood or platelets" in invitation.body
    again = drives.invite_members(coordinator, drive, ids, today=TODAY, send_messages=True)
    assert again == drives.Invitations(4, 0, 1, 1, 1) and len(messages()) == 1
    assert drives.invite_members(coordinator, drive, ids, today=TODAY).messages_queued == 0


def test_a_recruitment_drive_may_invite_every_active_member_but_not_after_its_day(
        club, coordinator):
    recent = member(club, "0001", donated=[date(2025, 9, 1)])
    marrow = blood_drive(club, kind=DriveKind.MARROW_RECRUITMENT)
    done = drives.invite_members(coordinator, marrow, [recent.id], today=TODAY,
                                 send_messages=True)
    assert done.messages_queued == 1
    past = blood_drive(club, held_on=TODAY - timedelta(days=1),
                       kind=DriveKind.MARROW_RECRUITMENT)
    assert drives.invite_members(coordinator, past, [recent.id], today=TODAY,
                                 send_messages=True).messages_queued == 0


# --- Unsubscribing


def test_the_unsubscribe_link_names_its_member_and_nothing_else_opens_it(app, club):
    person = member(club, "0001")
    db.session.commit()
    token = reminders.unsubscribe_token(person)
    assert reminders.unsubscribe_url(person) == f"{BASE}/unsubscribe/{token}"
    assert reminders.member_for_unsubscribe(token) == person
    forged = URLSafeSerializer("another secret", salt="donorclub.unsubscribe")
    signed = URLSafeSerializer(app.config["SECRET_KEY"], salt="donorclub.unsubscribe")
    person.status_nonce = "a" * 32
    for bad in ["", "nonsense", token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
                forged.dumps([person.id]), signed.dumps([person.id + 1000]),
                signed.dumps(["1"]), signed.dumps([True]), signed.dumps([person.id, 2]),
                signed.dumps({"id": person.id}), member_links.token_for(person, "status")]:
        assert reminders.member_for_unsubscribe(bad) is None, bad


def test_unsubscribing_withdraws_consent_and_cancels_what_is_queued(club, coordinator):
    person = member(club, "0001", donated=[date(2025, 3, 20)])
    db.session.commit()
    reminders.queue_eligible_again(now=NOW)
    donations.record_donation(coordinator, person, donated_on=TODAY - timedelta(days=1),
                              kind="platelets", volume_ml=250, therapeutic_units=1,
                              today=TODAY)
    assert len(messages(status=MessageStatus.QUEUED)) == 1  # the thanks
    assert reminders.unsubscribe(person) is True
    db.session.expire_all()
    assert db.session.get(Member, person.id).consent_contact is False
    assert messages(status=MessageStatus.QUEUED) == []
    assert {m.cancel_reason for m in messages()} >= {"unsubscribed"}
    [event] = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == AuditAction.UNSUBSCRIBE)).all()
    assert (event.actor_id, event.entity_id, event.club_id) == (None, person.id, club.id)
    assert (event.before, event.after) == ({"consent_contact": True},
                                           {"consent_contact": False})
    assert reminders.unsubscribe(db.session.get(Member, person.id)) is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == AuditAction.UNSUBSCRIBE)) == 1


# --- The last check before sending


def test_reasons_not_to_send_a_queued_message(club, coordinator):
    person = member(club, "0001", donated=[date(2025, 3, 20)])
    db.session.commit()
    reminders.queue_eligible_again(now=NOW)
    drive = blood_drive(club)
    drives.invite_members(coordinator, drive, [person.id], today=TODAY, send_messages=True)
    certificate = certificates.issue_certificate(coordinator, person, "donations-1",
                                                 today=TODAY)
    eligible, invitation, announcement = messages()
    assert [reminders.reason_not_to_send(m, NOW) for m in messages()] == [None, None, None]
    assert reminders.reason_not_to_send(invitation, datetime(2025, 10, 15, 15, 59, tzinfo=UTC)
                                        ) is None  # 23:59 on the day in Shanghai
    assert reminders.reason_not_to_send(invitation, datetime(2025, 10, 15, 16, tzinfo=UTC)
                                        ) == "the drive's day has passed"
    certificates.revoke_certificate(coordinator, certificate, "Wrong name")
    assert reminders.reason_not_to_send(announcement, NOW) == "the certificate was revoked"

    factories.make_deferral(person, TODAY, date(2025, 12, 1))
    db.session.expire_all()
    assert reminders.reason_not_to_send(eligible, NOW) == "deferred"
    db.session.delete(person.deferrals[0])
    thanked = donations.record_donation(coordinator, person, donated_on=TODAY,
                                        kind="whole_blood", volume_ml=400, today=TODAY)
    thanks = messages(MessageKind.DONATION_THANKS)[0]
    eligible.status = MessageStatus.SENDING  # claimed before the donation: not cancelled
    db.session.expire_all()
    assert reminders.reason_not_to_send(eligible, NOW) == "no longer eligible"
    assert reminders.reason_not_to_send(thanks, NOW) is None
    donations.void_donation(coordinator, thanked, "Entered twice")
    assert reminders.reason_not_to_send(thanks, NOW) == "the donation was voided"

    person = db.session.get(Member, person.id)
    person.status = MemberStatus.LEFT
    assert reminders.reason_not_to_send(invitation, NOW) == "member left"
    person.status, person.consent_contact = MemberStatus.ACTIVE, False
    assert reminders.reason_not_to_send(invitation, NOW) == "consent withdrawn"


def test_withdrawing_consent_or_leaving_in_the_forms_cancels_queued_messages_at_once(
        club, coordinator):
    from donorclub.services import member_editing, outbox, portal

    first, second = member(club, "0001"), member(club, "0002")
    user = factories.make_user("donor0002@example.org", Role.MEMBER, member=second)
    for person in (first, second):
        assert outbox.enqueue(person, message_drafts.draft_for(
            person, MessageKind.ELIGIBLE_AGAIN, kind="whole_blood", since=TODAY))
    db.session.commit()
    data = member_editing.MemberInput(
        full_name=first.full_name, sex=first.sex.value, date_of_birth=first.date_of_birth,
        joined_on=first.joined_on, email=first.email, member_no=first.member_no,
        consent_contact=True, status=MemberStatus.ACTIVE.value)
    member_editing.update_member(coordinator, first, data, today=TODAY)
    assert [m.status for m in messages()] == [MessageStatus.QUEUED] * 2  # nothing withdrawn
    member_editing.update_member(
        coordinator, first, member_editing.MemberInput(
            **{**data.__dict__, "status": MemberStatus.LEFT.value}), today=TODAY)
    portal.update_own_details(user, phone="", email=second.email, locale="",
                              consent_contact=False, consent_public_verification=False,
                              consent_leaderboard=False)
    assert [(m.status, m.cancel_reason) for m in messages()] == [
        (MessageStatus.CANCELLED, "member left"), (MessageStatus.CANCELLED, "consent withdrawn")]
