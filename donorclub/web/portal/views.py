"""The member's own pages: the overview, their details, and their certificates' PDFs."""
from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...services import portal
from ...services.certificate_printing import certificate_pdf
from ...services.certificates import record_printing
from ...services.errors import InvalidInput
from ...services.rules import rule_set_for
from ..downloads import download
from ..forms import apply_field_errors, form_status
from ..permissions import member_required
from . import bp
from .calendar import calendar_context
from .forms import DetailsForm


def _user():
    return current_user._get_current_object()


@bp.route("/")
@member_required
def index():
    member = portal.own_member(current_user)
    return render_template("portal/index.html", view=portal.overview(member, date.today()),
                           today=date.today(), **calendar_context(member))


@bp.route("/details", methods=["GET", "POST"])
@member_required
def details():
    member = portal.own_member(current_user)
    form = DetailsForm(data={
        "phone": member.phone, "email": member.email, "locale": member.locale or "",
        "consent_contact": member.consent_contact,
        "consent_public_verification": member.consent_public_verification,
        "consent_leaderboard": member.consent_leaderboard,
        "preferred_kind": member.preferred_kind.value if member.preferred_kind else ""})
    form.offer_kinds(rule_set_for(member.club).kinds)
    if form.validate_on_submit():
        try:
            portal.update_own_details(
                _user(), phone=form.phone.data or "", email=form.email.data or "",
                locale=form.locale.data or "", consent_contact=form.consent_contact.data,
                consent_public_verification=form.consent_public_verification.data,
                consent_leaderboard=form.consent_leaderboard.data,
                preferred_kind=form.preferred_kind.data or "")
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("Your details are saved."), "success")
            return redirect(url_for(".index"))
    return render_template("portal/details.html", member=member, form=form), form_status(form)


@bp.route("/certificates/<serial>.pdf")
@member_required
def certificate(serial: str):
    certificate = portal.own_certificate(current_user, serial)
    data = certificate_pdf([certificate])
    record_printing(_user(), certificate.member.club, [certificate])
    return download(f"certificate-{certificate.serial}.pdf", data, "application/pdf")
