"""Support services: validation of what was given, the stable-job rule, and partners' scope."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from donghanh.accounts.roles import Role
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.support import services
from donghanh.support.models import Partner, ServiceRecord
from donghanh.support.selectors import is_stable_job, stable_jobs_on
from donghanh.support.tests.helpers import kind

pytestmark = pytest.mark.django_db

D = datetime.date


def refused(call, **kwargs):
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value.message_dict


# --- validation ------------------------------------------------------------------------------------


def test_a_loan_needs_its_amount_and_its_bank(officer, person):
    errors = refused(
        services.service_record, actor=officer, person=person, service_type=kind("preferential_loan"),
        start_date=D(2025, 3, 1),
    )  # fmt: skip
    assert set(errors) == {"amount", "provider"}
    loan = services.service_record(
        actor=officer, person=person, service_type=kind("preferential_loan"), start_date=D(2025, 3, 1),
        amount=30_000_000, provider_name="NHCSXH quận Tây Hồ", loan_purpose="Mua máy may", loan_term_months=36,
        repayment_status="current",
    )  # fmt: skip
    assert loan.amount == 30_000_000


@pytest.mark.parametrize(
    ("code", "fields", "field"),
    [
        ("legal_aid", {"amount": 500_000}, "amount"),  # no money in legal aid
        ("emergency_aid", {"amount": 0}, "amount"),
        ("emergency_aid", {"amount": 500_000_001}, "amount"),
        ("emergency_aid", {"loan_term_months": 12}, "loan_term_months"),  # only loans have a term
        ("vocational_training", {"position": "Thợ may"}, "position"),
        ("job_placement", {}, "provider"),  # a job needs its employer
        ("emergency_aid", {"end_date": D(2025, 2, 28)}, "end_date"),
    ],
)
def test_what_does_not_belong_is_refused_on_its_field(officer, person, code, fields, field):
    errors = refused(
        services.service_record, actor=officer, person=person, service_type=kind(code), start_date=D(2025, 3, 1),
        **fields,
    )  # fmt: skip
    assert field in errors


def test_a_start_in_the_future_is_refused(officer, person):
    errors = refused(
        services.service_record, actor=officer, person=person, service_type=kind("emergency_aid"),
        start_date=datetime.date.today() + datetime.timedelta(days=1), amount=1_000_000,
    )  # fmt: skip
    assert "start_date" in errors


def test_a_volunteer_records_no_support(make_user, phu_thuong, person, assign_volunteer):
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, person)
    with pytest.raises(PermissionDenied):
        services.service_record(
            actor=volunteer, person=person, service_type=kind("emergency_aid"), start_date=D(2025, 3, 1), amount=1
        )
    assert ServiceRecord.objects.count() == 0


# --- the stable job -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "stable"),
    [
        (D(2025, 4, 30), False),  # the day before three months
        (D(2025, 5, 1), True),  # three months to the day
        (D(2025, 8, 31), True),  # the last day of the job
        (D(2025, 9, 1), False),  # the day after it ended
    ],
)
def test_a_job_is_stable_from_three_months_held_until_it_ends(officer, person, employer, day, stable):
    job = services.service_record(
        actor=officer, person=person, service_type=kind("job_placement"), start_date=D(2025, 2, 1),
        end_date=D(2025, 8, 31), provider=employer, position="Công nhân may",
    )  # fmt: skip
    assert list(stable_jobs_on(day)) == ([job] if stable else [])
    assert is_stable_job(job, day) is stable


def test_month_ends_follow_the_calendar(officer, person, employer):
    job = services.service_record(
        actor=officer, person=person, service_type=kind("job_placement"), start_date=D(2024, 11, 30), provider=employer
    )
    assert not is_stable_job(job, D(2025, 2, 28))  # 30/11 + 3 months is past the end of February
    assert list(stable_jobs_on(D(2025, 3, 1))) == [job]


@override_settings(SUPPORT_STABLE_JOB_MONTHS=6)
def test_the_threshold_is_a_setting(officer, person, employer):
    services.service_record(
        actor=officer, person=person, service_type=kind("job_placement"), start_date=D(2025, 2, 1), provider=employer
    )
    assert list(stable_jobs_on(D(2025, 5, 1))) == []
    assert len(stable_jobs_on(D(2025, 8, 1))) == 1


def test_other_services_are_never_stable_jobs(officer, person):
    services.service_record(
        actor=officer, person=person, service_type=kind("vocational_training"), start_date=D(2024, 2, 1), amount=1
    )
    assert list(stable_jobs_on(D(2025, 5, 1))) == []


# --- partners -------------------------------------------------------------------------------------


def test_a_province_partner_serves_its_communes_and_a_commune_partner_only_its_own(
    officer, make_user, phu_thuong, hai_chau, employer
):
    province = phu_thuong.parent
    assert province.level == OrgUnit.Level.PROVINCE
    province_officer = make_user(Role.PROVINCE_OFFICER, province)
    bank = services.partner_add(
        actor=province_officer, unit=province, name="NHCSXH Hà Nội", kind="bank_branch", offers_loans=True
    )
    assert set(Partner.objects.accessible_to(officer)) == {employer, bank}
    assert set(Partner.objects.accessible_to(province_officer)) == {employer, bank}
    elsewhere = make_user(Role.COMMUNE_OFFICER, hai_chau)
    assert list(Partner.objects.accessible_to(elsewhere)) == []
    with pytest.raises(PermissionDenied):
        services.partner_add(actor=elsewhere, unit=phu_thuong, name="Xưởng mộc", kind="business")


def test_a_volunteer_sees_the_support_of_their_people_only(officer, make_user, phu_thuong, person, assign_volunteer):
    other = person_register(actor=officer, unit=phu_thuong, full_name="Trần Văn Nam", sex=Sex.MALE, birth_year=1991)
    for someone in (person, other):
        services.service_record(
            actor=officer, person=someone, service_type=kind("emergency_aid"), start_date=D(2025, 3, 1),
            amount=2_000_000,
        )  # fmt: skip
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, person)
    assert [r.person for r in ServiceRecord.objects.accessible_to(volunteer)] == [person]


def test_totals_per_type_count_people_once_and_sum_the_money(officer, person, make_user, phu_thuong, hai_chau):
    from donghanh.support.selectors import support_totals

    other = person_register(actor=officer, unit=phu_thuong, full_name="Trần Văn Nam", sex=Sex.MALE, birth_year=1991)
    aid = kind("emergency_aid")
    for someone, day, amount in (
        (person, D(2025, 4, 2), 1_500_000),
        (person, D(2025, 5, 20), 2_000_000),  # the same person again: one person, two grants
        (other, D(2025, 6, 30), 500_000),
        (other, D(2025, 7, 1), 9_000_000),  # the next quarter
    ):
        services.service_record(actor=officer, person=someone, service_type=aid, start_date=day, amount=amount)
    services.service_record(
        actor=officer, person=other, service_type=kind("vocational_training"), start_date=D(2025, 4, 10)
    )
    elsewhere_officer = make_user(Role.COMMUNE_OFFICER, hai_chau)
    far = person_register(
        actor=elsewhere_officer, unit=hai_chau, full_name="Phan Văn Hải", sex=Sex.MALE, birth_year=1988
    )
    services.service_record(actor=elsewhere_officer, person=far, service_type=aid, start_date=D(2025, 4, 2), amount=7)

    province_officer = make_user(Role.PROVINCE_OFFICER, phu_thuong.parent)
    totals = support_totals(province_officer, phu_thuong.parent, D(2025, 4, 1), D(2025, 6, 30))
    assert [(t.service_type.code, t.people, t.records, t.amount) for t in totals] == [
        ("vocational_training", 1, 1, 0),
        ("emergency_aid", 2, 3, 4_000_000),
    ]
    assert support_totals(officer, hai_chau, D(2025, 4, 1), D(2025, 6, 30)) == []  # outside the officer's scope


def test_partners_sort_in_vietnamese_order_and_are_found_without_diacritics(officer, phu_thuong):
    from donghanh.support.filters import PartnerFilter
    from donghanh.support.models import Partner

    for name in ("Xưởng may Thu Hằng", "Đoàn Thanh niên phường", "Cơ sở rửa xe", "Hội Liên hiệp Phụ nữ"):
        services.partner_add(actor=officer, unit=phu_thuong, name=name, kind="mass_organisation")
    assert [p.name for p in Partner.objects.all()] == [
        "Cơ sở rửa xe", "Đoàn Thanh niên phường", "Hội Liên hiệp Phụ nữ", "Xưởng may Thu Hằng",
    ]  # fmt: skip
    found = PartnerFilter({"q": "doan thanh"}, queryset=Partner.objects.all()).qs
    assert [p.name for p in found] == ["Đoàn Thanh niên phường"]
