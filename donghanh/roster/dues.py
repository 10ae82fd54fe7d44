"""Post-rehab decision deadlines for many notices at once: the holidays and rules are read once, not per notice.

The same arithmetic as `workdays.deadline` (a test keeps the two equal), for lists and the work list,
which must cost a fixed number of queries whatever the number of notices.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import F, Q
from django.db.models.functions import Coalesce

from donghanh.roster.choices import DeadlineKind
from donghanh.roster.models import DeadlineRule, Holiday, ReleaseNotice
from donghanh.roster.workdays import SLACK_DAYS, working_day_after


def decision_start(notice: ReleaseNotice) -> datetime.date:
    """The day the deadline counts from: the certificate's receipt, else the release, else the expected release."""
    return notice.certificate_received_on or notice.released_on or notice.expected_release_date


def decision_start_expression() -> Coalesce:
    """The day the deadline counts from, in SQL (deadlines come in its order): annotate it as `due_from`."""
    return Coalesce(F("certificate_received_on"), F("released_on"), F("expected_release_date"))


class DecisionCalendar:
    """Working days and post-rehab decision rules between two days, read in two queries."""

    def __init__(self, first: datetime.date, last: datetime.date) -> None:
        rules = DeadlineRule.objects.filter(kind=DeadlineKind.POST_REHAB_DECISION, effective_from__lte=last).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=first)
        )
        self.rules = sorted(rules, key=lambda r: r.effective_from, reverse=True)
        longest = max((r.working_days for r in self.rules), default=0)
        horizon = last + datetime.timedelta(days=longest * 2 + SLACK_DAYS)
        self.closed = set(Holiday.objects.filter(date__gt=first, date__lte=horizon).values_list("date", flat=True))

    def working_days_after(self, start: datetime.date, days: int) -> datetime.date:
        return working_day_after(start, days, self.closed)

    def due(self, start: datetime.date) -> datetime.date | None:
        """The deadline of a step begun on `start`; None when no rule covers that day (before the decree)."""
        for rule in self.rules:
            if rule.effective_from <= start and (rule.effective_to is None or start <= rule.effective_to):
                return self.working_days_after(start, rule.working_days)
        return None


def decision_dues(notices: Iterable[ReleaseNotice]) -> dict[int, datetime.date]:
    """The decision deadline of each notice (by pk), in two queries however many notices; a notice no rule
    covers (dated before the decree) has none and is left out."""
    starts = {notice.pk: decision_start(notice) for notice in notices}
    if not starts:
        return {}
    calendar = DecisionCalendar(min(starts.values()), max(starts.values()))
    dues = {pk: calendar.due(start) for pk, start in starts.items()}
    return {pk: due for pk, due in dues.items() if due is not None}


def overdue_cutoff(today: datetime.date) -> datetime.date:
    """The last start day whose deadline has passed by `today`: a notice counted from it or earlier is overdue.

    Deadlines never move backwards as the start moves forwards, so one day splits overdue from not.
    """
    calendar = DecisionCalendar(today - datetime.timedelta(days=90), today)
    day = today - datetime.timedelta(days=1)
    while (due := calendar.due(day)) is not None and due >= today:
        day -= datetime.timedelta(days=1)
    return day
