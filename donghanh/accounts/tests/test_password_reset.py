"""A forgotten password: a link mailed to the account's address sets a new one. The same answer whatever the address,
requests throttled per address and per e-mail address, a link that works once and not for long, every session and
token ended, and the second factor still asked at the next login."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from conftest import PASSWORD
from donghanh.accounts import services
from donghanh.accounts.models import ApiToken
from donghanh.accounts.roles import Role
from donghanh.accounts.second_factor import PENDING_KEY
from donghanh.core.tests.pages import parse

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")
SENT = reverse("password_reset_sent")
LOGIN = reverse("login")
NEW = "Mua-xuan-moi-2027!"
LINK = re.compile(r"https?://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)")
RATES_OFF = {"user": None, "address": None, "download": None, "login": None, "page": None}


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def volunteer(make_user, phu_thuong):
    return make_user(Role.VOLUNTEER, phu_thuong, username="tnv.binh", email="binh@example.vn")


def logged_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    assert client.post(LOGIN, {"username": username, "password": password}).status_code == 302
    return client


def link_asked(email: str) -> str:
    """Ask for a link for `email`; the path the one mail sent holds."""
    answer = Client().post(RESET, {"email": email})
    assert (answer.status_code, answer["Location"]) == (302, SENT)
    [message] = mail.outbox
    mail.outbox.clear()
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def new_password_set(link: str, password: str = NEW) -> Client:
    """Open the link, then set `password` on the page it leads to; returns the browser."""
    browser = Client()
    opened = browser.get(link)
    assert opened.status_code == 302 and opened["Location"].endswith("/set-password/")  # the token leaves the address
    page = browser.get(opened["Location"])
    assert page.status_code == 200 and parse(page).find(data_testid="new-password-form") is not None
    done = browser.post(opened["Location"], {"new_password1": password, "new_password2": password})
    assert (done.status_code, done["Location"]) == (302, LOGIN)
    return browser


def test_the_login_page_offers_the_reset_in_vietnamese(client):
    link = parse(client.get(LOGIN)).get(data_testid="forgot-password")
    assert link.attrs["href"] == RESET and link.text == "Quên mật khẩu?"
    page = parse(client.get(RESET))
    assert page.get("input", name="email").attrs["type"] == "email"
    assert "Gửi liên kết" in page.get(data_testid="reset-form").text


def test_the_mailed_link_sets_a_new_password_ends_every_session_and_token_and_works_once(volunteer):
    here, elsewhere = logged_in("tnv.binh"), logged_in("tnv.binh")
    services.api_token_issue(actor=volunteer, name="điện thoại")

    answer = Client().post(RESET, {"email": "BINH@example.vn"})  # as typed, capitals and all
    assert (answer.status_code, answer["Location"]) == (302, SENT)
    [message] = mail.outbox
    assert message.to == ["binh@example.vn"] and message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "Đồng Hành: đặt mật khẩu mới"
    assert "trong vòng 1 giờ" in message.body and "Nếu bạn không yêu cầu việc này" in message.body
    assert "tnv.binh" not in message.body and volunteer.full_name not in message.body  # it names nothing
    link = LINK.search(message.body)
    assert link
    assert "trong vòng 1 giờ" in parse(Client().get(SENT)).get(data_testid="reset-sent").text

    browser = new_password_set(link.group(1))

    assert "Đã đặt mật khẩu mới" in parse(browser.get(LOGIN)).text
    volunteer.refresh_from_db()
    assert volunteer.check_password(NEW) and not volunteer.check_password(PASSWORD)
    for client in (here, elsewhere):
        assert client.get(reverse("home")).status_code == 302  # logged out
    assert not ApiToken.objects.filter(user=volunteer).exists()
    change = volunteer.history.latest()
    assert change.history_user == volunteer and change.history_change_reason == "password reset by e-mail"
    assert logged_in("tnv.binh", NEW).get(reverse("home")).status_code == 200

    used = Client().get(link.group(1))  # a second time
    assert parse(used).find(data_testid="new-password-form") is None
    refusal = parse(used).get(data_testid="reset-link-invalid")
    assert "đã được dùng hoặc đã hết hạn" in refusal.text
    assert RESET in [href for _, href in parse(used).links()]


def test_the_answer_is_the_same_for_an_unknown_address_and_an_inactive_account(make_user, phu_thuong):
    make_user(Role.VOLUNTEER, phu_thuong, email="nghi@example.vn", is_active=False)
    answers = [Client().post(RESET, {"email": email}) for email in ("nghi@example.vn", "ai-do@example.vn")]
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, SENT)}
    assert mail.outbox == []


def test_a_new_password_breaking_the_rules_is_refused_and_the_link_still_works(volunteer):
    browser = Client()
    form_page = browser.get(link_asked("binh@example.vn"))["Location"]
    refused = browser.post(form_page, {"new_password1": "12345678901", "new_password2": "12345678901"})
    assert refused.status_code == 400
    assert "Mật khẩu này hoàn toàn là số." in refused.content.decode()
    assert browser.post(form_page, {"new_password1": NEW, "new_password2": NEW})["Location"] == LOGIN


def test_a_link_past_its_time_is_refused(volunteer):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC), tick=False):
        link = link_asked("binh@example.vn")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 1, tzinfo=datetime.UTC), tick=False):
        expired = Client().get(link)
    assert expired.status_code == 200 and parse(expired).find(data_testid="reset-link-invalid") is not None
    assert Client().get("/accounts/password/reset/MQ/abc-123/").status_code == 200  # made up: the same page
    volunteer.refresh_from_db()
    assert volunteer.check_password(PASSWORD)


def test_a_link_stops_working_when_the_account_is_deactivated(volunteer, make_user, unit):
    link = link_asked("binh@example.vn")
    admin = make_user(Role.SYSTEM_ADMIN, unit("VN", level=0))
    services.user_update(actor=admin, user=volunteer, expected_version=None, is_active=False)
    assert parse(Client().get(link)).find(data_testid="reset-link-invalid") is not None


@override_settings(THROTTLE_RATES=RATES_OFF | {"password_reset": "2/hour"})
def test_requests_past_the_rate_are_refused_per_address_and_per_email_address(volunteer):
    here = Client(REMOTE_ADDR="10.0.0.5")
    assert [here.post(RESET, {"email": "binh@example.vn"}).status_code for _ in range(2)] == [302, 302]
    assert len(mail.outbox) == 2

    refused = here.post(RESET, {"email": "ai-do@example.vn"})  # this address asked twice already
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert "Đã yêu cầu liên kết quá nhiều lần" in parse(refused).get(data_testid="reset-throttled").text
    elsewhere = Client(REMOTE_ADDR="10.0.0.6")
    assert elsewhere.post(RESET, {"email": "binh@example.vn"}).status_code == 429  # this e-mail address did too
    assert elsewhere.post(RESET, {"email": "ai-do@example.vn"}).status_code == 302
    assert len(mail.outbox) == 2


def test_a_reset_does_not_pass_the_second_factor_and_clears_a_change_asked_for(volunteer, make_user, unit):
    services.totp_device_start(actor=volunteer, key=b"0123456789abcdef0123", confirmed=True)
    admin = make_user(Role.SYSTEM_ADMIN, unit("VN", level=0))
    services.user_set_password(actor=admin, user=volunteer, password="Quan-tri-dat-2026")

    new_password_set(link_asked("binh@example.vn"))

    volunteer.refresh_from_db()
    assert not volunteer.password_change_required
    browser = logged_in("tnv.binh", NEW)
    assert browser.session[PENDING_KEY] == "verify"
    assert browser.get(reverse("home"))["Location"].startswith(reverse("second_factor_verify"))
