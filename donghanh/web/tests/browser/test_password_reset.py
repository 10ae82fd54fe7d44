"""A forgotten password on a 390 px phone, in Chromium: the login page's link, the e-mail address, the mailed link, the
new password, and logging in with it. Every page fits the screen and passes the Content-Security-Policy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from donghanh.accounts.models import User
from donghanh.web.tests.browser.phone import PHONE

NEW = "Mua-xuan-moi-2027!"


def fits_the_screen(page: Page) -> None:
    page.wait_for_load_state("load")
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"] == 390, f"horizontal scrollbar on a phone at {page.url}: {widths}"


@pytest.mark.browser_context_args(**PHONE)
def test_a_forgotten_password_is_reset_by_the_mailed_link_on_a_phone(
    page: Page, live_server: Any, transactional_db: None
) -> None:
    User.objects.create_user(username="tnv.binh", full_name="Trần Văn Bình", email="binh@example.vn", password="x")
    site = str(live_server.url)

    page.goto(f"{site}/accounts/login/")
    page.get_by_test_id("forgot-password").click()
    expect(page.get_by_role("heading", name="Quên mật khẩu?")).to_be_visible()
    fits_the_screen(page)
    page.locator("input[name=email]").fill("binh@example.vn")
    page.get_by_test_id("reset-form").get_by_role("button", name="Gửi liên kết").click()
    expect(page.get_by_test_id("reset-sent")).to_contain_text("trong vòng 1 giờ")
    fits_the_screen(page)

    [message] = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", str(message.body))
    assert link
    page.goto(link.group(0))
    expect(page).to_have_url(re.compile(r"/set-password/$"))  # the token left the address bar
    fits_the_screen(page)
    page.locator("input[name=new_password1]").fill(NEW)
    page.locator("input[name=new_password2]").fill(NEW)
    page.get_by_test_id("save").click()

    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_text("Đã đặt mật khẩu mới")).to_be_visible()
    page.locator("input[name=username]").fill("tnv.binh")
    page.locator("input[name=password]").fill(NEW)
    page.get_by_test_id("login-form").get_by_role("button").click()
    expect(page).to_have_url(f"{site}/")

    page.goto(link.group(0))  # a second time
    expect(page.get_by_test_id("reset-link-invalid")).to_be_visible()
    fits_the_screen(page)
