"""Members of a club: list and search, add, read and change one."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_smorest import Blueprint

from ..services import clubs, member_editing, members
from ..services.errors import NotFound
from . import schemas
from .auth import api_user

blp = Blueprint("api_members", __name__, description="Members")
MemberPage = schemas.page_of(schemas.Member, "MemberPage")


def staff_member(member_id: int):
    """A member the user may change: staff of the member's club only (404 otherwise)."""
    user = api_user()
    member = members.get_member(user, member_id)
    if user.is_member:
        raise NotFound(_("Member not found."))
    return member


def _input(data: dict, base: member_editing.MemberInput) -> member_editing.MemberInput:
    values = {**vars(base), **{k: v for k, v in data.items() if k != "confirm_duplicate"}}
    for key in ("phone", "email", "member_no", "locale", "blood_group"):
        values[key] = values.get(key) or ("" if key != "blood_group" else None)
    return member_editing.MemberInput(**values)


def _current(member) -> member_editing.MemberInput:
    return member_editing.MemberInput(
        full_name=member.full_name, sex=member.sex.value, date_of_birth=member.date_of_birth,
        joined_on=member.joined_on,
        blood_group=member.blood_group.value if member.blood_group else None,
        weight_kg=member.weight_kg, phone=member.phone or "", email=member.email or "",
        member_no=member.member_no, status=member.status.value,
        consent_contact=member.consent_contact,
        consent_public_verification=member.consent_public_verification,
        consent_leaderboard=member.consent_leaderboard, notes=member.notes,
        locale=member.locale or "")


@blp.route("/clubs/<slug>/members")
@blp.arguments(schemas.MemberQuery, location="query")
@blp.response(200, MemberPage)
@blp.alt_response(404, schema=schemas.ApiError)
def list_members(query, slug):
    """The club's members, filtered: `q` matches any part of a name, number or phone."""
    club = clubs.get_club(api_user(), slug)
    filters = members.MemberFilters(q=query["q"], blood_group=query["blood_group"],
                                    status=query["status"])
    return schemas.page_body(members.list_members(
        club, page=query["page"], per_page=query["per_page"], filters=filters))


@blp.route("/clubs/<slug>/members", methods=["POST"])
@blp.arguments(schemas.MemberCreate)
@blp.response(201, schemas.Member)
@blp.alt_response(404, schema=schemas.ApiError)
@blp.alt_response(409, schema=schemas.ApiError)
@blp.alt_response(422, schema=schemas.ApiError)
def create_member(data, slug):
    """Add a member; `member_no` defaults to the club's next number, `joined_on` to today."""
    club = clubs.get_club(api_user(), slug)
    today = date.today()
    base = member_editing.MemberInput(full_name="", sex="", date_of_birth=None, joined_on=today)
    return member_editing.create_member(api_user(), club, _input(data, base), today=today,
                                        confirm_duplicate=data.get("confirm_duplicate", False))


@blp.route(f"/members/<{schemas.ID}:member_id>")
@blp.response(200, schemas.Member)
@blp.alt_response(404, schema=schemas.ApiError)
def get_member(member_id):
    """One member: staff of their club, or the member themself."""
    return members.get_member(api_user(), member_id)


@blp.route(f"/members/<{schemas.ID}:member_id>", methods=["PATCH"])
@blp.arguments(schemas.MemberInput)
@blp.response(200, schemas.Member)
@blp.alt_response(404, schema=schemas.ApiError)
@blp.alt_response(409, schema=schemas.ApiError)
@blp.alt_response(422, schema=schemas.ApiError)
def update_member(data, member_id):
    """Change some fields of a member; fields left out keep their values."""
    member = staff_member(member_id)
    return member_editing.update_member(api_user(), member, _input(data, _current(member)),
                                        today=date.today(),
                                        confirm_duplicate=data.get("confirm_duplicate", False))
