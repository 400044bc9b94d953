"""Marrow-registry referrals: record a candidate, read one with its timeline, move it on."""
from __future__ import annotations

from datetime import date

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..domain.enums import ReferralStatus, Registry
from ..domain.referrals import PRODUCTS, allowed_next
from ..services import clubs, referrals
from ..services.errors import InvalidInput
from . import schemas
from .auth import api_user

blp = Blueprint("api_referrals", __name__, description="Marrow-registry referrals")
STATUSES = [s.value for s in ReferralStatus]
MAX_ID = 2**31 - 1  # the id columns' range: a larger id is no route (404), not an overflow
REGISTRIES = [r.value for r in Registry]


class ReferralCreate(schemas.Strict):
    referrer_no = fields.String(required=True, validate=validate.Length(min=1, max=20),
                                metadata={"description": "member number of the club member "
                                                         "who persuaded the candidate"})
    candidate_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    registry = fields.String(required=True, validate=validate.OneOf(REGISTRIES))
    referred_on = fields.Date(metadata={"description": "defaults to today"})
    candidate_date_of_birth = fields.Date(allow_none=True, metadata={
        "description": "when given, the registry's joining ages are checked"})
    candidate_sex = fields.String(allow_none=True, validate=validate.OneOf(schemas.SEXES))
    candidate_phone = fields.String(allow_none=True, validate=validate.Length(max=32),
                                    metadata={"description": "a phone or an email is needed"})
    candidate_email = fields.String(allow_none=True, validate=validate.Length(max=254))
    candidate_member_no = fields.String(allow_none=True, validate=validate.Length(max=20),
                                        metadata={"description": "only when the candidate "
                                                                 "is a member of the club"})
    consent_contact = fields.Boolean(load_default=False)
    drive_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID),
                              metadata={"description": "a marrow-recruitment drive of the club"})
    notes = fields.String(load_default="", validate=validate.Length(max=2000),
                          metadata={"description": "no medical or HLA details"})


class EventCreate(schemas.Strict):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES),
                           metadata={"description": "the stage reached"})
    on = fields.Date(metadata={"description": "the day it was reached; defaults to today"})
    note = fields.String(load_default="", validate=validate.Length(max=2000),
                         metadata={"description": "no medical or HLA details"})
    product = fields.String(allow_none=True, validate=validate.OneOf(PRODUCTS),
                            metadata={"description": "for `donated` only: pbsc or marrow"})


class Event(Schema):
    id = fields.Integer(required=True)
    referral_id = fields.Integer(required=True)
    status = fields.String(required=True)
    on = fields.Date(required=True)
    product = fields.String(allow_none=True)
    note = fields.String(required=True)
    recorded_by = fields.String(allow_none=True, metadata={"description": "the user's name"})


class Referral(Schema):
    id = fields.Integer(required=True)
    club = fields.String(required=True, metadata={"description": "the club's slug"})
    referrer_id = fields.Integer(required=True)
    referrer_no = fields.String(required=True)
    candidate_name = fields.String(required=True)
    candidate_date_of_birth = fields.Date(allow_none=True)
    candidate_sex = fields.String(allow_none=True)
    candidate_phone = fields.String(allow_none=True)
    candidate_email = fields.String(allow_none=True)
    candidate_member_id = fields.Integer(allow_none=True)
    registry = fields.String(required=True)
    registry_donor_id = fields.String(allow_none=True)
    consent_contact = fields.Boolean(required=True)
    drive_id = fields.Integer(allow_none=True)
    referred_on = fields.Date(required=True)
    notes = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "the stage last recorded"})
    effective_status = fields.String(required=True, metadata={
        "description": "the stage as of today: a listed candidate past the registry's age "
                       "limit shows as aged_out"})
    allowed_next = fields.List(fields.String(), required=True, metadata={
        "description": "the stages it may move to now"})
    events = fields.List(fields.Nested(Event), required=True, metadata={
        "description": "every stage reached, oldest first"})


def staff_referral(referral_id: int):
    """A referral of a club the user works in (404 otherwise, and for member logins)."""
    return referrals.get_referral_for(api_user(), referral_id)


def _event_body(event, recorded_by) -> dict:
    return {"id": event.id, "referral_id": event.referral_id, "status": event.status.value,
            "on": event.occurred_on, "product": event.product, "note": event.note,
            "recorded_by": recorded_by.name if recorded_by is not None else None}


def _referral_body(referral, today: date) -> dict:
    return {
        "id": referral.id, "club": referral.club.slug, "referrer_id": referral.referrer_id,
        "referrer_no": referral.referrer.member_no, "candidate_name": referral.candidate_name,
        "candidate_date_of_birth": referral.candidate_date_of_birth,
        "candidate_sex": referral.candidate_sex.value if referral.candidate_sex else None,
        "candidate_phone": referral.candidate_phone,
        "candidate_email": referral.candidate_email,
        "candidate_member_id": referral.candidate_member_id,
        "registry": referral.registry_code.value,
        "registry_donor_id": referral.registry_donor_id,
        "consent_contact": referral.consent_contact, "drive_id": referral.drive_id,
        "referred_on": referral.referred_on, "notes": referral.notes,
        "status": referral.status.value,
        "effective_status": referrals.effective_status(referral, today).value,
        "allowed_next": [s.value for s in allowed_next(referral.status)],
        "events": [_event_body(e, u) for e, u in referrals.timeline(referral)],
    }


@blp.route("/clubs/<slug>/referrals", methods=["POST"])
@blp.arguments(ReferralCreate)
@blp.response(201, Referral)
@blp.alt_response(401, schema=schemas.ApiError)
@blp.alt_response(404, schema=schemas.ApiError)
@blp.alt_response(422, schema=schemas.ApiError)
def create_referral(data, slug):
    """Record a candidate referred to a marrow registry by a member of the club.

    The candidate needs a name and a phone or an email; with a date of birth, their age on
    `referred_on` must be within the registry's joining range. The referral starts at
    `referred`, with that first event on its timeline.
    """
    club = clubs.get_club(api_user(), slug)
    today = date.today()
    referral = referrals.record_referral(
        api_user(), club, referrer_no=data["referrer_no"],
        candidate_name=data["candidate_name"], referred_on=data.get("referred_on") or today,
        registry=data["registry"], today=today,
        candidate_date_of_birth=data.get("candidate_date_of_birth"),
        candidate_sex=data.get("candidate_sex"), candidate_phone=data.get("candidate_phone"),
        candidate_email=data.get("candidate_email"), consent_contact=data["consent_contact"],
        drive_id=data.get("drive_id"), notes=data["notes"],
        candidate_member_no=data.get("candidate_member_no"))
    return _referral_body(referral, today)


@blp.route(f"/referrals/<int(max={MAX_ID}):referral_id>")
@blp.response(200, Referral)
@blp.alt_response(401, schema=schemas.ApiError)
@blp.alt_response(404, schema=schemas.ApiError)
def get_referral(referral_id):
    """One referral with its timeline, its stage as of today and the stages open next."""
    return _referral_body(staff_referral(referral_id), date.today())


@blp.route(f"/referrals/<int(max={MAX_ID}):referral_id>/events", methods=["POST"])
@blp.arguments(EventCreate)
@blp.response(201, Event)
@blp.alt_response(401, schema=schemas.ApiError)
@blp.alt_response(404, schema=schemas.ApiError)
@blp.alt_response(422, schema=schemas.ApiError)
def create_event(data, referral_id):
    """Move a referral to its next stage on a day (`on`, default today).

    The registry's state machine decides: a stage not open from the current one, a day before
    the last event or in the future, and a `donated` stage without its `product` are refused
    with 422 naming the field.
    """
    referral = staff_referral(referral_id)
    today = date.today()
    try:
        event = referrals.move_referral(api_user(), referral, data["status"],
                                        data.get("on") or today, data["note"],
                                        data.get("product"), today=today)
    except InvalidInput as error:  # the service names the day `occurred_on`; clients send `on`
        raise InvalidInput(error.message, {("on" if name == "occurred_on" else name): message
                                           for name, message in error.fields.items()}) from None
    return _event_body(event, api_user())
