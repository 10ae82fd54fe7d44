"""The commune's support page: totals of the period, stable jobs, open referrals; and reporting periods."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.core.periods import parse_period, period_of, recent_periods
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.support import services
from donghanh.support.tests.helpers import consent_to_referrals, kind

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2025-04", D(2025, 4, 1), D(2025, 4, 30)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2025Q2", D(2025, 4, 1), D(2025, 6, 30)),
        ("2025q4", D(2025, 10, 1), D(2025, 12, 31)),
        ("2025", D(2025, 1, 1), D(2025, 12, 31)),
    ],
)
def test_periods_as_officials_name_them(text, first, last):
    period = parse_period(text)
    assert (period.first, period.last) == (first, last)
    assert period.code == text.upper()


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025Q5", "25", "0000", "2025-4", "", "abc"])
def test_anything_else_is_not_a_period(text):
    assert parse_period(text) is None


def test_shifting_periods_crosses_years():
    assert parse_period("2025Q1").shifted(-1).code == "2024Q4"
    assert parse_period("2024-12").shifted(1).code == "2025-01"
    assert parse_period("2025-03").shifted(-1).last == D(2025, 2, 28)
    assert period_of("quarter", D(2026, 11, 22)).code == "2026Q4"
    codes = [p.code for p in recent_periods(D(2026, 11, 22), months=2, quarters=2, years=2)]
    assert codes == ["2026-11", "2026-10", "2026Q4", "2026Q3", "2026", "2025"]


def register(officer, unit, name):
    person = person_register(
        actor=officer, unit=unit, full_name=name, sex=Sex.MALE, birth_year=1990, registered_on=D(2024, 1, 2)
    )
    consent_to_referrals(officer, person)
    return person


@pytest.fixture
def world(officer, make_user, phu_thuong, hai_chau):
    """Support in Phú Thượng in Q2 2025 and around it, and in Hải Châu (another province) in the same quarter."""
    hung, lan, minh = (register(officer, phu_thuong, n) for n in ("Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Văn Minh"))
    give = services.service_record
    give(actor=officer, person=hung, service_type=kind("emergency_aid"), start_date=D(2025, 4, 1), amount=1_500_000)
    give(actor=officer, person=hung, service_type=kind("emergency_aid"), start_date=D(2025, 6, 30), amount=2_000_000)
    give(actor=officer, person=lan, service_type=kind("emergency_aid"), start_date=D(2025, 5, 10), amount=1_000_000)
    give(actor=officer, person=minh, service_type=kind("vocational_training"), start_date=D(2025, 5, 2),
         amount=3_000_000, provider_name="Trường nghề")  # fmt: skip
    give(actor=officer, person=lan, service_type=kind("legal_aid"), start_date=D(2025, 4, 15))
    # Outside the quarter: the day before and the day after.
    give(actor=officer, person=lan, service_type=kind("emergency_aid"), start_date=D(2025, 3, 31), amount=9_000_000)
    give(actor=officer, person=minh, service_type=kind("emergency_aid"), start_date=D(2025, 7, 1), amount=9_000_000)
    other = make_user(Role.COMMUNE_OFFICER, hai_chau)
    far = register(other, hai_chau, "Phạm Văn Xa")
    give(actor=other, person=far, service_type=kind("emergency_aid"), start_date=D(2025, 5, 5), amount=7_000_000)
    return {"hung": hung, "lan": lan, "minh": minh}


def overview(client, user, **query):
    client.force_login(user)
    return client.get(reverse("support:overview"), query)


def test_totals_of_a_quarter_count_people_once_and_sum_money_by_type(client, officer, world):
    response = overview(client, officer, period="2025Q2")
    assert response.status_code == 200
    totals = {t.service_type.code: (t.people, t.records, t.amount) for t in response.context["totals"]}
    assert totals == {
        "vocational_training": (1, 1, 3_000_000),
        "emergency_aid": (2, 3, 4_500_000),
        "legal_aid": (1, 1, 0),
    }
    assert (response.context["overall_people"], response.context["overall_amount"]) == (3, 7_500_000)
    html = response.content.decode()
    assert "4.500.000 ₫" in html and "7.500.000 ₫" in html
    assert "01/04/2025" in html and "30/06/2025" in html


def test_a_month_and_a_year(client, officer, world):
    april = overview(client, officer, period="2025-04").context
    assert {t.service_type.code: t.amount for t in april["totals"]} == {"emergency_aid": 1_500_000, "legal_aid": 0}
    year = overview(client, officer, period="2025").context
    assert year["overall_amount"] == 1_500_000 + 2_000_000 + 1_000_000 + 3_000_000 + 9_000_000 + 9_000_000


def test_a_province_officer_sees_the_province_and_can_narrow_to_a_commune(client, make_user, world, phu_thuong):
    province = make_user(Role.PROVINCE_OFFICER, phu_thuong.parent)
    whole = overview(client, province, period="2025Q2").context
    assert whole["overall_amount"] == 7_500_000  # Hải Châu is another province
    assert phu_thuong in whole["sub_units"]
    narrowed = overview(client, province, period="2025Q2", unit=phu_thuong.pk).context
    assert narrowed["unit"] == phu_thuong and narrowed["overall_amount"] == 7_500_000


def test_a_unit_outside_the_scope_is_not_found(client, officer, hai_chau):
    assert overview(client, officer, unit=hai_chau.pk).status_code == 404


def test_a_bad_period_falls_back_to_the_current_quarter_with_a_message(client, officer):
    response = overview(client, officer, period="2025Q9")
    assert response.context["period"] == period_of("quarter", timezone.localdate())
    assert "2025Q9" in response.content.decode()


def test_open_referrals_are_listed_and_an_unanswered_one_is_flagged(client, officer, world, phu_thuong):
    today = timezone.localdate()
    employer = services.partner_add(actor=officer, unit=phu_thuong, name="Xưởng may", kind="business")
    old = services.referral_send(
        actor=officer, person=world["hung"], partner=employer, kind="employment", reason="Việc làm",
        sent_on=today - datetime.timedelta(days=20),
    )  # fmt: skip
    fresh = services.referral_send(
        actor=officer, person=world["lan"], partner=employer, kind="employment", reason="Việc làm", sent_on=today
    )
    done = services.referral_send(
        actor=officer, person=world["minh"], partner=employer, kind="employment", reason="Việc làm", sent_on=today
    )
    services.referral_change(actor=officer, referral=done, status="declined", on=today)
    with override_settings(SUPPORT_REFERRAL_ANSWER_DAYS=14):
        html = overview(client, officer).content.decode()
    assert f'data-testid="open-referral-{old.pk}"' in html and f'data-testid="open-referral-{fresh.pk}"' in html
    assert f'data-testid="open-referral-{done.pk}"' not in html
    assert html.count('data-testid="referral-overdue"') == 1


def test_a_stable_job_counts_on_the_period_end(client, officer, world):
    services.service_record(
        actor=officer, person=world["hung"], service_type=kind("job_placement"), start_date=D(2025, 1, 10),
        provider_name="Xưởng may",
    )  # fmt: skip
    # Held three months on 10/04/2025: stable at the end of Q2, not yet at the end of March.
    assert overview(client, officer, period="2025Q2").context["stable_jobs"] == 1
    assert overview(client, officer, period="2025-03").context["stable_jobs"] == 0


def test_the_page_reads_in_a_fixed_number_of_queries(client, officer, world, django_assert_max_num_queries):
    client.force_login(officer)
    client.get(reverse("support:overview"), {"period": "2025Q2"})
    with django_assert_max_num_queries(12):
        client.get(reverse("support:overview"), {"period": "2025Q2"})
