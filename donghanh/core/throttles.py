"""How often a user, or an address, may call the API, open pages, try to log in and download files: past the rate,
429 with `Retry-After`.

DRF's `SimpleRateThrottle` counts the requests in the cache (`CACHES["default"]`: each process's own memory unless
a shared cache is configured, so with N web processes a client gets up to N times the rate). The rates are read at
each request from `THROTTLE_RATES` ({"user": "1200/min", …}; None turns one off), not frozen when DRF is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

from donghanh.core.http import client_ip


class RateThrottle(SimpleRateThrottle):
    """A throttle whose rate is `THROTTLE_RATES[scope]`."""

    def get_rate(self) -> str | None:
        rates: dict[str, str | None] = settings.THROTTLE_RATES
        return rates.get(self.scope or "")

    def allow_request(self, request: Any, view: Any) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class UserThrottle(RateThrottle):
    """Requests of one logged-in user, whatever their address or token."""

    scope = "user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class AddressThrottle(RateThrottle):
    """Requests from one address (behind the trusted proxies: `core.http.client_ip`), logged in or not: counted by
    `ApiAddressMiddleware` before the API authenticates anyone, so that guessing tokens is held back too."""

    scope = "address"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


class LoginThrottle(AddressThrottle):
    """Login attempts (a password or a second-factor code sent) from one address, whatever the user names: django-axes
    locks one user name at one address after a few failures; this holds back trying many names from one place."""

    scope = "login"


class PageThrottle(UserThrottle):
    """Pages and their fragments opened by one logged-in user: far above what a person clicks, it holds back a
    script reading the registry page by page with a stolen session."""

    scope = "page"


class DownloadThrottle(UserThrottle):
    """Files downloaded by one user (the report files)."""

    scope = "download"


def throttled(request: HttpRequest, *throttles: RateThrottle) -> HttpResponse | None:
    """Outside DRF's views: a 429 answer with `Retry-After` when one of `throttles` refuses, else None (JSON with a
    `detail` on the API, as DRF answers, text elsewhere)."""
    for throttle in throttles:
        if not throttle.allow_request(request, None):
            wait = max(1, round(throttle.wait() or 1))
            message = _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": wait}
            response: HttpResponse
            if request.path.startswith("/api/"):
                response = JsonResponse({"detail": message}, status=429)
            else:
                response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(wait)
            return response
    return None


# The pages where a password or a code is sent, counted by address (`LoginThrottle`).
LOGIN_PAGES = ("login", "second_factor_verify")


class ApiAddressMiddleware:
    """Every API request counts against its address (`AddressThrottle`) before anything else is done with it, and so
    does every login attempt (`LoginThrottle`: a POST to the login or second-factor page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.login_paths: frozenset[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = None
        if request.path.startswith("/api/"):
            refused = throttled(request, AddressThrottle())
        elif request.method == "POST" and request.path in self._login_paths():
            refused = throttled(request, LoginThrottle())
        return refused or self.get_response(request)

    def _login_paths(self) -> frozenset[str]:
        if self.login_paths is None:
            self.login_paths = frozenset(reverse(name) for name in LOGIN_PAGES)
        return self.login_paths


class PageRateMiddleware:
    """Every page a logged-in user opens (not the API, which DRF counts, nor static files) counts against the user
    (`PageThrottle`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            refused = throttled(request, PageThrottle())
            if refused is not None:
                return refused
        return self.get_response(request)
