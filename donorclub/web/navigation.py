"""The navigation links each role sees in the page header: the main ones, and "More"."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

Link = tuple[str, str, str]  # (endpoint, url, label)


def _club_links(club) -> tuple[list[Link], list[Link]]:
    slug = club.slug
    main = [
        ("dashboard.detail", url_for("dashboard.detail", slug=slug), _("Club dashboard")),
        ("members.index", url_for("members.index", slug=slug), _("Members")),
        ("donations.search", url_for("donations.search", slug=slug), _("Record donation")),
        ("drives.index", url_for("drives.index", slug=slug), _("Drives")),
        ("dashboard.eligible", url_for("dashboard.eligible", slug=slug), _("Who can donate")),
    ]
    more = [
        ("messages.index", url_for("messages.index", slug=slug), _("Messages")),
        ("certificates.index", url_for("certificates.index", slug=slug), _("Certificates")),
        ("referrals.index", url_for("referrals.index", slug=slug), _("Marrow referrals")),
        ("volunteering.index", url_for("volunteering.index", slug=slug), _("Volunteer hours")),
        ("referral_reports.funnel", url_for("referral_reports.funnel", slug=slug),
         _("Referral report")),
        ("referral_reports.leaderboard", url_for("referral_reports.leaderboard", slug=slug),
         _("Referral leaderboard")),
        ("transfer.upload", url_for("transfer.upload", slug=slug), _("Import / export")),
        ("audit.accounts", url_for("audit.accounts", slug=slug), _("Accounts")),
        ("audit.index", url_for("audit.index", slug=slug), _("Audit log")),
    ]
    return main, more


def navigation_for(user) -> tuple[list[Link], list[Link]]:
    """The header's main links and the links under "More", by role; empty for visitors.

    Few main links keep the header short on a phone; the rest fold under "More".
    """
    if not user.is_authenticated:
        return [], []
    common = [("rules.index", url_for("rules.index"), _("Rules")),
              ("auth.change_password", url_for("auth.change_password"), _("Password")),
              ("auth.sessions", url_for("auth.sessions"), _("Sessions")),
              ("tokens.index", url_for("tokens.index"), _("API tokens"))]
    if user.is_member:
        return [("portal.index", url_for("portal.index"), _("My donations"))], common
    if user.is_admin:
        return [
            ("dashboard.index", url_for("dashboard.index"), _("Dashboard")),
            ("admin.index", url_for("admin.index"), _("Clubs")),
            ("admin.users", url_for("admin.users"), _("Accounts")),
            ("admin.audit", url_for("admin.audit"), _("Audit log")),
        ], common
    if len(user.clubs) == 1:
        main, more = _club_links(user.clubs[0])
        return main, [("dashboard.index", url_for("dashboard.index"), _("Overview")),
                      *more, *common]
    main = [("dashboard.index", url_for("dashboard.index"), _("Dashboard"))]
    main += [("dashboard.detail", url_for("dashboard.detail", slug=club.slug), club.name)
             for club in user.clubs]
    return main, common
