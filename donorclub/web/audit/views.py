"""The audit log of one club, for its staff; admins see every club's at /admin/audit."""
from datetime import UTC
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_login import current_user

from ...services import admin, audit, clubs
from ..forms import form_status, row_number
from ..permissions import staff_required
from . import bp, presentation
from .forms import AuditFilterForm

PER_PAGE = 50


def render_audit(club):
    """The filtered log of `club` in its time zone, or of everything in UTC when None."""
    wanted = request.args.get("actor", type=row_number) if club is None else None
    form = AuditFilterForm(request.args).use_actors(admin.staff_accounts(club, including=wanted))
    zone = ZoneInfo(club.timezone) if club is not None else UTC
    pagination, rows = None, []
    if form.validate():
        since, until = presentation.day_bounds(form.since.data, form.until.data, zone)
        pagination = audit.events_for(
            club_id=club.id if club is not None else None, action=form.action.data or None,
            entity_type=form.entity_type.data or None,
            actor_id=int(form.actor.data) if form.actor.data else None, since=since,
            until=until, page=request.args.get("page", 1, type=row_number), per_page=PER_PAGE)
        rows = presentation.rows(pagination.items, zone)
    club_names = {} if club else {c.id: c.name for c in clubs.clubs_for(current_user)}
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/index.html", club=club, form=form, pagination=pagination,
                           rows=rows, zone=zone, club_names=club_names, args=args,
                           ), form_status(form)


@bp.route("/audit")
@staff_required
def index(slug: str):
    return render_audit(clubs.get_club(current_user, slug))
