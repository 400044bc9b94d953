"""No N+1: each page sends as many SQL statements after its data grows (forty more donations
for one member, a dozen more members with histories for a club) as before.

Each test builds a small world in which every section has a row, counts the statements a
request sends (after a warm-up request, so caches that fill on the first one are not
counted), grows the data, and counts again. The counts must be equal: a page that loads rows
one by one in a loop fails, naming the page and listing its statements."""
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest

from donorclub.domain.enums import (
    DonationKind,
    DriveKind,
    MessageChannel,
    MessageKind,
    MessageStatus,
)
from donorclub.extensions import db
from donorclub.models import Deferral, Donation, Drive, DriveParticipant, OutboxMessage
from donorclub.services import certificates, members
from donorclub.services.accounts import issue_api_token

from .. import factories
from ..querycount import counting

TODAY = date.today()
MORE_MEMBERS = 12
LONG_HISTORY = 40
_keys = count()


def statements_for(client, url: str, headers: dict | None = None):
    """The statements one GET sends; the request must succeed."""
    with counting(db.engine) as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, f"{url}: {response.get_data(as_text=True)[:500]}"
    return statements


def assert_no_growth(pages: dict, grow) -> dict[str, int]:
    """Each page (a name -> (client, url, headers)) sends exactly as many statements after
    `grow()` as before it; returns the counts before."""
    for client, url, headers in pages.values():
        statements_for(client, url, headers)
    before = {name: statements_for(*page) for name, page in pages.items()}
    grow()
    db.session.commit()
    after = {name: statements_for(*page) for name, page in pages.items()}
    grown = [f"{name} ({pages[name][1]}): {len(before[name])} statements before, "
             f"{len(after[name])} after the data grew\nbefore:\n{before[name]}\n"
             f"after:\n{after[name]}" for name in pages if len(after[name]) != len(before[name])]
    assert not grown, "\n\n".join(grown)
    return {name: len(statements) for name, statements in before.items()}


def message(member, subject: str = "Thank you") -> OutboxMessage:
    row = OutboxMessage(
        club_id=member.club_id, member_id=member.id, kind=MessageKind.DONATION_THANKS,
        channel=MessageChannel.EMAIL, recipient="donor@example.org", locale="en",
        subject=subject, body="Thank you for giving blood.", context={},
        dedupe_key=f"qc-{next(_keys)}", status=MessageStatus.SENT,
        created_at=datetime.now(UTC), sent_at=datetime.now(UTC))
    db.session.add(row)
    db.session.flush()
    return row


def give_history(member, donations: int, *, start: date = TODAY - timedelta(days=60),
                 drive: Drive | None = None):
    """`donations` donations going back from `start`, 100 days apart, whole blood and
    platelets in turn; a past deferral; a registry referral with its stages and a volunteer
    shift for every ten donations (at least one), the referrals made at `drive` if given;
    and a sent message."""
    for n in range(donations):
        day = start - timedelta(days=100 * n)
        platelets = n % 2 == 1
        db.session.add(Donation(
            member=member, donated_on=day, site="Central blood station",
            kind=DonationKind.PLATELETS if platelets else DonationKind.WHOLE_BLOOD,
            volume_ml=250 if platelets else 400, therapeutic_units=1 if platelets else None))
    first = start - timedelta(days=100 * donations)
    db.session.add(Deferral(member=member, reason_code="tattoo", starts_on=first,
                            ends_on=first + timedelta(days=30)))
    for n in range(max(1, donations // 10)):
        day = first + timedelta(days=100 * n)
        referral = factories.make_referral(
            member, [("referred", day), ("consented", day), ("listed", day + timedelta(40))],
            referred_on=day)
        referral.drive_id = drive.id if drive is not None else None
        factories.make_service(member, day, 2.5)
    message(member)


def add_members(club, coordinator, n: int = MORE_MEMBERS, *, drive: Drive | None = None):
    """`n` more members of the club, each with a history, a certificate (and its message)
    and, given a drive, signed up for it."""
    made = [factories.make_member(club, f"9{i:03d}", f"Donor {i:03d}", phone=f"1390000{i:04d}")
            for i in range(n)]
    for member in made:
        give_history(member, 3, drive=drive)
        if drive is not None:
            db.session.add(DriveParticipant(drive_id=drive.id, member_id=member.id,
                                            signed_up_on=TODAY, attended=False, note=""))
    db.session.commit()
    certificates.issue_due(coordinator, club, today=TODAY, member_ids=[m.id for m in made])


@pytest.fixture
def small(world):
    """The world's member A with one donation, a deferral, a referral made at a drive, a
    volunteer shift, a message, a certificate and a place at that drive, so every section of
    the pages has something to show before the data grows; returns the certificate and the
    drive."""
    drive = Drive(club_id=world.club_a.id, held_on=TODAY + timedelta(days=7), place="Library",
                  kind=DriveKind.BLOOD)
    db.session.add(drive)
    db.session.flush()
    give_history(world.member_a, 1, drive=drive)
    db.session.add(DriveParticipant(drive_id=drive.id, member_id=world.member_a.id,
                                    signed_up_on=TODAY, attended=False, note=""))
    db.session.commit()
    certificate = certificates.issue_certificate(world.coordinator_a, world.member_a,
                                                 "donations-1", today=TODAY)
    return certificate, drive


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {issue_api_token(None, user, label='query counts')}"}


def test_a_members_pages_send_no_more_statements_as_their_history_grows(
        app, signed_in, world, small):
    certificate, _drive = small
    staff, member, anyone = signed_in("coordinator_a"), signed_in("member_user"), app.test_client()
    token = bearer(world.coordinator_a)
    member_id = world.member_a.id
    assert_no_growth({
        "member page": (staff, f"/clubs/club-a/members/{member_id}", None),
        "portal home": (member, "/me/", None),
        "eligibility API, one member": (anyone, f"/api/v1/members/{member_id}/eligibility",
                                        token),
        "verification page": (anyone, f"/verify/{certificate.serial}", None),
        "club dashboard": (staff, "/clubs/club-a/dashboard", None),
    }, lambda: give_history(world.member_a, LONG_HISTORY, start=TODAY - timedelta(days=70)))


def test_a_clubs_list_pages_send_no_more_statements_as_members_are_added(
        app, signed_in, world, small):
    _certificate, drive = small
    staff, anyone = signed_in("coordinator_a"), app.test_client()
    token = bearer(world.coordinator_a)
    on = (TODAY + timedelta(days=150)).isoformat()  # when the histories' last gift is past
    assert_no_growth({
        "member list": (staff, "/clubs/club-a/members/", None),
        "member search": (staff, "/clubs/club-a/members/?q=1390000", None),
        "member list, filtered": (staff, "/clubs/club-a/members/?has_referral=y&sort=name",
                                  None),
        "member list, eligible on a day": (
            staff, f"/clubs/club-a/members/?eligible_kind=whole_blood&eligible_on={on}", None),
        "club dashboard": (staff, "/clubs/club-a/dashboard", None),
        "who can donate": (staff, f"/clubs/club-a/eligible?kind=whole_blood&date={on}", None),
        "eligibility API, a club": (anyone, f"/api/v1/clubs/club-a/eligible?kind=whole_blood"
                                            f"&on={on}", token),
        "drive page": (staff, f"/clubs/club-a/drives/{drive.id}", None),
        "certificates list": (staff, "/clubs/club-a/certificates/", None),
        "certificates, filtered": (
            staff, f"/clubs/club-a/certificates/?status=valid&issued_on={TODAY}", None),
        "message log": (staff, "/clubs/club-a/messages/", None),
        "message log, filtered": (staff, "/clubs/club-a/messages/?status=sent&channel=email",
                                  None),
    }, lambda: add_members(world.club_a, world.coordinator_a, drive=drive))


def test_the_check_fails_for_a_page_that_loads_each_members_rows_on_its_own(
        signed_in, world, small, monkeypatch):
    real = members.list_members

    def one_by_one(*args, **kwargs):
        page = real(*args, **kwargs)
        for member in page.items:
            len(member.donations)  # a lazy load per member listed: the N+1 to catch
        return page

    monkeypatch.setattr(members, "list_members", one_by_one)
    with pytest.raises(AssertionError, match=r"member list .*: 8 statements before, 12 after"):
        assert_no_growth({"member list": (signed_in("coordinator_a"), "/clubs/club-a/members/",
                                          None)},
                         lambda: add_members(world.club_a, world.coordinator_a, 4))
