"""Referral reports on a small hand-built club: funnel arithmetic, leaderboard, CSV."""
import csv
import io
from datetime import date

import pytest

from donorclub.domain.enums import DriveKind, ReferralStatus, Registry
from donorclub.extensions import db
from donorclub.models import Drive, Referral, ReferralEvent
from donorclub.services import referral_reports as reports
from donorclub.services.errors import InvalidInput

from .. import factories

S = ReferralStatus


def referral(club, referrer, status, referred_on, events, *, name="Candidate", drive=None):
    r = Referral(club=club, referrer=referrer, candidate_name=name, registry_code=Registry.CMDP,
                 status=status, referred_on=referred_on, drive_id=drive.id if drive else None)
    db.session.add(r)
    for stage, on in events:
        db.session.add(ReferralEvent(referral=r, status=stage, occurred_on=on))
    return r


@pytest.fixture
def club(app):
    club = factories.make_club("club-a", "Club A")
    other = factories.make_club("club-b", "Club B", rule_set="us")
    m1 = factories.make_member(club, "0001", "Ann Able")
    m2 = factories.make_member(club, "0002", "Bo Brave")
    m3 = factories.make_member(club, "0003", "Cy Shy")
    m1.consent_leaderboard = m2.consent_leaderboard = True
    outsider = factories.make_member(other, "0001", "Di Elsewhere")
    outsider.consent_leaderboard = True
    drive = Drive(club=club, held_on=date(2025, 12, 30), place="Library",
                  kind=DriveKind.MARROW_RECRUITMENT)
    db.session.add(drive)
    db.session.flush()
    d = lambda m, day: date(2026, m, day)  # noqa: E731
    referral(club, m1, S.LISTED, d(1, 1), [(S.REFERRED, d(1, 1)), (S.CONSENTED, d(1, 5)),
             (S.SAMPLED, d(1, 11)), (S.TYPED, d(1, 21)), (S.LISTED, d(2, 20))],
             name="=HYPERLINK(1)", drive=drive)
    referral(club, m1, S.WITHDRAWN, d(1, 10), [(S.REFERRED, d(1, 10)), (S.CONSENTED, d(1, 12)),
             (S.SAMPLED, d(1, 20)), (S.WITHDRAWN, d(2, 1))])
    referral(club, m2, S.REFERRED, d(2, 1), [])
    referral(club, m3, S.LISTED, d(3, 1), [(S.REFERRED, d(3, 1)), (S.CONSENTED, d(3, 4)),
             (S.SAMPLED, d(3, 5)), (S.TYPED, d(3, 15)), (S.LISTED, d(4, 1))])
    referral(club, m3, S.LOST_CONTACT, d(3, 10), [(S.REFERRED, d(3, 10)),
             (S.CONSENTED, d(3, 20)), (S.LOST_CONTACT, d(4, 1))])
    # Imported with gaps: only referred and typed recorded, so it reached consented and
    # sampled without dates for them.
    referral(club, m2, S.TYPED, d(4, 1), [(S.REFERRED, d(4, 1)), (S.TYPED, d(4, 30))])
    referral(other, outsider, S.DONATED, d(1, 1), [(S.DONATED, d(2, 1))])
    db.session.commit()
    club.m = {"0001": m1, "0002": m2, "0003": m3}
    return club


def by_status(result):
    return {s.status: s for s in result.stages}


def test_funnel_counts_conversions_and_exits(club):
    result = reports.funnel(club.id)
    stages = by_status(result)
    assert result.total == 6
    assert [s.reached for s in result.stages] == [6, 5, 4, 3, 2, 0, 0, 0, 0, 0]
    assert stages[S.REFERRED].from_previous == 1.0 and stages[S.REFERRED].from_referred == 1.0
    assert stages[S.CONSENTED].from_previous == pytest.approx(5 / 6)
    assert stages[S.SAMPLED].from_previous == pytest.approx(4 / 5)
    assert stages[S.TYPED].from_previous == pytest.approx(3 / 4)
    assert stages[S.LISTED].from_previous == pytest.approx(2 / 3)
    assert stages[S.LISTED].from_referred == pytest.approx(2 / 6)
    assert stages[S.PRELIMINARY_MATCH].from_previous == 0.0
    assert stages[S.CONFIRMATORY_TYPING].from_previous is None  # nobody reached the one before
    assert stages[S.CONFIRMATORY_TYPING].from_referred == 0.0
    assert dict(result.exits) == {S.WITHDRAWN: 1, S.MEDICALLY_DEFERRED: 0, S.LOST_CONTACT: 1,
                                  S.AGED_OUT: 0}


def test_median_days_between_stages_odd_and_even(club):
    stages = by_status(reports.funnel(club.id))
    assert stages[S.REFERRED].median_days is None
    assert stages[S.CONSENTED].median_days == 3.5  # 2, 3, 4, 10 days
    assert stages[S.SAMPLED].median_days == 6.0  # 1, 6, 8 days
    assert stages[S.TYPED].median_days == 10.0  # the imported referral has no sampled date
    assert stages[S.LISTED].median_days == 23.5  # 17 and 30 days
    assert stages[S.PRELIMINARY_MATCH].median_days is None


def test_funnel_of_one_referrer_and_a_period(club):
    mine = reports.funnel(club.id, referrer_id=club.m["0001"].id)
    assert mine.total == 2
    assert [s.reached for s in mine.stages][:5] == [2, 2, 2, 1, 1]
    assert by_status(mine)[S.CONSENTED].median_days == 3.0
    assert dict(mine.exits)[S.WITHDRAWN] == 1 and dict(mine.exits)[S.LOST_CONTACT] == 0
    spring = reports.funnel(club.id, since=date(2026, 3, 1))
    assert spring.total == 3 and [s.reached for s in spring.stages][:5] == [3, 3, 2, 2, 1]
    january = reports.funnel(club.id, until=date(2026, 1, 31))
    assert january.total == 2
    assert reports.funnel(club.id, since=date(2027, 1, 1)).stages[1].from_previous is None


def test_backwards_period_is_refused(club):
    with pytest.raises(InvalidInput) as error:
        reports.funnel(club.id, since=date(2026, 5, 1), until=date(2026, 1, 1))
    assert "until" in error.value.fields
    with pytest.raises(InvalidInput):
        reports.leaderboard(club.id, since=date(2026, 5, 1), until=date(2026, 1, 1))


def test_leaderboard_shows_only_consenting_members_without_gaps(club):
    leaders = reports.leaderboard(club.id)
    assert [(x.rank, x.member.member_no, x.listed, x.total) for x in leaders] == [
        (1, "0001", 1, 2), (2, "0002", 0, 2)]  # 0003 (1 listed) is hidden, takes no rank
    assert all(x.member.club_id == club.id for x in leaders)


def test_leaderboard_ties_share_a_rank_and_limit_and_period_apply(club):
    club.m["0003"].consent_leaderboard = True
    db.session.commit()
    leaders = reports.leaderboard(club.id)
    assert [(x.rank, x.member.member_no) for x in leaders] == [(1, "0001"), (1, "0003"),
                                                               (3, "0002")]
    assert [x.member.member_no for x in reports.leaderboard(club.id, limit=1)] == ["0001"]
    spring = reports.leaderboard(club.id, since=date(2026, 3, 1))
    assert [(x.member.member_no, x.listed, x.total) for x in spring] == [
        ("0003", 1, 2), ("0002", 0, 1)]


def test_csv_has_every_column_safe_cells_and_a_bom(club):
    data = reports.referrals_csv(club.id, reports.Filters(referrer_id=club.m["0001"].id))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Referred on", "Referrer member no.", "Referrer", "Candidate",
                       "Registry", "Current stage", "Drive date", "Last stage date"]
    assert rows[1:] == [
        ["2026-01-01", "0001", "Ann Able", "'=HYPERLINK(1)", "cmdp", "listed", "2025-12-30",
         "2026-02-20"],
        ["2026-01-10", "0001", "Ann Able", "Candidate", "cmdp", "withdrawn", "", "2026-02-01"],
    ]
    everything = reports.referrals_csv(club.id, reports.Filters())
    rows = list(csv.reader(io.StringIO(everything.decode("utf-8-sig"))))
    assert len(rows) == 7 and "Di Elsewhere" not in everything.decode()
    assert rows[3][5] == "referred" and rows[3][7] == ""  # no events recorded
