"""The member's calendar on the portal: the .ics download and the subscribe link."""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...models import Member
from ...services import download_audit, member_calendar, member_links, members
from ..downloads import download
from ..permissions import member_required
from . import bp

LINK = "calendar"


def calendar_context(member: Member) -> dict:
    """What templates/portal/_calendar.html needs: the download URL and, when the member has
    a subscribe link, its https (or the site's scheme) and webcal:// forms."""
    token = member_links.token_for(member, LINK)
    feed_url = webcal_url = None
    if token is not None:
        feed_url = current_app.config["BASE_URL"].rstrip("/") + url_for(
            "calendar_feed.detail", token=token)
        webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    return {"calendar_download_url": url_for("portal.calendar_download"),
            "calendar_feed_url": feed_url, "calendar_webcal_url": webcal_url}


def _own_member() -> Member:
    return members.get_member(current_user, current_user.member_id)


@bp.route("/calendar.ics")
@member_required
def calendar_download():
    member = _own_member()
    name = member_calendar.filename(member)
    data = member_calendar.calendar_ics(member, date.today())
    download_audit.record_download(current_user._get_current_object(), member,
                                   download_audit.CALENDAR, "ics")
    return download(name, data, "text/calendar")


@bp.route("/calendar/link", methods=["POST"])
@member_required
def calendar_link_issue():
    member_links.issue_link(current_user, _own_member(), LINK)
    flash(_("Your calendar link is ready. Any earlier link no longer works."), "success")
    return redirect(url_for(".index", _anchor="calendar"))


@bp.route("/calendar/link/revoke", methods=["POST"])
@member_required
def calendar_link_revoke():
    member_links.revoke_link(current_user, _own_member(), LINK)
    flash(_("Your calendar link no longer works."), "success")
    return redirect(url_for(".index", _anchor="calendar"))
