"""The access review: busy hours, access outside working hours and every export, in the auditor's units."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.audit.services import access_log_record
from donghanh.core.tests.pages import parse
from donghanh.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db

URL = reverse("audit:access_review")
Level = OrgUnit.Level
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 2 to Sunday 8 November 2026.
DAYS = {"since": "02/11/2026", "until": "08/11/2026"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LOCAL)


def log(actor, record, when: datetime, action: str = AccessLogEntry.Action.VIEW, unit=None) -> AccessLogEntry:
    """An entry made at `when` (the log stamps the present; the test moves it to the time it needs)."""
    entry = access_log_record(actor=actor, obj=record, action=action, unit=unit or record)
    AccessLogEntry.objects.filter(pk=entry.pk).update(at=when)
    return entry


def communes_of(province: str, count: int) -> list[OrgUnit]:
    found = list(OrgUnit.objects.filter(era=OrgUnit.Era.CURRENT, level=Level.COMMUNE, parent__code=province)[:count])
    assert len(found) == count
    return found


@pytest.fixture
def communes():
    """Communes of Hà Nội (province 01), the records viewed in these tests."""
    return communes_of("01", 6)


@pytest.fixture
def hanoi_auditor(make_user, unit):
    return make_user(Role.AUDITOR, unit("01", level=Level.PROVINCE))


def section(response, testid: str):
    return parse(response).get(data_testid=testid)


def rows(response, testid: str) -> list[list[str]]:
    table = section(response, testid).find("table")
    return table.rows() if table else []


@pytest.fixture
def threshold_three(settings):
    settings.ACCESS_REVIEW_RECORDS_PER_HOUR = 3


def test_more_records_than_the_threshold_within_an_hour_is_flagged(
    client, make_user, hanoi_auditor, communes, threshold_three
):
    busy = make_user(username="xa.busy")
    for minute, record in zip((5, 20, 35, 50), communes, strict=False):
        log(busy, record, at(2, 10, minute))
    calm = make_user(username="xa.calm")
    for minute, record in zip((5, 20, 35), communes, strict=False):
        log(calm, record, at(2, 10, minute))
    log(calm, communes[0], at(2, 10, 55))  # the same record again is not another record
    split = make_user(username="xa.split")  # four records, but across two clock hours
    for when, record in zip((at(2, 10, 40), at(2, 10, 50), at(2, 11, 10), at(2, 11, 20)), communes, strict=False):
        log(split, record, when)
    client.force_login(hanoi_auditor)
    response = client.get(URL, DAYS)
    assert response.status_code == 200
    assert rows(response, "busy-hours") == [["02/11/2026 10:00", "xa.busy", "4"]]
    link = section(response, "busy-hours").find("a").attrs["href"]
    assert link.startswith(reverse("audit:access_log")) and "username=xa.busy" in link and "since=02/11/2026" in link
    filtered = parse(client.get(link)).get(data_testid="access-log").rows()
    assert len(filtered) == 4 and {row[1] for row in filtered} == {"xa.busy"}


def test_exactly_the_threshold_is_not_flagged(client, make_user, hanoi_auditor, communes, threshold_three):
    user = make_user(username="xa.limit")
    for minute, record in zip((1, 2, 3), communes, strict=False):
        log(user, record, at(3, 9, minute))
    client.force_login(hanoi_auditor)
    response = client.get(URL, DAYS)
    assert rows(response, "busy-hours") == []
    assert section(response, "busy-hours").find(data_testid="empty") is not None


def test_views_at_night_or_on_sunday_are_flagged_working_hours_not(client, make_user, hanoi_auditor, communes):
    user = make_user(username="xa.night")
    log(user, communes[0], at(2, 21))  # Monday 21:00
    log(user, communes[1], at(8, 10))  # Sunday 10:00
    log(user, communes[2], at(2, 10))  # Monday 10:00
    log(user, communes[3], at(7, 6, 59))  # Saturday 06:59
    log(user, communes[4], at(7, 17, 59))  # Saturday 17:59
    client.force_login(hanoi_auditor)
    response = client.get(URL, DAYS)
    assert [row[0] for row in rows(response, "after-hours")] == [
        "08/11/2026 10:00",
        "07/11/2026 06:59",
        "02/11/2026 21:00",
    ]


def test_working_hours_come_from_the_settings(client, make_user, hanoi_auditor, communes, settings):
    settings.ACCESS_REVIEW_WORKING_HOURS = (8, 22)
    user = make_user(username="xa.late")
    log(user, communes[0], at(2, 21))
    log(user, communes[1], at(2, 7, 30))
    client.force_login(hanoi_auditor)
    assert [row[0] for row in rows(client.get(URL, DAYS), "after-hours")] == ["02/11/2026 07:30"]


def test_every_export_is_listed(client, make_user, hanoi_auditor, communes):
    user = make_user(username="xa.export")
    log(user, communes[0], at(2, 10), action=AccessLogEntry.Action.EXPORT)
    log(user, communes[1], at(4, 14, 30), action=AccessLogEntry.Action.EXPORT)
    log(user, communes[2], at(4, 15))  # a view is not an export
    client.force_login(hanoi_auditor)
    response = client.get(URL, DAYS)
    assert [(row[0], row[1]) for row in rows(response, "exports")] == [
        ("04/11/2026 14:30", "xa.export"),
        ("02/11/2026 10:00", "xa.export"),
    ]
    assert rows(response, "after-hours") == []


def test_the_days_bound_the_lists(client, make_user, hanoi_auditor, communes):
    user = make_user(username="xa.days")
    log(user, communes[0], at(1, 23), action=AccessLogEntry.Action.EXPORT)  # Sunday 1, before the days
    log(user, communes[1], at(9, 0, 30), action=AccessLogEntry.Action.EXPORT)  # Monday 9, after them
    log(user, communes[2], at(8, 23, 59), action=AccessLogEntry.Action.EXPORT)  # the last minute within
    client.force_login(hanoi_auditor)
    assert [row[0] for row in rows(client.get(URL, DAYS), "exports")] == ["08/11/2026 23:59"]


def test_auditor_of_one_province_does_not_see_another(client, make_user, unit, hanoi_auditor, threshold_three):
    danang = make_user(username="xa.haichau")
    danang_communes = communes_of("48", 4)
    for minute, record in enumerate(danang_communes):
        log(danang, record, at(2, 22, minute))
    log(danang, danang_communes[0], at(3, 10), action=AccessLogEntry.Action.EXPORT)
    client.force_login(hanoi_auditor)
    response = client.get(URL, DAYS)
    assert rows(response, "busy-hours") == rows(response, "after-hours") == rows(response, "exports") == []
    client.force_login(make_user(Role.AUDITOR, unit("48", level=Level.PROVINCE)))
    response = client.get(URL, DAYS)
    assert rows(response, "busy-hours") == [["02/11/2026 22:00", "xa.haichau", "4"]]
    assert len(rows(response, "after-hours")) == 4
    assert len(rows(response, "exports")) == 1


def test_the_last_30_days_by_default(client, make_user, hanoi_auditor, communes):
    from django.utils import timezone

    user = make_user(username="xa.recent")
    now = timezone.now()
    log(user, communes[0], now - timezone.timedelta(days=2), action=AccessLogEntry.Action.EXPORT)
    log(user, communes[1], now - timezone.timedelta(days=40), action=AccessLogEntry.Action.EXPORT)
    client.force_login(hanoi_auditor)
    assert len(rows(client.get(URL), "exports")) == 1


def test_long_lists_show_the_first_rows_and_see_more(client, make_user, hanoi_auditor, unit):
    user = make_user(username="xa.many")
    records = communes_of("01", 25)
    for minute, record in enumerate(records):
        log(user, record, at(2, 10, minute), action=AccessLogEntry.Action.EXPORT)
    client.force_login(hanoi_auditor)
    response = client.get(URL, DAYS)
    assert len(rows(response, "exports")) == 20
    more = section(response, "exports").get(data_testid="more").attrs["href"]
    alone = client.get(URL + more)
    assert len(rows(alone, "exports")) == 25
    assert parse(alone).find(data_testid="busy-hours") is None


@pytest.mark.parametrize(
    ("role", "code", "level"),
    [(Role.COMMUNE_OFFICER, "00091", Level.COMMUNE), (Role.NATIONAL_MANAGER, "VN", Level.NATION)],
)
def test_roles_without_the_access_log_get_403(client, make_user, unit, role, code, level):
    client.force_login(make_user(role, unit(code, level=level)))
    assert client.get(URL).status_code == 403


def test_anonymous_visitor_goes_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_page_in_vietnamese_linked_from_the_access_log(client, make_user, unit, django_assert_max_num_queries):
    client.force_login(make_user(Role.SYSTEM_ADMIN, unit("VN", level=Level.NATION)))
    log_page = parse(client.get(reverse("audit:access_log")))
    assert log_page.get(data_testid="review-link").attrs["href"] == URL
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    page = parse(response)
    assert page.get("h1").text == "Rà soát truy cập"
    assert [h.text for h in page.find_all("h2")] == [
        "Xem nhiều hồ sơ trong một giờ",
        "Ngoài giờ làm việc",
        "Các lần xuất dữ liệu",
    ]
    assert len(page.find_all(data_testid="empty")) == 3


def test_wrong_days_get_a_400_with_a_message(client, hanoi_auditor):
    client.force_login(hanoi_auditor)
    response = client.get(URL, {"since": "09/11/2026", "until": "02/11/2026"})
    assert response.status_code == 400
    assert "Ngày đầu không được sau ngày cuối." in response.content.decode()
    response = client.get(URL, {"since": "31/02/2026"})
    assert response.status_code == 400
    assert parse(response).get(data_testid="busy-hours") is not None
