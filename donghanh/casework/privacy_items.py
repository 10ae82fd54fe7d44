"""What data-subject requests put on the work list of those who handle them: "acknowledge by" while a request is
not acknowledged, "answer by" while it is not answered, each late once its day has passed.

One query whatever the number of requests. Registered from `CaseworkConfig.ready()` (privacy sits below case
work and cannot name the work list's items).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from donghanh.casework.choices import NotificationKind
from donghanh.casework.worklist import WorkItem
from donghanh.privacy.requests import requests_open


def data_request_items(user: Any, today: datetime.date) -> list[WorkItem]:
    items = []
    for data_request in requests_open(user).filter(person__merged_into__isnull=True):
        url = reverse("privacy:request_detail", args=[data_request.pk])
        what = data_request.get_kind_display()
        if data_request.acknowledged_on is None:
            items.append(
                WorkItem(
                    kind=NotificationKind.DATA_REQUEST_ACKNOWLEDGE,
                    subject=data_request.person.full_name,
                    url=url,
                    due_date=data_request.acknowledge_by,
                    key=f"data_request_ack:{data_request.pk}",
                    person_id=data_request.person_id,
                    detail=_("%(request)s — acknowledge by %(day)s")
                    % {"request": what, "day": f"{data_request.acknowledge_by:%d/%m/%Y}"},
                    late=data_request.acknowledge_by < today,
                )
            )
        items.append(
            WorkItem(
                kind=NotificationKind.DATA_REQUEST_ANSWER,
                subject=data_request.person.full_name,
                url=url,
                due_date=data_request.answer_by,
                key=f"data_request_answer:{data_request.pk}",
                person_id=data_request.person_id,
                detail=_("%(request)s — answer by %(day)s")
                % {"request": what, "day": f"{data_request.answer_by:%d/%m/%Y}"},
                late=data_request.answer_by < today,
            )
        )
    return items
