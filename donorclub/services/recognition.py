"""What members have earned: their recognition facts, the club's milestone plan, progress and
the milestones due a certificate."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..domain.awards import (
    EarnedMilestone,
    InvalidPlan,
    MilestonePlan,
    Progress,
    RecognitionFacts,
    counted_donations,
    default_plan,
    earned_milestones,
    parse_thresholds,
    plan_from_mapping,
    plan_to_mapping,
    progress,
)
from ..domain.eligibility import DonationFact
from ..domain.enums import AuditAction
from ..extensions import db
from ..models import (
    Certificate,
    Club,
    Donation,
    Member,
    Referral,
    ReferralEvent,
    User,
    VolunteerService,
)
from . import audit
from .errors import InvalidInput
from .referral_reports import LEADERBOARD_STAGE, PIPELINE
from .rules import rule_set_for

# A referral counts toward the referrer's milestones from the day it reached the listing.
LISTED_OR_LATER = PIPELINE[PIPELINE.index(LEADERBOARD_STAGE):]


@dataclass(frozen=True)
class Due:
    """A milestone a member reached that has no valid certificate yet."""

    member: Member
    earned: EarnedMilestone


def club_plan(club: Club) -> MilestonePlan:
    """The club's thresholds: its saved choice over the rule set's defaults."""
    base = default_plan(rule_set_for(club))
    if not club.milestones:
        return base
    try:
        return plan_from_mapping(club.milestones, base)
    except InvalidPlan:  # saved by an older version with other rules: fall back, never fail
        return base


PLAN_MESSAGES = {
    "not_integer": lambda: _("Use whole numbers, separated by commas."),
    "not_positive": lambda: _("Every step must be more than 0."),
    "not_ascending": lambda: _("List the steps from smallest to largest, each once."),
    "too_many": lambda: _("At most 30 steps."),
}


def save_plan(actor: User, club: Club, thresholds: dict[str, str], *,
              commit: bool = True) -> MilestonePlan:
    """Save the club's milestone steps from typed lists ("1, 5, 10"); an empty field restores
    the rule set's default for that category. Raises InvalidInput naming each bad field."""
    base = default_plan(rule_set_for(club))
    defaults = plan_to_mapping(base)
    chosen, problems = {}, {}
    for category, text in thresholds.items():
        if not (text or "").strip():
            continue
        try:
            chosen[category] = list(parse_thresholds(text))
        except InvalidPlan as error:
            code = next(iter(error.problems.values()), "not_integer")
            problems[category] = PLAN_MESSAGES.get(code, PLAN_MESSAGES["not_integer"])()
    if problems:
        raise InvalidInput(_("Some milestone steps could not be saved."), fields=problems)
    override = {k: v for k, v in chosen.items() if v != defaults.get(k)}
    if (override or None) != club.milestones:
        before = {"milestones": club.milestones}
        club.milestones = override or None
        audit.record(actor, AuditAction.UPDATE, club, before=before,
                     after={"milestones": club.milestones}, club_id=club.id)
    if commit:
        db.session.commit()
    return club_plan(club)


def facts_for_members(club: Club, member_ids: list[int] | None = None
                      ) -> dict[int, RecognitionFacts]:
    """Recognition facts of the club's members (or of the given ones) in four queries,
    however many members: donations, listed referrals, own marrow donations, service hours."""
    rule_set = rule_set_for(club)
    scope = Member.club_id == club.id
    if member_ids is not None:
        scope = sa.and_(scope, Member.id.in_(member_ids))
    ids = list(db.session.scalars(sa.select(Member.id).where(scope)))
    donations: dict[int, list[DonationFact]] = defaultdict(list)
    for row in db.session.execute(
            sa.select(Donation.member_id, Donation.kind, Donation.donated_on, Donation.volume_ml,
                      Donation.therapeutic_units)
            .join(Member, Member.id == Donation.member_id)
            .where(scope, Donation.voided_at.is_(None))
            .order_by(Donation.donated_on, Donation.id)):
        donations[row.member_id].append(
            DonationFact(row.kind.value, row.donated_on, row.volume_ml, row.therapeutic_units))
    listed = _listed_referrals(_listed_query(scope))
    marrow: dict[int, list[date]] = defaultdict(list)
    for candidate_id, donated_on in db.session.execute(
            sa.select(Referral.candidate_member_id, ReferralEvent.occurred_on)
            .join(ReferralEvent, ReferralEvent.referral_id == Referral.id)
            .join(Member, Member.id == Referral.candidate_member_id)
            .where(scope, ReferralEvent.status == "donated")):
        marrow[candidate_id].append(donated_on)
    hours: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for member_id, served_on, served in db.session.execute(
            sa.select(VolunteerService.member_id, VolunteerService.served_on,
                      VolunteerService.hours)
            .join(Member, Member.id == VolunteerService.member_id)
            .where(scope, VolunteerService.voided_at.is_(None))):
        hours[member_id].append((served_on, float(served)))
    return {
        member_id: RecognitionFacts(
            donations=tuple(counted_donations(donations[member_id], rule_set)),
            listed_referrals=tuple(sorted(listed[member_id])),
            marrow_donations=tuple(sorted(marrow[member_id])),
            volunteer_hours=tuple(sorted(hours[member_id])),
        )
        for member_id in ids
    }


def _listed_query(scope: sa.ColumnElement[bool]) -> sa.Select:
    """Per referral of a referrer in scope, the day it reached the listing."""
    return (sa.select(Referral.referrer_id, sa.func.min(ReferralEvent.occurred_on))
            .join(ReferralEvent, ReferralEvent.referral_id == Referral.id)
            .join(Member, Member.id == Referral.referrer_id)
            .where(scope, ReferralEvent.status.in_(LISTED_OR_LATER))
            .group_by(Referral.id, Referral.referrer_id))


# The member page asks this for one member on every view: built once, because building and
# keying a select costs more than SQLite takes to answer it.
_LISTED_FOR_MEMBER = _listed_query(sa.and_(Member.club_id == sa.bindparam("club_id"),
                                           Member.id == sa.bindparam("member_id")))


def _listed_referrals(query: sa.Select, **params: int) -> dict[int, list[date]]:
    listed: dict[int, list[date]] = defaultdict(list)
    for referrer_id, first_listed in db.session.execute(query, params):
        listed[referrer_id].append(first_listed)
    return listed


def facts_of(member: Member) -> RecognitionFacts:
    return facts_for_members(member.club, [member.id])[member.id]


def facts_from_loaded(member: Member, marrow: list[ReferralEvent],
                      services: list[VolunteerService]) -> RecognitionFacts:
    """The same facts as facts_of, built from what the member page loads anyway: the member's
    donations, their own marrow donation events (referrals.own_marrow_donations) and every
    volunteer row (voided too); only the listed referrals take a query."""
    counted = sorted((d for d in member.donations if not d.is_voided),
                     key=lambda d: (d.donated_on, d.id))
    donations = [DonationFact(d.kind.value, d.donated_on, d.volume_ml, d.therapeutic_units)
                 for d in counted]
    listed = _listed_referrals(_LISTED_FOR_MEMBER, club_id=member.club_id, member_id=member.id)
    return RecognitionFacts(
        donations=tuple(counted_donations(donations, rule_set_for(member.club))),
        listed_referrals=tuple(sorted(listed[member.id])),
        marrow_donations=tuple(sorted(event.occurred_on for event in marrow)),
        volunteer_hours=tuple(sorted((s.served_on, float(s.hours)) for s in services
                                     if s.voided_at is None)),
    )


@dataclass(frozen=True)
class Standing:
    """A member's recognition on a day: progress per category and every milestone reached,
    each with whether a valid certificate already covers it."""

    progress: list[Progress]
    earned: list[tuple[EarnedMilestone, bool]]

    @property
    def upcoming(self) -> list[Progress]:
        """The next step of each kind the member has started (donations always): kinds never
        begun, such as a first marrow donation, are not shown as a goal."""
        return [p for p in self.progress
                if p.next is not None and (p.current > 0 or p.category == "donations")]


def standing_of(member: Member, on: date, facts: RecognitionFacts | None = None, *,
                certificates: list[Certificate] | None = None) -> Standing:
    """The member's standing on `on`; pass `facts` and the member's `certificates` (revoked
    ones too) when already loaded, to spare their queries."""
    facts = facts_of(member) if facts is None else facts
    plan = club_plan(member.club)
    if certificates is None:
        held = _certified(member.club, [member.id]).get(member.id, set())
    else:
        held = {c.award_code for c in certificates if c.revoked_at is None}
    earned = earned_milestones(facts, plan, on)
    return Standing(progress(facts, plan, on),
                    [(e, e.milestone.code in held) for e in reversed(earned)])


def earned_by(member: Member, on: date) -> list[EarnedMilestone]:
    return earned_milestones(facts_of(member), club_plan(member.club), on)


def _certified(club: Club, member_ids: list[int] | None) -> dict[int, set[str]]:
    query = (sa.select(Certificate.member_id, Certificate.award_code)
             .join(Member, Member.id == Certificate.member_id)
             .where(Member.club_id == club.id, Certificate.revoked_at.is_(None)))
    if member_ids is not None:
        query = query.where(Certificate.member_id.in_(member_ids))
    held: dict[int, set[str]] = defaultdict(set)
    for member_id, code in db.session.execute(query):
        held[member_id].add(code)
    return held


def due_milestones(club: Club, on: date, member_ids: list[int] | None = None) -> list[Due]:
    """Per member and category, the highest milestone reached by `on` with no valid
    certificate for it or a higher step of that category. Lower steps passed on the way (a
    member imported with 40 donations has also passed 1, 5, 10 ...) are not due: one
    certificate for where the member stands now, not a stack for the past."""
    plan = club_plan(club)
    facts = facts_for_members(club, member_ids)
    held = _certified(club, member_ids)
    members = {m.id: m for m in db.session.scalars(
        sa.select(Member).where(Member.id.in_(list(facts))))}
    due: list[Due] = []
    for member_id, member_facts in facts.items():
        top: dict[str, EarnedMilestone] = {}
        for earned in earned_milestones(member_facts, plan, on):
            top[earned.milestone.category] = earned  # ascending, so the last is the highest
        held_codes = held.get(member_id, set())
        for category, earned in top.items():
            higher_or_same = [m.code for m in plan.milestones()
                              if m.category == category
                              and m.threshold >= earned.milestone.threshold]
            if not held_codes.intersection(higher_or_same):
                due.append(Due(members[member_id], earned))
    due.sort(key=lambda d: (d.earned.reached_on, d.member.member_no, d.earned.milestone.code))
    return due


def default_plan_of(club: Club) -> MilestonePlan:
    """The rule set's default steps, shown beside the club's own choice."""
    return default_plan(rule_set_for(club))
