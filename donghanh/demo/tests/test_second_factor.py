"""The demo accounts' second factor: the published key, the code `demo_code` prints, and a login with both."""

import base64
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.settings import base
from donghanh.demo.second_factor import DEMO_TOTP_KEY, demo_totp_code
from donghanh.demo.world import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_data_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required_roles(settings):
    settings.MFA_REQUIRED_ROLES = list(base.MFA_REQUIRED_ROLES)
    settings.SETTINGS_MODULE = "config.settings.test"  # read by demo_data, and lost under overridden settings


def test_each_demo_account_whose_role_requires_it_has_the_demo_key_once():
    demo_data_create(people=False)
    demo_data_create(people=False)
    for spec in DEMO_ACCOUNTS:
        devices = TOTPDevice.objects.filter(user__username=spec.username, confirmed=True)
        if spec.role in base.MFA_REQUIRED_ROLES:
            [device] = devices
            assert bytes.fromhex(device.key) == base64.b32decode(DEMO_TOTP_KEY)
        else:
            assert not devices.exists(), spec.username


def test_demo_code_prints_the_code_that_logs_a_demo_account_in(client):
    demo_data_create(people=False)
    out = StringIO()
    call_command("demo_code", stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    assert len(code) == 6
    assert code.isdigit()
    assert code in {demo_totp_code(), demo_totp_code(time.time() - 30)}

    client.post(reverse("login"), {"username": "xa.phuthuong", "password": DEMO_PASSWORD})
    response = client.post(reverse("second_factor_verify"), {"code": demo_totp_code(), "next": "/"})

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_demo_volunteer_logs_in_with_the_password_alone(client):
    demo_data_create(people=False)
    client.post(reverse("login"), {"username": "tnv.phuthuong", "password": DEMO_PASSWORD})
    assert client.get(reverse("home")).status_code == 200
