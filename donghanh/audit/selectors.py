"""Reads of the access log, scoped to the auditor's subtree."""

from typing import Any

from django.db.models import QuerySet

from donghanh.audit.models import AccessLogEntry


def access_log_for_user(user: Any) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.accessible_to(user).select_related("content_type", "unit")
