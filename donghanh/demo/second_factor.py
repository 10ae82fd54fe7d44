"""The demo accounts' second factor: one published key for all of them, so that a newcomer can log in.

Each demo account whose role must log in with a second factor (`settings.MFA_REQUIRED_ROLES`) gets an authenticator
device with `DEMO_TOTP_KEY`. Add the key to any authenticator app, or run `manage.py demo_code` for the current
code. Like the demo password, the key is public: the demo data is never made with the production settings.
"""

from __future__ import annotations

import base64
import time

from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts import services
from donghanh.accounts.models import RoleAssignment, User

# Base32, as authenticator apps take it (20 bytes, the size django-otp gives its own keys).
DEMO_TOTP_KEY = "DONGHANHDEMOTOTPKEYFORLAPTOPSXYZ"


def demo_totp_code(at: float | None = None) -> str:
    """The demo key's code now (or at the Unix time `at`), as the authenticator app shows it."""
    totp = TOTP(base64.b32decode(DEMO_TOTP_KEY))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def demo_second_factors_create(usernames: list[str]) -> list[str]:
    """Enrol each of these accounts whose role requires a second factor and that has none; returns who was."""
    with_device = TOTPDevice.objects.filter(user__username__in=usernames, confirmed=True).values("user_id")
    required = RoleAssignment.objects.filter(role__in=settings.MFA_REQUIRED_ROLES).values("user_id")
    enrolled = []
    for user in (
        User.objects.filter(username__in=usernames, pk__in=required).exclude(pk__in=with_device).order_by("username")
    ):
        services.totp_device_start(actor=user, key=base64.b32decode(DEMO_TOTP_KEY), confirmed=True)
        enrolled.append(user.username)
    return enrolled
