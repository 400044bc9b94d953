"""A member on a phone: sign in, see when they may give next, download a certificate and the
calendar, change their phone; and the card's status link, which works without a password
until the club revokes it."""
import os
import re
from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from donorclub.domain.enums import Role
from donorclub.services.demo import CN_CLUB, DEMO_DOMAIN, DEMO_PASSWORDS

from .test_sign_in import sign_in

PHONE = {"width": 360, "height": 740}


def _screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("DONORCLUB_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_member_on_a_phone(browser: Browser, base_url: str):
    context = browser.new_context(viewport=PHONE, base_url=base_url, accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, f"{CN_CLUB.slug}-0001@{DEMO_DOMAIN}", DEMO_PASSWORDS[Role.MEMBER])
        page.goto("/me/")
        expect(page.get_by_role("heading", name="When can I donate next?")).to_be_visible()
        expect(page.get_by_text(re.compile(r"You can give whole blood (today|again from)"))
               ).to_be_visible()
        _fits_the_phone(page)

        with page.expect_download() as pdf_download:
            page.get_by_role("link", name="Download PDF").first.click()
        text = PdfReader(pdf_download.value.path()).pages[0].extract_text()
        assert "荣" in text or "Certificate" in text

        with page.expect_download() as ics_download:
            page.get_by_role("link", name=re.compile("calendar file", re.I)).click()
        calendar = Calendar.from_ical(Path(ics_download.value.path()).read_bytes())
        assert len(calendar.walk("VEVENT")) >= 1

        page.get_by_role("link", name=re.compile("Change my phone")).click()
        page.get_by_label("Phone").fill("139 0000 7777")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Your details are saved.")).to_be_visible()
        expect(page.get_by_text("139 0000 7777")).to_be_visible()
        _fits_the_phone(page)
    finally:
        context.close()


def test_status_link_works_without_login_until_revoked(page: Page, browser: Browser,
                                                       base_url: str):
    sign_in(page, CN_CLUB.coordinator_email, DEMO_PASSWORDS[Role.COORDINATOR])
    page.goto(f"/clubs/{CN_CLUB.slug}/members/?q=0002")
    page.locator("table tbody tr").first.get_by_role("link").first.click()
    page.get_by_role("button", name="Create a status link").click()
    # The printed link starts with DONORCLUB_BASE_URL; this server listens elsewhere.
    printed = page.locator(".status-link-url").inner_text().strip()
    link = base_url + "/s/" + printed.split("/s/", 1)[1]

    visitor_context = browser.new_context(viewport=PHONE)
    visitor = visitor_context.new_page()
    try:
        visitor.goto(link)
        expect(visitor.get_by_role("heading", name=re.compile("donate next|献血"))).to_be_visible()
        _screenshot(visitor, "status-link-phone.png")
        page.get_by_role("button", name="Revoke the link").click()
        expect(page.get_by_text("Status link revoked")).to_be_visible()
        response = visitor.goto(link)
        assert response.status == 404
        expect(visitor.get_by_role("heading", name="This link does not work")).to_be_visible()
    finally:
        visitor_context.close()
