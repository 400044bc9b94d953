"""Reading clubs, scoped to what the user may see, and each club's headline numbers."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..domain.enums import DonationKind, MemberStatus
from ..extensions import db
from ..models import Club, Deferral, Donation, Member, User
from .access import can_manage_club, visible_club_ids
from .errors import NotFound


@dataclass(frozen=True)
class DonationCount:
    """Donations that were not voided over a period: how many, whole-blood ml, platelet units."""

    donations: int = 0
    whole_blood_ml: int = 0
    platelet_units: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def __add__(self, other: DonationCount) -> DonationCount:
        kinds = {k: self.by_kind.get(k, 0) + other.by_kind.get(k, 0)
                 for k in {*self.by_kind, *other.by_kind}}
        return DonationCount(self.donations + other.donations,
                             self.whole_blood_ml + other.whole_blood_ml,
                             self.platelet_units + other.platelet_units, kinds)


@dataclass(frozen=True)
class ClubSummary:
    """A club's headline numbers; `club` is None for the totals across clubs."""

    club: Club | None
    members: int = 0
    active_members: int = 0
    new_members_this_year: int = 0
    deferred_today: int = 0  # active members a deferral blocks today
    this_year: DonationCount = field(default_factory=DonationCount)
    last_12_months: DonationCount = field(default_factory=DonationCount)
    all_time: DonationCount = field(default_factory=DonationCount)

    @property
    def donations_last_year(self) -> int:
        return self.last_12_months.donations

    @property
    def whole_blood_ml_last_year(self) -> int:
        return self.last_12_months.whole_blood_ml


def clubs_for(user: User) -> list[Club]:
    query = sa.select(Club).order_by(Club.name)
    ids = visible_club_ids(user)
    if ids is not None:
        query = query.where(Club.id.in_(ids))
    return list(db.session.scalars(query))


def get_club(user: User, slug: str) -> Club:
    """The club with this slug if the user may manage it; NotFound otherwise (even if it exists)."""
    club = db.session.scalar(sa.select(Club).where(Club.slug == slug))
    if club is None or not can_manage_club(user, club):
        raise NotFound(_("Club not found."))
    return club


def summaries_for(user: User, today: date) -> list[ClubSummary]:
    """One row of headline numbers per visible club."""
    return summaries_of(clubs_for(user), today)


def summaries_of(clubs: list[Club], today: date) -> list[ClubSummary]:
    """Headline numbers of these clubs in three grouped queries, however many clubs: members,
    donations (this calendar year, the last 12 months, all time) and deferrals in force today."""
    ids = [c.id for c in clubs]
    if not ids:
        return []
    year_start = date(today.year, 1, 1)
    members = {row.club_id: row for row in db.session.execute(
        sa.select(Member.club_id, sa.func.count().label("all"),
                  _count_if(Member.status == MemberStatus.ACTIVE).label("active"),
                  _count_if(Member.joined_on.between(year_start, today)).label("new"))
        .where(Member.club_id.in_(ids)).group_by(Member.club_id))}
    deferred = dict(db.session.execute(
        sa.select(Member.club_id, sa.func.count(sa.distinct(Deferral.member_id)))
        .join(Member, Deferral.member_id == Member.id)
        .where(Member.club_id.in_(ids), Member.status == MemberStatus.ACTIVE,
               Deferral.starts_on <= today,
               sa.or_(Deferral.ends_on.is_(None), Deferral.ends_on > today))
        .group_by(Member.club_id)).all())
    counts = _donation_counts(ids, today)
    empty = {"all": DonationCount(), "year": DonationCount(), "last_12": DonationCount()}
    summaries = []
    for club in clubs:
        row, periods = members.get(club.id), counts.get(club.id, empty)
        summaries.append(ClubSummary(
            club, members=row.all if row else 0, active_members=int(row.active or 0) if row else 0,
            new_members_this_year=int(row.new or 0) if row else 0,
            deferred_today=deferred.get(club.id, 0), this_year=periods["year"],
            last_12_months=periods["last_12"], all_time=periods["all"]))
    return summaries


def combined(summaries: list[ClubSummary]) -> ClubSummary:
    """The totals across clubs (a member belongs to one club, so the sums count no one twice)."""
    total = ClubSummary(None)
    for s in summaries:
        total = ClubSummary(
            None, total.members + s.members, total.active_members + s.active_members,
            total.new_members_this_year + s.new_members_this_year,
            total.deferred_today + s.deferred_today, total.this_year + s.this_year,
            total.last_12_months + s.last_12_months, total.all_time + s.all_time)
    return total


def _count_if(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _sum_if(condition, value):
    return sa.func.sum(sa.case((condition, value), else_=0))


def _donation_counts(ids: list[int], today: date) -> dict[int, dict[str, DonationCount]]:
    """Per club, per period ("all", "year", "last_12"): one query grouped by club and kind."""
    periods = {
        "all": sa.true(),
        "year": Donation.donated_on.between(date(today.year, 1, 1), today),
        "last_12": sa.and_(Donation.donated_on > today - timedelta(days=365),
                           Donation.donated_on <= today),
    }
    units = sa.func.coalesce(Donation.therapeutic_units, 0)
    columns = []
    for name, condition in periods.items():
        columns += [_count_if(condition).label(f"{name}_n"),
                    _sum_if(condition, Donation.volume_ml).label(f"{name}_ml"),
                    _sum_if(condition, units).label(f"{name}_units")]
    query = (sa.select(Member.club_id, Donation.kind, *columns)
             .join(Member, Donation.member_id == Member.id)
             .where(Member.club_id.in_(ids), Donation.voided_at.is_(None))
             .group_by(Member.club_id, Donation.kind))
    result: dict[int, dict[str, DonationCount]] = {}
    for row in db.session.execute(query).mappings():
        kind = row["kind"]
        wb, plt = kind == DonationKind.WHOLE_BLOOD, kind == DonationKind.PLATELETS
        club = result.setdefault(row["club_id"], {p: DonationCount() for p in periods})
        for name in periods:
            n = int(row[f"{name}_n"] or 0)
            club[name] = club[name] + DonationCount(
                donations=n, whole_blood_ml=int(row[f"{name}_ml"] or 0) if wb else 0,
                platelet_units=int(row[f"{name}_units"] or 0) if plt else 0,
                by_kind={kind.value: n})
    return result
