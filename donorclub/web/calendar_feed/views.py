"""The calendar feed a phone subscribes to: no sign-in, the token is the key."""
from datetime import date

from flask import Response, abort, current_app

from ...extensions import limiter
from ...services import member_calendar, member_links
from . import bp


def _limit() -> str:
    return current_app.config["CALENDAR_FEED_RATE_LIMIT"]


@bp.route("/<token>.ics")
@limiter.limit(_limit)
def detail(token: str):
    """The same calendar as the member's download; 404 for a forged or revoked token."""
    member = member_links.member_for(token, "calendar")
    if member is None:
        abort(404)
    # Private: the feed is one person's; a shared cache must not keep it.
    return Response(member_calendar.calendar_ics(member, date.today()),
                    mimetype="text/calendar", headers={"Cache-Control": "private"})
