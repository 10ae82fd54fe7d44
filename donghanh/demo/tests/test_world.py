"""The demo_data command: idempotent, and it never resets a changed password."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from config.settings import base
from donghanh.accounts.models import RoleAssignment, User
from donghanh.demo.second_factor import DEMO_TOTP_KEY
from donghanh.demo.world import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_data_create

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mat-khau-rieng-2026"


def run() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def test_demo_data_twice_creates_each_account_once_and_keeps_a_changed_password(settings):
    settings.MFA_REQUIRED_ROLES = list(base.MFA_REQUIRED_ROLES)  # as on a laptop: the test settings require none
    settings.SETTINGS_MODULE = "config.settings.test"  # read by demo_data, and lost under overridden settings
    first = run()
    usernames = [a.username for a in DEMO_ACCOUNTS]
    assert all(name in first for name in usernames)
    # It says how the accounts whose role requires a second factor get their code, and which they are.
    assert DEMO_TOTP_KEY in first
    assert "manage.py demo_code" in first
    lines = first.splitlines()
    assert "+ code" in next(line for line in lines if line.strip().startswith("xa.phuthuong"))
    assert "+ code" not in next(line for line in lines if line.strip().startswith("tnv.phuthuong"))
    assert User.objects.filter(username__in=usernames).count() == len(usernames)
    assert RoleAssignment.objects.filter(user__username__in=usernames).count() == len(usernames)
    admin = User.objects.get(username="quantri")
    assert admin.check_password(DEMO_PASSWORD)
    admin.set_password(NEW_PASSWORD)
    admin.save()

    run()

    assert User.objects.filter(username__in=usernames).count() == len(usernames)
    assert RoleAssignment.objects.filter(user__username__in=usernames).count() == len(usernames)
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)


def test_each_demo_account_holds_its_role_at_its_unit():
    demo_data_create(people=False)
    for spec in DEMO_ACCOUNTS:
        [assignment] = RoleAssignment.objects.filter(user__username=spec.username).select_related("unit")
        assert (assignment.role, assignment.unit.code, assignment.unit.level) == (
            spec.role,
            spec.code,
            spec.level,
        )
        assert assignment.unit.era == "2025"


def test_demo_accounts_can_log_in(client):
    demo_data_create(people=False)
    response = client.post(reverse("login"), {"username": "xa.phuthuong", "password": DEMO_PASSWORD})
    assert response.status_code == 302


@override_settings(SETTINGS_MODULE="config.settings.production")
def test_demo_data_refuses_production_settings():
    with pytest.raises(CommandError):
        call_command("demo_data", stdout=StringIO())
    assert not User.objects.filter(username="quantri").exists()
