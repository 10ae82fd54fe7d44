"""Logging in: a Vietnamese error for a wrong password, and a lock-out after five failures."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.COMMUNE_OFFICER, unit("00091"), username="xa.phuthuong")


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_is_vietnamese_by_default(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = parse(response)
    assert page.get("html").attrs["lang"] == "vi"
    assert page.find(data_testid="login-form") is not None


def test_wrong_password_shows_the_form_with_a_vietnamese_message(client, officer):
    response = client.post(LOGIN, {"username": "xa.phuthuong", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in parse(response).get(data_testid="login-error").text
    # The user name stays typed in.
    assert parse(response).get("input", name="username").attrs["value"] == "xa.phuthuong"
    assert not logged_in(client)


def test_right_password_logs_in_and_goes_home(client, officer):
    response = client.post(LOGIN, {"username": "xa.phuthuong", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_user_names_are_case_sensitive(client, officer):
    client.post(LOGIN, {"username": "XA.PHUTHUONG", "password": PASSWORD})
    assert not logged_in(client)


def test_five_failures_lock_the_account_even_for_the_right_password(client, officer):
    for _ in range(4):
        response = client.post(LOGIN, {"username": "xa.phuthuong", "password": "sai-mat-khau"})
        assert parse(response).find(data_testid="login-error") is not None
    client.post(LOGIN, {"username": "xa.phuthuong", "password": "sai-mat-khau"})  # the fifth

    response = client.post(LOGIN, {"username": "xa.phuthuong", "password": PASSWORD})

    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert parse(response).find(data_testid="locked-out") is not None
    assert response.status_code in {403, 429}
    assert not logged_in(client)


def test_the_lock_is_per_user_name(client, officer, make_user, unit):
    make_user(Role.VOLUNTEER, unit("00091"), username="tnv.phuthuong")
    for _ in range(5):
        client.post(LOGIN, {"username": "xa.phuthuong", "password": "sai-mat-khau"})
    response = client.post(LOGIN, {"username": "tnv.phuthuong", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in(client)


def test_a_success_before_the_limit_resets_the_count(client, officer):
    for _ in range(4):
        client.post(LOGIN, {"username": "xa.phuthuong", "password": "sai-mat-khau"})
    client.post(LOGIN, {"username": "xa.phuthuong", "password": PASSWORD})
    client.post(reverse("logout"))
    for _ in range(4):
        client.post(LOGIN, {"username": "xa.phuthuong", "password": "sai-mat-khau"})
    response = client.post(LOGIN, {"username": "xa.phuthuong", "password": PASSWORD})
    assert response.status_code == 302


def test_logout_needs_post_and_ends_the_session(client, officer):
    client.force_login(officer)
    assert client.get(reverse("logout")).status_code == 405
    assert logged_in(client)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not logged_in(client)


def test_a_logged_in_user_is_sent_away_from_the_login_page(client, officer):
    client.force_login(officer)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
