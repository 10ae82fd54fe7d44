"""The roster, volunteer, community and support families against the plain statements they replace, on one world.

The families read a report's records from the units of its frame and join them where they can: the periods on the
roster of its communes lead to their people's services and referrals, a model's latest status change is a row of
its own, a roster period meets its person's releases and relapses, a volunteer their assignments. The plain
statements look every record of the country up one by one (the commune that managed the person on the record's
date, the model's status on the day, a release during the period). Both must give the same figures for every unit
and period, breakdown included, on a world with the cases the plain statements settle by their order: a service
or a referral on the day of a move, periods that overlap (the one that began last counts, the one recorded last of
two that began the same day), a service on no roster, two status changes of a model on one day (the later
recorded counts), a member who joins after the period's first sessions, a volunteer helping two people, a
province's own model, a release, a relapse and a death, and periods before the reform (the legacy units' frames).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.conf import settings
from django.db.models import Count, DateField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from donghanh.casework.models import Contact, MonthlyAssessment
from donghanh.casework.selectors import assignments_active_on, volunteers_active_on
from donghanh.community.choices import OPERATING_STATUSES, ModelStatus
from donghanh.community.models import Attendance, CommunityModel, Membership, Session, StatusChange
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import RosterEntry, RosterExit
from donghanh.people.models import ManagementPeriod
from donghanh.reports.engine import _family_by_child, _family_totals
from donghanh.reports.frames import Frame, frame_for
from donghanh.reports.indicators import FAMILIES, Context, Family, context_for
from donghanh.reports.indicators.roster import overdue_receipts, waiting_on
from donghanh.reports.indicators.support import CLOSED_REFERRALS
from donghanh.reports.tests.conftest import LAST, POST, TODAY, USER, D, period
from donghanh.roster.choices import RelapseState
from donghanh.roster.models import RelapseSignal, ReleaseNotice
from donghanh.support.choices import ReferralStatus
from donghanh.support.models import Referral, ServiceRecord

pytestmark = pytest.mark.django_db

UNITS = (
    ("01", OrgUnit.Level.PROVINCE),
    *((code, OrgUnit.Level.COMMUNE) for code in ("00091", "00004", "00008", "20242")),
)
PERIODS = ("2025Q3", "2025-08", "2025-09", "2025", "2025Q2", "2024")


# --- the plain statements -----------------------------------------------------------------------------------------


def _unit_path_on(day: str) -> Subquery:
    managing = (
        ManagementPeriod.objects.filter(person=OuterRef("person_id"), start_date__lte=OuterRef(day))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef(day)))
        .order_by("-start_date", "-pk")
        .values("unit__path")[:1]
    )
    return Subquery(managing)


def _services(frame: Frame, ctx: Context, needs: Any = None) -> QuerySet[Any]:
    rows = ServiceRecord.objects.filter(start_date__range=(ctx.period.first, ctx.period.last))
    return rows.annotate(unit_path_at=_unit_path_on("start_date"), category=F("service_type__category"))


def _referrals(frame: Frame, ctx: Context, needs: Any = None) -> QuerySet[Any]:
    rows = Referral.objects.filter(status__in=CLOSED_REFERRALS, status_on__range=(ctx.period.first, ctx.period.last))
    return rows.annotate(unit_path_at=_unit_path_on("status_on"))


def _during(field: str, ctx: Context) -> Q:
    until = Coalesce(OuterRef("end_date"), ctx.period.last, output_field=DateField())
    return Q(**{f"{field}__range": (ctx.period.first, ctx.period.last), f"{field}__gte": OuterRef("start_date")}) & Q(
        **{f"{field}__lte": until}
    )


def _roster(frame: Frame, ctx: Context, needs: Any = None) -> QuerySet[Any]:
    """Every period on the roster that overlaps the period, each tested by a lookup of its person's records."""
    first, last = ctx.period.first, ctx.period.last
    waiting = waiting_on(ctx.day).filter(person=OuterRef("person_id"))
    signals = RelapseSignal.objects.filter(state=RelapseState.CONFIRMED, date__range=(first, last))
    ended = Episode.objects.filter(
        episode_type=EpisodeType.POST_REHAB_MANAGEMENT,
        end_reason=EndReason.RELAPSE,
        actual_end_date__range=(first, last),
    )
    return (
        ManagementPeriod.objects.filter(start_date__lte=last, person__merged_into__isnull=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .annotate(
            released=Exists(ReleaseNotice.objects.filter(_during("released_on", ctx), person=OuterRef("person_id"))),
            awaiting=Exists(waiting),
            overdue=Exists(waiting.filter(overdue_receipts(ctx))),
            relapse_confirmed=Exists(signals.filter(_during("date", ctx), person=OuterRef("person_id"))),
            relapse_ended=Exists(ended.filter(_during("actual_end_date", ctx), person=OuterRef("person_id"))),
        )
    )


def _count(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().annotate(_one=Value(1)).values("_one").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _members(frame: Frame, ctx: Context, needs: Any = None) -> QuerySet[Any]:
    day, first, last = ctx.day, ctx.period.first, ctx.period.last
    held = Session.objects.filter(
        model_id=OuterRef("model_id"), date__range=(first, last), date__gte=OuterRef("joined_on")
    )
    attended = Attendance.objects.filter(membership_id=OuterRef("pk"), session__date__range=(first, last))
    assessed = MonthlyAssessment.objects.filter(person=OuterRef("person_id"), month__range=(first, last))
    latest = assessed.order_by("-month", "-pk").values("rating__counts_as_progress")[:1]
    pct = settings.COMMUNITY_REGULAR_ATTENDANCE_PERCENT
    return (
        Membership.objects.filter(joined_on__lte=day, person__merged_into__isnull=True)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .annotate(
            unit_path_at=F("model__unit__path"),
            held=_count(held),
            attended=_count(attended),
            progressing=Subquery(latest),
            counselled=Exists(Contact.objects.filter(person=OuterRef("person_id"), date__range=(first, last))),
            assessed=Exists(assessed),
            used=Exists(assessed.exclude(drug_use="none")),
        )
        .annotate(regular_gap=F("attended") * 100 - F("held") * pct)
    )


def _plain(code: str, rows: Any) -> Family:
    family = FAMILIES[code]
    indicators = family.indicators
    if code == "members":
        regular = dataclasses.replace(family.indicators[1], where=lambda ctx: Q(held__gt=0, regular_gap__gte=0))
        indicators = (family.indicators[0], regular, *family.indicators[2:])
    return dataclasses.replace(family, rows=rows, indicators=indicators)


def _volunteers(frame: Frame, ctx: Context, needs: Any = None) -> QuerySet[Any]:
    helping = assignments_active_on(ctx.day).filter(volunteer=OuterRef("pk"))
    return volunteers_active_on(ctx.day).annotate(helping=Exists(helping))


PLAIN = {
    "roster": _plain("roster", _roster),
    "volunteers": _plain("volunteers", _volunteers),
    "members": _plain("members", _members),
    "services": _plain("services", _services),
    "referrals": _plain("referrals", _referrals),
}


def _models(frame: Frame, ctx: Context) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The models family counted in Python: each model's latest status change by the day (the later recorded of
    two on one day), under the frame's units, by child."""
    codes = [indicator.code for indicator in FAMILIES["models"].all_indicators(ctx)]
    totals = dict.fromkeys(codes, 0)
    children: dict[str, dict[str, int]] = {}
    for model in CommunityModel.objects.filter(established_on__lte=ctx.day).select_related("unit", "model_type"):
        changes = StatusChange.objects.filter(model=model, on__lte=ctx.day).order_by("-on", "-pk")
        status = changes.values_list("status", flat=True).first()
        path = model.unit.path
        if status is None or not any(path.startswith(prefix) for prefix in frame.prefixes):
            continue
        own = frame.own_bucket is not None and path.startswith(frame.own_bucket)
        bucket = children.setdefault(frame.own_bucket if own else path[: frame.child_length], dict.fromkeys(codes, 0))
        counted = [f"models.status.{status}"]
        if status in OPERATING_STATUSES:
            counted += ["models.operating", f"models.type.{model.model_type.code}"]
        for code in counted:
            totals[code] += 1
            bucket[code] += 1
    return totals, children


# --- the world ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def units(module_world: Any, django_db_blocker: Any) -> list[OrgUnit]:
    """The nation, Hà Nội, three of its communes and Hải Châu (Đà Nẵng), with their records."""
    world = module_world
    with django_db_blocker.unblock():
        nation = OrgUnit.objects.get(level=OrgUnit.Level.NATION)
        ha_noi, phu_thuong, ba_dinh, ngoc_ha, hai_chau = (
            OrgUnit.objects.get(code=code, level=level, era=OrgUnit.Era.CURRENT) for code, level in UNITS
        )
        moved = world.person(phu_thuong)
        world.measure(moved, POST, D(2025, 2, 1))
        world.service(moved, "emergency_aid", D(2025, 5, 20))
        world.service(moved, "preferential_loan", D(2025, 8, 14), amount=30_000_000)
        world.referral(moved, D(2025, 7, 1), ReferralStatus.DECLINED, D(2025, 8, 15))
        club = world.model(phu_thuong, "post_rehab_club", D(2024, 9, 16))
        early = world.join(club, moved, D(2025, 6, 1))
        world.assess(moved, D(2025, 7, 1), rating="poor", drug_use="suspected")
        world.transfer(moved, ba_dinh, D(2025, 8, 15))
        world.service(moved, "vocational_training", D(2025, 8, 15))  # the day of the move: Ba Đình's
        world.service(moved, "preferential_loan", D(2025, 9, 1), amount=25_000_000)
        world.referral(moved, D(2025, 8, 20), ReferralStatus.COMPLETED, D(2025, 9, 30))
        away = world.person(ba_dinh)
        world.measure(away, USER, D(2024, 10, 1))
        world.referral(away, D(2025, 5, 1), ReferralStatus.LOST, D(2025, 6, 10))
        world.transfer(away, hai_chau, D(2025, 9, 30))  # to another province on the quarter's last day
        world.service(away, "job_placement", D(2025, 9, 30))
        off = world.person(ngoc_ha)
        world.take_off(off, D(2025, 8, 10))
        world.service(off, "emergency_aid", D(2025, 8, 20))  # on no roster that day: counted nowhere
        world.rejoin(off, D(2025, 9, 5))
        world.service(off, "general_education", D(2025, 9, 6))
        # Periods that overlap, which the services never write: the one that began last manages the person, the
        # one recorded last of two that began the same day.
        doubled = world.person(ngoc_ha)
        for unit, end in ((hai_chau, D(2025, 8, 31)), (ba_dinh, D(2025, 8, 5))):
            ManagementPeriod.objects.create(
                person=doubled, unit=unit, start_date=D(2025, 8, 1), end_date=end, reason=RosterEntry.TRANSFERRED,
                end_reason=RosterExit.TRANSFERRED,
            )  # fmt: skip
        for day in (D(2025, 8, 1), D(2025, 8, 6), D(2025, 9, 1)):
            world.service(doubled, "emergency_aid", day)
        world.referral(doubled, D(2025, 7, 20), ReferralStatus.COMPLETED, D(2025, 8, 3))
        local = world.person(hai_chau)
        world.service(local, "preferential_loan", D(2025, 8, 1), amount=10_000_000)
        world.service(local, "emergency_aid", D(2024, 11, 3))
        world.released(world.person(phu_thuong), D(2025, 8, 5))
        relapsed = world.person(ba_dinh)
        world.measure(relapsed, POST, D(2025, 1, 10))
        world.relapse(relapsed, D(2025, 8, 1), D(2025, 8, 3))
        world.die(world.person(ngoc_ha), D(2025, 9, 12))
        # A move within the quarter: the relapse after it is Ba Đình's, the release before it Phú Thượng's.
        moving = world.person(phu_thuong)
        world.measure(moving, POST, D(2025, 1, 10))
        world.transfer(moving, ba_dinh, D(2025, 8, 10))
        world.relapse(moving, D(2025, 8, 20), D(2025, 8, 22))
        freed = world.person(phu_thuong)
        world.released(freed, D(2025, 7, 25))
        world.transfer(freed, ba_dinh, D(2025, 8, 12))

        world.status(club, ModelStatus.ACTIVE, D(2025, 6, 16))
        world.status(club, ModelStatus.SUSPENDED, D(2025, 8, 1))
        world.status(club, ModelStatus.ACTIVE, D(2025, 8, 1))  # the same day, recorded later: active
        point = world.model(ba_dinh, "counselling_point", D(2019, 3, 4), status=ModelStatus.STABLE)
        world.status(point, ModelStatus.DISSOLVED, LAST)
        world.model(ha_noi, "self_help_group", D(2024, 3, 1), status=ModelStatus.ACTIVE)  # the province's own
        world.model(hai_chau, "early_intervention_club", D(2025, 9, 1))
        late = world.join(club, world.person(phu_thuong), D(2025, 8, 20))
        world.session(club, D(2025, 7, 10), [early])
        world.session(club, D(2025, 8, 25), [early, late])
        world.session(club, D(2025, 9, 20), [late])
        world.contact(late.person, D(2025, 9, 2))
        world.measure(world.person(ngoc_ha), EpisodeType.METHADONE, D(2024, 6, 1))

        # Volunteers: one helping two people at once, one whose only assignment ended, one who stopped.
        busy, idle = world.volunteer(phu_thuong, D(2024, 1, 1)), world.volunteer(phu_thuong, D(2024, 1, 1))
        world.volunteer(ba_dinh, D(2024, 1, 1), end=D(2025, 8, 31))
        world.assign(late.person, busy, D(2025, 8, 21))
        world.assign(world.person(phu_thuong), busy, D(2025, 3, 1))
        world.end_assignment(world.assign(world.person(phu_thuong), idle, D(2025, 2, 1)), D(2025, 8, 10))
    return [nation, ha_noi, phu_thuong, ba_dinh, ngoc_ha, hai_chau]


# --- the comparison -----------------------------------------------------------------------------------------------


def _figures(family: Family, frame: Frame, ctx: Context) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    indicators = family.all_indicators(ctx)
    totals = _family_totals(family, frame, ctx, indicators)
    return totals, _family_by_child(family, frame, ctx, indicators) if frame.children else {}


def _without_zeros(children: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {bucket: counts for bucket, counts in children.items() if any(counts.values())}


@pytest.mark.parametrize("code", PERIODS)
def test_each_family_gives_the_plain_statements_figures(units, code):
    ctx = context_for(period(code), TODAY)
    checked = 0
    for unit in units:
        frame = frame_for(unit, ctx.period)
        for family_code, plain in PLAIN.items():
            fast_totals, fast_children = _figures(FAMILIES[family_code], frame, ctx)
            plain_totals, plain_children = _figures(plain, frame, ctx)
            assert fast_totals == plain_totals, (unit.name, family_code)
            assert _without_zeros(fast_children) == _without_zeros(plain_children), (unit.name, family_code)
            checked += sum(fast_totals.values())
        totals, children = _models(frame, ctx)
        assert _figures(FAMILIES["models"], frame, ctx) == (totals, children if frame.children else {}), unit.name
        checked += sum(totals.values())
    assert checked > 0  # the world has something to count in every period read
