"""The demo's support: partners, a year of services and referrals in every state, written through the services.

It reads the whole demo made once for this folder on a fixed day (conftest.py), so the figures do
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
from donghanh.casework.choices import MESSAGE_MODES, NotificationKind
from donghanh.casework.models import Contact
from donghanh.casework.worklist import work_list
from donghanh.core.dates import add_months_civil
from donghanh.demo.communes import HAI_CHAU, PHU_THUONG
from donghanh.demo.tests.whole.conftest import TODAY
from donghanh.privacy.choices import Purpose
from donghanh.privacy.consent import consent_standing
from donghanh.privacy.models import Consent
from donghanh.support.choices import HEALTH_REFERRALS, ReferralStatus
from donghanh.support.models import AdherenceFollowUp, Partner, Referral, ReferralEvent, ServiceRecord
from donghanh.support.selectors import partners_for_user, stable_jobs_on, support_totals

D = datetime.date
SUPPORT = (Partner, ServiceRecord, Referral, ReferralEvent, AdherenceFollowUp)

pytestmark = pytest.mark.django_db


def user(username: str) -> User:
    found: User = User.objects.get(username=username)
    return found


def test_partners_of_the_province_and_of_each_commune_one_of_them_closed(unit: Any) -> None:
    by_unit = Counter(Partner.objects.values_list("unit__code", flat=True))
    assert by_unit == {"01": 6, PHU_THUONG: 6, HAI_CHAU: 5}
    kinds = Counter(Partner.objects.values_list("kind", flat=True))
    assert kinds == {
        "bank_branch": 2, "methadone_clinic": 2, "vocational_school": 2, "health_facility": 2, "rehab_facility": 1,
        "business": 4, "mass_organisation": 3, "ngo": 1,
    }  # fmt: skip
    [closed] = Partner.objects.filter(is_active=False)
    assert (closed.name, closed.unit.code) == ("Cơ sở rửa xe Minh Phát", PHU_THUONG)
    [job] = closed.services.all()  # the job it gave ended with it
    assert job.end_date is not None and job.end_date < TODAY
    assert all(p.phone and p.contact_person and p.offer_notes for p in Partner.objects.all())
    keepers = dict(Partner.history.filter(history_type="+").values_list("unit__code", "history_user__username"))
    assert keepers == {"01": "tinh.hanoi", PHU_THUONG: "xa.phuthuong", HAI_CHAU: "xa.haichau"}


def test_a_commune_sees_its_partners_and_its_province_s_but_not_another_province_s() -> None:
    phu_thuong = Counter(partners_for_user(user("xa.phuthuong")).values_list("unit__code", flat=True))
    assert phu_thuong == {"01": 6, PHU_THUONG: 6}
    hai_chau = Counter(partners_for_user(user("xa.haichau")).values_list("unit__code", flat=True))
    assert hai_chau == {HAI_CHAU: 5}


def test_services_over_the_year_for_people_followed() -> None:
    services = ServiceRecord.objects.select_related("service_type", "person__unit")
    assert Counter(s.person.unit.code for s in services) == {PHU_THUONG: 26, HAI_CHAU: 5}
    assert all(TODAY - datetime.timedelta(days=364) <= s.start_date <= TODAY for s in services)
    assert all(s.end_date is None or s.start_date <= s.end_date <= TODAY for s in services)
    assert {s.service_type.code for s in services} == {
        "vocational_training", "preferential_loan", "job_placement", "emergency_aid", "medical_exam",
        "health_insurance", "identity_papers", "legal_aid",
    }  # fmt: skip
    assert all(s.provider or s.provider_name for s in services)
    aid = [s.amount for s in services if s.service_type.code == "emergency_aid"]
    assert sorted(aid) == [1_000_000, 1_000_000, 1_500_000, 1_500_000, 2_000_000, 2_000_000]
    exams = services.filter(service_type__code="medical_exam")
    assert {s.recorded_by.username for s in exams if s.recorded_by} == {"yte.phuthuong"}


def test_loans_current_late_and_repaid_from_the_bank_branches() -> None:
    loans = ServiceRecord.objects.filter(service_type__code="preferential_loan").select_related("provider")
    assert Counter(loan.repayment_status for loan in loans) == {"current": 3, "late": 1, "repaid": 1}
    assert sorted(loan.amount or 0 for loan in loans) == [15_000_000, 30_000_000, 30_000_000, 40_000_000, 50_000_000]
    assert all(loan.provider and loan.provider.kind == "bank_branch" for loan in loans)
    assert all(loan.loan_purpose and loan.loan_term_months for loan in loans)
    [repaid] = loans.filter(repayment_status="repaid")
    assert repaid.end_date is not None and repaid.end_date < TODAY


def test_three_stable_jobs_in_phu_thuong_and_one_in_hai_chau() -> None:
    stable = stable_jobs_on(TODAY)
    assert Counter(stable.values_list("person__unit__code", flat=True)) == {PHU_THUONG: 3, HAI_CHAU: 1}
    jobs = ServiceRecord.objects.filter(service_type__code="job_placement")
    assert jobs.count() == 6
    not_stable = jobs.exclude(pk__in=stable)
    [ended] = not_stable.filter(end_date__isnull=False)
    [recent] = not_stable.filter(end_date__isnull=True)
    assert recent.start_date == TODAY - datetime.timedelta(days=30)
    held = add_months_civil(recent.start_date, 3)  # stable once three months held
    assert recent in stable_jobs_on(held) and recent not in stable_jobs_on(held - datetime.timedelta(days=1))
    assert ended.provider and not ended.provider.is_active


def test_support_totals_of_phu_thuong_for_the_month_quarter_and_year(unit: Any) -> None:
    officer, phu_thuong = user("xa.phuthuong"), unit(PHU_THUONG)

    def totals(first: datetime.date, last: datetime.date) -> dict[str, tuple[int, int, int]]:
        rows = support_totals(officer, phu_thuong, first, last)
        return {t.service_type.code: (t.people, t.records, t.amount) for t in rows}

    assert totals(D(2026, 11, 1), D(2026, 11, 30)) == {
        "vocational_training": (1, 1, 5_000_000),
        "emergency_aid": (2, 2, 3_000_000),
    }
    assert totals(D(2026, 10, 1), D(2026, 12, 31)) == {
        "vocational_training": (2, 2, 7_500_000),
        "preferential_loan": (1, 1, 40_000_000),
        "job_placement": (1, 1, 0),
        "emergency_aid": (3, 3, 5_000_000),
        "medical_exam": (1, 1, 0),
        "health_insurance": (1, 1, 1_263_600),
    }
    assert totals(D(2026, 1, 1), D(2026, 12, 31)) == {
        "vocational_training": (4, 4, 15_000_000),
        "preferential_loan": (3, 3, 105_000_000),  # the one repaid came under case work in the year
        "job_placement": (5, 5, 0),
        "emergency_aid": (4, 5, 7_500_000),  # one woman helped twice
        "medical_exam": (3, 3, 0),
        "health_insurance": (2, 2, 2_527_200),
        "legal_aid": (1, 1, 0),
        "identity_papers": (2, 2, 0),
    }


def test_referrals_in_every_status_each_change_dated_with_its_author() -> None:
    referrals = Referral.objects.all()
    assert Counter(referrals.values_list("status", flat=True)) == {
        "sent": 3, "accepted": 3, "completed": 6, "declined": 2, "lost": 2,
    }  # fmt: skip
    assert set(referrals.values_list("kind", flat=True)) == {
        "methadone", "hiv_treatment", "mental_health", "rehab_facility", "employment", "training", "loan", "legal_aid",
    }  # fmt: skip
    assert Counter(referrals.values_list("person__unit__code", flat=True)) == {PHU_THUONG: 12, HAI_CHAU: 4}
    for referral in referrals.prefetch_related("events"):
        events = list(referral.events.all())
        assert events[0].status == ReferralStatus.SENT and events[0].on == referral.sent_on
        assert (events[-1].status, events[-1].on) == (referral.status, referral.status_on)
        assert referral.status_on <= TODAY
        assert all(e.by_id == referral.referred_by_id for e in events)
    health = referrals.filter(person__unit__code=PHU_THUONG, kind__in=["methadone", *HEALTH_REFERRALS])
    assert Counter(health.values_list("referred_by__username", flat=True)) == {"yte.phuthuong": 3, "xa.phuthuong": 1}


def test_the_unanswered_referral_is_on_its_sender_s_work_list_the_recent_one_not_yet() -> None:
    overdue = [i for i in work_list(user("xa.phuthuong"), TODAY) if i.kind == NotificationKind.REFERRAL_OVERDUE]
    [item] = overdue
    referral = Referral.objects.get(pk=item.key.removeprefix("referral:"))
    assert (referral.kind, referral.partner.name, item.detail) == ("employment", *["Tiệm sửa xe máy Hùng Cường"] * 2)
    assert referral.sent_on == TODAY - datetime.timedelta(days=25) and item.overdue
    recent = Referral.objects.filter(status="sent", person__unit__code=PHU_THUONG).exclude(pk=referral.pk)
    assert [r.sent_on for r in recent] == [TODAY - datetime.timedelta(days=6)]
    for other in ("yte.phuthuong", "xa.haichau"):
        assert not [i for i in work_list(user(other), TODAY) if i.kind == NotificationKind.REFERRAL_OVERDUE]


def test_treatment_followed_month_by_month() -> None:
    [accepted] = Referral.objects.filter(kind="methadone", status="accepted", person__unit__code=PHU_THUONG)
    months = list(accepted.follow_ups.order_by("month"))
    assert [f.month for f in months] == [D(2026, m, 1) for m in range(5, 11)]  # from acceptance to last month
    assert Counter(f.attendance for f in months) == {"regular": 5, "irregular": 1}
    assert {f.recorded_by.username for f in months if f.recorded_by} == {"yte.phuthuong"}
    [lost] = Referral.objects.filter(kind="methadone", status="lost")
    attendance = list(lost.follow_ups.order_by("month").values_list("attendance", flat=True))
    assert attendance == ["regular", "irregular", "irregular", "stopped"]
    assert all(f.month <= lost.status_on for f in lost.follow_ups.all())
    follow_ups = AdherenceFollowUp.objects.all()
    assert follow_ups.count() == 29
    assert set(follow_ups.values_list("source", flat=True)) == {"clinic", "person", "family"}
    assert set(follow_ups.values_list("referral__kind", flat=True)) == {"methadone", "hiv_treatment", "mental_health"}


def test_health_referrals_are_hidden_from_the_police() -> None:
    police = Referral.objects.accessible_to(user("congan.phuthuong"))
    assert police.count() == 10  # Phú Thượng's twelve, less the HIV and the mental-health referral
    assert not police.filter(kind__in=HEALTH_REFERRALS).exists()
    assert police.filter(kind="methadone").count() == 2  # drug treatment: the police may see drug use
    assert Referral.objects.accessible_to(user("yte.phuthuong")).filter(kind__in=HEALTH_REFERRALS).count() == 2
    assert not Referral.objects.accessible_to(user("tnv.phuthuong")).filter(kind__in=HEALTH_REFERRALS).exists()


def test_every_record_was_written_by_a_service_naming_its_actor() -> None:
    for model in SUPPORT:
        created = model.history.filter(history_type="+")
        assert created.count() == model.objects.count() > 0, model
        assert not model.history.filter(history_user=None).exists(), model


def test_everyone_referred_consented_to_sharing_on_a_numbered_form_some_to_messages() -> None:
    for referral in Referral.objects.select_related("person"):
        consent = consent_standing(referral.person, Purpose.REFERRAL_SHARING, referral.sent_on)
        assert consent is not None and consent.method == "signed_form", referral
    sharing = Consent.objects.filter(purpose=Purpose.REFERRAL_SHARING)
    numbers = {(c.person.unit.code, c.form_number) for c in sharing.select_related("person__unit")}
    assert len(numbers) == sharing.count() and (PHU_THUONG, "01/ĐY-2025") in numbers
    messages = Consent.objects.filter(purpose=Purpose.MESSAGES)
    assert messages.count() >= 4 and all(c.method == "verbal" and c.witness for c in messages)
    assert messages.filter(withdrawn_on=TODAY - datetime.timedelta(days=30)).count() == 2  # one in each commune
    assert not Consent.history.filter(history_user=None).exists()


def test_messages_by_sms_and_zalo_reach_only_people_who_agreed_to_them() -> None:
    messages = Contact.objects.filter(mode__in=MESSAGE_MODES).select_related("person")
    assert {c.mode for c in messages} == set(MESSAGE_MODES)
    for contact in messages:
        assert consent_standing(contact.person, Purpose.MESSAGES, contact.date) is not None, contact


def test_a_second_run_creates_nothing_new() -> None:
    before = [model.objects.count() for model in SUPPORT]
    out = StringIO()
    call_command("demo_data", stdout=out)
    assert [model.objects.count() for model in SUPPORT] == before
    summary = out.getvalue()
    assert "Demo support (already there, none added):" in summary
    assert "Phường Phú Thượng: 12 partners (with the province's), 26 services to 12 people" in summary
    assert "Phường Hải Châu: 5 partners (with the province's), 5 services to 5 people" in summary
