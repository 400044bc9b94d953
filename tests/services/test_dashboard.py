"""Dashboard figures on a small club whose every number can be worked out by hand (China's
rules: whole blood to whole blood 6 months, whole blood to platelets 3 months, platelets to
platelets 2 weeks)."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import (
    BloodGroup,
    DonationKind,
    MemberStatus,
    ReferralStatus,
    Registry,
    Role,
)
from donorclub.extensions import db
from donorclub.models import Member, Referral, ReferralEvent
from donorclub.models.types import utcnow
from donorclub.services import clubs, dashboard
from donorclub.services.errors import InvalidInput

from .. import factories

TODAY = date(2026, 7, 10)
WB, PLT = DonationKind.WHOLE_BLOOD, DonationKind.PLATELETS


@dataclass
class SmallClub:
    club: object
    other: object
    m: dict  # member number -> Member


def member(club, no, *, status=MemberStatus.ACTIVE, group=None, joined=date(2020, 1, 1)):
    m = factories.make_member(club, no, f"Member {no}")
    m.status, m.blood_group, m.joined_on = status, group, joined
    return m


def referral(club, referrer, status, stages):
    r = Referral(club=club, referrer=referrer, candidate_name="Candidate",
                 registry_code=Registry.CMDP, status=status, referred_on=date(2026, 1, 5))
    db.session.add(r)
    for n, stage in enumerate(stages):
        db.session.add(ReferralEvent(referral=r, status=stage,
                                     occurred_on=date(2026, 1, 5) + timedelta(days=n)))
    return r


@pytest.fixture
def small(app) -> SmallClub:
    club = factories.make_club("club-a", "Club A")
    other = factories.make_club("club-b", "Club B", rule_set="us")
    m = {
        "0001": member(club, "0001", group=BloodGroup.O_POS),
        "0002": member(club, "0002", group=BloodGroup.O_POS),
        "0003": member(club, "0003", group=BloodGroup.A_POS),
        "0004": member(club, "0004"),
        "0005": member(club, "0005", status=MemberStatus.INACTIVE, group=BloodGroup.B_POS),
        "0006": member(club, "0006", group=BloodGroup.AB_NEG, joined=date(2026, 2, 1)),
        "0007": member(club, "0007"),
    }
    # 0001: whole blood in March: not again before September; platelets from June.
    factories.make_donation(m["0001"], date(2026, 3, 1), volume_ml=400)
    # 0002: whole blood on 20 January: whole blood again from 20 July (in 10 days).
    factories.make_donation(m["0002"], date(2026, 1, 20), volume_ml=300)
    # 0003: platelets last year; a whole-blood donation in June that was voided.
    factories.make_donation(m["0003"], date(2025, 11, 1), kind=PLT, volume_ml=250, units=2)
    voided = factories.make_donation(m["0003"], date(2026, 6, 1), volume_ml=400)
    voided.voided_at, voided.void_reason = utcnow(), "Wrong member"
    # 0004: deferred for a year; 0007: an old deferral that ended, and aspirin (platelets only)
    # until 15 July.
    factories.make_deferral(m["0004"], date(2026, 6, 1), date(2027, 6, 1))
    factories.make_deferral(m["0007"], date(2025, 1, 1), date(2025, 3, 1))
    aspirin = factories.make_deferral(m["0007"], date(2026, 7, 8), date(2026, 7, 15), "aspirin")
    aspirin.kinds = ["platelets"]
    # Another club's donation this year must not leak into club A's figures.
    stranger = factories.make_member(other, "0001", "Emma Smith")
    factories.make_donation(stranger, date(2026, 5, 5), volume_ml=500)
    referral(club, m["0001"], ReferralStatus.TYPED, [ReferralStatus.REFERRED,
             ReferralStatus.CONSENTED, ReferralStatus.SAMPLED, ReferralStatus.TYPED])
    referral(club, m["0001"], ReferralStatus.WITHDRAWN, [ReferralStatus.REFERRED,
             ReferralStatus.CONSENTED, ReferralStatus.WITHDRAWN])
    referral(club, m["0002"], ReferralStatus.REFERRED, [])
    db.session.commit()
    return SmallClub(club, other, m)


def test_headline_figures_count_what_was_given_and_leave_voided_out(small):
    [s] = clubs.summaries_of([small.club], TODAY)
    assert (s.members, s.active_members, s.new_members_this_year) == (7, 6, 1)
    assert s.deferred_today == 2  # 0004, and 0007 whose aspirin deferral blocks platelets
    assert (s.this_year.donations, s.this_year.whole_blood_ml, s.this_year.platelet_units) == (
        2, 700, 0)
    assert (s.all_time.donations, s.all_time.whole_blood_ml, s.all_time.platelet_units) == (
        3, 700, 2)
    assert s.all_time.by_kind == {"whole_blood": 2, "platelets": 1}
    assert s.donations_last_year == 3


def test_eligible_today_and_within_fourteen_days_per_kind(small):
    figures = dashboard.club_dashboard(small.club, TODAY)
    counts = {c.kind: (c.eligible, c.soon) for c in figures.eligibility}
    # Whole blood: 0003, 0006, 0007 today; 0002 on 20 July. Platelets: 0001, 0002, 0003,
    # 0006 today; 0007 when the aspirin deferral ends on 15 July. 0004 is deferred for a year
    # and 0005 is not active.
    assert counts == {"whole_blood": (3, 1), "platelets": (4, 1)}


def test_eligible_list_is_by_member_number_with_the_last_donation_that_counts(small):
    rows = dashboard.eligible_list(small.club, kind="whole_blood", on=TODAY, today=TODAY)
    assert [r.member.member_no for r in rows] == ["0003", "0006", "0007"]
    assert rows[0].last_donated_on == date(2025, 11, 1)  # the voided June donation is ignored
    assert rows[1].last_donated_on is None
    rows = dashboard.eligible_list(small.club, kind="platelets", on=TODAY, today=TODAY)
    assert [r.member.member_no for r in rows] == ["0001", "0002", "0003", "0006"]


def test_eligible_list_on_a_later_day_includes_those_whose_wait_is_over(small):
    rows = dashboard.eligible_list(small.club, kind="whole_blood", on=date(2026, 7, 20),
                                      today=TODAY)
    assert [r.member.member_no for r in rows] == ["0002", "0003", "0006", "0007"]
    rows = dashboard.eligible_list(small.club, kind="platelets", on=date(2026, 7, 15),
                                      today=TODAY)
    assert "0007" in [r.member.member_no for r in rows]


def test_whole_blood_thirty_days_ago_blocks_both_kinds_under_china_rules(app):
    club = factories.make_club()
    recent = factories.make_member(club, "0001", "Recent donor")
    factories.make_donation(recent, TODAY - timedelta(days=30))
    factories.make_member(club, "0002", "Rested donor")
    db.session.commit()
    for kind in ("whole_blood", "platelets"):  # 6 months and 3 months after whole blood
        rows = dashboard.eligible_list(club, kind=kind, on=TODAY, today=TODAY)
        assert [r.member.full_name for r in rows] == ["Rested donor"]


@pytest.mark.parametrize(
    ("kind", "on", "field"),
    [("plasma", TODAY, "kind"),  # China's rule set has no plasma
     ("bogus", TODAY, "kind"),
     ("whole_blood", TODAY + timedelta(days=400), "date"),
     ("whole_blood", TODAY - timedelta(days=400), "date")],
)
def test_eligible_list_refuses_a_kind_or_day_it_cannot_answer(small, kind, on, field):
    with pytest.raises(InvalidInput) as error:
        dashboard.eligible_list(small.club, kind=kind, on=on, today=TODAY)
    assert field in error.value.fields


def test_donations_per_month_cover_24_months_by_kind(small):
    monthly = dashboard.club_dashboard(small.club, TODAY).monthly
    assert len(monthly.months) == 24
    assert monthly.months[0] == date(2024, 8, 1) and monthly.months[-1] == date(2026, 7, 1)
    by_month = {m: (monthly.counts["whole_blood"][i], monthly.counts["platelets"][i])
                for i, m in enumerate(monthly.months)}
    assert by_month[date(2025, 11, 1)] == (0, 1)
    assert by_month[date(2026, 1, 1)] == (1, 0)
    assert by_month[date(2026, 3, 1)] == (1, 0)
    assert by_month[date(2026, 6, 1)] == (0, 0)  # voided
    assert sum(sum(v) for v in monthly.counts.values()) == 3


def test_blood_groups_count_active_members_and_the_unknown(small):
    groups = dict(dashboard.club_dashboard(small.club, TODAY).blood_groups)
    assert groups[BloodGroup.O_POS] == 2 and groups[BloodGroup.A_POS] == 1
    assert groups[BloodGroup.AB_NEG] == 1
    assert groups[BloodGroup.B_POS] == 0  # 0005 is inactive
    assert groups[None] == 2  # 0004 and 0007
    assert list(groups)[:8] == list(BloodGroup)


def test_referrals_by_current_stage_and_how_far_they_got(small):
    stages = {s.status: s for s in dashboard.club_dashboard(small.club, TODAY).referrals}
    assert stages[ReferralStatus.TYPED].now == 1
    assert stages[ReferralStatus.WITHDRAWN].now == 1
    assert stages[ReferralStatus.REFERRED].now == 1
    reached = [stages[s].reached for s in dashboard.PIPELINE[:5]]
    assert reached == [3, 2, 1, 1, 0]  # the withdrawn one had consented
    assert stages[ReferralStatus.WITHDRAWN].reached is None


def test_overview_gives_admins_the_totals_and_coordinators_their_clubs(small):
    admin = factories.make_user("admin@example.org", Role.ADMIN)
    coordinator = factories.make_user("c@example.org", Role.COORDINATOR, clubs=[small.other])
    db.session.commit()
    overview = dashboard.overview(admin, TODAY)
    assert [s.club.slug for s in overview.summaries] == ["club-a", "club-b"]
    assert overview.totals.members == 8
    assert overview.totals.this_year.donations == 3
    assert overview.totals.this_year.whole_blood_ml == 1200
    assert overview.totals.this_year.by_kind == {"whole_blood": 3, "platelets": 0}
    mine = dashboard.overview(coordinator, TODAY)
    assert [s.club.slug for s in mine.summaries] == ["club-b"] and mine.totals is None


def count_queries(action) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def add_members(club, start, n):
    for i in range(start, start + n):
        m = factories.make_member(club, f"{i:04d}", f"Member {i}")
        factories.make_donation(m, TODAY - timedelta(days=200 + i))
        factories.make_deferral(m, TODAY - timedelta(days=5), TODAY + timedelta(days=i))
    db.session.commit()


def test_dashboard_and_list_take_the_same_number_of_queries_for_any_club_size(app):
    club = factories.make_club()
    add_members(club, 1, 3)

    def run():
        db.session.expire_all()
        dashboard.club_dashboard(club, TODAY)
        rows = dashboard.eligible_list(club, kind="platelets", on=TODAY + timedelta(days=60),
                                          today=TODAY)
        assert all(r.member.full_name for r in rows)
        assert dashboard.eligible_list(club, kind="platelets", on=TODAY + timedelta(days=60),
                                       today=TODAY)

    small_club = count_queries(run)
    add_members(club, 4, 12)
    assert count_queries(run) == small_club
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 15


def test_trimmed_histories_answer_as_the_whole_ones_for_every_member(app):
    """The lists read each history from `history_cutoff` on plus the latest donation before
    it; for every member, kind and day their answers must be the member page's (whole
    history), and a donor of 57 whose only donation is years old stays a repeat donor."""
    from donorclub.domain.enums import Sex
    from donorclub.services.eligibility import club_facts, member_eligibility
    from donorclub.services.rules import rule_set_for

    club = factories.make_club()
    veteran = factories.make_member(club, "0001", "Veteran", date_of_birth=date(1969, 1, 1))
    factories.make_donation(veteran, date(2021, 5, 1))
    busy = factories.make_member(club, "0002", "Busy", sex=Sex.MALE)
    days = [date(2016, 1, 1) + timedelta(days=190 * n) for n in range(20)]  # to May 2026
    factories.make_donations(busy, days)
    factories.make_donation(busy, date(2026, 6, 20), kind=PLT, volume_ml=250, units=1)
    late = factories.make_member(club, "0003", "Voided last")
    factories.make_donation(late, date(2024, 3, 1))
    factories.make_donation(late, date(2024, 3, 1), kind=PLT, volume_ml=250, units=2)
    factories.void_row(factories.make_donation(late, date(2025, 12, 1)))
    factories.make_member(club, "0004", "Newcomer", date_of_birth=date(1969, 1, 1))
    stranger = factories.make_member(factories.make_club("club-b", "Club B"), "0001", "Other")
    factories.make_donation(stranger, date(2026, 7, 1))
    db.session.commit()
    rule_set = rule_set_for(club)
    for on in (TODAY, date(2026, 1, 5), date(2026, 12, 31)):
        facts = club_facts(club.id, on, rule_set=rule_set)
        assert len(facts[busy.id].donations) < len([d for d in days if d <= on])
        for m in (veteran, busy, late):
            assert _answers(facts[m.id], rule_set, on) == _answers(
                member_eligibility(db.session.get(Member, m.id), on), rule_set, on)
    veteran_facts = club_facts(club.id, TODAY, rule_set=rule_set)
    assert _answers(veteran_facts[veteran.id], rule_set, TODAY)["whole_blood"][:2] == (True, TODAY)
    newcomer = next(f for i, f in veteran_facts.items() if not f.donations
                    and f.donor.date_of_birth == date(1969, 1, 1))
    assert _answers(newcomer, rule_set, TODAY)["whole_blood"][0] is False  # first time at 57


def _answers(facts_or_eligibility, rule_set, on):
    from donorclub.domain.eligibility import evaluate

    result = facts_or_eligibility
    if not hasattr(result, "kinds"):
        result = evaluate(result.donor, result.donations, result.deferrals, rule_set, on)
    return {kind: (r.eligible, r.next_date, [(x.code, x.clears_on, x.detail) for x in r.reasons])
            for kind, r in result.kinds.items()}
