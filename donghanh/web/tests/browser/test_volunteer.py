"""A volunteer on a phone opens the work list, does a due monthly assessment from it, and sees it leave the list."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from donghanh.accounts.models import User
from donghanh.casework import services
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.web.tests.browser.phone import PHONE, no_horizontal_scroll


def assigned_person() -> None:
    """Trần Văn Nam of Phú Thượng, under post-rehab management and assigned to the demo volunteer for 400 days."""
    officer = User.objects.get(username="xa.phuthuong")
    commune = officer.role_assignments.get().unit
    since = timezone.localdate() - datetime.timedelta(days=400)
    person = person_register(
        actor=officer,
        unit=commune,
        full_name="Trần Văn Nam",
        sex=Sex.MALE,
        birth_year=1988,
        registered_on=since,
        current_hamlet="Tổ dân phố 5",
    )
    episode_open(actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=since)
    team = services.team_create(actor=officer, unit=commune, name="Đội tình nguyện Phú Thượng")
    volunteer = services.volunteer_add(
        actor=officer,
        team=team,
        full_name="Vũ Minh Tâm",
        sex="male",
        affiliation="youth_union",
        start_date=since,
        user=User.objects.get(username="tnv.phuthuong"),
    )
    services.assignment_make(actor=officer, person=person, volunteer=volunteer, start_date=since)


@pytest.mark.browser_context_args(**PHONE)
def test_volunteer_does_a_due_assessment_from_the_work_list_on_a_phone(page: Page, live_server, demo_world) -> None:
    assigned_person()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "tnv.phuthuong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")

    # The bell beside the menu counts what is due and overdue, loaded after the page.
    count = page.locator("[data-testid=nav-work-count] [data-testid=work-count]")
    expect(count.locator(".badge")).to_be_visible()
    counted = int(count.get_attribute("data-due") or 0) + int(count.get_attribute("data-overdue") or 0)

    # From the home page to the work list.
    page.click("[data-testid=open-worklist]")
    expect(page).to_have_url(re.compile(r"/casework/$"))
    items = page.locator("[data-testid=worklist-item]")
    expect(items.first).to_be_visible()
    dated = "[data-testid=worklist-group-{}] [data-testid=worklist-item]"
    assert page.locator(f"{dated.format('overdue')}, {dated.format('due')}").count() == counted > 0
    assert no_horizontal_scroll(page)
    due = page.locator("[data-testid=worklist-item][data-kind=assessment_due]").first
    expect(due).to_contain_text("Trần Văn Nam")
    href = due.get_attribute("href")
    assert href and "month=" in href
    month = re.search(r"month=(\d{4})-(\d{2})", href)
    assert month is not None

    # The assessment of that month, answered with the tap of big buttons.
    due.tap()
    expect(page.locator("[data-testid=assessment-month]")).to_contain_text(f"{month.group(2)}/{month.group(1)}")
    assert no_horizontal_scroll(page)
    expect(page.locator("input[name=drug_tests]")).to_have_count(0)  # a volunteer does not see drug tests
    for name, value in [
        ("drug_use", "none"),
        ("participation", "full"),
        ("work_status", "casual"),
        ("family_relations", "good"),
        ("compliance", "complies"),
    ]:
        label = page.locator(f"label[for={page.locator(f'input[name={name}][value={value}]').get_attribute('id')}]")
        label.tap()
        expect(page.locator(f"input[name={name}][value={value}]")).to_be_checked()
    page.locator("[data-field=rating] label").first.tap()
    page.fill("textarea[name=notes]", "Đi làm phụ hồ đều, gia đình yên tâm.")
    page.locator("[data-testid=assessment-form] button[type=submit]").tap()

    # Back on the work list: saved, and that month's item has gone.
    expect(page).to_have_url(re.compile(r"/casework/$"))
    expect(page.locator(".alert-success")).to_contain_text("Trần Văn Nam")
    expect(page.locator(f'[data-testid=worklist-item][href="{href}"]')).to_have_count(0)
    expect(page.locator("[data-testid=worklist-item]").first).to_be_visible()  # the other months are still due
    assert no_horizontal_scroll(page)
