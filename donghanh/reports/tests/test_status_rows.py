"""The people's monthly status rows, written and read back: every kind of write is in the very next report, with
the same figures as the records give (`REPORTS_STATUS_ROWS = False`); the marks, the refresh after the commit and
before a report reads; the rebuild, the command, the horizon and the task.

Reports are read with the conftest's `report` (an explicit `today`); `both` reads a report twice, from the rows
and from the records, and checks that the rows were read and every figure agrees.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.tasks.signals import task_enqueued, task_finished
from django.test.utils import CaptureQueriesContext, override_settings

from donghanh.episodes.choices import EndReason
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Whereabouts
from donghanh.people.models import Person
from donghanh.reports.engine import Report
from donghanh.reports.models import MemberMonth, MonthlyStatus, ReferralUnit, ServiceUnit, StatusStale
from donghanh.reports.status.marks import AT_ONCE
from donghanh.reports.status.store import UNITS, horizon, status_extend, status_rebuild
from donghanh.reports.status.tasks import status_extend_task, status_refresh_task
from donghanh.reports.tests.conftest import DAY, FIRST, LAST, POST, Q3, TODAY, USER, D, World, child, report
from donghanh.support import services as support
from donghanh.support.choices import ServiceCategory
from donghanh.support.models import ServiceType

pytestmark = pytest.mark.django_db

TABLE = MonthlyStatus._meta.db_table
SEPTEMBER = D(2025, 9, 1)  # the row of Q3's last day


# --- reading a report both ways ---------------------------------------------------------------------------------


def figures(built: Report) -> dict[str, Any]:
    """Every figure of a report, as (numerator, denominator): the totals, the trend and the breakdown rows."""

    def pair(figure: Any) -> tuple[int, int | None]:
        return figure.numerator, figure.denominator

    return {
        "totals": {line.indicator.code: pair(line.figure) for line in built.rows},
        "trend": {line.indicator.code: [(p.code, pair(f)) for p, f in line.trend] for line in built.rows},
        "children": {
            (below.unit.pk if below.unit is not None else None, below.legacy_rest): {
                code: pair(figure) for code, figure in below.figures.items()
            }
            for below in built.children
        },
    }


def reads_rows(queries: CaptureQueriesContext) -> bool:
    """Whether the report selected from the status rows."""
    return any(q["sql"].lstrip().upper().startswith("SELECT") and f'"{TABLE}"' in q["sql"] for q in queries)


def read(unit: OrgUnit, code: str = Q3, *, rows: bool = True, **options: Any) -> tuple[Report, bool]:
    """The report, and whether it read the status rows."""
    with override_settings(REPORTS_STATUS_ROWS=rows), CaptureQueriesContext(connection) as queries:
        built = report(unit, code, **options)
    return built, reads_rows(queries)


def both(unit: OrgUnit, code: str = Q3, **options: Any) -> Report:
    """The report read from the status rows, after checking it against the same report read from the records."""
    fast, used = read(unit, code, **options)
    assert used, f"{unit} {code}: the status rows were not read"
    slow, used = read(unit, code, rows=False, **options)
    assert not used
    assert figures(fast) == figures(slow), f"{unit} {code}: the status rows and the records disagree"
    return fast


def stale() -> list[int]:
    return sorted(set(StatusStale.objects.values_list("person_id", flat=True)))


def row(person: Person, month: datetime.date = SEPTEMBER) -> MonthlyStatus:
    return MonthlyStatus.objects.get(person=person, month=month)


def table() -> Counter[tuple[Any, ...]]:
    """The whole table's contents (ids aside)."""
    names = [f.attname for f in MonthlyStatus._meta.concrete_fields if not f.primary_key]
    return Counter(MonthlyStatus.objects.values_list(*names))


# --- every kind of write is in the very next report ------------------------------------------------------------


def test_a_person_registered_is_in_the_next_report(world, phu_thuong, ha_noi):
    assert both(phu_thuong).value("people.registered") == 0
    world.person(phu_thuong, D(2025, 4, 4))
    assert both(phu_thuong).value("people.registered") == 1
    province = both(ha_noi, trend=3)
    assert province.value("people.registered") == 1
    assert child(province, phu_thuong)["people.registered"] == 1
    assert [figure.numerator for _period, figure in province.row("people.registered").trend] == [0, 1, 1]


def test_a_whereabouts_change_is_in_the_next_report(world, phu_thuong):
    person = world.person(phu_thuong)
    codes = ["people.at_residence", "people.in_facility", "people.whereabouts_unknown"]
    assert [both(phu_thuong).value(code) for code in codes] == [1, 0, 0]
    world.whereabouts(person, Whereabouts.IN_FACILITY, D(2025, 8, 1))
    assert [both(phu_thuong).value(code) for code in codes] == [0, 1, 0]
    world.whereabouts(person, Whereabouts.UNKNOWN, LAST)  # from the period's last day: counted
    assert [both(phu_thuong).value(code) for code in codes] == [0, 0, 1]
    assert [both(phu_thuong, "2025-08").value(code) for code in codes] == [0, 1, 0]


def test_a_measure_opened_and_closed_is_in_the_next_report(world, phu_thuong):
    person = world.person(phu_thuong)
    measure = world.measure(person, POST, D(2025, 2, 3))
    q3 = both(phu_thuong)
    assert (q3.value("people.post_rehab"), q3.value("people.in_casework")) == (1, 1)
    assert q3.row("casework.assessments_due").figure.numerator == 3
    world.close(measure, D(2025, 9, 10), EndReason.RELAPSE)  # a relapse keeps the person on the roster
    q3 = both(phu_thuong)
    assert (q3.value("people.registered"), q3.value("people.post_rehab"), q3.value("people.in_casework")) == (1, 0, 0)
    assert q3.row("casework.assessments_due").figure.numerator == 2  # July and August
    world.measure(person, USER, D(2025, 9, 20))
    q3 = both(phu_thuong)
    assert (q3.value("people.user_management"), q3.value("people.sanctioned")) == (1, 1)


def test_a_measure_completed_takes_the_person_off_the_roster_in_the_next_report(world, phu_thuong):
    person = world.person(phu_thuong)
    measure = world.measure(person, POST, D(2024, 5, 6))
    assert both(phu_thuong).value("people.registered") == 1
    world.close(measure, D(2025, 8, 20))
    assert both(phu_thuong).value("people.registered") == 0
    assert both(phu_thuong, "2025-07").value("people.post_rehab") == 1


def test_a_volunteer_assigned_and_unassigned_is_in_the_next_report(world, phu_thuong):
    person = world.person(phu_thuong)
    world.measure(person, POST, D(2025, 1, 6))
    assert both(phu_thuong).value("people.with_volunteer") == 0.0
    assignment = world.assign(person, world.volunteer(phu_thuong), D(2025, 8, 1))
    assert both(phu_thuong).value("people.with_volunteer") == 100.0
    world.end_assignment(assignment, LAST - DAY)
    assert both(phu_thuong).value("people.with_volunteer") == 0.0
    alone = world.person(phu_thuong)  # a volunteer alone puts a person under case work
    world.assign(alone, world.volunteer(phu_thuong), D(2025, 9, 2))
    q3 = both(phu_thuong)
    assert (q3.value("people.in_casework"), q3.row("casework.assessments_due").figure.numerator) == (2, 4)


def test_an_assessment_is_in_the_next_report(world, phu_thuong):
    person = world.person(phu_thuong)
    world.measure(person, POST, D(2025, 1, 6))
    assert both(phu_thuong).row("casework.assessments_done").figure.numerator == 0
    world.assess(person, D(2025, 7, 1))
    done = both(phu_thuong).row("casework.assessments_done").figure
    assert (done.numerator, done.denominator, done.value) == (1, 3, 33.3)
    world.assess(person, D(2025, 9, 1))
    assert both(phu_thuong, "2025").row("casework.assessments_done").figure.numerator == 2


def test_a_classification_is_in_the_next_report(world, phu_thuong):
    person = world.person(phu_thuong)
    world.measure(person, POST, D(2025, 1, 6))
    world.classify(person, 2025, 3, "good")
    q3 = both(phu_thuong)
    assert (q3.value("classification.good"), q3.value("classification.poor")) == (1, 0)
    world.classify(person, 2025, 3, "poor")  # confirmed again, another level
    q3 = both(phu_thuong)
    assert (q3.value("classification.good"), q3.value("classification.poor")) == (0, 1)
    assert both(phu_thuong, "2025-09").value("classification.poor") == 1  # the month that ends the quarter
    assert both(phu_thuong, "2025").value("classification.poor") == 0  # a year: its last quarter, not classified


def test_a_job_placement_and_its_end_are_in_the_next_report(world, phu_thuong):
    person = world.person(phu_thuong)
    world.measure(person, USER, D(2025, 1, 6))
    job = world.service(person, "job_placement", D(2025, 6, 30))  # held three months on 30/09: stable
    q3 = both(phu_thuong)
    assert (q3.value("support.stable_job"), q3.value("support.sanctioned_supported")) == (1, 0.0)
    assert both(phu_thuong, "2025-08").value("support.stable_job") == 0
    support.service_update(
        expected_version=job.version, actor=world.officer(phu_thuong), record=job, end_date=LAST - DAY
    )
    assert both(phu_thuong).value("support.stable_job") == 0
    world.service(person, "job_referral", D(2025, 7, 15))
    assert both(phu_thuong).value("support.sanctioned_supported") == 100.0


def test_sanctions_and_job_support_from_the_periods_first_day(world, phu_thuong):
    ended_before, ended_on_first, running = world.people(phu_thuong, 3)
    world.measure(ended_before, USER, D(2025, 1, 6), end=FIRST - DAY, reason=EndReason.RELAPSE)
    world.measure(ended_on_first, USER, D(2025, 1, 6), end=FIRST, reason=EndReason.RELAPSE)
    world.measure(running, USER, D(2025, 1, 6))
    world.service(ended_before, "vocational_training", FIRST)  # not sanctioned in the period
    world.service(ended_on_first, "vocational_training", FIRST)  # the period's first day: supported
    world.service(running, "vocational_training", FIRST - DAY)  # the day before: not
    q3 = both(phu_thuong)
    supported = q3.row("support.sanctioned_supported").figure
    assert (q3.value("people.sanctioned"), supported.numerator, supported.denominator) == (2, 1, 2)
    assert both(phu_thuong, "2025Q2").value("support.sanctioned_supported") == 33.3  # all three; June 30 in Q2


def test_a_transfer_is_in_the_next_report(world, phu_thuong, ba_dinh, hai_chau, ha_noi):
    person = world.person(phu_thuong)
    world.measure(person, POST, D(2025, 1, 6))
    world.transfer(person, ba_dinh, D(2025, 8, 15))
    assert both(phu_thuong).value("people.registered") == 0
    assert both(ba_dinh).value("people.post_rehab") == 1
    province = both(ha_noi)
    assert (child(province, phu_thuong)["people.registered"], child(province, ba_dinh)["people.registered"]) == (0, 1)
    assert both(phu_thuong, "2025-07").value("people.registered") == 1
    world.transfer(person, hai_chau, LAST)  # to another province on the last day
    assert both(ha_noi).value("people.registered") == 0
    assert both(hai_chau).value("people.post_rehab") == 1
    nation = both(OrgUnit.objects.get(level=OrgUnit.Level.NATION), trend=2)
    assert nation.value("people.registered") == 1


def test_services_and_referrals_count_on_the_commune_of_their_day_in_the_next_report(
    world, phu_thuong, ba_dinh, ha_noi
):
    person = world.person(phu_thuong)
    world.measure(person, POST, D(2025, 1, 6))
    service = world.service(person, "emergency_aid", D(2025, 8, 1), amount=1_000_000)
    referral = world.referral(person, D(2025, 7, 1), "completed", D(2025, 8, 20))
    province = both(ha_noi)
    counted = ("support.emergency_aid", "referrals.closed")
    assert [child(province, phu_thuong)[code] for code in counted] == [1, 1]
    assert ServiceUnit.objects.get(pk=service.pk).unit_id == ReferralUnit.objects.get(pk=referral.pk).unit_id
    # A move dated before the referral closed: the referral counts at the new commune, the service stays.
    world.transfer(person, ba_dinh, D(2025, 8, 10))
    province = both(ha_noi)
    assert [child(province, phu_thuong)[code] for code in counted] == [1, 0]
    assert [child(province, ba_dinh)[code] for code in counted] == [0, 1]
    # The units a rebuild works out are those the writes left.
    kept = {(row.pk, row.person_id, row.unit_id) for model in UNITS for row in model.objects.all()}
    status_rebuild()
    assert {(row.pk, row.person_id, row.unit_id) for model in UNITS for row in model.objects.all()} == kept
    # A service deleted is gone from the next report, and its unit with it.
    service.delete()
    assert child(both(ha_noi), phu_thuong)["support.emergency_aid"] == 0
    assert not ServiceUnit.objects.exists()


def test_members_attendance_contacts_and_assessments_are_in_the_next_report(world, phu_thuong, ha_noi):
    club = world.model(phu_thuong, "post_rehab_club", D(2024, 9, 16))
    member, other = world.person(phu_thuong), world.person(phu_thuong)
    joined = world.join(club, member, D(2025, 6, 1))
    world.join(club, other, D(2025, 8, 20))
    world.session(club, D(2025, 7, 10), [joined])
    members = ("members.total", "members.regular", "members.counselled", "members.progressing", "members.drug_free")
    assert [both(ha_noi).value(code) for code in members] == [2, 50.0, 0.0, 0.0, 0.0]
    # A session the first attends and the second does not, a contact, assessments: each in the next report.
    session = world.session(club, D(2025, 9, 10), [joined])
    world.contact(other, LAST)
    world.assess(member, D(2025, 7, 1), rating="poor", drug_use="suspected")
    world.assess(member, D(2025, 9, 1), rating="good")
    assert [both(ha_noi).value(code) for code in members] == [2, 50.0, 50.0, 50.0, 0.0]
    assert MemberMonth.objects.filter(membership=joined, month=SEPTEMBER).values_list("attended", "held").get() == (
        2, 2,
    )  # fmt: skip
    # The session removed, the first member leaving before the quarter's end, a rebuild: the same rows as the writes.
    session.delete()
    world.leave(joined, LAST - datetime.timedelta(days=1))
    assert [both(ha_noi).value(code) for code in members] == [1, 0.0, 100.0, 0.0, 0.0]
    kept = Counter(MemberMonth.objects.values_list(*[f.attname for f in MemberMonth._meta.concrete_fields][1:]))
    status_rebuild()
    assert Counter(MemberMonth.objects.values_list(*[f.attname for f in MemberMonth._meta.concrete_fields][1:])) == kept


def test_leaving_the_roster_and_coming_back_are_in_the_next_report(world, phu_thuong):
    person = world.person(phu_thuong)
    world.take_off(person, D(2025, 8, 1))
    assert both(phu_thuong).value("people.registered") == 0
    assert both(phu_thuong, "2025-07").value("people.registered") == 1
    world.rejoin(person, D(2025, 9, 5))
    assert both(phu_thuong).value("people.registered") == 1
    assert both(phu_thuong, "2025-08").value("people.registered") == 0


def test_a_death_is_in_the_next_report(world, phu_thuong):
    person = world.person(phu_thuong)
    world.measure(person, POST, D(2025, 1, 6))
    world.die(person, D(2025, 9, 12))
    q3 = both(phu_thuong)
    assert (q3.value("people.registered"), q3.value("people.post_rehab")) == (0, 0)
    assert both(phu_thuong, "2025-08").value("people.post_rehab") == 1


def test_a_merge_is_in_the_next_report(world, phu_thuong, ha_noi):
    keep = world.person(phu_thuong, name="Nguyễn Văn An")
    duplicate = world.person(phu_thuong, D(2024, 5, 6), name="Nguyễn Văn An")
    world.measure(duplicate, POST, D(2025, 2, 1))
    province = both(ha_noi)
    assert (province.value("people.registered"), province.value("people.post_rehab")) == (2, 1)
    world.merge(keep, duplicate)
    province = both(ha_noi)
    assert (province.value("people.registered"), province.value("people.post_rehab")) == (1, 1)
    assert child(province, phu_thuong)["people.registered"] == 1
    assert not MonthlyStatus.objects.filter(person=duplicate).exists()


def test_a_service_types_category_changed_is_in_the_next_report(world, phu_thuong):
    person = world.person(phu_thuong)
    world.measure(person, USER, D(2025, 1, 6))
    world.service(person, "other", D(2025, 8, 5))
    assert both(phu_thuong).value("support.sanctioned_supported") == 0.0
    other = ServiceType.objects.get(code="other")
    other.category = ServiceCategory.TRAINING  # as an administrator would, in the admin
    other.save()
    assert stale() == [person.pk]
    assert both(phu_thuong).value("support.sanctioned_supported") == 100.0


# --- the marks, the refresh after the commit and before a report reads ---------------------------------------


def test_a_write_marks_its_person_in_its_transaction_and_the_commit_redoes_the_rows(
    world, phu_thuong, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = world.person(phu_thuong, D(2025, 3, 4))
    assert stale() == []
    assert row(person).where_at == Whereabouts.AT_RESIDENCE
    last = horizon()
    assert last is not None
    months = (last.year - 2025) * 12 + last.month - 3 + 1  # March 2025 to the horizon
    assert MonthlyStatus.objects.filter(person=person).count() == months

    with django_capture_on_commit_callbacks() as callbacks:
        world.whereabouts(person, Whereabouts.IN_FACILITY, D(2025, 8, 1))
    assert stale() == [person.pk]  # written with the record
    assert row(person).where_at == Whereabouts.AT_RESIDENCE  # not redone before the commit
    assert callbacks
    for callback in callbacks:  # the commit
        callback()
    assert stale() == []
    assert row(person).where_at == Whereabouts.IN_FACILITY


def test_a_write_rolled_back_or_refused_leaves_no_mark(world, phu_thuong):
    person = world.person(phu_thuong, D(2025, 3, 4))
    both(phu_thuong)
    assert stale() == []
    with transaction.atomic():
        world.whereabouts(person, Whereabouts.UNKNOWN, D(2025, 9, 1))
        assert stale() == [person.pk]
        transaction.set_rollback(True)
    assert stale() == []
    with pytest.raises(ValidationError):
        world.whereabouts(person, Whereabouts.UNKNOWN, TODAY + 400 * DAY)
    assert stale() == []


def test_marks_left_by_a_commit_that_never_refreshed_are_redone_before_a_report_reads(world, phu_thuong):
    """The test's transaction never commits: the marks stay, as after a process that died before its refresh."""
    person = world.person(phu_thuong, D(2025, 3, 4))
    world.whereabouts(person, Whereabouts.UNKNOWN, D(2025, 9, 1))
    assert stale() == [person.pk]
    assert not MonthlyStatus.objects.filter(person=person).exists()
    assert both(phu_thuong).value("people.whereabouts_unknown") == 1
    assert stale() == []
    assert row(person).where_at == Whereabouts.UNKNOWN


def test_many_people_marked_at_once_are_redone_by_the_task(world, phu_thuong, django_capture_on_commit_callbacks):
    enqueued: list[str] = []
    finished: list[Any] = []

    def on_enqueued(sender: Any, task_result: Any, **kwargs: Any) -> None:
        enqueued.append(task_result.task.name)

    def on_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
        finished.append((task_result.task.name, task_result.status, task_result.return_value))

    task_enqueued.connect(on_enqueued)
    task_finished.connect(on_finished)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():  # one import
            people = world.people(phu_thuong, AT_ONCE + 1, D(2025, 3, 4))
        assert enqueued == [status_refresh_task.name]
        assert finished == [(status_refresh_task.name, "SUCCESSFUL", AT_ONCE + 1)]
        assert stale() == []
        assert MonthlyStatus.objects.filter(month=SEPTEMBER, unit=phu_thuong).count() == AT_ONCE + 1

        enqueued.clear()
        with django_capture_on_commit_callbacks(execute=True):
            world.whereabouts(people[0], Whereabouts.UNKNOWN, D(2025, 9, 1))
        assert enqueued == []  # a few people: redone right after the commit
        assert stale() == [] and row(people[0]).where_at == Whereabouts.UNKNOWN
    finally:
        task_enqueued.disconnect(on_enqueued)
        task_finished.disconnect(on_finished)
    q3 = both(phu_thuong)
    assert (q3.value("people.registered"), q3.value("people.whereabouts_unknown")) == (AT_ONCE + 1, 1)


# --- the rebuild, the command, the horizon -----------------------------------------------------------------------


def small_world(world: World, phu_thuong: OrgUnit, ba_dinh: OrgUnit) -> list[Person]:
    """A few people with one record of each kind, written one transaction after another."""
    a, b, c, d, e = (world.person(phu_thuong, D(2024, 6, 3 + i)) for i in range(5))
    world.measure(a, POST, D(2024, 9, 2))
    world.assign(a, world.volunteer(phu_thuong), D(2025, 1, 6))
    world.assess(a, D(2025, 7, 1))
    world.classify(a, 2025, 3, "fair")
    world.service(a, "job_placement", D(2025, 2, 3))
    world.measure(b, USER, D(2025, 3, 3), end=D(2025, 8, 8), reason=EndReason.RELAPSE)
    world.service(b, "vocational_training", D(2025, 4, 1))
    world.whereabouts(b, Whereabouts.DETAINED, D(2025, 8, 8))
    world.transfer(c, ba_dinh, D(2025, 8, 15))
    world.take_off(d, D(2025, 5, 5))
    world.die(e, D(2025, 10, 10))
    world.merge(a, world.person(phu_thuong, D(2025, 1, 2)))
    return [a, b, c, d, e]


def test_a_rebuild_gives_the_rows_the_writes_gave(world, phu_thuong, ba_dinh, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        small_world(world, phu_thuong, ba_dinh)
    assert stale() == []
    incremental = table()
    assert incremental
    people, rows = status_rebuild(last_month=horizon())
    assert table() == incremental
    assert (people, rows) == (5, sum(incremental.values()))  # the merged record has no rows


@time_machine.travel(datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC), tick=False)
def test_the_rebuild_command(world, phu_thuong, ba_dinh, ha_noi):
    small_world(world, phu_thuong, ba_dinh)
    out = StringIO()
    call_command("status_rebuild", stdout=out)
    found = re.fullmatch(r"Monthly status rows rebuilt: 5 people, (\d+) rows in \d+\.\d s\.\n", out.getvalue())
    assert found, out.getvalue()
    assert int(found[1]) == MonthlyStatus.objects.count() and stale() == []
    assert horizon() == D(2026, 12, 1)
    both(ha_noi, Q3, trend=4)

    out = StringIO()
    call_command("status_rebuild", "--until", "2025-08", verbosity=2, stdout=out)
    *progress, last = out.getvalue().splitlines()
    assert progress and all(re.fullmatch(r"  \d people, \d+ rows, \d+ s", line) for line in progress), progress
    assert progress[-1].startswith("  5 people, ") and last.startswith("Monthly status rows rebuilt: 5 people, ")
    assert horizon() == D(2025, 8, 1)
    assert not MonthlyStatus.objects.filter(month__gt=D(2025, 8, 1)).exists()
    both(ha_noi, "2025-08")


def test_a_month_beyond_the_horizon_is_read_from_the_records(world, phu_thuong, ba_dinh, ha_noi):
    small_world(world, phu_thuong, ba_dinh)
    status_rebuild(last_month=D(2025, 8, 1))
    for code in (Q3, "2025-09", "2025"):
        fast, used = read(ha_noi, code)
        assert not used, code
        assert figures(fast) == figures(read(ha_noi, code, rows=False)[0])
        # The trend's earlier periods within the horizon read the rows: the same figures too.
        assert figures(read(ha_noi, code, trend=3)[0]) == figures(read(ha_noi, code, rows=False, trend=3)[0])
    both(ha_noi, "2025-08", trend=3)
    assert both(phu_thuong, "2025Q2").value("people.registered") == 4  # d left on 05/05; the duplicate is merged


def test_the_horizon_moves_at_a_new_year(world, phu_thuong):
    person = world.person(phu_thuong, D(2025, 3, 4))
    world.measure(person, POST, D(2025, 6, 2))
    status_rebuild(last_month=D(2026, 12, 1))
    january = D(2027, 1, 2)
    with time_machine.travel(datetime.datetime(2027, 1, 2, 3, tzinfo=datetime.UTC), tick=False):
        fast, used = read(phu_thuong, "2027-01", today=january)
        assert not used  # not yet worked out: read from the records
        assert figures(fast) == figures(read(phu_thuong, "2027-01", rows=False, today=january)[0])
        assert fast.value("people.post_rehab") == 1
        status_extend_task.enqueue()  # the daily task
        assert horizon() == D(2027, 12, 1)
        assert both(phu_thuong, "2027-01", today=january).value("people.post_rehab") == 1
        assert row(person, D(2027, 12, 1)).ep_post_rehab
        assert status_extend() is False  # once a year


def test_fewer_people_than_at_once_are_redone_after_the_commit(world, phu_thuong, django_capture_on_commit_callbacks):
    """`AT_ONCE` counts people, not marks (a registration writes two)."""
    enqueued = []

    def on_enqueued(sender: Any, task_result: Any, **kwargs: Any) -> None:
        enqueued.append(task_result.task.name)

    task_enqueued.connect(on_enqueued)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            world.people(phu_thuong, AT_ONCE // 2 + 1, D(2025, 3, 4))
    finally:
        task_enqueued.disconnect(on_enqueued)
    assert enqueued == []
    assert not StatusStale.objects.exists()


@pytest.mark.parametrize("until", ["2025-13", "2025", "abc"])
def test_a_bad_until_is_refused_with_a_message(until):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("status_rebuild", "--until", until)
