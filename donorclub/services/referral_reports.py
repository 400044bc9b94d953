"""Marrow-referral reports: the stage funnel, the referrers' leaderboard and the CSV export."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from statistics import median

import sqlalchemy as sa
from flask_babel import gettext as _

from ..domain.enums import ReferralStatus
from ..extensions import db
from ..models import Drive, Member, Referral, ReferralEvent
from .errors import InvalidInput
from .spreadsheets import csv_bytes

# The stages a referral moves through, in order (DOMAIN.md 6.2); the rest are ways out.
PIPELINE = (
    ReferralStatus.REFERRED, ReferralStatus.CONSENTED, ReferralStatus.SAMPLED,
    ReferralStatus.TYPED, ReferralStatus.LISTED, ReferralStatus.PRELIMINARY_MATCH,
    ReferralStatus.CONFIRMATORY_TYPING, ReferralStatus.WORKUP, ReferralStatus.DONATED,
    ReferralStatus.FOLLOW_UP,
)
EXITS = tuple(s for s in ReferralStatus if s not in PIPELINE)
LEADERBOARD_STAGE = ReferralStatus.LISTED


@dataclass(frozen=True)
class Filters:
    """Which referrals a report covers: one referrer or all, referred within [since, until]."""

    referrer_id: int | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class FunnelStage:
    status: ReferralStatus
    reached: int  # referrals that got at least this far
    from_previous: float | None  # reached / reached at the stage before; None when that is 0
    from_referred: float | None  # reached / referrals; None when there are none
    median_days: float | None  # from the stage before, over referrals dated at both; None: none


@dataclass(frozen=True)
class Funnel:
    total: int
    stages: list[FunnelStage]
    exits: list[tuple[ReferralStatus, int]]  # referrals whose current status is this way out


@dataclass(frozen=True)
class Leader:
    rank: int  # 1, 2, 2, 4...: equal listed and total counts share a rank
    member: Member
    listed: int
    total: int


def check_filters(filters: Filters) -> None:
    """Raise InvalidInput when the date range is backwards."""
    if filters.since and filters.until and filters.since > filters.until:
        raise InvalidInput(_("The report could not be made."), {
            "until": _("The end of the period is before its start.")})


def find_referrer(club_id: int, member_no: str) -> Member:
    """The club's member with this number, for a one-referrer report; InvalidInput if none."""
    member = db.session.scalar(sa.select(Member).where(
        Member.club_id == club_id, Member.member_no == member_no.strip()))
    if member is None:
        raise InvalidInput(_("The report could not be made."), {
            "referrer": _("The club has no member number %(no)s.", no=member_no.strip())})
    return member


def furthest_steps(club_id: int, filters: Filters = Filters()) -> dict[int, int]:
    """Per referral id, the index in PIPELINE of the furthest stage it reached, from its
    recorded events and its current stage: one withdrawn after typing still counts as typed."""
    chosen = _chosen(club_id, filters)
    stages = sa.union(
        sa.select(ReferralEvent.referral_id, ReferralEvent.status)
        .where(ReferralEvent.referral_id.in_(chosen.with_only_columns(Referral.id))),
        chosen.with_only_columns(Referral.id, Referral.status))
    furthest: dict[int, int] = {}
    for referral_id, status in db.session.execute(stages):
        step = PIPELINE.index(status) if status in PIPELINE else 0
        furthest[referral_id] = max(furthest.get(referral_id, 0), step)
    return furthest


def reached_counts(furthest: Iterable[int]) -> list[int]:
    """How many referrals reached each PIPELINE stage, given their furthest steps."""
    steps = list(furthest)
    return [sum(step >= n for step in steps) for n in range(len(PIPELINE))]


def funnel(club_id: int, *, referrer_id: int | None = None, since: date | None = None,
           until: date | None = None) -> Funnel:
    """The club's (or one referrer's) referrals made in the period, stage by stage.

    The days between two stages come from the first event dated at each; a referral with no
    "referred" event counts its referral date as that stage's date.
    """
    filters = Filters(referrer_id, since, until)
    check_filters(filters)
    furthest = furthest_steps(club_id, filters)
    reached = reached_counts(furthest.values())
    dates = _stage_dates(club_id, filters)
    stages = []
    for n, status in enumerate(PIPELINE):
        previous = reached[n - 1] if n else len(furthest)
        gaps = [(d[status] - d[PIPELINE[n - 1]]).days for d in dates.values()
                if n and status in d and PIPELINE[n - 1] in d]
        stages.append(FunnelStage(status, reached[n], _ratio(reached[n], previous),
                                  _ratio(reached[n], len(furthest)),
                                  float(median(gaps)) if gaps else None))
    now = dict(db.session.execute(
        _chosen(club_id, filters).with_only_columns(Referral.status, sa.func.count())
        .group_by(Referral.status)).all())
    return Funnel(len(furthest), stages, [(s, now.get(s, 0)) for s in EXITS])


def leaderboard(club_id: int, *, since: date | None = None, until: date | None = None,
                limit: int = 20) -> list[Leader]:
    """Referrers by how many of their referrals (made in the period) reached the registry
    listing, then by how many referrals they made.

    Only members who agreed to appear by name are listed; the others are left out entirely
    and do not take up ranks, so a gap in the ranks cannot hint that someone is hidden.
    """
    filters = Filters(None, since, until)
    check_filters(filters)
    furthest = furthest_steps(club_id, filters)
    listed_step = PIPELINE.index(LEADERBOARD_STAGE)
    referrers = dict(db.session.execute(
        _chosen(club_id, filters).with_only_columns(Referral.id, Referral.referrer_id)).all())
    totals: dict[int, list[int]] = {}
    for referral_id, step in furthest.items():
        counts = totals.setdefault(referrers[referral_id], [0, 0])
        counts[0] += step >= listed_step
        counts[1] += 1
    members = db.session.scalars(sa.select(Member).where(
        Member.id.in_(list(totals)), Member.consent_leaderboard.is_(True)))
    ordered = sorted(members, key=lambda m: (-totals[m.id][0], -totals[m.id][1], m.member_no))
    leaders: list[Leader] = []
    for n, member in enumerate(ordered[:max(limit, 0)]):
        listed, total = totals[member.id]
        tied = leaders and (leaders[-1].listed, leaders[-1].total) == (listed, total)
        leaders.append(Leader(leaders[-1].rank if tied else n + 1, member, listed, total))
    return leaders


def referrals_csv(club_id: int, filters: Filters, *,
                  label: Callable[[object], str] = str) -> bytes:
    """The club's referrals matching `filters`, oldest first, as CSV that Excel opens correctly
    (UTF-8 with a BOM, cells that would start a formula kept as text). `label` words the
    registry and stage codes."""
    check_filters(filters)
    last_event = (sa.select(ReferralEvent.referral_id,
                            sa.func.max(ReferralEvent.occurred_on).label("last_on"))
                  .group_by(ReferralEvent.referral_id).subquery())
    rows = db.session.execute(
        _chosen(club_id, filters).with_only_columns(
            Referral.referred_on, Member.member_no, Member.full_name, Referral.candidate_name,
            Referral.registry_code, Referral.status, Drive.held_on, last_event.c.last_on)
        .join(Member, Member.id == Referral.referrer_id)
        .outerjoin(Drive, Drive.id == Referral.drive_id)
        .outerjoin(last_event, last_event.c.referral_id == Referral.id)
        .order_by(Referral.referred_on, Referral.id))
    header = [_("Referred on"), _("Referrer member no."), _("Referrer"), _("Candidate"),
              _("Registry"), _("Current stage"), _("Drive date"), _("Last stage date")]
    return csv_bytes(header, ([referred.isoformat(), no, name, candidate, label(registry),
                               label(status), _iso(held), _iso(last)]
                              for referred, no, name, candidate, registry, status, held, last
                              in rows))


def _chosen(club_id: int, filters: Filters) -> sa.Select:
    query = sa.select(Referral).where(Referral.club_id == club_id)
    if filters.referrer_id is not None:
        query = query.where(Referral.referrer_id == filters.referrer_id)
    if filters.since is not None:
        query = query.where(Referral.referred_on >= filters.since)
    if filters.until is not None:
        query = query.where(Referral.referred_on <= filters.until)
    return query


def _stage_dates(club_id: int, filters: Filters) -> dict[int, dict[ReferralStatus, date]]:
    """Per referral, the first day each pipeline stage was recorded."""
    chosen = _chosen(club_id, filters)
    dates: dict[int, dict[ReferralStatus, date]] = {
        referral_id: {ReferralStatus.REFERRED: referred_on}
        for referral_id, referred_on in db.session.execute(
            chosen.with_only_columns(Referral.id, Referral.referred_on))}
    for referral_id, status, on in db.session.execute(
            sa.select(ReferralEvent.referral_id, ReferralEvent.status,
                      sa.func.min(ReferralEvent.occurred_on))
            .where(ReferralEvent.referral_id.in_(chosen.with_only_columns(Referral.id)))
            .group_by(ReferralEvent.referral_id, ReferralEvent.status)):
        if status in PIPELINE:
            dates[referral_id][status] = on
    return dates


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
