"""The request type our views receive: behind a declaration the user is logged in, and htmx is detected."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from donghanh.accounts.models import User


class AppRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
