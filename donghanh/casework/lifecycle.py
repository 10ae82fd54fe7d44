"""What case work closes when a person dies, and reopens when the death was recorded by mistake."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.casework.models import Assignment
from donghanh.core.history import recorded_save as _save
from donghanh.people.models import Person


def _died() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("The person died.")


def assignments_close_at_death(actor: User, person: Person, day: datetime.date) -> None:
    for assignment in Assignment.objects.filter(person=person, end_date__isnull=True):
        assignment.end_date = max(day, assignment.start_date)
        assignment.end_reason = _died()
        _save(assignment, actor, reason="died")


def assignments_reopen_after_death_correction(actor: User, person: Person, day: datetime.date) -> None:
    # The reason is encrypted at rest, so it is compared here rather than in the query.
    ended = Assignment.objects.filter(person=person, end_date__gte=day).exclude(end_reason="")
    for assignment in (a for a in ended if a.end_reason == _died()):
        if Assignment.objects.filter(person=person, end_date__isnull=True).exists():
            break
        assignment.end_date, assignment.end_reason = None, ""
        _save(assignment, actor, reason="death corrected")
