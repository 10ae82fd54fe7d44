"""Reads of the access log, scoped to the auditor's subtree."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import Concat, ExtractHour, ExtractIsoWeekDay, TruncHour
from django.utils import timezone

from donghanh.audit.models import AccessLogEntry

# The last day of a week of work (ISO: Monday is 1): Monday to Saturday.
LAST_WORKING_WEEKDAY = 6
ACCESS_REVIEW_DAYS = 30


def access_log_for_user(user: Any) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.accessible_to(user).select_related("content_type", "unit")


@dataclass(frozen=True)
class AccessReview:
    """What the access review flags in a user's scope between two days (both included, local time).

    `busy_hours`: one row per user name and clock hour (`username`, `hour`, `records`) in which more distinct
    sensitive records than `ACCESS_REVIEW_RECORDS_PER_HOUR` were viewed, latest first. `after_hours`: the entries
    made outside `ACCESS_REVIEW_WORKING_HOURS` or on a Sunday. `exports`: every export. All three are querysets:
    the database groups and filters, nothing is read before a page of them is.
    """

    since: date
    until: date
    busy_hours: QuerySet[Any, Any]  # rows of username, hour, records
    after_hours: QuerySet[AccessLogEntry]
    exports: QuerySet[AccessLogEntry]


def access_review_for_user(user: Any, *, since: date | None = None, until: date | None = None) -> AccessReview:
    until = until or timezone.localdate()
    since = since or until - timedelta(days=ACCESS_REVIEW_DAYS - 1)
    local = timezone.get_current_timezone()
    # Bounds on the indexed time itself, not on its date, so the database reads the range from the index.
    start = datetime.combine(since, time.min, tzinfo=local)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=local)
    entries = access_log_for_user(user).filter(at__gte=start, at__lt=end)
    record = Concat("content_type_id", Value(":"), "object_id", output_field=CharField())
    busy_hours = (
        entries.filter(action=AccessLogEntry.Action.VIEW)
        .annotate(hour=TruncHour("at", tzinfo=local))
        .values("username", "hour")
        .annotate(records=Count(record, distinct=True))
        .filter(records__gt=settings.ACCESS_REVIEW_RECORDS_PER_HOUR)
        .order_by("-hour", "username")
    )
    first_hour, last_hour = settings.ACCESS_REVIEW_WORKING_HOURS
    after_hours = (
        entries.annotate(local_hour=ExtractHour("at", tzinfo=local), weekday=ExtractIsoWeekDay("at", tzinfo=local))
        .filter(Q(local_hour__lt=first_hour) | Q(local_hour__gte=last_hour) | Q(weekday__gt=LAST_WORKING_WEEKDAY))
        .order_by("-at", "-pk")
    )
    exports = entries.filter(action=AccessLogEntry.Action.EXPORT).order_by("-at", "-pk")
    return AccessReview(since=since, until=until, busy_hours=busy_hours, after_hours=after_hours, exports=exports)
