"""The menu's count of due and overdue work, and the notification settings page."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.casework.models import NotificationPreference
from donghanh.casework.notifications import work_counts
from donghanh.casework.tests.conftest import LONG_AGO, register
from donghanh.casework.worklist import work_list
from donghanh.core.tests.pages import parse
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open

pytestmark = pytest.mark.django_db

COUNT = reverse("casework:notification_count")
SETTINGS = reverse("casework:notification_settings")


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()  # the counts are cached per user; the test database reuses user ids
    yield
    cache.clear()


@pytest.fixture
def followed(officer, phu_thuong):
    """Two people of Phú Thượng followed for 400 days, with nothing recorded: assessments due and overdue."""
    for name in ("Nguyễn Văn Hùng", "Lê Văn Tám"):
        person = register(officer, phu_thuong, name)
        episode_open(actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=LONG_AGO)


def badge(client) -> tuple[int, int, str]:
    response = client.get(COUNT, headers={"HX-Request": "true"})
    assert response.status_code == 200
    count = parse(response).get(data_testid="work-count")
    return int(count.attrs["data-due"]), int(count.attrs["data-overdue"]), count.text


def test_the_count_is_the_work_lists_due_and_overdue_items(client, officer, followed):
    client.force_login(officer)
    expected = work_counts(work_list(officer, timezone.localdate()))
    assert expected.overdue > 0
    due, overdue, text = badge(client)
    assert (due, overdue) == (expected.due, expected.overdue)
    assert text.startswith(str(due + overdue))
    assert f"{due} việc đến hạn, {overdue} việc quá hạn" in text


def test_the_count_is_the_users_own(client, followed, hai_chau_officer, make_user, phu_thuong):
    client.force_login(hai_chau_officer)  # another commune: nobody followed there
    assert badge(client) == (0, 0, "")
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))  # a volunteer with nobody assigned
    assert badge(client) == (0, 0, "")


def test_the_count_is_kept_a_few_minutes(client, officer, followed):
    client.force_login(officer)
    with CaptureQueriesContext(connection) as first:
        counted = badge(client)
    with CaptureQueriesContext(connection) as again:
        assert badge(client) == counted
    assert len(again) < len(first) - 5  # the work list was not read again


def test_the_count_and_the_settings_are_for_users_with_a_work_list(client, make_user, phu_thuong):
    assert client.get(COUNT).status_code == 302  # to the login page
    client.force_login(make_user(Role.BOARD_MEMBER, phu_thuong))
    assert client.get(COUNT).status_code == 403
    assert client.get(SETTINGS).status_code == 403
    page = parse(client.get(reverse("home")))
    assert page.find(data_testid="nav-work-count") is None
    assert page.find(data_testid="nav-notification-settings") is None


def test_every_page_loads_the_count_after_it_and_links_to_the_settings(client, officer):
    client.force_login(officer)
    page = parse(client.get(reverse("home")))
    link = page.get(data_testid="nav-work-count")
    assert link.attrs["href"] == reverse("casework:worklist")
    loader = link.get("span", hx_get=COUNT)
    assert loader.attrs["hx-trigger"] == "load, every 300s"
    assert page.get(data_testid="nav-notification-settings").attrs["href"] == SETTINGS
    notifications = parse(client.get(reverse("casework:notifications")))
    assert notifications.get(data_testid="notification-settings-link").attrs["href"] == SETTINGS


# --- settings --------------------------------------------------------------------------------------------------


@pytest.fixture
def gateways(settings):
    settings.SMS_PROVIDER_URL = "https://sms.example.vn/send"
    settings.ZALO_PROVIDER_URL = ""


def test_the_settings_start_from_the_defaults_and_the_accounts_number(client, make_user, phu_thuong, gateways):
    user = make_user(Role.VOLUNTEER, phu_thuong, phone="0912 345 678")
    client.force_login(user)
    form = parse(client.get(SETTINGS)).get(data_testid="notification-settings")
    assert form.get("input", name="phone").attrs["value"] == "0912 345 678"
    assert "checked" in form.get("input", name="digest_daily").attrs
    assert "checked" not in form.get("input", name="by_sms").attrs
    assert "disabled" in form.get("input", name="by_zalo").attrs  # no Zalo gateway here
    assert "Máy chủ này chưa được thiết lập cho kênh này." in form.get(data_field="by_zalo").text


def test_a_wrong_number_is_refused_and_what_was_typed_stays(client, officer, gateways):
    client.force_login(officer)
    response = client.post(SETTINGS, {"digest_daily": "on", "by_sms": "on", "phone": "12345"})
    assert response.status_code == 400
    form = parse(response).get(data_testid="notification-settings")
    assert form.get("input", name="phone").attrs["value"] == "12345"
    assert "checked" in form.get("input", name="by_sms").attrs
    assert "checked" in form.get("input", name="digest_daily").attrs
    assert "Nhập số di động Việt Nam gồm 10 chữ số" in form.get(data_field="phone").text
    assert not NotificationPreference.objects.exists()


def test_the_settings_are_saved(client, officer, gateways):
    client.force_login(officer)
    response = client.post(SETTINGS, {"by_sms": "on", "phone": "0987 654 321"})
    assert response.status_code == 302 and response["Location"] == SETTINGS
    preference = NotificationPreference.objects.get(user=officer)
    assert (preference.digest_daily, preference.by_email, preference.by_sms, preference.phone) == (
        False,
        False,
        True,
        "0987 654 321",
    )
    page = parse(client.get(SETTINGS))
    assert "Đã lưu cài đặt thông báo." in page.text
    assert "checked" in page.get("input", name="by_sms").attrs
