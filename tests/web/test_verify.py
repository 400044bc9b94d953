"""The public verification page: valid, revoked and unknown serials in HTML and JSON, masked
names, the lookup counter, the search form's redirect and the rate limit."""
import uuid
from datetime import date, timedelta

import pytest

from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.models import Certificate
from donorclub.services import certificates

from .. import factories

TODAY = date.today()
JSON = {"Accept": "application/json"}


@pytest.fixture
def app(make_app):
    """Each test its own rate-limit counters: Flask-Limiter's memory storage outlives apps."""
    app = make_app(RATELIMIT_KEY_PREFIX=f"verify-{uuid.uuid4().hex}")
    with app.app_context():
        yield app
        db.session.remove()


def issue(world, member=None, code="donations-1"):
    member = member or world.member_a
    factories.make_donations(member, [date(2024, 5, 1)])
    db.session.commit()
    return certificates.issue_certificate(world.coordinator_a, member, code, today=TODAY)


@pytest.fixture
def issued(world):
    return issue(world)


def checks(serial: str) -> int:
    db.session.expire_all()
    return db.session.scalar(
        db.select(Certificate.verification_count).where(Certificate.serial == serial))


def test_a_valid_certificate_is_shown_as_valid_with_what_was_awarded(client, world, issued):
    response = client.get(f"/verify/{issued.serial}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Valid." in text and issued.serial in text and "1 donation" in text
    assert "Anshan Steel Donors" in text and "Revoked" not in text


def test_a_revoked_certificate_says_so_with_the_date(client, world, issued):
    certificates.revoke_certificate(world.coordinator_a, issued, "Wrong member")
    text = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert "Revoked on" in text and "This certificate is no longer valid." in text
    assert "Valid." not in text
    found = client.get(f"/verify/{issued.serial}", headers=JSON).get_json()
    assert (found["status"], found["revoked_on"]) == ("revoked", issued.revoked_at.date()
                                                      .isoformat())


@pytest.mark.parametrize("typed", ["2222-3333-4444", "nonsense", "0000-0000-0000", "x" * 80])
def test_unknown_and_malformed_serials_get_the_same_no_such_certificate_page(client, world,
                                                                            issued, typed):
    response = client.get(f"/verify/{typed}")
    assert response.status_code == 404
    assert "No such certificate" in response.get_data(as_text=True)
    missing = client.get(f"/verify/{typed}", headers=JSON)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    assert checks(issued.serial) == 0


@pytest.mark.parametrize("shape", [str.lower, lambda s: s.replace("-", " "),
                                   lambda s: s.replace("-", "")])
def test_a_serial_typed_loosely_still_verifies(client, world, issued, shape):
    response = client.get(f"/verify/{shape(issued.serial)}")
    assert response.status_code == 200 and issued.serial in response.get_data(as_text=True)


def test_the_name_is_masked_unless_the_member_agreed_to_show_it(client, world, issued):
    masked = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert "王*英" in masked and "王秀英" not in masked
    world.member_a.consent_public_verification = True
    db.session.commit()
    shown = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert "王秀英" in shown


def test_the_json_answer_says_what_the_certificate_proves_and_nothing_personal(client, world,
                                                                               issued):
    response = client.get(f"/verify/{issued.serial}", headers=JSON)
    assert response.mimetype == "application/json"
    found = response.get_json()
    assert found == {
        "serial": issued.serial, "status": "valid", "revoked_on": None,
        "award": "donations-1", "title": issued.title, "issued_on": TODAY.isoformat(),
        "club": "Anshan Steel Donors", "name": "王*英", "name_masked": True}
    raw = response.get_data(as_text=True)
    for personal in ("0001", "1985", "13900000001", "王秀英", "phone", "birth"):
        assert personal not in raw
    world.member_a.consent_public_verification = True
    db.session.commit()
    found = client.get(f"/verify/{issued.serial}", headers=JSON).get_json()
    assert (found["name"], found["name_masked"]) == ("王秀英", False)


def test_an_english_name_is_masked_to_initials(client, world):
    english = factories.make_member(world.club_a, "0002", "John Smith")
    certificate = issue(world, english)
    found = client.get(f"/verify/{certificate.serial}", headers=JSON).get_json()
    assert found["name"] == "J. S****"


def test_each_lookup_adds_one_to_the_counter(client, world, issued):
    for expected in (1, 2, 3):
        client.get(f"/verify/{issued.serial.lower()}")
        assert checks(issued.serial) == expected
    client.get(f"/verify/{issued.serial}", headers=JSON)
    assert checks(issued.serial) == 4


def test_the_form_redirects_to_the_serials_page(client, world, issued):
    assert client.get("/verify").status_code == 200
    typed = issued.serial.lower().replace("-", " ")
    response = client.get("/verify", query_string={"serial": f"  {typed} "})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/verify/")
    followed = client.get(response.headers["Location"])
    assert followed.status_code == 200 and "Valid." in followed.get_data(as_text=True)


def test_the_verification_page_needs_no_sign_in_and_no_visitor_data_is_kept(client, world,
                                                                            issued):
    from donorclub.models import AuditEvent

    before = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    assert client.get(f"/verify/{issued.serial}").status_code == 200
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == before


def test_the_fourth_lookup_in_a_minute_is_refused(make_app):
    app = make_app(VERIFY_RATE_LIMIT="3 per minute",
                   RATELIMIT_KEY_PREFIX=f"verify-{uuid.uuid4().hex}")
    with app.app_context():
        club = factories.make_club()
        member = factories.make_member(club)
        coordinator = factories.make_user("c@example.org", Role.COORDINATOR, clubs=[club])
        factories.make_donations(member, [TODAY - timedelta(days=30)])
        db.session.commit()
        certificate = certificates.issue_certificate(coordinator, member, "donations-1",
                                                     today=TODAY)
        serial = certificate.serial
        client = app.test_client()
        statuses = [client.get(url).status_code
                    for url in (f"/verify/{serial}", "/verify/2222-3333-4444",
                                f"/verify/{serial}", f"/verify/{serial}")]
        assert statuses == [200, 404, 200, 429]
        assert checks(serial) == 2
        db.session.remove()
