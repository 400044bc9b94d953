"""Eligibility of stored members: rows in, the domain engine's answer out."""
from __future__ import annotations

from datetime import date

from ..domain.eligibility import DeferralFact, DonationFact, Donor, Eligibility, evaluate
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
