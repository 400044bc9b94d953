"""Referrals over the API: recording a candidate, reading the timeline, moving it on, and who
may do which."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import Registry
from donorclub.extensions import db
from donorclub.models import Referral, ReferralEvent

from .. import factories

TODAY = date.today()
CANDIDATE = {"referrer_no": "0001", "candidate_name": "张伟", "registry": "cmdp",
             "referred_on": "2025-03-01", "candidate_date_of_birth": "1995-06-01",
             "candidate_phone": "13800000009", "consent_contact": True}


def counts() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Referral)),
            db.session.scalar(sa.select(sa.func.count()).select_from(ReferralEvent)))


def stored(referral_id: int) -> Referral:
    db.session.expire_all()
    return db.session.get(Referral, referral_id)


@pytest.fixture
def referral(world):
    """A club A referral by member_a, consented on 2025-03-10."""
    made = factories.make_referral(world.member_a, [("referred", date(2025, 3, 1)),
                                                    ("consented", date(2025, 3, 10))],
                                   referred_on=date(2025, 3, 1))
    db.session.commit()
    return made


@pytest.fixture
def at_workup(world):
    made = factories.make_referral(world.member_a, [
        ("referred", date(2024, 1, 2)), ("consented", date(2024, 1, 3)),
        ("sampled", date(2024, 1, 4)), ("typed", date(2024, 2, 1)), ("listed", date(2024, 3, 1)),
        ("preliminary_match", date(2025, 1, 1)), ("confirmatory_typing", date(2025, 2, 1)),
        ("workup", date(2025, 3, 1))])
    db.session.commit()
    return made


@pytest.mark.parametrize(("method", "url"), [
    ("POST", "/api/v1/clubs/club-a/referrals"), ("GET", "/api/v1/referrals/{id}"),
    ("POST", "/api/v1/referrals/{id}/events"),
])
def test_referral_endpoints_need_a_token(api, referral, method, url):
    response = api(None).open(method, url.format(id=referral.id), json={})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_recording_a_referral_returns_201_with_its_first_stage(api, world):
    response = api("coordinator_a").post("/api/v1/clubs/club-a/referrals", json=CANDIDATE)
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["club"], body["referrer_no"], body["referrer_id"]) == (
        "club-a", "0001", world.member_a.id)
    assert (body["candidate_name"], body["registry"], body["referred_on"]) == (
        "张伟", "cmdp", "2025-03-01")
    assert (body["status"], body["effective_status"]) == ("referred", "referred")
    assert "consented" in body["allowed_next"]
    assert [(e["status"], e["on"]) for e in body["events"]] == [("referred", "2025-03-01")]
    assert body["events"][0]["recorded_by"] == world.coordinator_a.name
    assert counts() == (1, 1)
    assert stored(body["id"]).created_by_id == world.coordinator_a.id


def test_the_referral_day_defaults_to_today(api):
    body = {k: v for k, v in CANDIDATE.items() if k != "referred_on"}
    response = api("coordinator_a").post("/api/v1/clubs/club-a/referrals", json=body)
    assert response.status_code == 201 and response.json["referred_on"] == TODAY.isoformat()


@pytest.mark.parametrize("role", ["coordinator_b", "member_user"])
def test_another_clubs_staff_and_members_cannot_record_referrals(api, world, role):
    response = api(role).post("/api/v1/clubs/club-a/referrals", json=CANDIDATE)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert counts() == (0, 0)


@pytest.mark.parametrize(("change", "field"), [
    ({"referrer_no": None}, "referrer_no"),  # schema: required
    ({"referrer_no": "9999"}, "referrer_no"),  # service: no such member
    ({"candidate_name": ""}, "candidate_name"),
    ({"registry": "mars"}, "registry"),
    ({"candidate_phone": None}, "candidate_phone"),  # neither phone nor email
    ({"candidate_email": "not-an-email"}, "candidate_email"),
    ({"referred_on": (TODAY + timedelta(days=1)).isoformat()}, "referred_on"),
    ({"candidate_date_of_birth": "2015-01-01"}, "candidate_date_of_birth"),  # too young
    ({"candidate_member_no": "9999"}, "candidate_member_no"),
    ({"drive_id": 12345}, "drive_id"),
    ({"candidate_sex": "other"}, "candidate_sex"),
    ({"hla": "A*02:01"}, "hla"),  # unknown fields are refused, never stored
])
def test_bad_referrals_are_refused_with_the_field_and_nothing_is_stored(api, world, change,
                                                                        field):
    body = {k: v for k, v in {**CANDIDATE, **change}.items() if v is not None}
    response = api("coordinator_a").post("/api/v1/clubs/club-a/referrals", json=body)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid"
    assert field in response.json["error"]["fields"]
    assert counts() == (0, 0)


@pytest.mark.parametrize("role", ["coordinator_a", "admin"])
def test_staff_read_a_referral_with_its_timeline(api, world, referral, role):
    response = api(role).get(f"/api/v1/referrals/{referral.id}")
    assert response.status_code == 200
    body = response.json
    assert (body["id"], body["status"], body["effective_status"]) == (
        referral.id, "consented", "consented")
    assert [(e["status"], e["on"]) for e in body["events"]] == [
        ("referred", "2025-03-01"), ("consented", "2025-03-10")]
    assert body["allowed_next"][0] == "sampled"


def test_a_listed_candidate_past_the_registrys_age_shows_as_aged_out(api, world):
    old = factories.make_referral(world.member_a, [("referred", date(2000, 1, 2)),
                                                   ("listed", date(2000, 3, 1))],
                                  referred_on=date(2000, 1, 2))
    old.candidate_date_of_birth, old.registry_code = date(1960, 1, 1), Registry.NMDP  # out at 61
    db.session.commit()
    body = api("coordinator_a").get(f"/api/v1/referrals/{old.id}").json
    assert (body["status"], body["effective_status"]) == ("listed", "aged_out")


@pytest.mark.parametrize("role", ["coordinator_b", "member_user"])
def test_a_referral_is_hidden_from_other_clubs_and_member_logins(api, referral, role):
    response = api(role).get(f"/api/v1/referrals/{referral.id}")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("referral_id", ["987654", "99999999999999999999"])
def test_an_unknown_referral_is_404(api, world, referral_id):
    response = api("admin").get(f"/api/v1/referrals/{referral_id}")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_moving_a_referral_on_returns_201_with_the_event(api, world, referral):
    response = api("coordinator_a").post(f"/api/v1/referrals/{referral.id}/events", json={
        "status": "sampled", "on": "2025-03-20", "note": "swab at the drive"})
    assert response.status_code == 201, response.json
    event = response.json
    assert (event["referral_id"], event["status"], event["on"], event["note"]) == (
        referral.id, "sampled", "2025-03-20", "swab at the drive")
    assert (event["product"], event["recorded_by"]) == (None, world.coordinator_a.name)
    assert stored(referral.id).status.value == "sampled"
    timeline = api("coordinator_a").get(f"/api/v1/referrals/{referral.id}").json["events"]
    assert [e["status"] for e in timeline] == ["referred", "consented", "sampled"]


def test_a_donation_is_recorded_with_its_product(api, world, at_workup):
    response = api("coordinator_a").post(f"/api/v1/referrals/{at_workup.id}/events", json={
        "status": "donated", "on": "2025-04-01", "product": "pbsc"})
    assert response.status_code == 201 and response.json["product"] == "pbsc"


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "listed", "on": "2025-03-20"}, "status"),  # skips stages
    ({"status": "flying", "on": "2025-03-20"}, "status"),  # not a stage at all
    ({"on": "2025-03-20"}, "status"),
    ({"status": "sampled", "on": "2025-03-05"}, "on"),  # before the last stage
    ({"status": "sampled", "on": (TODAY + timedelta(days=1)).isoformat()}, "on"),
    ({"status": "sampled", "on": "20.03.2025"}, "on"),
    ({"status": "sampled", "on": "2025-03-20", "product": "pbsc"}, "product"),
    ({"status": "sampled", "on": "2025-03-20", "note": "x" * 2001}, "note"),
    ({"status": "sampled", "on": "2025-03-20", "hla": "A*02"}, "hla"),
])
def test_refused_stages_name_the_field_and_change_nothing(api, world, referral, body, field):
    before = counts()
    response = api("coordinator_a").post(f"/api/v1/referrals/{referral.id}/events", json=body)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid"
    assert field in response.json["error"]["fields"]
    assert counts() == before and stored(referral.id).status.value == "consented"


def test_a_donation_without_its_product_is_refused(api, world, at_workup):
    response = api("coordinator_a").post(f"/api/v1/referrals/{at_workup.id}/events", json={
        "status": "donated", "on": "2025-04-01"})
    assert response.status_code == 422 and "product" in response.json["error"]["fields"]
    assert stored(at_workup.id).status.value == "workup"


@pytest.mark.parametrize("role", ["coordinator_b", "member_user"])
def test_other_clubs_and_member_logins_cannot_move_a_referral(api, referral, role):
    before = counts()
    response = api(role).post(f"/api/v1/referrals/{referral.id}/events",
                              json={"status": "sampled", "on": "2025-03-20"})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert counts() == before and stored(referral.id).status.value == "consented"
