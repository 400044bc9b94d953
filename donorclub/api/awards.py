"""Recognition: what a member has earned and is heading for, and issuing their certificates."""
from __future__ import annotations

from datetime import date

from flask import current_app, request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..domain.awards import CATEGORIES
from ..domain.national_awards import next_level
from ..services import certificates, members, recognition
from ..services.certificate_printing import verify_url
from ..services.errors import InvalidInput
from ..services.rules import rule_set_for
from . import schemas
from .auth import api_user
from .members import staff_member
from .referrals import MAX_ID

blp = Blueprint("api_awards", __name__, description="Awards and certificates")
AWARD_CODE = rf"^({'|'.join(CATEGORIES)})-[1-9][0-9]{{0,8}}$"


class Milestone(Schema):
    award = fields.String(required=True, metadata={"description": "award code, e.g. "
                                                                  "donations-20"})
    category = fields.String(required=True)
    threshold = fields.Integer(required=True)
    reached_on = fields.Date(required=True)
    certificate = fields.String(allow_none=True, metadata={
        "description": "serial of the valid certificate for it, or null"})


class NextMilestone(Schema):
    category = fields.String(required=True)
    current = fields.Float(required=True, metadata={"description": "in the category's unit"})
    award = fields.String(allow_none=True, metadata={"description": "null when every step "
                                                                    "is reached"})
    threshold = fields.Integer(allow_none=True)
    remaining = fields.Float(allow_none=True)


class CertificateSummary(Schema):
    serial = fields.String(required=True)
    award = fields.String(required=True)
    title = fields.String(required=True)
    issued_on = fields.Date(required=True)
    status = fields.String(required=True, metadata={"description": "valid or revoked"})
    revoked_on = fields.Date(allow_none=True)


class NationalLevel(Schema):
    level = fields.String(required=True, metadata={"description": "bronze, silver or gold"})
    number = fields.Integer(required=True, metadata={"description": "which gold; 1 otherwise"})
    count = fields.Float(required=True)
    threshold = fields.Integer(required=True)
    remaining = fields.Float(required=True)


class Awards(Schema):
    member_id = fields.Integer(required=True)
    rule_set = fields.String(required=True)
    on = fields.Date(required=True)
    award_count = fields.Float(required=True, metadata={
        "description": "the donations' worth toward awards under the club's rule set"})
    milestones = fields.List(fields.Nested(Milestone), required=True, metadata={
        "description": "every milestone reached, latest first"})
    certificates = fields.List(fields.Nested(CertificateSummary), required=True)
    next_milestones = fields.List(fields.Nested(NextMilestone), required=True, metadata={
        "description": "per category, the next step"})
    national_award = fields.Nested(NationalLevel, allow_none=True, metadata={
        "description": "the next national Dedication Award level (China's rules), else null"})


class CertificateCreate(schemas.Strict):
    award = fields.String(required=True, validate=validate.Regexp(AWARD_CODE), metadata={
        "description": "the code of a milestone the member reached: category-threshold, "
                       "e.g. donations-20"})


class IssuedCertificate(Schema):
    serial = fields.String(required=True)
    award = fields.String(required=True)
    title = fields.String(required=True)
    issued_on = fields.Date(required=True)
    member_id = fields.Integer(required=True)
    pdf_url = fields.String(required=True, metadata={"description": "the printable PDF (staff)"})
    verify_url = fields.String(required=True, metadata={"description": "the public check"})


def _certificate_summary(certificate) -> dict:
    revoked = certificate.revoked_at
    return {"serial": certificate.serial, "award": certificate.award_code,
            "title": certificate.title, "issued_on": certificate.issued_on,
            "status": "revoked" if revoked else "valid",
            "revoked_on": revoked.date() if revoked else None}


def _public_url(path: str) -> str:
    """An address of the site from BASE_URL, which already holds any prefix a proxy adds."""
    if request.script_root and path.startswith(request.script_root):
        path = path[len(request.script_root):]
    return current_app.config["BASE_URL"].rstrip("/") + path


@blp.route(f"/members/<int(max={MAX_ID}):member_id>/awards")
@blp.response(200, Awards)
@blp.alt_response(401, schema=schemas.ApiError)
@blp.alt_response(404, schema=schemas.ApiError)
def get_awards(member_id):
    """A member's awards: the count, milestones reached, certificates and next steps.

    As of today: the award count under the club's rule set, every milestone reached with its
    date and valid certificate, all certificates with their status, the next step of each
    category and, under China's rules, the next national award level. Staff of the member's
    club, or the member themself.
    """
    member = members.get_member(api_user(), member_id)
    today = date.today()
    rule_set = rule_set_for(member.club)
    facts = recognition.facts_of(member)
    standing = recognition.standing_of(member, today, facts)
    held = members.certificates_of(member)
    valid = {c.award_code: c.serial for c in held if c.revoked_at is None}
    national = None
    if rule_set.national_award is not None:
        national = next_level(facts.donations, rule_set.national_award)
    count = next(p.current for p in standing.progress if p.category == "donations")
    return {
        "member_id": member.id, "rule_set": rule_set.code, "on": today, "award_count": count,
        "milestones": [{"award": e.milestone.code, "category": e.milestone.category,
                        "threshold": e.milestone.threshold, "reached_on": e.reached_on,
                        "certificate": valid.get(e.milestone.code)}
                       for e, _certified in standing.earned],
        "certificates": [_certificate_summary(c) for c in held],
        "next_milestones": [{"category": p.category, "current": p.current,
                             "award": p.next.code if p.next else None,
                             "threshold": p.next.threshold if p.next else None,
                             "remaining": p.remaining} for p in standing.progress],
        "national_award": national,
    }


@blp.route(f"/members/<int(max={MAX_ID}):member_id>/certificates", methods=["POST"])
@blp.arguments(CertificateCreate)
@blp.response(201, IssuedCertificate)
@blp.alt_response(401, schema=schemas.ApiError)
@blp.alt_response(404, schema=schemas.ApiError)
@blp.alt_response(409, schema=schemas.ApiError)
@blp.alt_response(422, schema=schemas.ApiError)
def issue_certificate(data, member_id):
    """Issue a certificate for a milestone the member has reached (staff of their club).

    422 when the award is unknown or not reached; 409 when a valid certificate for it
    exists (revoke or re-issue that one instead).
    """
    member = staff_member(member_id)
    try:
        certificate = certificates.issue_certificate(api_user(), member, data["award"],
                                                     today=date.today())
    except InvalidInput as error:  # the service names the field `award_code`; clients `award`
        raise InvalidInput(error.message, {("award" if name == "award_code" else name): message
                                           for name, message in error.fields.items()}) from None
    pdf = url_for("certificates.pdf", slug=member.club.slug, serial=certificate.serial)
    return {"serial": certificate.serial, "award": certificate.award_code,
            "title": certificate.title, "issued_on": certificate.issued_on,
            "member_id": member.id, "pdf_url": _public_url(pdf),
            "verify_url": verify_url(certificate.serial)}
