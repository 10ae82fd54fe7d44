"""The demo's case work: teams, assignments and a year of work, written through the services.

It reads the whole demo made once for this folder on a fixed day (conftest.py), so the counts do
not move with the calendar; each test reads it inside its own rolled-back transaction.
"""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from donghanh.accounts.models import User
from donghanh.casework import choices
from donghanh.casework.models import (
    Assignment,
    Contact,
    InstrumentRecord,
    MonthlyAssessment,
    PlanGoal,
    QuarterlyClassification,
    ReintegrationPlan,
    Volunteer,
    VolunteerTeam,
)
from donghanh.casework.selectors import coverage, people_assigned_to
from donghanh.casework.worklist import work_list
from donghanh.core.dates import month_start, shift_month_start
from donghanh.demo.casework import TEAMS, TNV_PEOPLE, WAITING
from donghanh.demo.communes import HAI_CHAU, PHU_THUONG
from donghanh.demo.tests.whole.conftest import TODAY

CASEWORK = (Assignment, Contact, MonthlyAssessment, QuarterlyClassification, ReintegrationPlan, PlanGoal)

pytestmark = pytest.mark.django_db


def user(username: str) -> User:
    found: User = User.objects.get(username=username)
    return found


def test_each_demo_commune_has_a_team_of_varied_volunteers(unit: Any) -> None:
    for code, spec in TEAMS.items():
        [team] = VolunteerTeam.objects.filter(unit=unit(code))
        volunteers = Volunteer.objects.filter(team=team)
        assert volunteers.count() == len(spec.volunteers), code
        assert 6 <= volunteers.count() <= 10
        assert volunteers.filter(end_date__isnull=False).count() == {PHU_THUONG: 2, HAI_CHAU: 1}[code]
        assert all(v.phone and v.hamlet and v.training and v.birth_year for v in volunteers)
    affiliations = set(Volunteer.objects.filter(team__unit=unit(PHU_THUONG)).values_list("affiliation", flat=True))
    assert affiliations == set(choices.Affiliation.values)
    mine = Volunteer.objects.get(user=user("tnv.phuthuong"))
    assert (mine.full_name, mine.team.unit.code) == ("Vũ Minh Tâm", PHU_THUONG)


def test_coverage_shows_the_new_volunteer_idle_and_people_waiting_since_theirs_stopped(unit: Any) -> None:
    for code, idle in [(PHU_THUONG, "Hoàng Anh Tuấn"), (HAI_CHAU, "Nguyễn Văn Tư")]:
        cover = coverage(user(TEAMS[code].officer), unit(code), TODAY)
        assert [v.full_name for v in cover.idle_volunteers] == [idle]
        without = list(cover.people_without_volunteer)
        assert cover.people_with_volunteer == cover.people - len(without) >= 5
        # Those the case work had helped: their volunteer stopped and nobody took over.
        waiting = [person for person in without if Assignment.objects.filter(person=person).exists()]
        assert len(waiting) == WAITING[code]
        for person in waiting:
            [ended] = Assignment.objects.filter(person=person)
            assert ended.end_date is not None and ended.volunteer.end_date == ended.end_date
            assert person.contacts.latest("date").date < TODAY - datetime.timedelta(days=30)
        # The others came after the case work (Đà Nẵng's clubs registered Hải Châu's young members): never assigned.
        assert all(person.contacts.count() == 0 for person in without if person not in waiting)
    assert len(without) > WAITING[HAI_CHAU]


def test_tnv_phuthuong_helps_five_people_and_people_were_reassigned() -> None:
    tnv = user("tnv.phuthuong")
    assert people_assigned_to(tnv, TODAY).count() == TNV_PEOPLE
    reassigned = Assignment.objects.filter(end_date__isnull=False, person__assignments__end_date__isnull=True)
    # The reasons are encrypted at rest: compared here, not in the query.
    assert [a.end_reason for a in reassigned].count("Chuyển cho tình nguyện viên cùng tổ dân phố.") == 1
    assert reassigned.filter(volunteer__end_date__isnull=False).distinct().count() == 2  # the day after theirs left
    for ended in reassigned:
        [later] = Assignment.objects.filter(person=ended.person, end_date__isnull=True)
        assert later.start_date == ended.end_date + datetime.timedelta(days=1)
    # People whose measure ended in the year had a volunteer until then.
    assert [a.end_reason for a in Assignment.objects.all()].count("Đã chấp hành xong biện pháp quản lý.") >= 2


def test_the_work_lists_show_what_is_due() -> None:
    mine = Counter(item.kind for item in work_list(user("tnv.phuthuong"), TODAY))
    assert mine == {"assessment_due": 3, "assessment_overdue": 1, "follow_up": 1}
    officer = Counter(item.kind for item in work_list(user("xa.phuthuong"), TODAY))
    assert officer["unassigned"] == WAITING[PHU_THUONG] and officer["idle_volunteer"] == 1
    assert officer["no_contact"] == WAITING[PHU_THUONG] and officer["follow_up"] == 2
    assert officer["quarter_to_confirm"] == 4 and officer["assessment_due"] >= 3  # two not assessed all Q3 long


def test_a_year_of_contacts_with_notes_and_next_steps() -> None:
    contacts = Contact.objects.all()
    first = TODAY - datetime.timedelta(days=364)
    assert all(first <= c.date <= TODAY and c.notes for c in contacts)
    # Messages by SMS or Zalo come with the support, after the person's consent (test_support).
    assert {c.mode for c in contacts} == set(choices.ContactMode.values)
    assert {t for c in contacts for t in c.topics} == set(choices.Topic.values)
    per_month = Counter((c.person_id, c.date.year, c.date.month) for c in contacts)
    assert max(per_month.values()) <= 4  # one to three, and one more to close the year
    assert {c.recorded_by.username for c in contacts} == {
        "xa.phuthuong",
        "tnv.phuthuong",
        "yte.phuthuong",
        "xa.haichau",
    }
    mine = Volunteer.objects.get(user__username="tnv.phuthuong")
    assert all(c.volunteer == mine for c in contacts.filter(recorded_by__username="tnv.phuthuong"))
    # Someone followed for the whole year was seen in every month of it.
    months = Counter(person for person, _year, _month in per_month)
    assert max(months.values()) >= 12


def test_monthly_assessments_and_quarterly_classifications() -> None:
    assessments = MonthlyAssessment.objects.all()
    assert all(shift_month_start(month_start(TODAY), -11) <= a.month <= month_start(TODAY) for a in assessments)
    assert len({a.rating.code for a in assessments}) == 4
    uses = Counter(assessments.values_list("drug_use", flat=True))
    assert uses["confirmed"] == 2 and uses["suspected"] >= 2 and uses["none"] > 10 * uses["suspected"]
    for confirmed in assessments.filter(drug_use="confirmed"):
        [test] = confirmed.drug_tests.all()
        assert test.is_positive and test.date.replace(day=1) == confirmed.month
        assert confirmed.assessed_by.username in ("xa.phuthuong", "xa.haichau")
    assert assessments.filter(assessed_by__username="tnv.phuthuong").exists()
    classifications = QuarterlyClassification.objects.select_related("derived", "level")
    overridden = [c for c in classifications if c.overridden]
    assert len(overridden) == 2 and all(c.override_reason and c.derived for c in overridden)
    assert classifications.count() > 40


def test_plans_and_instruments() -> None:
    plans = ReintegrationPlan.objects.all()
    assert Counter(p.person.unit.code for p in plans) == {PHU_THUONG: 5, HAI_CHAU: 3}
    assert plans.filter(status="closed").count() == 2
    goals = PlanGoal.objects.all()
    assert len({g.domain for g in goals}) >= 5 and len({g.status for g in goals}) == 4
    late = goals.filter(review_date__lt=TODAY, plan__status="active")
    assert late.count() == 2 and {g.status for g in late} == {"in_progress"}
    barc = InstrumentRecord.objects.filter(instrument="barc10").order_by("person", "date")
    by_person: dict[int, list[int]] = {}
    for record in barc:
        by_person.setdefault(record.person_id, []).append(record.score)
    assert len(by_person) == 5 and all(2 <= len(s) <= 4 and s == sorted(s) and s[0] < s[-1] for s in by_person.values())
    assist = InstrumentRecord.objects.filter(instrument="assist")
    assert assist.count() == 4 and {r.recorded_by.username for r in assist} == {"yte.phuthuong"}


def test_every_record_was_written_by_a_service_naming_its_actor() -> None:
    for model in (*CASEWORK, Volunteer, VolunteerTeam, InstrumentRecord):
        created = model.history.filter(history_type="+")
        assert created.count() == model.objects.count() > 0, model
        assert not model.history.filter(history_user=None).exists(), model
    keepers = set(Volunteer.history.values_list("history_user__username", flat=True))
    assert keepers == {"xa.phuthuong", "xa.haichau"}


def test_a_second_run_creates_nothing_new() -> None:
    models = (*CASEWORK, Volunteer, VolunteerTeam, InstrumentRecord)
    before = [model.objects.count() for model in models]
    visits = Contact.objects.exclude(mode__in=choices.MESSAGE_MODES).count()
    out = StringIO()
    call_command("demo_data", stdout=out)  # builds the support too, with its messages to people who agreed to them
    assert [model.objects.count() for model in models if model is not Contact] == [
        count for model, count in zip(models, before, strict=True) if model is not Contact
    ]
    assert Contact.objects.exclude(mode__in=choices.MESSAGE_MODES).count() == visits
    summary = out.getvalue()
    assert "Demo case work (already there, none added):" in summary
    assert "Phường Phú Thượng: 10 volunteers (8 active, 1 helping nobody)" in summary
