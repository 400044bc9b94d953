"""The member's own page."""
from flask import render_template
from flask_login import current_user

from ...services import members
from ..permissions import member_required
from . import bp


@bp.route("/")
@member_required
def index():
    member = members.get_member(current_user, current_user.member_id)
    return render_template(
        "portal/index.html", member=member, totals=members.totals(member.donations)
    )
