"""Reading an uploaded XLSX workbook without trusting it.

`workbook_check` looks at the bytes and the zip directory before anything parses the file, and refuses what is
not a plain .xlsx: an empty or oversized file, something else renamed (CSV, PDF, an old .xls), a password-protected
workbook, macros, a zip bomb, XML with a DTD or entities, a damaged zip. `workbook_sheets` then streams the sheets
with openpyxl in read-only mode, formulas read as the values Excel last saved, and turns anything openpyxl raises
into the same refusal, so a hostile upload never becomes a server error. Each refusal carries a message in the
user's language saying what is wrong and what to do.

The limits below are defaults; settings IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, IMPORT_MAX_UNCOMPRESSED_BYTES and
IMPORT_MAX_COMPRESSION_RATIO override them, read at each call.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import defusedxml
import defusedxml.ElementTree
import openpyxl
import openpyxl.xml
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.translation import gettext

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # all members together
MAX_RATIO = 100  # uncompressed / compressed, per member
MAX_MEMBERS = 10_000

# Small parts compress well past MAX_RATIO in any workbook (an empty sheet, a style sheet); only a large member
# compressed that much is a bomb.
_RATIO_FROM = 1024 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Excel saves a password-protected workbook as an OLE2 compound file whose directory names this stream (in
# UTF-16LE); any other OLE2 file is an old binary .xls, or a Word or PowerPoint file.
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")

_CONTENT_TYPES = "[Content_Types].xml"
_WORKBOOK = "xl/workbook.xml"


class UnsafeWorkbook(Exception):
    """The file is refused; `message` (also str(exc)) says in the user's language what is wrong and what to do."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetRows:
    """One worksheet: its name, and its non-empty rows as (1-based row number in the sheet, cell values)."""

    name: str
    rows: Iterator[tuple[int, tuple[Any, ...]]]


def workbook_check(data: bytes) -> None:
    """Raise UnsafeWorkbook unless `data` is a plain XLSX that is safe to open.

    Only the zip directory, [Content_Types].xml and xl/workbook.xml are read; sizes come from the directory, never
    from decompressing (Python's zipfile stops each member at its declared size, so the directory cannot lie).
    """
    if not data:
        raise UnsafeWorkbook(gettext("The file is empty. Choose the Excel file (.xlsx) again and upload it."))
    max_bytes = _limit("IMPORT_MAX_BYTES", MAX_BYTES)
    if len(data) > max_bytes:
        raise UnsafeWorkbook(
            gettext("The file is larger than %(limit)s MB. Split the data into smaller files and upload each one.")
            % {"limit": _megabytes(max_bytes)}
        )
    if data.startswith(_OLE2_MAGIC):
        if _ENCRYPTION_INFO in data:
            raise UnsafeWorkbook(
                gettext(
                    "The file is protected by a password, so it cannot be read. Open it in Excel, remove the "
                    "password (File > Info > Protect Workbook > Encrypt with Password, then clear it), save it and "
                    "upload it again."
                )
            )
        raise UnsafeWorkbook(_not_xlsx())
    if not data.startswith(_ZIP_MAGIC):
        raise UnsafeWorkbook(_not_xlsx())
    # From here on it begins as a zip: what fails is a damaged or incomplete file rather than another format.
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnsafeWorkbook(_unreadable())
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _archive_check(archive)
    except UnsafeWorkbook:
        raise
    except Exception as exc:  # whatever a damaged zip or XML makes the libraries raise: the file is refused
        raise UnsafeWorkbook(_unreadable()) from exc


def workbook_sheets(data: bytes) -> Iterator[SheetRows]:
    """Check `data` (at once), then yield each worksheet of the workbook with its rows.

    A row's values run from column A to its last non-empty cell: cached values for formulas (None where the file
    kept none), datetime for dates, int or float for numbers. Rows with no value (or only blank text) are skipped.
    Reading raises UnsafeWorkbook when the file turns out unreadable or holds forbidden XML, and once more than
    MAX_ROWS non-empty rows have been read in the whole workbook (after the rows before it were yielded).
    Read each sheet's rows inside the loop over sheets: the workbook is closed when that loop ends.
    """
    # An environment variable (OPENPYXL_DEFUSEDXML=False) can turn it off; then entities in a sheet would expand.
    if not openpyxl.xml.DEFUSEDXML:
        raise RuntimeError("openpyxl is not parsing with defusedxml: refusing to read uploaded workbooks")
    workbook_check(data)
    return _sheets(data, _limit("IMPORT_MAX_ROWS", MAX_ROWS))


def _sheets(data: bytes, max_rows: int) -> Iterator[SheetRows]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # opening parses every sheet's start, the styles and the shared strings
        raise _refusal(exc) from exc
    rows_read = 0
    closed = False

    def rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
        nonlocal rows_read
        if closed:
            raise RuntimeError("rows read after the workbook was closed: read them inside the loop over sheets")
        # The dimension a sheet declares is the file's claim: too small, it would drop rows; huge, every row would
        # be padded to it. Without it each row is as long as its own cells.
        sheet.reset_dimensions()
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
                    continue
                rows_read += 1
                if rows_read > max_rows:
                    raise UnsafeWorkbook(
                        gettext(
                            "The file has more than %(limit)s rows of data. Split the data into smaller files and "
                            "upload each one."
                        )
                        % {"limit": number_format(max_rows, force_grouping=True)}
                    )
                end = len(values)
                while values[end - 1] is None:
                    end -= 1
                yield number, tuple(values[:end])
        except UnsafeWorkbook:
            raise
        except Exception as exc:  # a sheet is parsed only now, as it is read
            raise _refusal(exc) from exc

    try:
        for sheet in book.worksheets:
            yield SheetRows(name=sheet.title, rows=rows(sheet))
    finally:
        closed = True
        book.close()


def _archive_check(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnsafeWorkbook(
            gettext(
                "The file is made of too many parts (more than %(limit)s) for a workbook. Copy the data into a new "
                "workbook, save it as .xlsx and upload that."
            )
            % {"limit": number_format(MAX_MEMBERS, force_grouping=True)}
        )
    max_uncompressed = _limit("IMPORT_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED)
    if sum(member.file_size for member in members) > max_uncompressed:
        raise UnsafeWorkbook(
            gettext(
                "The file holds too much data once unpacked (more than %(limit)s MB). Split the data into smaller "
                "files and upload each one."
            )
            % {"limit": _megabytes(max_uncompressed)}
        )
    max_ratio = _limit("IMPORT_MAX_COMPRESSION_RATIO", MAX_RATIO)
    if any(m.file_size > _RATIO_FROM and m.file_size > max_ratio * m.compress_size for m in members):
        raise UnsafeWorkbook(
            gettext(
                "Part of the file is compressed far more than in an ordinary Excel file, so it is refused for "
                "safety. Copy the data into a new workbook, save it as .xlsx and upload that."
            )
        )
    names = {member.filename for member in members}
    if _CONTENT_TYPES not in names or _WORKBOOK not in names:
        raise UnsafeWorkbook(_not_xlsx())
    content_types = _xml_part(archive, _CONTENT_TYPES)
    declared = " ".join(element.get("ContentType", "") for element in content_types.iter()).lower()
    if any(_is_macro_part(name) for name in names) or "macroenabled" in declared or "vbaproject" in declared:
        raise UnsafeWorkbook(
            gettext(
                "The file contains macros (VBA code), which are not accepted. Open it in Excel, save it as an Excel "
                "Workbook (.xlsx), which keeps no macros, and upload that."
            )
        )
    _xml_part(archive, _WORKBOOK)


def _is_macro_part(name: str) -> bool:
    # Binary parts of a plain workbook exist too (printer settings), so only VBA and ActiveX ones count.
    lowered = name.lower()
    return lowered.endswith(".bin") and ("vba" in lowered or "activex" in lowered)


def _xml_part(archive: zipfile.ZipFile, name: str) -> Any:
    """The part parsed, refused if it declares a DTD or entities (a "billion laughs" expands in memory)."""
    try:
        return defusedxml.ElementTree.fromstring(archive.read(name), forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise UnsafeWorkbook(_forbidden_xml()) from exc


def _refusal(exc: BaseException) -> UnsafeWorkbook:
    # openpyxl wraps what fails while opening in a ValueError of its own; the cause says whether it was defusedxml.
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, defusedxml.DefusedXmlException):
            return UnsafeWorkbook(_forbidden_xml())
        cause = cause.__cause__ or cause.__context__
    return UnsafeWorkbook(_unreadable())


def _not_xlsx() -> str:
    return gettext(
        "The file is not an Excel .xlsx file (its content is not in that format). Open the file in Excel and save "
        "it as an Excel Workbook (.xlsx)."
    )


def _unreadable() -> str:
    return gettext(
        "The file cannot be read: it is damaged or incomplete. Open it in Excel to check it, save it again as an "
        "Excel Workbook (.xlsx) and upload that."
    )


def _forbidden_xml() -> str:
    return gettext(
        "The file contains forbidden XML constructs (a DTD or entity declarations), so it is refused for safety. "
        "Open it in Excel, save it again as an Excel Workbook (.xlsx) and upload that."
    )


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _megabytes(size: int) -> str:
    return str(floatformat(size / (1024 * 1024), -1))
