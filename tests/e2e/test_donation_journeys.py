"""A coordinator's week: add a member, record a donation, be refused, override, void."""
import re
from datetime import date

from babel.dates import format_date
from playwright.sync_api import Page, expect

from donorclub.domain.enums import Role
from donorclub.services.demo import CN_CLUB, DEMO_PASSWORDS

from .test_sign_in import sign_in


def test_record_refuse_override_and_void(page: Page):
    sign_in(page, CN_CLUB.coordinator_email, DEMO_PASSWORDS[Role.COORDINATOR])
    main_nav = page.get_by_role("navigation", name="Main")

    # A new member, so the history is known.
    main_nav.get_by_role("link", name="Members").click()
    page.get_by_role("link", name="Add a member").click()
    page.get_by_label("Full name").fill("周晓燕")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Date of birth").fill("1994-06-18")
    page.get_by_label("Blood group").select_option("B+")
    page.get_by_label("Weight (kg)").fill("56")
    page.get_by_label("Phone").fill("137 0000 5678")
    page.get_by_role("button", name="Save member").click()
    expect(page.get_by_role("heading", name="周晓燕")).to_be_visible()
    member_url = page.url

    # Fast entry: find her by part of her name and record whole blood today.
    main_nav.get_by_role("link", name="Record donation").click()
    page.get_by_label(re.compile("Find the member")).fill("晓燕")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name=re.compile("Record donation for 周晓燕")).click()
    page.get_by_label("Volume (ml)").select_option("400")
    page.get_by_role("button", name="Record donation").click()
    expect(page.get_by_text("Donation recorded")).to_be_visible()

    # Platelets the same day: China's rules want three months after whole blood.
    page.goto(member_url)
    form = page.locator(".record-donation")
    form.locator("summary").click()
    form.get_by_label("Kind").select_option("platelets")
    form.get_by_label("Volume (ml)").fill("250")
    form.get_by_label("Therapeutic units").fill("1")
    form.get_by_role("button", name="Record donation").click()
    expect(page.get_by_text("The rules do not allow this donation")).to_be_visible()
    expect(page.get_by_role("alert").get_by_text(
        re.compile("3 months after the whole blood donation"))).to_be_visible()

    # Override with a reason.
    form = page.locator(".record-donation")
    form.get_by_label("Record it although the rules refuse it").check()
    form.get_by_label("Why it is recorded anyway").fill("Urgent HLA-matched platelets, Dr. Wang")
    form.get_by_role("button", name="Record donation").click()
    expect(page.get_by_text("Donation recorded")).to_be_visible()
    today = format_date(date.today(), "d MMMM y", locale="en")  # as the English pages write it
    rows = page.locator("table.table-donations tbody tr")
    expect(rows).to_have_count(2)

    # Void the platelet donation: it stays, struck through, with the reason.
    page.get_by_role("row", name=re.compile("Platelets")).get_by_role(
        "link", name=re.compile("^Void")).click()
    page.get_by_label("Why is this donation voided?").fill("Entered for the wrong kind")
    page.get_by_role("button", name="Void donation").click()
    voided = page.locator("table.table-donations tbody tr.voided")
    expect(voided).to_have_count(1)
    expect(voided).to_contain_text("Entered for the wrong kind")
    expect(voided).to_contain_text(today)


def test_club_dashboard_shows_charts_on_a_phone(page: Page):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, CN_CLUB.coordinator_email, DEMO_PASSWORDS[Role.COORDINATOR])
    page.goto(f"/clubs/{CN_CLUB.slug}/dashboard")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
