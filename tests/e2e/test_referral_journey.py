"""A coordinator records a marrow referral and moves it along the registry's stages."""
import re
from datetime import date

from playwright.sync_api import Page, expect

from donorclub.domain.enums import Role
from donorclub.services.demo import CN_CLUB, DEMO_PASSWORDS

from .test_sign_in import sign_in


def test_record_a_referral_and_move_it_through_stages(page: Page):
    sign_in(page, CN_CLUB.coordinator_email, DEMO_PASSWORDS[Role.COORDINATOR])
    page.goto(f"/clubs/{CN_CLUB.slug}/referrals/")
    page.get_by_role("link", name="Record a referral").click()
    page.get_by_label("Recruiter's member number").fill("0003")
    page.get_by_label("Candidate's name").fill("刘小雨")
    page.get_by_label("Date of birth").fill("1980-01-01")  # 46 or more: too old for CMDP
    page.get_by_label("Phone").fill("135 0000 2468")
    page.get_by_label("Registry").select_option("cmdp")
    page.get_by_role("button", name="Record referral").click()
    expect(page.get_by_text(re.compile("accepts candidates aged 18 to 45"))).to_be_visible()

    page.get_by_label("Date of birth").fill("2000-05-05")
    page.get_by_role("button", name="Record referral").click()
    expect(page.get_by_role("heading", name=re.compile("刘小雨"))).to_be_visible()

    today = date.today().isoformat()
    for stage in ("consented", "sampled"):
        page.get_by_label("Next stage").select_option(stage)
        page.get_by_label("Date", exact=True).fill(today)
        page.get_by_role("button", name="Record stage").click()
    timeline = page.locator("ol.timeline li")
    expect(timeline).to_have_count(3)
    expect(timeline.last).to_contain_text("Sample taken")
    # Stages cannot be skipped: "listed" is not offered straight after "sampled".
    options = page.get_by_label("Next stage").locator("option").all_inner_texts()
    assert "Listed" not in options and "Typed" in options
