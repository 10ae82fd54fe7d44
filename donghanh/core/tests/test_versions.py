"""No lost update through the API: every PATCH names the version it read (If-Match or `version`), and a stale one
is refused with 412 and the record as it is now, nothing written."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.casework import services as casework
from donghanh.casework.models import PlanGoal
from donghanh.community import services as community
from donghanh.community.models import ModelType
from donghanh.episodes.services import episode_open
from donghanh.people.services import person_register
from donghanh.support import services as support
from donghanh.support.models import ServiceType

pytestmark = pytest.mark.django_db
D = datetime.date
API = "/api/v1/"
ENGLISH = {"Accept-Language": "en"}


def _person(officer: Any, unit: Any) -> Any:
    return person_register(
        actor=officer, unit=unit, full_name="Nguyễn Văn An", sex="male", birth_year=1990, registered_on=D(2024, 1, 2)
    )


def _team(officer: Any, unit: Any) -> Any:
    return casework.team_create(actor=officer, unit=unit, name="Đội tình nguyện Phú Thượng")


def _goal(officer: Any, unit: Any) -> Any:
    plan = casework.plan_create(actor=officer, person=_person(officer, unit), start_date=D(2025, 1, 2))
    domain = PlanGoal._meta.get_field("domain").choices[0][0]  # type: ignore[index]
    return casework.goal_add(
        actor=officer, plan=plan, domain=domain, goal="Có việc làm ổn định", actions="Học nghề may"
    )


def _model(officer: Any, unit: Any) -> Any:
    return community.model_create(
        actor=officer,
        unit=unit,
        model_type=ModelType.objects.get(code="post_rehab_club"),
        name="Câu lạc bộ Sau cai",
        decision_number="45/QĐ-UBND",
        decision_date=D(2024, 1, 15),
        established_on=D(2024, 1, 15),
    )


# (endpoint, how the record is made, a change, the field it changes with its value after)
CASES: dict[str, tuple[str, Callable[[Any, Any], Any], dict[str, Any]]] = {
    "person": ("people/", _person, {"phone": "0912345678"}),
    "episode": (
        "episodes/",
        lambda o, u: episode_open(
            actor=o, person=_person(o, u), episode_type="post_rehab_management", start_date=D(2025, 1, 2)
        ),
        {"notes": "Đã nhận quyết định"},
    ),
    "team": ("volunteer-teams/", _team, {"decision_number": "12/QĐ-UBND"}),
    "volunteer": (
        "volunteers/",
        lambda o, u: casework.volunteer_add(
            actor=o, team=_team(o, u), full_name="Trần Thị Hà", sex="female", affiliation="womens_union"
        ),
        {"phone": "0912345678"},
    ),
    "plan goal": ("plan-goals/", _goal, {"review_notes": "Đã đi làm hai tháng"}),
    "partner": (
        "partners/",
        lambda o, u: support.partner_add(actor=o, unit=u, name="Xưởng may Hồng Hà", kind="business"),
        {"phone": "0243123456"},
    ),
    "service": (
        "services/",
        lambda o, u: support.service_record(
            actor=o,
            person=_person(o, u),
            service_type=ServiceType.objects.get(code="legal_aid"),
            start_date=D(2025, 1, 2),
        ),
        {"outcome": "Đã có giấy tờ"},
    ),
    "community model": ("community-models/", _model, {"meeting_place": "Nhà văn hoá tổ 5"}),
    "board member": (
        "board-members/",
        lambda o, u: community.board_add(
            actor=o, model=_model(o, u), role="member", full_name="Lê Thị Mai", start_date=D(2024, 2, 1)
        ),
        {"phone": "0912345678"},
    ),
    "session": (
        "sessions/",
        lambda o, u: community.session_record(actor=o, model=_model(o, u), date=D(2025, 3, 1), kind="regular"),
        {"topic": "Kỹ năng sống"},
    ),
}


@pytest.fixture
def officer(make_user: Any, phu_thuong: Any) -> Any:
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, full_name="Cán bộ Phú Thượng")


@pytest.fixture
def api(client: Any, officer: Any) -> Any:
    client.force_login(officer)
    return client


def patch(client: Any, url: str, data: dict[str, Any], **headers: str) -> Any:
    return client.patch(url, data, content_type="application/json", headers={**ENGLISH, **headers})


def stored(record: Any) -> Any:
    return type(record).objects.get(pk=record.pk)


@pytest.mark.parametrize("case", CASES)
def test_an_update_names_the_version_it_read_and_a_stale_one_writes_nothing(api, officer, phu_thuong, case):
    endpoint, make, change = CASES[case]
    record = make(officer, phu_thuong)
    url = f"{API}{endpoint}{record.pk}/"
    ((name, value),) = change.items()

    read = api.get(url)
    assert read.status_code == 200 and read.json()["version"] == 1 and read["ETag"] == '"1"'

    # No version named: refused with the documented 428, nothing written.
    missing = patch(api, url, change)
    assert missing.status_code == 428, missing.content
    assert "If-Match" in missing.json()["detail"]
    assert getattr(stored(record), name) != value and stored(record).version == 1

    # The version read: written, one version more, and the new ETag.
    saved = patch(api, url, change, **{"If-Match": read["ETag"]})
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 2 and saved["ETag"] == '"2"'
    assert getattr(stored(record), name) == value
    assert stored(record).history.order_by("-history_date", "-history_id").first().version == 2

    # Someone else read version 1 and sends it: 412 with the record as it is now, nothing written.
    other = {name: "" if isinstance(value, str) else value}
    stale = patch(api, url, other, **{"If-Match": '"1"'})
    assert stale.status_code == 412, stale.content
    assert stale.json()["version"] == 2 and stale.json()[name] == value and stale["ETag"] == '"2"'
    assert getattr(stored(record), name) == value and stored(record).version == 2

    # The version in the body works as well; a stale one there too is a 412.
    assert patch(api, url, {**other, "version": 1}).status_code == 412
    body = patch(api, url, {**other, "version": 2})
    assert body.status_code == 200, body.content
    assert body.json()["version"] == 3 and getattr(stored(record), name) == other[name]


def test_a_precondition_that_is_not_a_version_is_a_400(api, officer, phu_thuong):
    url = f"{API}people/{_person(officer, phu_thuong).pk}/"
    for header in ("*", "3", '"abc"', '"0"', '"99999999999"'):
        response = patch(api, url, {"phone": "0912345678"}, **{"If-Match": header})
        assert response.status_code == 400 and response.json().keys() == {"If-Match"}, header
    assert patch(api, url, {"phone": "0912345678", "version": "x"}).json().keys() == {"version"}
    disagree = patch(api, url, {"phone": "0912345678", "version": 1}, **{"If-Match": '"2"'})
    assert disagree.status_code == 400 and disagree.json().keys() == {"version"}
    assert patch(api, url, {"phone": "0912345678"}, **{"If-Match": 'W/"1"'}).status_code == 200  # a weak form


def test_outside_the_scope_it_is_404_before_any_precondition(client, make_user, hai_chau, phu_thuong, officer):
    person = _person(officer, phu_thuong)
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert patch(client, f"{API}people/{person.pk}/", {"phone": "0912345678"}).status_code == 404


def test_the_schema_documents_the_precondition_on_every_update(api):
    document = yaml.safe_load(api.get(reverse("api-schema"), headers=ENGLISH).content)
    schemas = document["components"]["schemas"]
    updates = 0
    for path, operations in document["paths"].items():
        for method in ("put", "patch"):
            if method not in operations:
                continue
            operation = operations[method]
            headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
            assert "If-Match" in headers and not headers["If-Match"].get("required"), f"{method} {path}"
            assert {"200", "400", "412", "428"} <= operation["responses"].keys(), f"{method} {path}"
            success = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert operation["responses"]["412"]["content"]["application/json"]["schema"] == success
            read = schemas[success["$ref"].rsplit("/", 1)[-1]]
            assert read["properties"]["version"].get("readOnly") is True, path
            body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
            assert schemas[body]["properties"]["version"]["type"] == "integer", path
            updates += 1
    assert updates == len(CASES)
