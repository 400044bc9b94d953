"""Donations over the API: the member's list, recording against the rules, and voiding."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import DonationKind
from donorclub.extensions import db
from donorclub.models import Donation
from tests import factories

TODAY = date.today()


def donation_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Donation))


def url(member) -> str:
    return f"/api/v1/members/{member.id}/donations"


def body(**changes) -> dict:
    return {"donated_on": TODAY.isoformat(), "kind": "whole_blood", "volume_ml": 400, **changes}


@pytest.fixture
def history(world):
    """member_a gave in 2024 (voided later) and in 2025; member_b once."""
    old = factories.make_donation(world.member_a, date(2024, 1, 10))
    factories.void_row(old, "recorded for the wrong member")
    newer = factories.make_donation(world.member_a, date(2025, 3, 15))
    factories.make_donation(world.member_b, date(2025, 3, 1), volume_ml=500)
    db.session.commit()
    return old, newer


@pytest.mark.parametrize("role", ["coordinator_a", "admin", "member_user"])
def test_donations_are_listed_newest_first_with_voided_ones(api, world, history, role):
    old, newer = history
    response = api(role).get(url(world.member_a))
    assert response.status_code == 200
    page = response.json
    assert (page["page"], page["per_page"], page["total"]) == (1, 50, 2)
    assert [d["id"] for d in page["items"]] == [newer.id, old.id]
    first, voided = page["items"]
    assert (first["donated_on"], first["kind"], first["volume_ml"], first["units"],
            first["voided_at"]) == ("2025-03-15", "whole_blood", 400, None, None)
    assert voided["void_reason"] == "recorded for the wrong member" and voided["voided_at"]


def test_donation_list_pages(api, world, history):
    old, _newer = history
    response = api("coordinator_a").get(url(world.member_a) + "?page=2&per_page=1")
    assert response.status_code == 200
    assert [d["id"] for d in response.json["items"]] == [old.id]
    assert response.json["total"] == 2


@pytest.mark.parametrize(("role", "member", "status"), [
    (None, "member_a", 401),
    ("coordinator_b", "member_a", 404),
    ("member_user", "member_b", 404),
    ("coordinator_a", "member_b", 404),
])
def test_donation_list_of_a_member_the_user_may_not_see_is_refused(api, world, history, role,
                                                                   member, status):
    response = api(role).get(url(getattr(world, member)))
    assert response.status_code == status
    assert "items" not in response.json


def test_recording_returns_201_with_the_donation(api, world):
    response = api("coordinator_a").post(url(world.member_a), json=body(site="Blood bus 3"))
    assert response.status_code == 201, response.json
    created = response.json
    assert (created["member_id"], created["kind"], created["volume_ml"], created["site"],
            created["override_reason"], created["voided_at"]) == (
        world.member_a.id, "whole_blood", 400, "Blood bus 3", None, None)
    stored = db.session.get(Donation, created["id"])
    assert stored.donated_on == TODAY and stored.kind == DonationKind.WHOLE_BLOOD


@pytest.mark.parametrize(("changes", "volume", "units"), [
    ({"kind": "platelets", "units": 2}, 250, 2),  # club A's rule set: 250 ml usually
    ({"kind": "platelets", "volume_ml": 300, "units": 1}, 300, 1),
    ({"kind": "whole_blood", "volume_ml": 300}, 300, None),
])
def test_volume_defaults_to_the_rule_sets_usual_volume(api, world, changes, volume, units):
    data = {"donated_on": TODAY.isoformat(), **changes}
    response = api("coordinator_a").post(url(world.member_a), json=data)
    assert response.status_code == 201, response.json
    assert (response.json["volume_ml"], response.json["units"]) == (volume, units)


def test_a_donation_the_rules_refuse_is_409_not_eligible_with_reasons(api, world):
    factories.make_donation(world.member_a, TODAY - timedelta(days=30))
    db.session.commit()
    response = api("coordinator_a").post(url(world.member_a), json=body())
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "not_eligible"
    assert "interval" in [r["code"] for r in error["reasons"]]
    assert donation_count() == 1


def test_an_override_reason_records_what_the_rules_refuse(api, world):
    factories.make_donation(world.member_a, TODAY - timedelta(days=30))
    db.session.commit()
    response = api("coordinator_a").post(url(world.member_a), json=body(
        override_reason="Physician approved an early donation for a rare-group patient"))
    assert response.status_code == 201, response.json
    assert response.json["override_reason"].startswith("Physician approved")
    assert donation_count() == 2


def test_the_same_kind_on_the_same_day_twice_is_409_conflict(api, world):
    factories.make_donation(world.member_a, TODAY)
    db.session.commit()
    response = api("coordinator_a").post(url(world.member_a), json=body(override_reason="x"))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    assert donation_count() == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"donated_on": None}, "donated_on"),
    ({"donated_on": "15/03/2025"}, "donated_on"),
    ({"donated_on": (TODAY + timedelta(days=1)).isoformat()}, "donated_on"),
    ({"donated_on": "1980-01-01"}, "donated_on"),  # before member_a was born
    ({"kind": "blood"}, "kind"),
    ({"kind": "plasma", "volume_ml": None, "units": 1}, "volume_ml"),  # cn has no plasma
    ({"volume_ml": None}, "volume_ml"),  # neither volume_ml nor units
    ({"volume_ml": 0}, "volume_ml"),
    ({"units": 0}, "units"),
    ({"drive_id": 999}, "drive_id"),
    ({"override_reason": "x" * 501}, "override_reason"),
    ({"colour": "red"}, "colour"),
])
def test_bad_donations_are_422_with_the_field(api, world, changes, field):
    data = {k: v for k, v in body(**changes).items() if v is not None}
    response = api("coordinator_a").post(url(world.member_a), json=data)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid"
    assert field in response.json["error"]["fields"]
    assert donation_count() == 0


@pytest.mark.parametrize(("role", "member", "status"), [
    (None, "member_a", 401),
    ("coordinator_b", "member_a", 404),
    ("member_user", "member_a", 404),  # a member login reads its record, never writes it
    ("coordinator_a", "member_b", 404),
])
def test_recording_for_a_member_the_user_may_not_change_is_refused(api, world, role, member,
                                                                   status):
    response = api(role).post(url(getattr(world, member)), json=body())
    assert response.status_code == status
    assert donation_count() == 0


def void_url(donation) -> str:
    return f"/api/v1/donations/{donation.id}/void"


def test_voiding_returns_the_voided_donation(api, world, history):
    _old, newer = history
    response = api("coordinator_a").post(void_url(newer), json={"reason": "entered twice"})
    assert response.status_code == 200, response.json
    assert response.json["id"] == newer.id and response.json["voided_at"]
    assert response.json["void_reason"] == "entered twice"
    db.session.expire_all()
    assert db.session.get(Donation, newer.id).void_reason == "entered twice"


def test_voiding_a_voided_donation_is_409_conflict(api, world, history):
    old, _newer = history
    response = api("coordinator_a").post(void_url(old), json={"reason": "entered twice"})
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
    db.session.expire_all()
    assert db.session.get(Donation, old.id).void_reason == "recorded for the wrong member"


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "no"}, {"reason": "x" * 501}])
def test_voiding_without_a_reason_is_422(api, world, history, data):
    _old, newer = history
    response = api("coordinator_a").post(void_url(newer), json=data)
    assert response.status_code == 422
    assert "reason" in response.json["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Donation, newer.id).voided_at is None


@pytest.mark.parametrize(("role", "status"), [
    (None, 401), ("coordinator_b", 404), ("member_user", 404),
])
def test_voiding_by_someone_who_may_not_change_the_member_is_refused(api, world, history, role,
                                                                     status):
    _old, newer = history
    response = api(role).post(void_url(newer), json={"reason": "entered twice"})
    assert response.status_code == status
    db.session.expire_all()
    assert db.session.get(Donation, newer.id).voided_at is None


def test_voiding_a_donation_that_does_not_exist_is_404(api, world):
    response = api("admin").post("/api/v1/donations/999999/void", json={"reason": "gone"})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/members/99999999999999999999/donations"),
    ("POST", "/api/v1/members/99999999999999999999/donations"),
    ("POST", "/api/v1/donations/99999999999999999999/void"),
    ("POST", "/api/v1/members/99999999999999999999/deferrals"),
    ("GET", "/api/v1/members/99999999999999999999/eligibility"),
])
def test_ids_too_large_to_exist_are_404_not_a_server_error(api, world, method, path):
    response = api("admin").open(method, path, json={"reason": "entered twice"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_a_drive_id_beyond_the_id_range_is_a_field_error_not_a_crash(api, world):
    response = api("coordinator_a").post(
        f"/api/v1/members/{world.member_a.id}/donations",
        json={"donated_on": "2025-01-10", "kind": "whole_blood", "volume_ml": 400,
              "drive_id": 17971685634468933632})
    assert response.status_code == 422
    assert "drive_id" in response.json["error"]["fields"]
