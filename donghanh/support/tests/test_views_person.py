"""A person's support tab: services, referrals with their changes, follow-ups, the timeline, and the forms."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.support import services
from donghanh.support.models import Referral, ServiceRecord
from donghanh.support.tests.helpers import kind

pytestmark = pytest.mark.django_db

D = datetime.date
MARCH_1 = D(2025, 3, 1)


def page(client, user, person):
    client.force_login(user)
    return client.get(reverse("support:person", args=[person.pk]))


def test_the_tab_shows_services_with_money_referrals_with_changes_and_a_timeline(client, officer, person, clinic, bank):
    services.service_record(
        actor=officer, person=person, service_type=kind("preferential_loan"), start_date=D(2025, 2, 3), provider=bank,
        amount=30_000_000, loan_purpose="Chăn nuôi", loan_term_months=36, repayment_status="current",
    )  # fmt: skip
    referral = services.referral_send(
        actor=officer, person=person, partner=clinic, kind="methadone", reason="Điều trị thay thế", sent_on=MARCH_1
    )
    services.referral_change(actor=officer, referral=referral, status="accepted", on=D(2025, 3, 5))
    services.follow_up_record(
        actor=officer, referral=referral, month=D(2025, 4, 1), attendance="irregular", source="clinic"
    )
    response = page(client, officer, person)
    assert response.status_code == 200
    html = response.content.decode()
    assert "30.000.000 ₫" in html and "36 tháng" in html and "Chăn nuôi" in html
    assert "Điều trị Methadone" in html or "Methadone" in html
    assert "05/03/2025" in html and "Đã tiếp nhận" in html
    entries = [e.text for e in response.context["timeline"]]
    assert entries[0].startswith("Điều trị trong tháng 04/2025")
    assert entries[1] == "Chuyển gửi đến Cơ sở Methadone Tây Hồ: đã tiếp nhận"
    assert entries[2].startswith("Chuyển gửi đến Cơ sở Methadone Tây Hồ (")
    assert entries[3] == "Bắt đầu: Vay vốn ưu đãi"
    # A methadone referral is sensitive: the showing is logged.
    entry = AccessLogEntry.objects.get(user=officer, object_id=str(person.pk))
    assert entry.detail == "drug-treatment referrals"


def test_a_stable_job_is_marked_from_its_dates(client, officer, person):
    today = timezone.localdate()
    services.service_record(
        actor=officer, person=person, service_type=kind("job_placement"), start_date=today - datetime.timedelta(400),
        provider_name="Xưởng may Phú Thượng", position="Thợ may",
    )  # fmt: skip
    services.service_record(
        actor=officer, person=person, service_type=kind("job_placement"), start_date=today - datetime.timedelta(20),
        provider_name="Tiệm sửa xe", position="Thợ phụ",
    )  # fmt: skip
    html = page(client, officer, person).content.decode()
    assert html.count('data-testid="stable-job"') == 1
    assert html.count('data-testid="job-not-yet-stable"') == 1


def test_the_police_do_not_see_a_health_referral_and_nothing_is_logged(
    client, make_user, phu_thuong, officer, person, clinic
):
    services.referral_send(
        actor=officer, person=person, partner=clinic, kind="hiv_treatment", reason="Điều trị ARV", sent_on=MARCH_1
    )
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    response = page(client, police, person)
    assert response.status_code == 200
    assert response.context["referrals"] == []
    assert "ARV" not in response.content.decode()
    assert not AccessLogEntry.objects.filter(user=police).exists()
    health = make_user(Role.HEALTH_STAFF, phu_thuong)
    assert "ARV" in page(client, health, person).content.decode()
    assert AccessLogEntry.objects.get(user=health).detail == "health referrals"


def test_a_person_elsewhere_is_not_found(client, make_user, hai_chau, person):
    assert page(client, make_user(Role.COMMUNE_OFFICER, hai_chau), person).status_code == 404


def test_the_tab_reads_in_a_fixed_number_of_queries(client, officer, person, clinic, django_assert_max_num_queries):
    for n in range(4):
        referral = services.referral_send(
            actor=officer, person=person, partner=clinic, kind="employment", reason=f"Việc {n}", sent_on=MARCH_1
        )
        services.referral_change(actor=officer, referral=referral, status="accepted", on=D(2025, 3, 2))
        services.service_record(
            actor=officer, person=person, service_type=kind("emergency_aid"), start_date=D(2025, 3, n + 1),
            amount=1_000_000,
        )  # fmt: skip
    client.force_login(officer)
    url = reverse("support:person", args=[person.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_person_page_links_to_the_support_tab_only_for_roles_that_see_support(
    client, make_user, phu_thuong, officer, person
):
    client.force_login(officer)
    html = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert reverse("support:person", args=[person.pk]) in html
    board = make_user(Role.BOARD_MEMBER, phu_thuong)
    client.force_login(board)
    response = client.get(reverse("people:detail", args=[person.pk]))
    if response.status_code == 200:
        assert reverse("support:person", args=[person.pk]) not in response.content.decode()


# --- the forms ------------------------------------------------------------------------------------


def test_recording_a_loan_typed_with_dots(client, officer, person, bank):
    client.force_login(officer)
    response = client.post(
        reverse("support:service_add", args=[person.pk]),
        {
            "service_type": kind("preferential_loan").pk, "provider": bank.pk, "start_date": "03/02/2025",
            "amount": "30.000.000",
            "loan_purpose": "Chăn nuôi", "loan_term_months": "36", "repayment_status": "current",
        },
    )  # fmt: skip
    record = ServiceRecord.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#service-{record.pk}")
    assert (record.amount, record.provider, record.loan_term_months) == (30_000_000, bank, 36)


def test_a_refused_service_keeps_what_was_typed_and_says_what_is_wrong(client, officer, person):
    client.force_login(officer)
    data = {"service_type": kind("legal_aid").pk, "start_date": "03/02/2025", "amount": "2.000.000", "outcome": "Xong"}
    response = client.post(reverse("support:service_add", args=[person.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Trợ giúp pháp lý không có kinh phí." in html
    assert 'value="2.000.000"' in html and 'value="Xong"' in html
    assert not ServiceRecord.objects.exists()


def test_a_loan_without_its_bank_is_refused_on_the_provider_field(client, officer, person):
    client.force_login(officer)
    data = {"service_type": kind("preferential_loan").pk, "start_date": "03/02/2025", "amount": "5000000"}
    response = client.post(reverse("support:service_add", args=[person.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors["provider"]


def test_editing_a_service_records_its_end(client, officer, person):
    record = services.service_record(
        actor=officer, person=person, service_type=kind("vocational_training"), start_date=D(2025, 2, 3),
        provider_name="Trường nghề Tây Hồ",
    )  # fmt: skip
    client.force_login(officer)
    url = reverse("support:service_edit", args=[record.pk])
    assert 'value="03/02/2025"' in client.get(url).content.decode()
    data = {"service_type": record.service_type_id, "start_date": "03/02/2025", "end_date": "30/05/2025",
            "provider_name": "Trường nghề Tây Hồ", "outcome": "Có chứng chỉ", "version": record.version}  # fmt: skip
    assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert (record.end_date, record.outcome) == (D(2025, 5, 30), "Có chứng chỉ")


def test_a_volunteer_may_not_record_support(client, make_user, phu_thuong, person, assign_volunteer):
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, person)
    client.force_login(volunteer)
    assert client.get(reverse("support:person", args=[person.pk])).status_code == 200
    assert client.get(reverse("support:service_add", args=[person.pk])).status_code == 403


def test_referring_then_accepting_then_completing(client, officer, person, clinic):
    client.force_login(officer)
    response = client.post(
        reverse("support:referral_add", args=[person.pk]),
        {"partner": clinic.pk, "kind": "methadone", "reason": "Điều trị thay thế", "sent_on": "01/03/2025"},
    )
    referral = Referral.objects.get(person=person)
    assert response.status_code == 302
    change = reverse("support:referral_change", args=[referral.pk])
    choices = [value for value, _text in client.get(change).context["form"].fields["status"].choices]
    assert choices == ["accepted", "declined", "lost"]
    assert client.post(change, {"status": "accepted", "on": "05/03/2025"}).status_code == 302
    assert client.post(change, {"status": "completed", "on": "30/09/2025", "note": "Ổn định"}).status_code == 302
    referral.refresh_from_db()
    assert [(e.status, e.on) for e in referral.events.all()] == [
        ("sent", D(2025, 3, 1)), ("accepted", D(2025, 3, 5)), ("completed", D(2025, 9, 30)),
    ]  # fmt: skip
    # A closed referral offers no further change.
    assert client.get(change).status_code == 302


def test_a_change_dated_before_the_last_one_is_refused_and_kept(client, officer, person, clinic):
    referral = services.referral_send(
        actor=officer, person=person, partner=clinic, kind="methadone", reason="Điều trị", sent_on=MARCH_1
    )
    client.force_login(officer)
    response = client.post(
        reverse("support:referral_change", args=[referral.pk]), {"status": "accepted", "on": "20/02/2025"}
    )
    assert response.status_code == 400
    assert "01/03/2025" in str(response.context["form"].errors["on"])
    assert 'value="20/02/2025"' in response.content.decode()


def test_the_referral_form_offers_health_kinds_only_to_roles_that_see_health(client, make_user, phu_thuong, person):
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    client.force_login(police)
    offered = [v for v, _t in client.get(reverse("support:referral_add", args=[person.pk])).context["form"].fields[
        "kind"].choices]  # fmt: skip
    assert "methadone" in offered and "hiv_treatment" not in offered and "mental_health" not in offered


def test_a_follow_up_month_typed_as_mm_yyyy(client, officer, person, clinic):
    referral = services.referral_send(
        actor=officer, person=person, partner=clinic, kind="methadone", reason="Điều trị", sent_on=MARCH_1
    )
    services.referral_change(actor=officer, referral=referral, status="accepted", on=D(2025, 3, 5))
    client.force_login(officer)
    url = reverse("support:follow_up_add", args=[referral.pk])
    bad = client.post(url, {"month": "13/2025", "attendance": "regular", "source": "clinic"})
    assert bad.status_code == 400 and bad.context["form"].errors["month"]
    assert client.post(url, {"month": "04/2025", "attendance": "regular", "source": "family"}).status_code == 302
    assert referral.follow_ups.get().month == D(2025, 4, 1)
