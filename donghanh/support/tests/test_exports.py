"""The support given in a period as an Excel file: each service and the totals of the support page, for its unit and
period, scoped and logged as the page is."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.core.tests.pages import parse
from donghanh.core.tests.sheets import (
    assert_date_cell,
    assert_number_cell,
    assert_printable,
    assert_text_cell,
    read_xlsx,
)
from donghanh.support import services
from donghanh.support.tests.helpers import kind, register

pytestmark = pytest.mark.django_db

D = datetime.date
OVERVIEW = reverse("support:overview")
XLSX = reverse("support:overview_xlsx")


def vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


@pytest.fixture
def world(officer, make_user, phu_thuong, hai_chau):
    """Support in Phú Thượng in Q2 2025 and the day before it, and in Hải Châu in the same quarter."""
    hung, lan = register(officer, phu_thuong, "Nguyễn Văn Hùng"), register(officer, phu_thuong, "Trần Thị Lan")
    give = services.service_record
    aid = kind("emergency_aid")
    give(actor=officer, person=hung, service_type=aid, start_date=D(2025, 4, 1), amount=1_500_000)
    give(actor=officer, person=lan, service_type=aid, start_date=D(2025, 5, 10), amount=1_000_000)
    give(actor=officer, person=lan, service_type=kind("vocational_training"), start_date=D(2025, 5, 2),
         end_date=D(2025, 8, 2), amount=3_000_000, provider_name="=1+1")  # fmt: skip
    give(actor=officer, person=lan, service_type=kind("legal_aid"), start_date=D(2025, 4, 15))
    give(actor=officer, person=hung, service_type=aid, start_date=D(2025, 3, 31), amount=9_000_000)
    other = make_user(Role.COMMUNE_OFFICER, hai_chau)
    far = register(other, hai_chau, "Phạm Văn Xa")
    give(actor=other, person=far, service_type=aid, start_date=D(2025, 5, 5), amount=7_000_000)
    return {"hung": hung, "lan": lan, "other": other}


def test_the_file_holds_each_service_of_the_period_and_the_totals(client, officer, phu_thuong, world):
    client.force_login(officer)
    link = parse(client.get(OVERVIEW, {"period": "2025Q2"})).get(data_testid="xlsx-link")
    assert link.attrs["href"] == f"{XLSX}?period=2025Q2"
    sheets = read_xlsx(client.get(link.attrs["href"]))
    records, totals = sheets.values()
    assert records.sheet.title == vi("Services given")
    assert "01/04/2025" in records.title_block[2] and "30/06/2025" in records.title_block[2]
    assert records.headers == [
        vi("Code"),
        vi("Full name"),
        vi("Managing commune"),
        vi("Service"),
        vi("Provider"),
        vi("Start"),
        vi("End"),
        vi("Amount"),
    ]
    # The service of 31/03 is before the period on screen, Hải Châu's is another province's.
    starts = [cell.value.date() for cell in (row[5] for row in records.cells())]
    assert starts == [D(2025, 4, 1), D(2025, 4, 15), D(2025, 5, 2), D(2025, 5, 10)]
    assert "Phạm Văn Xa" not in records.column(vi("Full name"))
    first = records.cells()[0]
    assert first[0].value == world["hung"].code and first[2].value == "Phường Phú Thượng"
    assert_date_cell(first[5], D(2025, 4, 1))
    assert_number_cell(first[7], 1_500_000)
    assert first[7].number_format == '#,##0 "₫"'
    training = records.cells()[2]
    assert_text_cell(training[4], "=1+1")
    assert_date_cell(training[6], D(2025, 8, 2))
    for sheet in (records, totals):
        assert_printable(sheet)

    assert totals.headers == [vi("Service"), vi("People"), vi("Times given"), vi("Amount")]
    every = totals.cells()[-1]
    assert every[0].value == vi("All support")
    assert_number_cell(every[1], 2)
    assert_number_cell(every[3], 5_500_000)
    assert_number_cell(totals.cell(vi("Service"), str(kind("emergency_aid")), vi("Times given")), 2)

    [entry] = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT)
    assert entry.user == officer and entry.unit == phu_thuong
    assert entry.detail.startswith("support given (XLSX): ho-tro-2025q2-phuong-phu-thuong-")
    assert "4 rows" in entry.detail


def test_another_commune_gets_only_its_own(client, officer, hai_chau, world):
    client.force_login(officer)
    assert client.get(XLSX, {"unit": hai_chau.pk, "period": "2025Q2"}).status_code == 404
    client.force_login(world["other"])
    records, _totals = read_xlsx(client.get(XLSX, {"period": "2025Q2"})).values()
    assert records.column(vi("Full name")) == ["Phạm Văn Xa"]


def test_a_volunteer_gets_the_support_of_the_people_assigned_to_them(
    client, make_user, phu_thuong, world, assign_volunteer
):
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, world["hung"])
    client.force_login(volunteer)
    records, _totals = read_xlsx(client.get(XLSX, {"period": "2025Q2"})).values()
    assert records.column(vi("Full name")) == ["Nguyễn Văn Hùng"]
