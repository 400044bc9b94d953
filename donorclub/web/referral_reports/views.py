"""The funnel report, the leaderboard and the CSV export of a club's marrow referrals."""
from flask import render_template, request
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user

from ...services import clubs, download_audit, referral_reports
from ...services.errors import InvalidInput
from .. import charts
from ..downloads import download
from ..forms import apply_field_errors, form_status
from ..labels import label
from ..permissions import staff_required
from . import bp
from .forms import PeriodForm, ReportForm


def percent(fraction: float | None) -> str:
    return "—" if fraction is None else format_percent(fraction)


def _filters(club, form: ReportForm) -> referral_reports.Filters | None:
    """The form's filters, or None with the errors on the form."""
    if not form.validate():
        return None
    try:
        referrer = (referral_reports.find_referrer(club.id, form.referrer.data)
                    if form.referrer.data else None)
        filters = referral_reports.Filters(referrer.id if referrer else None,
                                           form.since.data, form.until.data)
        referral_reports.check_filters(filters)
    except InvalidInput as error:
        apply_field_errors(form, error)
        return None
    return filters


@bp.route("/clubs/<slug>/referrals/report")
@staff_required
def funnel(slug: str):
    club = clubs.get_club(current_user, slug)
    form = ReportForm(request.args)
    filters = _filters(club, form)
    result = chart = referrer = None
    if filters is not None:
        result = referral_reports.funnel(club.id, referrer_id=filters.referrer_id,
                                         since=filters.since, until=filters.until)
        referrer = form.referrer.data or None
        chart = charts.bar_chart(
            "chart-referral-funnel", _("How far the referrals got"),
            _("%(total)s referrals; the bars show how many reached each stage.",
              total=result.total),
            [str(label(s.status)) for s in result.stages], [s.reached for s in result.stages])
    return render_template("referral_reports/funnel.html", club=club, form=form, result=result,
                           chart=chart, referrer=referrer, percent=percent), form_status(form)


@bp.route("/clubs/<slug>/referrals/leaderboard")
@staff_required
def leaderboard(slug: str):
    club = clubs.get_club(current_user, slug)
    form = PeriodForm(request.args)
    leaders = None
    if form.validate():
        try:
            leaders = referral_reports.leaderboard(club.id, since=form.since.data,
                                                   until=form.until.data)
        except InvalidInput as error:
            apply_field_errors(form, error)
    return render_template("referral_reports/leaderboard.html", club=club, form=form,
                           leaders=leaders), form_status(form)


@bp.route("/clubs/<slug>/referrals/export.csv")
@staff_required
def export(slug: str):
    club = clubs.get_club(current_user, slug)
    form = ReportForm(request.args)
    filters = _filters(club, form)
    if filters is None:
        return render_template("referral_reports/funnel.html", club=club, form=form,
                               result=None, chart=None, referrer=None, percent=percent), 422
    data = referral_reports.referrals_csv(club.id, filters, label=label)
    name = f"referrals-{club.slug}.csv"
    download_audit.record_download(current_user._get_current_object(), club,
                                   download_audit.REFERRALS, "csv",
                                   rows=download_audit.csv_rows(data), since=form.since.data,
                                   until=form.until.data)
    return download(name, data)
