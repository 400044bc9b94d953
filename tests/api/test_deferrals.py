"""Deferrals over the API: a reason of the club's catalogue or in words, its end and kinds."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from donorclub.extensions import db
from donorclub.models import Deferral

TODAY = date.today()
START = TODAY - timedelta(days=2)


def deferral_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Deferral))


def url(member) -> str:
    return f"/api/v1/members/{member.id}/deferrals"


def day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


# Club A follows the Chinese rules: dental care defers every kind for 3 days, aspirin only
# platelets for 5.
@pytest.mark.parametrize(("data", "ends_on", "kinds", "note"), [
    ({"reason": "dental_care"}, day(3), None, ""),
    ({"reason": "dental_care", "ends_on": None}, None, None, ""),  # null: indefinite
    ({"reason": "dental_care", "ends_on": day(10)}, day(10), None, ""),
    ({"reason": "aspirin_antiplatelet"}, day(5), ["platelets"], ""),
    ({"reason": "dental_care", "kinds": ["platelets"]}, day(3), ["platelets"], ""),
    ({"reason": "dental_care", "kinds": ["platelets", "whole_blood"]}, day(3), None, ""),
    ({"reason": "other", "note": "Fainted last time", "ends_on": day(60)}, day(60), None,
     "Fainted last time"),
    ({"reason": "other", "note": "Hepatitis B", "ends_on": None}, None, None, "Hepatitis B"),
])
def test_recording_a_deferral_returns_201_with_its_end_and_kinds(api, world, data, ends_on,
                                                                  kinds, note):
    response = api("coordinator_a").post(url(world.member_a),
                                         json={"starts_on": START.isoformat(), **data})
    assert response.status_code == 201, response.json
    created = response.json
    assert (created["member_id"], created["reason"], created["starts_on"], created["ends_on"],
            created["kinds"], created["note"]) == (
        world.member_a.id, data["reason"], START.isoformat(), ends_on, kinds, note)
    stored = db.session.get(Deferral, created["id"])
    assert (stored.reason_code, stored.member_id) == (data["reason"], world.member_a.id)


def test_a_deferral_blocks_the_member_from_then_on(api, world):
    api("coordinator_a").post(url(world.member_a), json={
        "reason": "dental_care", "starts_on": TODAY.isoformat()})
    eligibility = api("coordinator_a").get(f"/api/v1/members/{world.member_a.id}/eligibility")
    whole_blood = eligibility.json["kinds"]["whole_blood"]
    assert whole_blood["eligible"] is False
    assert whole_blood["next_date"] == (TODAY + timedelta(days=3)).isoformat()


S = START.isoformat()


@pytest.mark.parametrize(("data", "field"), [
    ({"reason": "no_such_reason", "starts_on": S}, "reason"),
    ({"reason": "", "starts_on": S}, "reason"),
    ({"starts_on": S}, "reason"),
    ({"reason": "other", "starts_on": S, "ends_on": day(30)}, "note"),  # "other" needs words
    ({"reason": "other", "starts_on": S, "note": "Fainted"}, "ends_on"),  # and an end or null
    ({"reason": "dental_care", "starts_on": S, "ends_on": day(0)}, "ends_on"),  # not after
    ({"reason": "dental_care", "starts_on": S, "ends_on": "2026/01/01"}, "ends_on"),
    ({"reason": "dental_care"}, "starts_on"),
    ({"reason": "dental_care", "starts_on": "1980-01-01"}, "starts_on"),  # before birth
    ({"reason": "dental_care", "starts_on": S, "kinds": ["plasma"]}, "kinds"),  # not in cn
    ({"reason": "dental_care", "starts_on": S, "kinds": ["blood"]}, "kinds"),
    ({"reason": "dental_care", "starts_on": S, "kinds": []}, "kinds"),
    ({"reason": "dental_care", "starts_on": S, "note": "x" * 501}, "note"),
    ({"reason": "dental_care", "starts_on": S, "indefinite": True}, "indefinite"),
])
def test_bad_deferrals_are_422_with_the_field(api, world, data, field):
    response = api("coordinator_a").post(url(world.member_a), json=data)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid"
    assert field in response.json["error"]["fields"]
    assert deferral_count() == 0


@pytest.mark.parametrize(("role", "member", "status"), [
    (None, "member_a", 401),
    ("coordinator_b", "member_a", 404),
    ("member_user", "member_a", 404),  # a member login never records its own deferrals
    ("coordinator_a", "member_b", 404),
])
def test_deferrals_for_a_member_the_user_may_not_change_are_refused(api, world, role, member,
                                                                    status):
    response = api(role).post(url(getattr(world, member)), json={
        "reason": "dental_care", "starts_on": START.isoformat()})
    assert response.status_code == status
    assert deferral_count() == 0
