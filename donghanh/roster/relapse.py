"""Possible relapses during post-rehab or drug-user management: raised by a positive test, an assessment
that reports use, or a police report; an officer confirms one (choosing the follow-up) or dismisses it."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.core.dates import check_not_too_early, month_end
from donghanh.core.history import recorded_save as _save
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.selectors import episodes_active_on
from donghanh.people.models import DrugTest, Person
from donghanh.people.services import require
from donghanh.roster.choices import RelapseFollowUp, RelapseSource, RelapseState
from donghanh.roster.models import RelapseSignal

# The measures during which reported use is a possible relapse.
WATCHED_TYPES = (EpisodeType.POST_REHAB_MANAGEMENT, EpisodeType.DRUG_USER_MANAGEMENT)


def under_watch(person: Person, first: datetime.date, last: datetime.date | None = None) -> bool:
    """Under post-rehab or drug-user management at some day from `first` to `last`."""
    last = last or first
    return (
        episodes_active_on(first).filter(person=person, episode_type__in=WATCHED_TYPES).exists()
        or person.episodes.filter(episode_type__in=WATCHED_TYPES, start_date__range=(first, last)).exists()
    )


def relapse_from_test(actor: User, test: DrugTest) -> None:
    """A positive test during management raises a possible relapse (once per test)."""
    if not test.is_positive or not under_watch(test.person, test.date):
        return
    if RelapseSignal.objects.filter(drug_test=test).exists():
        return
    _save(
        RelapseSignal(
            person=test.person, date=test.date, source=RelapseSource.DRUG_TEST, drug_test=test, recorded_by=actor
        ),
        actor,
    )


def relapse_from_assessment(actor: User, assessment: Any) -> None:
    """A monthly assessment reporting use (suspected or confirmed) during management raises a possible relapse."""
    if assessment.drug_use not in ("suspected", "confirmed"):
        return
    if not under_watch(assessment.person, assessment.month, month_end(assessment.month)):
        return
    if RelapseSignal.objects.filter(assessment=assessment).exists():
        return
    _save(
        RelapseSignal(
            person=assessment.person,
            date=min(assessment.assessed_on or month_end(assessment.month), month_end(assessment.month)),
            source=RelapseSource.ASSESSMENT,
            assessment=assessment,
            note=str(assessment.get_drug_use_display()),
            recorded_by=actor,
        ),
        actor,
    )


@transaction.atomic
def relapse_report(*, actor: User, person: Person, date: datetime.date, note: str) -> RelapseSignal:
    """The police report use by a person under management."""
    require(actor, Capability.RECORD_DRUG_USE, person.unit)
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date is in the future.")})
    check_not_too_early(date, "date")
    if not note.strip():
        raise ValidationError({"note": _("Say what was reported.")})
    if not under_watch(person, date):
        raise ValidationError({"date": _("The person was not under post-rehab or drug-user management on that day.")})
    signal = RelapseSignal(
        person=person, date=date, source=RelapseSource.POLICE_REPORT, note=note.strip()[:300], recorded_by=actor
    )
    _save(signal, actor)
    return signal


@transaction.atomic
def relapse_resolve(
    *,
    actor: User,
    signal: RelapseSignal,
    state: str,
    follow_up: str = "",
    note: str = "",
    on: datetime.date | None = None,
) -> RelapseSignal:
    """Confirm the relapse with its follow-up (determination, voluntary rehab, compulsory proposal), or dismiss it."""
    require(actor, Capability.MANAGE_EPISODES, signal.person.unit)
    if signal.state != RelapseState.OPEN:
        raise ValidationError(_("This possible relapse was already decided."))
    on = on or timezone.localdate()
    if on > timezone.localdate() or on < signal.date:
        raise ValidationError({"on": _("The decision is dated between the report and today.")})
    if state == RelapseState.CONFIRMED:
        if follow_up not in RelapseFollowUp.values:
            raise ValidationError(
                {"follow_up": _("Choose the follow-up: %(codes)s.") % {"codes": ", ".join(RelapseFollowUp.values)}}
            )
    elif state == RelapseState.DISMISSED:
        follow_up = ""
    else:
        raise ValidationError({"state": _("Answer “confirmed” or “dismissed”.")})
    signal.state, signal.follow_up, signal.resolved_on = state, follow_up, on
    signal.resolution_note = note.strip()[:300]
    _save(signal, actor)
    return signal
