"""A coordinator issues the certificates that are due, prints them as one PDF, revokes one;
anyone checks a certificate on a phone by its serial."""
import io
import os
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from donorclub.domain.enums import Role
from donorclub.services.demo import CN_CLUB, DEMO_PASSWORDS

from .test_sign_in import sign_in

PHONE = {"width": 360, "height": 740}
SERIAL = re.compile(r"[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}")


def _screenshot(page: Page, name: str) -> None:
    """Saved for docs/ when DONORCLUB_SCREENSHOT_DIR names a folder."""
    folder = os.environ.get("DONORCLUB_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_issue_print_revoke_and_verify_certificates(page: Page, browser: Browser,
                                                    base_url: str):
    sign_in(page, CN_CLUB.coordinator_email, DEMO_PASSWORDS[Role.COORDINATOR])
    page.goto(f"/clubs/{CN_CLUB.slug}/certificates/")
    page.get_by_role("link", name="Due for a certificate").click()
    due_rows = page.locator("table tbody tr")
    due_count = due_rows.count()
    assert due_count > 10  # the demo club's members have reached many milestones
    _screenshot(page, "certificates-due-desktop.png")
    page.get_by_role("button", name="Issue all that are due").click()
    expect(page.get_by_text(f"{due_count} certificates issued")).to_be_visible()
    # The list shows every valid certificate issued today (the demo data issued a few too).
    listed = int(re.match(r"\d+", page.locator(".result-count").inner_text()).group(0))
    assert listed >= due_count

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("as one PDF")).click()
    pdf = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert len(pdf.pages) == listed
    first_serial = SERIAL.search(pdf.pages[0].extract_text()).group(0)

    page.get_by_label("Member or serial").fill(first_serial.lower())
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name=first_serial).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_label("Reason").last.fill("Issued to the wrong member by mistake")
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Revoked on")).to_be_visible()
    page.get_by_role("link", name="Public verification page").click()
    expect(page.get_by_text("This certificate is no longer valid.")).to_be_visible()

    valid_serial = SERIAL.search(pdf.pages[1].extract_text()).group(0)
    phone = browser.new_context(viewport=PHONE, base_url=base_url)
    visitor = phone.new_page()
    try:
        visitor.goto("/verify")
        visitor.get_by_label("Serial number").fill(valid_serial.lower().replace("-", " "))
        visitor.get_by_role("button", name="Check").click()
        expect(visitor.get_by_text("Valid.")).to_be_visible()
        expect(visitor.get_by_role("heading", name=valid_serial)).to_be_visible()
        # Nothing is wider than the phone: no sideways scrolling.
        width = visitor.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        _screenshot(visitor, "verify-phone.png")
        visitor.goto("/verify/ZZZZ-ZZZZ-ZZZZ")
        expect(visitor.get_by_role("heading", name="No such certificate")).to_be_visible()
    finally:
        phone.close()
