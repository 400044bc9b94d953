"""The unsubscribe page: the club's name and one button; the POST withdraws contact consent.

Whoever opens the link may not be the member (mails are forwarded), so the page shows the
club and a masked name only. The POST carries no CSRF token: mail clients send RFC 8058's
one-click `List-Unsubscribe=One-Click` without loading the page, and the signed token in the
address is what authorises it (all it can do is stop messages)."""
from flask import current_app, render_template, session
from flask_babel import force_locale

from ...domain.masking import mask_name
from ...extensions import csrf, limiter
from ...services import reminders
from . import bp

# No cache keeps the page, no search engine lists it, no Referer carries the token on.
PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
           "X-Robots-Tag": "noindex"}
MAX_TOKEN = 200


def _limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def _page(template: str, member, status: int = 200, **context):
    """The page in the member's language, unless the visitor chose one with the switcher."""
    language = None if session.get("locale") else (member.locale or member.club.locale)
    context.update(club_name=member.club.name, masked_name=mask_name(member.full_name))
    if language is None:
        return render_template(template, **context), status, PRIVATE
    with force_locale(language):
        return render_template(template, **context), status, PRIVATE


def _missing():
    return render_template("unsubscribe/missing.html"), 404, PRIVATE


@bp.route("/<token>")
@limiter.limit(_limit)
def detail(token: str):
    member = reminders.member_for_unsubscribe(token[:MAX_TOKEN])
    if member is None:
        return _missing()
    return _page("unsubscribe/detail.html", member, subscribed=member.consent_contact)


@bp.route("/<token>", methods=["POST"])
@csrf.exempt
@limiter.limit(_limit)
def stop(token: str):
    member = reminders.member_for_unsubscribe(token[:MAX_TOKEN])
    if member is None:
        return _missing()
    return _page("unsubscribe/done.html", member, stopped=reminders.unsubscribe(member))
