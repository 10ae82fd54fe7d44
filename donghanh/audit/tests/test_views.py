"""The access-log page: auditors see the entries of their own subtree."""

import pytest
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.audit.services import access_log_record
from donghanh.core.tests.pages import parse
from donghanh.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db

URL = reverse("audit:access_log")
Level = OrgUnit.Level


@pytest.fixture
def entries(make_user, unit):
    hanoi_officer = make_user(Role.COMMUNE_OFFICER, unit("00091"), username="xa.phuthuong")
    danang_officer = make_user(Role.COMMUNE_OFFICER, unit("20242"), username="xa.haichau")
    access_log_record(actor=hanoi_officer, obj=unit("00091"), detail="drug tests", unit=unit("00091"))
    access_log_record(actor=hanoi_officer, obj=unit("00004"), detail="health record", unit=unit("00004"))
    access_log_record(actor=danang_officer, obj=unit("20242"), detail="legal history", unit=unit("20242"))
    access_log_record(actor=danang_officer, obj=unit("48", level=Level.PROVINCE), detail="province report")


def shown(response) -> list[tuple[str, str]]:
    """(user name, what was seen) of each row shown."""
    table = parse(response).find(data_testid="access-log")
    return sorted((row[1], row[4]) for row in table.rows()) if table else []


def test_hanoi_auditor_sees_hanoi_entries_only(client, make_user, unit, entries, django_assert_max_num_queries):
    client.force_login(make_user(Role.AUDITOR, unit("01", level=Level.PROVINCE)))
    with django_assert_max_num_queries(5):
        response = client.get(URL)
    assert response.status_code == 200
    assert shown(response) == [("xa.phuthuong", "drug tests"), ("xa.phuthuong", "health record")]


def test_national_auditor_sees_every_entry(client, make_user, unit, entries):
    client.force_login(make_user(Role.AUDITOR, unit("VN", level=Level.NATION)))
    assert len(shown(client.get(URL))) == 4


def test_commune_auditor_sees_their_commune(client, make_user, unit, entries):
    client.force_login(make_user(Role.AUDITOR, unit("20242")))
    assert shown(client.get(URL)) == [("xa.haichau", "legal history")]


def test_filter_by_user_name(client, make_user, unit, entries):
    client.force_login(make_user(Role.SYSTEM_ADMIN, unit("VN", level=Level.NATION)))
    assert shown(client.get(URL, {"username": "haichau"})) == [
        ("xa.haichau", "legal history"),
        ("xa.haichau", "province report"),
    ]
    assert shown(client.get(URL, {"username": "PHUTHUONG"})) == [
        ("xa.phuthuong", "drug tests"),
        ("xa.phuthuong", "health record"),
    ]
    empty = client.get(URL, {"username": "nobody"})
    assert parse(empty).find(data_testid="empty") is not None


def test_htmx_returns_the_table_only(client, make_user, unit, entries):
    client.force_login(make_user(Role.AUDITOR, unit("01", level=Level.PROVINCE)))
    response = client.get(URL, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    assert len(shown(response)) == 2


@pytest.mark.parametrize(
    ("role", "code", "level"),
    [
        (Role.COMMUNE_OFFICER, "00091", Level.COMMUNE),
        (Role.PROVINCE_OFFICER, "01", Level.PROVINCE),
        (Role.NATIONAL_MANAGER, "VN", Level.NATION),
    ],
)
def test_non_auditors_get_403(client, make_user, unit, entries, role, code, level):
    client.force_login(make_user(role, unit(code, level=level)))
    assert client.get(URL).status_code == 403


def test_page_queries_do_not_grow_with_entries(client, make_user, unit, django_assert_max_num_queries):
    client.force_login(make_user(Role.AUDITOR, unit("VN", level=Level.NATION)))
    actor = make_user()
    communes = list(OrgUnit.objects.filter(era=OrgUnit.Era.CURRENT, level=Level.COMMUNE)[:40])
    for commune in communes:
        access_log_record(actor=actor, obj=commune, unit=commune)
    with django_assert_max_num_queries(5):
        response = client.get(URL)
    assert len(shown(response)) == 40
