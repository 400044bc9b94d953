"""Eligibility over the API: one member's answer per kind, and who may give on a day."""
from datetime import date, timedelta

import pytest

from donorclub.domain.enums import DonationKind, MemberStatus
from donorclub.extensions import db
from tests import factories

TODAY = date.today()


def url(member, on: str | None = None) -> str:
    return f"/api/v1/members/{member.id}/eligibility" + (f"?on={on}" if on else "")


def test_a_member_who_never_gave_may_give_every_kind_of_the_clubs_rules(api, world):
    response = api("coordinator_a").get(url(world.member_a))
    assert response.status_code == 200
    answer = response.json
    assert (answer["member_id"], answer["rule_set"], answer["on"]) == (
        world.member_a.id, "cn", TODAY.isoformat())
    assert sorted(answer["kinds"]) == ["platelets", "whole_blood"]
    assert all(k["eligible"] and k["next_date"] == answer["on"]
               for k in answer["kinds"].values())


def test_a_recent_donation_gives_the_next_date_and_the_reason(api, world):
    factories.make_donation(world.member_a, date(2025, 3, 15))
    db.session.commit()
    response = api("member_user").get(url(world.member_a, "2025-04-01"))
    assert response.status_code == 200
    whole_blood = response.json["kinds"]["whole_blood"]
    assert whole_blood["eligible"] is False
    blocking = [r for r in whole_blood["reasons"] if r["blocking"]]
    assert [r["code"] for r in blocking] == ["interval"]
    assert whole_blood["next_date"] == blocking[0]["clears_on"] == "2025-09-15"


def test_a_voided_donation_does_not_count(api, world):
    factories.void_row(factories.make_donation(world.member_a, date(2025, 3, 15)))
    db.session.commit()
    response = api("coordinator_a").get(url(world.member_a, "2025-04-01"))
    assert response.json["kinds"]["whole_blood"]["eligible"] is True


def test_an_indefinite_deferral_has_no_next_date(api, world):
    factories.make_deferral(world.member_a, date(2025, 1, 1), None, reason_code="pregnancy")
    db.session.commit()
    kinds = api("admin").get(url(world.member_a, "2025-04-01")).json["kinds"]
    assert kinds["platelets"]["eligible"] is False and kinds["platelets"]["next_date"] is None
    assert {"code": "permanent_deferral", "clears_on": None, "blocking": True} in (
        kinds["platelets"]["reasons"])


@pytest.mark.parametrize(("role", "member", "query", "status", "field"), [
    (None, "member_a", "", 401, None),
    ("coordinator_b", "member_a", "", 404, None),
    ("member_user", "member_b", "", 404, None),
    ("coordinator_a", "member_a", "?on=2025-13-01", 422, "on"),
    ("coordinator_a", "member_a", "?on=yesterday", 422, "on"),
])
def test_eligibility_errors(api, world, role, member, query, status, field):
    response = api(role).get(url(getattr(world, member)) + query)
    assert response.status_code == status
    assert "kinds" not in response.json
    assert sorted(response.json["error"].get("fields", {})) == ([field] if field else [])


def eligible_url(slug: str = "club-a", query: str = "") -> str:
    return f"/api/v1/clubs/{slug}/eligible{query}"


@pytest.fixture
def club_a_people(world):
    """member_a, a second member who gave whole blood a month ago, and an inactive third."""
    recent = factories.make_member(world.club_a, "0002", "李娜", date_of_birth=date(1990, 1, 1))
    factories.make_donation(recent, TODAY - timedelta(days=30))
    inactive = factories.make_member(world.club_a, "0003", "张伟", date_of_birth=date(1990, 1, 1))
    inactive.status = MemberStatus.INACTIVE
    factories.make_donation(world.member_a, TODAY - timedelta(days=400),
                            kind=DonationKind.WHOLE_BLOOD)
    db.session.commit()
    return recent, inactive


@pytest.mark.parametrize(("query", "member_nos"), [
    ("", ["0001"]),  # today, the rule set's first kind (whole blood)
    ("?kind=whole_blood", ["0001"]),
    ("?kind=platelets", ["0001"]),  # whole blood a month ago blocks platelets for a while too
    (f"?kind=whole_blood&on={(TODAY + timedelta(days=200)).isoformat()}", ["0001", "0002"]),
])
def test_the_eligible_list_names_active_members_the_rules_allow(api, world, club_a_people,
                                                                query, member_nos):
    response = api("coordinator_a").get(eligible_url(query=query))
    assert response.status_code == 200, response.json
    page = response.json
    assert [m["member_no"] for m in page["items"]] == member_nos
    assert (page["page"], page["total"]) == (1, len(member_nos))


def test_the_eligible_list_gives_the_last_donation_and_pages(api, world, club_a_people):
    on = (TODAY + timedelta(days=200)).isoformat()
    response = api("admin").get(eligible_url(query=f"?on={on}&per_page=1&page=2"))
    assert response.status_code == 200
    page = response.json
    assert (page["page"], page["per_page"], page["total"]) == (2, 1, 2)
    [second] = page["items"]
    assert (second["member_no"], second["club"], second["last_donated_on"]) == (
        "0002", "club-a", (TODAY - timedelta(days=30)).isoformat())


def test_the_eligible_list_gives_every_field_of_the_member(api, world, club_a_people):
    # The list is made from a few columns; each item must still be the whole member.
    on = (TODAY + timedelta(days=200)).isoformat()
    response = api("coordinator_a").get(eligible_url(query=f"?on={on}&per_page=1"))
    assert response.status_code == 200
    assert response.json["items"] == [{
        "id": world.member_a.id, "club": "club-a", "member_no": "0001", "full_name": "王秀英",
        "sex": "female", "date_of_birth": "1985-03-02", "blood_group": None, "weight_kg": None,
        "phone": "13900000001", "email": None, "joined_on": "2020-01-01", "status": "active",
        "locale": None, "consent_contact": False, "consent_public_verification": False,
        "consent_leaderboard": False,
        "last_donated_on": (TODAY - timedelta(days=400)).isoformat()}]


def test_a_page_past_the_end_of_the_eligible_list_is_empty(api, world, club_a_people):
    response = api("coordinator_a").get(eligible_url(query="?page=3&per_page=1"))
    assert response.status_code == 200
    assert response.json == {"items": [], "page": 3, "per_page": 1, "total": 1}


@pytest.mark.parametrize(("role", "slug", "query", "status", "field"), [
    (None, "club-a", "", 401, None),
    ("coordinator_b", "club-a", "", 404, None),
    ("member_user", "club-a", "", 404, None),
    ("coordinator_a", "no-such-club", "", 404, None),
    ("coordinator_a", "club-a", "?kind=plasma", 422, "kind"),  # not in the Chinese rules
    ("coordinator_a", "club-a", "?kind=blood", 422, "kind"),
    ("coordinator_a", "club-a", "?on=2020-01-01", 422, "on"),  # more than a year away
    ("coordinator_a", "club-a", "?on=01/01/2026", 422, "on"),
    ("coordinator_a", "club-a", "?per_page=0", 422, "per_page"),
])
def test_eligible_list_errors(api, world, role, slug, query, status, field):
    response = api(role).get(eligible_url(slug, query))
    assert response.status_code == status
    assert "items" not in response.json
    assert sorted(response.json["error"].get("fields", {})) == ([field] if field else [])
