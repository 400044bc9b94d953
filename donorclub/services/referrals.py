"""Marrow-registry referrals: recording candidates, moving them through the registry's stages."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..domain import referrals as rules
from ..domain.enums import AuditAction, DriveKind, ReferralStatus, Registry, Sex
from ..extensions import db
from ..models import Club, Drive, Member, Referral, ReferralEvent, User
from . import audit
from .access import can_manage_club
from .errors import InvalidInput, NotFound

MAX_NAME, MAX_PHONE, MAX_EMAIL, MAX_NOTES = 120, 32, 254, 2000


def record_referral(actor: User, club: Club, *, referrer_no: str, candidate_name: str,
                    referred_on: date, registry: str, today: date,
                    candidate_date_of_birth: date | None = None,
                    candidate_sex: str | None = None, candidate_phone: str | None = None,
                    candidate_email: str | None = None, consent_contact: bool = False,
                    drive_id: int | None = None, notes: str = "",
                    candidate_member_no: str | None = None) -> Referral:
    """Record a new candidate referred to a marrow registry by one of the club's members
    (found by member number), with status "referred" and a first event of that status.

    Raises InvalidInput with field messages: the referrer must be a member of the club, the
    candidate needs a name and a phone or an email, dates may not be in the future, and a drive
    must be a marrow-recruitment drive of the club. With a date of birth, the candidate's age
    on the referral day must be within the registry's joining range (domain.referrals). A
    candidate member number links the referral to a club member who is the candidate.
    """
    fields = {}
    referrer = _member_by_no(club, referrer_no)
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
    elif (candidate_date_of_birth is not None and candidate_date_of_birth < referred_on
          and (message := _joining_message(registry, candidate_date_of_birth, referred_on))):
        fields["candidate_date_of_birth"] = message
    candidate_member = None
    if (candidate_member_no or "").strip():
        candidate_member = _member_by_no(club, candidate_member_no)
        if candidate_member is None:
            fields["candidate_member_no"] = _("No member of this club has that member number.")
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
        notes=(notes or "").strip(), created_by_id=actor.id,
        candidate_member_id=candidate_member.id if candidate_member else None)
    db.session.add(referral)
    audit.record(actor, AuditAction.CREATE, referral, after=audit.snapshot(referral))
    event = ReferralEvent(referral=referral, status=ReferralStatus.REFERRED,
                          occurred_on=referred_on, note="", recorded_by_id=actor.id)
    db.session.add(event)
    audit.record(actor, AuditAction.CREATE, event, after=audit.snapshot(event), club_id=club.id)
    db.session.commit()
    return referral


def _member_by_no(club: Club, member_no: str | None) -> Member | None:
    return db.session.scalar(sa.select(Member).where(
        Member.club_id == club.id, Member.member_no == (member_no or "").strip()))


def _joining_message(registry: str, date_of_birth: date, on: date) -> str | None:
    problem = rules.joining_problem(registry, date_of_birth, on)
    if problem is None:
        return None
    name = rules.registry_rule(registry).name
    if problem.max_age is None:
        return _("%(registry)s accepts candidates from age %(min)d; the candidate is %(age)d "
                 "on the referral day.", registry=name, min=problem.min_age or 0, age=problem.age)
    return _("%(registry)s accepts candidates aged %(min)d to %(max)d; the candidate is "
             "%(age)d on the referral day.", registry=name, min=problem.min_age or 0,
             max=problem.max_age, age=problem.age)


def _is_marrow_drive_of(club: Club, drive_id: int) -> bool:
    drive = db.session.get(Drive, drive_id)
    return (drive is not None and drive.club_id == club.id
            and drive.kind == DriveKind.MARROW_RECRUITMENT)


def referrals_of_drive(drive: Drive) -> list[Referral]:
    """The referrals made at a drive, with their recruiter, in the order they were recorded."""
    return list(db.session.scalars(
        sa.select(Referral).options(selectinload(Referral.referrer))
        .where(Referral.drive_id == drive.id).order_by(Referral.id)))


def _reason_fields(reasons: list[str]) -> dict[str, str]:
    messages = {
        rules.NOT_ALLOWED: ("status", _("The referral cannot move to that stage from its "
                                        "current one.")),
        rules.BEFORE_PREVIOUS: ("occurred_on", _("The date is before the referral's last "
                                                 "stage.")),
        rules.IN_FUTURE: ("occurred_on", _("The date cannot be in the future.")),
        rules.PRODUCT_REQUIRED: ("product", _("Choose what was donated: stem cells (PBSC) "
                                              "or marrow.")),
        rules.PRODUCT_NOT_APPLICABLE: ("product", _("A product is recorded only with a "
                                                    "donation.")),
    }
    fields: dict[str, str] = {}
    for reason in reasons:
        field, message = messages[reason]
        fields.setdefault(field, message)
    return fields


def move_referral(actor: User, referral: Referral, status: str, on: date, note: str = "",
                  product: str | None = None, *, today: date) -> ReferralEvent:
    """Move a referral to the next stage on `on`: appends a ReferralEvent, updates the status,
    records the audit event (status before and after) and commits.

    The domain state machine decides (domain.referrals.check_transition). Raises InvalidInput
    with field messages for a refused stage, a date before the last event or in the future,
    a donation without a product ("pbsc" or "marrow"), or an over-long note. Only stages,
    dates and notes are stored, never HLA or medical detail.
    """
    if status not in {s.value for s in ReferralStatus}:
        raise InvalidInput(_("The stage was not recorded."),
                           {"status": _("Choose the next stage.")})
    last_date = db.session.scalar(sa.select(sa.func.max(ReferralEvent.occurred_on))
                                  .where(ReferralEvent.referral_id == referral.id))
    product = product or None
    reasons = rules.check_transition(referral.status, ReferralStatus(status),
                                     last_date or referral.referred_on, on, today,
                                     product=product)
    fields = _reason_fields(reasons)
    if len(note or "") > MAX_NOTES:
        fields["note"] = _("Keep the note under %(n)d characters.", n=MAX_NOTES)
    if fields:
        raise InvalidInput(_("The stage was not recorded."), fields)
    before = {"status": referral.status.value}
    event = ReferralEvent(referral_id=referral.id, status=ReferralStatus(status), occurred_on=on,
                          note=(note or "").strip(), product=product, recorded_by_id=actor.id)
    db.session.add(event)
    referral.status = ReferralStatus(status)
    audit.record(actor, AuditAction.UPDATE, referral, before=before,
                 after={"status": referral.status.value}, club_id=referral.club_id)
    audit.record(actor, AuditAction.CREATE, event, after=audit.snapshot(event),
                 club_id=referral.club_id)
    db.session.commit()
    return event


def effective_status(referral: Referral, today: date) -> ReferralStatus:
    """The stored status, except that a listed-but-not-donated candidate who has reached the
    registry's removal birthday shows as aged_out (computed on read; nothing is written)."""
    status = ReferralStatus(referral.status)
    if status not in rules.LISTED_PRE_DONATION or referral.candidate_date_of_birth is None:
        return status
    removed_on = rules.aged_out_on(referral.registry_code, referral.candidate_date_of_birth)
    if removed_on is not None and today >= removed_on:
        return ReferralStatus.AGED_OUT
    return status


def get_referral(club: Club, referral_id: int) -> Referral:
    """The club's referral with its recruiter, candidate member and drive; NotFound for any
    other club's."""
    referral = db.session.scalar(
        sa.select(Referral).options(selectinload(Referral.referrer),
                                    selectinload(Referral.candidate_member))
        .where(Referral.id == referral_id, Referral.club_id == club.id))
    if referral is None:
        raise NotFound(_("No such referral."))
    return referral


def get_referral_for(user: User, referral_id: int) -> Referral:
    """A referral of a club the user manages, found by id alone (the API's addresses carry
    no club); NotFound for member logins and for any other club's, whether or not it exists."""
    referral = db.session.get(Referral, referral_id)
    if referral is None or user.is_member or not can_manage_club(user, referral.club):
        raise NotFound(_("No such referral."))
    return get_referral(referral.club, referral_id)


def timeline(referral: Referral) -> list[tuple[ReferralEvent, User | None]]:
    """The referral's events oldest first, each with the user who recorded it."""
    events = list(db.session.scalars(
        sa.select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
        .order_by(ReferralEvent.occurred_on, ReferralEvent.id)))
    ids = {e.recorded_by_id for e in events if e.recorded_by_id}
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    return [(e, users.get(e.recorded_by_id)) for e in events]


def list_referrals(club: Club, *, status: str = "", registry: str = "", referrer_no: str = "",
                   since: date | None = None, until: date | None = None, page: int = 1,
                   per_page: int = 50):
    """A page of the club's referrals, newest referral first, narrowed by stored stage,
    registry, recruiter's member number and referral dates (both inclusive)."""
    query = (sa.select(Referral).options(selectinload(Referral.referrer))
             .where(Referral.club_id == club.id))
    if status in {s.value for s in ReferralStatus}:
        query = query.where(Referral.status == status)
    if registry in {r.value for r in Registry}:
        query = query.where(Referral.registry_code == registry)
    if referrer_no := (referrer_no or "").strip():
        query = query.join(Member, Referral.referrer_id == Member.id).where(
            Member.member_no == referrer_no)
    if since is not None:
        query = query.where(Referral.referred_on >= since)
    if until is not None:
        query = query.where(Referral.referred_on <= until)
    query = query.order_by(Referral.referred_on.desc(), Referral.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def marrow_drives_of(club: Club) -> list[Drive]:
    """The club's marrow-recruitment drives, latest first, for the referral form."""
    return list(db.session.scalars(
        sa.select(Drive).where(Drive.club_id == club.id,
                               Drive.kind == DriveKind.MARROW_RECRUITMENT)
        .order_by(Drive.held_on.desc(), Drive.id.desc())))


def own_marrow_donations(member: Member) -> list[ReferralEvent]:
    """The donation events of referrals whose candidate is this member, oldest first."""
    return list(db.session.scalars(
        sa.select(ReferralEvent).join(Referral, ReferralEvent.referral_id == Referral.id)
        .where(Referral.candidate_member_id == member.id,
               ReferralEvent.status == ReferralStatus.DONATED)
        .order_by(ReferralEvent.occurred_on, ReferralEvent.id)))
