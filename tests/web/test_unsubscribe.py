"""The unsubscribe link of every message: public, without a CSRF token (RFC 8058 one-click
POSTs from mail clients), showing nothing about the member beyond a masked name."""
import uuid

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import (
    AuditAction,
    BloodGroup,
    MessageChannel,
    MessageKind,
    MessageStatus,
)
from donorclub.extensions import db
from donorclub.models import AuditEvent, Member, OutboxMessage
from donorclub.services import reminders

from .. import factories


@pytest.fixture
def app(make_app):
    """CSRF on, as in production: the page must work without a token. Each test has its own
    rate-limit counters (Flask-Limiter's memory storage outlives apps)."""
    app = make_app(WTF_CSRF_ENABLED=True, BASE_URL="https://donors.example.org",
                   RATELIMIT_KEY_PREFIX=f"unsubscribe-{uuid.uuid4().hex}")
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def member(app):
    club = factories.make_club("club-a", "Anshan Steel Donors", locale="en")
    member = factories.make_member(club, "0007", "郭明义", phone="13900000007")
    member.email, member.consent_contact, member.locale = "guo@example.org", True, "en"
    member.blood_group = BloodGroup.AB_NEG
    for status, key in ((MessageStatus.QUEUED, "q1"), (MessageStatus.QUEUED, "q2"),
                        (MessageStatus.SENT, "s1")):
        db.session.add(OutboxMessage(
            club_id=club.id, member_id=member.id, kind=MessageKind.DONATION_THANKS,
            channel=MessageChannel.EMAIL, recipient=member.email, locale="en",
            subject="Thank you", body="...", context={}, dedupe_key=key, status=status))
    db.session.commit()
    return member


def path_of(member) -> str:
    url = reminders.unsubscribe_url(member)
    assert url.startswith("https://donors.example.org/unsubscribe/")
    return url.removeprefix("https://donors.example.org")


def current(member) -> Member:
    db.session.expire_all()
    return db.session.get(Member, member.id)


def statuses(member) -> list[str]:
    return sorted(m.status.value for m in db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.member_id == member.id)))


def unsubscribe_events() -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == AuditAction.UNSUBSCRIBE)))


def test_the_page_names_the_club_and_a_masked_name_only(client, member):
    response = client.get(path_of(member))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Anshan Steel Donors" in page and "郭*义" in page and "Stop messages" in page
    for private in ("郭明义", "AB-", "13900000007", "guo@example.org", "0007"):
        assert private not in page
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]
    assert current(member).consent_contact  # looking changes nothing


def test_the_button_stops_the_messages_cancels_the_queue_and_is_audited(client, member):
    path = path_of(member)
    page = client.get(path).get_data(as_text=True)
    assert 'method="post"' in page and "csrf_token\" value" not in page.split("<main")[1]
    response = client.post(path)  # the page's own button: no token, CSRF is on
    assert response.status_code == 200
    assert ("You will get no more messages from Anshan Steel Donors. A coordinator or your "
            "portal settings can turn them back on.") in response.get_data(as_text=True)
    assert not current(member).consent_contact
    assert statuses(member) == ["cancelled", "cancelled", "sent"]
    [event] = unsubscribe_events()
    assert event.actor_id is None and event.entity_id == member.id
    assert event.before == {"consent_contact": True} and event.after == {"consent_contact": False}

    again = client.post(path)
    assert again.status_code == 200
    assert "You already get no messages from Anshan Steel Donors" in again.get_data(as_text=True)
    assert len(unsubscribe_events()) == 1
    page = client.get(path).get_data(as_text=True)
    assert "You already get no messages" in page and "Stop messages</button>" not in page


def test_a_mail_clients_one_click_post_works_without_a_token(app, member):
    response = app.test_client().post(path_of(member), data={"List-Unsubscribe": "One-Click"},
                                      headers={"User-Agent": "Mail client"})
    assert response.status_code == 200
    assert not current(member).consent_contact
    assert statuses(member) == ["cancelled", "cancelled", "sent"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_cut_token_is_a_clear_404_and_changes_nothing(client, member, method):
    real = path_of(member)
    other = factories.make_member(member.club, "0008", "Other")
    db.session.commit()
    signature_of_other = reminders.unsubscribe_token(other).split(".")[-1]
    forged = [real[:-3],  # cut short when copied
              real.rsplit(".", 1)[0] + "." + signature_of_other,  # someone else's signature
              "/unsubscribe/WzFd.not-a-signature", "/unsubscribe/" + "x" * 500]
    for path in forged:
        response = getattr(client, method)(path, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 404, path
        assert "This unsubscribe link is not valid" in response.get_data(as_text=True)
    assert current(member).consent_contact and unsubscribe_events() == []
    assert statuses(member) == ["queued", "queued", "sent"]


def test_the_page_speaks_the_members_language_until_the_visitor_chooses(client, member):
    member.locale = "zh_Hans"
    db.session.commit()
    path = path_of(member)
    assert 'lang="zh-Hans"' in client.get(path).get_data(as_text=True)
    page = client.get("/auth/login").get_data(as_text=True)  # any page: a switcher token
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    chosen = client.post("/language", data={"locale": "en", "next": path, "csrf_token": token})
    assert chosen.status_code == 303 and chosen.headers["Location"].endswith(path)
    assert '<html lang="en">' in client.get(path).get_data(as_text=True)


def test_the_page_is_rate_limited_like_verification(make_app):
    app = make_app(VERIFY_RATE_LIMIT="2 per minute",
                   RATELIMIT_KEY_PREFIX=f"unsubscribe-{uuid.uuid4().hex}")
    with app.app_context():
        club = factories.make_club()
        member = factories.make_member(club)
        db.session.commit()
        path = "/unsubscribe/" + reminders.unsubscribe_token(member)
        client = app.test_client()
        assert [client.get(path).status_code for _ in range(3)] == [200, 200, 429]
        db.session.remove()
