"""The referral funnel report, the leaderboard and the CSV export: pages, filters, scoping."""
import csv
import io
from datetime import date, timedelta

import pytest

from donorclub.domain.enums import ReferralStatus, Registry
from donorclub.extensions import db
from donorclub.models import Referral, ReferralEvent

from .. import factories

S = ReferralStatus
ENDPOINTS = ["/clubs/{slug}/referrals/report", "/clubs/{slug}/referrals/leaderboard",
             "/clubs/{slug}/referrals/export.csv"]


def referral(club, referrer, status, referred_on, events, name="Candidate"):
    r = Referral(club=club, referrer=referrer, candidate_name=name, registry_code=Registry.CMDP,
                 status=status, referred_on=referred_on)
    db.session.add(r)
    for stage, on in events:
        db.session.add(ReferralEvent(referral=r, status=stage, occurred_on=on))


@pytest.fixture
def referrals(world):
    """Club A: 王秀英 (0001, agreed to the leaderboard) referred two candidates, one listed
    after 10 days per stage; 李建华 (0002, did not agree) referred one, listed. Club B: one."""
    world.member_a.consent_leaderboard = True
    li = factories.make_member(world.club_a, "0002", "李建华")
    steps = [S.REFERRED, S.CONSENTED, S.SAMPLED, S.TYPED, S.LISTED]
    listed = [(s, date(2026, 1, 1) + timedelta(days=10 * n)) for n, s in enumerate(steps)]
    referral(world.club_a, world.member_a, S.LISTED, date(2026, 1, 1), listed, name="@SUM(1)")
    referral(world.club_a, world.member_a, S.WITHDRAWN, date(2026, 2, 1),
             [(S.REFERRED, date(2026, 2, 1)), (S.WITHDRAWN, date(2026, 2, 3))])
    referral(world.club_a, li, S.LISTED, date(2026, 3, 1), [])
    world.member_b.consent_leaderboard = True
    referral(world.club_b, world.member_b, S.REFERRED, date(2026, 1, 1), [], name="Secret")
    db.session.commit()
    return world


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize(
    ("who", "slug", "status"),
    [("coordinator_a", "club-a", 200), ("coordinator_b", "club-a", 404),
     ("coordinator_a", "club-b", 404), ("admin", "club-b", 200),
     ("member_user", "club-a", 404), ("coordinator_a", "no-such-club", 404)])
def test_reports_are_scoped_to_the_users_clubs(signed_in, referrals, url, who, slug, status):
    assert signed_in(who).get(url.format(slug=slug)).status_code == status


def test_visitors_are_sent_to_sign_in(client, referrals):
    assert client.get("/clubs/club-a/referrals/report").status_code == 302


def test_funnel_page_shows_counts_percent_and_words(signed_in, referrals):
    page = signed_in("coordinator_a").get("/clubs/club-a/referrals/report")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and "chart-referral-funnel" in html
    assert "67%" in html  # 2 of 3 referrals reached listing
    assert "(2 of the 2 who reached typed)" in html
    assert "(2 of 3)" in html and "Withdrawn" in html


def test_funnel_of_one_referrer_by_member_number(signed_in, referrals):
    page = signed_in("coordinator_a").get("/clubs/club-a/referrals/report?referrer=0001")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Marrow referrals of 0001" in html
    assert "(1 of 2)" in html and "50%" in html


@pytest.mark.parametrize("query", ["since=2026-13-01", "until=yesterday",
                                   "since=2026-05-01&until=2026-01-01", "referrer=9999",
                                   "referrer=%3Cscript%3E"])
@pytest.mark.parametrize("url", ["/clubs/club-a/referrals/report",
                                 "/clubs/club-a/referrals/export.csv"])
def test_bad_filters_answer_422_with_a_message(signed_in, referrals, url, query):
    page = signed_in("coordinator_a").get(f"{url}?{query}")
    assert page.status_code == 422
    assert 'class="field-error"' in page.get_data(as_text=True)


def test_referrer_of_another_club_is_not_found(signed_in, referrals):
    # 0001 exists in club B as well; club A's 0001 is meant, B's referral never counts.
    page = signed_in("coordinator_a").get("/clubs/club-a/referrals/export.csv?referrer=0001")
    assert "Secret" not in page.get_data(as_text=True)


def test_leaderboard_shows_only_members_who_agreed(signed_in, referrals):
    page = signed_in("coordinator_a").get("/clubs/club-a/referrals/leaderboard")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "王秀英" in html and "李建华" not in html and "Emma Smith" not in html
    bad = signed_in("coordinator_a").get(
        "/clubs/club-a/referrals/leaderboard?since=2026-05-01&until=2026-01-01")
    assert bad.status_code == 422 and "before its start" in bad.get_data(as_text=True)


def test_csv_export_with_filters(signed_in, referrals):
    response = signed_in("coordinator_a").get(
        "/clubs/club-a/referrals/export.csv?since=2026-01-01&until=2026-02-28")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1:] == [
        ["2026-01-01", "0001", "王秀英", "'@SUM(1)", "China Marrow Donor Program", "Listed", "",
         "2026-02-10"],
        ["2026-02-01", "0001", "王秀英", "Candidate", "China Marrow Donor Program", "Withdrawn",
         "", "2026-02-03"],
    ]
