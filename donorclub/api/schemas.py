"""Shapes of the API's requests and responses (marshmallow), shared by the feature modules.

Inputs check only their shape (types, formats, choices); the services check the rules and
answer with field messages, exactly as for the web forms.
"""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from ..domain.enums import BloodGroup, DonationKind, MemberStatus, Sex

BLOOD_GROUPS = [g.value for g in BloodGroup]
KINDS = [k.value for k in DonationKind]
SEXES = [s.value for s in Sex]
STATUSES = [s.value for s in MemberStatus]
MAX_PER_PAGE = 200
# The id columns' range: a larger id in a URL matches no route (404) instead of overflowing.
MAX_ID = 2**31 - 1
ID = f"int(max={MAX_ID})"  # the URL converter for ids: "/members/<{ID}:member_id>"


class Strict(Schema):
    """Unknown fields are an error, not silently dropped."""

    class Meta:
        unknown = RAISE


class ApiErrorBody(Schema):
    code = fields.String(required=True, metadata={"description": "invalid, not_eligible, "
                                                  "conflict, unauthorized, not_found, "
                                                  "rate_limited"})
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.String())
    reasons = fields.List(fields.Dict())


class ApiError(Schema):
    error = fields.Nested(ApiErrorBody, required=True)


class PageQuery(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """A list response: {"items": [...], "page": P, "per_page": N, "total": T}."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True),
    }, name=name)


def page_body(page) -> dict:
    """A services Page (or Flask-SQLAlchemy pagination) as the list response."""
    return {"items": page.items, "page": page.page, "per_page": page.per_page,
            "total": page.total}


class Club(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    rule_set = fields.String(required=True)
    locale = fields.String(required=True)
    timezone = fields.String(required=True)


class ClubCreate(Strict):
    slug = fields.String(required=True, validate=validate.Length(min=1, max=60))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    rule_set = fields.String(required=True, validate=validate.Length(min=1, max=20))
    locale = fields.String(load_default="zh_Hans", validate=validate.OneOf(["zh_Hans", "en"]))
    timezone = fields.String(load_default="Asia/Shanghai", validate=validate.Length(max=64))


class Member(Schema):
    id = fields.Integer(required=True)
    club = fields.Function(lambda m: m.club.slug, required=True,
                           metadata={"description": "the club's slug"})
    member_no = fields.String(required=True)
    full_name = fields.String(required=True)
    sex = fields.Function(lambda m: m.sex.value, required=True)
    date_of_birth = fields.Date(required=True)
    blood_group = fields.Function(lambda m: m.blood_group.value if m.blood_group else None,
                                  allow_none=True)
    weight_kg = fields.Float(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    joined_on = fields.Date(required=True)
    status = fields.Function(lambda m: m.status.value, required=True)
    locale = fields.String(allow_none=True)
    consent_contact = fields.Boolean()
    consent_public_verification = fields.Boolean()
    consent_leaderboard = fields.Boolean()


class MemberQuery(PageQuery):
    q = fields.String(load_default="", validate=validate.Length(max=120))
    blood_group = fields.String(load_default="", validate=validate.OneOf(
        ["", "unknown", *BLOOD_GROUPS]))
    status = fields.String(load_default="", validate=validate.OneOf(["", *STATUSES]))


class MemberInput(Strict):
    """Fields of a member; on create `full_name`, `sex` and `date_of_birth` are required."""

    full_name = fields.String(validate=validate.Length(min=1, max=120))
    sex = fields.String(validate=validate.OneOf(SEXES))
    date_of_birth = fields.Date()
    blood_group = fields.String(allow_none=True, validate=validate.OneOf(BLOOD_GROUPS))
    weight_kg = fields.Float(allow_none=True, validate=validate.Range(min=1, max=500))
    phone = fields.String(allow_none=True, validate=validate.Length(max=32))
    email = fields.String(allow_none=True, validate=validate.Length(max=254))
    member_no = fields.String(allow_none=True, validate=validate.Length(max=20))
    joined_on = fields.Date()
    status = fields.String(validate=validate.OneOf(STATUSES))
    locale = fields.String(allow_none=True, validate=validate.OneOf(["zh_Hans", "en"]))
    consent_contact = fields.Boolean()
    consent_public_verification = fields.Boolean()
    consent_leaderboard = fields.Boolean()
    notes = fields.String(validate=validate.Length(max=2000))
    confirm_duplicate = fields.Boolean(load_default=False, metadata={
        "description": "save even though a member with the same name and birth date or "
                       "phone exists"})


class MemberCreate(MemberInput):
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    sex = fields.String(required=True, validate=validate.OneOf(SEXES))
    date_of_birth = fields.Date(required=True)
