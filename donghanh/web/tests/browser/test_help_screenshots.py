"""The user guide's screenshots (/help/): taken on every run, and written into the guide on demand.

Each demo role logs in (with the demo key's code where the role needs a second factor) on a phone, or on a desktop for
the officers who read reports, and the pages the guide shows are saved into a temporary folder: a run of the suite
leaves the checkout as it was. With `HELP_SCREENSHOTS=1` in the environment they are saved into
`donghanh/web/static/help/`, overwriting the committed files, to be committed
(`HELP_SCREENSHOTS=1 make test-postgres PYTEST_ARGS='-n 0 donghanh/web/tests/browser/test_help_screenshots.py'`).
The test fails when a shot was not written or is not a real image, when the guide names a shot nobody takes, or when
a shot is taken that no guide shows. The people, volunteer team and club they show are made through the services in
a few seconds (the whole demo would take minutes).
"""

from __future__ import annotations

import os
import re
import struct
import time
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from config.settings import base as base_settings
from donghanh.demo.second_factor import demo_totp_code
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.web.templatetags.help_guide import SHOT_DIR, SHOT_SUFFIX
from donghanh.web.tests.browser.phone import expect_unfolded
from donghanh.web.tests.help_guide import referenced_shots
from donghanh.web.tests.world import guide_world

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}
DESKTOP = ViewportSize(width=1280, height=800)


class Camera:
    """Saves viewport screenshots into the guide's folder and remembers which it wrote."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.written: dict[str, float] = {}

    def shoot(self, name: str, *, height: int | None = None) -> None:
        """The viewport once the page and the menu's badge have loaded; `height` keeps only the top of a wide page."""
        self.page.wait_for_load_state()
        badge = self.page.locator("[data-testid=nav-work-count]")
        if badge.count():
            expect(badge.locator("[data-testid=work-count]")).to_be_attached()
        options: dict[str, Any] = {"animations": "disabled", "caret": "hide"}
        if height is not None:
            width = (self.page.viewport_size or DESKTOP)["width"]
            options["clip"] = {"x": 0, "y": 0, "width": width, "height": height}
        self.page.screenshot(path=self.folder / f"{name}{SHOT_SUFFIX}", **options)
        self.written[name] = time.time()


def log_in(page: Page, site: str, username: str, camera: Camera | None = None, *, then: str = "/") -> None:
    """Log in as a demo account and land on `then`; with `camera`, the page asking for the second factor's code is shot
    first."""
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("[data-testid=login-form] button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/two-factor/verify/" in page.url:
        if camera is not None:
            camera.shoot("xac-thuc-hai-lop")
        page.locator("input[name=code]").fill(demo_totp_code())
        page.locator("[data-testid=second-factor-form] button[type=submit]").click()
    expect(page).to_have_url(f"{site}{then}")


def open_menu(page: Page) -> None:
    """On a phone: the menu behind the button at the top right."""
    page.locator(".navbar-toggler").click()
    expect_unfolded(page.locator("#mainnav"))


def is_image(path: Path) -> bool:
    head = path.read_bytes()[:24]
    if SHOT_SUFFIX == ".png":
        width, height = struct.unpack(">II", head[16:24])
        return head.startswith(b"\x89PNG\r\n\x1a\n") and width >= 300 and height >= 200
    return head.startswith(b"\xff\xd8\xff")


@pytest.fixture
def site(settings: Any, live_server: Any) -> str:
    # Before the demo accounts are made: those whose role requires it get the demo key, as on a real installation.
    settings.MFA_REQUIRED_ROLES = list(base_settings.MFA_REQUIRED_ROLES)
    return str(live_server.url)


@pytest.mark.browser_context_args(**PHONE)
def test_the_guide_s_screenshots_are_taken_again(page: Page, site: str, demo_world: Any, tmp_path: Path) -> None:
    started = time.time()
    ids = guide_world(timezone.localdate())
    person, club = ids["person"], ids["club"]
    camera = Camera(page, SHOT_DIR if os.environ.get("HELP_SCREENSHOTS") else tmp_path)

    # Before logging in.
    page.goto(f"{site}/accounts/login/")
    camera.shoot("dang-nhap")
    page.locator("[data-testid=forgot-password]").click()
    camera.shoot("quen-mat-khau")

    # The volunteer: home, work list, a person, a contact, an assessment; notifications, two factors, password.
    log_in(page, site, "tnv.phuthuong")
    camera.shoot("tnv-home")
    page.locator("[data-testid=open-worklist]").click()
    expect(page.locator("[data-testid=worklist-item]").first).to_be_visible()
    camera.shoot("tnv-worklist")
    page.goto(f"{site}/casework/people/{person}/")
    camera.shoot("tnv-person")
    page.locator("[data-testid=log-contact]").click()
    camera.shoot("tnv-contact")
    page.goto(f"{site}/casework/people/{person}/")
    page.locator("[data-testid=monthly-assessment]").click()
    camera.shoot("tnv-assessment")
    page.goto(f"{site}/casework/notifications/")
    camera.shoot("thong-bao")
    page.goto(f"{site}/casework/notifications/settings/")
    camera.shoot("thong-bao-cai-dat")
    page.goto(f"{site}/accounts/two-factor/enrol/")
    expect(page.locator("[data-testid=second-factor-qr]")).to_be_visible()
    camera.shoot("hai-lop-bat")
    page.goto(f"{site}/accounts/password/")
    camera.shoot("doi-mat-khau")

    # The club's board member: home, today's session and its tick list, the club.
    log_in(page, site, "clb.phuthuong")
    camera.shoot("clb-home")
    page.locator("[data-testid=home-session-today]").click()
    camera.shoot("clb-today")
    page.locator("[data-testid=open-today]").click()
    expect(page.locator("input[name=present]").first).to_be_visible()
    page.locator("input[name=present]").first.check()
    camera.shoot("clb-session")
    page.goto(f"{site}/community/{club}/")
    page.locator("[data-testid=members]").scroll_into_view_if_needed()
    camera.shoot("clb-model")

    # The commune officer, with the second factor: the menu, home, people, registering, a person, a measure, a
    # volunteer, an import, search, the two-factor page.
    log_in(page, site, "xa.phuthuong", camera)
    camera.shoot("xa-home")
    open_menu(page)
    page.locator("[data-testid=site-search] input[name=q]").fill("nam")
    page.locator("[data-testid=current-user]").click()
    expect(page.locator("[data-testid=nav-help]")).to_be_visible()
    camera.shoot("menu-nguoi-dung")
    page.locator("[data-testid=site-search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/search/"))
    camera.shoot("tim-kiem")
    page.goto(f"{site}/people/")
    camera.shoot("xa-people")
    page.goto(f"{site}/people/new/")
    camera.shoot("xa-register")
    page.goto(f"{site}/people/{person}/")
    expect(page.locator("[data-testid=print-file]")).to_be_visible()
    camera.shoot("xa-person")
    page.goto(f"{site}/episodes/new/{person}/")
    camera.shoot("xa-episode")
    page.goto(f"{site}/casework/people/{ids['waiting']}/assign/")
    camera.shoot("xa-assign")
    page.goto(f"{site}/imports/new/")
    camera.shoot("xa-import")
    page.goto(f"{site}/accounts/two-factor/")
    camera.shoot("hai-lop")

    # The commune police and the health station.
    log_in(page, site, "congan.phuthuong", then="/people/")
    page.locator("[data-testid=filter-toggle]").click()
    expect_unfolded(page.locator("[data-testid=filter-panel]"))
    camera.shoot("congan-filter")
    page.goto(f"{site}/people/{person}/tests/new/")
    camera.shoot("congan-test")
    log_in(page, site, "yte.phuthuong", then=f"/people/{person}/health/")
    camera.shoot("yte-health")

    # Those who read the figures, on a desktop: the province's dashboard, report and export, the nation, the auditor.
    page.set_viewport_size(DESKTOP)
    log_in(page, site, "tinh.hanoi")
    expect(page.locator("[data-testid=dashboard-slot] [data-testid=dashboard-loading]")).to_have_count(0)
    camera.shoot("tinh-home")
    page.goto(f"{site}/reports/")
    camera.shoot("tinh-report", height=560)
    page.locator("[data-testid=download-xlsx]").click()
    expect(page.locator("[data-testid=export-download]")).to_be_visible(timeout=30_000)
    camera.shoot("tinh-export", height=270)
    log_in(page, site, "trunguong")
    expect(page.locator("[data-testid=dashboard-slot] [data-testid=dashboard-loading]")).to_have_count(0)
    camera.shoot("tw-home")
    log_in(page, site, "kiemtra.hanoi", then="/audit/access-log/")
    camera.shoot("kiemtra-access-log", height=440)

    # The guide itself, from the footer: the auditor's own guide first, and every image it shows is served.
    page.locator("[data-testid=footer-help]").click()
    own = page.locator("[data-testid=help-own] [data-testid=help-guide-link]")
    expect(own).to_have_count(1)
    expect(own).to_have_attribute("data-role", "auditor")
    for slug in ("auditor", "commune-officer"):
        page.goto(f"{site}/help/{slug}/")
        sources = page.locator("[data-testid=help-shot]").evaluate_all("images => images.map(image => image.src)")
        assert sources
        for src in set(sources):
            served = page.request.get(src)
            assert served.ok and served.headers["content-type"] == "image/png", src

    for name, written in camera.written.items():
        path = camera.folder / f"{name}{SHOT_SUFFIX}"
        assert path.stat().st_mtime >= started - 1 and written >= started, f"{path} was not written"
        assert is_image(path), f"{path} is not an image"
        assert path.stat().st_size > 5_000, f"{path} is too small to show a page"
    missing = referenced_shots() - set(camera.written)
    assert not missing, f"the guide shows screenshots this test does not take: {sorted(missing)}"
    extra = {p.stem for p in SHOT_DIR.glob(f"*{SHOT_SUFFIX}")} - referenced_shots()
    assert not extra, f"screenshots the guide no longer shows: {sorted(extra)}"
