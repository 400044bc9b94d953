"""Eligibility over the API: when one member may give each kind, and who may give on a day."""
from __future__ import annotations

from datetime import date

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..domain.eligibility import Eligibility
from ..models import Club, Member
from ..services import clubs, dashboard, members
from ..services.eligibility import member_eligibility
from ..services.members import Page
from ..services.rules import rule_set_for
from . import schemas
from .auth import api_user
from .donations import MEMBER_ID, fields_renamed

blp = Blueprint("api_eligibility", __name__, description="Eligibility")


class Reason(Schema):
    code = fields.String(required=True)
    clears_on = fields.Date(allow_none=True, metadata={
        "description": "the first day it no longer applies; null: waiting does not clear it"})
    blocking = fields.Boolean(required=True, metadata={
        "description": "false for a note to check that does not stop the donation"})


class KindEligibility(Schema):
    eligible = fields.Boolean(required=True)
    next_date = fields.Date(allow_none=True, metadata={
        "description": "the first day the kind is allowed; null: not by waiting"})
    reasons = fields.List(fields.Nested(Reason), required=True)


class MemberEligibility(Schema):
    member_id = fields.Integer(required=True)
    rule_set = fields.String(required=True)
    on = fields.Date(required=True)
    kinds = fields.Dict(keys=fields.String(), values=fields.Nested(KindEligibility),
                        required=True, metadata={"description": "one entry per kind of the "
                                                 "club's rule set"})


class EligibilityQuery(schemas.Strict):
    on = fields.Date(metadata={"description": "the day asked about; default today"})


class EligibleQuery(schemas.PageQuery):
    on = fields.Date(metadata={"description": "the day of the drive; default today, at most "
                                              "a year away"})
    kind = fields.String(validate=validate.OneOf(schemas.KINDS), metadata={
        "description": "default the first kind of the club's rule set"})


class EligibleMember(schemas.Member):
    last_donated_on = fields.Date(allow_none=True, metadata={
        "description": "their last donation that counts, up to the day asked about"})


EligiblePage = schemas.page_of(EligibleMember, "EligibleMemberPage")


class _EligibleRow:
    """An entry of the eligible list read as its whole member, plus the day they last gave."""

    def __init__(self, member: Member, last_donated_on: date | None):
        self.last_donated_on = last_donated_on
        self._member = member

    def __getattr__(self, name: str):
        return getattr(self._member, name)


def _page_items(club: Club, rows: list[dashboard.EligibleMember]) -> list[_EligibleRow]:
    """The page's rows with their whole members: the list holds only the columns the web page
    shows, and the API's member fields (sex, birth date, status, ...) need the rest."""
    members_of = members.members_by_id(club, [row.member.id for row in rows])
    return [_EligibleRow(members_of[row.member.id], row.last_donated_on)
            for row in rows if row.member.id in members_of]


def _body(member_id: int, answer: Eligibility) -> dict:
    return {"member_id": member_id, "rule_set": answer.rule_set, "on": answer.on,
            "kinds": {kind: {"eligible": k.eligible, "next_date": k.next_date,
                             "reasons": list(k.reasons)}
                      for kind, k in answer.kinds.items()}}


@blp.route(f"/members/{MEMBER_ID}/eligibility")
@blp.arguments(EligibilityQuery, location="query")
@blp.response(200, MemberEligibility)
@blp.alt_response(401, schema=schemas.ApiError)
@blp.alt_response(404, schema=schemas.ApiError)
@blp.alt_response(422, schema=schemas.ApiError)
def member_eligibility_on(query, member_id):
    """When a member may give each kind of donation.

    For each kind of the club's rules: may the member give on `on` (default today), the first
    day they may, and why not (the rules engine's reason codes, each with the day it clears).
    Staff of the member's club, or the member themself."""
    member = members.get_member(api_user(), member_id)
    return _body(member.id, member_eligibility(member, query.get("on") or date.today()))


@blp.route("/clubs/<slug>/eligible")
@blp.arguments(EligibleQuery, location="query")
@blp.response(200, EligiblePage)
@blp.alt_response(401, schema=schemas.ApiError)
@blp.alt_response(404, schema=schemas.ApiError)
@blp.alt_response(422, schema=schemas.ApiError)
def eligible_members(query, slug):
    """Members who may give a kind of donation on a day.

    Active members of the club whom its rules allow to give `kind` on `on`, by member number,
    each with their last donation. Staff of the club only."""
    user = api_user()
    club = clubs.get_club(user, slug)
    today = date.today()
    kind = query.get("kind") or rule_set_for(club).kinds[0]
    with fields_renamed({"date": "on"}):
        rows = dashboard.eligible_list(club, kind=kind, on=query.get("on") or today,
                                       today=today)
    page = Page.of(rows, query["page"], query["per_page"])
    return {"items": _page_items(club, page.items), "page": page.page,
            "per_page": page.per_page, "total": page.total}
