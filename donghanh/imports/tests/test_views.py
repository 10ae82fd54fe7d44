"""The import pages: the list, the upload form and its refusals, the detail with its counts, scope and rights."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse
from donghanh.core.xlsx_read import UnsafeWorkbook, workbook_check
from donghanh.imports.choices import ImportStatus
from donghanh.imports.models import ImportBatch
from donghanh.imports.services import import_apply_request
from donghanh.imports.tests.conftest import PEOPLE_HEADERS, xlsx
from donghanh.people.models import Person

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = [
    (1, "Nguyễn Văn An", "Nam", "15/03/1990", "001090012345", "Tổ 5", "", ""),
    (2, "Trần Thị Bình", "Nữ", 1985, "", "Tổ 2", "", ""),
    (3, "Lê Văn Cường", "Không rõ", 1991, "", "", "", ""),  # sex not in the list
]


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def reader_message(data: bytes) -> str:
    """What the workbook reader says of `data`, in Vietnamese."""
    with translation.override("vi"), pytest.raises(UnsafeWorkbook) as caught:
        workbook_check(data)
    return caught.value.message


def with_macros(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/vbaProject.bin", b"\xcc\x61" + b"\x00" * 100)
    return out.getvalue()


def encrypted() -> bytes:
    """What Excel saves for a workbook with a password: an OLE2 file with an EncryptionInfo stream."""
    return (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\x00" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 50
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 1024
    )


def post_file(client: Any, unit: Any, content: bytes, name: str = "so-quan-ly.xlsx") -> Any:
    return client.post(
        "/imports/new/",
        {"kind": "people", "unit": unit.pk, "file": SimpleUploadedFile(name, content, content_type=XLSX)},
    )


def test_the_list_says_when_nothing_was_imported_yet(officer_client):
    page = parse(officer_client.get("/imports/").content)

    assert page.get(data_testid="imports-empty").text == "Chưa có tệp nào được nhập."
    assert page.find_all(data_testid="import-row") == []
    assert len(page.get(data_testid="templates").find_all("a")) == 3


def test_the_list_shows_the_commune_s_imports(officer_client, upload):
    upload(xlsx(PEOPLE_HEADERS, GOOD), name="thang-3.xlsx")

    page = parse(officer_client.get("/imports/").content)

    [row] = page.find_all(data_testid="import-row")
    assert row.attrs["data-status"] == "checked"
    assert row.text.startswith("thang-3.xlsx") and "Phú Thượng" in row.text
    assert page.find(data_testid="imports-empty") is None


def test_the_form_offers_only_the_officer_s_commune(officer_client, phu_thuong):
    response = officer_client.get("/imports/new/")

    assert response.status_code == 200
    form = parse(response.content).get(data_testid="import-form")
    assert form.attrs["enctype"] == "multipart/form-data"
    units = form.get("select", name="unit").find_all("option")
    assert [(option.attrs["value"], option.text) for option in units] == [(str(phu_thuong.pk), phu_thuong.name)]
    kinds = [option.attrs["value"] for option in form.get("select", name="kind").find_all("option")]
    assert kinds == ["people", "volunteers", "services"]
    assert form.get("input", name="file").attrs["type"] == "file"


def test_a_unit_outside_the_officer_s_commune_is_refused(officer_client, hai_chau):
    response = post_file(officer_client, hai_chau, xlsx(PEOPLE_HEADERS, GOOD))

    assert response.status_code == 400
    assert response.context["form"].errors["unit"] == [
        "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn khả thi."
    ]
    assert not ImportBatch.objects.exists()


def test_posting_no_file_shows_the_field_s_error_in_vietnamese(officer_client, phu_thuong):
    response = officer_client.post("/imports/new/", {"kind": "people", "unit": phu_thuong.pk})

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["Trường này là bắt buộc."]
    field = parse(response.content).get(data_field="file")
    assert "Trường này là bắt buộc." in field.text
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda: with_macros(xlsx(PEOPLE_HEADERS, GOOD)), id="macros"),
        pytest.param(encrypted, id="password"),
        pytest.param(lambda: "Họ và tên,Giới tính\nNguyễn Văn An,Nam\n".encode(), id="csv"),
    ],
)
def test_a_hostile_file_is_refused_with_the_reader_s_message_and_nothing_kept(officer_client, phu_thuong, content):
    data = content()
    message = reader_message(data)

    response = post_file(officer_client, phu_thuong, data)

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [message]
    assert message.startswith("Tệp ")  # in Vietnamese
    assert message in parse(response.content).get(data_field="file").text
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_the_reader_s_message(officer_client, phu_thuong, settings):
    settings.IMPORT_MAX_BYTES = 512 * 1024
    data = xlsx(PEOPLE_HEADERS, GOOD)
    data += b"\x00" * (512 * 1024 + 1 - len(data))
    message = reader_message(data)
    assert message == "Tệp lớn hơn 0,5 MB. Hãy chia dữ liệu thành các tệp nhỏ hơn và tải lên từng tệp."

    response = post_file(officer_client, phu_thuong, data)

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [message]
    assert not ImportBatch.objects.exists()


def test_a_good_file_leads_to_its_detail_page_with_the_counts(
    officer_client, phu_thuong, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(officer_client, phu_thuong, xlsx(PEOPLE_HEADERS, GOOD, title_rows=1))

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{batch.pk}/"
    detail = officer_client.get(response["Location"])
    assert detail.status_code == 200
    page = parse(detail.content)
    counts = page.get(data_testid="import-counts")
    assert counts.get(data_testid="count-create").text == "Tạo mới: 2"
    assert counts.get(data_testid="count-error").text == "Lỗi: 1"
    assert counts.get(data_testid="count-match").text.endswith(": 0")
    [error] = page.find_all(data_testid="entry-error")
    assert error.text == "Giới tính : “Không rõ” không có trong danh mục: Nam, Nữ."
    assert page.find(data_testid="import-apply") is None  # a row is wrong
    assert page.find(data_testid="import-fix") is not None
    assert not Person.objects.exists()


def test_the_detail_of_another_commune_s_import_is_not_found(officer_client, upload, make_user, hai_chau):
    theirs = upload(xlsx(PEOPLE_HEADERS, GOOD), actor=make_user(Role.COMMUNE_OFFICER, hai_chau), unit=hai_chau)

    assert officer_client.get(f"/imports/{theirs.pk}/").status_code == 404
    assert officer_client.get(f"/imports/{theirs.pk}/status/").status_code == 404
    assert officer_client.post(f"/imports/{theirs.pk}/apply/").status_code == 404
    assert parse(officer_client.get("/imports/").content).find_all(data_testid="import-row") == []


def test_a_volunteer_may_not_see_the_imports(client, make_user, phu_thuong):
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))

    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/new/").status_code == 403


def test_only_a_commune_officer_is_offered_the_undo(
    client, officer, upload, make_user, phu_thuong, django_capture_on_commit_callbacks
):
    batch = upload(xlsx(PEOPLE_HEADERS, GOOD[:2]))
    with django_capture_on_commit_callbacks(execute=True):
        import_apply_request(actor=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED and Person.objects.count() == 2
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)

    client.force_login(police)
    page = parse(client.get(f"/imports/{batch.pk}/").content)
    assert page.find(data_testid="import-applied") is not None
    assert page.find(data_testid="import-undo") is None
    assert client.post(f"/imports/{batch.pk}/undo/").status_code == 403
    client.force_login(officer)
    page = parse(client.get(f"/imports/{batch.pk}/").content)
    assert page.get(data_testid="import-undo").text == "Hoàn tác lần nhập"

    with django_capture_on_commit_callbacks(execute=True):  # the task worker undoes it
        response = client.post(f"/imports/{batch.pk}/undo/")

    assert response.status_code == 302
    assert not Person.objects.exists()
    page = parse(client.get(f"/imports/{batch.pk}/").content)
    assert page.find(data_testid="import-undone") is not None and page.find(data_testid="import-undo") is None


def test_every_possible_match_is_answered_at_once_from_the_page(
    officer_client, officer, phu_thuong, upload, django_capture_on_commit_callbacks
):
    from donghanh.people.choices import Sex
    from donghanh.people.services import person_register

    for name in ("Đinh Văn Một", "Đinh Văn Hai"):
        person_register(actor=officer, unit=phu_thuong, full_name=name, sex=Sex.MALE, birth_year=1980)
    rows = [(1, "Đinh Văn Một", "Nam", 1980, "", "Tổ 4", "", ""), (2, "Đinh Văn Hai", "Nam", 1980, "", "Tổ 4", "", "")]
    batch = upload(xlsx(PEOPLE_HEADERS, rows))
    page = parse(officer_client.get(f"/imports/{batch.pk}/"))
    assert len(page.find_all(data_testid="match-row")) == 2
    with django_capture_on_commit_callbacks(execute=True):
        answer = officer_client.post(f"/imports/{batch.pk}/decide/", {"all": "reject"})
    assert answer.status_code == 302
    batch.refresh_from_db()
    assert batch.decisions == {"2": "reject", "3": "reject"}
    assert [entry["action"] for entry in batch.preview] == ["create", "create"]


def test_the_detail_page_and_the_api_never_read_the_file_or_the_rows(officer_client, upload):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    batch = upload(xlsx(PEOPLE_HEADERS, GOOD))
    assert batch.rows  # kept, encrypted, until applied: the worker's, not the page's
    with CaptureQueriesContext(connection) as queries:
        assert officer_client.get(f"/imports/{batch.pk}/").status_code == 200
        assert officer_client.get(f"/api/v1/imports/{batch.pk}/").status_code == 200
    read = " ".join(q["sql"] for q in queries.captured_queries if "imports_importbatch" in q["sql"])
    assert '"preview"' in read and '"rows"' not in read and '"content"' not in read
