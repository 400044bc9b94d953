"""Who sees what: coordinators only their clubs, members only themselves, 404 for the rest."""
import pytest

from donorclub.domain.enums import DonationKind

from .. import factories


def member_url(world, club, member):
    return f"/clubs/{getattr(world, club).slug}/members/{getattr(world, member).id}"


@pytest.mark.parametrize(
    ("who", "club", "member", "status"),
    [
        ("coordinator_a", "club_a", "member_a", 200),
        ("coordinator_a", "club_b", "member_b", 404),
        ("coordinator_a", "club_a", "member_b", 404),  # a foreign member under one's own club
        ("coordinator_b", "club_b", "member_b", 200),
        ("coordinator_b", "club_a", "member_a", 404),
        ("admin", "club_a", "member_a", 200),
        ("admin", "club_b", "member_b", 200),
        ("member_user", "club_a", "member_a", 404),  # members use the portal, not staff pages
    ],
)
def test_member_page_access(signed_in, world, who, club, member, status):
    response = signed_in(who).get(member_url(world, club, member))
    assert response.status_code == status
    if status == 404:
        body = response.get_data(as_text=True)
        assert getattr(world, member).full_name not in body


@pytest.mark.parametrize(
    ("who", "club", "status"),
    [("coordinator_a", "club-a", 200), ("coordinator_a", "club-b", 404),
     ("coordinator_b", "club-a", 404), ("admin", "club-b", 200), ("member_user", "club-a", 404),
     ("coordinator_a", "no-such-club", 404)],
)
def test_member_list_access(signed_in, who, club, status):
    assert signed_in(who).get(f"/clubs/{club}/members/").status_code == status


def test_anonymous_visitor_is_sent_to_login_for_member_pages(client, world):
    response = client.get(member_url(world, "club_a", "member_a"))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_unknown_member_is_404(signed_in, world):
    assert signed_in("admin").get("/clubs/club-a/members/99999").status_code == 404


def test_member_sees_only_their_own_record_in_the_portal(signed_in, world):
    client = signed_in("member_user")
    assert client.get("/").headers["Location"] == "/me/"
    page = client.get("/me/").get_data(as_text=True)
    assert "王秀英" in page
    assert "Emma Smith" not in page


def test_staff_do_not_have_a_portal(signed_in):
    assert signed_in("coordinator_a").get("/me/").status_code == 404


def test_dashboard_lists_only_the_coordinators_clubs(signed_in):
    page = signed_in("coordinator_b").get("/").get_data(as_text=True)
    assert "Riverside Donors" in page and "Anshan Steel Donors" not in page
    page = signed_in("admin").get("/").get_data(as_text=True)
    assert "Riverside Donors" in page and "Anshan Steel Donors" in page


def test_member_search_matches_any_part_of_a_chinese_name(signed_in, world):
    factories.make_member(world.club_a, "0002", "李建华")
    factories.make_member(world.club_a, "0003", "张建国")
    from donorclub.extensions import db

    db.session.commit()
    client = signed_in("coordinator_a")
    page = client.get("/clubs/club-a/members/?q=建").get_data(as_text=True)
    assert "李建华" in page and "张建国" in page and "王秀英" not in page
    page = client.get("/clubs/club-a/members/?q=华").get_data(as_text=True)
    assert "李建华" in page and "张建国" not in page
    page = client.get("/clubs/club-a/members/?q=13900000001").get_data(as_text=True)
    assert "王秀英" in page and "李建华" not in page


def test_member_page_shows_history_and_totals_without_voided(signed_in, world):
    from datetime import date

    from donorclub.extensions import db
    from donorclub.models.types import utcnow

    factories.make_donation(world.member_a, date(2024, 3, 1), volume_ml=400)
    factories.make_donation(world.member_a, date(2024, 10, 1), volume_ml=300)
    voided = factories.make_donation(world.member_a, date(2024, 10, 2), volume_ml=300)
    voided.voided_at, voided.void_reason = utcnow(), "Entered twice"
    factories.make_donation(world.member_a, date(2025, 1, 6), kind=DonationKind.PLATELETS,
                            volume_ml=250, units=2)
    db.session.commit()
    page = signed_in("coordinator_a").get(member_url(world, "club_a", "member_a")).get_data(
        as_text=True)
    assert "Entered twice" in page
    assert "700" in page  # whole-blood ml without the voided 300
    totals = page.split('id="totals-heading"', 1)[1].split("</section>", 1)[0]
    assert "1000" not in totals and "1,000" not in totals


def test_codes_are_shown_as_words(signed_in, world):
    from datetime import date

    from donorclub.extensions import db

    factories.make_donation(world.member_a, date(2025, 1, 6), kind=DonationKind.DOUBLE_RED,
                            volume_ml=360)
    db.session.commit()
    page = signed_in("coordinator_a").get(member_url(world, "club_a", "member_a")).get_data(
        as_text=True)
    assert "Double red cells" in page and "Female" in page
    assert "double_red" not in page.replace('class="', "")


def test_search_treats_wildcards_as_plain_characters(signed_in, world):
    from donorclub.extensions import db

    factories.make_member(world.club_a, "0002", "50%_club")
    db.session.commit()
    client = signed_in("coordinator_a")
    page = client.get("/clubs/club-a/members/?q=%25").get_data(as_text=True)
    assert "50%_club" in page and "王秀英" not in page
    page = client.get("/clubs/club-a/members/?q=_").get_data(as_text=True)
    assert "50%_club" in page and "王秀英" not in page
