"""A coordinator signs in with the demo login and sees their club."""
import re

from playwright.sync_api import Page, expect

from donorclub.domain.enums import Role
from donorclub.services.demo import CN_CLUB, DEMO_PASSWORDS


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/auth/login")
    # These journeys read English. The Anshan club's people would see their club's Chinese:
    # choose English with the switcher, before signing in, so only this session keeps it.
    page.get_by_role("button", name="English").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_demo_coordinator_signs_in_and_sees_the_club(page: Page):
    sign_in(page, CN_CLUB.coordinator_email, DEMO_PASSWORDS[Role.COORDINATOR])
    expect(page.get_by_role("heading", name=CN_CLUB.name)).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    expect(page).to_have_url(re.compile(r"/clubs/anshan-steel/members/"))
    expect(page.locator("table tbody tr").first).to_be_visible()
    assert page.locator("table tbody tr").count() >= 36  # the demo club (other journeys add)


def test_wrong_password_shows_an_error_and_stays_on_the_form(page: Page):
    sign_in(page, CN_CLUB.coordinator_email, "not the password")
    expect(page.get_by_text("The email or the password is not right.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/auth/login"))


def test_sign_in_works_on_a_phone_sized_window(page: Page):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, CN_CLUB.coordinator_email, DEMO_PASSWORDS[Role.COORDINATOR])
    expect(page.get_by_role("heading", name=CN_CLUB.name)).to_be_visible()
    # Nothing is wider than the screen: no sideways scrolling of the whole page.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


def test_coordinator_sees_when_a_member_may_donate_and_the_rules(page: Page):
    sign_in(page, CN_CLUB.coordinator_email, DEMO_PASSWORDS[Role.COORDINATOR])
    page.goto("/clubs/anshan-steel/members/")
    page.locator("table tbody tr").first.get_by_role("link").click()
    panel = page.locator("section.eligibility")
    expect(panel.get_by_role("heading", name="Whole blood")).to_be_visible()
    expect(panel.get_by_role("heading", name="Platelets")).to_be_visible()
    expect(panel.locator(".eligibility-status").first).to_contain_text(
        re.compile(r"Eligible today|From \d+ \w+ \d{4}|Not eligible"))
    panel.get_by_role("link", name="See the rules and their sources").click()
    expect(page.get_by_role("heading", name="Waiting times between donations")).to_be_visible()
    expect(page.get_by_text("6 months").first).to_be_visible()


def test_a_refused_donation_shows_the_reasons(page: Page):
    sign_in(page, CN_CLUB.coordinator_email, DEMO_PASSWORDS[Role.COORDINATOR])
    page.goto("/clubs/anshan-steel/members/")
    page.locator("table tbody tr").first.get_by_role("link").click()
    form = page.locator(".record-donation")
    form.locator("summary").click()
    form.get_by_label("Volume (ml)").fill("250")  # not a whole-blood volume in China
    form.get_by_role("button", name="Record donation").click()
    expect(page.get_by_text("The rules do not allow this donation")).to_be_visible()
    expect(page.get_by_text("The volume must be one of 200, 300, 400 ml.")).to_be_visible()
