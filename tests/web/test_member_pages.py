"""Member list filters and sorting, and the create and edit forms."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import BloodGroup, MemberStatus
from donorclub.extensions import db
from donorclub.models import Member, Referral

from .. import factories


def form_data(**changes):
    data = {"full_name": "赵丽", "sex": "female", "date_of_birth": "1992-03-04",
            "blood_group": "A+", "weight_kg": "52", "phone": "138 0000 1111",
            "email": "", "member_no": "", "joined_on": "2024-05-01", "status": "active",
            "consent_contact": "y", "notes": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def names(page: str, candidates) -> set[str]:
    return {name for name in candidates if name in page}


@pytest.fixture
def crowd(world):
    club = world.club_a
    a = factories.make_member(club, "0002", "李建华", sex="male", phone="13900000002")
    a.blood_group = BloodGroup.O_NEG
    b = factories.make_member(club, "0003", "张建国", sex="male")
    b.status = MemberStatus.INACTIVE
    c = factories.make_member(club, "0004", "陈静", date_of_birth=date(2001, 1, 1))
    factories.make_deferral(c, date.today() - timedelta(days=3), date.today() + timedelta(days=30))
    factories.make_donation(a, date.today() - timedelta(days=20))  # whole blood 20 days ago
    db.session.add(Referral(club_id=club.id, referrer_id=b.id, candidate_name="小王",
                            registry_code="cmdp", referred_on=date(2025, 1, 1)))
    db.session.commit()
    return ["王秀英", "李建华", "张建国", "陈静"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"王秀英", "李建华", "张建国", "陈静"}),
        ("?blood_group=O-", {"李建华"}),
        ("?blood_group=unknown", {"王秀英", "张建国", "陈静"}),
        ("?status=inactive", {"张建国"}),
        ("?deferred=y", {"陈静"}),
        ("?has_referral=y", {"张建国"}),
        ("?q=建&status=active", {"李建华"}),
        ("?eligible_kind=whole_blood", {"王秀英", "张建国"}),  # 李 gave, 陈 is deferred
        ("?eligible_kind=platelets&eligible_on={soon}", {"王秀英", "张建国", "陈静", "李建华"}),
    ],
)
def test_member_list_filters(signed_in, crowd, query, expected):
    soon = (date.today() + timedelta(days=100)).isoformat()  # after the wait and the deferral
    response = signed_in("coordinator_a").get(f"/clubs/club-a/members/{query.format(soon=soon)}")
    assert response.status_code == 200
    assert names(response.get_data(as_text=True), crowd) == expected


def test_member_list_sorts_by_age(signed_in, crowd):
    page = signed_in("coordinator_a").get("/clubs/club-a/members/?sort=age").get_data(
        as_text=True)
    assert page.index("陈静") < page.index("王秀英")


def test_bad_filter_values_are_reported_not_fatal(signed_in, crowd):
    response = signed_in("coordinator_a").get(
        "/clubs/club-a/members/?blood_group=C%2B&eligible_on=someday")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not a valid choice" in page or "Not a valid date" in page
    assert names(page, crowd) == set(crowd)


def test_pagination_keeps_the_filters(signed_in, world, app):
    app.config["MEMBERS_PER_PAGE"] = 2
    for n in range(5):
        factories.make_member(world.club_a, f"01{n:02d}", f"成员{n}")
    db.session.commit()
    page = signed_in("coordinator_a").get("/clubs/club-a/members/?q=成员").get_data(as_text=True)
    assert "page=2" in page and "q=%E6%88%90%E5%91%98" in page


def test_create_member_through_the_form(signed_in, world):
    response = signed_in("coordinator_a").post("/clubs/club-a/members/new", data=form_data())
    assert response.status_code == 302
    member = db.session.scalar(sa.select(Member).where(Member.full_name == "赵丽"))
    assert member.club_id == world.club_a.id and member.member_no == "0002"
    assert member.consent_contact and not member.consent_public_verification


def test_create_form_shows_field_errors_and_saves_nothing(signed_in, world):
    response = signed_in("coordinator_a").post(
        "/clubs/club-a/members/new",
        data=form_data(full_name="", date_of_birth="2030-01-01", email="nope"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The date of birth cannot be in the future." in page
    assert "This field is required." in page or "Enter the member" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 2


def test_likely_duplicate_needs_confirmation(signed_in, world):
    client = signed_in("coordinator_a")
    duplicate = form_data(full_name="王秀英", date_of_birth="1985-03-02", phone="")
    response = client.post("/clubs/club-a/members/new", data=duplicate)
    assert response.status_code == 409
    assert "This looks like a member the club already has" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 2
    response = client.post("/clubs/club-a/members/new",
                           data={**duplicate, "confirm_duplicate": "y"})
    assert response.status_code == 302


def test_edit_member(signed_in, world):
    client = signed_in("coordinator_a")
    url = f"/clubs/club-a/members/{world.member_a.id}/edit"
    assert "王秀英" in client.get(url).get_data(as_text=True)
    response = client.post(url, data=form_data(full_name="王秀英", date_of_birth="1985-03-02",
                                               member_no="0001", phone="13900000001",
                                               weight_kg="58.5"))
    assert response.status_code == 302
    member = db.session.get(Member, world.member_a.id)
    db.session.refresh(member)
    assert member.weight_kg == 58.5 and member.blood_group == BloodGroup.A_POS


@pytest.mark.parametrize(("typed", "stored", "status"), [
    ("en", "en", 302), ("zh_Hans", "zh_Hans", 302), ("", None, 302), ("fr", None, 422)])
def test_a_members_preferred_language_is_one_certificates_are_printed_in(
        signed_in, world, typed, stored, status):
    client = signed_in("coordinator_a")
    response = client.post(f"/clubs/club-a/members/{world.member_a.id}/edit",
                           data=form_data(full_name="王秀英", date_of_birth="1985-03-02",
                                          member_no="0001", phone="13900000001", locale=typed))
    assert response.status_code == status
    member = db.session.get(Member, world.member_a.id)
    db.session.refresh(member)
    assert member.locale == stored


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url", ["/clubs/club-a/members/new", "/clubs/club-a/members/{id}/edit"])
def test_other_clubs_cannot_create_or_edit(signed_in, world, method, url):
    url = url.format(id=world.member_a.id)
    response = getattr(signed_in("coordinator_b"), method)(url, data=form_data())
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 2


def test_member_page_shows_award_count_referrals_and_trail(signed_in, world):
    factories.make_donation(world.member_a, date(2024, 3, 1), volume_ml=400)
    factories.make_donation(world.member_a, date(2024, 10, 1), volume_ml=300)
    db.session.add(Referral(club_id=world.club_a.id, referrer_id=world.member_a.id,
                            candidate_name="小李", registry_code="cmdp",
                            referred_on=date(2025, 2, 1)))
    db.session.commit()
    client = signed_in("coordinator_a")
    client.post(f"/clubs/club-a/members/{world.member_a.id}/edit",
                data=form_data(full_name="王秀英", date_of_birth="1985-03-02", member_no="0001",
                               phone="13900000009"))
    page = client.get(f"/clubs/club-a/members/{world.member_a.id}").get_data(as_text=True)
    title, page = page.split("</title>", 1)
    assert "小李" not in title
    assert "Counts toward awards: 3.5" in page  # 400 ml = 2, 300 ml = 1.5
    assert "小李" in page and "China Marrow Donor Program" in page
    assert "13900000001" in page and "13900000009" in page  # before and after in the trail


def test_member_page_ids_are_unique(signed_in, world):
    import re
    from collections import Counter

    factories.make_donation(world.member_a, date(2024, 3, 1), volume_ml=400)
    db.session.commit()
    page = signed_in("coordinator_a").get(f"/clubs/club-a/members/{world.member_a.id}").get_data(
        as_text=True)
    repeated = [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', page)).items() if n > 1]
    assert repeated == []
