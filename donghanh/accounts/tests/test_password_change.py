"""A user changes their own password with the current one: the rules apply, their other sessions and API tokens end,
this one goes on, and the account's history records it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from donghanh.accounts.models import ApiToken
from donghanh.accounts.roles import Role
from donghanh.accounts.services import api_token_issue
from donghanh.core.tests.pages import parse

pytestmark = pytest.mark.django_db

URL = "/accounts/password/"
NEW = "Mat-khau-moi-2026!"


@pytest.fixture
def volunteer(make_user, phu_thuong):
    return make_user(Role.VOLUNTEER, phu_thuong, username="tnv.binh")


def logged_in(user) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_the_user_menu_leads_to_the_page(volunteer):
    page = parse(logged_in(volunteer).get(reverse("home")).content)
    assert URL in [href for _, href in page.get(data_testid="user-menu").links()]


def test_a_wrong_current_password_is_refused_and_nothing_changes(volunteer):
    client = logged_in(volunteer)
    answer = client.post(URL, {"old_password": "sai-mat-khau", "new_password1": NEW, "new_password2": NEW})
    assert answer.status_code == 400
    assert "Mật khẩu cũ không chính xác" in answer.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.check_password(PASSWORD)


def test_a_new_password_breaking_the_rules_is_refused_on_its_field(volunteer):
    answer = logged_in(volunteer).post(URL, {"old_password": PASSWORD, "new_password1": "12345678901",
                                             "new_password2": "12345678901"})  # fmt: skip
    assert answer.status_code == 400
    errors = re.findall(r'<div class="invalid-feedback d-block">([^<]+)</div>', answer.content.decode())
    assert "Mật khẩu này hoàn toàn là số." in errors, errors  # the rule's own message, not the help text


def test_the_password_changes_this_session_goes_on_and_the_others_end(volunteer):
    here, elsewhere = logged_in(volunteer), logged_in(volunteer)
    api_token_issue(actor=volunteer, name="điện thoại")
    answer = here.post(URL, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert answer.status_code == 302
    assert here.get(reverse("home")).status_code == 200  # still logged in
    assert elsewhere.get(reverse("home")).status_code == 302  # sent to the login page
    assert not ApiToken.objects.filter(user=volunteer).exists()
    volunteer.refresh_from_db()
    assert volunteer.check_password(NEW) and not volunteer.check_password(PASSWORD)
    change = volunteer.history.latest()
    assert change.history_user == volunteer and change.history_change_reason == "password changed"
    assert Client().post(reverse("login"), {"username": volunteer.username, "password": NEW}).status_code == 302
