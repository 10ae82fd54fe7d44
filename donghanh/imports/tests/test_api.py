"""The imports API: upload (multipart), follow the check, decide on possible matches, apply, undo; scoped and
documented like the pages. The test settings run tasks at once, when the request's transaction commits."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from donghanh.accounts.roles import Role
from donghanh.imports.choices import ImportStatus
from donghanh.imports.models import ImportBatch
from donghanh.imports.tests.conftest import PEOPLE_HEADERS, xlsx
from donghanh.people.models import Person
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/imports/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEASURE = "Quản lý người sử dụng trái phép chất ma túy"
CLEAN = [
    (1, "Nguyễn Văn An", "Nam", "15/03/1990", "001 090.012345", "Tổ 5", MEASURE, "01/02/2026"),
    (2, "Trần Thị Bình", "Nữ", 1985, "", "Tổ 2", "", ""),
]
BAD = [
    (1, "Nguyễn Văn An", "Nam", "15/03/1990", "", "Tổ 5", "", ""),
    (2, "Trần Thị Bình", "Không rõ", 1985, "", "Tổ 2", "", ""),  # sex not in the list
]


@pytest.fixture
def api(client, officer, django_capture_on_commit_callbacks):
    """api(method, path, data, **kwargs) as the commune officer, running the tasks the request queues."""
    client.force_login(officer)

    def call(method: str, path: str, data: Any = None, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(path, data, **kwargs)

    return call


def send(api: Any, content: bytes, *, dry_run: bool = True, name: str = "so-quan-ly.xlsx", **fields: Any) -> Any:
    data = {"file": SimpleUploadedFile(name, content, content_type=XLSX), "kind": "people", **fields}
    data["dry_run"] = "true" if dry_run else "false"
    return api("post", IMPORTS, data)


def test_an_upload_is_accepted_then_checked_with_every_error_on_its_row_and_column(api, phu_thuong, officer):
    sent = send(api, xlsx(PEOPLE_HEADERS, BAD))

    assert sent.status_code == 202, sent.content
    body = sent.json()
    assert body["status"] == "queued" and body["kind"] == "people" and body["unit"] == phu_thuong.pk
    assert body["file_name"] == "so-quan-ly.xlsx" and body["requested_by"] == officer.username
    read = api("get", f"{IMPORTS}{body['id']}/").json()
    assert read["status"] == "checked"
    assert read["counts"] == {"rows": 2, "create": 1, "update": 0, "unchanged": 0, "match": 0, "error": 1}
    assert read["errors"] == [
        {
            "sheet": "Danh sách",
            "row": 3,
            "column": "Giới tính",
            "message": "“Không rõ” không có trong danh mục: Nam, Nữ.",
        }
    ]
    assert read["matches"] == [] and read["sheet"] == "Danh sách"
    assert not Person.objects.exists()  # a dry run writes nothing


def test_applying_an_import_with_errors_is_refused_in_vietnamese(api):
    batch_id = send(api, xlsx(PEOPLE_HEADERS, BAD)).json()["id"]

    refused = api("post", f"{IMPORTS}{batch_id}/apply/")

    assert refused.status_code == 400
    assert refused.json() == {
        "non_field_errors": ["1 dòng có lỗi. Hãy sửa trong tệp rồi tải lên lại: không có gì được ghi khi còn dòng sai."]
    }
    assert ImportBatch.objects.get(pk=batch_id).status == ImportStatus.CHECKED
    assert not Person.objects.exists()


def test_a_clean_file_sent_without_dry_run_is_applied_and_undone_by_the_officer(api, officer, phu_thuong):
    sent = send(api, xlsx(PEOPLE_HEADERS, CLEAN), dry_run=False)
    assert sent.status_code == 202

    read = api("get", f"{IMPORTS}{sent.json()['id']}/").json()

    assert read["status"] == "applied", read
    assert read["applied_by"] == officer.username and read["applied_at"]
    assert read["counts"]["create"] == 2 and read["errors"] == []
    people = Person.objects.filter(unit=phu_thuong)
    assert sorted(people.values_list("full_name", flat=True)) == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert people.get(full_name="Nguyễn Văn An").citizen_id == "001090012345"

    undoing = api("post", f"{IMPORTS}{read['id']}/undo/")

    assert undoing.status_code == 202, undoing.content
    assert undoing.json()["status"] == "undoing"  # the task worker undoes it
    undone = api("get", f"{IMPORTS}{read['id']}/").json()
    assert undone["status"] == "undone" and undone["undone_by"] == officer.username
    assert not Person.objects.exists()
    again = api("post", f"{IMPORTS}{read['id']}/undo/")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["Chỉ có thể hoàn tác lần nhập đã được ghi."]}


def test_a_dry_run_is_applied_by_the_apply_action(api, phu_thuong):
    batch_id = send(api, xlsx(PEOPLE_HEADERS, CLEAN)).json()["id"]
    assert api("get", f"{IMPORTS}{batch_id}/").json()["status"] == "checked"
    assert not Person.objects.exists()

    applied = api("post", f"{IMPORTS}{batch_id}/apply/")

    assert applied.status_code == 202 and applied.json()["status"] == "applying"
    assert api("get", f"{IMPORTS}{batch_id}/").json()["status"] == "applied"
    assert Person.objects.filter(unit=phu_thuong).count() == 2


def test_a_possible_match_is_decided_then_the_registered_person_is_updated(api, officer, phu_thuong):
    registered = person_register(actor=officer, unit=phu_thuong, full_name="Nguyễn Văn An", sex="male", birth_year=1990)
    rows = [(1, "Nguyễn  văn An", "Nam", 1990, "", "Tổ 9", "", "")]
    batch_id = send(api, xlsx(PEOPLE_HEADERS, rows)).json()["id"]

    read = api("get", f"{IMPORTS}{batch_id}/").json()

    assert read["status"] == "checked"
    assert read["counts"]["match"] == 1 and read["counts"]["create"] == 0
    assert read["matches"] == [
        {
            "row": 2,
            "person": "Nguyễn văn An (1990)",
            "candidates": [{"id": registered.pk, "label": f"Nguyễn Văn An (1990, {registered.code})"}],
        }
    ]
    assert api("post", f"{IMPORTS}{batch_id}/apply/").status_code == 400

    decided = api(
        "post",
        f"{IMPORTS}{batch_id}/decide/",
        {"decisions": [{"row": 2, "decision": "confirm"}]},
        content_type="application/json",
    )

    assert decided.status_code == 202, decided.content
    read = api("get", f"{IMPORTS}{batch_id}/").json()
    assert read["status"] == "checked" and read["matches"] == []
    assert read["counts"]["update"] == 1 and read["counts"]["match"] == 0 and read["counts"]["create"] == 0
    assert api("post", f"{IMPORTS}{batch_id}/apply/").status_code == 202
    assert api("get", f"{IMPORTS}{batch_id}/").json()["status"] == "applied"
    assert list(Person.objects.values_list("pk", flat=True)) == [registered.pk]  # no one new
    registered.refresh_from_db()
    assert registered.current_hamlet == "Tổ 9"


def test_without_dry_run_an_undecided_match_waits_and_the_decision_applies_the_file(api, officer, phu_thuong):
    registered = person_register(actor=officer, unit=phu_thuong, full_name="Nguyễn Văn An", sex="male", birth_year=1990)
    rows = [(1, "Nguyễn Văn An", "Nam", 1990, "", "Tổ 9", "", ""), (2, "Trần Thị Bình", "Nữ", 1985, "", "", "", "")]
    batch_id = send(api, xlsx(PEOPLE_HEADERS, rows), dry_run=False).json()["id"]

    read = api("get", f"{IMPORTS}{batch_id}/").json()

    assert read["status"] == "checked" and [m["row"] for m in read["matches"]] == [2]  # not applied: undecided
    assert Person.objects.count() == 1
    decisions = {"decisions": [{"row": 2, "decision": "reject"}]}
    assert api("post", f"{IMPORTS}{batch_id}/decide/", decisions, content_type="application/json").status_code == 202
    assert api("get", f"{IMPORTS}{batch_id}/").json()["status"] == "applied"
    assert Person.objects.filter(full_name="Nguyễn Văn An").exclude(pk=registered.pk).count() == 1  # another person
    assert Person.objects.count() == 3


def test_a_decision_on_a_row_without_a_match_is_refused(api, officer, phu_thuong):
    batch_id = send(api, xlsx(PEOPLE_HEADERS, CLEAN)).json()["id"]

    refused = api(
        "post",
        f"{IMPORTS}{batch_id}/decide/",
        {"decisions": [{"row": 2, "decision": "confirm"}]},
        content_type="application/json",
    )

    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["Dòng 2 không có trường hợp trùng nào cần quyết định."]}
    wrong = api(
        "post",
        f"{IMPORTS}{batch_id}/decide/",
        {"decisions": [{"row": 2, "decision": "maybe"}]},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "decisions" in wrong.json()


def test_an_officer_of_another_province_neither_sees_nor_touches_the_import(api, client, make_user, hai_chau):
    batch_id = send(api, xlsx(PEOPLE_HEADERS, CLEAN)).json()["id"]
    assert [row["id"] for row in api("get", IMPORTS).json()["results"]] == [batch_id]
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))

    assert client.get(f"{IMPORTS}{batch_id}/").status_code == 404
    assert client.get(IMPORTS).json()["results"] == []
    for action in ("apply", "undo", "decide"):
        assert client.post(f"{IMPORTS}{batch_id}/{action}/").status_code == 404


def test_a_volunteer_may_not_list_or_upload(client, make_user, phu_thuong):
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))

    assert client.get(IMPORTS).status_code == 403
    upload = {"file": SimpleUploadedFile("a.xlsx", xlsx(PEOPLE_HEADERS, CLEAN), content_type=XLSX), "kind": "people"}
    assert client.post(IMPORTS, upload).status_code == 403
    assert not ImportBatch.objects.exists()


def test_the_police_import_but_do_not_undo(api, client, make_user, phu_thuong):
    batch_id = send(api, xlsx(PEOPLE_HEADERS, CLEAN), dry_run=False).json()["id"]
    client.force_login(make_user(Role.COMMUNE_POLICE, phu_thuong))

    assert client.get(f"{IMPORTS}{batch_id}/").json()["status"] == "applied"
    assert client.post(f"{IMPORTS}{batch_id}/undo/").status_code == 403
    assert Person.objects.count() == 2


def test_a_csv_named_xlsx_is_refused_on_the_file_and_nothing_is_kept(api):
    csv = "Họ và tên,Giới tính,Ngày sinh\nNguyễn Văn An,Nam,15/03/1990\n".encode()

    refused = send(api, csv, name="so-quan-ly.xlsx")

    assert refused.status_code == 400
    assert refused.json() == {
        "file": [
            "Tệp không phải là tệp Excel .xlsx (nội dung không đúng định dạng). Hãy mở tệp trong Excel và lưu lại "
            "dưới dạng Sổ làm việc Excel (.xlsx)."
        ]
    }
    assert not ImportBatch.objects.exists()


def test_an_upload_without_a_file_or_kind_names_the_fields(api):
    refused = api("post", IMPORTS, {"kind": "registers"})

    assert refused.status_code == 400
    assert set(refused.json()) == {"file", "kind"}
    assert not ImportBatch.objects.exists()


def test_the_schema_documents_the_imports_endpoints(client, officer):
    client.force_login(officer)
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]

    upload = paths["/api/v1/imports/"]["post"]
    body = upload["requestBody"]["content"]
    assert list(body) == ["multipart/form-data"]
    assert body["multipart/form-data"]["schema"] == {"$ref": "#/components/schemas/ImportUploadRequest"}
    assert set(upload["responses"]) >= {"202", "400", "403"}
    assert set(paths["/api/v1/imports/"]) >= {"get", "post"}
    assert set(paths["/api/v1/imports/{id}/"]) >= {"get"}
    for action in ("decide", "apply", "undo"):
        assert "post" in paths[f"/api/v1/imports/{{id}}/{action}/"], action
    decide = paths["/api/v1/imports/{id}/decide/"]["post"]
    assert decide["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ImportDecideRequest"
    }
    components = schema["components"]["schemas"]
    upload_fields = components["ImportUploadRequest"]["properties"]
    assert upload_fields["file"] == {
        "type": "string",
        "format": "binary",
        "description": upload_fields["file"]["description"],
    }
    assert set(upload_fields) == {"file", "kind", "unit", "dry_run"}
    assert set(components["ImportUploadRequest"]["required"]) == {"file", "kind"}
    assert {"errors", "matches", "counts", "status"} <= set(components["Import"]["properties"])
    assert set(components["ImportRowError"]["properties"]) == {"sheet", "row", "column", "message"}
    assert components["ImportStatusEnum"]["enum"] == [s.value for s in ImportStatus]


def test_a_match_to_one_of_several_people_names_that_person(api, officer, phu_thuong):
    first, second = (
        person_register(actor=officer, unit=phu_thuong, full_name="Vũ Văn Nam", sex="male", birth_year=1985,
                        current_hamlet=hamlet)
        for hamlet in ("Tổ 1", "Tổ 2")
    )  # fmt: skip
    batch_id = send(api, xlsx(PEOPLE_HEADERS, [(1, "Vũ Văn Nam", "Nam", 1985, "", "Tổ 8", "", "")])).json()["id"]
    assert len(api("get", f"{IMPORTS}{batch_id}/").json()["matches"][0]["candidates"]) == 2
    path = f"{IMPORTS}{batch_id}/decide/"
    vague = api("post", path, {"decisions": [{"row": 2, "decision": "confirm"}]}, content_type="application/json")
    assert vague.status_code == 400
    named = {"decisions": [{"row": 2, "decision": "confirm", "person": first.pk}]}
    assert api("post", path, named, content_type="application/json").status_code == 202
    read = api("get", f"{IMPORTS}{batch_id}/").json()
    assert read["counts"]["update"] == 1 and read["matches"] == []
    assert api("post", f"{IMPORTS}{batch_id}/apply/").status_code == 202
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.current_hamlet, second.current_hamlet) == ("Tổ 8", "Tổ 2")


@pytest.mark.parametrize("typed", ["99999999999999999999", "-1", "0", "abc"])
def test_a_strange_unit_is_a_400_on_the_field(api, typed):
    answer = send(api, xlsx(PEOPLE_HEADERS, BAD), unit=typed)
    assert answer.status_code == 400 and "unit" in answer.json(), answer.content
    assert not ImportBatch.objects.exists()
