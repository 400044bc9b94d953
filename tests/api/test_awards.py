"""Awards and certificates over the API: what a member has earned, issuing a certificate, and
who may do which."""
from datetime import date

import pytest
import sqlalchemy as sa

from donorclub.extensions import db
from donorclub.models import Certificate

from .. import factories

TODAY = date.today()
BASE = "http://127.0.0.1:5000"  # the testing BASE_URL
DAYS = [date(2024, 1, 10), date(2024, 5, 10), date(2024, 9, 10)]  # 400 ml: 2 each in China


def certificate_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Certificate))


@pytest.fixture
def donor(world):
    """member_a (China's rules) with three 400 ml whole-blood donations: an award count of 6."""
    factories.make_donations(world.member_a, DAYS)
    db.session.commit()
    return world.member_a


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/api/v1/members/{id}/awards"), ("POST", "/api/v1/members/{id}/certificates"),
])
def test_award_endpoints_need_a_token(api, donor, method, url):
    response = api(None).open(method, url.format(id=donor.id), json={"award": "donations-1"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert certificate_count() == 0


def test_awards_show_the_count_milestones_with_dates_and_the_next_steps(api, donor):
    response = api("coordinator_a").get(f"/api/v1/members/{donor.id}/awards")
    assert response.status_code == 200
    body = response.json
    assert (body["member_id"], body["rule_set"], body["award_count"], body["on"]) == (
        donor.id, "cn", 6.0, TODAY.isoformat())
    assert [(m["award"], m["reached_on"], m["certificate"]) for m in body["milestones"]] == [
        ("whole_blood_ml-1000", "2024-09-10", None), ("donations-5", "2024-09-10", None),
        ("donations-1", "2024-01-10", None)]
    upcoming = {n["category"]: (n["award"], n["current"], n["remaining"])
                for n in body["next_milestones"]}
    assert upcoming["donations"] == ("donations-10", 6.0, 4.0)
    assert upcoming["whole_blood_ml"] == ("whole_blood_ml-5000", 1200.0, 3800.0)
    assert body["national_award"] == {"level": "bronze", "number": 1, "count": 6.0,
                                      "threshold": 20, "remaining": 14.0}
    assert body["certificates"] == []


def test_awards_list_certificates_with_their_status(api, world, donor):
    from donorclub.services import certificates

    first = certificates.issue_certificate(world.coordinator_a, donor, "donations-1", today=TODAY)
    fifth = certificates.issue_certificate(world.coordinator_a, donor, "donations-5", today=TODAY)
    certificates.revoke_certificate(world.coordinator_a, first, "printed on the wrong paper")
    body = api("coordinator_a").get(f"/api/v1/members/{donor.id}/awards").json
    assert {c["serial"]: (c["award"], c["status"]) for c in body["certificates"]} == {
        first.serial: ("donations-1", "revoked"), fifth.serial: ("donations-5", "valid")}
    revoked = next(c for c in body["certificates"] if c["serial"] == first.serial)
    assert revoked["revoked_on"] == first.revoked_at.date().isoformat()
    held = {m["award"]: m["certificate"] for m in body["milestones"]}
    assert held == {"donations-1": None, "donations-5": fifth.serial,
                    "whole_blood_ml-1000": None}


def test_rule_sets_without_a_national_award_answer_null(api, world):
    factories.make_donations(world.member_b, [date(2024, 1, 10)])
    db.session.commit()
    body = api("coordinator_b").get(f"/api/v1/members/{world.member_b.id}/awards").json
    assert (body["rule_set"], body["national_award"]) == ("us", None)
    assert body["milestones"][0]["award"].startswith("donations-")


@pytest.mark.parametrize(("role", "member", "status"), [
    ("member_user", "member_a", 200),  # their own record
    ("member_user", "member_b", 404),
    ("coordinator_b", "member_a", 404),
    ("coordinator_a", "member_b", 404),
    ("admin", "member_b", 200),
])
def test_who_may_read_a_members_awards(api, world, role, member, status):
    response = api(role).get(f"/api/v1/members/{getattr(world, member).id}/awards")
    assert response.status_code == status


@pytest.mark.parametrize("member_id", ["987654", "99999999999999999999"])
def test_an_unknown_member_has_no_awards(api, world, member_id):
    response = api("admin").get(f"/api/v1/members/{member_id}/awards")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_issuing_a_certificate_returns_201_with_its_addresses(api, donor):
    response = api("coordinator_a").post(f"/api/v1/members/{donor.id}/certificates",
                                         json={"award": "donations-5"})
    assert response.status_code == 201, response.json
    body = response.json
    serial = body["serial"]
    assert (body["award"], body["issued_on"], body["member_id"]) == (
        "donations-5", TODAY.isoformat(), donor.id)
    assert body["title"]
    assert body["pdf_url"] == f"{BASE}/clubs/club-a/certificates/{serial}/certificate.pdf"
    assert body["verify_url"] == f"{BASE}/verify/{serial}"
    stored = db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))
    assert (stored.member_id, stored.award_code, stored.title) == (
        donor.id, "donations-5", body["title"])


def test_the_returned_addresses_answer(api, app, donor, signed_in):
    body = api("coordinator_a").post(f"/api/v1/members/{donor.id}/certificates",
                                     json={"award": "donations-1"}).json
    pdf = signed_in("coordinator_a").get(body["pdf_url"].removeprefix(BASE))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    verified = app.test_client().get(body["verify_url"].removeprefix(BASE),
                                     headers={"Accept": "application/json"})
    assert verified.status_code == 200
    assert (verified.json["serial"], verified.json["status"]) == (body["serial"], "valid")


@pytest.mark.parametrize(("body", "field"), [
    ({"award": "donations-10"}, "award"),  # not reached yet
    ({"award": "nonsense"}, "award"),
    ({"award": "donations-0"}, "award"),
    ({"award": ""}, "award"),
    ({"award": "donations-99999999999"}, "award"),
    ({}, "award"),
    ({"award": "donations-1", "title": "Hero"}, "title"),
])
def test_bad_awards_are_refused_with_the_field_and_nothing_is_issued(api, donor, body, field):
    response = api("coordinator_a").post(f"/api/v1/members/{donor.id}/certificates", json=body)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid"
    assert field in response.json["error"]["fields"]
    assert certificate_count() == 0


def test_a_second_valid_certificate_for_a_milestone_is_a_conflict(api, donor):
    url = f"/api/v1/members/{donor.id}/certificates"
    assert api("coordinator_a").post(url, json={"award": "donations-1"}).status_code == 201
    again = api("coordinator_a").post(url, json={"award": "donations-1"})
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"
    assert certificate_count() == 1


@pytest.mark.parametrize("role", ["coordinator_b", "member_user"])
def test_other_clubs_and_member_logins_cannot_issue_certificates(api, donor, role):
    response = api(role).post(f"/api/v1/members/{donor.id}/certificates",
                              json={"award": "donations-1"})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert certificate_count() == 0
