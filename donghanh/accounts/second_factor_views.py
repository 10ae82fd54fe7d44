"""Two-factor authentication pages: the second step of logging in, enrolment, the user's own page, and the
administrator's reset (see `donghanh.accounts.second_factor`)."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts import services
from donghanh.accounts.access import login_only, scoped
from donghanh.accounts.forms import SecondFactorCodeForm
from donghanh.accounts.http import AppRequest, safe_next_url
from donghanh.accounts.permissions import Capability
from donghanh.accounts.second_factor import (
    ENROL,
    VERIFY,
    WRONG_CODE,
    has_second_factor,
    pending_step,
    recovery_codes_left,
    second_factor_required,
    session_verified,
)
from donghanh.accounts.selectors import users_for_user
from donghanh.core.forms import apply_service_errors


def _secret_groups(device: TOTPDevice) -> str:
    """The device's key in base32, in groups of four, for typing into an app that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _codes_page(request: AppRequest, codes: list[str], next_url: str) -> HttpResponse:
    return render(request, "accounts/second_factor_codes.html", {"codes": codes, "next": next_url})


@login_only
def second_factor_verify(request: AppRequest) -> HttpResponse:
    """The second step of logging in: a code from the app, or a recovery code."""
    next_url = safe_next_url(request)
    if pending_step(request) != VERIFY:
        return redirect(next_url)
    form = SecondFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            device = services.second_factor_verify(actor=request.user, code=form.cleaned_data["code"])
            if device is not None:
                session_verified(request, device)
                return redirect(next_url)
            form.add_error("code", WRONG_CODE)
        status = 400
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": next_url}, status=status)


@login_only
def second_factor_enrol(request: AppRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), confirm with a code, note the recovery codes."""
    next_url = safe_next_url(request)
    if has_second_factor(request.user):
        return redirect("second_factor")
    device = services.totp_device_start(actor=request.user)
    form = SecondFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                codes = services.totp_device_confirm(actor=request.user, device=device, code=form.cleaned_data["code"])
            except ValidationError as error:
                form.add_error("code", error.message_dict["code"])
            else:
                session_verified(request, device)
                messages.success(request, _("Two-factor authentication is on."))
                return _codes_page(request, codes, next_url)
        status = 400
    context = {
        "form": form,
        "next": next_url,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": _secret_groups(device),
        "required": pending_step(request) == ENROL,
    }
    return render(request, "accounts/second_factor_enrol.html", context, status=status)


def _own_page(request: AppRequest, form: SecondFactorCodeForm | None = None, status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {
        "on": has_second_factor(request.user),
        "required": second_factor_required(request.user),
        "codes_left": recovery_codes_left(request.user),
        "form": form or SecondFactorCodeForm(),
    }
    return render(request, "accounts/second_factor.html", context, status=status)


@login_only
def second_factor(request: AppRequest) -> HttpResponse:
    """The user's own page: whether their second factor is on, and what they can do with it."""
    return _own_page(request)


@login_only
@require_POST
def second_factor_codes(request: AppRequest) -> HttpResponse:
    """New recovery codes, shown once, for a current code; the old ones stop working."""
    form = SecondFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            codes = services.recovery_codes_regenerate(actor=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _codes_page(request, codes, reverse("second_factor"))
    return _own_page(request, form, status=400)


@login_only
@require_POST
def second_factor_off(request: AppRequest) -> HttpResponse:
    """Turn the second factor off, for a current code, where the user's role does not require it."""
    form = SecondFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            services.second_factor_turn_off(actor=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("second_factor")
    return _own_page(request, form, status=400)


@require_POST
@scoped(Capability.MANAGE_USERS)
def user_second_factor_reset(request: AppRequest, pk: int) -> HttpResponse:
    """An administrator removes a user's second factor (a lost phone); the user logs in and enrols again."""
    account = get_object_or_404(users_for_user(request.user), pk=pk)
    services.user_second_factor_reset(actor=request.user, user=account)
    messages.success(request, _("The second factor of %(name)s was removed; their sessions ended.") % {"name": account})
    return redirect("accounts:detail", pk=account.pk)
