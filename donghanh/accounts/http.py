"""The request type our views receive: behind a declaration the user is logged in, and htmx is detected; and where
a step of logging in goes next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from donghanh.accounts.models import User


class AppRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def safe_next_url(request: HttpRequest) -> str:
    """Where to go once a step is done (a second factor, a password to change): the page asked for (`next`), if it
    is on this site, else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("home")
