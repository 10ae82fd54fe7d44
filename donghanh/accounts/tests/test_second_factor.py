"""Two-factor authentication: enrolment, the second step of logging in, recovery codes, the pending session, the
administrator's reset, and the list of roles that must have a second factor."""

from __future__ import annotations

import base64
import datetime
import os
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.settings import base
from conftest import PASSWORD
from donghanh.accounts import services
from donghanh.accounts.permissions import MATRIX, SENSITIVE_CAPABILITIES, Capability
from donghanh.accounts.roles import Role
from donghanh.accounts.scope import narrowed_roles
from donghanh.accounts.second_factor import PENDING_KEY
from donghanh.core.tests.pages import parse

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HOME = reverse("home")
VERIFY = reverse("second_factor_verify")
ENROL = reverse("second_factor_enrol")
OWN_PAGE = reverse("second_factor")
WRONG_CODE_VI = "Mã không đúng, đã dùng hoặc đã hết hạn. Nếu đã nhập sai nhiều lần, hãy chờ một lát rồi thử lại."
API_REFUSAL_VI = "Hãy đăng nhập xong trước: nhập mã xác thực hai lớp trên trang web."


@pytest.fixture(autouse=True)
def required_roles(settings: Any) -> None:
    """The production list of roles that must have a second factor (the test settings have none)."""
    settings.MFA_REQUIRED_ROLES = list(base.MFA_REQUIRED_ROLES)


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.COMMUNE_OFFICER, unit("00091"), username="xa.phuthuong")


@pytest.fixture
def volunteer(make_user, unit):
    return make_user(Role.VOLUNTEER, unit("00091"), username="tnv.phuthuong")


@pytest.fixture
def admin(make_user, unit):
    return make_user(Role.SYSTEM_ADMIN, unit("VN", level=0), username="quantri")


def code_of(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """The user with a confirmed authenticator device (through the service) and ten recovery codes (made here, so
    that no code of the app is used up before the test's)."""
    device = services.totp_device_start(actor=user, key=os.urandom(20), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(10)]
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return device, codes


def log_in_with_password(client, user) -> Any:
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD})


def log_in_verified(client, user) -> None:
    """Both steps, for a user who has an authenticator device (one is given if not)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrolled(user)[0]
    log_in_with_password(client, user)
    assert client.post(VERIFY, {"code": code_of(device), "next": "/"}).status_code == 302


def test_the_required_roles_are_those_holding_a_sensitive_capability_or_the_registry_unnarrowed():
    sensitive = {role for capability in SENSITIVE_CAPABILITIES for role in MATRIX[capability]}
    # Being in the registry is itself sensitive: a role that reads it whole in its units (not narrowed to the
    # people it follows, as volunteers and board members are) must have a second factor too.
    registry = {role for role in MATRIX[Capability.VIEW_PEOPLE] if role not in narrowed_roles()}
    assert set(base.MFA_REQUIRED_ROLES) == {str(role) for role in sensitive | registry}
    assert Role.NATIONAL_MANAGER in base.MFA_REQUIRED_ROLES
    # What the issue names: drug use, health, tests, and managing users.
    for capability in (Capability.VIEW_DRUG_USE, Capability.VIEW_HEALTH, Capability.MANAGE_USERS):
        assert capability in SENSITIVE_CAPABILITIES
        assert MATRIX[capability] <= set(base.MFA_REQUIRED_ROLES)
    assert Role.VOLUNTEER not in base.MFA_REQUIRED_ROLES


def test_a_required_role_enrols_right_after_the_password_and_then_is_verified(client, officer):
    response = log_in_with_password(client, officer)
    assert response.status_code == 302
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=%2F"

    response = client.get(response["Location"])
    assert response.status_code == 200
    page = parse(response)
    assert page.find(data_testid="second-factor-required") is not None
    assert page.get(data_testid="second-factor-qr").attrs["src"].startswith("data:image/svg+xml")
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    shown = page.get(data_testid="second-factor-secret").text.replace(" ", "")
    assert base64.b32decode(shown) == device.bin_key  # the key typed by hand is the device's

    response = client.post(ENROL, {"code": code_of(device), "next": "/"})

    assert response.status_code == 200
    codes = [li.text for li in parse(response).get(data_testid="recovery-codes").find_all("li")]
    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    device.refresh_from_db()
    assert device.confirmed
    assert PENDING_KEY not in client.session
    assert client.get(HOME).status_code == 200
    assert officer.history.latest("history_date").history_change_reason == "second factor turned on"


def test_a_wrong_code_does_not_enrol(client, officer):
    log_in_with_password(client, officer)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "000000"})
    assert response.status_code == 400
    assert WRONG_CODE_VI in parse(response).get(data_testid="second-factor-error").text
    assert not TOTPDevice.objects.get(user=officer).confirmed
    assert client.get(HOME).status_code == 302


def test_login_with_a_code_from_the_app(client, officer):
    device, _codes = enrolled(officer)
    response = log_in_with_password(client, officer)
    assert response["Location"] == HOME
    response = client.get(HOME)
    assert response["Location"] == f"{VERIFY}?next=%2F"
    assert parse(client.get(response["Location"])).find(data_testid="second-factor-form") is not None

    response = client.post(VERIFY, {"code": code_of(device), "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get(HOME).status_code == 200
    assert client.get(reverse("api-me")).status_code == 200


def test_login_with_a_recovery_code_works_once(client, officer):
    _device, codes = enrolled(officer)
    log_in_with_password(client, officer)
    response = client.post(VERIFY, {"code": codes[3].upper(), "next": "/"})  # typed in capitals: still the code
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    assert StaticToken.objects.filter(device__user=officer).count() == 9

    client.post(reverse("logout"))
    log_in_with_password(client, officer)
    response = client.post(VERIFY, {"code": codes[3], "next": "/"})

    assert response.status_code == 400
    assert WRONG_CODE_VI in parse(response).get(data_testid="second-factor-error").text
    assert client.get(HOME).status_code == 302


def test_a_wrong_code_is_refused_with_the_message_and_the_device_is_throttled(client, officer):
    device, _codes = enrolled(officer)
    start = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(start, tick=False):
        log_in_with_password(client, officer)
        response = client.post(VERIFY, {"code": "123456", "next": "/"})
        assert response.status_code == 400
        assert WRONG_CODE_VI in parse(response).get(data_testid="second-factor-error").text
        assert client.get(HOME)["Location"].startswith(VERIFY)
        # Right after a wrong code even the right one is refused, with the same words.
        response = client.post(VERIFY, {"code": code_of(device, start.timestamp()), "next": "/"})
        assert response.status_code == 400
        assert WRONG_CODE_VI in parse(response).get(data_testid="second-factor-error").text
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    later = start + datetime.timedelta(seconds=2)
    with time_machine.travel(later, tick=False):
        response = client.post(VERIFY, {"code": code_of(device, later.timestamp()), "next": "/"})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


def test_an_empty_code_is_refused_with_a_message(client, officer):
    enrolled(officer)
    log_in_with_password(client, officer)
    response = client.post(VERIFY, {"code": "", "next": "/"})
    assert response.status_code == 400
    assert "Nhập mã 6 chữ số" in parse(response).get(data_testid="second-factor-error").text


def test_a_required_role_without_a_device_reaches_nothing_until_enrolled(client, officer):
    client.force_login(officer)  # a login like any other: the session still has its second step
    for path in (HOME, reverse("people:list"), OWN_PAGE, reverse("api_token")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{ENROL}?next=")
    response = client.get(reverse("api-me"))
    assert response.status_code == 403
    assert response.json() == {"detail": API_REFUSAL_VI}
    assert client.get("/api/v1/people/").status_code == 403
    # What stays reachable: the steps themselves, the health check, the language switch, logging out.
    page = parse(client.get(ENROL))
    assert page.find(data_testid="second-factor-form") is not None
    assert page.find(data_testid="user-menu") is None  # no menu whose every entry leads back here
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "vi", "next": "/"}).status_code == 302
    response = client.post(reverse("logout"))
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_an_api_request_with_a_token_is_left_to_the_token_authentication(client, officer):
    client.force_login(officer)  # a pending session's cookie comes along
    response = client.get(reverse("api-me"), HTTP_AUTHORIZATION="Token not-a-key-of-anyone")
    assert response.status_code == 401  # the token's answer, not the pending session's
    response = client.get(reverse("api-me"), HTTP_AUTHORIZATION="Bearer not-a-token-header")
    assert response.status_code == 403  # a header the token authentication ignores: the session is used, and held
    assert response.json() == {"detail": API_REFUSAL_VI}


def test_a_superuser_without_a_role_must_enrol_as_a_system_administrator(client, make_user):
    root = make_user(username="root", is_superuser=True)
    log_in_with_password(client, root)
    assert client.get(HOME)["Location"].startswith(ENROL)


def test_a_user_with_a_device_cannot_enrol_another_before_the_code(client, officer):
    enrolled(officer)
    log_in_with_password(client, officer)
    response = client.get(ENROL)
    assert response.status_code == 302  # to the own page, which sends the session to the code
    assert client.get(response["Location"])["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_a_role_not_required_logs_in_without_a_second_factor(client, volunteer):
    response = log_in_with_password(client, volunteer)
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert client.get(reverse("api-me")).status_code == 200
    page = parse(client.get(OWN_PAGE))
    assert "Tắt" in page.get(data_testid="second-factor-status").text


def test_a_role_not_required_may_turn_it_on_and_off_with_a_current_code(client, volunteer):
    client.force_login(volunteer)
    response = client.get(f"{ENROL}?next={OWN_PAGE}")
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=volunteer)
    response = client.post(ENROL, {"code": code_of(device), "next": OWN_PAGE})
    assert response.status_code == 200
    codes = [li.text for li in parse(response).get(data_testid="recovery-codes").find_all("li")]
    assert parse(response).get(data_testid="recovery-codes-done").attrs["href"] == OWN_PAGE
    page = parse(client.get(OWN_PAGE))
    assert page.find(data_testid="second-factor-off") is not None

    response = client.post(reverse("second_factor_off"), {"code": ""})  # no code: nothing changes
    assert response.status_code == 400
    assert "Nhập mã 6 chữ số" in parse(response).get(data_testid="second-factor-error").text
    assert TOTPDevice.objects.filter(user=volunteer, confirmed=True).exists()

    response = client.post(reverse("second_factor_off"), {"code": codes[0]})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=volunteer).exists()
    assert not StaticDevice.objects.filter(user=volunteer).exists()
    assert volunteer.history.latest("history_date").history_change_reason == "second factor turned off"
    log_in_with_password(client, volunteer)
    assert client.get(HOME).status_code == 200


def test_a_required_role_cannot_turn_it_off(client, officer):
    _device, codes = enrolled(officer)
    log_in_verified(client, officer)
    assert parse(client.get(OWN_PAGE)).find(data_testid="second-factor-off") is None
    response = client.post(reverse("second_factor_off"), {"code": codes[0]})
    assert response.status_code == 400
    assert "không thể tắt" in parse(response).get(data_testid="second-factor-change-error").text
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert StaticToken.objects.filter(device__user=officer, token=codes[0]).exists()  # not used up


def test_new_recovery_codes_for_a_current_code_replace_the_old_ones(client, officer):
    _device, old = enrolled(officer)
    log_in_verified(client, officer)
    response = client.post(reverse("second_factor_codes"), {"code": "nhamma12"})
    assert response.status_code == 400
    assert WRONG_CODE_VI in parse(response).get(data_testid="second-factor-error").text
    assert set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)) == set(old)

    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=2)):
        response = client.post(reverse("second_factor_codes"), {"code": old[1]})

    new = [li.text for li in parse(response).get(data_testid="recovery-codes").find_all("li")]
    assert len(new) == 10
    assert not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)) == set(new)


def test_an_administrator_resets_a_second_factor(client, admin, officer):
    officer_client = type(client)()
    log_in_verified(officer_client, officer)
    assert officer_client.get(HOME).status_code == 200
    log_in_verified(client, admin)
    detail = reverse("accounts:detail", args=[officer.pk])
    assert parse(client.get(detail)).find(data_testid="second-factor-reset") is not None

    response = client.post(reverse("accounts:second_factor_reset", args=[officer.pk]))

    assert response.status_code == 302
    assert response["Location"] == detail
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(officer.pk)]
    assert officer_client.get(HOME)["Location"].startswith(LOGIN)
    record = officer.history.latest("history_date")
    assert (record.history_change_reason, record.history_user) == ("second factor reset", admin)
    assert "Quản trị viên đặt lại lớp xác thực thứ hai" in client.get(detail).content.decode()
    # At the next login the officer enrols again.
    log_in_with_password(officer_client, officer)
    assert officer_client.get(HOME)["Location"].startswith(ENROL)


def test_the_reset_needs_post(client, admin, officer):
    enrolled(officer)
    log_in_verified(client, admin)
    assert client.get(reverse("accounts:second_factor_reset", args=[officer.pk])).status_code == 405
    assert TOTPDevice.objects.filter(user=officer).exists()


def test_a_commune_officer_of_another_unit_cannot_reset(client, officer, make_user, unit):
    enrolled(officer)
    other = make_user(Role.COMMUNE_OFFICER, unit("20242"), username="xa.haichau")
    client.force_login(other)
    session = client.session
    session.pop(PENDING_KEY, None)  # as if enrolled and verified: the refusal is the capability's
    session.save()
    response = client.post(reverse("accounts:second_factor_reset", args=[officer.pk]))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    with pytest.raises(PermissionDenied):
        services.user_second_factor_reset(actor=other, user=officer)
