"""Holds a login session at its second step (see `donghanh.accounts.second_factor`), and a user whose password an
administrator set until they change it."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from donghanh.accounts.second_factor import ENROL, pending_step

# What a session may reach before its second step: logging in and out, the step itself, and what every page needs.
REACHABLE = frozenset({"login", "logout", "second_factor_verify", "second_factor_enrol", "healthz", "set_language"})
# What a user whose password an administrator set may reach before changing it: the change itself, their second
# factor's pages, and the pages of a forgotten password.
PASSWORD_CHANGE_REACHABLE = REACHABLE | frozenset(
    {
        "password_change",
        "second_factor",
        "second_factor_codes",
        "password_reset",
        "password_reset_sent",
        "password_reset_confirm",
    }
)
API_PREFIX = "/api/"
# The API's token authentication (django-rest-knox) reads this header prefix; a request that carries one is
# authenticated by its token, whatever session cookie comes with it, and tokens are made only in verified sessions.
TOKEN_PREFIX = "Token "


class SecondFactorMiddleware:
    """After `django_otp.middleware.OTPMiddleware`: while a session's second step is pending, a page answers a
    redirect to that step and the API (authenticated by the session) a 403 with a message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = pending_step(request)
        if step is None or _reachable(request, REACHABLE):
            return self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            if request.headers.get("Authorization", "").startswith(TOKEN_PREFIX):
                return self.get_response(request)
            return JsonResponse(
                {"detail": _("Finish logging in first: enter the code of your second factor on the website.")},
                status=403,
            )
        name = "second_factor_enrol" if step == ENROL else "second_factor_verify"
        return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


class PasswordChangeMiddleware:
    """After `SecondFactorMiddleware`: while the user's password is one an administrator set
    (`User.password_change_required`), a page answers a redirect to the change of password, and the API
    (authenticated by the session) a 403 with a message. A program with an API token goes on: it has no page to
    show, and the user's tokens ended when the administrator set the password."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not getattr(user, "password_change_required", False):
            return self.get_response(request)
        if _reachable(request, PASSWORD_CHANGE_REACHABLE):
            return self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            if request.headers.get("Authorization", "").startswith(TOKEN_PREFIX):
                return self.get_response(request)
            return JsonResponse(
                {"detail": _("An administrator set your password: change it on the website first.")}, status=403
            )
        return HttpResponseRedirect(f"{reverse('password_change')}?{urlencode({'next': request.get_full_path()})}")


def _reachable(request: HttpRequest, names: frozenset[str]) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in names
