"""The content security policy in Chromium: representative pages (sign-in, a dashboard and
a report with their charts, a member, the portal, a status link, verification, the API docs)
load without a single violation, and the check itself is shown to catch one."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import Browser, Page

from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.models import Certificate, Club, Member
from donorclub.services.demo import CN_CLUB, DEMO_DOMAIN, DEMO_PASSWORDS
from donorclub.services.member_links import issue_link

from .test_sign_in import sign_in

SLUG = CN_CLUB.slug
# Runs in every document before the page's own scripts; the policy does not apply to it.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
"""
CSP_CONSOLE = re.compile(r"Refused to|Content Security Policy", re.I)


def _demo_ids(live_app) -> dict[str, object]:
    """Member 0001, a certificate of the club, and a status link of the club's last member
    (whom the other journeys leave alone)."""
    with live_app.app_context():
        club_id = db.session.scalar(sa.select(Club.id).where(Club.slug == SLUG))
        members = db.session.scalars(sa.select(Member).where(Member.club_id == club_id)
                                     .order_by(Member.member_no)).all()
        serial = db.session.scalar(
            sa.select(Certificate.serial).join(Member, Certificate.member_id == Member.id)
            .where(Member.club_id == club_id).order_by(Certificate.id))
        ids = {"member": members[0].id, "serial": serial,
               "status_token": issue_link(None, members[-1], "status")}
        db.session.remove()
    return ids


class Watch:
    """Every violation a page reports, by its event and by the console."""

    def __init__(self, page: Page):
        self.page, self.console = page, []
        page.add_init_script(LISTEN)
        page.on("console", lambda message: self.console.append(message.text)
                if CSP_CONSOLE.search(message.text) else None)

    def visit(self, path: str) -> list[str]:
        self.console.clear()
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        return self.page.evaluate("() => window.__csp") + self.console


def _walk(browser: Browser, base_url: str, login: tuple[str, str] | None,
          paths: list[str], check=None) -> dict[str, list[str]]:
    """{path: violations} for each path, in one browser context signed in with `login`;
    `check(page, watch)` runs last, in the same context."""
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        watch = Watch(page)
        if login is not None:
            sign_in(page, *login)
            page.wait_for_url(re.compile(r"^(?!.*/auth/login)"))
        found = {path: watch.visit(path) for path in paths}
        if check is not None:
            check(page, watch)
        return found
    finally:
        context.close()


def _a_violation_is_seen(page: Page, watch: Watch) -> None:
    """The listener is not blind: an inline script added to a page is blocked and reported."""
    assert watch.visit("/auth/login") == []
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__ran = true;';
                             document.body.appendChild(s); }""")
    page.wait_for_function("() => window.__csp.length > 0")
    assert page.evaluate("() => window.__ran") is None  # blocked, not run
    assert any("script-src" in v for v in page.evaluate("() => window.__csp"))


def test_representative_pages_break_no_rule_of_the_policy(browser: Browser, base_url: str,
                                                          live_app):
    ids = _demo_ids(live_app)
    walks = [
        (None, ["/auth/login", "/verify", f"/verify/{ids['serial']}", "/api/v1/docs",
                f"/s/{ids['status_token']}"], _a_violation_is_seen),
        ((CN_CLUB.coordinator_email, DEMO_PASSWORDS[Role.COORDINATOR]),
         ["/", f"/clubs/{SLUG}/dashboard", f"/clubs/{SLUG}/members/{ids['member']}",
          f"/clubs/{SLUG}/referrals/report"], None),
        ((f"{SLUG}-0001@{DEMO_DOMAIN}", DEMO_PASSWORDS[Role.MEMBER]), ["/me/"], None),
    ]
    violations = {}
    for login, paths, check in walks:
        for path, found in _walk(browser, base_url, login, paths, check).items():
            if found:
                violations[path] = found
    assert not violations, violations
