"""A member's donations (list, record, void) and deferrals over the API."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..models import Donation as DonationRow
from ..services import deferrals, donations, members
from ..services.errors import InvalidInput
from ..services.rules import rule_set_for
from . import schemas
from .auth import api_user
from .members import staff_member

blp = Blueprint("api_donations", __name__, description="Donations and deferrals")
# Ids past a 32-bit integer cannot exist: the URL refuses them (404) before a database driver
# fails on them (500).
MEMBER_ID = "<int(max=2147483647):member_id>"
DONATION_ID = "<int(max=2147483647):donation_id>"


class UtcDateTime(fields.DateTime):
    """A stored time with its offset: SQLite hands stored UTC times back without one."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Donation(Schema):
    id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    donated_on = fields.Date(required=True)
    kind = fields.Function(lambda d: d.kind.value, required=True)
    volume_ml = fields.Integer(required=True)
    units = fields.Integer(attribute="therapeutic_units", allow_none=True,
                           metadata={"description": "therapeutic units (apheresis), or null"})
    site = fields.String(required=True)
    drive_id = fields.Integer(allow_none=True)
    override_reason = fields.String(allow_none=True, metadata={
        "description": "why it was recorded although the rules refused it"})
    voided_at = UtcDateTime(allow_none=True)
    void_reason = fields.String(allow_none=True)
    recorded_at = UtcDateTime(required=True)


DonationPage = schemas.page_of(Donation, "DonationPage")


class DonationCreate(schemas.Strict):
    donated_on = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(schemas.KINDS))
    volume_ml = fields.Integer(validate=validate.Range(min=1, max=2000), metadata={
        "description": "defaults to the rule set's usual volume for the kind"})
    units = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=10),
                           metadata={"description": "therapeutic units (apheresis)"})
    site = fields.String(load_default="", validate=validate.Length(max=200))
    drive_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=schemas.MAX_ID))
    override_reason = fields.String(load_default="", validate=validate.Length(max=500),
                                    metadata={"description": "record it although the rules "
                                              "refuse it, saying why (audited)"})

    @validates_schema
    def volume_or_units(self, data: dict, **kwargs) -> None:
        if data.get("volume_ml") is None and data.get("units") is None:
            raise ValidationError(_("Give volume_ml, units or both."), "volume_ml")


class VoidInput(schemas.Strict):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class Deferral(Schema):
    id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    reason = fields.String(attribute="reason_code", required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True, metadata={
        "description": "the first day the member may donate again; null: indefinite"})
    kinds = fields.List(fields.String(), allow_none=True,
                        metadata={"description": "the kinds it blocks; null: every kind"})
    note = fields.String(required=True)


class DeferralCreate(schemas.Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={
        "description": "a deferral reason code of the club's rule set, or `other` (then "
                       "`note` says why and `ends_on` is needed)"})
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True, metadata={
        "description": "the first day the member may donate again; left out: the usual "
                       "length for the reason; null: indefinite"})
    kinds = fields.List(fields.String(validate=validate.OneOf(schemas.KINDS)), metadata={
        "description": "the kinds it blocks; left out: those the reason blocks"})
    note = fields.String(load_default="", validate=validate.Length(max=500))


@contextmanager
def fields_renamed(names: dict[str, str]) -> Iterator[None]:
    """Report a service's field errors under the API's names for those fields."""
    try:
        yield
    except InvalidInput as error:
        raise InvalidInput(error.message, {names.get(k, k): v for k, v in error.fields.items()}
                           ) from error


def staff_donation(donation_id: int) -> DonationRow:
    """A donation the user may change: staff of its member's club only (404 otherwise)."""
    return donations.find_donation(api_user(), donation_id)


@blp.route(f"/members/{MEMBER_ID}/donations")
class MemberDonations(MethodView):
    # One class for both methods gives one URL rule, so an impossible id is 404 for both
    # (with two rules werkzeug answers 405 to the method whose rule refused the id).

    @blp.arguments(schemas.PageQuery, location="query")
    @blp.response(200, DonationPage)
    @blp.alt_response(401, schema=schemas.ApiError)
    @blp.alt_response(404, schema=schemas.ApiError)
    @blp.alt_response(422, schema=schemas.ApiError)
    def get(self, query, member_id):
        """A member's donations, newest first.

        Voided ones are included, with `voided_at` and `void_reason`. Staff of the member's
        club, or the member themself."""
        member = members.get_member(api_user(), member_id)
        ordered = sorted(member.donations, key=lambda d: (d.donated_on, d.id), reverse=True)
        page, per_page = query["page"], query["per_page"]
        return {"items": ordered[(page - 1) * per_page: page * per_page], "page": page,
                "per_page": per_page, "total": len(ordered)}

    @blp.arguments(DonationCreate)
    @blp.response(201, Donation)
    @blp.alt_response(401, schema=schemas.ApiError)
    @blp.alt_response(404, schema=schemas.ApiError)
    @blp.alt_response(409, schema=schemas.ApiError)
    @blp.alt_response(422, schema=schemas.ApiError)
    def post(self, data, member_id):
        """Record a donation after the club's rules are checked.

        Staff of the member's club only. 409 `not_eligible` with the reasons when the rules
        refuse it and no `override_reason` is given; 409 `conflict` when the member already
        has one of that kind that day. Without `volume_ml` the rule set's usual volume for the
        kind is recorded, the value the web form starts with (a kind the rule set lacks then
        gets a field error on `volume_ml`).
        """
        member = staff_member(member_id)
        volume = data.get("volume_ml")
        if volume is None:
            rule = rule_set_for(member.club).kind_rules.get(data["kind"])
            volume = rule.default_volume_ml if rule is not None else None
        with fields_renamed({"therapeutic_units": "units"}):
            return donations.record_donation(
                api_user(), member, donated_on=data["donated_on"], kind=data["kind"],
                volume_ml=volume, therapeutic_units=data.get("units"), site=data["site"],
                drive_id=data.get("drive_id"), override_reason=data["override_reason"],
                today=date.today())


@blp.route(f"/donations/{DONATION_ID}/void", methods=["POST"])
@blp.arguments(VoidInput)
@blp.response(200, Donation)
@blp.alt_response(401, schema=schemas.ApiError)
@blp.alt_response(404, schema=schemas.ApiError)
@blp.alt_response(409, schema=schemas.ApiError)
@blp.alt_response(422, schema=schemas.ApiError)
def void_donation(data, donation_id):
    """Void a donation.

    It stays on record, marked who, when and why, and counts for nothing from then on.
    409 `conflict` when it is voided already; staff of the member's club only."""
    donation = staff_donation(donation_id)
    return donations.void_donation(api_user(), donation, data["reason"])


@blp.route(f"/members/{MEMBER_ID}/deferrals", methods=["POST"])
@blp.arguments(DeferralCreate)
@blp.response(201, Deferral)
@blp.alt_response(401, schema=schemas.ApiError)
@blp.alt_response(404, schema=schemas.ApiError)
@blp.alt_response(422, schema=schemas.ApiError)
def create_deferral(data, member_id):
    """Record a deferral: a period in which the member may not donate.

    Staff of the member's club only. A reason of the club's catalogue gives the usual end
    and kinds when they are left out; `ends_on: null` makes the deferral indefinite. With
    `reason: other`, `note` describes it.
    """
    member = staff_member(member_id)
    indefinite = "ends_on" in data and data["ends_on"] is None
    with fields_renamed({"reason_code": "reason", "free_text": "note"}):
        return deferrals.record_deferral(
            api_user(), member, data["reason"], data["note"], data["starts_on"],
            data.get("ends_on"), indefinite, data.get("kinds"), today=date.today())
