"""The member's own view: when they may give next, their totals, awards, certificates and
referrals, and the contact details and consents they may change themselves."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..domain.eligibility import Eligibility
from ..domain.enums import AuditAction, DonationKind, ReferralStatus
from ..domain.masking import given_name
from ..domain.national_awards import NextLevel, next_level
from ..domain.rulesets import RuleSet
from ..extensions import db
from ..models import Certificate, Member, Referral, User
from . import audit, message_events
from .eligibility import member_eligibility
from .errors import InvalidInput, NotFound
from .member_editing import MEMBER_LANGUAGES
from .members import DonationTotals, totals
from .recognition import Standing, facts_of, standing_of
from .referrals import effective_status
from .rules import rule_set_for

MAX_PHONE, MAX_EMAIL = 32, 254


@dataclass(frozen=True)
class ReferralSummary:
    """A referral as its referrer sees it: the candidate's first name only."""

    first_name: str
    registry: str
    referred_on: date
    status: ReferralStatus


@dataclass(frozen=True)
class Overview:
    member: Member
    rule_set: RuleSet
    eligibility: Eligibility
    totals: DonationTotals
    standing: Standing
    national: NextLevel | None  # China's Dedication Award, for rule sets that have it
    certificates: list[Certificate]
    referrals: list[ReferralSummary]


def overview(member: Member, today: date) -> Overview:
    rule_set, facts = rule_set_for(member.club), facts_of(member)
    national = None
    if rule_set.national_award is not None:
        national = next_level(facts.donations, rule_set.national_award)
    referrals = db.session.scalars(
        sa.select(Referral).where(Referral.referrer_id == member.id)
        .order_by(Referral.referred_on.desc(), Referral.id.desc()))
    return Overview(
        member=member, rule_set=rule_set, eligibility=member_eligibility(member, today),
        totals=totals(member.donations, rule_set), standing=standing_of(member, today, facts),
        national=national,
        certificates=list(db.session.scalars(
            sa.select(Certificate).where(Certificate.member_id == member.id)
            .order_by(Certificate.issued_on.desc(), Certificate.id.desc()))),
        referrals=[ReferralSummary(given_name(r.candidate_name), r.registry_code.value,
                                   r.referred_on, effective_status(r, today))
                   for r in referrals])


def own_member(user: User) -> Member:
    """The member record of a member login; NotFound for any other account."""
    member = db.session.get(Member, user.member_id) if user.member_id else None
    if member is None:
        raise NotFound(_("Member not found."))
    return member


def own_certificate(user: User, serial: str) -> Certificate:
    """One of the member's own valid certificates; NotFound for anything else."""
    from .certificates import get_certificate

    certificate = get_certificate(user, serial)
    if certificate.member_id != user.member_id or certificate.revoked_at is not None:
        raise NotFound(_("Certificate not found."))
    return certificate


def update_own_details(user: User, *, phone: str, email: str, locale: str,
                       consent_contact: bool, consent_public_verification: bool,
                       consent_leaderboard: bool, preferred_kind: str | None = None) -> Member:
    """What a member may change about themself: phone, email, language, consents and the kind
    their reminders are about (one of their club's rule set's; "" = the kind of their last
    donation; None leaves it). Raises InvalidInput naming each bad field; the change is
    audited as the member's own."""
    from email_validator import EmailNotValidError, validate_email

    member = own_member(user)
    phone, email = (phone or "").strip(), (email or "").strip()
    fields = {}
    if len(phone) > MAX_PHONE or (phone and not all(c.isdigit() or c in " +-()" for c in phone)):
        fields["phone"] = _("Use digits, spaces and + - ( ) only, at most %(n)d.", n=MAX_PHONE)
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            fields["email"] = _("Enter an email address like name@example.org.")
        if len(email) > MAX_EMAIL:
            fields["email"] = _("The email address is too long.")
    if locale and locale not in MEMBER_LANGUAGES:
        fields["locale"] = _("Choose a language.")
    if preferred_kind and (preferred_kind not in rule_set_for(member.club).kinds
                           or preferred_kind not in {k.value for k in DonationKind}):
        fields["preferred_kind"] = _("Choose one of the kinds offered.")
    if fields:
        raise InvalidInput(_("Your details were not saved."), fields)
    before = audit.snapshot(member)
    member.phone, member.email, member.locale = phone or None, email or None, locale or None
    member.consent_contact = consent_contact
    member.consent_public_verification = consent_public_verification
    member.consent_leaderboard = consent_leaderboard
    if preferred_kind is not None:
        member.preferred_kind = DonationKind(preferred_kind) if preferred_kind else None
    old, new = audit.changed(before, audit.snapshot(member))
    if new:
        audit.record(user, AuditAction.UPDATE, member, before=old, after=new)
        message_events.member_details_changed(member, new)
    db.session.commit()
    return member
