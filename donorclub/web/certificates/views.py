"""Certificate pages: list, due list and batch issue, one member's issue, PDF, revoke, re-issue."""
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...services import audit, certificates, clubs, recognition
from ...services.certificate_printing import certificate_pdf
from ...services.errors import Conflict, InvalidInput
from ..downloads import download
from ..forms import apply_field_errors, form_status, row_number
from ..members.views import load_member
from ..permissions import staff_required
from . import bp
from .forms import BatchForm, CertificateFilterForm, IssueForm, ReasonForm

MAX_PRINT = 2000  # certificates in one browser download; the CLI prints any number


def _actor():
    return current_user._get_current_object()


def load_certificate(slug: str, serial: str):
    """The club and one of its certificates, both within the user's reach (404 otherwise)."""
    club = clubs.get_club(current_user, slug)
    certificate = certificates.get_certificate(current_user, serial)
    if certificate.member.club_id != club.id:
        abort(404)
    return club, certificate


def pdf_name(certificate) -> str:
    return f"certificate-{certificate.serial}.pdf"


@bp.route("/")
@staff_required
def index(slug: str):
    club = clubs.get_club(current_user, slug)
    form = CertificateFilterForm(request.args)
    valid = form.validate()
    pagination = certificates.list_certificates(
        club, status=(form.status.data or "") if valid else "",
        issued_on=form.issued_on.data if valid else None,
        q=(form.q.data or "") if valid else "", page=request.args.get("page", 1, type=row_number),
        per_page=current_app.config["MEMBERS_PER_PAGE"])
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("certificates/index.html", club=club, form=form,
                           pagination=pagination, args=args, filtered=bool(args),
                           print_day=form.issued_on.data if valid else None), form_status(form)


@bp.route("/due")
@staff_required
def due(slug: str):
    club = clubs.get_club(current_user, slug)
    return render_template("certificates/due.html", club=club, form=BatchForm(),
                           due=recognition.due_milestones(club, date.today()))


def _chosen() -> set[tuple[int, str]] | None:
    """None for "everything due"; else the ticked (member id, award code) pairs (400 on a
    tampered value)."""
    if request.form.get("scope") == "all":
        return None
    chosen = set()
    for value in request.form.getlist("due"):
        member_id, _sep, code = value.partition(":")
        try:
            chosen.add((row_number(member_id), code))
        except ValueError:
            abort(400)
        if not code:
            abort(400)
    return chosen


@bp.route("/issue", methods=["POST"])
@staff_required
def issue_batch(slug: str):
    club = clubs.get_club(current_user, slug)
    form = BatchForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = _chosen()
    if chosen == set():
        flash(_("Tick at least one certificate, or issue all that are due."), "error")
        return redirect(url_for(".due", slug=slug))
    try:
        issued = certificates.issue_due(_actor(), club, today=date.today(), chosen=chosen)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for(".due", slug=slug))
    if not issued:
        flash(_("Nothing was due: no certificate was issued."), "info")
        return redirect(url_for(".due", slug=slug))
    flash(ngettext("%(num)d certificate issued. Download them below as one PDF.",
                   "%(num)d certificates issued. Download them below as one PDF.",
                   len(issued)), "success")
    return redirect(url_for(".index", slug=slug, issued_on=date.today().isoformat(),
                            status="valid"))


@bp.route("/print.pdf")
@staff_required
def print_batch(slug: str):
    """One PDF of the chosen certificates (`id`, repeated) or of all valid ones issued on a
    day (`issued_on`)."""
    club = clubs.get_club(current_user, slug)
    ids = request.args.getlist("id", type=row_number)
    issued_on = request.args.get("issued_on", "")
    if not ids and not issued_on:
        abort(400)
    if not ids:
        try:
            day = date.fromisoformat(issued_on)
        except ValueError:
            abort(400)
        ids = certificates.issued_ids(club, day)
    chosen = certificates.certificates_by_ids(club, ids[:MAX_PRINT])
    if not chosen:
        abort(404)
    data = certificate_pdf(chosen)
    certificates.record_printing(_actor(), club, chosen)
    name = f"certificates-{club.slug}-{issued_on or date.today().isoformat()}.pdf"
    return download(name, data, "application/pdf")


@bp.route("/members/<int:member_id>/issue", methods=["POST"])
@staff_required
def issue(slug: str, member_id: int):
    _club, member = load_member(slug, member_id)
    form = IssueForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        certificate = certificates.issue_certificate(_actor(), member, form.award_code.data,
                                                     today=date.today())
    except (InvalidInput, Conflict) as error:
        flash(error.message, "error")
    else:
        flash(_("Certificate %(serial)s issued: %(title)s.", serial=certificate.serial,
                title=certificate.title), "success")
    return redirect(url_for("members.detail", slug=slug, member_id=member_id,
                            _anchor="recognition-heading"))


@bp.route("/<serial>")
@staff_required
def detail(slug: str, serial: str):
    club, certificate = load_certificate(slug, serial)
    return _render_detail(club, certificate, ReasonForm(prefix="revoke"),
                          ReasonForm(prefix="reissue"))


def _render_detail(club, certificate, revoke_form, reissue_form, status=200):
    return render_template(
        "certificates/detail.html", club=club, certificate=certificate,
        revoke_form=revoke_form, reissue_form=reissue_form,
        trail=audit.history("certificates", certificate.id),
        replacement=certificates.replacement_of(certificate)), status


@bp.route("/<serial>/certificate.pdf")
@staff_required
def pdf(slug: str, serial: str):
    club, certificate = load_certificate(slug, serial)
    data = certificate_pdf([certificate])
    certificates.record_printing(_actor(), club, [certificate])
    return download(pdf_name(certificate), data, "application/pdf")


def _with_reason(slug: str, serial: str, prefix: str, act, done):
    """Revoke and re-issue alike: a reason form; on success flash and show the result,
    else the certificate page again with the errors (409 when it was already revoked)."""
    club, certificate = load_certificate(slug, serial)
    forms = {name: ReasonForm(prefix=name) for name in ("revoke", "reissue")}
    form = forms[prefix]
    if form.validate_on_submit():
        try:
            result = act(certificate, form.reason.data)
        except InvalidInput as error:
            apply_field_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
        else:
            flash(done(result), "success")
            return redirect(url_for(".detail", slug=slug, serial=result.serial))
    status = 409 if certificate.revoked_at is not None else form_status(form)
    return _render_detail(club, certificate, forms["revoke"], forms["reissue"], status)


@bp.route("/<serial>/revoke", methods=["POST"])
@staff_required
def revoke(slug: str, serial: str):
    return _with_reason(
        slug, serial, "revoke",
        lambda certificate, reason: certificates.revoke_certificate(_actor(), certificate,
                                                                    reason),
        lambda done: _("Certificate %(serial)s revoked.", serial=done.serial))


@bp.route("/<serial>/reissue", methods=["POST"])
@staff_required
def reissue(slug: str, serial: str):
    return _with_reason(
        slug, serial, "reissue",
        lambda certificate, reason: certificates.reissue_certificate(
            _actor(), certificate, reason, today=date.today()),
        lambda new: _("Re-issued as %(serial)s; the old serial now shows as revoked.",
                      serial=new.serial))
