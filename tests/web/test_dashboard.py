"""The overview, a club's dashboard and the "who can donate on a day" list with its CSV."""
import csv
import io
import re
from datetime import date, timedelta

import pytest

from donorclub.domain.enums import BloodGroup, DonationKind, MemberStatus
from donorclub.extensions import db

from .. import factories

ENDPOINTS = ["/clubs/{slug}/dashboard", "/clubs/{slug}/eligible",
             "/clubs/{slug}/eligible?format=csv&kind=whole_blood"]


@pytest.fixture
def donors(world):
    """Club A: 王秀英 (0001, gave whole blood 30 days ago), 李建华 (0002, never gave, agreed
    to be contacted), 张伟 (0003, inactive), and a member whose name Excel would run."""
    today = date.today()
    factories.make_donation(world.member_a, today - timedelta(days=30), volume_ml=400)
    li = factories.make_member(world.club_a, "0002", "李建华", phone="13900000002")
    li.email, li.consent_contact, li.blood_group = "li@example.org", True, BloodGroup.O_POS
    zhang = factories.make_member(world.club_a, "0003", "张伟")
    zhang.status = MemberStatus.INACTIVE
    factories.make_member(world.club_a, "0004", "=HYPERLINK(1)")
    factories.make_donation(world.member_b, today - timedelta(days=200), volume_ml=500)
    db.session.commit()
    return world


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize(
    ("who", "slug", "status"),
    [("coordinator_a", "club-a", 200), ("coordinator_b", "club-a", 404),
     ("coordinator_a", "club-b", 404), ("admin", "club-a", 200), ("admin", "club-b", 200),
     ("member_user", "club-a", 404), ("coordinator_a", "no-such-club", 404)],
)
def test_club_pages_are_scoped_to_the_users_clubs(signed_in, donors, url, who, slug, status):
    response = signed_in(who).get(url.format(slug=slug))
    assert response.status_code == status
    if status == 404:
        assert "王秀英" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, url):
    response = client.get(url.format(slug="club-a"))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_overview_links_each_club_and_gives_admins_the_totals(signed_in, donors):
    page = signed_in("admin").get("/").get_data(as_text=True)
    assert 'href="/clubs/club-a/dashboard"' in page and 'href="/clubs/club-b/dashboard"' in page
    assert "All clubs together" in page
    page = signed_in("coordinator_a").get("/").get_data(as_text=True)
    assert 'href="/clubs/club-a/dashboard"' in page and "club-b" not in page
    assert "All clubs together" not in page


def test_members_are_still_sent_to_their_portal(signed_in, world):
    assert signed_in("member_user").get("/").headers["Location"] == "/me/"


def test_club_dashboard_shows_figures_and_three_charts_with_tables(signed_in, donors):
    response = signed_in("coordinator_a").get("/clubs/club-a/dashboard")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('role="img"') == 3
    main = page.split("<main", 1)[1]  # the header has a "More" disclosure of its own
    assert main.count("<details") == 3 and main.count("<table") >= 4
    assert "Donations per month, by kind" in page
    assert "Active members by blood group" in page
    assert "how far they got" in page
    assert "<script" not in page and "cdn" not in page.lower()
    # Eligible today per kind: 李建华 and the =HYPERLINK member (王秀英 gave 30 days ago,
    # 张伟 is inactive); a link leads to each list.
    assert 'href="/clubs/club-a/eligible?kind=whole_blood"' in page
    assert 'href="/clubs/club-a/eligible?kind=platelets"' in page
    # One titled bar per blood group: 李建华 is O+, the two others are not known.
    assert "<title>O+: 1</title>" in page and "<title>Not known: 2</title>" in page
    assert "<title>A+: 0</title>" in page


def test_print_stylesheet_hides_the_filters_and_keeps_the_title(client):
    css = client.get("/static/css/app.css").get_data(as_text=True)
    print_rules = "".join(block.split("}\n}")[0] for block in css.split("@media print")[1:])
    assert ".filter-form" in print_rules and ".list-actions" in print_rules
    assert ".site-nav" in print_rules  # menus were already left out of every printout


def test_eligible_list_defaults_to_today_and_the_first_kind(signed_in, donors):
    response = signed_in("coordinator_a").get("/clubs/club-a/eligible")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Who can give whole blood on" in page and "Anshan Steel Donors" in page
    assert "李建华" in page and "13900000002" in page and "li@example.org" in page
    assert "王秀英" not in page  # whole blood 30 days ago: six months under China's rules
    assert "张伟" not in page  # inactive
    assert f'value="{date.today().isoformat()}"' in page


def test_eligible_list_on_a_later_date_and_another_kind(signed_in, donors):
    later = (date.today() + timedelta(days=100)).isoformat()
    page = signed_in("coordinator_a").get(
        f"/clubs/club-a/eligible?date={later}&kind=platelets").get_data(as_text=True)
    assert "Who can give platelets on" in page
    assert "王秀英" in page  # three months after whole blood have passed
    page = signed_in("coordinator_a").get(
        "/clubs/club-a/eligible?kind=platelets").get_data(as_text=True)
    assert "王秀英" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [("date=2026-02-30", "Not a valid date value"),
     ("date=tomorrow", "Not a valid date value"),
     ("kind=plasma", "Not a valid choice"),  # not in China's rule set
     ("kind=../../etc", "Not a valid choice"),
     (f"date={(date.today() + timedelta(days=800)).isoformat()}", "within a year of today"),
     ("date=9999-12-31&format=csv", "within a year of today")],
)
def test_bad_filter_values_re_render_the_page_with_a_field_error(signed_in, donors, query,
                                                                  message):
    response = signed_in("coordinator_a").get(f"/clubs/club-a/eligible?{query}")
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert "李建华" not in page


def test_csv_has_a_bom_a_header_and_the_same_members(signed_in, donors):
    day = date.today().isoformat()
    response = signed_in("coordinator_a").get(
        f"/clubs/club-a/eligible?date={day}&kind=whole_blood&format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="eligible-club-a-whole_blood-{day}.csv"')
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Member no.", "Full name", "Blood group", "Phone", "Email",
                       "May be contacted", "Last donation"]
    assert rows[1] == ["0002", "李建华", "O+", "13900000002", "li@example.org", "yes", ""]
    assert rows[2][:2] == ["0004", "'=HYPERLINK(1)"]  # not run as a formula by Excel
    assert rows[2][5] == "no"
    assert len(rows) == 3


def test_csv_lists_the_last_donation(signed_in, donors):
    later = date.today() + timedelta(days=100)
    response = signed_in("coordinator_a").get(
        f"/clubs/club-a/eligible?date={later.isoformat()}&kind=platelets&format=csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    wang = next(r for r in rows if r[1] == "王秀英")
    assert wang[6] == (date.today() - timedelta(days=30)).isoformat()
    assert "platelets" in response.headers["Content-Disposition"]


def test_eligible_page_is_printable_with_club_kind_and_date(signed_in, donors):
    page = signed_in("coordinator_a").get("/clubs/club-a/eligible").get_data(as_text=True)
    assert 'class="page-eligible"' in page
    assert 'class="filter-form"' in page and 'method="get"' in page
    heading = page.split("<h1>")[1].split("</h1>")[0]
    assert "whole blood" in heading and str(date.today().year) in heading
    assert 'format=csv' in page


def test_an_empty_list_says_so(signed_in, world):
    factories.make_donation(world.member_a, date.today() - timedelta(days=10))
    db.session.commit()
    response = signed_in("coordinator_a").get("/clubs/club-a/eligible")
    assert response.status_code == 200
    assert "No active member may give that kind on that day" in response.get_data(as_text=True)


@pytest.fixture
def crowd(app, donors):
    """Seven members may give whole blood today, three to a page: 0002, 0004 and 0005 to 0009;
    five of them agreed to be contacted (0002 and 0005 to 0009 but 0007)."""
    app.config["MEMBERS_PER_PAGE"] = 3
    for n in range(5, 10):
        factories.make_member(donors.club_a, f"{n:04d}", f"成员{n}").consent_contact = n != 7
    db.session.commit()
    return donors


def listed_numbers(page: str) -> list[str]:
    """The member numbers in the list's table, in their order."""
    return re.findall(r'data-label="Member no\.">(\d{4})</td>', page)


def eligible_page(client, query: str = "") -> str:
    response = client.get(f"/clubs/club-a/eligible?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


WHOLE_LIST_COUNTS = ("7 members may give on that day.", "5 of them agreed to be contacted.")


@pytest.mark.parametrize(("page", "numbers"), [
    ("", ["0002", "0004", "0005"]),
    ("page=1", ["0002", "0004", "0005"]),
    ("page=2", ["0006", "0007", "0008"]),
    ("page=3", ["0009"]),
])
def test_the_list_is_paged_and_its_counts_are_for_the_whole_list(signed_in, crowd, page,
                                                                numbers):
    shown = eligible_page(signed_in("coordinator_a"), page)
    assert listed_numbers(shown) == numbers
    assert all(count in shown for count in WHOLE_LIST_COUNTS)
    assert '<nav class="pagination" aria-label="Pages">' in shown


def test_page_links_keep_the_day_and_the_kind(signed_in, crowd):
    day = (date.today() + timedelta(days=100)).isoformat()  # 王秀英 still waits for whole blood
    shown = eligible_page(signed_in("coordinator_a"), f"kind=whole_blood&date={day}&page=2")
    assert listed_numbers(shown) == ["0006", "0007", "0008"]
    keep = f"date={day}&amp;kind=whole_blood"
    assert f'rel="prev" href="/clubs/club-a/eligible?page=1&amp;{keep}"' in shown
    assert f'rel="next" href="/clubs/club-a/eligible?page=3&amp;{keep}"' in shown
    assert f'href="/clubs/club-a/eligible?format=print&amp;{keep}"' in shown
    assert f'href="/clubs/club-a/eligible?format=csv&amp;{keep}"' in shown
    assert "Page 2 of 3" in shown


def test_the_print_view_shows_the_whole_list_on_one_page(signed_in, crowd):
    shown = eligible_page(signed_in("coordinator_a"), "kind=whole_blood&format=print&page=2")
    assert listed_numbers(shown) == ["0002", "0004", "0005", "0006", "0007", "0008", "0009"]
    assert all(count in shown for count in WHOLE_LIST_COUNTS)
    assert 'class="pagination"' not in shown
    assert "use your browser’s print command" in shown
    assert f'href="/clubs/club-a/eligible?date={date.today().isoformat()}&amp;kind=whole_blood"' \
        in shown  # back to the list in pages


def test_the_paged_list_offers_the_print_view_and_a_short_list_has_no_pages(signed_in,
                                                                            donors):
    shown = eligible_page(signed_in("coordinator_a"))
    assert listed_numbers(shown) == ["0002", "0004"]
    assert "format=print" in shown and "Print view" in shown
    assert 'class="pagination"' not in shown


def test_the_csv_has_the_whole_list_whatever_the_page(signed_in, crowd):
    response = signed_in("coordinator_a").get(
        "/clubs/club-a/eligible?kind=whole_blood&format=csv&page=2")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["0002", "0004", "0005", "0006", "0007", "0008",
                                            "0009"]


@pytest.mark.parametrize("page", ["0", "-1", "two", "2.5", "99999999999999999999"])
def test_a_page_that_is_not_a_page_number_shows_the_first_page(signed_in, crowd, page):
    shown = eligible_page(signed_in("coordinator_a"), f"page={page}")
    assert listed_numbers(shown) == ["0002", "0004", "0005"]


def test_a_page_past_the_end_is_empty_and_links_to_the_first(signed_in, crowd):
    shown = eligible_page(signed_in("coordinator_a"), "kind=whole_blood&page=4")
    assert listed_numbers(shown) == []
    assert all(count in shown for count in WHOLE_LIST_COUNTS)
    assert "This page is empty." in shown
    assert (f'href="/clubs/club-a/eligible?date={date.today().isoformat()}&amp;'
            f'kind=whole_blood">Go to the first page') in shown
    assert "No active member may give" not in shown


def test_voided_donations_count_for_nothing_on_the_dashboard(signed_in, world):
    from donorclub.models.types import utcnow

    day = date(date.today().year, 1, 1)
    kept = factories.make_donation(world.member_a, day, volume_ml=300)
    voided = factories.make_donation(world.member_a, day, kind=DonationKind.PLATELETS,
                                     volume_ml=250, units=2)
    voided.voided_at, voided.void_reason = utcnow(), "Typed twice"
    assert kept.id != voided.id
    db.session.commit()
    page = signed_in("coordinator_a").get("/clubs/club-a/dashboard").get_data(as_text=True)
    donations = page.split('id="donations-heading"')[1].split("</section>")[0]
    assert "<dd>300</dd>" in donations and "<dd>2</dd>" not in donations
