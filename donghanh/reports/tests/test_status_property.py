"""Random small worlds written through the services: the reports read from the monthly status rows give the
same figures as the straightforward computation from the records (`REPORTS_STATUS_ROWS = False`).

A world is 2 or 3 communes of Hà Nội and 1 to 8 people registered over two years, then measures of every type opened
and closed, whereabouts, volunteers assigned and unassigned, monthly assessments, quarterly classifications,
services of several categories (jobs with their ends), referrals closed, members of clubs joining and leaving,
sessions with some of them present, contacts, moves, leaving the roster and coming back, deaths, merges and a
service type's category changed, in the order of their dates. A step the services refuse (a `ValidationError`: a
measure overlapping another, a move before the period's start…) is skipped, as an officer's mistake would be. Each
write is followed by its commit's refresh, or the rows are left stale for the report to redo, as the example draws.
Then reports for a few periods (a month, a quarter, a year) and units (a commune, the province, the nation), with
their breakdown and trend, are compared figure by figure: the first with every indicator, the others with those of
the families the rows answer for; any difference fails with the world's steps. Last, a rebuild must give the rows
the writes left. Each example runs in a savepoint rolled back at its end.
"""

from __future__ import annotations

import datetime
import os
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donghanh.accounts.models import RoleAssignment, User
from donghanh.accounts.roles import Role
from donghanh.casework import services as casework
from donghanh.casework.models import Assignment, Volunteer
from donghanh.casework.selectors import rating_scale_for
from donghanh.community import services as community
from donghanh.community.choices import SessionKind
from donghanh.community.models import Membership, ModelType
from donghanh.core.dates import month_end, month_start, quarter_of, shift_month_start
from donghanh.core.periods import MONTH, QUARTER, YEAR, period_of
from donghanh.episodes.choices import FACILITY_TYPES, EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.services import episode_close, episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import RosterExit, Sex, Whereabouts
from donghanh.people.models import Person
from donghanh.people.roster import roster_leave, roster_rejoin
from donghanh.people.services import person_merge, person_register, person_transfer, whereabouts_record
from donghanh.privacy.choices import Purpose
from donghanh.privacy.consent import consent_record
from donghanh.reports.engine import build_report
from donghanh.reports.indicators import FAMILIES, context_for
from donghanh.reports.models import MonthlyStatus
from donghanh.reports.status.store import UNITS, horizon, status_rebuild, status_refresh
from donghanh.reports.tests.test_status_rows import figures, reads_rows
from donghanh.roster.death import death_record
from donghanh.support import services as support
from donghanh.support.choices import ServiceCategory
from donghanh.support.models import Referral, ServiceRecord, ServiceType

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = datetime.timedelta(days=1)
COMMUNES = ("00091", "00004", "00008")  # Phú Thượng, Ba Đình, Ngọc Hà: communes of Hà Nội
FIRST, LAST = D(2024, 7, 1), D(2026, 6, 30)  # the world's records are dated within these two years
READ_UNTIL = D(2026, 11, 30)  # reports read periods up to this month (the horizon is December of this year)
TODAY = D(2026, 11, 22)
SERVICES = ("vocational_training", "job_referral", "job_placement", "emergency_aid", "preferential_loan", "other")
ENDS = (EndReason.COMPLETED, EndReason.RELAPSE, EndReason.DETAINED, EndReason.WITHDREW, EndReason.OTHER)
CATEGORIES = (ServiceCategory.TRAINING, ServiceCategory.JOB_PLACEMENT, ServiceCategory.JOB_REFERRAL,
              ServiceCategory.EMERGENCY_AID, ServiceCategory.OTHER)  # fmt: skip
LEVELS = ("good", "fair", "average", "poor")
KINDS = ("measure", "measure", "whereabouts", "assign", "assess", "assess", "classify", "service", "service",
         "referral", "join", "join", "session", "session", "contact", "transfer", "leave", "rejoin", "die", "merge",
         "category")  # fmt: skip
CLOSINGS = ("completed", "declined", "lost")
ROWS_FAMILIES = ("people", "services", "referrals", "members")  # the families that read what the status rows keep
# Ten worlds in the suite (15–45 s per database on this machine); STATUS_PROPERTY_EXAMPLES=500 searches longer.
EXAMPLES = int(os.environ.get("STATUS_PROPERTY_EXAMPLES", "10"))

Step = tuple[Any, ...]  # (date, kind, arguments…)


def days(first: datetime.date, last: datetime.date) -> st.SearchStrategy[datetime.date]:
    """A day from `first` to `last`, often a month's first or last day (where periods begin and end)."""
    any_day = st.integers(0, (last - first).days).map(lambda n: first + n * DAY)
    edge = st.one_of(any_day.map(month_start), any_day.map(month_end)).map(lambda day: min(max(day, first), last))
    return any_day | edge


lasting = st.none() | st.integers(0, 420)  # how long something lasts (None: still running)


def _until(start: datetime.date, length: int | None) -> datetime.date | None:
    return None if length is None else min(start + length * DAY, LAST)


def _assessments(draw: Any, p: int, day: datetime.date, months: int) -> list[Step]:
    """Monthly assessments of `months` months from `day`'s, a month now and then skipped."""
    runs = [shift_month_start(day, i) for i in range(months) if draw(st.integers(0, 4))]
    return [(max(month, day), "assess", p) for month in runs if month <= LAST]


@st.composite
def events(draw: Any, registered: list[datetime.date], communes: int) -> list[Step]:
    """One thing that happens to somebody after they were registered, and its end when it has one: one or two
    steps."""
    who = st.integers(0, len(registered) - 1)
    p = draw(who)
    day = draw(days(registered[p], LAST))
    kind = draw(st.sampled_from(KINDS))
    if kind == "measure":  # often assessed every month from its start, as case work follows it
        episode_type, length = draw(st.sampled_from(EpisodeType.values)), draw(lasting)
        steps: list[Step] = [(day, "measure", p, episode_type)]
        if (end := _until(day, length)) is not None:
            steps.append((end, "close", p, episode_type, draw(st.sampled_from(ENDS))))
        return steps + _assessments(draw, p, day, draw(st.integers(0, 8)))
    if kind == "whereabouts":
        return [(day, "whereabouts", p, draw(st.sampled_from(Whereabouts.values)))]
    if kind == "assign":
        steps = [(day, "assign", p)]
        if (end := _until(day, draw(lasting))) is not None:
            steps.append((end, "unassign", p))
        return steps
    if kind == "assess":
        return _assessments(draw, p, day, draw(st.integers(1, 6)))
    if kind == "classify":
        return [(day, "classify", p, draw(st.sampled_from(LEVELS)))]
    if kind == "service":
        code = draw(st.sampled_from(SERVICES))
        steps = [(day, "service", p, code)]
        if (end := _until(day, draw(lasting))) is not None:
            steps.append((end, "service_end", p, code))
        return steps
    if kind == "referral":  # sent, then closed some days later (when still on record by then)
        closed = _until(day, draw(st.integers(0, 120)))
        return [(day, "referral", p), (closed, "referral_close", p, draw(st.sampled_from(CLOSINGS)))]
    if kind == "join":  # the club of the person's commune that day, left some days later or not
        steps = [(day, "join", p)]
        if (end := _until(day, draw(lasting))) is not None:
            steps.append((end, "member_leave", p))
        return steps
    if kind == "session":  # at a club: the members present drawn by their numbers
        return [(day, "session", draw(st.integers(0, communes - 1)), draw(st.sets(who, max_size=4)))]
    if kind == "contact":
        return [(day, "contact", p)]
    if kind == "transfer":
        return [(day, "transfer", p, draw(st.integers(0, communes - 1)))]
    if kind == "leave":
        return [(day, "leave", p, draw(st.sampled_from([RosterExit.REMOVED, RosterExit.MOVED_ABROAD])))]
    if kind == "merge":
        return [(day, "merge", p, draw(who))]
    if kind == "category":
        return [(day, "category", draw(st.sampled_from(["other", "emergency_aid"])), draw(st.sampled_from(CATEGORIES)))]
    return [(day, kind, p)]  # rejoin, die


@st.composite
def worlds(draw: Any) -> dict[str, Any]:
    communes = draw(st.integers(2, 3))
    registered = draw(st.lists(days(FIRST, LAST - 90 * DAY), min_size=1, max_size=8))
    registrations = [
        (day, "register", p, draw(st.integers(0, communes - 1)), draw(st.sampled_from(Whereabouts.values)))
        for p, day in enumerate(registered)
    ]
    happenings = draw(st.lists(events(registered, communes), min_size=3, max_size=20))
    steps = sorted(registrations + [step for group in happenings for step in group], key=lambda step: step[0])
    # Rows redone after each commit, or left stale for the report to redo (which hides a write that left no mark).
    refresh = draw(st.sampled_from([True, True, False]))
    return {"communes": communes, "steps": steps, "refresh_after_commit": refresh}


Read = tuple[str, datetime.date, str, int, datetime.date]  # period kind, a day in it, unit, trend, read on


@st.composite
def scenarios(draw: Any) -> tuple[dict[str, Any], list[Read]]:
    """A world and the reports to compare: for each, the period's kind and a day in it (mostly soon after one of
    the world's steps), the unit, the trend's length, and the day it is read (early days leave the last months'
    assessments not yet due). What the reports read is drawn first, so that examples differ by their worlds."""
    wanted = draw(
        st.lists(
            st.tuples(
                st.sampled_from([MONTH, QUARTER, YEAR]),
                st.integers(0, 10_000) | st.none(),  # one of the world's steps, or any day
                st.integers(0, 100),
                days(FIRST - 31 * DAY, READ_UNTIL),
                st.sampled_from(["commune", "province", "nation"]),
                st.integers(1, 3),
                st.integers(-20, 60),
            ),
            min_size=2,
            max_size=4,
        )
    )
    world = draw(worlds())
    checks = []
    for kind, step, after, anyday, unit, trend, late in wanted:
        day = anyday if step is None else min(world["steps"][step % len(world["steps"])][0] + after * DAY, READ_UNTIL)
        today = min(period_of(kind, day).last + late * DAY, TODAY)
        checks.append((kind, day, unit, trend, today))
    return world, checks


class Builder:
    """Writes a world's steps through the services, as an officer of every commune of the world."""

    def __init__(self, communes: list[OrgUnit]) -> None:
        self.communes = communes
        self.officer = User.objects.create_user(
            username=f"property.{User.objects.count() + 1}", password="Mat-khau-thu-2026", full_name="Cán bộ xã"
        )
        for unit in communes:
            RoleAssignment.objects.create(user=self.officer, role=Role.COMMUNE_OFFICER, unit=unit)
        self.people: dict[int, int] = {}  # the world's person number → Person pk
        self.volunteers: dict[int, Volunteer] = {}
        self.partners: dict[int, Any] = {}
        self.clubs: dict[int, Any] = {}

    def person(self, number: int) -> Person | None:
        pk = self.people.get(number)
        return Person.objects.select_related("unit").get(pk=pk) if pk is not None else None

    def volunteer(self, unit: OrgUnit) -> Volunteer:
        if unit.pk not in self.volunteers:
            team = casework.team_create(
                actor=self.officer, unit=unit, name=f"Đội tình nguyện {unit.name}", established_on=D(2023, 1, 1)
            )
            self.volunteers[unit.pk] = casework.volunteer_add(
                actor=self.officer, team=team, full_name="Trần Thị Hoa", sex="female", affiliation="youth_union",
                start_date=D(2023, 1, 1),
            )  # fmt: skip
        return self.volunteers[unit.pk]

    def apply(self, step: Step) -> str:
        """Write one step; what happened, in words."""
        day, kind, *args = step
        actor = self.officer
        if kind == "register":
            number, commune, whereabouts = args
            person = person_register(
                actor=actor, unit=self.communes[commune], full_name=f"Nguyễn Văn Thử {number}", sex=Sex.MALE,
                birth_year=1990, registered_on=day, whereabouts=whereabouts,
            )  # fmt: skip
            # Referrals need the person's consent (privacy.consent): signed when registered.
            consent_record(
                actor=actor, person=person, purpose=Purpose.REFERRAL_SHARING, given_on=day, method="signed_form",
                form_number=f"{number:02d}/ĐY-2025", given_by="person",
            )  # fmt: skip
            self.people[number] = person.pk
            return f"person {number} = {person.pk}"
        if kind == "session":
            club = self.club(args[0])
            present = Membership.objects.filter(model=club, person_id__in=[self.people.get(n) for n in args[1]])
            running = [m for m in present if m.joined_on <= day and (m.left_on is None or m.left_on >= day)]
            community.session_record(
                actor=actor, model=club, date=day, kind=SessionKind.REGULAR, present=running, topic="Sinh hoạt"
            )
            return "done"
        if kind == "category":
            code, category = args
            service_type = ServiceType.objects.get(code=code)
            service_type.category = category
            service_type.save()
            return "changed"
        found = self.person(args[0])
        if found is None or found.merged_into_id is not None:
            return "skipped: no such person"
        person = found
        if kind == "measure":
            in_facility = args[1] in FACILITY_TYPES | {EpisodeType.METHADONE}
            fields: dict[str, Any] = {"facility": "Cơ sở cai nghiện số 2"} if in_facility else {}
            episode_open(actor=actor, person=person, episode_type=args[1], start_date=day, **fields)
        elif kind == "close":
            episode = Episode.objects.filter(person=person, episode_type=args[1], actual_end_date__isnull=True).first()
            if episode is None:
                return "skipped: not open"
            episode_close(actor=actor, episode=episode, end_date=day, end_reason=args[2])
        elif kind == "whereabouts":
            whereabouts_record(actor=actor, person=person, status=args[1], since=day)
        elif kind == "assign":
            casework.assignment_make(actor=actor, person=person, volunteer=self.volunteer(person.unit), start_date=day)
        elif kind == "unassign":
            assignment = Assignment.objects.filter(person=person, end_date__isnull=True).first()
            if assignment is None:
                return "skipped: not assigned"
            casework.assignment_end(actor=actor, assignment=assignment, end_date=day)
        elif kind == "assess":
            level = rating_scale_for(person.unit).levels.get(code="fair")
            casework.assessment_submit(
                actor=actor, person=person, month=month_start(day), drug_use="none", participation="full",
                work_status="casual", family_relations="good", compliance="complies", rating=level,
            )  # fmt: skip
        elif kind == "classify":
            year, quarter = quarter_of(day)
            casework.classification_confirm(
                actor=actor, person=person, year=year, quarter=quarter,
                level=rating_scale_for(person.unit).levels.get(code=args[1]), reason="Theo đánh giá của ban chủ nhiệm",
            )  # fmt: skip
        elif kind == "service":
            self.service(person, args[1], day)
        elif kind == "service_end":
            open_records = ServiceRecord.objects.filter(person=person, service_type__code=args[1], end_date=None)
            record = open_records.order_by("-start_date", "-pk").first()
            if record is None:
                return "skipped: none running"
            support.service_update(expected_version=record.version, actor=actor, record=record, end_date=day)
        elif kind == "referral":
            support.referral_send(
                actor=actor, person=person, partner=self.partner(person.unit), kind="employment",
                reason="Giới thiệu việc làm", sent_on=day,
            )  # fmt: skip
        elif kind == "referral_close":
            referral = Referral.objects.filter(person=person, status="sent").order_by("-pk").first()
            if referral is None:
                return "skipped: none open"
            if args[1] == "completed":
                referral = support.referral_change(actor=actor, referral=referral, status="accepted", on=day)
            support.referral_change(actor=actor, referral=referral, status=args[1], on=day)
        elif kind == "join":
            club = self.club(self.communes.index(person.unit))
            community.member_join(actor=actor, model=club, person=person, joined_on=day)
        elif kind == "member_leave":
            membership = Membership.objects.filter(person=person, left_on=None).order_by("pk").first()
            if membership is None:
                return "skipped: not a member"
            community.member_leave(actor=actor, membership=membership, left_on=day, reason="moved")
        elif kind == "contact":
            casework.contact_record(
                actor=actor, person=person, date=day, mode="home_visit", topics=["relapse_prevention"]
            )  # fmt: skip
        elif kind == "transfer":
            person_transfer(actor=actor, person=person, to_unit=self.communes[args[1]], on=day)
        elif kind == "leave":
            roster_leave(
                actor=actor, person=person, on=day, reason=args[1], decision_number="12/QĐ-UBND", note="Xác minh"
            )
        elif kind == "rejoin":
            roster_rejoin(actor=actor, person=person, on=day, note="Phát hiện sử dụng lại")
        elif kind == "die":
            death_record(actor=actor, person=person, died_on=day, source="family")
        elif kind == "merge":
            duplicate = self.person(args[1])
            if duplicate is None or duplicate.merged_into_id is not None:
                return "skipped: no such person"
            person_merge(actor=actor, keep=person, duplicate=duplicate)
        return "done"

    def club(self, commune: int) -> Any:
        if commune not in self.clubs:
            club_type = ModelType.objects.get(code="post_rehab_club")
            self.clubs[commune] = community.model_create(
                actor=self.officer, unit=self.communes[commune], model_type=club_type,
                name=f"Câu lạc bộ {commune}", decision_number="1/QĐ-UBND", decision_date=D(2024, 1, 2),
                decision_body="UBND xã", established_on=D(2024, 1, 2),
            )  # fmt: skip
        return self.clubs[commune]

    def partner(self, unit: OrgUnit) -> Any:
        if unit.pk not in self.partners:
            self.partners[unit.pk] = support.partner_add(
                actor=self.officer, unit=unit, name=f"Công ty May {unit.name}", kind="business", offers_jobs=True,
                offers_training=True,
            )  # fmt: skip
        return self.partners[unit.pk]

    def service(self, person: Person, code: str, day: datetime.date) -> None:
        service_type = ServiceType.objects.get(code=code)
        fields: dict[str, Any] = {}
        if service_type.category in (ServiceCategory.JOB_PLACEMENT, ServiceCategory.LOAN):
            fields["provider_name"] = "Công ty May 10"
        if service_type.category == ServiceCategory.LOAN:
            fields["amount"] = Decimal(40_000_000)
        support.service_record(actor=self.officer, person=person, service_type=service_type, start_date=day, **fields)


def commune(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code, level=OrgUnit.Level.COMMUNE, era=OrgUnit.Era.CURRENT)


def build(world: dict[str, Any], capture: Any) -> list[str]:
    """Write the world's steps; the log of what each did."""
    builder = Builder([commune(code) for code in COMMUNES[: world["communes"]]])
    log = []
    for step in world["steps"]:
        with capture(execute=world["refresh_after_commit"]):
            try:
                outcome = builder.apply(step)
            except ValidationError as refused:
                outcome = f"refused: {'; '.join(refused.messages)[:120]}"
        log.append(f"{step[0]:%d/%m/%Y} {' '.join(map(str, step[1:]))} → {outcome}")
    return log


def differences(rows: dict[str, Any], records: dict[str, Any]) -> list[str]:
    found = []
    for part in ("totals", "trend", "children"):
        for key in sorted(set(rows[part]) | set(records[part]), key=str):
            if rows[part].get(key) != records[part].get(key):
                found.append(f"{part} {key}: rows {rows[part].get(key)} ≠ records {records[part].get(key)}")
    return found


def compare(read: Read, world: dict[str, Any], log: list[str], *, whole: bool) -> None:
    """One report read both ways: every indicator (`whole`), or those of the people family, the only one the status
    rows answer for (the others read the records either way)."""
    kind, day, level, trend, today = read
    period = period_of(kind, day)
    ctx = context_for(period, today)
    codes = None if whole else [i.code for f in ROWS_FAMILIES for i in FAMILIES[f].all_indicators(ctx)]
    unit = {
        "commune": commune(COMMUNES[day.day % world["communes"]]),
        "province": OrgUnit.objects.get(code="01", level=OrgUnit.Level.PROVINCE, era=OrgUnit.Era.CURRENT),
        "nation": OrgUnit.objects.get(level=OrgUnit.Level.NATION),
    }[level]
    with CaptureQueriesContext(connection) as queries:
        fast = build_report(unit, period, today=today, trend=trend, codes=codes)
    assert reads_rows(queries), f"{unit} {period}: the status rows were not read"
    with override_settings(REPORTS_STATUS_ROWS=False):
        slow = build_report(unit, period, today=today, trend=trend, codes=codes)
    found = differences(figures(fast), figures(slow))
    assert not found, "\n".join([f"{unit} {period} read on {today:%d/%m/%Y}:", *found, "The world:", *log])


def table() -> Counter[tuple[Any, ...]]:
    """The status rows (ids aside) and the units of services and referrals."""
    names = [f.attname for f in MonthlyStatus._meta.concrete_fields if not f.primary_key]
    units = [(model.__name__, *row) for model in UNITS for row in model.objects.values_list("pk", "person_id", "unit")]
    return Counter([*MonthlyStatus.objects.values_list(*names), *units])


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenario=scenarios())
def test_the_status_rows_give_the_figures_the_records_give(
    scenario: tuple[dict[str, Any], list[Read]], django_capture_on_commit_callbacks: Any
) -> None:
    world, checks = scenario
    with transaction.atomic():
        log = build(world, django_capture_on_commit_callbacks)
        for i, read in enumerate(checks):
            compare(read, world, log, whole=i == 0)
        # The rows the writes left are those a rebuild gives.
        status_refresh()
        kept = table()
        status_rebuild(last_month=horizon())
        assert table() == kept, "\n".join(["A rebuild gives other rows than the writes. The world:", *log])
        transaction.set_rollback(True)
