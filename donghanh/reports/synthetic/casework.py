"""Synthetic case work: volunteer teams in most communes, volunteers and their assignments, contacts, monthly
assessments and the quarterly classifications derived from them."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from typing import Any

from donghanh.casework import choices
from donghanh.casework.models import (
    Assignment,
    Contact,
    MonthlyAssessment,
    QuarterlyClassification,
    RatingLevel,
    Volunteer,
    VolunteerTeam,
)
from donghanh.casework.selectors import derived_level, rating_scale_for
from donghanh.core.dates import month_start, quarter_months, quarter_of
from donghanh.reports.synthetic import DAY, SYNTHETIC_NOTE, insert, insert_values
from donghanh.reports.synthetic.people import Someone, Weighted, World, assessed_types

Span = tuple[int, datetime.date, datetime.date | None]  # a volunteer's (or an assignment's) id, from, until
# No message by SMS or Zalo: those need a consent the synthetic people do not have.
MODES = [mode for mode in choices.ContactMode.values if mode not in choices.MESSAGE_MODES]
AFFILIATIONS, TOPICS = choices.Affiliation.values, choices.Topic.values
PARTICIPATION, WORK, FAMILY = choices.Participation.values, choices.WorkStatus.values, choices.FamilyRelations.values


def casework_create(world: World, counts: Counter[str]) -> None:
    _teams(world, counts)
    _assignments(world, counts)
    insert_values(Contact, _contacts(world), counts)
    levels = list(rating_scale_for(world.province).levels.order_by("rank"))
    ratings: dict[int, dict[datetime.date, RatingLevel]] = {}
    insert_values(MonthlyAssessment, _assessments(world, levels, ratings), counts)
    insert_values(QuarterlyClassification, _classifications(world, levels, ratings), counts)


def _teams(world: World, counts: Counter[str]) -> None:
    rng = world.rng
    taken = set(VolunteerTeam.objects.filter(unit__in=world.communes).values_list("unit_id", flat=True))
    teams: list[VolunteerTeam] = []
    for commune in world.communes:
        if rng.random() >= 0.9 or commune.pk in taken:
            continue
        roll = rng.random()
        if roll < 0.05:
            established = None  # an old team whose decision date nobody recorded
        elif roll < 0.6:
            established = world.start - rng.randint(0, 900) * DAY
        else:
            established = world.day(world.start, world.until - 60 * DAY)
        teams.append(
            VolunteerTeam(
                unit=commune, name=f"Đội công tác xã hội tình nguyện {commune.name}", established_on=established,
                decision_number=f"{rng.randint(1, 300)}/QĐ-UBND", notes=SYNTHETIC_NOTE,
            )
        )  # fmt: skip
    insert(VolunteerTeam, teams, counts)
    volunteers: list[Volunteer] = []
    for team in teams:
        founded = team.established_on or world.start - 365 * DAY
        for _ in range(rng.randint(4, 12)):
            sex = "female" if rng.random() < 0.45 else "male"
            start = founded if rng.random() < 0.5 else world.day(founded, world.until - 30 * DAY)
            end = world.day(start + 180 * DAY, world.until - DAY) if rng.random() < 0.2 else None
            if end is not None and end < start:
                end = None
            volunteers.append(
                Volunteer(
                    team=team, full_name=world.name(sex), sex=sex, birth_year=rng.randint(1960, 2000),
                    affiliation=rng.choice(AFFILIATIONS), start_date=start, end_date=end,
                    hamlet=f"Tổ dân phố {rng.randint(1, 30)}",
                )
            )  # fmt: skip
    insert(Volunteer, volunteers, counts)
    for volunteer in volunteers:
        world.volunteers.setdefault(volunteer.team.unit_id, []).append(
            (volunteer.pk, volunteer.start_date, volunteer.end_date)
        )


def _assignments(world: World, counts: Counter[str]) -> None:
    """Most people under a measure that case work follows get a volunteer of their commune for its duration."""
    rng, kinds = world.rng, assessed_types()
    rows: list[Assignment] = []
    for someone in world.people:
        spans: list[Span] = []
        for measure in sorted(someone.measures, key=lambda m: m.start):
            if measure.kind not in kinds or rng.random() >= 0.75:
                continue
            first = measure.start + rng.randint(0, 20) * DAY
            period = someone.period_on(first)
            if first > world.until or period is None or (spans and (spans[-1][2] is None or first <= spans[-1][2])):
                continue
            active = [
                v for v in world.volunteers.get(period[0].pk, []) if v[1] <= first and (v[2] is None or first <= v[2])
            ]
            if not active:
                continue
            volunteer, _, volunteer_end = rng.choice(active)
            ends = [day for day in (measure.end, period[2], volunteer_end) if day is not None]
            last = min(ends) if ends else None
            if last is not None and last < first:
                continue
            spans.append((volunteer, first, last))
            rows.append(
                Assignment(
                    person_id=someone.pk, volunteer_id=volunteer, start_date=first, end_date=last,
                    end_reason="Kết thúc biện pháp quản lý" if last is not None else "", assigned_by=world.actor,
                )
            )  # fmt: skip
        world.assignments[someone.pk] = spans
    insert(Assignment, rows, counts)


def _assigned_on(world: World, someone: Someone, day: datetime.date) -> int | None:
    for volunteer, first, last in world.assignments.get(someone.pk, []):
        if first <= day and (last is None or day <= last):
            return volunteer
    return None


def _contacts(world: World) -> Iterator[dict[str, Any]]:
    rng, months, modes = world.rng, world.months, Weighted(MODES, [40, 30, 10, 10, 10])
    for someone in world.people:
        for volunteer, first, last in world.assignments[someone.pk]:
            end = last or world.until
            for month, month_last in islice(months, world.month_index[month_start(first)], None):
                if month > end:
                    break
                low, high = max(month, first), min(month_last, end)
                if rng.random() < 0.5 and low <= high:
                    yield {
                        "person_id": someone.pk, "date": world.day(low, high), "volunteer_id": volunteer,
                        "mode": modes.draw(rng), "topics": rng.sample(TOPICS, rng.randint(1, 2)),
                        "recorded_by_id": world.actor.pk,
                    }  # fmt: skip


def _assessments(
    world: World, levels: list[RatingLevel], ratings: dict[int, dict[datetime.date, RatingLevel]]
) -> Iterator[dict[str, Any]]:
    """Each month a person is followed (under a measure case work follows, or with a volunteer), most of the
    time an assessment; some people are never assessed (their commune does not record them)."""
    rng, kinds, until = world.rng, assessed_types(), world.until
    use = choices.DrugUseInMonth
    drug_uses = Weighted([use.NONE, use.SUSPECTED, use.REFUSED_TEST], [80, 12, 8])
    extra = [10] * (len(levels) - 4)
    clean = Weighted(levels, [25, 35, 28, 12][: len(levels)] + extra)
    using = Weighted(levels, [2, 10, 38, 50][: len(levels)] + extra)
    participation, family = Weighted(PARTICIPATION, [60, 30, 10]), Weighted(FAMILY, [60, 30, 10])
    for someone in world.people:
        if rng.random() >= 0.85:
            continue
        mine = ratings.setdefault(someone.pk, {})
        for month, last in islice(
            world.months, world.month_index[month_start(max(world.start, someone.registered))], None
        ):
            if last >= until:
                break
            measure = someone.under(kinds, last)
            volunteer = _assigned_on(world, someone, last)
            if (measure is not None or volunteer is not None) and rng.random() < 0.85:
                drug_use = drug_uses.draw(rng)
                rating = (clean if drug_use == use.NONE else using).draw(rng)
                mine[month] = rating
                yield {
                    "person_id": someone.pk, "month": month, "drug_use": drug_use, "rating_id": rating.pk,
                    "participation": participation.draw(rng), "work_status": rng.choice(WORK),
                    "family_relations": family.draw(rng),
                    "compliance": choices.Compliance.COMPLIES if measure else choices.Compliance.NOT_APPLICABLE,
                    "volunteer_id": volunteer, "assessed_by_id": world.actor.pk,
                    "assessed_on": min(last + rng.randint(0, 8) * DAY, until),
                }  # fmt: skip


def _classifications(
    world: World, levels: list[RatingLevel], ratings: dict[int, dict[datetime.date, RatingLevel]]
) -> Iterator[dict[str, Any]]:
    """Quarters with three monthly ratings are mostly confirmed as derived, a few otherwise with a reason."""
    rng = world.rng
    for someone in world.people:
        mine = ratings.get(someone.pk, {})
        quarters = sorted({quarter_of(month) for month in mine})
        for year, quarter in quarters:
            derived = derived_level([mine.get(month) for month in quarter_months(year, quarter)])
            if derived is None or rng.random() >= 0.9:
                continue
            level, reason = derived, ""
            if rng.random() < 0.05:
                level = rng.choice([other for other in levels if other.pk != derived.pk])
                reason = "Điều chỉnh theo ý kiến của tổ công tác"
            yield {
                "person_id": someone.pk,
                "year": year,
                "quarter": quarter,
                "derived_id": derived.pk,
                "level_id": level.pk,
                "override_reason": reason,
                "confirmed_by_id": world.actor.pk,
            }
