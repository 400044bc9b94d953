"""Member list and member page."""
from flask import abort, current_app, render_template, request
from flask_login import current_user

from ...services import clubs, members
from ..permissions import staff_required
from . import bp


@bp.route("/")
@staff_required
def index(slug: str):
    club = clubs.get_club(current_user, slug)
    q = request.args.get("q", "")
    page = request.args.get("page", 1, type=int)
    pagination = members.list_members(
        club, page=max(page, 1), per_page=current_app.config["MEMBERS_PER_PAGE"], q=q
    )
    return render_template("members/index.html", club=club, pagination=pagination, q=q)


@bp.route("/<int:member_id>")
@staff_required
def detail(slug: str, member_id: int):
    club = clubs.get_club(current_user, slug)
    member = members.get_member(current_user, member_id)
    if member.club_id != club.id:
        abort(404)
    return render_template(
        "members/detail.html", club=club, member=member, totals=members.totals(member.donations)
    )
