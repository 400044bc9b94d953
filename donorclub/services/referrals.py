"""Marrow-registry referrals: recording a candidate a member persuaded to join a registry."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..domain.enums import AuditAction, DriveKind, ReferralStatus, Registry, Sex
from ..extensions import db
from ..models import Club, Drive, Member, Referral, ReferralEvent, User
from . import audit
from .errors import InvalidInput

MAX_NAME, MAX_PHONE, MAX_EMAIL, MAX_NOTES = 120, 32, 254, 2000


def record_referral(actor: User, club: Club, *, referrer_no: str, candidate_name: str,
                    referred_on: date, registry: str, today: date,
                    candidate_date_of_birth: date | None = None,
                    candidate_sex: str | None = None, candidate_phone: str | None = None,
                    candidate_email: str | None = None, consent_contact: bool = False,
                    drive_id: int | None = None, notes: str = "") -> Referral:
    """Record a new candidate referred to a marrow registry by one of the club's members
    (found by member number), with status "referred" and a first event of that status.

    Raises InvalidInput with field messages: the referrer must be a member of the club, the
    candidate needs a name and a phone or an email, dates may not be in the future, and a drive
    must be a marrow-recruitment drive of the club.
    """
    fields = {}
    referrer = db.session.scalar(sa.select(Member).where(
        Member.club_id == club.id, Member.member_no == (referrer_no or "").strip()))
    if referrer is None:
        fields["referrer_no"] = _("No member of this club has that member number.")
    name = (candidate_name or "").strip()
    if not name:
        fields["candidate_name"] = _("Enter the candidate's name.")
    elif len(name) > MAX_NAME:
        fields["candidate_name"] = _("Keep the name under %(n)d characters.", n=MAX_NAME)
    phone, email = (candidate_phone or "").strip(), (candidate_email or "").strip()
    if not phone and not email:
        fields["candidate_phone"] = _("Enter a phone number or an email address.")
    if len(phone) > MAX_PHONE:
        fields["candidate_phone"] = _("Keep the phone under %(n)d characters.", n=MAX_PHONE)
    if email and ("@" not in email or len(email) > MAX_EMAIL):
        fields["candidate_email"] = _("Enter a valid email address.")
    if candidate_date_of_birth is not None and candidate_date_of_birth >= today:
        fields["candidate_date_of_birth"] = _("The date of birth must be in the past.")
    if candidate_sex and candidate_sex not in {s.value for s in Sex}:
        fields["candidate_sex"] = _("Choose a sex or leave it empty.")
    if registry not in {r.value for r in Registry}:
        fields["registry"] = _("Choose the registry.")
    if referred_on > today:
        fields["referred_on"] = _("A referral cannot be in the future.")
    if drive_id is not None and not _is_marrow_drive_of(club, drive_id):
        fields["drive_id"] = _("Choose a marrow-recruitment drive of this club.")
    if len(notes or "") > MAX_NOTES:
        fields["notes"] = _("Keep the notes under %(n)d characters.", n=MAX_NOTES)
    if fields:
        raise InvalidInput(_("The referral was not recorded."), fields)

    referral = Referral(
        club_id=club.id, referrer_id=referrer.id, candidate_name=name,
        candidate_date_of_birth=candidate_date_of_birth,
        candidate_sex=Sex(candidate_sex) if candidate_sex else None,
        candidate_phone=phone or None, candidate_email=email or None,
        registry_code=Registry(registry), status=ReferralStatus.REFERRED,
        consent_contact=bool(consent_contact), drive_id=drive_id, referred_on=referred_on,
        notes=(notes or "").strip(), created_by_id=actor.id)
    db.session.add(referral)
    audit.record(actor, AuditAction.CREATE, referral, after=audit.snapshot(referral))
    event = ReferralEvent(referral=referral, status=ReferralStatus.REFERRED,
                          occurred_on=referred_on, note="", recorded_by_id=actor.id)
    db.session.add(event)
    audit.record(actor, AuditAction.CREATE, event, after=audit.snapshot(event), club_id=club.id)
    db.session.commit()
    return referral


def _is_marrow_drive_of(club: Club, drive_id: int) -> bool:
    drive = db.session.get(Drive, drive_id)
    return (drive is not None and drive.club_id == club.id
            and drive.kind == DriveKind.MARROW_RECRUITMENT)


def referrals_of_drive(drive: Drive) -> list[Referral]:
    """The referrals made at a drive, with their recruiter, in the order they were recorded."""
    return list(db.session.scalars(
        sa.select(Referral).options(selectinload(Referral.referrer))
        .where(Referral.drive_id == drive.id).order_by(Referral.id)))
