"""Accessibility: axe-core on every main page, in English and in Chinese, for each role; the
header's menu, error messages and notices; a visible focus ring for keyboard users; and the
member portal on a 360 px phone without sideways scrolling.

Each (role, language) pair gets one browser context, signed in once and shared by its pages.
The language is chosen with the header's switcher on the sign-in page, before signing in: a
visitor's choice lives only in the session (and survives the sign-in), so these tests do not
change the language remembered for the demo accounts that the other journeys use.

A page's test checks it in both languages at once: axe runs in the English and the Chinese
tab side by side (one renderer each), which halves the wait on two cores. Failures name the
language, the page, the rule, its help text and the first offending elements.

DONORCLUB_AXE_REPORT=file appends the moderate and minor findings, which do not fail, as JSON
lines.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.models import Certificate, Club, Drive, Member, Referral
from donorclub.services import reminders
from donorclub.services.demo import ADMIN_EMAIL, CN_CLUB, DEMO_DOMAIN, DEMO_PASSWORDS

LANGUAGES = {"en": ("English", "en"), "zh": ("中文", "zh-Hans")}  # switcher button, <html lang>
FAILING_IMPACTS = ("serious", "critical")
PHONE = {"width": 360, "height": 740}
SLUG = CN_CLUB.slug
LOGINS = {
    "member": (f"{SLUG}-0001@{DEMO_DOMAIN}", DEMO_PASSWORDS[Role.MEMBER]),
    "coordinator": (CN_CLUB.coordinator_email, DEMO_PASSWORDS[Role.COORDINATOR]),
    "admin": (ADMIN_EMAIL, DEMO_PASSWORDS[Role.ADMIN]),
}
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    # WCAG 2.2 AA's target size (24 px, or enough space around) is off by default in axe
    # 4.x; the app promises tap-sized controls, so check it too.
    "rules": {"target-size": {"enabled": True}},
}
# Genuine false positives only, each with the reason: rule id -> CSS selectors left out.
EXCLUDED: dict[str, tuple[str, ...]] = {}


@dataclass(frozen=True)
class Screen:
    role: str  # "visitor" or a key of LOGINS
    name: str
    path: str  # formatted with the demo ids: {slug} {member} {drive} {referral} {serial}

    @property
    def id(self) -> str:
        return f"{self.role}-{self.name}"


SCREENS = [
    Screen("visitor", "login", "/auth/login"),
    Screen("visitor", "forgot-password", "/auth/forgot"),
    Screen("visitor", "verify", "/verify"),
    Screen("visitor", "verify-result", "/verify/{serial}"),
    Screen("visitor", "rules", "/rules/"),
    Screen("visitor", "rules-cn", "/rules/cn"),
    Screen("visitor", "unsubscribe", "/unsubscribe/{unsubscribe}"),
    Screen("member", "portal", "/me/"),
    Screen("member", "details", "/me/details"),
    Screen("member", "rules", "/rules/"),
    Screen("member", "api-tokens", "/account/tokens"),
    Screen("coordinator", "overview", "/"),
    Screen("coordinator", "club-dashboard", "/clubs/{slug}/dashboard"),
    Screen("coordinator", "members", "/clubs/{slug}/members/"),
    Screen("coordinator", "member-detail", "/clubs/{slug}/members/{member}"),
    Screen("coordinator", "member-edit", "/clubs/{slug}/members/{member}/edit"),
    Screen("coordinator", "record-donation-search", "/clubs/{slug}/donations/new"),
    Screen("coordinator", "record-donation-form", "/clubs/{slug}/donations/new/{member}"),
    Screen("coordinator", "drives", "/clubs/{slug}/drives/"),
    Screen("coordinator", "drive-detail", "/clubs/{slug}/drives/{drive}"),
    Screen("coordinator", "messages", "/clubs/{slug}/messages/"),
    Screen("coordinator", "who-can-donate", "/clubs/{slug}/eligible"),
    Screen("coordinator", "certificates", "/clubs/{slug}/certificates/"),
    Screen("coordinator", "certificate-detail", "/clubs/{slug}/certificates/{serial}"),
    Screen("coordinator", "certificates-due", "/clubs/{slug}/certificates/due"),
    Screen("coordinator", "certificate-settings", "/clubs/{slug}/certificates/settings"),
    Screen("coordinator", "referrals", "/clubs/{slug}/referrals/"),
    Screen("coordinator", "referral-detail", "/clubs/{slug}/referrals/{referral}"),
    Screen("coordinator", "referral-funnel", "/clubs/{slug}/referrals/report"),
    Screen("coordinator", "referral-leaderboard", "/clubs/{slug}/referrals/leaderboard"),
    Screen("coordinator", "volunteer-hours", "/clubs/{slug}/volunteering"),
    Screen("coordinator", "import", "/clubs/{slug}/import"),
    Screen("coordinator", "export", "/clubs/{slug}/export"),
    Screen("coordinator", "audit-log", "/clubs/{slug}/audit"),
    Screen("coordinator", "accounts", "/clubs/{slug}/accounts"),
    Screen("coordinator", "nominations", "/clubs/{slug}/nominations/"),
    Screen("coordinator", "rules", "/rules/"),
    Screen("coordinator", "api-tokens", "/account/tokens"),
    Screen("coordinator", "change-password", "/auth/password"),
    Screen("admin", "overview", "/"),
    Screen("admin", "clubs", "/admin/"),
    Screen("admin", "club", "/admin/clubs/{slug}"),
    Screen("admin", "users", "/admin/users"),
    Screen("admin", "audit-log-filtered", "/admin/audit?entity_type=clubs"),
]


# ---------------------------------------------------------------------------- helpers

def choose_language(page: Page, language: str) -> None:
    """Click the header switcher's button for the language; the page comes back in it."""
    button, html_lang = LANGUAGES[language]
    page.locator("form.language-switcher").get_by_role("button", name=button).click()
    expect(page.locator("html")).to_have_attribute("lang", html_lang)


def sign_in(page: Page, role: str, password: str | None = None) -> None:
    """Fill the sign-in form on the current page (found by names: labels are translated)."""
    email, right_password = LOGINS[role]
    form = page.locator("main form")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password or right_password)
    form.locator("[type=submit]").click()
    if password is None:
        expect(page.locator("form.signout-form")).to_be_visible()


def start_axe(page: Page, context: dict | None = None) -> None:
    """Inject axe and start it without waiting, so several tabs can run at once."""
    page.evaluate(Axe().axe_script)
    page.evaluate("([context, options]) => {"
                  " window.__axeRun = axe.run(context || document, options); }",
                  [context, AXE_OPTIONS])


def finish_axe(page: Page) -> list[dict]:
    """The violations of the run start_axe began, less the documented false positives."""
    response = page.evaluate("() => window.__axeRun")
    violations = []
    for violation in response["violations"]:
        excluded = EXCLUDED.get(violation["id"], ())
        nodes = [node for node in violation["nodes"]
                 if not any(selector in excluded for selector in node["target"])]
        if nodes:
            violations.append({**violation, "nodes": nodes})
    return violations


def open_folded_parts(page: Page) -> None:
    """Open every folded <details> in the page (forms, filters, chart data) so axe checks
    what is inside. The header's "More" menu stays shut: open, it lies over the page; it
    has its own test."""
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")


def describe(label: str, violations: list[dict]) -> str:
    lines = [f"{label}: {len(violations)} accessibility violation(s)"]
    for violation in violations:
        nodes = violation["nodes"]
        targets = "; ".join(" ".join(node["target"]) for node in nodes[:3])
        more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}\n"
                     f"      at {targets}{more}")
    return "\n".join(lines)


def report_minor(label: str, violations: list[dict]) -> None:
    path = os.environ.get("DONORCLUB_AXE_REPORT")
    if not path or not violations:
        return
    with open(path, "a", encoding="utf-8") as report:
        for violation in violations:
            report.write(json.dumps({
                "page": label, "id": violation["id"], "impact": violation["impact"],
                "help": violation["help"],
                "targets": [node["target"] for node in violation["nodes"][:5]],
            }, ensure_ascii=False) + "\n")


def check(runs: dict[str, Page], context: dict | None = None) -> None:
    """Run axe in every page of runs ({label: page}) at once; fail on serious or critical
    violations, listing them all."""
    for page in runs.values():
        start_axe(page, context)
    problems = []
    for label, page in runs.items():
        violations = finish_axe(page)
        report_minor(label, [v for v in violations if v["impact"] not in FAILING_IMPACTS])
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        if failing:
            problems.append(describe(label, failing))
    assert not problems, "\n\n".join(problems)


# ---------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def demo_ids(live_app) -> dict[str, object]:
    """Demo records to visit: the Anshan club's member 0001 (and their unsubscribe link), a
    drive, a referral and a certificate."""
    with live_app.app_context():
        club_id = db.session.scalar(sa.select(Club.id).where(Club.slug == SLUG))
        ids = {
            "slug": SLUG,
            "member": db.session.scalar(sa.select(Member.id).where(
                Member.club_id == club_id, Member.member_no == "0001")),
            "drive": db.session.scalar(
                sa.select(Drive.id).where(Drive.club_id == club_id).order_by(Drive.id)),
            "referral": db.session.scalar(
                sa.select(Referral.id).where(Referral.club_id == club_id).order_by(Referral.id)),
            "serial": db.session.scalar(
                sa.select(Certificate.serial).join(Member, Certificate.member_id == Member.id)
                .where(Member.club_id == club_id).order_by(Certificate.id)),
        }
        ids["unsubscribe"] = reminders.unsubscribe_token(db.session.get(Member, ids["member"]))
        db.session.remove()
    missing = [key for key, value in ids.items() if value is None]
    assert not missing, f"the demo data has no {missing}"
    return ids


@pytest.fixture(scope="module")
def tabs(browser: Browser, base_url: str):
    """tabs(role, language): the page of that role's context in that language, made and
    signed in on first use, kept for the module."""
    opened: dict[tuple[str, str], Page] = {}

    def get(role: str, language: str) -> Page:
        if (role, language) not in opened:
            context = browser.new_context(base_url=base_url)
            page = context.new_page()
            page.goto("/auth/login")
            choose_language(page, language)
            if role != "visitor":
                sign_in(page, role)
                expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[language][1])
            opened[role, language] = page
        return opened[role, language]

    yield get
    for page in opened.values():
        page.context.close()


def visit(tabs, role: str, path: str) -> dict[str, Page]:
    """The page at path in each language's tab of the role: {"en /path": page, ...}."""
    runs = {}
    for language, (_button, html_lang) in LANGUAGES.items():
        page = tabs(role, language)
        response = page.goto(path)
        assert response is not None and response.status == 200, \
            f"{language} {role} {path}: HTTP {response and response.status}"
        expect(page.locator("html")).to_have_attribute("lang", html_lang)
        open_folded_parts(page)
        runs[f"{language} {role} {path}"] = page
    return runs


# ------------------------------------------------------------------------------- tests

@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.id)
def test_page_has_no_serious_accessibility_violations(tabs, demo_ids, screen: Screen):
    check(visit(tabs, screen.role, screen.path.format(**demo_ids)))


@pytest.mark.parametrize("role", list(LOGINS))
def test_header_menu_has_no_serious_accessibility_violations(tabs, role: str):
    runs = visit(tabs, role, "/rules/")
    for page in runs.values():
        page.locator(".nav-more summary").click()
        expect(page.locator(".nav-more ul a").first).to_be_visible()
    check(runs, {"include": [["header.site-header"]]})


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_errors_and_notices_have_no_serious_accessibility_violations(
        browser: Browser, base_url: str, demo_ids, language: str):
    """The states the page checks do not reach: a form with errors, a refused donation,
    a flash notice and an error page."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    try:
        page.goto("/auth/login")
        choose_language(page, language)
        sign_in(page, "coordinator", password="not the password")
        expect(page.locator(".field-errors, .form-errors").first).to_be_visible()
        check({f"{language} wrong password": page})

        sign_in(page, "coordinator")
        expect(page.locator(".flash").first).to_be_visible()  # "Signed in as ..."
        check({f"{language} signed-in notice": page})

        page.goto(f"/clubs/{SLUG}/members/{demo_ids['member']}")
        form = page.locator(".record-donation")
        form.locator("summary").click()
        form.locator("input[name=volume_ml]").fill("250")  # not a volume China allows
        form.locator("[type=submit]").click()
        expect(page.locator(".record-donation .form-errors")).to_be_visible()
        check({f"{language} refused donation": page})

        page.goto(f"/clubs/{SLUG}/donations/new/{demo_ids['member']}")
        page.locator("input[name=donated_on]").fill("")
        page.locator("main form [type=submit]").last.click()
        expect(page.locator(".field-errors").first).to_be_visible()
        check({f"{language} donation form with a missing date": page})

        response = page.goto("/clubs/no-such-club/dashboard")
        assert response is not None and response.status == 404
        check({f"{language} error page": page})
    finally:
        context.close()


def test_switcher_changes_the_page_language(tabs):
    page = tabs("visitor", "en")
    page.goto("/rules/")
    choose_language(page, "zh")
    assert page.url.endswith("/rules/")  # back on the same page
    choose_language(page, "en")


def _focused(page: Page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        const clear = c => c === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(c);
        return {
            element: el === document.body ? 'body' : el.outerHTML.slice(0, 120),
            outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                     && !clear(style.outlineColor),
            shadow: style.boxShadow !== 'none',
            onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
                      && box.top < innerHeight && box.left < innerWidth,
        };
    }""")


@pytest.mark.parametrize("role, path", [("visitor", "/auth/login"),
                                        ("coordinator", f"/clubs/{SLUG}/members/")])
def test_keyboard_focus_is_visible(tabs, role: str, path: str):
    """Tab through the first elements (the sign-in page starts in its email field and wraps
    round through the browser's own stop, which is the body here): each shows a focus ring
    (the stylesheet's :focus-visible outline, or a box shadow) and is on the screen."""
    page = tabs(role, "en")
    page.goto(path)
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        state = _focused(page)
        if state["element"] == "body":
            continue
        assert state["outline"] or state["shadow"], f"{path}: no visible focus style: {state}"
        assert state["onScreen"], f"{path}: the focused element is off screen: {state}"
        seen.append(state["element"])
        if len(seen) == 8:
            break
    assert len(set(seen)) >= 6, f"{path}: few elements take the focus: {seen}"


def screenshot(page: Page, name: str) -> None:
    """For docs/screenshots/: DONORCLUB_SCREENSHOT_DIR=docs/screenshots make test-e2e."""
    if folder := os.environ.get("DONORCLUB_SCREENSHOT_DIR"):  # the top of the page
        page.screenshot(path=os.path.join(folder, name), full_page=True,
                        clip={"x": 0, "y": 0, "width": PHONE["width"], "height": 1300})


@pytest.mark.parametrize("language", ["zh", "en"])
def test_member_portal_fits_a_phone(browser: Browser, base_url: str, language: str):
    """No sideways scrolling on a 360 px screen, with the "More" menu shut and open (long
    English dates and menu entries once pushed the page wider), and no serious violations."""
    context = browser.new_context(base_url=base_url, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/auth/login")
        choose_language(page, language)
        sign_in(page, "member")
        for path in ("/me/", "/me/details"):
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[language][1])
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} is {width}px wide on a 360px screen"
            check({f"{language} member (phone) {path}": page})
            if path == "/me/":
                screenshot(page, f"portal-phone-{language}.png")
            page.locator(".nav-more summary").click()
            expect(page.locator(".nav-more ul a").first).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} with the menu open is {width}px wide"
    finally:
        context.close()
