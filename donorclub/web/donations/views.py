"""Donations of one member: recording from the member page, and voiding with a reason."""
from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...services import donations
from ...services.errors import Conflict, InvalidInput, NotEligible
from ...services.rules import rule_set_for
from ..forms import apply_field_errors, form_status
from ..members import views as member_views  # the module: it imports our forms (a cycle)
from ..permissions import staff_required
from . import bp
from .forms import DonationForm, VoidForm


def submit_donation(form, member, kind: str, **extra) -> tuple[bool, list | None]:
    """Call the service with the form's data: (recorded, refusal reasons); field errors and a
    duplicate go onto the form."""
    units = form.therapeutic_units.data if "therapeutic_units" in form else None
    try:
        donations.record_donation(
            current_user._get_current_object(), member, donated_on=form.donated_on.data,
            kind=kind, volume_ml=form.volume_ml.data,
            therapeutic_units=units, site=form.site.data or "",
            blood_centre_certificate_no=form.blood_centre_certificate_no.data or None,
            override_reason=form.override_reason.data or "", today=date.today(), **extra)
    except InvalidInput as error:
        apply_field_errors(form, error)
    except NotEligible as error:
        return False, error.reasons
    except Conflict as error:
        form.form_errors.append(error.message)
    else:
        return True, None
    return False, None


@bp.route("/members/<int:member_id>/donations/", methods=["POST"])
@staff_required
def create(slug: str, member_id: int):
    club, member = member_views.load_member(slug, member_id)
    form = DonationForm()
    rule_set = rule_set_for(club)
    form.use_rule_set(rule_set)
    refused = None
    if form.validate_on_submit():
        recorded, refused = submit_donation(form, member, form.kind.data)
        if recorded:
            flash(_("Donation recorded."), "success")
            return redirect(url_for("members.detail", slug=slug, member_id=member_id))
    status = 409 if refused or form.form_errors else 422
    return member_views.render_member_page(club, member, form, refused=refused, rule_set=rule_set,
                              status=status)


@bp.route("/members/<int:member_id>/donations/<int:donation_id>/void", methods=["GET", "POST"])
@staff_required
def void(slug: str, member_id: int, donation_id: int):
    club, member = member_views.load_member(slug, member_id)
    donation = donations.get_donation(member, donation_id)
    form = VoidForm()
    conflict = donation.is_voided and form.is_submitted()
    if not donation.is_voided and form.validate_on_submit():
        try:
            donations.void_donation(current_user._get_current_object(), donation,
                                    form.reason.data)
        except InvalidInput as error:
            apply_field_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
            conflict = True
        else:
            flash(_("Donation voided. It stays on record and counts for nothing."), "success")
            return redirect(url_for("members.detail", slug=slug, member_id=member_id))
    return render_template("donations/void.html", club=club, member=member, donation=donation,
                           form=form), 409 if conflict else form_status(form)
