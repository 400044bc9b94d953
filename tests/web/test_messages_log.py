"""The coordinators' message log (list, filters, one message, retry and cancel), the member
page's messages box, each club's quiet hours and a member's preferred kind."""
from datetime import UTC, date, datetime, time, timedelta
from itertools import count

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import (
    AuditAction,
    DonationKind,
    MessageChannel,
    MessageKind,
    MessageStatus,
    Role,
)
from donorclub.extensions import db
from donorclub.models import AuditEvent, Club, Member, OutboxMessage
from donorclub.models.types import as_utc
from donorclub.services import member_editing, message_log
from donorclub.services.errors import InvalidInput

from .. import factories

_keys = count()


def message(member, *, status=MessageStatus.QUEUED, kind=MessageKind.DONATION_THANKS,
            channel=MessageChannel.EMAIL, subject="Thank you", created_at=None, **values):
    row = OutboxMessage(
        club_id=member.club_id, member_id=member.id, kind=kind, channel=channel,
        recipient=values.pop("recipient", "donor@example.org"), locale="en", subject=subject,
        body=values.pop("body", "Thank you for giving blood."), context={},
        dedupe_key=f"test-{next(_keys)}", status=status,
        created_at=created_at or datetime.now(UTC), **values)
    db.session.add(row)
    db.session.flush()
    return row


def fresh(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def events_about(row) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == row.__tablename__, AuditEvent.entity_id == row.id)))


# --- the list ----------------------------------------------------------------------------

def test_the_log_shows_the_clubs_messages_newest_first_with_counts(signed_in, world):
    now = datetime.now(UTC)
    message(world.member_a, subject="Older thanks", status=MessageStatus.SENT, sent_at=now,
            created_at=now - timedelta(hours=2))
    message(world.member_a, subject="Newer invitation", kind=MessageKind.DRIVE_INVITATION,
            created_at=now - timedelta(hours=1))
    message(world.member_a, subject="Bounced", status=MessageStatus.FAILED, attempts=8,
            last_error="550 5.1.1 mailbox unknown\nmore detail", created_at=now)
    message(world.member_b, subject="Club B only")
    db.session.commit()
    response = signed_in("coordinator_a").get("/clubs/club-a/messages/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.index("Bounced") < page.index("Newer invitation") < page.index("Older thanks")
    assert "Club B only" not in page
    assert "550 5.1.1 mailbox unknown" in page and "more detail" not in page  # short error
    assert "8 attempts" in page and "王秀英" in page
    counts = message_log.counts(world.club_a)
    assert (counts.queued, counts.sent_today, counts.failed_recently) == (1, 1, 1)
    assert "No message leaves between 21:00 and 08:00." in page
    assert "Asia/Shanghai" in page


def test_times_are_shown_in_the_clubs_time_zone(signed_in, world):
    message(world.member_a, created_at=datetime(2025, 3, 1, 23, 30, tzinfo=UTC))
    db.session.commit()
    page = signed_in("coordinator_a").get("/clubs/club-a/messages/").get_data(as_text=True)
    assert "2025-03-02 07:30" in page  # Shanghai is eight hours ahead


FILTERS = [
    ({"status": "failed"}, {"failed email"}),
    ({"kind": "drive_invitation"}, {"invitation"}),
    ({"channel": "webhook"}, {"webhook"}),
    ({"member": "0002"}, {"to Li"}),
    ({"member": "建"}, {"to Li"}),
    ({"member": "%"}, set()),  # a literal character, not a wildcard
    ({"since": "2025-03-02", "until": "2025-03-02"}, {"invitation"}),
    ({"since": "2025-03-03"}, {"failed email", "webhook", "to Li"}),
    ({"status": "queued", "until": "2025-03-04"}, {"thanks", "invitation", "webhook"}),
]


def test_filters_narrow_the_log(signed_in, world):
    li = factories.make_member(world.club_a, "0002", "李建国")
    day = datetime(2025, 3, 1, 4, 0, tzinfo=UTC)  # noon in Shanghai
    message(world.member_a, subject="thanks", created_at=day)
    message(world.member_a, subject="invitation", kind=MessageKind.DRIVE_INVITATION,
            created_at=day + timedelta(days=1))
    message(world.member_a, subject="failed email", status=MessageStatus.FAILED,
            created_at=day + timedelta(days=2))
    message(world.member_a, subject="webhook", channel=MessageChannel.WEBHOOK,
            recipient="13900000001", created_at=day + timedelta(days=3))
    message(li, subject="to Li", created_at=day + timedelta(days=4))
    db.session.commit()
    client = signed_in("coordinator_a")
    subjects = {"thanks", "invitation", "failed email", "webhook", "to Li"}
    for query, shown in FILTERS:
        page = client.get("/clubs/club-a/messages/", query_string=query).get_data(as_text=True)
        assert {s for s in subjects if f">{s}</a>" in page} == shown, query


def test_a_backwards_date_range_is_a_field_error(signed_in, world):
    response = signed_in("coordinator_a").get(
        "/clubs/club-a/messages/", query_string={"since": "2025-03-05", "until": "2025-03-01"})
    assert response.status_code == 422
    assert "Choose a day on or after the first one." in response.get_data(as_text=True)


def test_the_log_is_paginated_and_loads_no_row_by_row(app, signed_in, world):
    for n in range(message_log.PER_PAGE + 1):
        message(world.member_a, subject=f"n{n}",
                created_at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=n))
    db.session.commit()
    client = signed_in("coordinator_a")
    first = client.get("/clubs/club-a/messages/").get_data(as_text=True)
    assert "Page 1 of 2" in first and ">n50</a>" in first and ">n0</a>" not in first
    second = client.get("/clubs/club-a/messages/?page=2").get_data(as_text=True)
    assert ">n0</a>" in second

    statements = []

    def remember(_connection, _cursor, statement, *_args):
        statements.append(statement)

    club = db.session.get(Club, world.club_a.id)
    sa.event.listen(db.engine, "before_cursor_execute", remember)
    try:
        seen = {}
        for size in (3, 40):
            statements.clear()
            rows = message_log.list_messages(club, per_page=size).items
            assert len([(m.member.full_name, m.created_by) for m in rows]) == size
            seen[size] = len(statements)
        assert seen[3] == seen[40], statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", remember)


# --- one message, retry and cancel -------------------------------------------------------

def test_the_message_page_shows_what_was_sent_and_its_timeline(signed_in, world):
    sent = message(world.member_a, status=MessageStatus.SENT, attempts=2,
                   subject="Thank you, 王秀英", body="Your donation on 1 March...\nTotal: 3",
                   last_error="421 try later", sent_at=datetime(2025, 3, 1, 2, 0, tzinfo=UTC),
                   created_at=datetime(2025, 3, 1, 1, 0, tzinfo=UTC),
                   created_by_id=world.coordinator_a.id)
    db.session.commit()
    page = signed_in("coordinator_a").get(
        f"/clubs/club-a/messages/{sent.id}").get_data(as_text=True)
    assert "Thank you, 王秀英" in page and "Your donation on 1 March...\nTotal: 3" in page
    assert "donor@example.org" in page and "coord-a" in page  # who queued it
    assert "2025-03-01 09:00" in page and "2025-03-01 10:00" in page
    assert "421 try later" in page and "2 attempts to send it" in page
    assert "Send again" not in page and "Do not send" not in page


def test_others_get_404_and_change_nothing(signed_in, world):
    failed = message(world.member_a, status=MessageStatus.FAILED)
    db.session.commit()
    base = "/clubs/club-a/messages/"
    for who in ("coordinator_b", "member_user"):
        client = signed_in(who)
        for method, url in (("get", base), ("get", f"{base}{failed.id}"),
                            ("post", f"{base}{failed.id}/retry"),
                            ("post", f"{base}{failed.id}/cancel")):
            response = getattr(client, method)(url, data={"reason": "no"})
            assert response.status_code == 404, (who, method, url)
    assert fresh(failed).status == MessageStatus.FAILED and events_about(failed) == []


def test_visitors_are_sent_to_sign_in(client, world):
    failed = message(world.member_a, status=MessageStatus.FAILED)
    db.session.commit()
    response = client.post(f"/clubs/club-a/messages/{failed.id}/retry")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/clubs/club-a/messages/").status_code == 302


def test_a_message_of_another_club_is_not_found_under_this_one(signed_in, world):
    theirs = message(world.member_b)
    db.session.commit()
    response = signed_in("admin").get(f"/clubs/club-a/messages/{theirs.id}")
    assert response.status_code == 404


def test_a_failed_message_is_queued_again_now_and_audited(signed_in, world):
    failed = message(world.member_a, status=MessageStatus.FAILED, attempts=8,
                     last_error="550 no such user", next_attempt_at=datetime(2025, 1, 1,
                                                                           tzinfo=UTC))
    db.session.commit()
    client = signed_in("coordinator_a")
    response = client.post(f"/clubs/club-a/messages/{failed.id}/retry")
    assert response.status_code == 302
    again = fresh(failed)
    assert again.status == MessageStatus.QUEUED and again.attempts == 0
    assert again.last_error == "550 no such user"  # kept for the record
    assert abs(as_utc(again.next_attempt_at) - datetime.now(UTC)) < timedelta(minutes=1)
    [event] = events_about(failed)
    assert event.actor_id == world.coordinator_a.id and event.action == AuditAction.UPDATE
    assert event.before == {"status": "failed", "attempts": 8}
    assert event.after == {"status": "queued", "attempts": 0}
    assert event.club_id == world.club_a.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "queued again" in page.lower() and "Do not send" in page

    # Only a failed message can be retried: a second click changes nothing.
    response = client.post(f"/clubs/club-a/messages/{failed.id}/retry", follow_redirects=True)
    assert "Only a failed message can be sent again." in response.get_data(as_text=True)
    assert len(events_about(failed)) == 1


def test_a_queued_message_is_cancelled_with_a_reason_and_audited(signed_in, world):
    queued = message(world.member_a)
    db.session.commit()
    client = signed_in("coordinator_a")
    refused = client.post(f"/clubs/club-a/messages/{queued.id}/cancel", data={"reason": " "})
    assert refused.status_code == 422 and "This field is required." in refused.get_data(
        as_text=True)
    assert fresh(queued).status == MessageStatus.QUEUED
    response = client.post(f"/clubs/club-a/messages/{queued.id}/cancel",
                           data={"reason": "She asked us by phone to wait"})
    assert response.status_code == 302
    stopped = fresh(queued)
    assert stopped.status == MessageStatus.CANCELLED
    assert stopped.cancel_reason == "She asked us by phone to wait"
    [event] = events_about(queued)
    assert event.after == {"status": "cancelled", "cancel_reason": "She asked us by phone to wait"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reason: She asked us by phone to wait" in page and "Send again" not in page


def test_only_a_queued_message_can_be_cancelled(signed_in, world):
    client = signed_in("coordinator_a")
    for status in (MessageStatus.SENT, MessageStatus.SENDING, MessageStatus.CANCELLED,
                   MessageStatus.FAILED):
        row = message(world.member_a, status=status)
        db.session.commit()
        response = client.post(f"/clubs/club-a/messages/{row.id}/cancel",
                               data={"reason": "too late"}, follow_redirects=True)
        assert "Only a message still waiting in the queue can be stopped." in \
            response.get_data(as_text=True)
        assert fresh(row).status == status and events_about(row) == []


def test_retry_and_cancel_need_their_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        club = factories.make_club()
        member = factories.make_member(club)
        factories.make_user("c@example.org", Role.COORDINATOR, clubs=[club])
        failed = message(member, status=MessageStatus.FAILED)
        db.session.commit()
        client = app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/auth/login", data={"email": "c@example.org",
                                         "password": factories.PASSWORD, "csrf_token": token})
        assert client.post(f"/clubs/club-a/messages/{failed.id}/retry").status_code == 400
        assert fresh(failed).status == MessageStatus.FAILED
        db.session.remove()


# --- the member page ---------------------------------------------------------------------

def test_the_member_page_shows_the_last_five_messages_consent_and_preferred_kind(
        signed_in, world):
    member = db.session.get(Member, world.member_a.id)
    member.consent_contact, member.preferred_kind = True, DonationKind.PLATELETS
    for n in range(7):
        message(member, subject=f"s{n}", kind=MessageKind.ELIGIBLE_AGAIN,
                created_at=datetime(2025, 1, 1 + n, tzinfo=UTC))
    db.session.commit()
    page = signed_in("coordinator_a").get(
        f"/clubs/club-a/members/{member.id}").get_data(as_text=True)
    box = page[page.index('id="messages-heading"'):page.index('id="trail-heading"')]
    assert box.count("You can donate again") == 5
    assert "2025-01-07 08:00" in box and "2025-01-02 08:00" not in box
    assert "/clubs/club-a/messages/?member=0001" in box
    assert "agreed to be contacted" in box
    assert "Preferred kind for reminders" in page and "Platelets" in page


# --- quiet hours -------------------------------------------------------------------------

CLUB_FORM = {"name": "Anshan Steel Donors", "rule_set": "cn", "locale": "en",
             "timezone": "Asia/Shanghai"}


BAD_QUIET_HOURS = [
    ({"quiet_from": "22:00", "quiet_until": ""}, "quiet_until", "Enter when the quiet hours end"),
    ({"quiet_from": "", "quiet_until": "07:00"}, "quiet_from", "Enter when the quiet hours begin"),
    ({"quiet_from": "22:00", "quiet_until": "22:00"}, "quiet_until", "must end at another time"),
    ({"quiet_from": "25:00", "quiet_until": "07:00"}, "quiet_from", "Not a valid time value"),
]


def test_quiet_hours_need_two_different_times(signed_in, world):
    client = signed_in("admin")
    for times, field, message_text in BAD_QUIET_HOURS:
        response = client.post("/admin/clubs/club-a/edit", data={**CLUB_FORM, **times})
        assert response.status_code == 422, times
        page = response.get_data(as_text=True)
        assert message_text in page
        control = page.split(f'name="{field}"')[0].rsplit("<input", 1)[1]
        assert 'aria-invalid="true"' in control
    club = db.session.get(Club, world.club_a.id)
    db.session.refresh(club)
    assert (club.quiet_from, club.quiet_until) == (time(21, 0), time(8, 0))
    assert db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "clubs")).all() == []
    # A new club gets the default quiet hours; leaving both empty means none.
    assert client.post("/admin/clubs/new", data={**CLUB_FORM, "slug": "harbour",
                                                 "quiet_from": "", "quiet_until": ""}
                       ).status_code == 302
    harbour = db.session.scalar(sa.select(Club).where(Club.slug == "harbour"))
    assert harbour.quiet_from is None and harbour.quiet_until is None
    assert 'value="21:00"' in client.get("/admin/clubs/new").get_data(as_text=True)


def test_quiet_hours_are_saved_audited_and_shown(signed_in, world):
    client = signed_in("admin")
    edit = client.get("/admin/clubs/club-a/edit").get_data(as_text=True)
    assert 'value="21:00"' in edit and 'value="08:00"' in edit
    response = client.post("/admin/clubs/club-a/edit",
                           data={**CLUB_FORM, "quiet_from": "22:30", "quiet_until": "07:00"})
    assert response.status_code == 302
    club = db.session.get(Club, world.club_a.id)
    db.session.refresh(club)
    assert (club.quiet_from, club.quiet_until) == (time(22, 30), time(7, 0))
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "clubs", AuditEvent.action == AuditAction.UPDATE)).one()
    assert event.after["quiet_from"] == "22:30:00" and event.before["quiet_from"] == "21:00:00"
    log = signed_in("coordinator_a").get("/clubs/club-a/messages/").get_data(as_text=True)
    assert "No message leaves between 22:30 and 07:00." in log

    client.post("/admin/clubs/club-a/edit",
                data={**CLUB_FORM, "quiet_from": "", "quiet_until": ""})
    db.session.refresh(club)
    assert club.quiet_from is None and club.quiet_until is None
    log = signed_in("coordinator_a").get("/clubs/club-a/messages/").get_data(as_text=True)
    assert "No quiet hours" in log


# --- preferred kind ----------------------------------------------------------------------

def member_form(**changes):
    return {"full_name": "王秀英", "sex": "female", "date_of_birth": "1985-03-02",
            "member_no": "0001", "joined_on": "2020-01-01", "status": "active",
            "phone": "13900000001", **changes}


def test_a_coordinator_sets_the_preferred_kind_from_the_clubs_kinds(signed_in, world):
    client = signed_in("coordinator_a")
    url = f"/clubs/club-a/members/{world.member_a.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="platelets"' in form and 'value="plasma"' not in form  # cn: two kinds
    assert "The kind of their last donation" in form
    response = client.post(url, data=member_form(preferred_kind="platelets"))
    assert response.status_code == 302
    member = fresh(world.member_a)
    assert member.preferred_kind == DonationKind.PLATELETS
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "members", AuditEvent.action == AuditAction.UPDATE)).one()
    assert event.after == {"preferred_kind": "platelets"} and event.before == {
        "preferred_kind": None}
    assert 'selected value="platelets"' in client.get(url).get_data(as_text=True)

    assert client.post(url, data=member_form(preferred_kind="plasma")).status_code == 422
    assert fresh(world.member_a).preferred_kind == DonationKind.PLATELETS
    assert client.post(url, data=member_form(preferred_kind="")).status_code == 302
    assert fresh(world.member_a).preferred_kind is None


def test_the_service_refuses_a_kind_outside_the_rule_set_and_keeps_it_when_not_asked(world):
    data = member_editing.MemberInput(
        full_name="王秀英", sex="female", date_of_birth=date(1985, 3, 2),
        joined_on=date(2020, 1, 1), member_no="0001", phone="13900000001",
        preferred_kind="double_red")
    with pytest.raises(InvalidInput) as refused:
        member_editing.update_member(world.coordinator_a, world.member_a, data,
                                     today=date.today())
    assert "preferred_kind" in refused.value.fields
    db.session.rollback()
    member = fresh(world.member_a)
    member.preferred_kind = DonationKind.PLATELETS
    db.session.commit()
    data.preferred_kind = None  # as the API sends it: the field is not offered there
    member_editing.update_member(world.coordinator_a, member, data,
                                 today=date.today())
    assert fresh(member).preferred_kind == DonationKind.PLATELETS


def test_a_member_chooses_their_preferred_kind_in_the_portal(signed_in, world):
    client = signed_in("member_user")
    form = client.get("/me/details").get_data(as_text=True)
    assert "The kind of my last donation" in form and 'value="platelets"' in form
    response = client.post("/me/details", data={
        "phone": "13900000001", "email": "", "locale": "", "consent_contact": "y",
        "preferred_kind": "platelets"})
    assert response.status_code == 302
    assert fresh(world.member_a).preferred_kind == DonationKind.PLATELETS
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "members", AuditEvent.action == AuditAction.UPDATE)).one()
    assert event.actor_id == world.member_user.id
    assert event.after["preferred_kind"] == "platelets"
    refused = client.post("/me/details", data={"phone": "13900000001",
                                               "preferred_kind": "double_red"})
    assert refused.status_code == 422
    assert fresh(world.member_a).preferred_kind == DonationKind.PLATELETS
