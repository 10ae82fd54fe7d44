"""A club's board member on a phone opens today's session from the model page, ticks who came, saves, and sees the
members' attendance rates on the model page change."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from donghanh.accounts.models import User
from donghanh.community import services
from donghanh.community.choices import SessionKind
from donghanh.community.models import Membership, ModelType, Session
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def club_with_members(today: datetime.date, earlier: datetime.date) -> tuple[int, list[Membership]]:
    """A post-rehab club of Phú Thượng chaired by the demo board member, three members, and one session held
    `earlier` that only the first of them came to."""
    officer = User.objects.get(username="xa.phuthuong")
    commune = officer.role_assignments.get().unit
    since = today - datetime.timedelta(days=60)
    club = services.model_create(
        actor=officer, unit=commune, model_type=ModelType.objects.get(code="post_rehab_club"),
        name="CLB Bình Minh Phú Thượng", decision_number="12/QĐ-UBND", decision_date=since, established_on=since,
        meeting_place="Nhà văn hóa tổ dân phố 5",
    )  # fmt: skip
    services.board_add(
        actor=officer, model=club, role="chair", full_name="Bùi Thị Lan", start_date=since,
        user=User.objects.get(username="clb.phuthuong"),
    )  # fmt: skip
    members = []
    for name in ("Đặng Văn Hải", "Lý Văn Khánh", "Ngô Văn Long"):
        person = person_register(
            actor=officer, unit=commune, full_name=name, sex=Sex.MALE, birth_year=1990, registered_on=since
        )
        members.append(services.member_join(actor=officer, model=club, person=person, joined_on=since))
    services.session_record(actor=officer, model=club, date=earlier, kind=SessionKind.REGULAR, present=members[:1])
    return club.pk, members


@pytest.mark.browser_context_args(**PHONE)
def test_a_board_member_ticks_today_s_attendance_on_a_phone(page: Page, live_server, demo_world) -> None:
    today = timezone.localdate()
    earlier = today - datetime.timedelta(days=7)
    period = f"?from={earlier:%d/%m/%Y}"  # the rates from the earlier session on, whatever the day of the year
    pk, (came, missed, also_missed) = club_with_members(today, earlier)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "clb.phuthuong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=roles]")).to_be_visible()

    # The model page: the rates since the earlier session.
    page.goto(f"{base}/community/{pk}/{period}")
    expect(page.locator(f"[data-testid=member-rate-{came.pk}]")).to_have_text("100 %")
    expect(page.locator(f"[data-testid=member-rate-{missed.pk}]")).to_have_text("0 %")
    assert no_horizontal_scroll(page)

    # Today's session, opened with one tap: the three members, nobody ticked yet.
    page.locator("[data-testid=session-today]").tap()
    expect(page).to_have_url(re.compile(r"/community/sessions/\d+/$"))
    boxes = page.locator("input[name=present]")
    expect(boxes).to_have_count(3)
    for box in range(3):
        expect(boxes.nth(box)).not_to_be_checked()
    assert no_horizontal_scroll(page)
    for membership in (came, missed):
        page.locator(f"label[for=present-{membership.pk}]").tap()
        expect(page.locator(f"input[name=present][value='{membership.pk}']")).to_be_checked()
    page.fill("input[name=family_count]", "2")
    page.locator("[data-testid=save-attendance]").tap()

    # Back on the model page: saved, and the rates moved.
    expect(page).to_have_url(re.compile(rf"/community/{pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text("2")
    page.goto(f"{base}/community/{pk}/{period}")
    expect(page.locator(f"[data-testid=member-rate-{came.pk}]")).to_have_text("100 %")
    expect(page.locator(f"[data-testid=member-rate-{missed.pk}]")).to_have_text("50 %")
    expect(page.locator(f"[data-testid=member-rate-{also_missed.pk}]")).to_have_text("0 %")
    assert no_horizontal_scroll(page)

    session = Session.objects.get(model_id=pk, date=today)
    assert set(session.attendees.values_list("pk", flat=True)) == {came.pk, missed.pk}
    assert (session.family_count, session.recorded_by.username) == (2, "clb.phuthuong")
