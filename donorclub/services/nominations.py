"""National award nominations: the club's members who qualify in a two-year cycle, with the
counts and dates that prove it, as a page and as CSV, .xlsx and printable PDF."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..domain.national_awards import (
    LEVELS,
    AwardStep,
    NationalAwardRules,
    cycle_bounds,
    cycle_of,
    nomination,
)
from ..extensions import db
from ..models import Club, Donation, Member
from .errors import InvalidInput, NotFound
from .recognition import facts_for_members
from .rules import rule_set_for

# The first cycle offered: counting as it stands began on 2010-01-01 [CN-19].
FIRST_CYCLE = 2010


@dataclass(frozen=True)
class Nomination:
    member: Member
    step: AwardStep


@dataclass(frozen=True)
class CycleNominations:
    cycle: int
    starts_on: date
    ends_on: date
    complete: bool  # False while the cycle is still running: the list can still grow
    nominations: list[Nomination]
    rules: NationalAwardRules


def national_rules(club: Club) -> NationalAwardRules:
    """The club's national award rules; NotFound when its rule set has none (only China's)."""
    rules = rule_set_for(club).national_award
    if rules is None:
        raise NotFound(_("The club's rule set has no national award."))
    return rules


def cycles(club: Club, today: date) -> list[int]:
    """Cycles to choose from, newest first: from the one holding the club's first donation
    (not before 2010) to the one running today."""
    rules = national_rules(club)
    first = db.session.scalar(
        sa.select(sa.func.min(Donation.donated_on)).join(Member, Member.id == Donation.member_id)
        .where(Member.club_id == club.id, Donation.voided_at.is_(None)))
    start = cycle_of(max(first or today, date(FIRST_CYCLE, 1, 1)), rules)
    return list(range(cycle_of(today, rules), start - 1, -rules.cycle_years))


def default_cycle(club: Club, today: date) -> int:
    """The last cycle that has ended: the one nominations are prepared for."""
    rules = national_rules(club)
    return cycle_of(today, rules) - rules.cycle_years


def nominations_for(club: Club, cycle: int, today: date) -> CycleNominations:
    """Every member to nominate in the cycle, highest level first, then by member number.
    Raises InvalidInput for a year no cycle starts in, NotFound without national rules."""
    rules = national_rules(club)
    try:
        starts_on, ends_on = cycle_bounds(cycle, rules)
    except (ValueError, OverflowError):  # a year before 1 or far beyond any calendar
        raise InvalidInput(_("No award cycle starts in %(year)d.", year=cycle),
                           fields={"cycle": _("Choose a cycle from the list.")}) from None
    chosen: dict[int, AwardStep] = {}
    for member_id, facts in facts_for_members(club).items():
        step = nomination(facts.donations, rules, cycle)
        if step is not None:
            chosen[member_id] = step
    members = {m.id: m for m in db.session.scalars(
        sa.select(Member).where(Member.id.in_(list(chosen))))} if chosen else {}
    nominations = sorted(
        (Nomination(members[i], step) for i, step in chosen.items()),
        key=lambda n: (-LEVELS.index(n.step.level), n.member.member_no))
    return CycleNominations(cycle, starts_on, ends_on, today > ends_on, nominations, rules)
