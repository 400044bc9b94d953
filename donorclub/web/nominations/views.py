"""The nominations page for a chosen cycle and its CSV, .xlsx and PDF downloads."""
from datetime import date

from flask import abort, render_template, request
from flask_login import current_user

from ...services import clubs, download_audit, nominations
from ...services.errors import InvalidInput
from ...services.nomination_exports import (
    cycle_label,
    level_name,
    nominations_csv,
    nominations_pdf,
    nominations_xlsx,
)
from ..downloads import download
from ..permissions import staff_required
from . import bp
from .forms import CycleForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _result(slug: str):
    club = clubs.get_club(current_user, slug)
    today = date.today()
    cycle = request.args.get("cycle", type=int) or nominations.default_cycle(club, today)
    try:
        return club, nominations.nominations_for(club, cycle, today)
    except InvalidInput:
        abort(404)


@bp.route("/")
@staff_required
def index(slug: str):
    club, result = _result(slug)
    form = CycleForm(data={"cycle": result.cycle})
    form.use_cycles(nominations.cycles(club, date.today()), result.rules.cycle_years)
    return render_template("nominations/index.html", club=club, result=result, form=form,
                           level_name=level_name, cycle_label=cycle_label(result))


def _send(club, result, fmt: str, file: tuple[str, bytes], mimetype: str):
    download_audit.record_download(current_user._get_current_object(), club,
                                   download_audit.NOMINATIONS, fmt,
                                   rows=len(result.nominations),
                                   cycle=cycle_label(result))
    return download(*file, mimetype)


@bp.route("/nominations.csv")
@staff_required
def export_csv(slug: str):
    club, result = _result(slug)
    return _send(club, result, "csv", nominations_csv(club, result), "text/csv")


@bp.route("/nominations.xlsx")
@staff_required
def export_xlsx(slug: str):
    club, result = _result(slug)
    return _send(club, result, "xlsx", nominations_xlsx(club, result), XLSX)


@bp.route("/nominations.pdf")
@staff_required
def export_pdf(slug: str):
    club, result = _result(slug)
    return _send(club, result, "pdf", nominations_pdf(club, result, date.today()),
                 "application/pdf")
