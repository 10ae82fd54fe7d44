"""On a phone, Phú Thượng's officer proposes to move a person to Phường Hải Châu; Hải Châu's officer finds the move
from the menu, accepts it, and lands on the person's page, now on Hải Châu's roster. No page scrolls sideways."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from donghanh.accounts.models import User
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.web.tests.browser.phone import PHONE, expect_unfolded, no_horizontal_scroll


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=roles]")).to_be_visible()


@pytest.mark.browser_context_args(**PHONE)
def test_a_move_proposed_by_one_commune_is_accepted_by_the_other(page: Page, live_server, demo_world) -> None:
    officer = User.objects.get(username="xa.phuthuong")
    person = person_register(
        actor=officer, unit=officer.role_assignments.get().unit, full_name="Đinh Văn Toàn", sex=Sex.MALE,
        birth_year=1988, registered_on=timezone.localdate() - datetime.timedelta(days=30),
    )  # fmt: skip
    hai_chau = OrgUnit.objects.get(code="20242", level=OrgUnit.Level.COMMUNE, era=OrgUnit.Era.CURRENT)
    base = live_server.url

    # Phú Thượng proposes the move from the person's page.
    log_in(page, base, "xa.phuthuong")
    page.goto(f"{base}/people/{person.pk}/")
    expect(page.locator("[data-testid=roster-status]")).to_have_attribute("data-state", "on")
    assert no_horizontal_scroll(page)
    page.locator("[data-testid=transfer-propose]").tap()
    expect(page).to_have_url(re.compile(rf"/roster/people/{person.pk}/move/$"))
    page.fill("#to_unit-search", "hai chau")
    choice = page.locator(f"#to_unit-choices input[name=to_unit][value='{hai_chau.pk}']")
    expect(choice).to_be_visible()
    choice.check()
    page.fill("#id_note", "Chuyển về ở với gia đình vợ")
    assert no_horizontal_scroll(page)
    page.locator("[data-testid=roster-submit]").tap()
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    expect(page.locator("[data-testid=roster-move]")).to_have_attribute("data-status", "pending")
    expect(page.locator("[data-testid=roster-move]")).to_contain_text("Phường Hải Châu")
    assert no_horizontal_scroll(page)

    # Hải Châu finds it from the menu and accepts it.
    log_in(page, base, "xa.haichau")
    page.locator(".navbar-toggler").tap()
    expect_unfolded(page.locator("#mainnav"))
    page.locator("[data-testid=nav-more] button").tap()
    page.locator("[data-testid=nav-transfers]").tap()
    item = page.locator("[data-testid=transfer-item]")
    expect(item).to_have_count(1)
    expect(item.locator("[data-testid=transfer-person]")).to_contain_text("Đinh Văn Toàn")
    expect(item.locator("[data-testid=transfer-refuse]")).to_be_visible()
    assert no_horizontal_scroll(page)
    item.locator("[data-testid=transfer-accept]").tap()

    # The person's page: on Hải Châu's roster from today.
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    expect(page.locator("[data-testid=person-name]")).to_contain_text("Đinh Văn Toàn")
    status = page.locator("[data-testid=roster-status]")
    expect(status).to_have_attribute("data-state", "on")
    expect(status).to_contain_text("Phường Hải Châu")
    expect(page.locator("[data-testid=managing-commune]")).to_contain_text("Phường Hải Châu")
    assert no_horizontal_scroll(page)
