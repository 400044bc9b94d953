"""The overview of the user's clubs, one club's dashboard, and who can donate on a day."""
from datetime import date

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ...services import clubs, dashboard
from ...services.errors import InvalidInput
from ...services.members import Page
from ...services.rules import rule_set_for
from ..formatting import day
from ..forms import apply_field_errors, form_status, row_number
from ..permissions import staff_required
from . import bp
from .export import eligible_csv
from .figures import charts_for
from .forms import EligibleForm


@bp.route("/")
@login_required
def index():
    if current_user.is_member:
        return redirect(url_for("portal.index"))
    overview = dashboard.overview(current_user, date.today())
    return render_template("dashboard/index.html", overview=overview, today=date.today())


@bp.route("/clubs/<slug>/dashboard")
@staff_required
def detail(slug: str):
    club = clubs.get_club(current_user, slug)
    figures = dashboard.club_dashboard(club, date.today())
    return render_template("dashboard/detail.html", club=club, figures=figures,
                           charts=charts_for(figures), rule_set=rule_set_for(club),
                           soon_days=dashboard.SOON_DAYS)


@bp.route("/clubs/<slug>/eligible")
@staff_required
def eligible(slug: str):
    club = clubs.get_club(current_user, slug)
    rule_set, today = rule_set_for(club), date.today()
    form = EligibleForm(request.args, rule_set=rule_set, today=today)
    rows = None
    if form.validate():
        try:
            rows = dashboard.eligible_list(club, kind=form.chosen_kind, on=form.chosen_date,
                                           today=today)
        except InvalidInput as error:
            apply_field_errors(form, error)
    if rows is not None and request.args.get("format") == "csv":
        return eligible_csv(club, form.chosen_kind, form.chosen_date, rows)
    printing = request.args.get("format") == "print"
    pagination = None if rows is None or printing else _page_of(rows)
    shown = pagination.items if pagination is not None else rows or []
    # Thousands of rows share far fewer days: each day is formatted once.
    days = {d: day(d) for d in {row.last_donated_on for row in shown} if d is not None}
    return render_template("dashboard/eligible.html", club=club, form=form, rows=rows,
                           shown=shown, pagination=pagination, printing=printing,
                           days=days, today=today), form_status(form)


def _page_of(rows: list) -> Page:
    """The page of the list that `page` asks for. A bad page number means the first page and
    one past the end is an empty page, as on the other lists."""
    page = request.args.get("page", 1, type=row_number)
    per_page = current_app.config["MEMBERS_PER_PAGE"]
    return Page.of(rows, page, per_page)
