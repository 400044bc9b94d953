"""Upload, dry-run report and confirmed import; export and template downloads."""
from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...services import clubs, download_audit
from ...services.errors import Conflict, InvalidInput, NotFound
from ...services.transfer import (
    MAX_UPLOAD_BYTES,
    FileTooLarge,
    export_club,
    import_file,
    template_file,
)
from ...services.transfer.uploads import discard_upload, load_upload, store_upload
from ..downloads import download
from ..forms import apply_field_errors, form_status
from ..permissions import staff_required
from ..request_checks import accepts_files
from . import bp
from .forms import ConfirmForm, ExportForm, ImportForm

# Room for the multipart framing and the other fields next to an import file at its limit.
FORM_ALLOWANCE = 1024 * 1024


def _download(name: str, mimetype: str, content: bytes) -> Response:
    """The (name, mimetype, bytes) the exporter returns, as a private download."""
    return download(name, content, mimetype)


def _upload_page(club, form, status=None):
    tables = [choice.value for choice in form.table.choices]
    return (render_template("transfer/import.html", club=club, form=form, tables=tables),
            status or form_status(form))


def _report_page(club, report, form, status=200):
    return render_template("transfer/report.html", club=club, report=report, form=form), status


@bp.route("/import", methods=["GET", "POST"])
@accepts_files("file", max_bytes=MAX_UPLOAD_BYTES + FORM_ALLOWANCE)
@staff_required
def upload(slug: str):
    club = clubs.get_club(current_user, slug)
    form = ImportForm()
    if not form.validate_on_submit():
        return _upload_page(club, form)
    data = form.file.data.read(MAX_UPLOAD_BYTES + 1)
    try:
        report = import_file(current_user, club, form.table.data, form.file.data.filename or "",
                             data, dry_run=True, exclude_bad_rows=form.exclude_bad_rows.data)
    except FileTooLarge as error:
        form.file.errors.append(error.message)
        return _upload_page(club, form, 413)
    if report.file_errors:
        form.file.errors.extend(report.file_errors)
        return _upload_page(club, form)
    token = store_upload(current_app.instance_path, club, form.file.data.filename or "", data)
    confirm = ConfirmForm(formdata=None, token=token, table=form.table.data,
                          exclude_bad_rows=form.exclude_bad_rows.data)
    return _report_page(club, report, confirm)


@bp.route("/import/confirm", methods=["POST"])
@staff_required
def confirm(slug: str):
    club = clubs.get_club(current_user, slug)
    form = ConfirmForm()
    try:
        if not form.validate_on_submit():
            raise NotFound(_("The uploaded file is no longer there: upload it again."))
        name, data = load_upload(current_app.instance_path, club, form.token.data)
        report = import_file(current_user, club, form.table.data, name, data, dry_run=False,
                             exclude_bad_rows=form.exclude_bad_rows.data)
    except NotFound as error:
        flash(error.message, "error")
        return redirect(url_for("transfer.upload", slug=slug))
    except (Conflict, InvalidInput) as error:
        flash(error.message, "error")
        return redirect(url_for("transfer.upload", slug=slug))
    if report.blocked:
        return _report_page(club, report, form, 422)
    discard_upload(current_app.instance_path, club, form.token.data)
    flash(_("Imported: %(created)d created, %(updated)d updated, %(skipped)d already stored.",
            created=report.created, updated=report.updated, skipped=report.skipped), "success")
    return redirect(url_for("transfer.upload", slug=slug))


@bp.route("/export")
@staff_required
def export(slug: str):
    club = clubs.get_club(current_user, slug)
    form = ExportForm(request.args)
    if "lang" not in request.args:  # headers in the language of the page, unless chosen
        form.lang.data = "zh" if str(get_locale()).startswith("zh") else "en"
    if "table" in request.args and form.validate():
        try:
            name, mimetype, content = export_club(club, form.table.data, form.format.data,
                                                  form.date_from.data, form.date_to.data,
                                                  form.lang.data)
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            fmt = form.format.data
            download_audit.record_download(
                current_user._get_current_object(), club, download_audit.CLUB_EXPORT, fmt,
                rows=download_audit.csv_rows(content) if fmt == "csv" else None,
                table=form.table.data, since=form.date_from.data, until=form.date_to.data)
            return _download(name, mimetype, content)
    status = 422 if "table" in request.args else 200
    return render_template("transfer/export.html", club=club, form=form), status


@bp.route("/import/template")
@staff_required
def template(slug: str):
    """?table=members&fmt=csv&lang=zh: an empty file with the header row."""
    clubs.get_club(current_user, slug)
    args = request.args
    try:
        return _download(*template_file(args.get("table", "members"), args.get("fmt", "csv"),
                                        args.get("lang", "en")))
    except InvalidInput:
        return Response(status=404)
