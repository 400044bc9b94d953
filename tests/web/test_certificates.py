"""The certificate pages: who may reach them, the due list and batch issue, PDFs, revoking
and re-issuing, the settings page with its logo, and the member page's recognition section."""
import io
from datetime import date, timedelta

import pypdf
import pytest
import sqlalchemy as sa
from PIL import Image

from donorclub.extensions import db
from donorclub.models import Certificate, Club, Donation
from donorclub.services import certificates

from .. import factories

TODAY = date.today()
START = date(2020, 1, 6)


def days(n: int, start: date = START) -> list[date]:
    return [start + timedelta(weeks=i) for i in range(n)]


def pdf_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def png_bytes(size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 20, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def valid_codes(member) -> list[str]:
    return sorted(db.session.scalars(sa.select(Certificate.award_code).where(
        Certificate.member_id == member.id, Certificate.revoked_at.is_(None))))


@pytest.fixture
def due(world):
    """member_a: 5 donations of 400 ml (count 10, 2,000 ml); 0002: one donation."""
    friend = factories.make_member(world.club_a, "0002", "李强")
    factories.make_donations(world.member_a, days(5))
    factories.make_donations(friend, days(1))
    db.session.commit()
    return friend


@pytest.fixture
def issued(world, due):
    return certificates.issue_certificate(world.coordinator_a, world.member_a, "donations-10",
                                          today=TODAY)


# --- access --------------------------------------------------------------------------------

def club_a_requests(world, serial):
    member = world.member_a.id
    return [
        ("GET", "/clubs/club-a/certificates/"),
        ("GET", "/clubs/club-a/certificates/due"),
        ("GET", "/clubs/club-a/certificates/settings"),
        ("GET", "/clubs/club-a/certificates/logo"),
        ("GET", f"/clubs/club-a/certificates/print.pdf?issued_on={TODAY.isoformat()}"),
        ("GET", f"/clubs/club-a/certificates/{serial}"),
        ("GET", f"/clubs/club-a/certificates/{serial}/certificate.pdf"),
        ("POST", "/clubs/club-a/certificates/issue"),
        ("POST", f"/clubs/club-a/certificates/members/{member}/issue"),
        ("POST", f"/clubs/club-a/certificates/{serial}/revoke"),
        ("POST", f"/clubs/club-a/certificates/{serial}/reissue"),
        ("POST", "/clubs/club-a/certificates/settings"),
        ("GET", "/clubs/club-a/nominations/"),
        ("GET", "/clubs/club-a/nominations/nominations.csv"),
        ("GET", "/clubs/club-a/nominations/nominations.xlsx"),
        ("GET", "/clubs/club-a/nominations/nominations.pdf"),
    ]


@pytest.mark.parametrize("who", ["coordinator_b", "member_user"])
def test_outsiders_get_404_for_every_certificate_and_nomination_page(signed_in, world, issued,
                                                                     who):
    world.club_a.logo, world.club_a.logo_type = png_bytes(), "image/png"
    db.session.commit()
    client = signed_in(who)
    data = {"scope": "all", "award_code": "donations-5", "revoke-reason": "x",
            "reissue-reason": "x", "signatory_name": "Mallory"}
    for method, url in club_a_requests(world, issued.serial):
        response = client.open(url, method=method, data=data if method == "POST" else None)
        assert response.status_code == 404, (who, method, url)
    db.session.expire_all()
    assert valid_codes(world.member_a) == ["donations-10"]
    assert db.session.get(Club, world.club_a.id).signatory_name is None


def test_a_club_a_serial_is_not_found_under_club_b(signed_in, world, issued):
    client = signed_in("coordinator_b")
    assert client.get(f"/clubs/club-b/certificates/{issued.serial}").status_code == 404
    assert client.get(f"/clubs/club-b/certificates/print.pdf?id={issued.id}").status_code == 404


def test_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/clubs/club-a/certificates/due")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# --- the due list and batch issue ----------------------------------------------------------

def test_the_due_page_lists_the_highest_step_per_member(signed_in, world, due):
    page = signed_in("coordinator_a").get("/clubs/club-a/certificates/due")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "3 certificates due" in text
    assert "王秀英" in text and "李强" in text
    assert "10 donations" in text and "1,000 ml of whole blood" in text
    assert "5 donations" not in text


def test_issuing_only_the_ticked_certificates(signed_in, world, due):
    client = signed_in("coordinator_a")
    page = client.get("/clubs/club-a/certificates/due").get_data(as_text=True)
    ticked = f"{world.member_a.id}:donations-10"
    assert f'value="{ticked}"' in page and f'value="{due.id}:donations-1"' in page
    response = client.post("/clubs/club-a/certificates/issue",
                           data={"scope": "chosen", "due": [ticked]})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/clubs/club-a/certificates/?")
    assert f"issued_on={TODAY.isoformat()}" in location and "status=valid" in location
    assert valid_codes(world.member_a) == ["donations-10"]
    assert valid_codes(due) == []
    listing = client.get(location).get_data(as_text=True)
    assert "1 certificate issued" in listing and "print.pdf" in listing
    assert "2 certificates due" in client.get("/clubs/club-a/certificates/due").get_data(
        as_text=True)


def test_issuing_all_that_are_due(signed_in, world, due):
    client = signed_in("coordinator_a")
    response = client.post("/clubs/club-a/certificates/issue", data={"scope": "all"},
                           follow_redirects=True)
    assert "3 certificates issued" in response.get_data(as_text=True)
    assert valid_codes(due) == ["donations-1"]
    again = client.post("/clubs/club-a/certificates/issue", data={"scope": "all"},
                        follow_redirects=True)
    assert "Nothing was due" in again.get_data(as_text=True)


def test_issuing_with_nobody_ticked_issues_nothing(signed_in, world, due):
    response = signed_in("coordinator_a").post(
        "/clubs/club-a/certificates/issue", data={"scope": "chosen"}, follow_redirects=True)
    assert "Tick at least one certificate" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0


@pytest.mark.parametrize("value", ["x:donations-1", "1:", "donations-1"])
def test_a_tampered_choice_is_a_bad_request(signed_in, world, due, value):
    response = signed_in("coordinator_a").post(
        "/clubs/club-a/certificates/issue", data={"scope": "chosen", "due": [value]})
    assert response.status_code == 400


# --- PDFs ----------------------------------------------------------------------------------

def test_printing_a_days_batch_gives_one_page_per_valid_certificate(signed_in, world, due):
    client = signed_in("coordinator_a")
    issued = certificates.issue_due(world.coordinator_a, world.club_a, today=TODAY)
    certificates.revoke_certificate(world.coordinator_a, issued[0], "duplicate")
    response = client.get(f"/clubs/club-a/certificates/print.pdf?issued_on={TODAY.isoformat()}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    texts = pdf_texts(response.data)
    assert len(texts) == 2
    assert {c.serial for c in issued[1:]} == {s for s in (c.serial for c in issued)
                                               if any(s in t for t in texts)}


def test_printing_by_id_leaves_out_a_foreign_certificate(signed_in, world, issued):
    foreign = Certificate(serial="2222-3333-4444", member_id=world.member_b.id,
                          award_code="donations-8", title="1-gallon donor", issued_on=TODAY)
    db.session.add(foreign)
    db.session.commit()
    client = signed_in("coordinator_a")
    response = client.get(f"/clubs/club-a/certificates/print.pdf?id={foreign.id}&id={issued.id}")
    texts = pdf_texts(response.data)
    assert len(texts) == 1 and issued.serial in texts[0] and "Emma" not in texts[0]
    only_foreign = client.get(f"/clubs/club-a/certificates/print.pdf?id={foreign.id}")
    assert only_foreign.status_code == 404


def test_printing_an_empty_day_is_not_found(signed_in, world, issued):
    response = signed_in("coordinator_a").get(
        "/clubs/club-a/certificates/print.pdf?issued_on=2001-01-01")
    assert response.status_code == 404


def test_one_certificate_downloads_as_a_pdf_with_its_serial_and_name(signed_in, world, issued):
    response = signed_in("coordinator_a").get(
        f"/clubs/club-a/certificates/{issued.serial}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"certificate-{issued.serial}.pdf" in response.headers["Content-Disposition"]
    [text] = pdf_texts(response.data)
    assert issued.serial in text and "10 donations" in text
    assert "王秀英" in "".join(text.split())


# --- revoking and re-issuing through the forms ---------------------------------------------

def test_the_detail_page_shows_the_certificate(signed_in, world, issued):
    page = signed_in("coordinator_a").get(f"/clubs/club-a/certificates/{issued.serial}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and issued.serial in text and "王秀英" in text


def test_a_lowercase_serial_in_the_address_finds_the_certificate(signed_in, world, issued):
    page = signed_in("coordinator_a").get(
        f"/clubs/club-a/certificates/{issued.serial.lower()}")
    assert page.status_code == 200


def test_revoking_needs_a_reason_then_works_once(signed_in, world, issued):
    client = signed_in("coordinator_a")
    url = f"/clubs/club-a/certificates/{issued.serial}/revoke"
    empty = client.post(url, data={"revoke-reason": ""})
    assert empty.status_code == 422
    assert "This field is required." in empty.get_data(as_text=True)
    done = client.post(url, data={"revoke-reason": "Issued to the wrong member"},
                       follow_redirects=True)
    text = done.get_data(as_text=True)
    assert f"Certificate {issued.serial} revoked." in text
    assert valid_codes(world.member_a) == []
    again = client.post(url, data={"revoke-reason": "Once more"})
    assert again.status_code == 409
    assert "Revoked on" in again.get_data(as_text=True)


def test_reissuing_redirects_to_the_new_serial(signed_in, world, issued):
    client = signed_in("coordinator_a")
    url = f"/clubs/club-a/certificates/{issued.serial}/reissue"
    assert client.post(url, data={"reissue-reason": ""}).status_code == 422
    response = client.post(url, data={"reissue-reason": "Lost in a move"})
    assert response.status_code == 302
    new = db.session.scalar(sa.select(Certificate).where(Certificate.replaces_id == issued.id))
    assert response.headers["Location"].endswith(f"/clubs/club-a/certificates/{new.serial}")
    assert client.post(url, data={"reissue-reason": "Again"}).status_code == 409


# --- settings ------------------------------------------------------------------------------

def settings_form(**changes):
    data = {"signatory_name": "", "signatory_title": "", "donations": "", "whole_blood_ml": "",
            "listed_referrals": "", "marrow_donations": "", "volunteer_hours": ""}
    return {**data, **changes}


def test_settings_save_the_signatory_and_the_milestone_steps(signed_in, world):
    client = signed_in("coordinator_a")
    assert client.get("/clubs/club-a/certificates/settings").status_code == 200
    response = client.post("/clubs/club-a/certificates/settings", data=settings_form(
        signatory_name="张伟", signatory_title="会长", donations="2, 4, 8"),
        follow_redirects=True)
    assert response.status_code == 200 and "Certificate settings saved." in response.get_data(
        as_text=True)
    db.session.expire_all()
    club = db.session.get(Club, world.club_a.id)
    assert (club.signatory_name, club.signatory_title) == ("张伟", "会长")
    assert club.milestones == {"donations": [2, 4, 8]}
    assert 'value="2, 4, 8"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("typed", "message"), [
    ("5, 1", "List the steps from smallest to largest, each once."),
    ("abc", "Use whole numbers, separated by commas."),
])
def test_settings_show_a_field_error_for_bad_steps(signed_in, world, typed, message):
    response = signed_in("coordinator_a").post(
        "/clubs/club-a/certificates/settings",
        data=settings_form(signatory_name="张伟", donations=typed))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    club = db.session.get(Club, world.club_a.id)
    assert (club.signatory_name, club.milestones) == (None, None)


def test_an_admin_uploads_a_logo_that_is_served_and_can_be_removed(signed_in, world):
    client = signed_in("admin")
    logo = png_bytes()
    response = client.post("/clubs/club-a/certificates/settings", data=settings_form(
        logo=(io.BytesIO(logo), "logo.png")), content_type="multipart/form-data")
    assert response.status_code == 302
    served = client.get("/clubs/club-a/certificates/logo")
    assert (served.status_code, served.mimetype, served.data) == (200, "image/png", logo)
    # The coordinator sees it too, and may keep it while saving other settings.
    coordinator = signed_in("coordinator_a")
    assert coordinator.get("/clubs/club-a/certificates/logo").data == logo
    client.post("/clubs/club-a/certificates/settings",
                data=settings_form(remove_logo="y"))
    assert client.get("/clubs/club-a/certificates/logo").status_code == 404


def test_a_coordinator_cannot_change_the_logo(signed_in, world):
    client = signed_in("coordinator_a")
    response = client.post("/clubs/club-a/certificates/settings", data=settings_form(
        signatory_name="Mallory", logo=(io.BytesIO(png_bytes()), "logo.png")),
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Only an administrator can change the club" in response.get_data(as_text=True)
    assert client.get("/clubs/club-a/certificates/logo").status_code == 404
    db.session.expire_all()
    assert db.session.get(Club, world.club_a.id).signatory_name is None


def test_a_file_that_only_calls_itself_png_is_refused(signed_in, world):
    client = signed_in("admin")
    response = client.post("/clubs/club-a/certificates/settings", data=settings_form(
        logo=(io.BytesIO(b"<svg onload='alert(1)'></svg>"), "logo.png")),
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a PNG or JPEG image." in response.get_data(as_text=True)
    assert client.get("/clubs/club-a/certificates/logo").status_code == 404


# --- the member page -----------------------------------------------------------------------

def test_the_member_page_shows_progress_and_issues_a_certificate(signed_in, world, due):
    client = signed_in("coordinator_a")
    url = f"/clubs/club-a/members/{world.member_a.id}"
    text = client.get(url).get_data(as_text=True)
    assert "10 more donations" in text  # 10 of 20
    assert "Issue certificate" in text and 'value="donations-10"' in text
    response = client.post(f"/clubs/club-a/certificates/members/{world.member_a.id}/issue",
                           data={"award_code": "donations-10"})
    assert response.status_code == 302 and response.headers["Location"].startswith(url)
    assert valid_codes(world.member_a) == ["donations-10"]
    text = client.get(url).get_data(as_text=True)
    assert "Certificate issued" in text
    serial = db.session.scalar(sa.select(Certificate.serial))
    assert serial in text


def test_issuing_a_milestone_not_reached_flashes_the_reason(signed_in, world, due):
    client = signed_in("coordinator_a")
    response = client.post(f"/clubs/club-a/certificates/members/{world.member_a.id}/issue",
                           data={"award_code": "donations-100"}, follow_redirects=True)
    assert "has not reached this milestone" in response.get_data(as_text=True)
    assert valid_codes(world.member_a) == []


def test_reissuing_a_milestone_no_longer_reached_is_refused_and_keeps_the_old_one(
        signed_in, world, issued):
    donation = db.session.scalar(sa.select(Donation).where(
        Donation.member_id == world.member_a.id).order_by(Donation.donated_on.desc()))
    factories.void_row(donation)
    db.session.commit()
    response = signed_in("coordinator_a").post(
        f"/clubs/club-a/certificates/{issued.serial}/reissue",
        data={"reissue-reason": "Name corrected"})
    assert response.status_code == 422
    assert "Choose one of the milestones the member has reached." in response.get_data(
        as_text=True)
    assert valid_codes(world.member_a) == ["donations-10"]
