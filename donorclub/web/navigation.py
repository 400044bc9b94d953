"""The navigation links each role sees in the page header."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _


def navigation_for(user) -> list[tuple[str, str, str]]:
    """(endpoint, url, label) triples for the header, by role; empty for visitors."""
    if not user.is_authenticated:
        return []
    if user.is_member:
        items = [("portal.index", url_for("portal.index"), _("My donations"))]
    else:
        items = [("dashboard.index", url_for("dashboard.index"), _("Dashboard"))]
        items += [
            ("members.index", url_for("members.index", slug=club.slug), club.name)
            for club in (user.clubs if user.is_coordinator else [])
        ]
    items.append(("auth.change_password", url_for("auth.change_password"), _("Password")))
    return items
