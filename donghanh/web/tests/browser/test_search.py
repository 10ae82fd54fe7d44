"""On a 390 px phone, a commune officer opens the menu, types a CCCD with spaces in its search box and finds the
person, then opens the whole list from the results."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from donghanh.accounts.models import User
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.web.tests.browser.phone import PHONE, expect_unfolded


@pytest.mark.browser_context_args(**PHONE)
def test_the_menu_search_finds_a_person_by_cccd_on_a_phone(page: Page, live_server: Any, demo_world: Any) -> None:
    officer = User.objects.get(username="xa.phuthuong")
    commune = OrgUnit.objects.get(code="00091", level=OrgUnit.Level.COMMUNE, era=OrgUnit.Era.CURRENT)
    person_register(
        actor=officer, unit=commune, full_name="Nguyễn Văn Hùng", sex=Sex.MALE, birth_year=1990,
        citizen_id="001090012345", registered_on=datetime.date(2025, 9, 1),
    )  # fmt: skip
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "xa.phuthuong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")

    box = page.get_by_test_id("site-search")
    expect(box).to_be_hidden()  # folded into the menu on a phone
    page.locator(".navbar-toggler").click()
    expect_unfolded(page.locator("#mainnav"))
    box.get_by_role("searchbox").fill("001 090 012 345")
    box.get_by_role("searchbox").press("Enter")

    people = page.get_by_test_id("group-people")
    expect(people).to_contain_text("Người được hỗ trợ")
    expect(people.get_by_test_id("hit")).to_have_count(1)
    expect(people).to_contain_text("Nguyễn Văn Hùng")
    expect(page.get_by_test_id("group-partners")).to_have_count(0)  # nothing else matches a number
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    people.get_by_test_id("see-all-people").click()
    expect(page.get_by_test_id("person-row")).to_have_count(1)
    expect(page.get_by_test_id("person-row")).to_contain_text("Nguyễn Văn Hùng")
