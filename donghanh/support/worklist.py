"""What support puts on the work list: referrals still without an answer (a person who died has none due)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from donghanh.casework.choices import NotificationKind
from donghanh.casework.worklist import WorkItem
from donghanh.support.selectors import referrals_overdue


def referrals_overdue_items(user: Any, today: datetime.date) -> list[WorkItem]:
    """Referrals the user sent more than `SUPPORT_REFERRAL_ANSWER_DAYS` days ago and still only sent."""
    return [
        WorkItem(
            kind=NotificationKind.REFERRAL_OVERDUE,
            subject=r.person.full_name,
            url=reverse("support:person", args=[r.person_id]) + f"#referral-{r.pk}",
            due_date=r.sent_on + datetime.timedelta(days=settings.SUPPORT_REFERRAL_ANSWER_DAYS),
            key=f"referral:{r.pk}",
            person_id=r.person_id,
            detail=str(r.partner),
        )
        for r in referrals_overdue(user, today).filter(person__died_on__isnull=True)
    ]
