"""A commune officer registers a person, is warned of a second spelling, and records post-rehab management."""

import re

from playwright.sync_api import Page, expect

from donghanh.demo.world import DEMO_PASSWORD


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=roles]")).to_be_visible()


def test_register_warn_of_a_duplicate_and_add_post_rehab(page: Page, live_server, demo_world) -> None:
    base = live_server.url
    log_in(page, base, "xa.phuthuong")

    # Register Nguyễn Văn Hùng, born 1990 in Hà Nội, with a CCCD that agrees with both.
    page.goto(f"{base}/people/new/")
    expect(page.locator("[data-testid=managing-commune]")).to_contain_text("Phường Phú Thượng")
    page.fill("#id_full_name", "Nguyễn Văn Hùng")
    page.check("input[name=sex][value=male]")
    page.fill("#id_birth_year", "1990")
    page.fill("#id_citizen_id", "001090012345")
    page.fill("#id_current_hamlet", "Tổ dân phố 3")
    page.click("[data-testid=person-form] button[type=submit]")
    expect(page.locator("[data-testid=person-name]")).to_contain_text("Nguyễn Văn Hùng")
    person_url = page.url

    # A second registration typed without diacritics: the form shows the person already registered.
    page.goto(f"{base}/people/new/")
    page.fill("#id_full_name", "Nguyen Van Hung")
    similar = page.locator("[data-testid=similar-person]")
    expect(similar).to_have_count(1)
    expect(similar).to_contain_text("Nguyễn Văn Hùng")
    expect(similar).to_contain_text("1990")
    # The same CCCD is refused and points to the existing record, keeping what was typed.
    page.check("input[name=sex][value=male]")
    page.fill("#id_birth_year", "1990")
    page.fill("#id_citizen_id", "001090012345")
    page.click("[data-testid=person-form] button[type=submit]")
    expect(page.locator("[data-testid=duplicate]")).to_be_visible()
    expect(page.locator("#id_full_name")).to_have_value("Nguyen Van Hung")

    # Post-rehab management from 01/07/2025: the planned end follows the rule (12 months).
    page.goto(person_url)
    page.click("[data-testid=episode-add]")
    page.select_option("#id_episode_type", "post_rehab_management")
    page.fill("#id_start_date", "01/07/2025")
    page.fill("#id_decision_number", "45/QĐ-UBND")
    page.click("[data-testid=episode-form] button[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(person_url)))
    timeline = page.locator("[data-testid=episode-timeline]")
    expect(timeline).to_contain_text("Quản lý sau cai nghiện")
    expect(timeline).to_contain_text("01/07/2025")
    expect(timeline).to_contain_text("30/06/2026")
    expect(timeline).to_contain_text("45/QĐ-UBND")
