"""Public certificate verification: what a certificate proves, and nothing more."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from ..domain.masking import mask_name
from ..domain.serials import normalize_serial
from ..extensions import db
from ..models import Certificate, Member

# Looked up instead of a malformed serial, so a miss costs one indexed query whatever was
# typed: the response time does not tell a near miss from garbage.
_NO_SUCH_SERIAL = "-"
VERIFY_PATH = "/verify/"


def verify_url(serial: str) -> str:
    """The absolute public verification address of a certificate (its QR code, messages)."""
    return current_app.config["BASE_URL"].rstrip("/") + VERIFY_PATH + serial


@dataclass(frozen=True)
class Verification:
    serial: str
    valid: bool
    revoked_on: date | None
    title: str
    award_code: str
    issued_on: date
    club_name: str
    member_name: str   # as printed when the member agreed to public verification, else masked
    name_masked: bool
    language: str


def verify_serial(text: str) -> Verification | None:
    """The certificate a typed serial names, or None. Every successful lookup adds one to the
    certificate's verification count (nothing about the visitor is kept) and commits."""
    serial = normalize_serial(text or "") or _NO_SUCH_SERIAL
    certificate = db.session.scalar(
        sa.select(Certificate).options(selectinload(Certificate.member).selectinload(
            Member.club)).where(Certificate.serial == serial))
    if certificate is None:
        db.session.rollback()
        return None
    # Read before the commit: it expires the rows, and reading them after would load the
    # certificate, member and club again.
    found = _verification(certificate)
    db.session.execute(sa.update(Certificate).where(Certificate.id == certificate.id)
                       .values(verification_count=Certificate.verification_count + 1))
    db.session.commit()
    return found


def _verification(certificate: Certificate) -> Verification:
    member = certificate.member
    shown = member.consent_public_verification
    return Verification(
        serial=certificate.serial, valid=certificate.revoked_at is None,
        revoked_on=certificate.revoked_at.date() if certificate.revoked_at else None,
        title=certificate.title, award_code=certificate.award_code,
        issued_on=certificate.issued_on, club_name=member.club.name,
        member_name=member.full_name if shown else mask_name(member.full_name),
        name_masked=not shown, language=certificate.language)
