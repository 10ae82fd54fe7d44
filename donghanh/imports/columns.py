"""The columns of each kind of import: their headers, how a cell is read, the drop-down lists and an example.

One definition serves the template a commune downloads and the reading of the file it sends back. A column is
found by its header in either language, or by one of the headers real registers use (`aliases`, without
diacritics); columns the system does not know are listed in the preview and ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from donghanh.casework.choices import Affiliation
from donghanh.core.text import fold
from donghanh.episodes.choices import EpisodeType
from donghanh.imports import cells
from donghanh.imports.choices import ImportKind
from donghanh.people.choices import Sex, Whereabouts
from donghanh.support.models import ServiceType


def _labels(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in choices]


def service_types() -> list[tuple[str, str]]:
    """The service types in use, by their label in the current language (either language is understood)."""
    return [(str(t.pk), t.label) for t in ServiceType.objects.filter(is_active=True).order_by("position", "pk")]


def service_type_aliases() -> dict[str, str]:
    return {
        fold(label): str(pk)
        for pk, vi, en in ServiceType.objects.filter(is_active=True).values_list("pk", "label_vi", "label_en")
        for label in (vi, en)
    }


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    read: Callable[[Any], Any]
    required: bool = False
    aliases: tuple[str, ...] = ()  # headers of real registers, folded (no diacritics, lower case)
    options: Callable[[], Sequence[tuple[str, str]]] | None = None  # the drop-down list: (value, label)
    example: Any = ""
    help: Promise | str = ""
    width: int = 18
    date: bool = False  # written as a date in the template

    def headers(self) -> set[str]:
        """Every folded header this column answers to: its own in each language, and the aliases."""
        found = set(self.aliases) | {self.key}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                found.add(fold(str(self.header)))
        return found


SEXES = cells.chooser(lambda: _labels(Sex.choices), cells.SEX_ALIASES)
EPISODE_TYPES = cells.chooser(lambda: _labels(EpisodeType.choices))
WHEREABOUTS = cells.chooser(lambda: _labels(Whereabouts.choices))
AFFILIATIONS = cells.chooser(lambda: _labels(Affiliation.choices))
SERVICE_TYPES = cells.chooser(service_types, service_type_aliases)

COMMUNE = Column(
    "commune",
    _("Commune code"),
    cells.texter(20),
    aliases=("ma xa", "ma xa phuong", "xa phuong", "xa", "phuong"),
    help=_("The code or the name of the current commune; may stay empty in a commune's own file."),
    example="",
)
PERSON_REF = Column(
    "person",
    _("Citizen ID or person code"),
    cells.texter(20),
    required=True,
    aliases=("cccd", "so cccd", "so cccd/cmnd", "ma nguoi", "ma ho so", "cccd/cmnd"),
    help=_("The person's 12-digit citizen ID (or old 9-digit ID card), or their code in the system (DH…)."),
    example="001090012345",
)

PEOPLE = (
    Column(
        "full_name",
        _("Full name"),
        cells.texter(150),
        required=True,
        aliases=("ho ten", "ho va ten", "ten"),
        example="Nguyễn Văn An",
        width=26,
    ),
    Column(
        "sex",
        _("Sex"),
        SEXES,
        required=True,
        aliases=("gioi tinh", "gt", "nam/nu"),
        options=lambda: _labels(Sex.choices),
        example=str(Sex.MALE.label),
        width=10,
    ),
    Column(
        "birth",
        _("Date or year of birth"),
        cells.birth,
        required=True,
        aliases=("ngay sinh", "nam sinh", "ngay thang nam sinh", "ns"),
        example="15/03/1990",
        help=_("dd/mm/yyyy, d/m/yy, or the year alone."),
    ),
    Column(
        "citizen_id",
        _("Citizen ID"),
        cells.digits,
        aliases=("cccd", "so cccd", "cmnd", "so cmnd", "so cccd/cmnd", "cccd/cmnd", "so dinh danh"),
        example="001090012345",
        help=_("12 digits (or 9 for an old ID card); spaces and dots are allowed."),
    ),
    COMMUNE,
    Column(
        "current_hamlet",
        _("Hamlet / residential group"),
        cells.texter(100),
        aliases=("thon", "to dan pho", "thon/to", "thon, to dan pho", "ap", "khom"),
        example="Tổ 5",
    ),
    Column(
        "current_street",
        _("House number and street"),
        cells.texter(200),
        aliases=("dia chi", "so nha", "noi o hien nay", "dia chi hien nay"),
        example="12 ngõ 3 Phú Thượng",
        width=26,
    ),
    Column(
        "phone", _("Phone"), cells.phone, aliases=("dien thoai", "so dien thoai", "sdt", "dt"), example="0912345678"
    ),
    Column(
        "registered_on",
        _("Managed from"),
        cells.date,
        aliases=("ngay quan ly", "ngay dang ky", "ngay lap ho so"),
        date=True,
        help=_("The day the commune began to manage the person; by default the measure's start, or today."),
    ),
    Column(
        "whereabouts",
        _("Whereabouts"),
        WHEREABOUTS,
        aliases=("tinh trang cu tru", "noi o", "hien dang o"),
        options=lambda: _labels(Whereabouts.choices),
        example=str(Whereabouts.AT_RESIDENCE.label),
        help=_("By default at the residence, or in a facility for a measure carried out there."),
    ),
    Column(
        "episode_type",
        _("Measure"),
        EPISODE_TYPES,
        aliases=("bien phap", "bien phap ap dung", "loai bien phap"),
        options=lambda: _labels(EpisodeType.choices),
        example=str(EpisodeType.DRUG_USER_MANAGEMENT.label),
        width=30,
    ),
    Column(
        "start_date",
        _("Measure start"),
        cells.date,
        aliases=("ngay bat dau", "tu ngay", "ngay ap dung"),
        example="01/02/2026",
        date=True,
    ),
    Column(
        "planned_end_date",
        _("Planned end"),
        cells.date,
        aliases=("ngay ket thuc", "den ngay", "ngay ket thuc du kien"),
        date=True,
        help=_("By default the usual duration of the rule in force."),
    ),
    Column(
        "decision_number",
        _("Decision number"),
        cells.texter(50),
        aliases=("so quyet dinh", "so qd", "quyet dinh so"),
        example="15/QĐ-UBND",
    ),
    Column(
        "decision_date",
        _("Decision date"),
        cells.date,
        aliases=("ngay quyet dinh", "ngay qd"),
        example="25/01/2026",
        date=True,
    ),
    Column(
        "issuing_body",
        _("Issued by"),
        cells.texter(150),
        aliases=("co quan ra quyet dinh", "noi ra quyet dinh"),
        example="UBND phường Phú Thượng",
    ),
    Column(
        "facility", _("Facility or clinic"), cells.texter(150), aliases=("co so", "co so cai nghien", "co so dieu tri")
    ),
    Column("notes", _("Notes"), cells.texter(2000), aliases=("ghi chu",), width=30),
)

VOLUNTEERS = (
    Column(
        "full_name",
        _("Volunteer's full name"),
        cells.texter(150),
        required=True,
        aliases=("ho ten", "ho va ten", "ten tinh nguyen vien", "ho ten tinh nguyen vien"),
        example="Trần Thị Bình",
        width=26,
    ),
    Column(
        "sex",
        _("Sex"),
        SEXES,
        required=True,
        aliases=("gioi tinh", "gt"),
        options=lambda: _labels(Sex.choices),
        example=str(Sex.FEMALE.label),
        width=10,
    ),
    Column("birth_year", _("Year of birth"), cells.whole, aliases=("nam sinh",), example=1985),
    Column(
        "affiliation",
        _("Affiliation"),
        AFFILIATIONS,
        required=True,
        aliases=("doan the", "to chuc", "thanh phan"),
        options=lambda: _labels(Affiliation.choices),
        example=str(Affiliation.WOMENS_UNION.label),
        width=24,
    ),
    Column("phone", _("Phone"), cells.phone, aliases=("dien thoai", "so dien thoai", "sdt"), example="0987654321"),
    Column(
        "hamlet", _("Hamlet / residential group"), cells.texter(100), aliases=("thon", "to dan pho"), example="Tổ 5"
    ),
    Column(
        "start_date",
        _("Active from"),
        cells.date,
        aliases=("ngay bat dau", "tu ngay"),
        example="01/01/2026",
        date=True,
        help=_("By default today."),
    ),
    COMMUNE,
    Column(
        "person",
        _("Person helped (citizen ID or code)"),
        cells.texter(20),
        aliases=("nguoi duoc giup do", "cccd nguoi duoc giup do", "ma nguoi duoc giup do"),
        example="001090012345",
        help=_("Leave empty for a volunteer who helps nobody yet."),
    ),
    Column(
        "assigned_on",
        _("Assigned from"),
        cells.date,
        aliases=("ngay phan cong",),
        example="01/02/2026",
        date=True,
        help=_("By default today."),
    ),
)

SERVICES = (
    PERSON_REF,
    Column(
        "full_name",
        _("Full name"),
        cells.texter(150),
        aliases=("ho ten", "ho va ten"),
        example="Nguyễn Văn An",
        help=_("Only to read the sheet; the person is found by the citizen ID or code."),
        width=26,
    ),
    Column(
        "service_type",
        _("Service"),
        SERVICE_TYPES,
        required=True,
        aliases=("loai ho tro", "dich vu", "hinh thuc ho tro"),
        options=service_types,
        example="",
        width=30,
    ),
    Column(
        "start_date",
        _("Start"),
        cells.date,
        required=True,
        aliases=("ngay bat dau", "ngay ho tro", "ngay"),
        example="10/02/2026",
        date=True,
    ),
    Column("end_date", _("End"), cells.date, aliases=("ngay ket thuc",), date=True),
    Column(
        "amount",
        _("Amount (đồng)"),
        cells.money,
        aliases=("so tien", "kinh phi", "so tien (dong)"),
        help=_("For a loan or aid: a whole number of đồng, e.g. 1.500.000."),
    ),
    Column(
        "provider_name",
        _("Provider"),
        cells.texter(200),
        aliases=("don vi cung cap", "noi cung cap", "ngan hang"),
        help=_("The bank branch of a loan, the employer of a job, the school of a course."),
    ),
    Column("position", _("Position"), cells.texter(150), aliases=("vi tri viec lam", "cong viec")),
    Column("notes", _("Notes"), cells.texter(2000), aliases=("ghi chu",), width=30),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.PEOPLE: PEOPLE,
    ImportKind.VOLUNTEERS: VOLUNTEERS,
    ImportKind.SERVICES: SERVICES,
}

# Columns of a register that number the rows: neither data nor worth listing as ignored.
ROW_NUMBERS = frozenset({"stt", "tt", "so tt", "so thu tu", "no", "no.", "#"})


@dataclass
class HeaderMap:
    """Where each known column is in a sheet, and the headers nobody knows."""

    row: int
    positions: dict[str, int] = field(default_factory=dict)  # column key -> index in the row
    extra: list[str] = field(default_factory=list)
    missing: list[Column] = field(default_factory=list)


def _bare(value: Any) -> str:
    """A header folded, without a trailing asterisk (required) or a note in brackets."""
    folded = fold(str(value)).replace("*", "")
    if "(" in folded and not folded.startswith("("):
        bare = folded.split("(")[0].strip()
        return bare or folded
    return folded.strip()


def header_map(kind: str, row_number: int, values: Sequence[Any]) -> HeaderMap | None:
    """The columns of `kind` in a header row; None when fewer than two headers are known (not a header row)."""
    columns = COLUMNS[kind]
    known = [(column, column.headers()) for column in columns]
    found = HeaderMap(row=row_number)
    for index, value in enumerate(values):
        if cells.is_blank(value):
            continue
        whole, bare = fold(str(value)).replace("*", "").strip(), _bare(value)
        match = next(
            (c for c, names in known if c.key not in found.positions and (whole in names or bare in names)), None
        )
        if match is not None:
            found.positions[match.key] = index
        elif bare not in ROW_NUMBERS:
            found.extra.append(str(value).strip()[:100])
    if len(found.positions) < 2:
        return None
    found.missing = [column for column in columns if column.required and column.key not in found.positions]
    return found
