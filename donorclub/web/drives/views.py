"""Drive pages: the list, planning, the drive page with invitations, sign-ups and attendance,
the invitation list (and its CSV), referrals of a recruitment drive and the printable sheet."""
from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from ...domain.enums import DriveKind
from ...services import clubs, drives, referrals
from ...services.errors import InvalidInput
from ...services.rules import rule_set_for
from ..forms import apply_field_errors, form_status
from ..labels import label
from ..permissions import staff_required
from . import bp
from .export import invitations_csv
from .forms import DRIVE_KIND_LABELS, DriveForm, InviteForm, ParticipantsForm, ReferralForm


def load_drive(slug: str, drive_id: int):
    """The club and its drive, both within the current user's reach (404 otherwise)."""
    club = clubs.get_club(current_user, slug)
    return club, drives.get_drive(club, drive_id)


def _actor():
    return current_user._get_current_object()


def render_drive_page(club, drive, *, invite_form=None, participants_form=None,
                      referral_form=None):
    """The drive page; a refused form comes back filled in with its errors."""
    rule_set = rule_set_for(club)
    participants = drives.participants_of(drive)
    rows = drives.roster(drive) if drive.kind == DriveKind.BLOOD else []
    eligible = [r for r in rows if r.eligible_kinds]
    blocked = [r for r in rows if not r.eligible_kinds]
    if invite_form is None:
        invite_form = InviteForm(formdata=None)
    invite_form.members.choices = [
        SelectChoice(r.member.id, _invite_label(r)) for r in eligible + blocked]
    if participants_form is None:
        participants_form = ParticipantsForm(
            formdata=None, signed_up=[p.member_id for p in participants if p.signed_up_on],
            attended=[p.member_id for p in participants if p.attended])
    choices = [SelectChoice(p.member_id, f"{p.member.member_no} {p.member.full_name}")
               for p in participants]
    participants_form.signed_up.choices = participants_form.attended.choices = choices
    referral_form = referral_form or ReferralForm(formdata=None)
    forms = (invite_form, participants_form, referral_form)
    status = 422 if any(form_status(f) == 422 for f in forms) else 200
    return render_template(
        "drives/detail.html", club=club, drive=drive, rule_set=rule_set, eligible=eligible,
        blocked=blocked, participants=participants, invite_form=invite_form,
        participants_form=participants_form, referral_form=referral_form,
        referrals=referrals.referrals_of_drive(drive), today=date.today(),
        kind_labels=DRIVE_KIND_LABELS), status


def _invite_label(row) -> str:
    m = row.member
    if row.eligible_kinds:
        kinds = ", ".join(label(k) for k in row.eligible_kinds)
        return _("%(no)s %(name)s (eligible: %(kinds)s)", no=m.member_no, name=m.full_name,
                 kinds=kinds)
    return _("%(no)s %(name)s (not eligible that day)", no=m.member_no, name=m.full_name)


@bp.route("/")
@staff_required
def index(slug: str):
    club = clubs.get_club(current_user, slug)
    today = date.today()
    upcoming, past = drives.list_drives(club, today)
    return render_template("drives/index.html", club=club, upcoming=upcoming, past=past,
                           today=today, kind_labels=DRIVE_KIND_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create(slug: str):
    club = clubs.get_club(current_user, slug)
    form = DriveForm(data={"kind": DriveKind.BLOOD.value})
    if form.validate_on_submit():
        try:
            drive = drives.create_drive(_actor(), club, form.to_input(), today=date.today())
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("Drive planned."), "success")
            return redirect(url_for("drives.detail", slug=slug, drive_id=drive.id))
    return render_template("drives/form.html", club=club, form=form,
                           drive=None), form_status(form)


@bp.route("/<int:drive_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(slug: str, drive_id: int):
    club, drive = load_drive(slug, drive_id)
    form = DriveForm(data={"held_on": drive.held_on, "place": drive.place,
                           "kind": drive.kind.value, "capacity": drive.capacity,
                           "notes": drive.notes})
    if form.validate_on_submit():
        try:
            drives.update_drive(_actor(), drive, form.to_input(), today=date.today())
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("Changes to the drive saved."), "success")
            return redirect(url_for("drives.detail", slug=slug, drive_id=drive.id))
    return render_template("drives/form.html", club=club, form=form,
                           drive=drive), form_status(form)


@bp.route("/<int:drive_id>")
@staff_required
def detail(slug: str, drive_id: int):
    club, drive = load_drive(slug, drive_id)
    return render_drive_page(club, drive)


@bp.route("/<int:drive_id>/invite", methods=["POST"])
@staff_required
def invite(slug: str, drive_id: int):
    club, drive = load_drive(slug, drive_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            done = drives.invite_members(_actor(), drive, form.members.data or [],
                                         today=date.today(),
                                         send_messages=bool(form.send_messages.data))
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_invited_message(done, bool(form.send_messages.data)), "success")
            return redirect(url_for("drives.invitations", slug=slug, drive_id=drive.id))
    return render_drive_page(club, drive, invite_form=form)


def _invited_message(done: drives.Invitations, sent: bool) -> str:
    text = ngettext("%(num)d member marked as invited today.",
                    "%(num)d members marked as invited today.", done.invited)
    if sent:
        text += " " + ngettext("%(num)d invitation message queued.",
                               "%(num)d invitation messages queued.", done.messages_queued)
    if done.already_messaged:
        text += " " + ngettext(
            "%(num)d member already had this invitation: not sent again.",
            "%(num)d members already had this invitation: not sent again.",
            done.already_messaged)
    if done.not_eligible:
        text += " " + ngettext(
            "%(num)d member may not give on the drive's day: no message.",
            "%(num)d members may not give on the drive's day: no message.", done.not_eligible)
    if done.not_reachable:
        text += " " + ngettext(
            "%(num)d member could not be reached (no consent to contact, or no address).",
            "%(num)d members could not be reached (no consent to contact, or no address).",
            done.not_reachable)
    return text


@bp.route("/<int:drive_id>/participants", methods=["POST"])
@staff_required
def participants(slug: str, drive_id: int):
    club, drive = load_drive(slug, drive_id)
    form = ParticipantsForm()
    if form.validate_on_submit():
        drives.update_participants(_actor(), drive, form.signed_up.data or [],
                                   form.attended.data or [], today=date.today())
        flash(_("Sign-ups and attendance saved."), "success")
        return redirect(url_for("drives.detail", slug=slug, drive_id=drive.id))
    return render_drive_page(club, drive, participants_form=form)


@bp.route("/<int:drive_id>/invitations")
@staff_required
def invitations(slug: str, drive_id: int):
    club, drive = load_drive(slug, drive_id)
    rows = [r for r in drives.roster(drive, only_participants=True)
            if r.participant.invited_on is not None]
    return render_template("drives/invitations.html", club=club, drive=drive, rows=rows,
                           kind_labels=DRIVE_KIND_LABELS)


@bp.route("/<int:drive_id>/invitations.csv")
@staff_required
def invitations_export(slug: str, drive_id: int):
    _club, drive = load_drive(slug, drive_id)
    rows = [r for r in drives.roster(drive, only_participants=True)
            if r.participant.invited_on is not None]
    return invitations_csv(drive, rows)


@bp.route("/<int:drive_id>/referrals", methods=["POST"])
@staff_required
def refer(slug: str, drive_id: int):
    club, drive = load_drive(slug, drive_id)
    form = ReferralForm()
    if form.validate_on_submit():
        try:
            referral = referrals.record_referral(
                _actor(), club, referrer_no=form.referrer_no.data,
                candidate_name=form.candidate_name.data, referred_on=drive.held_on,
                registry=form.registry.data, today=date.today(),
                candidate_date_of_birth=form.candidate_date_of_birth.data,
                candidate_sex=form.candidate_sex.data or None,
                candidate_phone=form.candidate_phone.data,
                candidate_email=form.candidate_email.data,
                consent_contact=form.consent_contact.data, drive_id=drive.id)
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("Referral of %(name)s recorded.", name=referral.candidate_name), "success")
            return redirect(url_for("drives.detail", slug=slug, drive_id=drive.id))
    elif not form.errors:
        form.form_errors.append(_("The referral was not recorded."))
    return render_drive_page(club, drive, referral_form=form)


@bp.route("/<int:drive_id>/sheet")
@staff_required
def sheet(slug: str, drive_id: int):
    club, drive = load_drive(slug, drive_id)
    rows = [r for r in drives.roster(drive, only_participants=True)
            if r.participant.signed_up_on or r.participant.invited_on]
    return render_template("drives/sheet.html", club=club, drive=drive, rows=rows,
                           rule_set=rule_set_for(club), kind_labels=DRIVE_KIND_LABELS)
