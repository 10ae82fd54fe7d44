"""A club's board member on a phone opens today's session from the model page, ticks who came, saves, and sees the
members' attendance rates on the model page change."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from donghanh.community.models import Session
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.web.tests.browser.phone import PHONE, no_horizontal_scroll
from donghanh.web.tests.world import phu_thuong_club


@pytest.mark.browser_context_args(**PHONE)
def test_a_board_member_ticks_today_s_attendance_on_a_phone(page: Page, live_server, demo_world) -> None:
    today = timezone.localdate()
    earlier = today - datetime.timedelta(days=7)
    period = f"?from={earlier:%d/%m/%Y}"  # the rates from the earlier session on, whatever the day of the year
    club, (came, missed, also_missed) = phu_thuong_club(today - datetime.timedelta(days=60), held_on=earlier, came=1)
    pk = club.pk
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
