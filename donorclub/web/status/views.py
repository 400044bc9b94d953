"""The status page: when the card's holder may give next, and nothing more."""
from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale

from ...extensions import limiter
from ...services.status_page import status_for
from . import bp


def _limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.route("/<token>")
@limiter.limit(_limit)
def detail(token: str):
    today = date.today()
    view = status_for(token[:200], today)
    if view is None:
        return render_template("status/missing.html"), 404
    with force_locale(view.language):
        page = render_template("status/detail.html", view=view, today=today)
    return page, 200, {"Cache-Control": "private, no-store",
                       "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
