"""Two-factor authentication: who must add a second factor, and where a login session stands.

A second factor is a TOTP device (an authenticator app; `django_otp.plugins.otp_totp`) with ten recovery codes
(`django_otp.plugins.otp_static`). Holders of the roles in `settings.MFA_REQUIRED_ROLES` must add one; anyone else
may. Logging in is two steps: the password (`LoginView`, with django-axes), then, for a user with a confirmed
device, a code (`second_factor_verify`); a user whose role requires a factor and who has none enrols right after
the password (`second_factor_enrol`). Until that step is done the session is *pending*: `login_recorded` writes the
step into the session when the user logs in, and `SecondFactorMiddleware` lets the session reach nothing but the
login, logout, enrolment and verification pages (and the static files, health check and language switch).

The step is decided once, at login, so an ordinary request costs no query for it.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts.models import User
from donghanh.accounts.scope import scope_for

# The session key holding the step a session still has to pass, and its values.
PENDING_KEY = "second_factor_pending"
VERIFY = "verify"
ENROL = "enrol"

RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"\d{6}")
# One answer for a wrong code, a used one and one refused while the device is throttled: it tells nothing more.
WRONG_CODE = _(
    "The code is wrong, already used or expired. After several wrong codes, wait a moment before trying again."
)


def second_factor_required(user: User) -> bool:
    """The user holds a role that must have a second factor (`settings.MFA_REQUIRED_ROLES`); a superuser acts as
    system administrator."""
    required = set(settings.MFA_REQUIRED_ROLES)
    return bool(required) and any(grant.role in required for grant in scope_for(user).grants)


def totp_device_of(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def has_second_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def device_for_code(user: User, code: str) -> Device | None:
    """The device a typed code is meant for: six digits are the app's code, anything else a recovery code."""
    if TOTP_CODE.fullmatch(code):
        return totp_device_of(user)
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def code_normalise(code: str) -> str:
    """A code as typed (spaces, dashes, capitals) in the form the devices store."""
    return re.sub(r"[\s-]", "", code).lower()


def login_step(user: User) -> str | None:
    """The step a user has left after the password: a code, the enrolment, or none."""
    if has_second_factor(user):
        return VERIFY
    if second_factor_required(user):
        return ENROL
    return None


def login_recorded(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """On `user_logged_in`: write the step still to pass into the new session (connected in `AccountsConfig`).

    Every login goes through here (the login page, and a test client's `force_login`), so no session of a user
    who must give a code starts verified.
    """
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    step = login_step(user)
    if step:
        request.session[PENDING_KEY] = step
    else:
        request.session.pop(PENDING_KEY, None)


def pending_step(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    return session.get(PENDING_KEY) if session is not None else None


def session_verified(request: HttpRequest, device: Device) -> None:
    """The session has passed its second step with `device`: it is verified, under a new session key."""
    otp_login(request, device)
    request.session.pop(PENDING_KEY, None)
    request.session.cycle_key()
