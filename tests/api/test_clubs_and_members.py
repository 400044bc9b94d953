"""Clubs and members over the API: the contract's shapes, errors and who may see what."""
from datetime import date

import pytest
import sqlalchemy as sa

from donorclub.extensions import db
from donorclub.models import Member


def test_requests_without_a_valid_token_get_401(api):
    for client in (api(None), ):
        response = client.get("/api/v1/clubs")
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"
    bad = api(None)
    bad.token = "dc_not-a-token"
    assert bad.get("/api/v1/clubs").status_code == 401


@pytest.mark.parametrize(("role", "slugs"), [
    ("admin", ["club-a", "club-b"]), ("coordinator_a", ["club-a"]), ("member_user", []),
])
def test_clubs_are_those_the_user_works_in(api, role, slugs):
    response = api(role).get("/api/v1/clubs")
    assert response.status_code == 200
    body = response.json
    assert sorted(c["slug"] for c in body["items"]) == slugs
    assert (body["page"], body["per_page"], body["total"]) == (1, 50, len(slugs))


def test_only_admins_create_clubs(api):
    body = {"slug": "new-club", "name": "New", "rule_set": "uk", "locale": "en"}
    assert api("coordinator_a").post("/api/v1/clubs", json=body).status_code == 404
    response = api("admin").post("/api/v1/clubs", json=body)
    assert response.status_code == 201 and response.json["rule_set"] == "uk"
    again = api("admin").post("/api/v1/clubs", json=body)
    assert again.status_code == 422 and "slug" in again.json["error"]["fields"]


def test_list_members_is_a_page_with_filters(api, world):
    response = api("coordinator_a").get("/api/v1/clubs/club-a/members?q=秀&per_page=10")
    assert response.status_code == 200
    body = response.json
    assert (body["page"], body["per_page"], body["total"]) == (1, 10, 1)
    assert body["items"][0]["full_name"] == "王秀英" and body["items"][0]["club"] == "club-a"
    assert api("coordinator_b").get("/api/v1/clubs/club-a/members").status_code == 404
    bad = api("coordinator_a").get("/api/v1/clubs/club-a/members?blood_group=Z")
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid"
    assert "blood_group" in bad.json["error"]["fields"]


def test_create_member_returns_201_with_the_member(api):
    body = {"full_name": "李小龙", "sex": "male", "date_of_birth": "1990-05-01",
            "blood_group": "O+", "phone": "13800000000"}
    response = api("coordinator_a").post("/api/v1/clubs/club-a/members", json=body)
    assert response.status_code == 201, response.json
    created = response.json
    assert (created["member_no"], created["blood_group"], created["joined_on"]) == (
        "0002", "O+", date.today().isoformat())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 3


@pytest.mark.parametrize(("body", "field"), [
    ({"sex": "male", "date_of_birth": "1990-05-01"}, "full_name"),
    ({"full_name": "A", "sex": "other", "date_of_birth": "1990-05-01"}, "sex"),
    ({"full_name": "A", "sex": "male", "date_of_birth": "01/05/1990"}, "date_of_birth"),
    ({"full_name": "A", "sex": "male", "date_of_birth": "2999-01-01"}, "date_of_birth"),
    ({"full_name": "A", "sex": "male", "date_of_birth": "1990-05-01", "shoe": 42}, "shoe"),
])
def test_bad_members_are_refused_with_field_messages(api, body, field):
    response = api("coordinator_a").post("/api/v1/clubs/club-a/members", json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 2


def test_get_and_patch_a_member(api, world):
    url = f"/api/v1/members/{world.member_a.id}"
    assert api("member_user").get(url).json["full_name"] == "王秀英"  # their own record
    assert api("coordinator_b").get(url).status_code == 404
    response = api("coordinator_a").patch(url, json={"phone": "13911112222"})
    assert response.status_code == 200 and response.json["phone"] == "13911112222"
    assert response.json["full_name"] == "王秀英"  # untouched fields stay
    assert api("member_user").patch(url, json={"phone": "1"}).status_code == 404
    other = f"/api/v1/members/{world.member_b.id}"
    assert api("member_user").get(other).status_code == 404


def test_a_nul_character_is_refused_with_400_and_changes_nothing(api):
    """PostgreSQL cannot store NUL; the API answers 400 in its error format before any query."""
    body = {"full_name": "李\x00小龙", "sex": "male", "date_of_birth": "1990-05-01",
            "phone": "13800000000"}
    client = api("coordinator_a")
    response = client.post("/api/v1/clubs/club-a/members", json=body)
    assert response.status_code == 400 and "NUL" in response.json["error"]["message"]
    nested = client.post("/api/v1/clubs/club-a/members", json={**body, "full_name": "李小龙",
                                                                "notes": ["a\x00"]})
    assert nested.status_code == 400
    query = client.get("/api/v1/clubs/club-a/members?q=%00")
    assert query.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member).where(
        Member.full_name.like("李%小龙"))) == 0
