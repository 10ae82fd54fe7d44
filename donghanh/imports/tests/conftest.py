"""What the import tests share: officers of Phú Thượng, and XLSX files made in the test with openpyxl."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO
from typing import Any

import pytest
from openpyxl import Workbook

from donghanh.accounts.roles import Role
from donghanh.imports.models import ImportBatch
from donghanh.imports.services import import_apply_request, import_upload

PEOPLE_HEADERS = ("STT", "Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Thôn/tổ", "Biện pháp", "Ngày bắt đầu")


def xlsx(
    headers: Sequence[Any], rows: Sequence[Sequence[Any]], *, title_rows: int = 0, sheet: str = "Danh sách"
) -> bytes:
    """A workbook with optional title rows above the header, as real registers have."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for index in range(title_rows):
        ws.append([f"DANH SÁCH NGƯỜI SỬ DỤNG TRÁI PHÉP CHẤT MA TÚY (dòng tiêu đề {index + 1})"])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def officer(make_user: Callable[..., Any], phu_thuong: Any) -> Any:
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def upload(officer: Any, phu_thuong: Any, django_capture_on_commit_callbacks: Any) -> Callable[..., ImportBatch]:
    """upload(content, kind="people") → the import, checked (the test settings run tasks at once)."""

    def make(
        content: bytes, kind: str = "people", *, actor: Any = None, unit: Any = None, name: str = "so-quan-ly.xlsx"
    ) -> ImportBatch:
        with django_capture_on_commit_callbacks(execute=True):
            batch = import_upload(
                actor=actor or officer, unit=unit or phu_thuong, kind=kind, file_name=name, content=content
            )
        batch.refresh_from_db()
        return batch

    return make


def apply(batch: ImportBatch, actor: Any, capture: Any) -> ImportBatch:
    """Apply `batch` as `actor` (the task runs at once), and read it again."""
    with capture(execute=True):
        import_apply_request(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch
