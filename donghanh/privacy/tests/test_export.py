"""Everything held about a person, for a data-subject request: the export contains every record kind and nothing of
another person, as JSON and as a PDF (read back with pypdf), and each download is logged as an export.

Two people of Phú Thượng get a record of every kind (identity, roster, drug use and tests, health, a legal measure,
a release notice, a move, a possible relapse, a volunteer, a contact, a plan and its goal, an assessment, a
classification, an instrument, a service, a referral with its event and follow-up, a membership with attendance,
consent, a legal hold, an anonymisation, a request, and the report rows worked out from them). Each carries text
unique to its person; the first one's export must hold every kind with rows, and none of the second one's text.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from pypdf import PdfReader

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.audit.services import access_log_record
from donghanh.casework.models import (
    Contact,
    InstrumentRecord,
    MonthlyAssessment,
    PlanGoal,
    QuarterlyClassification,
    RatingLevel,
    ReintegrationPlan,
)
from donghanh.community.models import Attendance, CommunityModel, Membership, ModelType, Session
from donghanh.core import pdf
from donghanh.core.tests.pages import parse
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.models import (
    AddictionDetermination,
    DrugTest,
    DrugTestResult,
    DrugUseHistory,
    HealthStatus,
    Person,
)
from donghanh.people.services import person_register
from donghanh.privacy.choices import RequestChannel, RequestKind
from donghanh.privacy.export import personal_data, personal_data_json, personal_data_pdf, personal_models
from donghanh.privacy.models import Anonymisation, Consent, LegalHold
from donghanh.privacy.requests import request_record
from donghanh.reports.status.store import status_rebuild
from donghanh.roster.models import RelapseSignal, ReleaseNotice, TransferRequest
from donghanh.support.models import AdherenceFollowUp, Partner, Referral, ReferralEvent, ServiceRecord, ServiceType

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def officer(make_user: Callable[..., Any], phu_thuong: Any) -> Any:
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Cán bộ Phú Thượng")


@pytest.fixture
def shared(officer: Any, phu_thuong: Any, hai_chau: Any) -> dict[str, Any]:
    """What both people's records point at: a partner, a club and its session."""
    model_type = ModelType.objects.first() or ModelType.objects.create(
        code="club", label_vi="Câu lạc bộ", label_en="Club"
    )
    club = CommunityModel.objects.create(
        unit=phu_thuong,
        model_type=model_type,
        name="CLB Sau cai Phú Thượng",
        decision_number="12/QĐ-UBND",
        decision_date=D(2024, 9, 1),
        decision_body="UBND phường",
        established_on=D(2024, 9, 1),
        status="active",
        status_since=D(2024, 9, 1),
    )
    return {
        "elsewhere": hai_chau,
        "partner": Partner.objects.create(name="Phòng khám Methadone Tây Hồ", kind="health_facility", unit=phu_thuong),
        "service_type": ServiceType.objects.order_by("pk").first(),
        "rating": RatingLevel.objects.order_by("pk").first(),
        "club": club,
        "session": Session.objects.create(model=club, date=D(2025, 2, 10), kind="regular"),
    }


def everything(
    officer: Any, unit: Any, shared: dict[str, Any], assign: Callable[..., Any], name: str, tag: str
) -> Person:
    """A person with a record of every kind, each free text carrying `tag`."""
    person = person_register(
        actor=officer,
        unit=unit,
        full_name=name,
        sex="male",
        birth_year=1990,
        registered_on=D(2024, 1, 2),
        phone="0912" + tag[-6:],
        needs=f"nhu cầu {tag}",
        family_contacts=f"mẹ {tag}",
    )
    DrugUseHistory.objects.create(person=person, substances=["heroin"], injecting=True)
    HealthStatus.objects.create(person=person, other_conditions=f"bệnh {tag}")
    AddictionDetermination.objects.create(
        person=person, date=D(2024, 2, 1), facility=f"Trạm y tế {tag}", criteria_met=3, result="addicted"
    )
    test = DrugTest.objects.create(person=person, date=D(2024, 2, 2), sample="urine", tested_by="Trạm y tế", note=tag)
    DrugTestResult.objects.create(test=test, substance="heroin", result="positive")
    episode_open(
        actor=officer,
        person=person,
        episode_type=EpisodeType.DRUG_USER_MANAGEMENT,
        start_date=D(2024, 3, 1),
        notes=f"biện pháp {tag}",
    )
    RelapseSignal.objects.create(person=person, date=D(2024, 4, 1), source="police_report", note=f"báo cáo {tag}")
    ReleaseNotice.objects.create(
        person=person, facility=f"Cơ sở {tag}", notice_date=D(2024, 5, 1), expected_release_date=D(2024, 6, 1)
    )
    TransferRequest.objects.create(
        person=person,
        from_unit=unit,
        to_unit=shared["elsewhere"],
        move_date=D(2024, 5, 2),
        proposed_by_side="leaving",
        note=f"chuyển {tag}",
    )
    assign(person, tag)
    Contact.objects.create(person=person, date=D(2025, 1, 5), mode="home_visit", notes=f"thăm {tag}")
    InstrumentRecord.objects.create(person=person, instrument="barc10", date=D(2025, 1, 6), answers={}, score=30)
    MonthlyAssessment.objects.create(
        person=person,
        month=D(2025, 1, 1),
        drug_use="none",
        participation="full",
        work_status="stable",
        family_relations="good",
        compliance="complies",
        rating=shared["rating"],
        assessed_on=D(2025, 1, 28),
        notes=f"đánh giá {tag}",
    )
    QuarterlyClassification.objects.create(person=person, year=2025, quarter=1, level=shared["rating"])
    plan = ReintegrationPlan.objects.create(person=person, start_date=D(2025, 1, 2), notes=f"kế hoạch {tag}")
    PlanGoal.objects.create(plan=plan, domain="work", goal=f"việc làm {tag}", actions=f"học nghề {tag}")
    ServiceRecord.objects.create(
        person=person, service_type=shared["service_type"], start_date=D(2025, 1, 8), notes=f"dịch vụ {tag}"
    )
    referral = Referral.objects.create(
        person=person,
        partner=shared["partner"],
        kind="methadone",
        reason=f"giới thiệu {tag}",
        sent_on=D(2025, 1, 9),
        referred_by=officer,
        status_on=D(2025, 1, 9),
    )
    ReferralEvent.objects.create(referral=referral, status="sent", on=D(2025, 1, 9), by=officer, note=f"gửi {tag}")
    AdherenceFollowUp.objects.create(
        referral=referral, month=D(2025, 1, 1), attendance="regular", source="clinic", note=f"tuân thủ {tag}"
    )
    membership = Membership.objects.create(
        model=shared["club"], person=person, joined_on=D(2025, 1, 10), note=f"thành viên {tag}"
    )
    Attendance.objects.create(session=shared["session"], membership=membership)
    Consent.objects.create(
        person=person,
        purpose="messages",
        method="signed_form",
        form_number=f"F-{tag}",
        given_on=D(2025, 1, 3),
        recorded_by=officer,
    )
    LegalHold.objects.create(person=person, reason=f"điều tra {tag}", placed_by=officer)
    Anonymisation.objects.create(person=person, kind=f"k{tag}"[:30])
    request_record(
        actor=officer,
        person=person,
        kind=RequestKind.ACCESS,
        received_on=D(2025, 3, 6),
        channel=RequestChannel.LETTER,
        details=f"xin bản sao {tag}",
    )
    return person


@pytest.fixture
def world(officer: Any, phu_thuong: Any, shared: dict[str, Any], make_user: Callable[..., Any], assign_volunteer: Any):
    def assign(person: Person, tag: str) -> Any:
        return assign_volunteer(make_user(Role.VOLUNTEER, phu_thuong, full_name=f"Tình nguyện viên {tag}"), person)

    first = everything(officer, phu_thuong, shared, assign, "Nguyễn Văn Một", "TAGALPHA111")
    second = everything(officer, phu_thuong, shared, assign, "Trần Thị Hai", "TAGBRAVO222")
    status_rebuild()
    access_log_record(actor=officer, obj=first, detail="drug tests", unit=phu_thuong)
    access_log_record(actor=officer, obj=second, detail="drug tests", unit=phu_thuong)
    return first, second


def the_second_ones(person: Person) -> list[str]:
    """Values unique to the second person: their code, name, tag, phone and volunteer."""
    return [person.code, person.full_name, "TAGBRAVO", "Trần Thị Hai", person.phone]


def test_the_export_contains_every_record_kind_and_nothing_of_another_person(world, officer):
    first, second = world
    data = personal_data(first, actor=officer)
    body = personal_data_json(data).decode()
    exported = json.loads(body)

    labels = {pm.label for pm in personal_models()}
    assert labels >= {
        "people.person",
        "people.drugtest",
        "people.drugtestresult",
        "people.healthstatus",
        "episodes.episode",
        "casework.contact",
        "casework.plangoal",
        "support.referralevent",
        "community.attendance",
        "privacy.consent",
        "privacy.legalhold",
        "privacy.datasubjectrequest",
        "reports.monthlystatus",
    }
    assert set(exported["records"]) == labels
    empty = sorted(label for label, part in exported["records"].items() if not part["rows"])
    assert empty == [], f"no rows of {empty} in the export"
    assert not any(label.startswith("historical") or "historical" in label for label in labels)
    assert "audit.accesslogentry" not in exported["records"]

    assert exported["person"]["code"] == first.code
    [own] = exported["records"]["people.person"]["rows"]
    assert own["full_name"] == "Nguyễn Văn Một" and own["needs"] == "nhu cầu TAGALPHA111"  # decrypted
    assert "citizen_id_hash" not in own and "phone_hash" not in own
    [result] = exported["records"]["people.drugtestresult"]["rows"]
    assert result["result"] in ("Dương tính", "Positive")  # a choice as its label
    [test] = exported["records"]["people.drugtest"]["rows"]
    assert test["date"] == "02/02/2024"
    assert "TAGALPHA111" in body
    for value in the_second_ones(second):
        assert value not in body, value

    log = exported["access_log"]["rows"]
    assert [(row["detail"], row["record"]) for row in log if row["detail"] == "drug tests"] == [
        ("drug tests", str(first))
    ]

    reader = PdfReader(io.BytesIO(personal_data_pdf(data)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert first.code in text and "TAGALPHA111" in text
    for value in [second.code, "TAGBRAVO", second.phone]:
        assert value not in text, value
    for part in data.parts:  # every record kind has its heading
        assert part.title.split()[0] in text


def test_both_downloads_are_logged_as_exports_for_the_officer_only(client, world, officer, make_user, hai_chau):
    first, _second = world
    request = first.data_requests.get()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(officer)
    as_json = client.get(f"/privacy/requests/{request.pk}/export.json")
    assert as_json.status_code == 200 and as_json["Content-Type"] == "application/json"
    assert as_json["Content-Disposition"].startswith('attachment; filename="du-lieu-ca-nhan-')
    assert json.loads(as_json.content)["person"]["code"] == first.code
    as_pdf = client.get(f"/privacy/requests/{request.pk}/export.pdf")
    assert as_pdf.status_code == 200 and as_pdf["Content-Type"] == "application/pdf"
    assert as_pdf.content.startswith(b"%PDF")
    api = client.get(f"/api/v1/data-requests/{request.pk}/export/")
    assert api.status_code == 200 and api.json()["person"]["code"] == first.code

    exports = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT, object_id=str(first.pk))
    details = sorted(e.detail.split(",")[0] for e in exports)
    assert len(details) == 3
    assert any("(JSON)" in d and d.startswith("everything held") for d in details)
    assert any("(PDF)" in d for d in details)
    assert all(e.user == officer and e.unit_id == first.unit_id for e in exports)
    # The next export shows the earlier ones among who exported the data.
    again = json.loads(client.get(f"/privacy/requests/{request.pk}/export.json").content)
    assert sum(row["action"] in ("Xuất dữ liệu", "Export") for row in again["access_log"]["rows"]) >= 3

    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(f"/privacy/requests/{request.pk}/export.json").status_code == 404
    assert AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).count() == 4


def test_without_pango_the_pdf_says_what_is_missing_and_the_json_still_comes(client, world, officer, monkeypatch):
    first, _second = world
    request = first.data_requests.get()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(officer)
    monkeypatch.setattr(pdf, "LIBRARIES", (*pdf.LIBRARIES, "libpango-0.0-khong-co.so.0"))
    refused = client.get(f"/privacy/requests/{request.pk}/export.pdf")
    assert refused.status_code == 503
    page = parse(refused)
    assert "libpango-0.0-khong-co.so.0" in page.get(data_testid="pdf-unavailable-reason").text
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()
    assert client.get(f"/privacy/requests/{request.pk}/export.json").status_code == 200
