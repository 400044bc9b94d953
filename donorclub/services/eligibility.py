"""Eligibility of stored members: rows in, the domain engine's answer out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..domain.eligibility import (
    DeferralFact,
    DonationFact,
    Donor,
    Eligibility,
    evaluate,
    history_cutoff,
    trimmed_history,
)
from ..domain.enums import MemberStatus
from ..domain.rulesets import RuleSet
from ..extensions import db
from ..models import Deferral, Donation, Member
from .rules import rule_set_for


def donor_of(member: Member) -> Donor:
    return Donor(member.sex.value, member.date_of_birth, member.weight_kg)


def donation_facts(donations: list[Donation]) -> list[DonationFact]:
    """The donations that count: voided ones are left out, as if they never happened."""
    return [DonationFact(d.kind.value, d.donated_on, d.volume_ml, d.therapeutic_units)
            for d in donations if d.voided_at is None]


def deferral_facts(deferrals: list[Deferral]) -> list[DeferralFact]:
    return [DeferralFact(d.starts_on, d.ends_on, frozenset(d.kinds) if d.kinds else None,
                         d.reason_code) for d in deferrals]


def member_eligibility(member: Member, on: date) -> Eligibility:
    """For every kind of the member's club's rule set: eligible on `on`, next date, reasons."""
    return evaluate(donor_of(member), donation_facts(member.donations),
                    deferral_facts(member.deferrals), rule_set_for(member.club), on)


@dataclass(frozen=True)
class MemberFacts:
    """What the engine needs about one member: the donor, counted donations, deferrals."""

    donor: Donor
    donations: list[DonationFact]
    deferrals: list[DeferralFact]


def club_eligibility(club_id: int, rule_set, on: date,
                     member_ids: list[int] | None = None) -> dict[int, Eligibility]:
    """Eligibility of many members of one club in three queries (members, donations,
    deferrals) instead of three per member; `member_ids` narrows it to some members."""
    return {i: evaluate(f.donor, f.donations, f.deferrals, rule_set, on)
            for i, f in club_facts(club_id, on, member_ids).items()}


def club_facts(club_id: int, on: date, member_ids: list[int] | None = None, *,
               active_only: bool = False, rule_set: RuleSet | None = None
               ) -> dict[int, MemberFacts]:
    """The engine's facts about many members of one club (donations up to `on`), in three
    queries, for callers that ask the engine more than one question per member;
    `active_only` leaves out the members who are not active.

    With the club's `rule_set`, each history is `trimmed_history` (the donations since
    `history_cutoff` and the latest before it): the engine answers the same from it for `on`
    and any later day, and a club's lists read about a year of donations instead of all.
    """
    members = sa.select(Member.id, Member.sex, Member.date_of_birth, Member.weight_kg).where(
        Member.club_id == club_id, *_active(active_only))
    if member_ids is not None:
        members = members.where(Member.id.in_(member_ids))
    # .all(): one fetchall, not a fetch per row, for tens of thousands of rows.
    donors = {row.id: Donor(row.sex.value, row.date_of_birth, row.weight_kg)
              for row in db.session.execute(members).all()}
    if not donors:
        return {}
    ids = list(donors)
    history: dict[int, list[DonationFact]] = {i: [] for i in ids}
    counted = [Member.club_id == club_id, Donation.voided_at.is_(None), Donation.donated_on <= on,
               *_only(Donation.member_id, member_ids), *_active(active_only)]
    columns = (Donation.member_id, Donation.kind, Donation.donated_on, Donation.volume_ml,
               Donation.therapeutic_units)
    cutoff = None if rule_set is None else history_cutoff(rule_set, on)
    if cutoff is None:
        rows = db.session.execute(sa.select(*columns).join(Member).where(*counted)).all()
    else:
        rows = _trimmed_rows(columns, counted, cutoff)
    for row in rows:
        member_id, kind, day, volume_ml, units = row  # by position: ten thousands of rows
        if member_id in history:
            history[member_id].append(DonationFact(kind.value, day, volume_ml, units))
    if cutoff is not None:
        history = {i: trimmed_history(h, cutoff) for i, h in history.items()}
    deferrals: dict[int, list[DeferralFact]] = {i: [] for i in ids}
    for row in db.session.execute(
        sa.select(Deferral.member_id, Deferral.starts_on, Deferral.ends_on, Deferral.kinds,
                  Deferral.reason_code)
        .join(Member).where(Member.club_id == club_id, *_only(Deferral.member_id, member_ids),
                            *_active(active_only))
    ).all():
        if row.member_id in deferrals:
            deferrals[row.member_id].append(DeferralFact(
                row.starts_on, row.ends_on, frozenset(row.kinds) if row.kinds else None,
                row.reason_code))
    return {i: MemberFacts(donors[i], history[i], deferrals[i]) for i in ids}


def _trimmed_rows(columns, counted: list, cutoff: date):
    """The counted donations from `cutoff` on, and each member's on the latest day before it
    (a superset of what `trimmed_history` keeps, which then picks one), in one statement.

    The latest day is a subquery per member: one step back along the (member, day) index,
    where grouping all the older donations read every one of them (twice as slow)."""
    earlier = aliased(Donation)
    latest = (sa.select(sa.func.max(earlier.donated_on))
              .where(earlier.member_id == Member.id, earlier.voided_at.is_(None),
                     earlier.donated_on < cutoff)
              .correlate(Member).scalar_subquery())
    recent = sa.select(*columns).join(Member).where(*counted, Donation.donated_on >= cutoff)
    before = (sa.select(*columns).select_from(Member)
              .join(Donation, sa.and_(Donation.member_id == Member.id,
                                      Donation.donated_on == latest))
              .where(*counted))
    return db.session.execute(sa.union_all(recent, before)).all()


def _only(column, member_ids: list[int] | None) -> list:
    """A filter on some members; none for a whole club (an IN list of 100,000 ids would
    exceed what SQLite accepts)."""
    return [] if member_ids is None else [column.in_(member_ids)]


def _active(active_only: bool) -> list:
    return [Member.status == MemberStatus.ACTIVE] if active_only else []
