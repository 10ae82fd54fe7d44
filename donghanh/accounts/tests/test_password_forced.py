"""A password an administrator set (a new account, or a new password) must be changed at the next login, after the
second factor: until then every page leads to the change, the API answers 403 to the session (a token goes on),
and the change frees the user. The demo accounts are not asked."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from donghanh.accounts import services
from donghanh.accounts.models import User
from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse
from donghanh.demo.world import DEMO_PASSWORD, demo_data_create

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HOME = reverse("home")
CHANGE = reverse("password_change")
SET_BY_ADMIN = "Quan-tri-dat-2026"
NEW = "Mua-xuan-moi-2027!"
MESSAGE_VI = "Quản trị viên đã đặt mật khẩu cho bạn; hãy đổi mật khẩu trước khi tiếp tục."
API_REFUSAL_VI = "Quản trị viên đã đặt mật khẩu cho bạn: hãy đổi mật khẩu trên trang web trước."


@pytest.fixture
def admin(make_user, unit):
    return make_user(Role.SYSTEM_ADMIN, unit("VN", level=0), username="quantri")


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, username="xa.phuthuong")


def logged_in(username: str, password: str) -> Client:
    client = Client()
    assert client.post(LOGIN, {"username": username, "password": password}).status_code == 302
    return client


def test_an_account_made_or_given_a_password_by_an_administrator_must_change_it(admin, officer):
    made = services.user_create(actor=admin, username="tnv.moi", full_name="Tình nguyện viên mới", password=NEW)
    assert made.password_change_required
    assert not officer.password_change_required
    browser = Client()
    browser.force_login(admin)
    answer = browser.post(reverse("accounts:password", args=[officer.pk]), {"password": SET_BY_ADMIN})
    assert answer.status_code == 302
    officer.refresh_from_db()
    assert officer.password_change_required and officer.check_password(SET_BY_ADMIN)
    detail = parse(browser.get(reverse("accounts:detail", args=[officer.pk])))
    assert detail.get(data_testid="account-must-change-password").text == "phải đổi mật khẩu"


def test_every_page_leads_to_the_change_until_it_is_done(admin, officer):
    services.user_set_password(actor=admin, user=officer, password=SET_BY_ADMIN)
    token = services.api_token_issue(actor=officer, name="đồng bộ").key  # as an operator's command would
    browser = logged_in("xa.phuthuong", SET_BY_ADMIN)

    for page in (HOME, reverse("people:list"), reverse("accounts:list"), reverse("api_token")):
        answer = browser.get(page)
        assert (answer.status_code, answer["Location"]) == (302, f"{CHANGE}?next={page.replace('/', '%2F')}")
    change_page = browser.get(f"{CHANGE}?next=%2Fpeople%2F")
    assert change_page.status_code == 200
    assert parse(change_page).get(data_testid="password-change-required").text == MESSAGE_VI
    refused = browser.get("/api/v1/me/")
    assert refused.status_code == 403 and refused.json()["detail"] == API_REFUSAL_VI
    assert Client(headers={"Authorization": f"Token {token}"}).get("/api/v1/me/").status_code == 200
    assert browser.post(reverse("set_language"), {"language": "vi", "next": CHANGE}).status_code == 302
    assert browser.get(reverse("second_factor")).status_code == 200

    same = browser.post(
        f"{CHANGE}?next=%2Fpeople%2F",
        {"old_password": SET_BY_ADMIN, "new_password1": SET_BY_ADMIN, "new_password2": SET_BY_ADMIN},
    )
    assert same.status_code == 400 and "Mật khẩu mới phải khác mật khẩu hiện tại." in same.content.decode()
    changed = browser.post(
        f"{CHANGE}?next=%2Fpeople%2F", {"old_password": SET_BY_ADMIN, "new_password1": NEW, "new_password2": NEW}
    )
    assert (changed.status_code, changed["Location"]) == (302, reverse("people:list"))  # on to the page asked for
    assert browser.get(HOME).status_code == 200
    assert browser.get("/api/v1/me/").status_code == 200
    assert parse(browser.get(CHANGE)).find(data_testid="password-change-required") is None
    officer.refresh_from_db()
    assert not officer.password_change_required
    assert browser.post(reverse("logout")).status_code == 302


def test_the_second_factor_comes_first_then_the_change(admin, officer, settings: Any):
    settings.MFA_REQUIRED_ROLES = ["commune_officer"]
    device = services.totp_device_start(actor=officer, key=b"0123456789abcdef0123", confirmed=True)
    services.user_set_password(actor=admin, user=officer, password=SET_BY_ADMIN)
    browser = logged_in("xa.phuthuong", SET_BY_ADMIN)
    assert browser.get(HOME)["Location"].startswith(reverse("second_factor_verify"))
    assert browser.get(CHANGE)["Location"].startswith(reverse("second_factor_verify"))
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert isinstance(device, TOTPDevice)
    verified = browser.post(reverse("second_factor_verify"), {"code": f"{totp.token():06d}", "next": HOME})
    assert verified["Location"] == HOME
    assert browser.get(HOME)["Location"].startswith(CHANGE)


def test_the_demo_accounts_log_in_straight_to_their_home_page():
    demo_data_create(people=False)
    assert not User.objects.filter(password_change_required=True).exists()
    assert logged_in("xa.phuthuong", DEMO_PASSWORD).get(HOME).status_code == 200


def test_a_user_not_asked_changes_the_password_and_stays_on_the_page(make_user, phu_thuong):
    make_user(Role.VOLUNTEER, phu_thuong, username="tnv.binh")
    browser = logged_in("tnv.binh", PASSWORD)
    answer = browser.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert answer["Location"] == CHANGE
