"""The roster: who a commune is managing on a day, and how a person leaves it and comes back.

A person is on a commune's roster while something keeps them there. The registry knows one
reason itself (whereabouts that keep a person followed: in a facility, detained, unknown) and
an officer's decision to keep them on; the apps above register the others
(`roster_holder_register`: an open legal measure, waiting for a post-rehab decision). When the
last reason ends, `roster_settle` ends the period on that day; `roster_return` starts a new one.
History is never rewritten: leaving and coming back are dated periods with who and why.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.accounts.permissions import Capability
from donghanh.core.dates import check_not_too_early
from donghanh.core.history import recorded_save as _save
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import RosterEntry, RosterExit, Whereabouts
from donghanh.people.extensions import roster_holders
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord
from donghanh.people.services import require

# Whereabouts that keep a person on the roster: the commune must keep following them.
HOLDING_WHEREABOUTS = frozenset({Whereabouts.IN_FACILITY, Whereabouts.DETAINED, Whereabouts.UNKNOWN})


def _whereabouts_hold(person: Person, day: datetime.date) -> str:
    latest = WhereaboutsRecord.objects.filter(person=person, since__lte=day).order_by("-since", "-pk").first()
    if latest is not None and latest.status in HOLDING_WHEREABOUTS:
        return str(latest.get_status_display())
    return ""


def current_period(person: Person) -> ManagementPeriod | None:
    return person.periods.filter(end_date__isnull=True).order_by("-start_date").first()


def roster_holds(person: Person, day: datetime.date) -> list[str]:
    """What keeps the person on the roster after `day`, in words (empty: nothing does)."""
    period = current_period(person)
    reasons = [hold for hold in [_whereabouts_hold(person, day)] if hold]
    reasons += [hold for holds in roster_holders() if (hold := holds(person, day))]
    if period is not None and period.kept_on_reason:
        reasons.append(_("kept on by an officer: %(reason)s") % {"reason": period.kept_on_reason})
    return reasons


def _require(actor: User, unit: OrgUnit) -> None:
    require(actor, Capability.MANAGE_PEOPLE, unit)


def period_end(
    actor: User, period: ManagementPeriod, day: datetime.date, reason: str, **details: str
) -> ManagementPeriod:
    if day < period.start_date:
        raise ValidationError(
            {
                "on": _("The person joined this roster on %(start)s; they cannot leave it before.")
                % {"start": period.start_date.strftime("%d/%m/%Y")}
            }
        )
    period.end_date = day
    period.end_reason = reason
    period.end_decision_number = details.get("decision_number", "")
    period.end_note = details.get("note", "")
    _save(period, actor, reason=f"left the roster: {reason}")
    return period


def roster_settle(
    actor: User, person: Person, day: datetime.date, *, reason: str = RosterExit.COMPLETED, keep_reason: str = ""
) -> ManagementPeriod | None:
    """After something that kept the person on the roster ended on `day`: leave it that day if nothing else holds.

    `keep_reason` keeps them on anyway (an officer's decision, e.g. a new measure is being prepared).
    Returns the period ended, or None when the person stays.
    """
    period = current_period(person)
    if period is None:
        return None
    if keep_reason.strip():
        period.kept_on_reason = keep_reason.strip()[:300]
        _save(period, actor, reason="kept on the roster")
        return None
    if roster_holds(person, day):
        return None
    return period_end(actor, period, day, reason)


@transaction.atomic
def roster_leave(
    *, actor: User, person: Person, on: datetime.date, reason: str, decision_number: str = "", note: str = ""
) -> ManagementPeriod:
    """An officer takes the person off the roster: moved abroad, or removed by a decision (number and why)."""
    _require(actor, person.unit)
    if reason not in (RosterExit.MOVED_ABROAD, RosterExit.REMOVED):
        raise ValidationError({"reason": _("Choose “moved abroad” or “removed by an officer's decision”.")})
    if reason == RosterExit.REMOVED:
        missing = {}
        if not decision_number.strip():
            missing["decision_number"] = _("A removal needs the decision number and the reason.")
        if not note.strip():
            missing["note"] = _("Say why the person is removed from the roster.")
        if missing:
            raise ValidationError(missing)
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date is in the future.")})
    check_not_too_early(on, "on")
    Person.objects.select_for_update().filter(pk=person.pk).first()
    period = current_period(person)
    if period is None:
        raise ValidationError(_("The person is not on a roster."))
    return period_end(actor, period, on, reason, decision_number=decision_number.strip(), note=note.strip())


def roster_return(
    actor: User, person: Person, on: datetime.date, *, note: str = "", unit: OrgUnit | None = None
) -> ManagementPeriod:
    """Start a new period on the roster (a new measure, a relapse, detected again); the past ones stay."""
    if person.died_on is not None:
        raise ValidationError(_("The person has died."))
    if current_period(person) is not None:
        raise ValidationError(_("The person is already on the roster."))
    last = person.periods.order_by("-end_date").first()
    if last is not None and last.end_date is not None and on <= last.end_date:
        raise ValidationError(
            {
                "on": _("The person was on the roster until %(end)s; they come back after that day.")
                % {"end": last.end_date.strftime("%d/%m/%Y")}
            }
        )
    unit = unit or person.unit
    period = ManagementPeriod(person=person, unit=unit, start_date=on, reason=RosterEntry.RETURNED, start_note=note)
    _save(period, actor, reason="back on the roster")
    if person.unit_id != unit.pk:
        person.unit = unit
        _save(person, actor, reason="back on the roster")
    return period


@transaction.atomic
def roster_rejoin(*, actor: User, person: Person, on: datetime.date, note: str) -> ManagementPeriod:
    """An officer puts a person back on the roster (detected again, relapse) with the reason."""
    _require(actor, person.unit)
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date is in the future.")})
    check_not_too_early(on, "on")
    if not note.strip():
        raise ValidationError({"note": _("Say why the person is back on the roster.")})
    Person.objects.select_for_update().filter(pk=person.pk).first()
    return roster_return(actor, person, on, note=note.strip())


def roster_keep_clear(actor: User, person: Person) -> None:
    """A new reason holds the person: the officer's keeping-on is no longer needed."""
    period = current_period(person)
    if period is not None and period.kept_on_reason:
        period.kept_on_reason = ""
        _save(period, actor, reason="held by a measure again")
