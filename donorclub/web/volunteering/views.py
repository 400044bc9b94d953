"""Volunteer hours pages: record and void one member's hours; the club's overview and group
entry."""
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...services import clubs, volunteering
from ...services.errors import Conflict, InvalidInput
from ..formatting import number
from ..forms import apply_field_errors, form_status
from ..members import views as member_views  # the module: it imports other blueprints' forms
from ..permissions import staff_required
from . import bp
from .forms import DrivePickForm, GroupServiceForm, ServiceForm, VoidServiceForm

MEMBER = "/members/<int:member_id>/volunteering"


@bp.route(MEMBER + "/new", methods=["GET", "POST"])
@staff_required
def create(slug: str, member_id: int):
    club, member = member_views.load_member(slug, member_id)
    today = date.today()
    form = ServiceForm(data={"served_on": today})
    form.use_drives(volunteering.drives_for(club, today))
    if form.validate_on_submit():
        try:
            volunteering.record_service(
                current_user._get_current_object(), member, served_on=form.served_on.data,
                hours=form.hours.data, role=form.role.data or "", note=form.note.data or "",
                drive_id=form.drive_id.data, activity=form.activity.data or "", today=today)
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("%(hours)s hours recorded.", hours=number(form.hours.data)), "success")
            return redirect(url_for("members.detail", slug=slug, member_id=member_id)
                            + "#volunteering-heading")
    return render_template("volunteering/create.html", club=club, member=member,
                           form=form), form_status(form)


@bp.route(MEMBER + "/<int:service_id>/void", methods=["GET", "POST"])
@staff_required
def void(slug: str, member_id: int, service_id: int):
    club, member = member_views.load_member(slug, member_id)
    service = volunteering.get_service(member, service_id)
    form = VoidServiceForm()
    conflict = service.voided_at is not None and form.is_submitted()
    if service.voided_at is None and form.validate_on_submit():
        try:
            volunteering.void_service(current_user._get_current_object(), service,
                                      form.reason.data)
        except InvalidInput as error:
            apply_field_errors(form, error)
        except Conflict as error:
            form.form_errors.append(error.message)
            conflict = True
        else:
            flash(_("Hours voided. They stay on record and count for nothing."), "success")
            return redirect(url_for("members.detail", slug=slug, member_id=member_id)
                            + "#volunteering-heading")
    return render_template("volunteering/void.html", club=club, member=member, service=service,
                           form=form), 409 if conflict else form_status(form)


@bp.route("/volunteering")
@staff_required
def index(slug: str):
    club = clubs.get_club(current_user, slug)
    pick = DrivePickForm(request.args)
    drives = volunteering.drives_for(club, date.today())
    pick.use_drives(drives)
    chosen = pick.drive.data if pick.validate() else None
    drive = next((d for d in drives if d.id == chosen), None)
    form = GroupServiceForm(formdata=None, data={
        "served_on": drive.held_on if drive else date.today(),
        "drive_id": drive.id if drive else None})
    return _index_page(club, form, pick, drives, drive)


@bp.route("/volunteering/group", methods=["POST"])
@staff_required
def record_group(slug: str):
    club = clubs.get_club(current_user, slug)
    form = GroupServiceForm()
    if form.validate_on_submit():
        try:
            recorded = volunteering.record_group_service(
                current_user._get_current_object(), club, form.pairs(),
                served_on=form.served_on.data, role=form.role.data or "",
                note=form.note.data or "", drive_id=form.drive_id.data,
                activity=form.activity.data or "", today=date.today())
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(ngettext("Hours recorded for %(num)d member.",
                           "Hours recorded for %(num)d members.", len(recorded)), "success")
            return redirect(url_for("volunteering.index", slug=slug))
    drives = volunteering.drives_for(club, date.today())
    drive = next((d for d in drives if d.id == form.drive_id.data), None)
    pick = DrivePickForm(formdata=None, data={"drive": drive.id if drive else None})
    pick.use_drives(drives)
    return _index_page(club, form, pick, drives, drive, status=form_status(form))


def _index_page(club, form, pick, drives, drive, status=200):
    form.use_drives(drives)
    form.use_attendees(volunteering.drive_attendees(club, drive.id) if drive else [])
    overview = volunteering.club_volunteering(club)
    return render_template("volunteering/index.html", club=club, overview=overview, form=form,
                           pick=pick, drive=drive), status
