"""Recording donations: checked against the club's rules, overridable only with a reason."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..domain.eligibility import DonationFact, check_donation
from ..domain.enums import AuditAction, DonationKind
from ..extensions import db
from ..models import Donation, Member, User
from . import audit
from .eligibility import deferral_facts, donation_facts, donor_of
from .errors import InvalidInput, NotEligible
from .rules import rule_set_for

MAX_OVERRIDE_REASON = 500


def record_donation(actor: User, member: Member, *, donated_on: date, kind: str, volume_ml: int,
                    therapeutic_units: int | None = None, site: str = "",
                    blood_centre_certificate_no: str | None = None,
                    override_reason: str = "", today: date) -> Donation:
    """Record a donation after the rules of the member's club have been checked.

    Raises InvalidInput for impossible input (a future date, a kind or volume outside the rule
    set is reported as NotEligible instead) and NotEligible with the engine's reasons when the
    rules forbid it, unless `override_reason` says why the coordinator records it anyway; the
    override and the reasons it overrode are audited.
    """
    fields = {}
    if donated_on > today:
        fields["donated_on"] = _("A donation cannot be in the future.")
    if donated_on < member.date_of_birth:
        fields["donated_on"] = _("The date is before the member was born.")
    try:
        kind = DonationKind(kind)
    except ValueError:
        fields["kind"] = _("Choose a kind of donation.")
    if volume_ml is None or volume_ml <= 0:
        fields["volume_ml"] = _("Enter the volume in ml, more than 0.")
    if therapeutic_units is not None and therapeutic_units <= 0:
        fields["therapeutic_units"] = _("Therapeutic units must be more than 0.")
    override_reason = (override_reason or "").strip()
    if len(override_reason) > MAX_OVERRIDE_REASON:
        fields["override_reason"] = _("Keep the reason under %(n)d characters.",
                                      n=MAX_OVERRIDE_REASON)
    if fields:
        raise InvalidInput(_("The donation was not recorded."), fields)

    new = DonationFact(kind.value, donated_on, volume_ml, therapeutic_units)
    reasons = check_donation(donor_of(member), donation_facts(member.donations),
                             deferral_facts(member.deferrals), rule_set_for(member.club), new)
    if reasons and not override_reason:
        raise NotEligible(_("The club's rules do not allow this donation."), reasons)

    donation = Donation(member=member, donated_on=donated_on, kind=kind, volume_ml=volume_ml,
                        therapeutic_units=therapeutic_units, site=site.strip()[:200],
                        blood_centre_certificate_no=(blood_centre_certificate_no or None),
                        recorded_by_id=actor.id, override_reason=override_reason or None)
    db.session.add(donation)
    after = audit.snapshot(donation)
    if reasons:
        after["overridden_reasons"] = [r.code for r in reasons]
    audit.record(actor, AuditAction.CREATE, donation, after=after, club_id=member.club_id)
    db.session.commit()
    return donation
