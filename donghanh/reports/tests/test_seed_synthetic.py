"""manage.py seed_synthetic: the data it makes, read back by the report engine and counted again in Python over
the rows; the same seed gives the same data; a province's rows do not depend on the other provinces seeded; a
database with real people is refused unless forced."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.casework.models import MonthlyAssessment, QuarterlyClassification, Volunteer, VolunteerTeam
from donghanh.community.choices import OPERATING_STATUSES
from donghanh.community.models import Attendance, CommunityModel, Membership, ModelType, StatusChange
from donghanh.core.periods import MONTH, QUARTER, YEAR, Period, period_of
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import RosterEntry, RosterExit, Sex, Whereabouts
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord
from donghanh.people.services import person_register
from donghanh.reports.engine import build_report
from donghanh.reports.models import MemberMonth, MonthlyStatus, ReferralUnit, ServiceUnit
from donghanh.reports.status.store import horizon, status_rebuild
from donghanh.reports.synthetic import NATIONAL_COMMUNES, NATIONAL_PEOPLE, PERSON_PREFIX, synthetic_plan
from donghanh.roster.choices import DeadlineKind, RelapseState
from donghanh.roster.models import RelapseSignal, ReleaseNotice, TransferRequest
from donghanh.roster.workdays import deadline
from donghanh.support.choices import ReferralStatus, ServiceCategory
from donghanh.support.models import Referral, ServiceRecord

pytestmark = pytest.mark.django_db

PROVINCE = "48"
UNTIL = datetime.date(2026, 11, 20)  # the data's last day; the reports are read on the day after
TODAY = UNTIL + datetime.timedelta(days=1)
STATUS = {
    "people.post_rehab": EpisodeType.POST_REHAB_MANAGEMENT,
    "people.education": EpisodeType.ADMINISTRATIVE_EDUCATION,
    "people.user_management": EpisodeType.DRUG_USER_MANAGEMENT,
    "people.community_rehab": EpisodeType.VOLUNTARY_COMMUNITY_REHAB,
    "people.methadone": EpisodeType.METHADONE,
}


def seed(*, people: int | None = 300, communes: int = 3, seed: int = 1, **options: Any) -> str:
    out = StringIO()
    options.setdefault("province", PROVINCE)
    call_command(
        "seed_synthetic", people=people, communes=communes, seed=seed, until=UNTIL, stdout=out, **options
    )  # fmt: skip
    return out.getvalue()


def counted(prefix: str, period: Period) -> dict[str, int]:
    """The figures a report shows, counted in Python over the rows (not through the engine's queries)."""
    day, first, last = period.last, period.first, period.last

    def on(start: datetime.date, end: datetime.date | None, when: datetime.date = day) -> bool:
        return start <= when and (end is None or when <= end)

    managed = ManagementPeriod.objects.filter(person__merged_into__isnull=True).values_list(
        "person_id", "unit__path", "start_date", "end_date"
    )
    people = {person for person, path, start, end in managed if path.startswith(prefix) and on(start, end)}
    latest: dict[int, tuple[tuple[datetime.date, int], str]] = {}
    for person, since, pk, status in WhereaboutsRecord.objects.values_list("person_id", "since", "pk", "status"):
        if person in people and since <= day and (person not in latest or (since, pk) > latest[person][0]):
            latest[person] = ((since, pk), status)
    where = Counter(status for _, status in latest.values())
    under: dict[str, set[int]] = {kind: set() for kind in EpisodeType.values}
    for person, kind, start, end in Episode.objects.values_list(
        "person_id", "episode_type", "start_date", "actual_end_date"
    ):
        if person in people and on(start, end):
            under[kind].add(person)
    figures = {
        "people.registered": len(people),
        "people.in_facility": where[Whereabouts.IN_FACILITY],
        "people.at_residence": where[Whereabouts.AT_RESIDENCE],
        "people.whereabouts_unknown": where[Whereabouts.UNKNOWN],
        **{code: len(under[kind]) for code, kind in STATUS.items()},
    }

    # The commune that managed a person on a date: services and referrals count where the person was then.
    periods: dict[int, list[tuple[str, datetime.date, datetime.date | None]]] = {}
    for person, path, start, end in managed:
        periods.setdefault(person, []).append((path, start, end))

    def managed_within(person: int, when: datetime.date) -> bool:
        return any(path.startswith(prefix) and on(start, end, when) for path, start, end in periods.get(person, []))

    volunteers = Volunteer.objects.values_list("team__unit__path", "start_date", "end_date")
    figures["volunteers.active"] = sum(
        1 for path, start, end in volunteers if path.startswith(prefix) and on(start, end)
    )
    loans = ServiceRecord.objects.filter(service_type__category=ServiceCategory.LOAN).values_list(
        "person_id", "start_date", "amount"
    )
    in_period = [
        (person, amount) for person, start, amount in loans if first <= start <= last and managed_within(person, start)
    ]
    figures["support.loan_people"] = len({person for person, _ in in_period})
    figures["support.loan_amount"] = sum(amount for _, amount in in_period)
    closed = Referral.objects.filter(
        status__in=[ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.LOST]
    ).values_list("person_id", "status_on")
    figures["referrals.closed"] = sum(
        1 for person, on_day in closed if first <= on_day <= last and managed_within(person, on_day)
    )
    status_at: dict[int, tuple[datetime.date, int, str]] = {}
    for model, on_day, pk, status in StatusChange.objects.values_list("model_id", "on", "pk", "status"):
        if on_day <= day and (model not in status_at or (on_day, pk) > status_at[model][:2]):
            status_at[model] = (on_day, pk, status)
    models = CommunityModel.objects.filter(established_on__lte=day).values_list("pk", "unit__path")
    figures["models.operating"] = sum(
        1 for pk, path in models if path.startswith(prefix) and status_at[pk][2] in OPERATING_STATUSES
    )
    members = Membership.objects.filter(person__merged_into__isnull=True).values_list(
        "person_id", "model__unit__path", "joined_on", "left_on"
    )
    figures["members.total"] = len({p for p, path, start, end in members if path.startswith(prefix) and on(start, end)})
    return figures | roster_counted(prefix, period, managed_within)  # fmt: skip


def roster_counted(prefix: str, period: Period, managed_within: Callable[[int, datetime.date], bool]) -> dict[str, int]:
    """The roster family's figures, counted in Python over the rows."""
    day, first, last = period.last, period.first, period.last
    left: dict[str, set[int]] = {reason: set() for reason in RosterExit.values}
    returned: set[int] = set()
    for person, path, start, end, reason, exit_reason in ManagementPeriod.objects.values_list(
        "person_id", "unit__path", "start_date", "end_date", "reason", "end_reason"
    ):
        if not path.startswith(prefix):
            continue
        if end is not None and first <= end <= last:
            left[exit_reason].add(person)
        if reason == RosterEntry.RETURNED and first <= start <= last:
            returned.add(person)
    died = Person.objects.exclude(died_on=None).values_list("pk", "died_on")
    released, waiting, overdue = set(), set(), set()
    for person, out, certificate, decided, started, closed in ReleaseNotice.objects.values_list(
        "person_id",
        "released_on",
        "certificate_received_on",
        "decision_episode__decision_date",
        "decision_episode__start_date",
        "closed_on",
    ):
        if out is not None and first <= out <= last and managed_within(person, out):
            released.add(person)
        decision = decided or started
        if out is None or out > day or (decision is not None and decision <= day) or (closed and closed <= day):
            continue
        if managed_within(person, day):
            waiting.add(person)
            if deadline(DeadlineKind.POST_REHAB_DECISION, certificate or out) < day:
                overdue.add(person)
    pending = {
        person
        for person, path, proposed, answered in TransferRequest.objects.values_list(
            "person_id", "from_unit__path", "proposed_at", "answered_on"
        )
        if path.startswith(prefix) and timezone.localdate(proposed) <= day and (answered is None or answered > day)
    }
    relapsed = {
        person
        for person, when in [
            *RelapseSignal.objects.filter(state=RelapseState.CONFIRMED).values_list("person_id", "date"),
            *Episode.objects.filter(
                episode_type=EpisodeType.POST_REHAB_MANAGEMENT, end_reason=EndReason.RELAPSE
            ).values_list("person_id", "actual_end_date"),
        ]
        if first <= when <= last and managed_within(person, when)
    }
    leaving = [reason for reason in RosterExit.values if reason != RosterExit.TRANSFERRED]
    return {
        "roster.left": len(set().union(*(left[reason] for reason in leaving))),
        **{f"roster.left_{reason}": len(left[reason]) for reason in leaving},
        "roster.deaths": len({p for p, when in died if first <= when <= last and managed_within(p, when)}),
        "roster.returned": len(returned), "roster.released": len(released),
        "roster.awaiting_decision": len(waiting), "roster.decision_overdue": len(overdue),
        "roster.transfers_pending": len(pending), "casework.relapses": len(relapsed),
    }  # fmt: skip


def test_the_reports_on_synthetic_data_give_what_counting_the_rows_gives(unit: Callable[..., Any]) -> None:
    output = seed()

    province = unit(PROVINCE, level=OrgUnit.Level.PROVINCE)
    assert "people" in output and "300" in output
    assert Person.objects.filter(code__startswith=PERSON_PREFIX).count() == 300
    quarter = period_of(QUARTER, TODAY).shifted(-1)
    report = build_report(province, quarter, today=TODAY, trend=1)
    expected = counted(province.path, quarter)
    assert {code: report.value(code) for code in expected} == expected
    assert all(expected[code] > 0 for code in ("people.in_facility", "people.post_rehab", "people.methadone"))
    assert all(expected[code] > 0 for code in ("roster.left", "roster.left_completed", "roster.released"))
    year = build_report(province, period_of(YEAR, TODAY).shifted(-1), today=TODAY, trend=1)
    expected = counted(province.path, year.period)
    assert {code: year.value(code) for code in expected} == expected
    assert all(expected[code] > 0 for code in ("roster.left_completed", "roster.returned", "casework.relapses"))

    busiest = Counter(Person.objects.values_list("unit__code", flat=True)).most_common(1)[0][0]
    commune = unit(busiest)
    month = period_of(MONTH, TODAY).shifted(-1)
    report = build_report(commune, month, today=TODAY, trend=1)
    expected = counted(commune.path, month)
    assert {code: report.value(code) for code in expected} == expected
    assert expected["people.registered"] > 50


def test_the_data_covers_every_kind_of_record_the_reports_count() -> None:
    seed()

    measures = Counter(Episode.objects.values_list("episode_type", flat=True))
    assert set(measures) >= {
        EpisodeType.POST_REHAB_MANAGEMENT, EpisodeType.ADMINISTRATIVE_EDUCATION, EpisodeType.DRUG_USER_MANAGEMENT,
        EpisodeType.VOLUNTARY_COMMUNITY_REHAB, EpisodeType.VOLUNTARY_FACILITY_REHAB, EpisodeType.COMPULSORY_REHAB,
        EpisodeType.METHADONE,
    }  # fmt: skip
    assert Episode.objects.filter(end_reason=EndReason.RELAPSE).exists()
    assert ManagementPeriod.objects.filter(reason=ManagementPeriod.Reason.TRANSFERRED).exists()
    assert set(ManagementPeriod.objects.values_list("end_reason", flat=True)) >= {
        "", RosterExit.TRANSFERRED, RosterExit.COMPLETED, RosterExit.DIED, RosterExit.REMOVED,
    }  # fmt: skip
    assert ManagementPeriod.objects.filter(reason=RosterEntry.RETURNED).exists()
    assert Person.objects.exclude(died_on=None).exists()
    notices = ReleaseNotice.objects.all()
    assert notices.exclude(decision_episode=None).exists() and notices.filter(released_on=None).exists()
    assert notices.filter(decision_episode=None, released_on__isnull=False).count() < notices.count() / 10
    assert set(RelapseSignal.objects.values_list("state", flat=True)) == {
        RelapseState.CONFIRMED,
        RelapseState.DISMISSED,
    }
    assert set(TransferRequest.objects.values_list("status", flat=True)) >= {"accepted"}
    assert Episode.objects.exclude(actual_end_date=None).filter(actual_end_date__gt=UNTIL).count() == 0
    assert VolunteerTeam.objects.count() >= 2 and Volunteer.objects.count() > 5
    assert MonthlyAssessment.objects.exists() and QuarterlyClassification.objects.exists()
    categories = set(ServiceRecord.objects.values_list("service_type__category", flat=True))
    assert categories == set(ServiceCategory.values)
    assert not ServiceRecord.objects.filter(service_type__category=ServiceCategory.LOAN, amount=None).exists()
    assert set(Referral.objects.values_list("status", flat=True)) >= {"completed", "declined", "lost"}
    used = set(CommunityModel.objects.values_list("model_type__code", flat=True))
    assert used == set(ModelType.objects.values_list("code", flat=True))
    assert StatusChange.objects.count() > CommunityModel.objects.count()
    assert Attendance.objects.exists()


def signature(prefix: str = PERSON_PREFIX) -> list[Any]:
    """The synthetic rows of people whose code starts with `prefix`, without their ids (a second run inserts new
    ones)."""
    mine = {"person__code__startswith": prefix}
    people = sorted(
        Person.objects.filter(code__startswith=prefix).values_list("code", "full_name", "birth_year", "unit__code")
    )
    measures = sorted(
        Episode.objects.filter(**mine).values_list(
            "person__code", "episode_type", "start_date", "planned_end_date", "actual_end_date", "decision_number",
            "facility",
        )
    )  # fmt: skip
    where = sorted(WhereaboutsRecord.objects.filter(**mine).values_list("person__code", "since", "status"))
    periods = sorted(
        ManagementPeriod.objects.filter(**mine).values_list(
            "person__code", "unit__code", "start_date", "end_date", "end_reason", "end_decision_number"
        )
    )
    assessments = sorted(
        MonthlyAssessment.objects.filter(**mine).values_list("person__code", "month", "rating__code", "drug_use")
    )
    services = sorted(
        ServiceRecord.objects.filter(**mine).values_list("person__code", "service_type__code", "start_date", "amount")
    )
    notices = sorted(ReleaseNotice.objects.filter(**mine).values_list("person__code", "facility", "notice_date"))
    members = sorted(
        Membership.objects.filter(**mine).values_list("person__code", "model__name", "joined_on", "left_on")
    )
    attended = Attendance.objects.filter(membership__person__code__startswith=prefix).count()
    return [people, measures, where, periods, assessments, services, notices, members, attended]


def test_the_same_seed_gives_the_same_data_and_a_second_run_replaces_the_first() -> None:
    seed(people=120, communes=2)
    first = signature()

    output = seed(people=120, communes=2)

    assert "replaced the earlier synthetic data" in output
    assert signature() == first
    seed(people=120, communes=2, seed=2)
    assert signature() != first
    assert Person.objects.count() == 120


def test_a_database_with_real_people_is_refused_unless_forced(
    unit: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    commune = unit("20194")
    officer = make_user(Role.COMMUNE_OFFICER, commune)
    real = person_register(
        actor=officer, unit=commune, full_name="Nguyễn Văn Thật", sex=Sex.MALE, birth_year=1990,
        registered_on=datetime.date(2024, 1, 2),
    )  # fmt: skip

    with pytest.raises(CommandError, match=r"holds real people \(1 whose code"):
        seed(people=50, communes=1)
    assert not Person.objects.filter(code__startswith=PERSON_PREFIX).exists()

    output = seed(people=50, communes=1, force=True)

    assert "beside the real people (1)" in output
    assert Person.objects.filter(code__startswith=PERSON_PREFIX).count() == 50
    # A second forced run replaces the synthetic people and leaves the real one and their records alone.
    seed(people=50, communes=1, force=True)
    real.refresh_from_db()
    assert real.unit == commune and real.code.startswith("DH")
    assert ManagementPeriod.objects.filter(person=real).count() == 1
    assert WhereaboutsRecord.objects.filter(person=real).count() == 1
    assert Person.objects.filter(~Q(code__startswith=PERSON_PREFIX)).count() == 1


def test_each_province_gets_its_share_of_the_national_data_set_by_its_communes() -> None:
    country = synthetic_plan(None, None, None)

    assert len(country) == 34 and sum(len(share.communes) for share in country) == NATIONAL_COMMUNES
    assert abs(sum(share.people for share in country) - NATIONAL_PEOPLE) < 34
    (da_nang,) = synthetic_plan([PROVINCE], None, None)
    assert da_nang.people == round(94 * NATIONAL_PEOPLE / NATIONAL_COMMUNES) == 6340
    assert da_nang.people == next(share.people for share in country if share.province.code == PROVINCE)
    # --people splits a total over the provinces named, by their communes: 01 has 126, 48 has 94.
    assert [(s.province.code, s.people) for s in synthetic_plan(["48", "01"], 1000, None)] == [("01", 573), ("48", 427)]
    assert sum(share.people for share in synthetic_plan(None, 1000, 2)) == 1000


def test_a_province_gets_the_same_rows_whichever_provinces_are_seeded_beside_it() -> None:
    seed(people=120, communes=2)
    alone = signature(f"{PERSON_PREFIX}{PROVINCE}")

    output = seed(people=240, communes=2, province=f"01,{PROVINCE}")

    assert "01 Thành phố Hà Nội: 120 people" in output and f"{PROVINCE} Thành phố Đà Nẵng: 120 people" in output
    assert signature(f"{PERSON_PREFIX}{PROVINCE}") == alone
    codes = list(Person.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 240
    assert {code[:5] for code in codes} == {f"{PERSON_PREFIX}01", f"{PERSON_PREFIX}{PROVINCE}"}
    assert (
        Person.objects.filter(code__startswith=f"{PERSON_PREFIX}01", unit__path__startswith="VN/NP01/").count() == 120
    )
    # Seeding one province again replaces its rows only: the other's stay as they were, ids included.
    kept = set(Person.objects.filter(code__startswith=f"{PERSON_PREFIX}{PROVINCE}").values_list("pk", flat=True))
    hanoi = signature(f"{PERSON_PREFIX}01")

    seed(people=120, communes=2, province="01")

    assert (
        set(Person.objects.filter(code__startswith=f"{PERSON_PREFIX}{PROVINCE}").values_list("pk", flat=True)) == kept
    )
    assert signature(f"{PERSON_PREFIX}01") == hanoi
    assert Person.objects.count() == 240


def test_the_provinces_asked_for_must_exist_and_have_people() -> None:
    with pytest.raises(CommandError, match="No current province 99"):
        seed(province="48,99")
    with pytest.raises(CommandError, match="at least the number of provinces"):
        seed(people=1, province="01,48")
    with pytest.raises(CommandError, match="not both"):
        seed(country=True)
    assert not Person.objects.exists()


def derived_rows() -> list[Counter[tuple[Any, ...]]]:
    """The contents of every table worked out from the records: status rows, units, members' months (their own
    ids aside; a unit's id is its record's)."""
    tables = []
    for model in (MonthlyStatus, ServiceUnit, ReferralUnit, MemberMonth):
        own_id = model in (MonthlyStatus, MemberMonth)
        names = [f.attname for f in model._meta.concrete_fields if not (f.primary_key and own_id)]
        tables.append(Counter(model.objects.values_list(*names)))
    return tables


def test_the_rows_worked_out_while_seeding_are_those_a_rebuild_gives() -> None:
    seed(people=150, communes=2)
    seeded = derived_rows()
    assert all(seeded)  # status rows, services' and referrals' units, members' months

    status_rebuild(last_month=horizon())

    assert derived_rows() == seeded
