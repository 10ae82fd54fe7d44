"""Data-subject requests (Law 91/2025/QH15): a person asks to see, correct, restrict, object to or delete what is
held about them. The commune officer records the request, acknowledges it within
`PRIVACY_ACKNOWLEDGE_WORKING_DAYS` working days and answers it within the working days its kind allows
(`PRIVACY_ANSWER_WORKING_DAYS`); both deadlines are counted from the day of receipt, skipping weekends and the
public holidays of the roster's table, and stand on the work list until met.

Services (`request_record`, `request_acknowledge`, `request_answer`) and the reads of the pages, the API and the
work list (`requests_for_user`, `requests_open`, `requests_overdue`). Only roles holding
`HANDLE_DATA_REQUESTS` see or act on requests, for the people of their scope.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.core.dates import check_not_too_early
from donghanh.core.history import recorded_save as _save
from donghanh.people.models import Person
from donghanh.people.services import require
from donghanh.privacy.choices import RequestChannel, Requester, RequestKind, RequestOutcome
from donghanh.privacy.models import DataSubjectRequest
from donghanh.roster.workdays import add_working_days

# Outcomes that hold back something asked for: the answer must give the legal reason.
REASONED_OUTCOMES = frozenset({RequestOutcome.REFUSED, RequestOutcome.PARTLY})


def request_deadlines(kind: str, received_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(acknowledge by, answer by) for a request of `kind` received on `received_on`, in working days."""
    acknowledge_by = add_working_days(received_on, settings.PRIVACY_ACKNOWLEDGE_WORKING_DAYS)
    answer_by = add_working_days(received_on, settings.PRIVACY_ANSWER_WORKING_DAYS[kind])
    return acknowledge_by, answer_by


def _check_day(day: datetime.date, field: str, *, not_before: datetime.date | None = None) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    check_not_too_early(day, field)
    if not_before is not None and day < not_before:
        raise ValidationError(
            {
                field: _("The date cannot be before the request was received (%(day)s).")
                % {"day": f"{not_before:%d/%m/%Y}"}
            }
        )


@transaction.atomic
def request_record(
    *,
    actor: User,
    person: Person,
    kind: str,
    received_on: datetime.date,
    channel: str,
    requester: str = Requester.PERSON,
    requester_name: str = "",
    details: str = "",
) -> DataSubjectRequest:
    """A request received from the person (or their guardian or representative), with its two deadlines."""
    require(actor, Capability.HANDLE_DATA_REQUESTS, person.unit)
    if person.merged_into_id is not None:
        raise ValidationError(_("This record was merged into another one: record the request there."))
    errors: dict[str, str] = {}
    if kind not in RequestKind.values:
        errors["kind"] = _("Choose what is requested.")
    if channel not in RequestChannel.values:
        errors["channel"] = _("Choose how the request was received.")
    if requester not in Requester.values:
        errors["requester"] = _("Choose who made the request.")
    elif requester != Requester.PERSON and not requester_name.strip():
        errors["requester_name"] = _("Give the name of the guardian or representative who made the request.")
    if errors:
        raise ValidationError(errors)
    _check_day(received_on, "received_on")
    acknowledge_by, answer_by = request_deadlines(kind, received_on)
    data_request = DataSubjectRequest(
        person=person,
        kind=kind,
        received_on=received_on,
        channel=channel,
        requester=requester,
        requester_name=requester_name.strip() if requester != Requester.PERSON else "",
        details=details.strip(),
        acknowledge_by=acknowledge_by,
        answer_by=answer_by,
        recorded_by=actor,
    )
    _save(data_request, actor)
    return data_request


def _lock(data_request: DataSubjectRequest) -> DataSubjectRequest:
    """The row as it is now, locked for the transaction: two officers acting at once act one after the other."""
    rows = DataSubjectRequest.objects.select_for_update().select_related("person__unit")
    current: DataSubjectRequest = rows.get(pk=data_request.pk)
    return current


@transaction.atomic
def request_acknowledge(
    *, actor: User, data_request: DataSubjectRequest, on: datetime.date | None = None
) -> DataSubjectRequest:
    """The person was told their request was received (on `on`, today by default)."""
    require(actor, Capability.HANDLE_DATA_REQUESTS, data_request.person.unit)
    current = _lock(data_request)
    if current.acknowledged_on is not None:
        raise ValidationError(
            _("The request was already acknowledged on %(day)s.") % {"day": f"{current.acknowledged_on:%d/%m/%Y}"}
        )
    on = on or timezone.localdate()
    _check_day(on, "on", not_before=current.received_on)
    current.acknowledged_on = on
    _save(current, actor)
    data_request.acknowledged_on = current.acknowledged_on
    return current


@transaction.atomic
def request_answer(
    *,
    actor: User,
    data_request: DataSubjectRequest,
    outcome: str,
    answer: str = "",
    on: datetime.date | None = None,
) -> DataSubjectRequest:
    """The answer given to the person: granted, partly granted or refused, a refusal with its legal reason.

    An answer not preceded by an acknowledgement acknowledges the request on the same day."""
    require(actor, Capability.HANDLE_DATA_REQUESTS, data_request.person.unit)
    current = _lock(data_request)
    if current.answered_on is not None:
        raise ValidationError(
            _("The request was already answered on %(day)s.") % {"day": f"{current.answered_on:%d/%m/%Y}"}
        )
    if outcome not in RequestOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome: granted, partly granted or refused.")})
    answer = answer.strip()
    if outcome in REASONED_OUTCOMES and not answer:
        raise ValidationError({"answer": _("Give the legal reason for what is refused.")})
    on = on or timezone.localdate()
    _check_day(on, "on", not_before=current.received_on)
    if current.acknowledged_on is not None and on < current.acknowledged_on:
        raise ValidationError(
            {
                "on": _("The answer cannot be dated before the acknowledgement (%(day)s).")
                % {"day": f"{current.acknowledged_on:%d/%m/%Y}"}
            }
        )
    current.acknowledged_on = current.acknowledged_on or on
    current.answered_on, current.outcome, current.answer = on, outcome, answer
    _save(current, actor)
    for name in ("acknowledged_on", "answered_on", "outcome", "answer"):
        setattr(data_request, name, getattr(current, name))
    return current


# --- reads ---------------------------------------------------------------------------------------


def requests_for_user(user: Any) -> QuerySet[DataSubjectRequest]:
    """The requests about people in the user's scope, for roles that handle them; newest first."""
    return (
        DataSubjectRequest.objects.accessible_to(user, Capability.HANDLE_DATA_REQUESTS)
        .select_related("person__unit", "recorded_by")
        .order_by("-received_on", "-pk")
    )


def requests_open(user: Any) -> QuerySet[DataSubjectRequest]:
    """Requests not answered yet, the nearest deadline first."""
    return requests_for_user(user).filter(answered_on__isnull=True).order_by("answer_by", "received_on", "pk")


def overdue_on(today: datetime.date) -> Q:
    """Open and past a deadline on `today`: not acknowledged after its day, or not answered after its day."""
    return Q(answered_on__isnull=True) & (
        Q(answer_by__lt=today) | Q(acknowledged_on__isnull=True, acknowledge_by__lt=today)
    )


def requests_overdue(user: Any, today: datetime.date) -> QuerySet[DataSubjectRequest]:
    return requests_open(user).filter(overdue_on(today))


def request_is_overdue(data_request: DataSubjectRequest, today: datetime.date) -> bool:
    if data_request.answered_on is not None:
        return False
    if data_request.answer_by < today:
        return True
    return data_request.acknowledged_on is None and data_request.acknowledge_by < today


def request_state(data_request: DataSubjectRequest) -> str:
    """received (to acknowledge), acknowledged (to answer) or answered."""
    if data_request.answered_on is not None:
        return "answered"
    return "acknowledged" if data_request.acknowledged_on is not None else "received"
