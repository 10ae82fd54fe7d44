"""Two-factor authentication in Chromium: logging in with the password and the demo key's code, and enrolling with
the QR page (its inline SVG image passes the Content-Security-Policy)."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from config.settings import base
from donghanh.demo.second_factor import demo_totp_code
from donghanh.demo.world import DEMO_PASSWORD

SCREENSHOT = "/tmp/donghanh-enrol.png"


@pytest.fixture
def site(settings: Any, live_server: Any) -> str:
    # Before the demo accounts are made: those whose role requires it get the demo key.
    settings.MFA_REQUIRED_ROLES = list(base.MFA_REQUIRED_ROLES)
    return str(live_server.url)


@pytest.fixture
def demo(site: str, demo_world: Any) -> str:
    return site


def log_in_with_password(page: Page, site: str, username: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-form").get_by_role("button").click()


def test_log_in_with_the_password_and_the_code(page: Page, demo: str) -> None:
    log_in_with_password(page, demo, "xa.phuthuong")
    expect(page).to_have_url(re.compile(re.escape(f"{demo}/accounts/two-factor/verify/")))
    expect(page.get_by_role("heading", name="Xác thực hai lớp")).to_be_visible()

    page.locator("input[name=code]").fill("000000")
    page.get_by_test_id("second-factor-form").get_by_role("button").click()
    expect(page.get_by_test_id("second-factor-error")).to_contain_text("Mã không đúng")
    time.sleep(1.1)  # the device refuses every code for a second after a wrong one

    page.locator("input[name=code]").fill(demo_totp_code())
    page.get_by_test_id("second-factor-form").get_by_role("button").click()

    expect(page).to_have_url(f"{demo}/")
    expect(page.get_by_test_id("roles")).to_contain_text("Phường Phú Thượng")
    page.get_by_test_id("current-user").click()
    page.get_by_test_id("nav-second-factor").click()
    expect(page.get_by_test_id("second-factor-status")).to_contain_text("Đang bật")


def test_enrol_after_the_password_by_typing_the_key(page: Page, demo: str) -> None:
    TOTPDevice.objects.filter(user__username="yte.phuthuong").delete()  # as after an administrator's reset
    log_in_with_password(page, demo, "yte.phuthuong")
    expect(page).to_have_url(re.compile(re.escape(f"{demo}/accounts/two-factor/enrol/")))
    expect(page.get_by_test_id("second-factor-required")).to_be_visible()
    qr = page.get_by_test_id("second-factor-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    page.screenshot(path=SCREENSHOT, full_page=True)

    key = base64.b32decode(page.get_by_test_id("second-factor-secret").inner_text().replace(" ", ""))
    page.locator("input[name=code]").fill(f"{TOTP(key).token():06d}")
    page.get_by_test_id("second-factor-form").get_by_role("button").click()

    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_test_id("recovery-codes-done").click()
    expect(page).to_have_url(f"{demo}/")
    expect(page.get_by_test_id("roles")).to_contain_text("Phường Phú Thượng")
