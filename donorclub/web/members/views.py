"""Member list and member page."""
from datetime import date

from flask import abort, current_app, render_template, request
from flask_login import current_user

from ...services import clubs, members
from ...services.eligibility import member_eligibility
from ...services.rules import rule_set_for
from ..donations.forms import DonationForm
from ..permissions import staff_required
from . import bp


def load_member(slug: str, member_id: int):
    """The club and member, both within the current user's reach (404 otherwise)."""
    club = clubs.get_club(current_user, slug)
    member = members.get_member(current_user, member_id)
    if member.club_id != club.id:
        abort(404)
    return club, member


def render_member_page(club, member, form=None, *, refused=None, rule_set=None, status=200):
    """The member page; the donation form comes back filled in when it was refused."""
    rule_set = rule_set or rule_set_for(club)
    today = date.today()
    if form is None:
        first = rule_set.kind_rules[rule_set.kinds[0]]
        form = DonationForm(formdata=None, donated_on=today, kind=first.kind,
                            volume_ml=first.default_volume_ml,
                            therapeutic_units=first.default_units)
        form.use_rule_set(rule_set)
    return render_template(
        "members/detail.html", club=club, member=member, totals=members.totals(member.donations),
        eligibility=member_eligibility(member, today), rule_set=rule_set, today=today,
        form=form, refused=refused,
    ), status


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
    club, member = load_member(slug, member_id)
    return render_member_page(club, member)
