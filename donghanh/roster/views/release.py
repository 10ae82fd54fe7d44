"""Pages of the path out of a facility (notice, release, post-rehab decision) and of possible relapses."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
