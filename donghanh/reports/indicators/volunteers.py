"""Volunteers active on the period's last day, and the communes with a volunteer team.

Both count on their team's or commune's unit; neither lists people behind its figures.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, FilteredRelation, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from donghanh.casework.models import VolunteerTeam
from donghanh.casework.selectors import volunteers_active_on
from donghanh.orgunits.models import OrgUnit
from donghanh.reports.frames import Frame
from donghanh.reports.indicators.base import Context, Family, Indicator, Kind, Needs, Section


def _volunteer_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    """Volunteers active on the day, each joined to the assignments active that day (as `assignments_active_on`
    reads them): a join, not a lookup per volunteer, so that the country's volunteers meet their assignments in
    one pass; a volunteer with several comes out once per assignment, and is counted once."""
    day = ctx.day
    active = Q(assignments__start_date__lte=day) & (
        Q(assignments__end_date__isnull=True) | Q(assignments__end_date__gte=day)
    )
    rows: QuerySet[Any] = (
        volunteers_active_on(day)
        .annotate(_assignment=FilteredRelation("assignments", condition=active))
        .annotate(helping=ExpressionWrapper(Q(_assignment__isnull=False), output_field=BooleanField()))
    )
    return rows


def _commune_rows(frame: Frame, ctx: Context, needs: Needs = None) -> QuerySet[Any]:
    day = ctx.day
    teams = VolunteerTeam.objects.filter(unit=OuterRef("pk")).filter(
        Q(established_on__isnull=True) | Q(established_on__lte=day)
    )
    rows: QuerySet[Any] = (
        OrgUnit.objects.filter(level=OrgUnit.Level.COMMUNE)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .annotate(has_team=Exists(teams))
    )
    return rows


VOLUNTEERS = Family(
    "volunteers", _volunteer_rows, path="team__unit__path", subject="pk", person=None,
    indicators=(
        Indicator(
            "volunteers.active", _("Volunteers active"),
            _("Volunteers of the units' teams active on the period's last day."),
            "volunteers", Section.VOLUNTEERS, unit=_("volunteers"), stock=True, key=True, drill=False, position=210,
        ),
        Indicator(
            "volunteers.helping", _("Volunteers helping at least one person"),
            _("Of the volunteers active on the period's last day, those assigned at least one person that day."),
            "volunteers", Section.VOLUNTEERS, Kind.SHARE, unit=_("volunteers"), where=lambda ctx: Q(helping=True),
            denominator="volunteers.active", stock=True, key=True, drill=False, position=220,
        ),
    ),
)  # fmt: skip

COMMUNES = Family(
    "communes", _commune_rows, path="path", subject="pk", person=None,
    indicators=(
        Indicator(
            "communes.total", _("Communes"),
            _("Commune-level units existing on the period's last day."),
            "communes", Section.VOLUNTEERS, unit=_("communes"), stock=True, drill=False, position=250,
        ),
        Indicator(
            "communes.with_team", _("Communes with a volunteer team"),
            _("Of the communes, those with a volunteer team established by the period's last day."),
            "communes", Section.VOLUNTEERS, Kind.SHARE, unit=_("communes"), where=lambda ctx: Q(has_team=True),
            denominator="communes.total", stock=True, drill=False, position=260,
        ),
    ),
)  # fmt: skip
