"""The member's own pages, and the personal status link a coordinator hands out on a card."""
import io
from datetime import date, timedelta

import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp

from donorclub.domain.enums import AuditAction
from donorclub.domain.masking import given_name
from donorclub.domain.serials import new_serial
from donorclub.extensions import db
from donorclub.models import AuditEvent, Certificate, Member, Referral

from .. import factories


def _certificate(member, award_code="donations-1", revoked=False) -> Certificate:
    certificate = Certificate(serial=new_serial(), member_id=member.id, award_code=award_code,
                              title="献血1次", language="zh_Hans", reached_on=date(2025, 1, 1),
                              figures={"count": 1, "total_ml": 400}, issued_on=date(2025, 1, 2))
    if revoked:
        from datetime import UTC, datetime
        certificate.revoked_at, certificate.revoke_reason = datetime.now(UTC), "wrong member"
    db.session.add(certificate)
    db.session.commit()
    return certificate


@pytest.mark.parametrize(("name", "first"), [
    ("张伟", "伟"), ("郭明义", "明义"), ("欧阳娜娜", "娜娜"), ("司马光", "光"), ("张 伟", "伟"),
    ("李", "李"), ("Sam Lee", "Sam"), ("  Anna  Maria Smith ", "Anna"), ("", ""),
])
def test_a_referrer_sees_only_a_candidates_given_name(name, first):
    assert given_name(name) == first


def test_the_member_sees_when_they_may_give_next_in_a_sentence(signed_in, world):
    last = date.today() - timedelta(days=30)
    factories.make_donation(world.member_a, last, volume_ml=400)
    db.session.commit()
    page = signed_in("member_user").get("/me/").get_data(as_text=True)
    assert "When can I donate next?" in page
    assert "You can give whole blood again from" in page
    assert "You can give platelets again from" in page or "You can give platelets today" in page
    assert "/rules/cn" in page  # what the rule is, with its sources


def test_the_overview_shows_totals_progress_certificates_and_referrals(signed_in, world):
    for n in range(3):
        factories.make_donation(world.member_a, date(2023, 1, 5) + timedelta(days=200 * n),
                                volume_ml=400)
    valid = _certificate(world.member_a)
    revoked = _certificate(world.member_a, "donations-5", revoked=True)
    db.session.add(Referral(club_id=world.club_a.id, referrer_id=world.member_a.id,
                            candidate_name="刘小雨", registry_code="cmdp",
                            referred_on=date(2025, 2, 1)))
    db.session.commit()
    page = signed_in("member_user").get("/me/").get_data(as_text=True)
    assert "1,200" in page  # ml so far
    assert "Dedication Award, Bronze" in page and "14 more in the award counting" in page
    assert f"/me/certificates/{valid.serial}.pdf" in page
    assert revoked.serial not in page
    assert "小雨" in page and "刘小雨" not in page


def test_a_member_downloads_their_own_certificate_and_nobody_elses(signed_in, world):
    mine = _certificate(world.member_a)
    theirs = _certificate(world.member_b)
    revoked = _certificate(world.member_a, "donations-5", revoked=True)
    client = signed_in("member_user")
    response = client.get(f"/me/certificates/{mine.serial}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    for other in (theirs, revoked):
        assert client.get(f"/me/certificates/{other.serial}.pdf").status_code == 404
    printed = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == AuditAction.PRINT)).all()
    assert [event.after["serials"] for event in printed] == [[mine.serial]]


def test_a_member_changes_their_phone_language_and_consents(signed_in, world):
    client = signed_in("member_user")
    response = client.post("/me/details", data={
        "phone": "+86 139 0000 0042", "email": "wang@example.org", "locale": "en",
        "consent_contact": "y"})
    assert response.status_code == 302
    member = db.session.get(Member, world.member_a.id)
    db.session.refresh(member)
    assert (member.phone, member.email, member.locale) == (
        "+86 139 0000 0042", "wang@example.org", "en")
    assert member.consent_contact and not member.consent_public_verification
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "members", AuditEvent.action == AuditAction.UPDATE)).one()
    assert event.actor_id == world.member_user.id
    assert event.after["phone"] == "+86 139 0000 0042"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "not-an-address", "Enter an email address"),
    ("phone", "call me maybe", "Use digits"),
    ("locale", "fr", "Not a valid choice"),
])
def test_bad_details_are_refused_and_change_nothing(signed_in, world, field, value, message):
    data = {"phone": "13900000001", "email": "", "locale": "", field: value}
    response = signed_in("member_user").post("/me/details", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    member = db.session.get(Member, world.member_a.id)
    db.session.refresh(member)
    assert (member.phone, member.email, member.locale) == ("13900000001", None, None)


def _status_url(client, world) -> str:
    response = client.post(f"/clubs/club-a/members/{world.member_a.id}/status-link")
    assert response.status_code == 302
    page = client.get(f"/clubs/club-a/members/{world.member_a.id}").get_data(as_text=True)
    start = page.index("/s/")
    return page[start:page.index("<", start)].strip()


def test_the_status_link_opens_without_login_and_stops_when_revoked(app, signed_in, world):
    factories.make_donation(world.member_a, date.today() - timedelta(days=10), volume_ml=400)
    db.session.commit()
    coordinator = signed_in("coordinator_a")
    url = _status_url(coordinator, world)
    visitor = app.test_client()
    page = visitor.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "王*英" in text and "王秀英" not in text
    assert "13900000001" not in text  # nothing beyond the status
    assert "again from" in text or "再次" in text or "You can give" in text

    newer = _status_url(coordinator, world)
    assert newer != url
    assert visitor.get(url).status_code == 404
    assert visitor.get(newer).status_code == 200

    coordinator.post(f"/clubs/club-a/members/{world.member_a.id}/status-link/revoke")
    assert visitor.get(newer).status_code == 404
    assert coordinator.get(f"/clubs/club-a/members/{world.member_a.id}/card.pdf"
                           ).status_code == 404


@pytest.mark.parametrize("token", ["", "garbage", "WzEsICJ4Il0.forged"])
def test_forged_status_links_open_nothing(app, world, token):
    assert app.test_client().get(f"/s/{token}x").status_code == 404


def test_the_member_card_carries_the_status_link_as_a_qr_code(signed_in, world):
    coordinator = signed_in("coordinator_a")
    url = _status_url(coordinator, world)
    response = coordinator.get(f"/clubs/club-a/members/{world.member_a.id}/card.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    page = pypdfium2.PdfDocument(io.BytesIO(response.data))[0]
    image = page.render(scale=6).to_pil()
    decoded = zxingcpp.read_barcodes(image)
    assert [barcode.text for barcode in decoded] == [f"http://127.0.0.1:5000{url}"]
    other = signed_in("coordinator_b")
    assert other.get(f"/clubs/club-a/members/{world.member_a.id}/card.pdf").status_code == 404
