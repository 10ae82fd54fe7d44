"""Which rule governs an episode, and what it allows."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from donghanh.core.dates import term_end
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.models import EpisodeRule


def rules_read_once() -> Callable[[str, datetime.date, int], EpisodeRule]:
    """`rule_for` over the rules read once: for checking thousands of measures (an import) without a query each.

    The rules are a few dozen rows; the answer is the same as `rule_for`'s, which gives the message when no rule
    applies.
    """
    rules = sorted(EpisodeRule.objects.all(), key=lambda rule: rule.effective_from, reverse=True)

    def lookup(episode_type: str, start: datetime.date, age: int) -> EpisodeRule:
        for rule in rules:
            in_force = rule.effective_from <= start and (rule.effective_to is None or rule.effective_to >= start)
            if rule.episode_type == episode_type and in_force and rule.covers_age(age):
                return rule
        return rule_for(episode_type, start, age)

    return lookup


def rule_for(episode_type: str, start: datetime.date, age: int) -> EpisodeRule:
    """The rule in force on `start` for this type and a person of `age`; refused with a message when none is."""
    in_force = EpisodeRule.objects.filter(episode_type=episode_type, effective_from__lte=start).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=start)
    )
    rules = [rule for rule in in_force.order_by("-effective_from") if rule.covers_age(age)]
    if not rules:
        raise ValidationError(
            {
                "start_date": _("No rule allows “%(type)s” for a person aged %(age)s on %(day)s.")
                % {"type": EpisodeType(episode_type).label, "age": age, "day": start.strftime("%d/%m/%Y")}
            }
        )
    return rules[0]


def check_duration(rule: EpisodeRule, start: datetime.date, planned_end: datetime.date | None) -> None:
    """The planned end must fall within the rule's range; the message cites the rule."""
    if rule.min_months is None and rule.max_months is None:
        return
    if planned_end is None:
        raise ValidationError({"planned_end_date": _("Give the planned end of the measure.")})
    earliest = term_end(start, rule.min_months) if rule.min_months else start
    latest = term_end(start, rule.max_months) if rule.max_months else None
    if planned_end < earliest or (latest and planned_end > latest):
        if rule.min_months == rule.max_months:
            span = _("%(months)s months") % {"months": rule.min_months}
        else:
            span = _("%(low)s to %(high)s months") % {"low": rule.min_months, "high": rule.max_months}
        raise ValidationError(
            {
                "planned_end_date": _(
                    "“%(type)s” lasts %(span)s under %(basis)s: the planned end must be between %(earliest)s and "
                    "%(latest)s."
                )
                % {
                    "type": rule.get_episode_type_display(),
                    "span": span,
                    "basis": rule.legal_basis,
                    "earliest": earliest.strftime("%d/%m/%Y"),
                    "latest": latest.strftime("%d/%m/%Y") if latest else "—",
                }
            }
        )
