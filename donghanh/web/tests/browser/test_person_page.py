"""A commune officer on a phone opens a person's page: it fits the screen with the measure's buttons in reach, the
file downloads as a PDF, and the month's assessment starts and ends on the page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from donghanh.accounts.models import User
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register
from donghanh.web.tests.browser.phone import PHONE


def person_under_a_measure() -> Person:
    officer = User.objects.get(username="xa.phuthuong")
    since = timezone.localdate() - datetime.timedelta(days=100)
    person = person_register(
        actor=officer,
        unit=officer.role_assignments.get().unit,
        full_name="Trần Văn Nam",
        sex=Sex.MALE,
        birth_year=1988,
        registered_on=since,
    )
    episode_open(
        actor=officer,
        person=person,
        episode_type=EpisodeType.POST_REHAB_MANAGEMENT,
        start_date=since,
        decision_number="981/QĐ-UBND",
        issuing_body="Chủ tịch UBND phường Phú Thượng",
    )
    return person


@pytest.mark.browser_context_args(**PHONE, accept_downloads=True)
def test_an_officer_uses_a_persons_page_on_a_phone(page: Page, live_server, demo_world) -> None:
    person = person_under_a_measure()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "xa.phuthuong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=roles]")).to_be_visible()

    person_url = f"{base}/people/{person.pk}/"
    page.goto(person_url)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    for button in ("episode-edit", "episode-close"):
        box = page.get_by_test_id(button).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, button

    with page.expect_download() as download:
        page.get_by_test_id("print-file").tap()
    assert download.value.suggested_filename == f"ho-so-{person.code}.pdf"

    page.get_by_test_id("assess-month").tap()
    for name, value in [
        ("drug_use", "none"),
        ("participation", "full"),
        ("work_status", "casual"),
        ("family_relations", "good"),
        ("compliance", "complies"),
    ]:
        page.locator(f"label[for={page.locator(f'input[name={name}][value={value}]').get_attribute('id')}]").tap()
    page.locator("[data-field=rating] label").first.tap()
    page.locator("[data-testid=assessment-form] button[type=submit]").tap()
    expect(page).to_have_url(re.compile(re.escape(person_url) + "$"))
    expect(page.locator(".alert-success")).to_contain_text("Trần Văn Nam")
    expect(page.get_by_test_id("assessments")).to_contain_text(f"{timezone.localdate():%m/%Y}")
