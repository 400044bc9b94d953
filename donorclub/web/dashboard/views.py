"""Dashboard views."""
from datetime import date

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from ...services import clubs
from . import bp


@bp.route("/")
@login_required
def index():
    if current_user.is_member:
        return redirect(url_for("portal.index"))
    summaries = clubs.summaries_for(current_user, date.today())
    return render_template("dashboard/index.html", summaries=summaries)
