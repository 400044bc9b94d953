"""Certificates: issue one or a batch for milestones reached, revoke, re-issue, find, list."""
from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..domain.awards import EarnedMilestone, parse_award_code
from ..domain.enums import AuditAction, Role
from ..domain.serials import new_serial, normalize_serial
from ..extensions import db
from ..models import Certificate, Club, Member, User
from ..models.search import contains_text
from . import audit, certificate_text, message_events
from .access import can_manage_club
from .errors import Conflict, InvalidInput, NotFound
from .members import Page
from .recognition import club_plan, due_milestones, earned_by
from .rules import rule_set_for

MAX_REASON = 500
MAX_BATCH = 5000  # members in one batch request: a city club, with room to spare


def _language(member: Member) -> str:
    return certificate_text.language_of(member.locale, member.club.locale)


def _unused_serial() -> str:
    """A serial no row has; with 59 random bits a clash is practically never, but checked."""
    while True:
        serial = new_serial()
        if db.session.scalar(sa.select(Certificate.id).where(Certificate.serial == serial)) is None:
            return serial


def _new_certificate(actor: User | None, member: Member, earned: EarnedMilestone, today: date,
                     replaces: Certificate | None = None, *, notify: bool = True
                     ) -> Certificate:
    """A new certificate in the session, audited, and (with `notify`) its message to the
    member queued in the same transaction."""
    language = _language(member)
    plan = club_plan(member.club)
    word = certificate_text.counting_word(rule_set_for(member.club).code, plan.gallon)
    figures = asdict(earned.figures) | {"threshold": earned.milestone.threshold}
    certificate = Certificate(
        serial=_unused_serial(), member=member, award_code=earned.milestone.code,
        title=certificate_text.title(earned.milestone, language, word, plan.gallon),
        language=language, reached_on=earned.reached_on, figures=figures, issued_on=today,
        issued_by_id=actor.id if actor is not None else None,
        replaces_id=replaces.id if replaces is not None else None)
    db.session.add(certificate)
    audit.record(actor, AuditAction.CREATE, certificate, after=audit.snapshot(certificate),
                 club_id=member.club_id)
    if notify:
        message_events.certificate_issued(actor, certificate)
    return certificate


def _earned(member: Member, award_code: str, today: date) -> EarnedMilestone:
    try:
        wanted = parse_award_code(award_code)
    except ValueError:
        raise InvalidInput(_("There is no such award."), fields={"award_code": _(
            "Choose one of the milestones the member has reached.")}) from None
    for earned in earned_by(member, today):
        if earned.milestone == wanted:
            return earned
    raise InvalidInput(_("%(name)s has not reached this milestone.", name=member.full_name),
                       fields={"award_code": _("Choose one of the milestones the member has "
                                               "reached.")})


def _valid_for(member_id: int, award_code: str) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.member_id == member_id, Certificate.award_code == award_code,
        Certificate.revoked_at.is_(None)))


def issue_certificate(actor: User | None, member: Member, award_code: str, *,
                      today: date) -> Certificate:
    """Issue a certificate for a milestone the member has reached by `today`. Raises
    InvalidInput when the milestone is unknown or not reached, Conflict when a valid
    certificate for it exists (revoke it first, or re-issue it)."""
    earned = _earned(member, award_code, today)
    if _valid_for(member.id, award_code) is not None:
        raise Conflict(_("%(name)s already holds a valid certificate for this milestone.",
                         name=member.full_name))
    certificate = _new_certificate(actor, member, earned, today)
    db.session.commit()
    return certificate


def issue_due(actor: User | None, club: Club, *, today: date,
              member_ids: list[int] | None = None,
              chosen: set[tuple[int, str]] | None = None,
              commit: bool = True, notify: bool = True) -> list[Certificate]:
    """Issue every due certificate of the club, or of the chosen members, or only the chosen
    (member id, award code) pairs that are due, in one transaction: all or none. Returns them
    in the order of the due list. With commit=False they stay uncommitted in the session, for
    a caller that commits them together with more work (printing the batch). Each member is
    told of their certificate unless `notify` is false (demo data)."""
    if chosen is not None:
        member_ids = sorted({member_id for member_id, _code in chosen})
    if member_ids is not None and len(member_ids) > MAX_BATCH:
        raise InvalidInput(_("Choose at most %(n)d members at a time.", n=MAX_BATCH))
    issued = [_new_certificate(actor, due.member, due.earned, today, notify=notify)
              for due in due_milestones(club, today, member_ids)
              if chosen is None or (due.member.id, due.earned.milestone.code) in chosen]
    if commit:
        db.session.commit()
    return issued


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason."), fields={"reason": _("Give the reason.")})
    if len(reason) > MAX_REASON:
        raise InvalidInput(_("The reason is too long."), fields={
            "reason": _("At most %(n)d characters.", n=MAX_REASON)})
    return reason


def _revoke(actor: User | None, certificate: Certificate, reason: str) -> None:
    if certificate.revoked_at is not None:
        raise Conflict(_("This certificate was already revoked."))
    before = audit.snapshot(certificate)
    # Read the actor's id first: loading an expired actor autoflushes, and the check
    # constraint refuses a row with revoked_at set but no reason yet.
    actor_id = actor.id if actor is not None else None
    certificate.revoked_at, certificate.revoked_by_id, certificate.revoke_reason = (
        datetime.now(UTC), actor_id, reason)
    audit.record(actor, AuditAction.REVOKE, certificate, before=before,
                 after=audit.snapshot(certificate), club_id=certificate.member.club_id)
    message_events.certificate_revoked(certificate)


def revoke_certificate(actor: User | None, certificate: Certificate, reason: str) -> Certificate:
    """Revoke with a reason: verification then shows it as revoked, with the date."""
    _revoke(actor, certificate, _reason(reason))
    db.session.commit()
    return certificate


def reissue_certificate(actor: User | None, certificate: Certificate, reason: str, *,
                        today: date) -> Certificate:
    """Revoke the certificate and issue a new one with a new serial for the same milestone
    (a lost or damaged print, a corrected name). The figures are those of the milestone as
    the records stand now."""
    reason = _reason(reason)
    member = certificate.member
    earned = _earned(member, certificate.award_code, today)
    _revoke(actor, certificate, reason)
    db.session.flush()  # the partial unique index must see the old one revoked first
    replacement = _new_certificate(actor, member, earned, today, replaces=certificate)
    db.session.commit()
    return replacement


def may_see(user: User, certificate: Certificate) -> bool:
    """Staff of the member's club, and the member themself."""
    if user.role == Role.MEMBER:
        return user.member_id == certificate.member_id
    return can_manage_club(user, certificate.member.club)


def get_certificate(user: User, serial: str) -> Certificate:
    """The certificate if this user may see it; NotFound otherwise (even when it exists)."""
    canonical = normalize_serial(serial or "")
    certificate = None if canonical is None else db.session.scalar(
        sa.select(Certificate).options(selectinload(Certificate.member).selectinload(
            Member.club)).where(Certificate.serial == canonical))
    if certificate is None or not may_see(user, certificate):
        raise NotFound(_("Certificate not found."))
    return certificate


def certificates_by_ids(club: Club, ids: list[int]) -> list[Certificate]:
    """The club's certificates among these ids, in the given order; others are left out."""
    if not ids:
        return []
    found = {c.id: c for c in db.session.scalars(
        sa.select(Certificate).join(Member, Member.id == Certificate.member_id)
        .options(selectinload(Certificate.member))
        .where(Member.club_id == club.id, Certificate.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def list_certificates(club: Club, *, status: str = "", issued_on: date | None = None,
                      q: str = "", page: int = 1, per_page: int = 50) -> Page:
    """A page of the club's certificates, newest first; `status` is "", "valid" or
    "revoked"; `q` matches the member's name or number, or a serial."""
    query = (sa.select(Certificate).join(Member, Member.id == Certificate.member_id)
             .where(Member.club_id == club.id))
    if status == "valid":
        query = query.where(Certificate.revoked_at.is_(None))
    elif status == "revoked":
        query = query.where(Certificate.revoked_at.is_not(None))
    if issued_on is not None:
        query = query.where(Certificate.issued_on == issued_on)
    if q.strip():
        term = q.strip()
        serial = normalize_serial(term)
        conditions = [contains_text(Member.full_name, term), Member.member_no == term]
        if serial:
            conditions.append(Certificate.serial == serial)
        query = query.where(sa.or_(*conditions))
    total = db.session.scalar(query.with_only_columns(sa.func.count()).order_by(None))
    page = max(page, 1)
    items = list(db.session.scalars(
        query.options(selectinload(Certificate.member))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
        .limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total or 0)


def issued_ids(club: Club, issued_on: date, status: str = "valid") -> list[int]:
    """Ids of the club's certificates issued on a day (to print a batch again)."""
    query = (sa.select(Certificate.id).join(Member, Member.id == Certificate.member_id)
             .where(Member.club_id == club.id, Certificate.issued_on == issued_on))
    if status == "valid":
        query = query.where(Certificate.revoked_at.is_(None))
    return list(db.session.scalars(query.order_by(Member.member_no, Certificate.id)))


def replacement_of(certificate: Certificate) -> Certificate | None:
    """The certificate issued to replace this one, if it was re-issued."""
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.replaces_id == certificate.id))


def record_printing(actor: User | None, club: Club, printed: list[Certificate]) -> None:
    """Note in the audit log who printed which certificates (health data leaves the system)."""
    audit.record(actor, AuditAction.PRINT, "certificates", club_id=club.id,
                 after={"serials": [c.serial for c in printed]})
    db.session.commit()


def valid_certificates(club: Club, *, member_nos: list[str] | None = None,
                       issued_on: date | None = None) -> list[Certificate]:
    """The club's valid certificates in print order (member number, then issue), optionally
    of some members or of one issue day. Raises NotFound naming member numbers that do not
    exist in the club."""
    query = (sa.select(Certificate).join(Member, Member.id == Certificate.member_id)
             .options(selectinload(Certificate.member))
             .where(Member.club_id == club.id, Certificate.revoked_at.is_(None)))
    if member_nos:
        member_ids = member_ids_by_no(club, member_nos)
        query = query.where(Certificate.member_id.in_(member_ids))
    if issued_on is not None:
        query = query.where(Certificate.issued_on == issued_on)
    return list(db.session.scalars(query.order_by(Member.member_no, Certificate.issued_on,
                                                  Certificate.id)))


def member_ids_by_no(club: Club, member_nos: list[str]) -> list[int]:
    """The ids of the club's members with these numbers; NotFound names any unknown one."""
    found = dict(db.session.execute(sa.select(Member.member_no, Member.id).where(
        Member.club_id == club.id, Member.member_no.in_(member_nos))).all())
    missing = [no for no in member_nos if no not in found]
    if missing:
        raise NotFound(_("No member numbered %(numbers)s in this club.",
                         numbers=", ".join(missing)))
    return [found[no] for no in member_nos]
