"""A commune officer on a phone: the people list's filters are folded under a "Bộ lọc" button; a whereabouts is
picked by typing it without diacritics in the searchable list, and the list is filtered. A date is picked on the
calendar beside a date field, and a date typed 06122026 on the number pad is saved as 06/12/2026."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from donghanh.accounts.models import User
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.services import person_register
from donghanh.web.tests.browser.phone import PHONE, expect_folded, expect_unfolded
from donghanh.web.tests.browser.test_people import log_in


@pytest.mark.browser_context_args(**PHONE)
def test_filters_folded_searchable_list_and_calendar_on_a_phone(page: Page, live_server, demo_world) -> None:
    officer = User.objects.get(username="xa.phuthuong")
    commune = officer.role_assignments.get().unit
    registered = datetime.date(2026, 1, 5)
    person_register(
        actor=officer, unit=commune, full_name="Trần Văn An", sex=Sex.MALE, birth_year=1990, registered_on=registered
    )
    away = person_register(
        actor=officer, unit=commune, full_name="Lê Văn Bình", sex=Sex.MALE, birth_year=1988, registered_on=registered,
        whereabouts=Whereabouts.MOVED_AWAY,
    )  # fmt: skip
    base = live_server.url
    log_in(page, base, "xa.phuthuong")

    # The list: both people, the filters folded under their button, none in use.
    page.goto(f"{base}/people/")
    rows = page.locator("[data-testid=person-row]")
    expect(rows).to_have_count(2)
    panel = page.locator("[data-testid=filter-panel]")
    expect(panel).to_be_hidden()
    toggle = page.locator("[data-testid=filter-toggle]")
    expect(toggle).to_have_text("Bộ lọc")

    # Unfolded: the whereabouts typed without diacritics in the searchable list, the first match taken.
    toggle.tap()
    expect_unfolded(panel)
    search = page.locator("#id_whereabouts-ts-control")
    search.tap()
    search.press_sequentially("chuyen di")
    expect(page.locator(".ts-dropdown .option")).to_have_text(["Đã chuyển đi nơi khác"])
    search.press("Enter")
    expect(page.locator("#id_whereabouts option:checked")).to_have_text(["Đã chuyển đi nơi khác"])
    page.locator("[data-testid=people-filter] button[type=submit]").tap()

    # Filtered, and folded again over the list, the button counting the filter in use.
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Lê Văn Bình")
    expect(panel).to_be_hidden()
    expect(page.locator("[data-testid=filter-count]")).to_have_text("1")
    assert "whereabouts=moved_away" in page.url

    # Sent while it still unfolds (Enter in a field before the panel is open): folded once it is open. Sent while it
    # folds: it stays folded, and opens again with its button.
    toggle_and_send = """() => {
        document.querySelector('[data-testid=filter-toggle]').click();
        document.querySelector('[data-testid=people-filter]').requestSubmit();
    }"""
    page.evaluate(toggle_and_send)  # one task: the form is sent while the panel moves
    expect_folded(panel)
    toggle.tap()
    expect_unfolded(panel)
    page.evaluate(toggle_and_send)
    expect_folded(panel)
    toggle.tap()
    expect_unfolded(panel)
    page.wait_for_timeout(500)  # longer than the fold would take, were one queued
    expect(panel).to_be_visible()

    # A date picked on the calendar: the 1st of the month shown (the month of the day in the field, today).
    today = timezone.localdate()
    page.goto(f"{base}/people/{away.pk}/whereabouts/")
    since = page.locator("#id_since")
    expect(since).to_have_attribute("inputmode", "numeric")
    expect(since).to_have_value(f"{today:%d/%m/%Y}")
    page.locator("[data-testid=date-picker-button]").tap()
    calendar = page.locator("[data-testid=date-picker]")
    expect(calendar).to_be_visible()
    calendar.locator(".datepicker-cell.day:not(.prev):not(.next)").filter(has_text=re.compile(r"^1$")).tap()
    expect(since).to_have_value(f"01/{today:%m/%Y}")
    expect(calendar).to_be_hidden()

    # Typed on the number pad, without slashes: saved as that day.
    since.fill("06122026")
    page.select_option("#id_status", Whereabouts.AT_RESIDENCE)
    page.locator("[data-testid=record-form] button[type=submit]").tap()
    expect(page.locator("[data-testid=whereabouts-now]")).to_contain_text("Tại nơi cư trú")
    expect(page.locator("[data-testid=whereabouts-now]")).to_contain_text("06/12/2026")
