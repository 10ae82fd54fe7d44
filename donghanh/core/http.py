"""What a view reads of the HTTP request beyond Django's own: the client's address behind our proxies."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry written by the trusted proxies.

    With TRUSTED_PROXY_COUNT = n, the n right-most X-Forwarded-For entries were added by our
    own proxies; the one before them is the client. Entries further left are client-supplied
    and never trusted.
    """
    proxies: int = settings.TRUSTED_PROXY_COUNT
    forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    return remote
