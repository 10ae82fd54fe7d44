"""Two officers edit the same person in two browsers: the second save shows who changed what meanwhile, keeps what
was typed, and saves once the officer has looked. Nothing either of them wrote is lost unseen."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from donghanh.accounts.models import User
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.people.choices import Sex
from donghanh.people.services import person_register


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=roles]")).to_be_visible()


def test_two_officers_edit_the_same_person(
    page: Page, browser: Browser, browser_context_args: dict[str, Any], live_server: Any, demo_world: Any
) -> None:
    base = live_server.url
    commune_officer = User.objects.get(username="xa.phuthuong")
    person = person_register(
        actor=commune_officer,
        unit=commune_officer.role_assignments.get().unit,
        full_name="Nguyễn Văn Hùng",
        sex=Sex.MALE,
        birth_year=1990,
        registered_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    edit = f"{base}/people/{person.pk}/edit/"

    # The commune police officer works in a browser of their own.
    other_context = browser.new_context(**browser_context_args)
    other_errors: list[str] = []
    other_context.on("weberror", lambda error: other_errors.append(str(error.error)))
    police = other_context.new_page()
    log_in(police, base, "congan.phuthuong")
    log_in(page, base, "xa.phuthuong")

    # Both open the form.
    page.goto(edit)
    police.goto(edit)

    # The commune officer saves first.
    page.fill("#id_occupation", "Thợ hồ")
    page.click("[data-testid=person-form] button[type=submit]")
    expect(page.locator("[data-testid=person-name]")).to_contain_text("Nguyễn Văn Hùng")

    # The police officer's save shows whose change it met, and keeps what was typed.
    police.fill("#id_phone", "0987654321")
    police.fill("#id_family_contacts", "Mẹ: Trần Thị Hoa")
    police.click("[data-testid=person-form] button[type=submit]")
    conflict = police.locator("[data-testid=version-conflict]")
    expect(conflict).to_contain_text("Phạm Thị Thu Hà")
    expect(conflict).to_contain_text("trong khi bạn đang sửa")
    expect(conflict).to_contain_text(timezone.localtime().strftime("%d/%m/%Y"))
    expect(police.locator("[data-testid=version-changes]")).to_contain_text(re.compile(r"Nghề nghiệp: — → Thợ hồ"))
    expect(police.locator("#id_phone")).to_have_value("0987654321")
    expect(police.locator("#id_family_contacts")).to_have_value("Mẹ: Trần Thị Hoa")
    person.refresh_from_db()
    assert (person.phone, person.occupation) == ("", "Thợ hồ")  # nothing of the second save written

    # Having looked, the police officer keeps the commune's change and saves.
    police.fill("#id_occupation", "Thợ hồ")
    police.click("[data-testid=person-form] button[type=submit]")
    expect(police.locator("[data-testid=person-name]")).to_contain_text("Nguyễn Văn Hùng")
    person.refresh_from_db()
    assert (person.phone, person.occupation, person.family_contacts, person.version) == (
        "0987654321",
        "Thợ hồ",
        "Mẹ: Trần Thị Hoa",
        3,
    )
    other_context.close()
    assert not other_errors
