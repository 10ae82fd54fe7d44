"""A commune officer follows a release from the work list: the post-rehab decision's deadline is on the list, the
release is recorded and the decision stays due, then the decision opens post-rehab management and the item leaves
the list."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from donghanh.accounts.models import User
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.roster.models import ReleaseNotice
from donghanh.roster.release import release_notice_record
from donghanh.roster.selectors import decision_due

FACILITY = "Cơ sở cai nghiện ma túy số 2 Hà Nội"
ITEM = "[data-testid=worklist-item][data-kind=release_decision]"


def test_from_the_notice_on_the_work_list_to_the_post_rehab_decision(page: Page, live_server, demo_world) -> None:
    officer = User.objects.get(username="xa.phuthuong")
    commune = officer.role_assignments.get().unit
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    person = person_register(
        actor=officer, unit=commune, full_name="Đỗ Văn Khải", sex=Sex.MALE, birth_year=1988,
        registered_on=today - 500 * day,
    )  # fmt: skip
    episode_open(
        actor=officer, person=person, episode_type=EpisodeType.COMPULSORY_REHAB, start_date=today - 400 * day,
        facility=FACILITY, decision_number="31/2025/QĐ-TA", decision_date=today - 400 * day,
    )  # fmt: skip
    notice = release_notice_record(
        actor=officer, person=person, notice_date=today - 3 * day, expected_release_date=today - day
    )
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "xa.phuthuong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=roles]")).to_be_visible()

    # The deadline is on the work list from the notice on.
    page.goto(f"{base}/casework/")
    item = page.locator(f'{ITEM}[data-person="{person.pk}"]')
    expect(item).to_have_count(1)
    expect(item).to_contain_text(decision_due(notice).strftime("%d/%m/%Y"))
    item.click()
    expect(page.locator("[data-testid=notice-state]")).to_have_attribute("data-state", "notified")

    # The release: recorded, the decision still pending and still on the list, due from the certificate.
    released = (today - day).strftime("%d/%m/%Y")
    page.fill("#id_released_on", released)
    page.click("[data-testid=release-record]")
    expect(page.locator("[data-testid=notice-state]")).to_have_attribute("data-state", "awaiting_decision")
    expect(page.locator("[data-testid=released-on]")).to_have_text(released)
    notice.refresh_from_db()
    due = decision_due(notice).strftime("%d/%m/%Y")
    expect(page.locator("[data-testid=due-date]")).to_have_text(due)
    page.goto(f"{base}/casework/")
    expect(item).to_contain_text(due)
    item.click()

    # The decision: a number is required; then the person's page shows the post-rehab measure.
    page.fill("#id_decision_date", today.strftime("%d/%m/%Y"))
    page.click("[data-testid=release-decide]")
    expect(page.locator("[data-field=decision_number] .invalid-feedback")).to_be_visible()
    expect(page.locator("#id_decision_date")).to_have_value(today.strftime("%d/%m/%Y"))
    page.fill("#id_decision_number", "88/QĐ-UBND")
    page.fill("#id_issuing_body", "Chủ tịch UBND phường Phú Thượng")
    page.click("[data-testid=release-decide]")
    expect(page).to_have_url(f"{base}/people/{person.pk}/")
    measure = Episode.objects.get(person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT)
    row = page.locator(f"[data-testid=episode-{measure.pk}]")
    expect(row).to_contain_text("88/QĐ-UBND")
    expect(row.locator("[data-testid=episode-running]")).to_be_visible()
    expect(page.locator(f'[data-testid=release-notice][data-notice="{notice.pk}"]')).to_have_attribute(
        "data-state", "decided"
    )

    # Done: the item has left the work list.
    page.goto(f"{base}/casework/")
    expect(page.locator("[data-testid=worklist]")).to_be_visible()
    expect(page.locator(ITEM)).to_have_count(0)
    assert ReleaseNotice.objects.get(pk=notice.pk).decision_episode_id == measure.pk
