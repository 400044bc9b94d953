"""Donations: recorded against the club's rules (overridable only with a reason), and voided,
never deleted."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..domain.eligibility import DonationFact, check_donation
from ..domain.enums import AuditAction, DonationKind, DriveKind
from ..extensions import db
from ..models import Club, Donation, Drive, Member, User
from . import audit, message_events
from .access import can_manage_club
from .eligibility import deferral_facts, donation_facts, donor_of
from .errors import Conflict, InvalidInput, NotEligible, NotFound
from .member_locks import lock_members
from .rules import rule_set_for
from .voiding import void_row

MAX_OVERRIDE_REASON = 500
# Drives offered when recording: blood drives of this long ago up to today.
DRIVE_LOOKBACK = timedelta(days=730)


def record_donation(actor: User, member: Member, *, donated_on: date, kind: str, volume_ml: int,
                    therapeutic_units: int | None = None, site: str = "",
                    drive_id: int | None = None,
                    blood_centre_certificate_no: str | None = None,
                    override_reason: str = "", today: date, commit: bool = True) -> Donation:
    """Record a donation after the rules of the member's club have been checked.

    Raises InvalidInput for impossible input (a future date, a drive of another club; a kind or
    volume outside the rule set is reported as NotEligible instead), Conflict when the member
    already has an unvoided donation of that kind on that day (even with an override), and
    NotEligible with the engine's reasons when the rules forbid it, unless `override_reason`
    says why the coordinator records it anyway; the override and the reasons it overrode are
    audited. A thank-you to the member (and the end of their "you can donate again") is part
    of the same transaction (services/message_events.py). With `commit=False` the donation
    is only flushed, so a caller can record several in one transaction (and roll them all
    back). Concurrent calls for one member are serialised (`member_locks.lock_members`): the
    second sees the first's donation.
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
    if drive_id is not None and not _is_blood_drive_of(member.club_id, drive_id):
        fields["drive_id"] = _("Choose a blood drive of this club.")
    if fields:
        raise InvalidInput(_("The donation was not recorded."), fields)
    # Check and insert under the member's lock: a concurrent request for the same member
    # waits here until this one commits, and then checks against its donation.
    lock_members(member)
    if _already_recorded(member, kind, donated_on):
        raise Conflict(_duplicate_message(donated_on))

    new = DonationFact(kind.value, donated_on, volume_ml, therapeutic_units)
    reasons = check_donation(donor_of(member), donation_facts(member.donations),
                             deferral_facts(member.deferrals), rule_set_for(member.club), new)
    if reasons and not override_reason:
        raise NotEligible(_("The club's rules do not allow this donation."), reasons)

    donation = Donation(member=member, donated_on=donated_on, kind=kind, volume_ml=volume_ml,
                        therapeutic_units=therapeutic_units, site=(site or "").strip()[:200],
                        drive_id=drive_id,
                        blood_centre_certificate_no=(blood_centre_certificate_no or "").strip()
                        or None,
                        recorded_by_id=actor.id, override_reason=override_reason or None)
    db.session.add(donation)
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:
        # Another request recorded the same donation between our check and this insert;
        # the partial unique index refused it.
        db.session.rollback()
        raise Conflict(_duplicate_message(donated_on)) from error
    after = audit.snapshot(donation)
    if reasons:
        after["overridden_reasons"] = [r.code for r in reasons]
    audit.record(actor, AuditAction.CREATE, donation, after=after, club_id=member.club_id)
    message_events.donation_recorded(actor, donation, today=today)
    if commit:
        db.session.commit()
    return donation


def _already_recorded(member: Member, kind: DonationKind, donated_on: date) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Donation).where(
            Donation.member_id == member.id, Donation.kind == kind,
            Donation.donated_on == donated_on, Donation.voided_at.is_(None))
    ) > 0


def _duplicate_message(donated_on: date) -> str:
    return _("A donation of this kind on %(date)s is already recorded for this member. "
             "If that record is wrong, void it first.", date=donated_on.isoformat())


def _is_blood_drive_of(club_id: int, drive_id: int) -> bool:
    drive = db.session.get(Drive, drive_id)
    return drive is not None and drive.club_id == club_id and drive.kind == DriveKind.BLOOD


def drives_for(club: Club, today: date) -> list[Drive]:
    """The club's blood drives a donation can belong to: the last two years, newest first."""
    return list(db.session.scalars(
        sa.select(Drive).where(Drive.club_id == club.id, Drive.kind == DriveKind.BLOOD,
                               Drive.held_on <= today, Drive.held_on >= today - DRIVE_LOOKBACK)
        .order_by(Drive.held_on.desc(), Drive.id.desc())))


def get_donation(member: Member, donation_id: int) -> Donation:
    """One of the member's donations; NotFound when it belongs to someone else or nobody."""
    donation = db.session.get(Donation, donation_id)
    if donation is None or donation.member_id != member.id:
        raise NotFound(_("Donation not found."))
    return donation


def find_donation(user: User, donation_id: int) -> Donation:
    """A donation found by id alone, for staff of its member's club; NotFound for member
    logins and for any other club's donation, whether or not it exists."""
    donation = db.session.get(Donation, donation_id)
    if donation is None or user.is_member or not can_manage_club(user, donation.member.club):
        raise NotFound(_("Donation not found."))
    return donation


def void_donation(actor: User, donation: Donation, reason: str) -> Donation:
    """Void a donation: it stays on record, marked with who, when and why, and counts for
    nothing from then on; its thank-you, if still queued, is cancelled. Raises InvalidInput
    without a reason of 3 to 500 characters and Conflict when the donation is already voided
    (also when a concurrent request voided it)."""
    # Like every write to a member's record: a donation checked at the same moment sees
    # this one counted or voided, and a second void finds it voided.
    lock_members(donation.member)
    db.session.refresh(donation)
    return void_row(actor, donation, reason, _("This donation was already voided."),
                    also=lambda: message_events.donation_voided(donation))
