"""Whether this machine can make PDFs (`core.pdf`): the libraries WeasyPrint loads and the fonts the PDF names,
looked for as WeasyPrint will, and the warning of `manage.py check` when something is missing.

This machine has them (the PDF tests make real PDFs), so a missing one is a name that no system has: the check
really fails to load it, as it would fail to load Pango where it is not installed. What the pages do then is in
test_export_jobs.py."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.utils import translation

from donghanh.core import pdf

NO_SUCH_LIBRARY = "libpango-0.0-khong-co.so.0"


def check_output() -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("check", "--tag", "core", stdout=out, stderr=err)  # no database needed
    return out.getvalue() + err.getvalue()


def test_this_machine_has_the_libraries_and_a_font_and_the_check_is_quiet():
    assert pdf.missing_for_pdf(pdf.LIBRARIES, pdf.FONT_FAMILIES) == pdf.Missing()
    assert pdf.pdf_unavailable() is None
    assert "core.W001" not in check_output()


def test_what_is_missing_is_named_with_the_command_that_installs_it(monkeypatch):
    missing = pdf.missing_for_pdf((pdf.LIBRARIES[0], NO_SUCH_LIBRARY), pdf.FONT_FAMILIES)
    assert missing == pdf.Missing(libraries=(NO_SUCH_LIBRARY,))
    assert pdf.missing_for_pdf(pdf.LIBRARIES, ("Phông Không Có", "DejaVu Sans")) == pdf.Missing()  # one is enough
    assert pdf.missing_for_pdf(pdf.LIBRARIES, ("Phông Không Có",)) == pdf.Missing(fonts=("Phông Không Có",))

    monkeypatch.setattr(pdf, "LIBRARIES", (*pdf.LIBRARIES, NO_SUCH_LIBRARY))
    with translation.override("vi"):
        assert pdf.pdf_unavailable() == (
            f"Máy chủ này chưa tạo được tệp PDF: thiếu thư viện hệ thống {NO_SUCH_LIBRARY}. Quản trị hệ thống cài "
            "bằng lệnh: apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
        )
        # A warning for `manage.py check` and the server's start (`make run`), not an error.
        output = check_output()
    assert "core.W001" in output and NO_SUCH_LIBRARY in output
    assert "HINT: sudo apt-get install libpango-1.0-0" in output
    monkeypatch.setattr(pdf, "LIBRARIES", pdf.LIBRARIES[:-1])
    monkeypatch.setattr(pdf, "FONT_FAMILIES", ("Phông Không Có",))
    with translation.override("vi"):
        assert "chưa cài phông chữ nào trong số Phông Không Có" in (pdf.pdf_unavailable() or "")
