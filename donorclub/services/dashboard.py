"""Dashboard figures: the overview across clubs, one club's figures and chart series, and the
members who may give a kind of donation on a day (evaluated for the whole club at once)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..domain.dates import add_months
from ..domain.eligibility import Eligibility, evaluate, evaluate_kind
from ..domain.enums import BloodGroup, MemberStatus, ReferralStatus
from ..extensions import db
from ..models import Club, Donation, Member, Referral, User
from .clubs import ClubSummary, clubs_for, combined, summaries_of
from .eligibility import club_facts
from .errors import InvalidInput
from .referral_reports import EXITS, PIPELINE, furthest_steps, reached_counts
from .rules import rule_set_for

SOON_DAYS = 14
MONTHS_SHOWN = 24
MAX_DAYS_AWAY = 366  # how far from today the eligible list may look, either way


@dataclass(frozen=True)
class Overview:
    summaries: list[ClubSummary]
    totals: ClubSummary | None  # for admins: the sums across every club


@dataclass(frozen=True)
class KindCounts:
    """Active members who may give `kind` today, and those who may within SOON_DAYS."""

    kind: str
    eligible: int
    soon: int


@dataclass(frozen=True)
class MonthlyDonations:
    months: tuple[date, ...]  # the first day of each month, oldest first
    counts: dict[str, tuple[int, ...]]  # per kind, one count per month


@dataclass(frozen=True)
class ReferralStage:
    status: ReferralStatus
    now: int  # referrals at this stage now
    reached: int | None  # referrals that got at least this far; None for the ways out


@dataclass(frozen=True)
class ClubDashboard:
    club: Club
    today: date
    summary: ClubSummary
    eligibility: list[KindCounts]
    monthly: MonthlyDonations
    blood_groups: list[tuple[BloodGroup | None, int]]  # active members; None = not known
    referrals: list[ReferralStage]


@dataclass(frozen=True, slots=True)
class ListedMember:
    """The columns of a member that the eligible list shows (not a whole Member row)."""

    id: int
    member_no: str
    full_name: str
    blood_group: BloodGroup | None
    phone: str | None
    email: str | None
    consent_contact: bool


@dataclass(frozen=True)
class EligibleMember:
    member: ListedMember
    last_donated_on: date | None


def overview(user: User, today: date) -> Overview:
    """Headline numbers of every club the user may see; admins also get the totals."""
    summaries = summaries_of(clubs_for(user), today)
    return Overview(summaries, combined(summaries) if user.is_admin else None)


def club_dashboard(club: Club, today: date) -> ClubDashboard:
    """Every figure of one club's dashboard, in grouped queries plus one pass of the rules
    engine over the active members (three queries, whatever the club's size)."""
    [summary] = summaries_of([club], today)
    return ClubDashboard(club, today, summary, _eligibility_counts(club, today),
                         _monthly(club, today), _blood_groups(club), _referrals(club))


def eligible_list(club: Club, *, kind: str, on: date, today: date) -> list[EligibleMember]:
    """Active members of the club whom the club's rules allow to give `kind` on `on`, by
    member number, with their last donation up to that day: only the columns the list shows
    (ListedMember rows), the engine asked about `kind` alone, in one pass over the active
    members' histories, which also give the last donation.

    Raises InvalidInput when the rule set has no such kind or `on` is more than a year from
    `today`.
    """
    rule_set = rule_set_for(club)
    fields = {}
    if kind not in rule_set.kinds:
        fields["kind"] = _("Choose a kind of donation the club's rules allow.")
    if abs((on - today).days) > MAX_DAYS_AWAY:
        fields["date"] = _("Choose a date within a year of today.")
    if fields:
        raise InvalidInput(_("The list could not be made."), fields)
    last: dict[int, date | None] = {}
    for i, f in club_facts(club.id, on, active_only=True, rule_set=rule_set).items():
        if evaluate_kind(f.donor, f.donations, f.deferrals, rule_set, kind, on).eligible:
            # The facts keep the latest donation up to `on` (trimmed or not), as the list wants.
            last[i] = max((d.on for d in f.donations), default=None)
    if not last:
        return []
    rows = db.session.execute(
        sa.select(Member.id, Member.member_no, Member.full_name, Member.blood_group,
                  Member.phone, Member.email, Member.consent_contact)
        .where(Member.club_id == club.id, Member.status == MemberStatus.ACTIVE)
        .order_by(Member.member_no))
    return [EligibleMember(ListedMember(*row), last[row.id]) for row in rows if row.id in last]


def _active_eligibility(club: Club, on: date) -> dict[int, Eligibility]:
    """Eligibility on `on` of the club's active members, keyed by member id."""
    rule_set = rule_set_for(club)
    return {i: evaluate(f.donor, f.donations, f.deferrals, rule_set, on)
            for i, f in club_facts(club.id, on, active_only=True, rule_set=rule_set).items()}


def _eligibility_counts(club: Club, today: date) -> list[KindCounts]:
    answers = list(_active_eligibility(club, today).values())
    horizon = today + timedelta(days=SOON_DAYS)
    counts = []
    for kind in rule_set_for(club).kinds:
        results = [a[kind] for a in answers]
        counts.append(KindCounts(
            kind, eligible=sum(r.eligible for r in results),
            soon=sum(not r.eligible and r.next_date is not None and r.next_date <= horizon
                     for r in results)))
    return counts


def _monthly(club: Club, today: date) -> MonthlyDonations:
    """Donations that count per month and kind over the last MONTHS_SHOWN months."""
    first = add_months(date(today.year, today.month, 1), -(MONTHS_SHOWN - 1))
    months = tuple(add_months(first, n) for n in range(MONTHS_SHOWN))
    year = sa.extract("year", Donation.donated_on)
    month = sa.extract("month", Donation.donated_on)
    rows = db.session.execute(
        sa.select(year, month, Donation.kind, sa.func.count()).join(Member)
        .where(Member.club_id == club.id, Donation.voided_at.is_(None),
               Donation.donated_on.between(first, today))
        .group_by(year, month, Donation.kind)).all()
    kinds = list(rule_set_for(club).kinds)
    kinds += sorted({row[2].value for row in rows} - set(kinds))  # imported kinds
    index = {(m.year, m.month): n for n, m in enumerate(months)}
    counts = {kind: [0] * len(months) for kind in kinds}
    for y, m, kind, n in rows:
        counts[kind.value][index[(int(y), int(m))]] = n
    return MonthlyDonations(months, {k: tuple(v) for k, v in counts.items()})


def _blood_groups(club: Club) -> list[tuple[BloodGroup | None, int]]:
    """Active members per blood group, every group shown; "not known" only when there are some."""
    found = dict(db.session.execute(
        sa.select(Member.blood_group, sa.func.count())
        .where(Member.club_id == club.id, Member.status == MemberStatus.ACTIVE)
        .group_by(Member.blood_group)).all())
    groups: list[tuple[BloodGroup | None, int]] = [(g, found.get(g, 0)) for g in BloodGroup]
    if found.get(None):
        groups.append((None, found[None]))
    return groups


def _referrals(club: Club) -> list[ReferralStage]:
    """Referrals at each stage now, and how many reached each pipeline stage: the furthest
    stage of a referral comes from its recorded events and its current stage, so one that
    was withdrawn after typing still counts as typed."""
    now = dict(db.session.execute(
        sa.select(Referral.status, sa.func.count()).where(Referral.club_id == club.id)
        .group_by(Referral.status)).all())
    reached = reached_counts(furthest_steps(club.id).values())
    return ([ReferralStage(s, now.get(s, 0), reached[n]) for n, s in enumerate(PIPELINE)]
            + [ReferralStage(s, now.get(s, 0), None) for s in EXITS])
