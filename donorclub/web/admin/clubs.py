"""Creating and editing clubs, and choosing their coordinators (admins only)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain.enums import Role
from ...services import admin, clubs, rules
from ...services.errors import InvalidInput
from ..auth.forms import ConfirmForm
from ..forms import apply_field_errors, form_status
from ..permissions import roles_required
from . import bp
from .forms import ClubForm, CoordinatorForm
from .links import show_invitation

admin_required = roles_required(Role.ADMIN)


def _actor():
    return current_user._get_current_object()


@bp.route("/")
@admin_required
def index():
    return render_template("admin/index.html", clubs=clubs.clubs_for(current_user))


@bp.route("/clubs/new", methods=["GET", "POST"])
@admin_required
def create():
    form = ClubForm().prepare(rules.rule_sets())
    if form.validate_on_submit():
        try:
            club = admin.create_club(
                _actor(), name=form.name.data, slug=form.slug.data, rule_set=form.rule_set.data,
                locale=form.locale.data, timezone=form.timezone.data,
                quiet_hours=form.quiet_hours())
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("Club %(name)s created.", name=club.name), "success")
            return redirect(url_for("admin.detail", slug=club.slug))
    return render_template("admin/club_form.html", form=form, club=None), form_status(form)


@bp.route("/clubs/<slug>")
@admin_required
def detail(slug: str):
    club = clubs.get_club(current_user, slug)
    return render_club(club, CoordinatorForm(formdata=None))


def render_club(club, coordinator_form, status=200):
    return render_template("admin/club.html", club=club, form=coordinator_form,
                           confirm=ConfirmForm(formdata=None)), status


@bp.route("/clubs/<slug>/edit", methods=["GET", "POST"])
@admin_required
def edit(slug: str):
    club = clubs.get_club(current_user, slug)
    form = ClubForm(obj=club).prepare(rules.rule_sets(), editing=True)
    if form.validate_on_submit():
        try:
            admin.update_club(_actor(), club, name=form.name.data, rule_set=form.rule_set.data,
                              locale=form.locale.data, timezone=form.timezone.data,
                              quiet_hours=form.quiet_hours())
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("Club %(name)s saved.", name=club.name), "success")
            return redirect(url_for("admin.detail", slug=club.slug))
    return render_template("admin/club_form.html", form=form, club=club), form_status(form)


@bp.route("/clubs/<slug>/coordinators", methods=["POST"])
@admin_required
def add_coordinator(slug: str):
    club = clubs.get_club(current_user, slug)
    form = CoordinatorForm()
    if form.validate_on_submit():
        try:
            user, invitation = admin.add_coordinator(_actor(), club, email=form.email.data,
                                                     name=form.name.data or "")
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            if invitation is not None:
                return show_invitation(invitation, url_for("admin.detail", slug=slug))
            flash(_("%(email)s now coordinates %(club)s.", email=user.email, club=club.name),
                  "success")
            return redirect(url_for("admin.detail", slug=slug))
    return render_club(club, form, form_status(form))


@bp.route("/clubs/<slug>/coordinators/<int:user_id>/remove", methods=["POST"])
@admin_required
def remove_coordinator(slug: str, user_id: int):
    club = clubs.get_club(current_user, slug)
    user = admin.remove_coordinator(_actor(), club, user_id)
    flash(_("%(email)s no longer coordinates %(club)s.", email=user.email, club=club.name),
          "success")
    return redirect(url_for("admin.detail", slug=slug))
