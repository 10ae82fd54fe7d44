"""Writes to legal episodes: validated against the rule in force and the person's other episodes."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.core.dates import term_end
from donghanh.core.history import recorded_save as _save
from donghanh.core.services import check_fields
from donghanh.episodes.choices import FACILITY_TYPES, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.rules import check_duration, rule_for
from donghanh.people.models import Person
from donghanh.people.services import require

DECISION_FIELDS = {"decision_number", "decision_date", "issuing_body", "facility", "notes"}


def episode_check_conflicts(episode: Episode) -> None:
    """Refuse an overlap with an episode of the same type or of a type the rules say cannot overlap."""
    end = episode.actual_end_date or episode.planned_end_date
    others = Episode.objects.filter(person_id=episode.person_id).exclude(pk=episode.pk).select_related("rule")
    for other in others:
        other_end = other.actual_end_date  # an open episode runs until it is closed
        overlaps = (end is None or other.start_date <= end) and (other_end is None or episode.start_date <= other_end)
        if not overlaps:
            continue
        conflicting = (
            other.episode_type == episode.episode_type
            or other.episode_type in episode.rule.conflicts_with
            or episode.episode_type in other.rule.conflicts_with
        )
        if conflicting:
            until = other_end.strftime("%d/%m/%Y") if other_end else _("not closed")
            raise ValidationError(
                {
                    "start_date": _(
                        "It overlaps “%(other)s” (from %(start)s, %(until)s), which cannot run at the same time "
                        "(%(basis)s). Close that measure first."
                    )
                    % {
                        "other": other.get_episode_type_display(),
                        "start": other.start_date.strftime("%d/%m/%Y"),
                        "until": until,
                        "basis": episode.rule.legal_basis,
                    }
                }
            )


def _validate(episode: Episode) -> None:
    today = timezone.localdate()
    if episode.decision_date and episode.decision_date > today:
        raise ValidationError({"decision_date": _("The decision date is in the future.")})
    if episode.actual_end_date:
        if episode.actual_end_date < episode.start_date:
            raise ValidationError({"actual_end_date": _("The end is before the start.")})
        if episode.actual_end_date > today:
            raise ValidationError({"actual_end_date": _("A measure is closed on or after its last day.")})
        if not episode.end_reason:
            raise ValidationError({"end_reason": _("Say why the measure ended.")})
    if episode.episode_type in FACILITY_TYPES | {EpisodeType.METHADONE} and not episode.facility.strip():
        raise ValidationError({"facility": _("Name the facility or clinic.")})
    episode.rule = rule_for(episode.episode_type, episode.start_date, episode.person.age_on(episode.start_date))
    if episode.planned_end_date is None and episode.rule.default_months:
        episode.planned_end_date = term_end(episode.start_date, episode.rule.default_months)
    if episode.planned_end_date and episode.planned_end_date < episode.start_date:
        raise ValidationError({"planned_end_date": _("The planned end is before the start.")})
    check_duration(episode.rule, episode.start_date, episode.planned_end_date)
    episode_check_conflicts(episode)


@transaction.atomic
def episode_open(
    *,
    actor: User,
    person: Person,
    episode_type: str,
    start_date: datetime.date,
    planned_end_date: datetime.date | None = None,
    **fields: Any,
) -> Episode:
    """Record a measure; its planned end defaults to the usual duration of the rule in force."""
    require(actor, Capability.MANAGE_EPISODES, person.unit)
    check_fields(fields, DECISION_FIELDS)
    if episode_type not in EpisodeType.values:
        raise ValidationError({"episode_type": _("Unknown type of measure.")})
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one writer per person at a time
    episode = Episode(
        person=person,
        episode_type=episode_type,
        start_date=start_date,
        planned_end_date=planned_end_date,
        recorded_by=actor,
        **fields,
    )
    _validate(episode)
    _save(episode, actor)
    return episode


@transaction.atomic
def episode_update(*, actor: User, episode: Episode, **fields: Any) -> Episode:
    """Correct the decision, dates or facility of a measure; validated again as a whole."""
    require(actor, Capability.MANAGE_EPISODES, episode.person.unit)
    editable = DECISION_FIELDS | {"start_date", "planned_end_date"}
    unknown = set(fields) - editable
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(episode, name, value)
    _validate(episode)
    _save(episode, actor)
    return episode


@transaction.atomic
def episode_close(*, actor: User, episode: Episode, end_date: datetime.date, end_reason: str) -> Episode:
    require(actor, Capability.MANAGE_EPISODES, episode.person.unit)
    if episode.actual_end_date:
        raise ValidationError(_("This measure is already closed."))
    episode.actual_end_date = end_date
    episode.end_reason = end_reason
    _validate(episode)
    _save(episode, actor)
    return episode
