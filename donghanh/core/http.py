"""What a view reads of the HTTP request beyond Django's own (the client's address behind our proxies), and what
every answer says about being kept (`NoStoreMiddleware`), and the requests refused before any view reads them
(`NulRefusedMiddleware`); a file sent as a download (`attachment`)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to download as `filename`, kept by no browser or proxy (files hold people's records)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


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


class NoStoreMiddleware:
    """Every answer the site makes (pages, fragments, the API, files) is kept by no browser or proxy: they show
    people's records, and a shared computer's back button or a proxy's cache must not show them again. An answer
    that says how it may be kept already keeps its own header; static files are served before this (WhiteNoise)
    and keep theirs, to be cached for a year."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    sent = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sent.append(request.POST)
    return any(
        "\x00" in key or any("\x00" in value for value in values) for data in sent for key, values in data.lists()
    )


class NulRefusedMiddleware:
    """A NUL character has no place in anything a person types, and PostgreSQL cannot store one in text: a request
    with one in its path, its query string or its form is refused with 400 and a message, before any view reads
    it. (The API's JSON bodies are checked field by field by its serializers.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _has_nul(request):
            return self.get_response(request)
        message = gettext("The request contains a NUL character (\\0), which no field accepts.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return render(request, "400.html", {"message": message}, status=400)
