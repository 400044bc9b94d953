"""A coordinator signs in with the demo login and sees their club."""
import re

from playwright.sync_api import Page, expect

from donorclub.domain.enums import Role
from donorclub.services.demo import CN_CLUB, DEMO_PASSWORDS


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_demo_coordinator_signs_in_and_sees_the_club(page: Page):
    sign_in(page, CN_CLUB.coordinator_email, DEMO_PASSWORDS[Role.COORDINATOR])
    expect(page.get_by_role("heading", name=CN_CLUB.name)).to_be_visible()
    page.get_by_role("link", name=CN_CLUB.name).first.click()
    expect(page).to_have_url(re.compile(r"/clubs/anshan-steel/members/"))
    expect(page.locator("table tbody tr")).to_have_count(36)


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
