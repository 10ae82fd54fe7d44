"""On a phone: Phú Thượng's officer records a person's consent to sharing for referrals (a refused form first, what
was typed kept) and the person's request to see their data, then finds it on the list of requests; Hà Nội's
province officer holds the person's records and opens the page of who is anonymised next. No page scrolls
sideways."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from donghanh.accounts.models import User
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.web.tests.browser.phone import PHONE, no_horizontal_scroll


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=roles]")).to_be_visible()


@pytest.mark.browser_context_args(**PHONE)
def test_consent_a_request_and_a_legal_hold_on_a_phone(page: Page, live_server, demo_world) -> None:
    officer = User.objects.get(username="xa.phuthuong")
    today = timezone.localdate()
    person = person_register(
        actor=officer, unit=officer.role_assignments.get().unit, full_name="Lương Văn Thành", sex=Sex.MALE,
        birth_year=1991, registered_on=today - datetime.timedelta(days=60), phone="0912 345 678",
    )  # fmt: skip
    base = live_server.url

    log_in(page, base, "xa.phuthuong")
    page.goto(f"{base}/people/{person.pk}/")
    sharing = page.locator("[data-testid=consent-purpose][data-purpose=referral_sharing]")
    expect(sharing.locator("[data-testid=consent-none]")).to_be_visible()
    assert no_horizontal_scroll(page)

    # The consent: a signed form without its number is refused, and what was typed stays.
    page.goto(f"{base}/privacy/people/{person.pk}/consents/new/?purpose=referral_sharing")
    page.check("input[name=method][value=signed_form]")
    page.fill("#id_given_on", today.strftime("%d/%m/%Y"))
    page.locator("[data-testid=consent-form] button[type=submit]").tap()
    expect(page.locator("[data-testid=form-errors]")).to_be_visible()
    expect(page.locator("#id_given_on")).to_have_value(today.strftime("%d/%m/%Y"))
    assert no_horizontal_scroll(page)
    page.fill("#id_form_number", "07/ĐY-2026")
    page.locator("[data-testid=consent-form] button[type=submit]").tap()
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/#consent$"))
    expect(sharing.locator("[data-testid=consent-standing]")).to_contain_text("07/ĐY-2026")
    assert no_horizontal_scroll(page)

    # The person asks to see what is held about them.
    page.goto(f"{base}/privacy/people/{person.pk}/requests/new/")
    page.select_option("#id_kind", "access")
    page.select_option("#id_channel", "in_person")
    page.fill("#id_received_on", today.strftime("%d/%m/%Y"))
    page.fill("#id_details", "Xin bản sao toàn bộ hồ sơ")
    assert no_horizontal_scroll(page)
    page.locator("main form button[type=submit]").first.tap()
    expect(page.locator("[data-testid=acknowledge-due]")).to_be_visible()
    expect(page.locator("[data-testid=request-person]")).to_contain_text("Lương Văn Thành")
    assert no_horizontal_scroll(page)
    page.goto(f"{base}/privacy/requests/")
    expect(page.locator("main")).to_contain_text("Lương Văn Thành")
    assert no_horizontal_scroll(page)

    # The province holds the person's records, and sees who is anonymised next.
    log_in(page, base, "tinh.hanoi")
    page.goto(f"{base}/privacy/people/{person.pk}/hold/")
    page.fill("#id_reason", "Vụ việc đang được điều tra")
    assert no_horizontal_scroll(page)
    page.locator("[data-testid=hold-form] button[type=submit]").tap()
    expect(page.locator("[data-testid=retention-hold]")).to_have_attribute("data-held", "yes")
    assert no_horizontal_scroll(page)
    page.goto(f"{base}/privacy/retention/")
    expect(page.locator("main")).to_contain_text("Lương Văn Thành")  # the standing holds, listed below
    assert no_horizontal_scroll(page)
