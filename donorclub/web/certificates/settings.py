"""The club's certificate settings page, and its logo for the preview."""
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain.awards import plan_to_mapping
from ...services import certificate_settings, clubs, recognition
from ...services.errors import InvalidInput, PermissionDenied
from ..forms import apply_field_errors, form_status
from ..permissions import staff_required
from ..request_checks import accepts_files
from . import bp
from .forms import SettingsForm


def _steps(values: list[int]) -> str:
    return ", ".join(str(v) for v in values)


@bp.route("/settings", methods=["GET", "POST"])
@accepts_files("logo")
@staff_required
def settings(slug: str):
    club = clubs.get_club(current_user, slug)
    plan = plan_to_mapping(recognition.club_plan(club))
    form = SettingsForm(data={"signatory_name": club.signatory_name,
                              "signatory_title": club.signatory_title,
                              **{k: _steps(v) for k, v in plan.items()}})
    if form.validate_on_submit():
        upload = form.logo.data
        try:
            certificate_settings.save_settings(
                current_user._get_current_object(), club,
                signatory_name=form.signatory_name.data or "",
                signatory_title=form.signatory_title.data or "",
                thresholds={name: form[name].data or "" for name in form.MILESTONE_FIELDS},
                logo=upload.read() if upload else None, remove_logo=form.remove_logo.data)
        except (InvalidInput, PermissionDenied) as error:
            if isinstance(error, InvalidInput):
                apply_field_errors(form, error)
            else:
                form.form_errors.append(error.message)
        else:
            flash(_("Certificate settings saved."), "success")
            return redirect(url_for(".settings", slug=slug))
    return render_template("certificates/settings.html", club=club, form=form,
                           defaults=plan_to_mapping(recognition.default_plan_of(club)),
                           has_logo=club.logo_type is not None), form_status(form)


@bp.route("/logo")
@staff_required
def logo(slug: str):
    club = clubs.get_club(current_user, slug)
    if club.logo_type is None:
        abort(404)
    return Response(club.logo, mimetype=club.logo_type,
                    headers={"Cache-Control": "private, no-cache",
                             "X-Content-Type-Options": "nosniff"})
