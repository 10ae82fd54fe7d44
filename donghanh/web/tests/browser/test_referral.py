"""A commune officer refers a person to a methadone clinic, follows the referral to completion, and reads it back
in the person's support timeline."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from donghanh.accounts.models import User
from donghanh.audit.models import AccessLogEntry
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.privacy.choices import Purpose
from donghanh.privacy.consent import consent_record
from donghanh.support import services
from donghanh.support.models import Referral


def test_a_methadone_referral_from_sent_to_completed(page: Page, live_server, demo_world) -> None:
    officer = User.objects.get(username="xa.phuthuong")
    commune = officer.role_assignments.get().unit
    person = person_register(
        actor=officer, unit=commune, full_name="Đinh Văn Toàn", sex=Sex.MALE, birth_year=1985,
        registered_on=timezone.localdate() - datetime.timedelta(days=90),
    )  # fmt: skip
    consent_record(
        actor=officer, person=person, purpose=Purpose.REFERRAL_SHARING, given_on=timezone.localdate(),
        method="signed_form", form_number="12/ĐY-2026", given_by="person",
    )  # fmt: skip
    clinic = services.partner_add(
        actor=User.objects.get(username="tinh.hanoi"), unit=commune.parent, name="Cơ sở điều trị Methadone Tây Hồ",
        kind="methadone_clinic", offers_treatment=True,
    )  # fmt: skip
    today = timezone.localdate().strftime("%d/%m/%Y")
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "xa.phuthuong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=roles]")).to_be_visible()

    # From the person's page, the support tab.
    page.goto(f"{base}/people/{person.pk}/")
    page.click("[data-testid=tab-support]")
    expect(page.locator("[data-testid=no-referrals]")).to_be_visible()

    # Refer: a reason left out is refused, and what was chosen stays.
    page.click("[data-testid=referral-add]")
    page.select_option("#id_partner", str(clinic.pk))
    page.select_option("#id_kind", "methadone")
    page.click("[data-testid=save]")
    expect(page.locator("[data-field=reason] .invalid-feedback")).to_be_visible()
    expect(page.locator("#id_partner")).to_have_value(str(clinic.pk))
    page.fill("#id_reason", "Sử dụng heroin nhiều năm, gia đình đồng ý điều trị thay thế.")
    expect(page.locator("#id_sent_on")).to_have_value(today)
    page.click("[data-testid=save]")

    referral = Referral.objects.get(person=person)
    card = page.locator(f"[data-testid=referral-{referral.pk}]")
    expect(card.locator("[data-testid=referral-status]")).to_have_text("Đã gửi")

    # Accepted, then completed.
    card.locator("[data-testid=referral-change]").click()
    page.check("input[name=status][value=accepted]")
    page.click("[data-testid=save]")
    expect(card.locator("[data-testid=referral-status]")).to_have_text("Đã tiếp nhận")
    card.locator("[data-testid=referral-change]").click()
    expect(page.locator("input[name=status][value=accepted]")).to_have_count(0)
    page.check("input[name=status][value=completed]")
    page.fill("#id_note", "Đã ổn định liều, chuyển điều trị duy trì.")
    page.click("[data-testid=save]")
    expect(card.locator("[data-testid=referral-status]")).to_have_text("Hoàn thành")
    expect(card.locator("[data-testid=referral-change]")).to_have_count(0)

    # The timeline shows the three steps, newest first.
    timeline = page.locator("[data-testid=support-timeline] [data-testid=timeline-entry]")
    expect(timeline).to_have_count(3)
    expect(timeline.nth(0)).to_contain_text("Chuyển gửi đến Cơ sở điều trị Methadone Tây Hồ: hoàn thành")
    expect(timeline.nth(0)).to_contain_text("Đã ổn định liều")
    expect(timeline.nth(1)).to_contain_text("đã tiếp nhận")
    expect(timeline.nth(2)).to_contain_text("thuốc thay thế (methadone)")
    for entry in range(3):
        expect(timeline.nth(entry)).to_contain_text(today)

    referral.refresh_from_db()
    assert [e.status for e in referral.events.all()] == ["sent", "accepted", "completed"]
    assert AccessLogEntry.objects.filter(user=officer, detail__contains="drug-treatment referrals").exists()


def test_a_service_form_shows_loan_fields_only_for_a_loan_and_money_reads_back_with_dots(
    page: Page, live_server, demo_world
) -> None:
    officer = User.objects.get(username="xa.phuthuong")
    commune = officer.role_assignments.get().unit
    person = person_register(
        actor=officer, unit=commune, full_name="Lò Thị Mai", sex=Sex.FEMALE, birth_year=1992,
        registered_on=timezone.localdate() - datetime.timedelta(days=30),
    )  # fmt: skip
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "xa.phuthuong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/support/people/{person.pk}/")
    page.click("[data-testid=service-add]")
    loan_fields = page.locator("fieldset[data-only=loan]")
    page.select_option("#id_service_type", label="Vay vốn ưu đãi")
    expect(loan_fields).to_be_visible()
    page.select_option("#id_service_type", label="Trợ giúp pháp lý")
    expect(loan_fields).to_be_hidden()
    expect(page.locator("[data-field=amount]")).to_be_hidden()
    page.select_option("#id_service_type", label="Hỗ trợ khó khăn đột xuất")
    expect(page.locator("[data-field=amount]")).to_be_visible()
    page.fill("#id_start_date", timezone.localdate().strftime("%d/%m/%Y"))
    page.fill("#id_amount", "1.500.000")
    page.click("[data-testid=save]")
    row = page.locator("[data-testid=services] tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("[data-testid=service-amount]")).to_have_text("1.500.000 ₫")
