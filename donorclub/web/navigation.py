"""The navigation links each role sees in the page header."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _


def _club_links(club) -> list[tuple[str, str, str]]:
    slug = club.slug
    return [
        ("dashboard.detail", url_for("dashboard.detail", slug=slug), _("Club dashboard")),
        ("members.index", url_for("members.index", slug=slug), _("Members")),
        ("donations.search", url_for("donations.search", slug=slug), _("Record donation")),
        ("drives.index", url_for("drives.index", slug=slug), _("Drives")),
        ("dashboard.eligible", url_for("dashboard.eligible", slug=slug), _("Who can donate")),
        ("volunteering.index", url_for("volunteering.index", slug=slug), _("Volunteer hours")),
        ("transfer.upload", url_for("transfer.upload", slug=slug), _("Import / export")),
        ("audit.accounts", url_for("audit.accounts", slug=slug), _("Accounts")),
        ("audit.index", url_for("audit.index", slug=slug), _("Audit log")),
    ]


def navigation_for(user) -> list[tuple[str, str, str]]:
    """(endpoint, url, label) triples for the header, by role; empty for visitors."""
    if not user.is_authenticated:
        return []
    if user.is_member:
        items = [("portal.index", url_for("portal.index"), _("My donations"))]
    elif user.is_admin:
        items = [
            ("dashboard.index", url_for("dashboard.index"), _("Dashboard")),
            ("admin.index", url_for("admin.index"), _("Clubs")),
            ("admin.users", url_for("admin.users"), _("Accounts")),
            ("admin.audit", url_for("admin.audit"), _("Audit log")),
        ]
    else:
        items = [("dashboard.index", url_for("dashboard.index"), _("Dashboard"))]
        if len(user.clubs) == 1:
            items += _club_links(user.clubs[0])
        else:
            items += [("dashboard.detail", url_for("dashboard.detail", slug=club.slug), club.name)
                      for club in user.clubs]
    items.append(("rules.index", url_for("rules.index"), _("Rules")))
    items.append(("auth.change_password", url_for("auth.change_password"), _("Password")))
    return items
