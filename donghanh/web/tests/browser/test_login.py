"""Logging in, the language switch, logging out, the htmx unit search and the phone layout, in Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from donghanh.demo.world import DEMO_PASSWORD

SCREENSHOT = "/tmp/donghanh-home.png"
WRONG_LOGIN_VI = "Sai tên đăng nhập hoặc mật khẩu. Lưu ý phân biệt chữ hoa, chữ thường."


@pytest.fixture
def site(live_server: Any, demo_world: Any) -> str:
    return str(live_server.url)


@pytest.fixture
def log_in(page: Page, site: str) -> Callable[..., None]:
    def submit(username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(f"{site}/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.get_by_test_id("login-form").get_by_role("button").click()

    return submit


def test_login_language_switch_and_logout(page: Page, site: str, log_in: Callable[..., None]) -> None:
    log_in("xa.phuthuong")
    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_test_id("roles")).to_contain_text("Cán bộ xã phụ trách")
    expect(page.get_by_test_id("roles")).to_contain_text("Phường Phú Thượng")
    page.screenshot(path=SCREENSHOT, full_page=True)
    # The menu holds on one line on a 1280 px screen, the office's rarer pages under "Thêm".
    page.set_viewport_size({"width": 1280, "height": 800})
    navbar = page.get_by_test_id("navbar").bounding_box()
    assert navbar is not None and navbar["height"] < 70, navbar
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.get_by_test_id("nav-more").click()
    expect(page.get_by_test_id("nav-transfers")).to_be_visible()

    page.get_by_test_id("profile-link").click()
    expect(page.get_by_test_id("scope")).to_contain_text("Phường Phú Thượng")
    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Your roles", exact=True)).to_be_visible()
    page.get_by_test_id("current-user").click()
    expect(page.get_by_test_id("logout")).to_have_text("Log out")

    page.get_by_test_id("lang-vi").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_text("Vai trò của bạn", exact=True)).to_be_visible()
    page.get_by_test_id("current-user").click()
    expect(page.get_by_test_id("logout")).to_have_text("Đăng xuất")

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(f"{site}/accounts/login/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()

    page.goto(f"{site}/")
    expect(page).to_have_url(re.compile(re.escape(f"{site}/accounts/login/") + r"\?next=/$"))
    expect(page.get_by_test_id("login-form")).to_be_visible()


def test_wrong_password_shows_the_error_and_keeps_the_user_name(
    page: Page, site: str, log_in: Callable[..., None]
) -> None:
    log_in("xa.phuthuong", "khong-phai-mat-khau")
    expect(page).to_have_url(f"{site}/accounts/login/")
    expect(page.get_by_test_id("login-error")).to_have_text(WRONG_LOGIN_VI)
    expect(page.locator("input[name=username]")).to_have_value("xa.phuthuong")
    expect(page.locator("input[name=password]")).to_have_value("")


def test_unit_search_updates_the_results_without_a_page_load(
    page: Page, site: str, log_in: Callable[..., None]
) -> None:
    log_in("tinh.hanoi")
    expect(page).to_have_url(f"{site}/")
    page.goto(f"{site}/units/")
    search = page.get_by_test_id("unit-search")
    results = page.locator("#unit-results")
    # A full page load would lose this flag: only htmx may update the results.
    page.evaluate("window.stillTheSamePage = true")

    def htmx_search(response: Any) -> bool:
        request = response.request
        return "/units/?" in response.url and request.headers.get("hx-request") == "true"

    with page.expect_response(htmx_search, timeout=10_000) as first:
        search.press_sequentially("phu thuong")
    assert first.value.ok
    expect(page).to_have_url(re.compile(r"/units/\?q=phu(\+|%20)thuong"))
    expect(results.get_by_test_id("unit-results")).to_contain_text("Phường Phú Thượng")
    expect(results.locator("tbody tr", has_text="Phường Phú Thượng")).to_have_count(1)

    search.clear()
    with page.expect_response(lambda r: htmx_search(r) and "hai" in r.url, timeout=10_000) as second:
        search.press_sequentially("hai chau")
    assert second.value.ok
    expect(page).to_have_url(re.compile(r"/units/\?q=hai(\+|%20)chau"))
    expect(results).not_to_contain_text("Phường Phú Thượng")
    expect(results.locator("tr", has_text="Phường Hải Châu")).to_have_count(0)
    expect(results).not_to_contain_text("Phường Hải Châu")

    assert page.evaluate("window.stillTheSamePage") is True


@pytest.mark.browser_context_args(viewport={"width": 390, "height": 844})
def test_home_fits_a_phone_screen(page: Page, site: str, log_in: Callable[..., None]) -> None:
    log_in("xa.phuthuong")
    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_test_id("roles")).to_be_visible()
    page.wait_for_load_state("load")
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["inner"] == 390
    assert widths["scroll"] <= widths["inner"], f"horizontal scrollbar on a phone: {widths}"
