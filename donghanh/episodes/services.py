"""Writes to legal episodes: validated against the rule in force and the person's other episodes."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.core.dates import check_not_too_early, term_end
from donghanh.core.history import recorded_bulk_create
from donghanh.core.history import recorded_save as _save
from donghanh.core.services import check_fields
from donghanh.core.versions import version_claim
from donghanh.episodes.choices import FACILITY_TYPES, EndReason, EpisodeType
from donghanh.episodes.models import Episode, EpisodeRule
from donghanh.episodes.rules import check_duration, rule_for
from donghanh.people.choices import RosterExit
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord
from donghanh.people.roster import (
    HOLDING_WHEREABOUTS,
    current_period,
    roster_holds,
    roster_keep_clear,
    roster_return,
    roster_settle,
)
from donghanh.people.services import require

ONE_DAY = datetime.timedelta(days=1)
DECISION_FIELDS = {"decision_number", "decision_date", "issuing_body", "facility", "notes"}


def episode_check_conflicts(episode: Episode, others: Iterable[Episode] | None = None) -> None:
    """Refuse an overlap with an episode of the same type or of a type the rules say cannot overlap.

    The person's other episodes are read from the database unless given (`others`, an import's own rows).
    """
    end = episode.actual_end_date or episode.planned_end_date
    if others is None:
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
    episode_validate(episode)


def episode_validate(
    episode: Episode,
    *,
    rule_lookup: Callable[[str, datetime.date, int], EpisodeRule] = rule_for,
    others: Iterable[Episode] | None = None,
) -> None:
    """The checks of a measure before it is saved: dates, facility, the rule in force, the duration, overlaps.

    Sets the rule and a planned end by default. An import passes a remembering `rule_lookup` and the person's other
    measures it already holds (`others`), so that checking thousands of rows reads nothing per row.
    """
    today = timezone.localdate()
    if episode.decision_date and episode.decision_date > today:
        raise ValidationError({"decision_date": _("The decision date is in the future.")})
    if episode.decision_date:
        check_not_too_early(episode.decision_date, "decision_date")
    if episode.actual_end_date:
        if episode.actual_end_date < episode.start_date:
            raise ValidationError({"actual_end_date": _("The end is before the start.")})
        if episode.actual_end_date > today:
            raise ValidationError({"actual_end_date": _("A measure is closed on or after its last day.")})
        if not episode.end_reason:
            raise ValidationError({"end_reason": _("Say why the measure ended.")})
    if episode.episode_type in FACILITY_TYPES | {EpisodeType.METHADONE} and not episode.facility.strip():
        raise ValidationError({"facility": _("Name the facility or clinic.")})
    episode.rule = rule_lookup(episode.episode_type, episode.start_date, episode.person.age_on(episode.start_date))
    if episode.planned_end_date is None and episode.rule.default_months:
        episode.planned_end_date = term_end(episode.start_date, episode.rule.default_months)
    if episode.planned_end_date and episode.planned_end_date < episode.start_date:
        raise ValidationError({"planned_end_date": _("The planned end is before the start.")})
    check_duration(episode.rule, episode.start_date, episode.planned_end_date)
    episode_check_conflicts(episode, others)


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
    _on_roster(actor, person, episode)
    return episode


@transaction.atomic
def episodes_open_many(*, actor: User, episodes: list[Episode]) -> list[Episode]:
    """Record many measures at once for people registered in the same transaction (an import).

    Each has passed `episode_validate` against the person's other new measures; this checks the rights again and
    inserts them with their history. A person just registered is on the roster and kept on by nothing else, so
    nothing of `_on_roster` applies; a measure for someone already registered goes through `episode_open`.
    """
    for unit in {episode.person.unit for episode in episodes}:
        require(actor, Capability.MANAGE_EPISODES, unit)
    for episode in episodes:
        episode.recorded_by = actor
        episode.person_id = episode.person.pk  # the person was saved after the measure was drafted
    return recorded_bulk_create(episodes, actor, person_ids=[episode.person_id for episode in episodes])


# A person who left the roster for these reasons and is under a measure again never really left it.
_REOPENABLE = frozenset({RosterExit.COMPLETED, RosterExit.REMOVED})


def _on_roster(actor: User, person: Person, episode: Episode) -> None:
    """A new measure keeps the person on the roster: back on it if they had left, no longer kept on by hand."""
    if person.died_on is not None and episode.start_date > person.died_on:
        raise ValidationError({"start_date": _("The person died on %(day)s.") % {"day": f"{person.died_on:%d/%m/%Y}"}})
    if current_period(person) is not None:
        roster_keep_clear(actor, person)
        return
    last = person.periods.order_by("-end_date").first()  # all closed: none is current
    reopenable = last is not None and last.end_date is not None and last.end_reason in _REOPENABLE
    if reopenable and last is not None and last.end_date and episode.start_date <= last.end_date + ONE_DAY:
        _reopen(actor, last)  # the measure covers the days after leaving: the person never really left
        return
    roster_return(actor, person, episode.start_date, note=str(episode.get_episode_type_display()))


def _reopen(actor: User, period: ManagementPeriod) -> None:
    period.end_date = None
    period.end_reason = ""
    period.end_decision_number = ""
    period.end_note = ""
    _save(period, actor, reason="a measure covers the days after leaving")


@transaction.atomic
def episode_update(*, actor: User, episode: Episode, expected_version: int | None, **fields: Any) -> Episode:
    """Correct the decision, dates or facility of a measure; validated again as a whole."""
    require(actor, Capability.MANAGE_EPISODES, episode.person.unit)
    version_claim(episode, expected_version)
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
def episode_close(
    *, actor: User, episode: Episode, end_date: datetime.date, end_reason: str, keep_reason: str = ""
) -> Episode:
    """Close a measure. Completing the last thing that keeps the person on the roster takes them off it
    that day, unless `keep_reason` says why they stay (e.g. a new decision is being prepared)."""
    require(actor, Capability.MANAGE_EPISODES, episode.person.unit)
    if episode.actual_end_date:
        raise ValidationError(_("This measure is already closed."))
    if end_reason not in EndReason.values:
        raise ValidationError(
            {
                "end_reason": _("Unknown end reason “%(code)s”; accepted: %(codes)s.")
                % {"code": end_reason, "codes": ", ".join(EndReason.values)}
            }
        )
    Person.objects.select_for_update().filter(pk=episode.person_id).first()
    episode.actual_end_date = end_date
    episode.end_reason = end_reason
    _validate(episode)
    _save(episode, actor)
    if end_reason == EndReason.COMPLETED or keep_reason.strip():
        roster_settle(actor, episode.person, end_date, reason=RosterExit.COMPLETED, keep_reason=keep_reason)
    return episode


def episode_close_outcome(episode: Episode, end_date: datetime.date, end_reason: str) -> datetime.date | None:
    """The day the person would leave the roster if the measure closed so (None: they would stay).

    Worked out by closing it inside a savepoint that is rolled back: the same rules, nothing written.
    """
    if end_reason != EndReason.COMPLETED or episode.actual_end_date is not None:
        return None
    left: datetime.date | None = None
    try:
        with transaction.atomic():
            episode.actual_end_date, episode.end_reason = end_date, end_reason
            Episode.objects.filter(pk=episode.pk).update(actual_end_date=end_date, end_reason=end_reason)
            period = current_period(episode.person)
            if period is not None and not period.kept_on_reason and not roster_holds(episode.person, end_date):
                left = end_date
            transaction.set_rollback(True)
    finally:
        episode.actual_end_date, episode.end_reason = None, ""
    return left


def measures_close_at_death(actor: User, person: Person, day: datetime.date) -> None:
    """Every measure still open closes on the day of death, with reason "died"."""
    for episode in Episode.objects.filter(person=person, actual_end_date__isnull=True):
        if episode.start_date > day:
            raise ValidationError(
                {
                    "died_on": _("“%(measure)s” starts on %(start)s, after the date of death.")
                    % {"measure": episode.get_episode_type_display(), "start": f"{episode.start_date:%d/%m/%Y}"}
                }
            )
        episode.actual_end_date, episode.end_reason = day, EndReason.DIED
        _save(episode, actor, reason="died")


def measures_reopen_after_death_correction(actor: User, person: Person, day: datetime.date) -> None:
    """The death was recorded by mistake: the measures it closed run again."""
    for episode in Episode.objects.filter(person=person, actual_end_date=day, end_reason=EndReason.DIED):
        episode.actual_end_date, episode.end_reason = None, ""
        _save(episode, actor, reason="death corrected")


def measures_settle_after_whereabouts(actor: User, record: WhereaboutsRecord) -> None:
    """Back at residence (or moved away) after the last measure completed: nothing holds the person any more,
    so they leave the roster that day, as when the measure itself completed."""
    person = record.person
    if record.status in HOLDING_WHEREABOUTS or current_period(person) is None:
        return
    measures = Episode.objects.filter(person=person)
    if not measures.exists() or measures.filter(actual_end_date__isnull=True).exists():
        return
    last = measures.order_by("-actual_end_date", "-pk").first()
    if last is not None and last.end_reason == EndReason.COMPLETED and last.actual_end_date is not None:
        roster_settle(actor, person, max(record.since, last.actual_end_date), reason=RosterExit.COMPLETED)
