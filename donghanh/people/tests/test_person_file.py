"""The person's file as a PDF ("In hồ sơ"), read back with pypdf, and the monthly assessment reached from the person's
page.

The file holds what the person's page shows the viewer: a commune officer's has the legal measures, the drug tests
and the HIV status; a volunteer's has the case work and the services, without any of those. Each download leaves an
export entry in the access log.
"""

from __future__ import annotations

import datetime
import io
import sys

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.casework import services as casework
from donghanh.casework.models import MonthlyAssessment, RatingLevel
from donghanh.core import pdf
from donghanh.core.dates import month_start
from donghanh.core.tests.pages import parse
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people import services
from donghanh.people.tests.test_views import login, url
from donghanh.support.models import ServiceType
from donghanh.support.services import service_record

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
D = datetime.date


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def exports(person) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(object_id=str(person.pk), action=AccessLogEntry.Action.EXPORT))


@pytest.fixture
def volunteer(make_user, phu_thuong, hung, assign_volunteer):
    user = make_user(Role.VOLUNTEER, phu_thuong, full_name="Vũ Minh Tâm")
    assign_volunteer(user, hung, start=TODAY - datetime.timedelta(days=60))
    return user


@pytest.fixture
def hung_file(make_user, phu_thuong, officer, hung, volunteer):
    """Hùng with a measure, a drug test, an HIV status, a plan, two contacts (one about health) and a service."""
    episode_open(
        actor=officer,
        person=hung,
        episode_type=EpisodeType.POST_REHAB_MANAGEMENT,
        start_date=D(2025, 9, 1),
        decision_number="45/QĐ-UBND",
    )
    services.drug_test_add(
        actor=officer,
        person=hung,
        date=D(2025, 9, 5),
        sample="urine",
        tested_by="Trạm y tế",
        results={"heroin": "negative"},
    )
    services.health_record(actor=make_user(Role.HEALTH_STAFF, phu_thuong), person=hung, hiv_status="positive")
    plan = casework.plan_create(actor=officer, person=hung, start_date=TODAY - datetime.timedelta(days=30))
    casework.goal_add(actor=officer, plan=plan, domain="work", goal="Có việc làm ổn định", actions="Học nghề hàn")
    day = TODAY - datetime.timedelta(days=3)
    casework.contact_record(actor=volunteer, person=hung, date=day, mode="home_visit", next_step="Gọi lại cho mẹ")
    casework.contact_record(actor=volunteer, person=hung, date=day, mode="phone", next_step="Đi xét nghiệm HIV")
    service_record(
        actor=officer,
        person=hung,
        service_type=ServiceType.objects.get(code="vocational_training"),
        start_date=TODAY - datetime.timedelta(days=20),
        amount=1_500_000,
    )
    return hung


def test_a_commune_officer_prints_the_whole_file(client, officer, hung_file):
    page = parse(login(client, officer).get(url("detail", hung_file)))
    link = page.get(data_testid="print-file").attrs["href"]
    assert link == reverse("people:file", args=[hung_file.pk])

    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="ho-so-{hung_file.code}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    reader, text = pdf_text(response.content)
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)  # A4 portrait
    for shown in (
        "ĐỒNG HÀNH",
        "PHƯỜNG PHÚ THƯỢNG",
        "HỒ SƠ NGƯỜI ĐƯỢC HỖ TRỢ",
        f"In ngày {TODAY:%d/%m/%Y}",
        "Người in: Cán bộ Phú Thượng",
        "Nguyễn Văn Hùng",
        "001090012345",
        "Biện pháp áp dụng",
        "45/QĐ-UBND",
        "01/09/2025",
        "Xét nghiệm ma túy",
        "05/09/2025",
        "Tình trạng HIV",
        "Có việc làm ổn định",
        "Gọi lại cho mẹ",
        "Đi xét nghiệm HIV",  # the officer may read health text
        "1.500.000 ₫",
        f"{hung_file.code} · Dữ liệu cá nhân",
        f"Trang 1/{len(reader.pages)}",
    ):
        assert shown in text, shown
    [entry] = exports(hung_file)
    assert entry.user == officer and entry.unit == hung_file.unit
    assert entry.detail.startswith(f"person file (PDF) ho-so-{hung_file.code}.pdf: legal measures")
    for word in ("drug tests", "HIV status", "health text of case work"):
        assert word in entry.detail


def test_a_volunteer_prints_the_case_work_without_sensitive_parts(client, volunteer, hung_file):
    client.force_login(volunteer)
    response = client.get(reverse("people:file", args=[hung_file.pk]))
    assert response.status_code == 200
    _reader, text = pdf_text(response.content)
    for shown in ("Nguyễn Văn Hùng", "Vũ Minh Tâm", "Có việc làm ổn định", "Gọi lại cho mẹ", "1.500.000 ₫"):
        assert shown in text, shown
    for hidden in ("Biện pháp áp dụng", "45/QĐ-UBND", "Xét nghiệm ma túy", "Tình trạng HIV", "xét nghiệm HIV"):
        assert hidden not in text, hidden
    [entry] = exports(hung_file)
    assert entry.user == volunteer
    assert entry.detail == f"person file (PDF) ho-so-{hung_file.code}.pdf"


def test_a_person_outside_the_scope_has_no_file(client, da_nang_officer, hung):
    login(client, da_nang_officer)
    assert client.get(reverse("people:file", args=[hung.pk])).status_code == 404
    assert exports(hung) == []


def test_without_a_pdf_library_the_user_is_told_so(client, officer, hung, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` now fails as on a bare server
    response = login(client, officer).get(reverse("people:file", args=[hung.pk]))
    assert response.status_code == 503
    assert "không tạo được tệp PDF" in parse(response).get(data_testid="pdf-unavailable").text
    assert exports(hung) == []


def test_without_pango_the_user_reads_what_is_missing_as_on_the_report_page(client, officer, hung, monkeypatch):
    monkeypatch.setattr(pdf, "LIBRARIES", (*pdf.LIBRARIES, "libpango-0.0-khong-co.so.0"))
    response = login(client, officer).get(reverse("people:file", args=[hung.pk]))
    assert response.status_code == 503
    reason = parse(response).get(data_testid="pdf-unavailable-reason").text
    assert "libpango-0.0-khong-co.so.0" in reason and reason.endswith(pdf.INSTALL_COMMAND)
    assert exports(hung) == []


# --- the monthly assessment from the person's page ---------------------------------------------------------------


def test_the_monthly_assessment_starts_and_ends_on_the_persons_page(client, make_user, phu_thuong, volunteer, hung):
    person_url = url("detail", hung)
    client.force_login(volunteer)
    link = parse(client.get(person_url)).get(data_testid="assess-month").attrs["href"]
    assert link == f"{reverse('casework:assessment', args=[hung.pk])}?next={person_url}"
    form = parse(client.get(link))
    assert form.get("input", name="next").attrs["value"] == person_url

    good = RatingLevel.objects.get(scale__unit__isnull=True, code="good")
    answers = {
        "drug_use": "none",
        "participation": "full",
        "work_status": "casual",
        "family_relations": "good",
        "compliance": "complies",
        "rating": good.pk,
        "next": person_url,
    }
    response = client.post(link, answers)
    assert response.status_code == 302 and response["Location"] == person_url
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Đã lưu đánh giá tháng {month_start(TODAY):%m/%Y} của Nguyễn Văn Hùng."
    ]
    assert MonthlyAssessment.objects.filter(person=hung, month=month_start(TODAY)).exists()
    # A `next` pointing to another site is not followed.
    answers["next"] = "https://example.org/people/"
    response = client.post(link.split("?")[0], answers)
    assert response["Location"] == reverse("casework:worklist")

    # Who may not record an assessment sees the case work without the button.
    auditor = make_user(Role.AUDITOR, phu_thuong)
    client.force_login(auditor)
    page = parse(client.get(person_url))
    assert page.find(data_testid="casework") is not None
    assert page.find(data_testid="assess-month") is None
