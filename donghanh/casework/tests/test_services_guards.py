"""Guards of the case-work services that the pages and the API both rely on."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.casework import services
from donghanh.casework.models import Assignment
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def person(officer, phu_thuong):
    return person_register(actor=officer, unit=phu_thuong, full_name="Nguyễn Văn Hùng", sex=Sex.MALE, birth_year=1990)


def test_an_ended_assignment_cannot_be_ended_again(officer, person, make_user, phu_thuong, assign_volunteer):
    first = assign_volunteer(make_user(Role.VOLUNTEER, phu_thuong), person, start=D(2025, 1, 1))
    assign_volunteer(make_user(Role.VOLUNTEER, phu_thuong), person, start=D(2025, 6, 1))
    first.refresh_from_db()
    assert first.end_date == D(2025, 5, 31)
    with pytest.raises(ValidationError) as refused:
        services.assignment_end(actor=officer, assignment=first, end_date=timezone.localdate())
    assert "31/05/2025" in str(refused.value.message_dict["end_date"])
    assert Assignment.objects.filter(person=person, end_date__isnull=True).count() == 1


def test_a_contact_names_a_volunteer_of_the_person_s_commune(officer, person, make_user, hai_chau, assign_volunteer):
    elsewhere_officer = make_user(Role.COMMUNE_OFFICER, hai_chau)
    there = person_register(
        actor=elsewhere_officer, unit=hai_chau, full_name="Phan Văn Hải", sex=Sex.MALE, birth_year=1988
    )
    other_volunteer = assign_volunteer(make_user(Role.VOLUNTEER, hai_chau), there).volunteer
    with pytest.raises(ValidationError) as refused:
        services.contact_record(
            actor=officer, person=person, date=timezone.localdate(), mode="phone", volunteer=other_volunteer
        )
    assert "volunteer" in refused.value.message_dict


@pytest.mark.parametrize("answers", [["cannabis"], {"cannabis": "yes"}, "text"])
def test_assist_answers_of_the_wrong_shape_are_refused_not_crashed(make_user, phu_thuong, person, answers):
    health = make_user(Role.HEALTH_STAFF, phu_thuong)
    with pytest.raises(ValidationError) as refused:
        services.instrument_record(
            actor=health, person=person, instrument="assist", date=timezone.localdate(), answers=answers
        )
    assert "answers" in refused.value.message_dict


def _assess(actor, person, month, drug_use, tests=()):
    from donghanh.casework.models import RatingLevel

    return services.assessment_submit(
        actor=actor,
        person=person,
        month=month,
        drug_tests=tests,
        drug_use=drug_use,
        participation="full",
        work_status="casual",
        family_relations="good",
        compliance="complies",
        rating=RatingLevel.objects.get(scale__unit__isnull=True, code="poor"),
    )


def test_a_volunteer_correcting_a_month_keeps_the_tests_an_officer_linked(
    officer, person, make_user, phu_thuong, assign_volunteer
):
    from donghanh.people.services import drug_test_add

    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, person, start=D(2025, 1, 1))
    test = drug_test_add(
        actor=officer, person=person, date=D(2025, 9, 10), sample="urine", tested_by="Trạm y tế",
        results={"heroin": "positive"},
    )  # fmt: skip
    _assess(officer, person, D(2025, 9, 1), "confirmed", [test])
    with pytest.raises(ValidationError) as refused:
        _assess(volunteer, person, D(2025, 9, 1), "none")
    assert "drug_use" in refused.value.message_dict
    corrected = _assess(volunteer, person, D(2025, 9, 1), "confirmed")  # other answers change, the test stays
    assert list(corrected.drug_tests.all()) == [test]
    assert corrected.assessed_by == volunteer


def test_a_volunteer_login_must_hold_the_volunteer_role_at_the_commune(officer, make_user, phu_thuong, hai_chau):
    team = services.team_create(actor=officer, unit=phu_thuong, name="Đội TNV Phú Thượng")
    fields = {"full_name": "Vũ Minh Tâm", "sex": "male", "affiliation": "youth_union", "start_date": D(2025, 1, 1)}
    for wrong in (make_user(Role.VOLUNTEER, hai_chau), make_user(Role.COMMUNE_POLICE, phu_thuong)):
        with pytest.raises(ValidationError) as refused:
            services.volunteer_add(actor=officer, team=team, user=wrong, **fields)
        assert "user" in refused.value.message_dict
    right = make_user(Role.VOLUNTEER, phu_thuong)
    assert services.volunteer_add(actor=officer, team=team, user=right, **fields).user == right


def test_an_assessment_may_be_dated_when_it_was_made(officer, person):
    from donghanh.casework.models import RatingLevel

    def submit(month, assessed_on):
        return services.assessment_submit(
            actor=officer, person=person, month=month, assessed_on=assessed_on, drug_use="none",
            participation="full", work_status="casual", family_relations="good", compliance="complies",
            rating=RatingLevel.objects.get(scale__unit__isnull=True, code="good"),
        )  # fmt: skip

    assert submit(D(2025, 9, 1), D(2025, 10, 3)).assessed_on == D(2025, 10, 3)  # in the grace days
    for wrong in (D(2025, 8, 31), timezone.localdate() + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            submit(D(2025, 9, 1), wrong)
        assert "assessed_on" in refused.value.message_dict
