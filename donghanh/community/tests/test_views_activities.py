"""Community activities and the roadmap as users see them: the list with its filters and totals, recording an
activity, the roadmap's progress and setting a target.

State is built through the services; assertions read the rendered pages (elements by data-testid).
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from donghanh.accounts.roles import Role
from donghanh.community import services
from donghanh.community.models import Activity, CommunityModel, ModelType, RoadmapTarget
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code

pytestmark = pytest.mark.django_db

D = datetime.date
JANUARY_15 = D(2025, 1, 15)
ACTIVITIES = reverse("community:activities")
CREATE = reverse("community:activity_create")
ROADMAP = reverse("community:roadmap")


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def kind(code: str) -> ModelType:
    return ModelType.objects.get(code=code)


def make_model(officer, unit, name: str, code: str = "post_rehab_club", on: datetime.date = JANUARY_15):
    return services.model_create(
        actor=officer, unit=unit, model_type=kind(code), name=name, decision_number="1/QĐ", decision_date=on,
        established_on=on,
    )  # fmt: skip


def titles(response) -> list[str]:
    table = parse(response).find(data_testid="activity-table")
    return [cell.text for cell in table.find_all(data_testid="activity-title")] if table else []


def total(response, name: str) -> str:
    return parse(response).get(data_testid=f"total-{name}").text


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def province_officer(make_user, phu_thuong):
    return make_user(Role.PROVINCE_OFFICER, phu_thuong.parent)


@pytest.fixture
def activities(officer, province_officer, make_user, phu_thuong, hai_chau, unit):
    """Phú Thượng's activities in 2025 and 2026, one of Hà Nội's at the province, another commune's, Đà Nẵng's."""
    record = services.activity_record
    neighbour = unit("00004")
    return {
        "campaign": record(
            actor=officer, unit=phu_thuong, date=D(2025, 6, 26), kind="campaign",
            title="Ngày toàn dân phòng chống ma túy",
            people_count=5, family_count=10, staff_count=4, volunteer_count=6, public_count=120,
            materials="200 tờ rơi, 2 băng rôn",
        ),
        "training": record(
            actor=officer, unit=phu_thuong, date=D(2026, 3, 10), kind="training", title="Tập huấn tình nguyện viên",
            staff_count=2, volunteer_count=15,
        ),
        "review": record(
            actor=province_officer, unit=phu_thuong.parent, date=D(2025, 12, 15), kind="review",
            title="Hội nghị sơ kết mô hình", staff_count=40,
        ),
        "neighbour": record(
            actor=make_user(Role.COMMUNE_OFFICER, neighbour), unit=neighbour, date=D(2025, 9, 1), kind="drug_free",
            title="Xã không ma túy Ba Đình", public_count=60,
        ),
        "far": record(
            actor=make_user(Role.COMMUNE_OFFICER, hai_chau), unit=hai_chau, date=D(2025, 6, 26), kind="campaign",
            title="Chiến dịch Hải Châu", public_count=300,
        ),
    }  # fmt: skip


# --- the list -------------------------------------------------------------------------------------


def test_a_commune_sees_its_own_activities_with_the_totals(client, officer, activities):
    client.force_login(officer)
    page = client.get(ACTIVITIES)
    assert_csp_and_no_inline_code(page, ACTIVITIES)
    assert titles(page) == ["Tập huấn tình nguyện viên", "Ngày toàn dân phòng chống ma túy"]
    assert total(page, "people_count") == "5"
    assert total(page, "staff_count") == "6"
    assert total(page, "volunteer_count") == "21"
    assert total(page, "public_count") == "120"
    assert parse(page).get(data_testid="total-participants").text.startswith("162")
    row = parse(page).get(data_testid=f"activity-row-{activities['campaign'].pk}").rows()[0]
    assert row[0] == "26/06/2025" and row[-1] == "145"
    assert parse(page).find(data_testid="add-activity") is not None


def test_the_province_filters_by_kind_unit_and_year(client, province_officer, activities, phu_thuong):
    client.force_login(province_officer)
    everything = client.get(ACTIVITIES)
    assert set(titles(everything)) == {
        "Ngày toàn dân phòng chống ma túy", "Tập huấn tình nguyện viên", "Hội nghị sơ kết mô hình",
        "Xã không ma túy Ba Đình",
    }  # fmt: skip
    assert titles(client.get(ACTIVITIES, {"year": "2026"})) == ["Tập huấn tình nguyện viên"]
    assert titles(client.get(ACTIVITIES, {"kind": "campaign"})) == ["Ngày toàn dân phòng chống ma túy"]
    by_unit = client.get(ACTIVITIES, {"unit": phu_thuong.pk, "year": "2025"})
    assert titles(by_unit) == ["Ngày toàn dân phòng chống ma túy"]
    assert total(by_unit, "public_count") == "120"
    # A unit that is not the user's choice is ignored, and the list says nothing matched otherwise.
    empty = client.get(ACTIVITIES, {"kind": "training", "year": "2025"})
    assert parse(empty).find(data_testid="empty") is not None
    assert total(empty, "staff_count") == "0"
    # htmx asks for the table alone.
    partial = client.get(ACTIVITIES, {"year": "2026"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and titles(partial) == ["Tập huấn tình nguyện viên"]


def test_the_list_reads_in_a_fixed_number_of_queries(
    client, officer, activities, phu_thuong, django_assert_num_queries
):
    client.force_login(officer)
    client.get(ACTIVITIES)
    # Session, user and roles (3); the unit filter; the totals; the page's count and its rows.
    with django_assert_num_queries(7):
        client.get(ACTIVITIES)
    for n in range(10):
        services.activity_record(
            actor=officer, unit=phu_thuong, date=D(2025, 7, n + 1), kind="other", title=f"Hoạt động {n}"
        )
    with django_assert_num_queries(7):
        page = client.get(ACTIVITIES)
    assert len(titles(page)) == 12


# --- recording an activity ------------------------------------------------------------------------


def test_a_commune_officer_records_an_activity(client, officer, phu_thuong):
    client.force_login(officer)
    form = client.get(CREATE)
    assert_csp_and_no_inline_code(form, CREATE)
    assert parse(form).get(data_testid="activity-unit").text == "Phường Phú Thượng — Thành phố Hà Nội"
    response = client.post(
        CREATE,
        {
            "date": "26/06/2025", "unit": phu_thuong.pk, "kind": "campaign", "title": "Mít tinh 26/6",
            "people_count": "3", "family_count": "", "staff_count": "7", "volunteer_count": "12",
            "public_count": "150", "materials": "Băng rôn, loa", "notes": "",
        },
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == ACTIVITIES
    activity = Activity.objects.get()
    assert (activity.unit, activity.date, activity.kind, activity.participants, activity.recorded_by) == (
        phu_thuong, D(2025, 6, 26), "campaign", 172, officer,
    )  # fmt: skip
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        vi("%(title)s is recorded, with %(count)s participants.") % {"title": "Mít tinh 26/6", "count": 172}
    ]
    refused = client.post(CREATE, {"date": "27/06/2025", "unit": phu_thuong.pk, "kind": "campaign", "title": " "})
    assert refused.status_code == 400
    assert Activity.objects.count() == 1


def test_a_board_member_records_their_model_s_activity_only(client, officer, make_user, phu_thuong):
    club = make_model(officer, phu_thuong, "CLB Vững bước")
    other = make_model(officer, phu_thuong, "CLB Tuổi trẻ")
    member = make_user(Role.BOARD_MEMBER, phu_thuong)
    services.board_add(
        actor=officer, model=club, role="chair", full_name="Chủ nhiệm", start_date=D(2025, 1, 15), user=member
    )
    client.force_login(member)
    form = client.get(CREATE, {"model": club.pk})
    options = [o.attrs.get("value") for o in parse(form).get("select", name="model").find_all("option")]
    assert options == ["", str(club.pk)]
    post = {"date": "01/07/2025", "unit": phu_thuong.pk, "kind": "culture_sports", "title": "Giao lưu bóng đá"}
    refused = client.post(CREATE, post)
    assert refused.status_code == 400
    assert vi("Choose the model whose activity this is.") in parse(refused).get(data_field="model").text
    assert client.post(CREATE, {**post, "model": other.pk}).status_code == 400
    assert client.post(CREATE, {**post, "model": club.pk}).status_code == 302
    assert Activity.objects.get().model == club


def test_a_volunteer_reads_the_list_but_cannot_record(client, make_user, phu_thuong, activities):
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))
    page = client.get(ACTIVITIES)
    assert page.status_code == 200 and parse(page).find(data_testid="add-activity") is None
    assert client.get(CREATE).status_code == 403
    assert (
        client.post(CREATE, {"date": "01/07/2025", "unit": phu_thuong.pk, "kind": "other", "title": "x"}).status_code
        == 403
    )


# --- the roadmap ----------------------------------------------------------------------------------


@pytest.fixture
def hanoi_models(officer, province_officer, make_user, phu_thuong, unit):
    """Hà Nội: two post-rehab clubs (one operating stably), a dissolved early-intervention club, a suspended group."""
    neighbour_officer = make_user(Role.COMMUNE_OFFICER, unit("00004"))
    stable = make_model(officer, phu_thuong, "CLB Vững bước")
    services.model_status_change(actor=officer, model=stable, status="stable", on=D(2025, 6, 1))
    make_model(neighbour_officer, unit("00004"), "CLB Ba Đình")
    gone = make_model(officer, phu_thuong, "CLB Măng non", code="early_intervention_club")
    services.model_status_change(actor=officer, model=gone, status="dissolved", on=D(2025, 3, 1))
    paused = make_model(officer, phu_thuong, "Nhóm tự lực", code="self_help_group")
    services.model_status_change(actor=officer, model=paused, status="suspended", on=D(2025, 5, 1))
    return CommunityModel.objects.all()


def test_the_roadmap_shows_progress_against_the_province_s_targets(client, province_officer, hanoi_models, phu_thuong):
    hanoi = phu_thuong.parent
    year = timezone.localdate().year
    overall = services.roadmap_target_set(
        actor=province_officer, unit=hanoi, year=year, model_type=None, models_target=3, stable_share_target=50
    )
    clubs = services.roadmap_target_set(
        actor=province_officer, unit=hanoi, year=year, model_type=kind("post_rehab_club"), models_target=2,
        stable_share_target=None, note="Mỗi phường trọng điểm một CLB",
    )  # fmt: skip
    client.force_login(province_officer)
    page = client.get(ROADMAP)
    assert_csp_and_no_inline_code(page, ROADMAP)
    section = parse(page).get(data_testid=f"roadmap-unit-{hanoi.pk}")
    row = section.get(data_testid=f"target-{overall.pk}")
    # Two models operate (the dissolved and the suspended do not), one of them stably: 50 % against 50 %.
    assert row.get(data_testid="target-models").text == "2 / 3 chưa đạt"
    assert row.get(data_testid="target-stable").text == f"50 % / 50 % {vi('met')}"
    row = section.get(data_testid=f"target-{clubs.pk}")
    assert row.get(data_testid="target-models").text == "2 / 2 đạt"
    assert row.get(data_testid="target-stable").text == "50 %"
    assert parse(page).find(data_testid="roadmap-form") is not None


def test_a_province_officer_sets_a_target_and_a_commune_officer_may_not(
    client, province_officer, officer, phu_thuong, hai_chau
):
    hanoi = phu_thuong.parent
    client.force_login(province_officer)
    form = parse(client.get(ROADMAP)).get(data_testid="roadmap-form")
    units = [o.attrs.get("value") for o in form.get("select", name="unit").find_all("option")]
    assert str(hanoi.pk) in units and str(phu_thuong.pk) in units and str(hai_chau.pk) not in units
    post = {"unit": hanoi.pk, "year": "2026", "model_type": kind("early_intervention_club").pk,
            "models_target": "6", "stable_share_target": "100", "note": "Mỗi phường một CLB"}  # fmt: skip
    response = client.post(ROADMAP, post)
    assert response.status_code == 302 and response["Location"] == ROADMAP
    target = RoadmapTarget.objects.get()
    assert (target.unit, target.year, target.model_type.code, target.models_target, target.stable_share_target) == (
        hanoi, 2026, "early_intervention_club", 6, 100,
    )  # fmt: skip
    # The same unit, year and type again: the target changes, no second one.
    client.post(ROADMAP, {**post, "models_target": "8"})
    assert RoadmapTarget.objects.get().models_target == 8
    refused = client.post(ROADMAP, {**post, "models_target": "", "stable_share_target": ""})
    assert refused.status_code == 400
    assert (
        vi("Give a number of models, a share operating stably, or both.")
        in parse(refused).get(data_field="models_target").text
    )
    assert client.post(ROADMAP, {**post, "stable_share_target": "120"}).status_code == 400
    assert client.post(ROADMAP, {**post, "unit": hai_chau.pk}).status_code == 400

    client.force_login(officer)
    page = client.get(ROADMAP)
    assert page.status_code == 200 and parse(page).find(data_testid="roadmap-form") is None
    assert client.post(ROADMAP, {**post, "unit": phu_thuong.pk}).status_code == 403
    assert RoadmapTarget.objects.count() == 1


def test_the_roadmap_reads_in_a_fixed_number_of_queries(
    client, province_officer, hanoi_models, phu_thuong, django_assert_num_queries
):
    hanoi = phu_thuong.parent
    for model_type in ModelType.objects.all():
        services.roadmap_target_set(
            actor=province_officer,
            unit=hanoi,
            year=2025,
            model_type=model_type,
            models_target=2,
            stable_share_target=50,
        )
    client.force_login(province_officer)
    client.get(ROADMAP)
    # Session, user and roles (3); the form's units and types (2); the units; their targets; one count per year.
    with django_assert_num_queries(8):
        page = client.get(ROADMAP)
    assert len(parse(page).get(data_testid=f"roadmap-unit-{hanoi.pk}").get(data_testid="roadmap-table").rows()) == 4
