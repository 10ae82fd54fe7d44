"""Past its rate, a user or an address gets 429 with Retry-After, on the API and on file downloads; the rates are
settings read at each request, and other users and addresses are not held back."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db
OFF = {"user": None, "address": None, "download": None, "login": None, "page": None}


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


@override_settings(THROTTLE_RATES=OFF | {"user": "3/min"})
def test_a_user_past_the_rate_gets_429_with_retry_after_whatever_their_token_or_address(make_user, phu_thuong):
    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    other = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    token = api_token_issue(actor=officer, name="sync").key
    mine = Client(headers={"Authorization": f"Token {token}"})
    assert [mine.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    refused = mine.get("/api/v1/me/", REMOTE_ADDR="10.0.0.9")  # another address, the same user
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "detail" in refused.json()
    browser = Client()
    browser.force_login(officer)
    assert browser.get("/api/v1/me/").status_code == 429  # the same user through their session
    theirs = Client(headers={"Authorization": f"Token {api_token_issue(actor=other, name='sync').key}"})
    assert theirs.get("/api/v1/me/").status_code == 200


@override_settings(THROTTLE_RATES=OFF | {"address": "2/min"})
def test_an_address_past_the_rate_gets_429_logged_in_or_not_and_before_any_token_is_checked(make_user, phu_thuong):
    anonymous = Client(REMOTE_ADDR="10.0.0.7")
    assert [anonymous.get("/api/v1/me/").status_code for _ in range(2)] == [401, 401]
    assert anonymous.get("/api/v1/me/").status_code == 429
    officer = Client(REMOTE_ADDR="10.0.0.7")
    officer.force_login(make_user(Role.COMMUNE_OFFICER, phu_thuong))
    assert officer.get("/api/v1/me/").status_code == 429
    guessing = Client(REMOTE_ADDR="10.0.0.7", headers={"Authorization": "Token 0123456789abcdef"})
    refused = guessing.get("/api/v1/people/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "detail" in refused.json()
    assert Client(REMOTE_ADDR="10.0.0.8").get("/api/v1/me/").status_code == 401  # another address


@override_settings(THROTTLE_RATES=OFF | {"download": "1/min"})
def test_downloads_past_the_rate_get_429_in_vietnamese(client, make_user, phu_thuong):
    client.force_login(make_user(Role.COMMUNE_OFFICER, phu_thuong))
    download = reverse("reports:export_download", args=[999999])
    assert client.get(download).status_code == 404  # counted, though there is no such file
    refused = client.get(download)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Quá nhiều yêu cầu" in refused.content.decode()


def test_with_no_rate_nothing_is_held_back(make_user, phu_thuong):
    key = api_token_issue(actor=make_user(Role.COMMUNE_OFFICER, phu_thuong), name="sync").key
    mine = Client(headers={"Authorization": f"Token {key}"})
    assert {mine.get("/api/v1/me/").status_code for _ in range(20)} == {200}


@override_settings(THROTTLE_RATES=OFF | {"login": "2/min"})
def test_login_attempts_from_one_address_past_the_rate_get_429_whatever_the_user_names(make_user, phu_thuong):
    make_user(Role.COMMUNE_OFFICER, phu_thuong, username="an")
    spraying = Client(REMOTE_ADDR="10.0.0.5")
    login = reverse("login")
    assert spraying.get(login).status_code == 200  # looking at the page is not an attempt
    tried = [spraying.post(login, {"username": name, "password": "Mùa xuân 2026"}) for name in ("an", "binh")]
    assert [answer.status_code for answer in tried] == [200, 200]  # wrong passwords, the form again
    refused = spraying.post(login, {"username": "chi", "password": "Mùa xuân 2026"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Quá nhiều yêu cầu" in refused.content.decode()
    assert spraying.get(login).status_code == 200
    elsewhere = Client(REMOTE_ADDR="10.0.0.6").post(login, {"username": "an", "password": "Mùa xuân 2026"})
    assert elsewhere.status_code == 200


@override_settings(THROTTLE_RATES=OFF | {"page": "3/min"})
def test_a_user_opening_pages_past_the_rate_gets_429_and_others_and_the_api_are_not_held_back(
    client, make_user, phu_thuong
):
    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    client.force_login(officer)
    assert [client.get(reverse("home")).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(reverse("people:list"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Quá nhiều yêu cầu" in refused.content.decode()
    assert client.get("/api/v1/me/").status_code == 200  # the API has its own rate
    other = Client()
    other.force_login(make_user(Role.COMMUNE_OFFICER, phu_thuong))
    assert other.get(reverse("home")).status_code == 200
    assert Client().get(reverse("login")).status_code == 200  # no one logged in: not counted per user
