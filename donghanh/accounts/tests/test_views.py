"""The administrator's pages for users and roles, and who may see which users."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.models import RoleAssignment, User
from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse
from donghanh.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db

Level = OrgUnit.Level
STRONG = "Mot-mat-khau-dai-2026"
LIST = reverse("accounts:list")


def detail_url(user: User) -> str:
    return reverse("accounts:detail", args=[user.pk])


@pytest.fixture
def admin(make_user, unit):
    return make_user(Role.SYSTEM_ADMIN, unit("VN", level=Level.NATION), username="quantri", full_name="Nguyễn Quản Trị")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def listed_usernames(response) -> list[str]:
    table = parse(response).find("table")
    return [row[0] for row in table.rows()] if table else []


# --- creating a user ---------------------------------------------------------------------------


def test_admin_creates_a_user(admin_client, admin):
    response = admin_client.post(
        reverse("accounts:create"),
        {
            "username": "canbo.phuthuong",
            "full_name": "Trần Văn Cán",
            "email": "can@example.vn",
            "phone": "0912345678",
            "password": STRONG,
            "password_again": STRONG,
        },
    )
    created = User.objects.get(username="canbo.phuthuong")
    assert response.status_code == 302
    assert response["Location"] == detail_url(created)
    assert created.full_name == "Trần Văn Cán"
    assert created.check_password(STRONG)
    assert created.history.get().history_user == admin
    # The new account has no role yet; the administrator must still reach it to give it one.
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    assert "Trần Văn Cán" in parse(page).get("h1").text
    assert "canbo.phuthuong" in listed_usernames(admin_client.get(LIST))


def test_a_rejected_create_rerenders_the_form_with_what_was_typed(admin_client):
    response = admin_client.post(
        reverse("accounts:create"),
        {
            "username": "canbo.moi",
            "full_name": "Lê Thị Gõ Dở",
            "password": STRONG,
            "password_again": STRONG + "x",
        },
    )
    assert response.status_code == 200
    page = parse(response)
    assert page.get("input", name="full_name").attrs["value"] == "Lê Thị Gõ Dở"
    assert page.get("input", name="username").attrs["value"] == "canbo.moi"
    assert "is-invalid" in page.get("input", name="password_again").attrs["class"]
    assert page.find_all(**{"class": "invalid-feedback d-block"})
    assert not User.objects.filter(username="canbo.moi").exists()
    # The passwords are not sent back in the page: they are typed again.
    assert STRONG not in response.content.decode()
    assert "value" not in page.get("input", name="password").attrs


def test_a_weak_password_is_shown_on_the_form(admin_client):
    response = admin_client.post(
        reverse("accounts:create"),
        {"username": "canbo.moi", "full_name": "Lê Văn A", "password": "ngan", "password_again": "ngan"},
    )
    assert response.status_code == 200
    assert "is-invalid" in parse(response).get("input", name="password").attrs["class"]
    assert not User.objects.filter(username="canbo.moi").exists()


def test_a_taken_user_name_is_shown_on_the_form(admin_client, make_user):
    make_user(username="canbo.xa")
    response = admin_client.post(
        reverse("accounts:create"),
        {"username": "CANBO.XA", "full_name": "Lê Văn A", "password": STRONG, "password_again": STRONG},
    )
    assert response.status_code == 200
    assert "is-invalid" in parse(response).get("input", name="username").attrs["class"]
    assert User.objects.filter(username__iexact="canbo.xa").count() == 1


def test_only_an_admin_reaches_the_create_page(client, make_user, unit):
    client.force_login(make_user(Role.NATIONAL_MANAGER, unit("VN", level=Level.NATION)))
    assert client.get(reverse("accounts:create")).status_code == 403
    response = client.post(
        reverse("accounts:create"),
        {"username": "x.y", "full_name": "X", "password": STRONG, "password_again": STRONG},
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="x.y").exists()


# --- roles -------------------------------------------------------------------------------------


def test_admin_adds_and_removes_a_role_and_the_history_shows_both(admin_client, admin, make_user, unit):
    account = make_user(Role.VOLUNTEER, unit("20242"), full_name="Phạm Thị Thu")
    commune = unit("00091")

    added = admin_client.post(
        reverse("accounts:role_add", args=[account.pk]), {"role": Role.COMMUNE_OFFICER, "unit": commune.pk}
    )
    assert added.status_code == 302
    assignment = RoleAssignment.objects.get(user=account, unit=commune)
    assert assignment.role == Role.COMMUNE_OFFICER

    page = parse(admin_client.get(detail_url(account)))
    roles = page.get(data_testid="account-roles")
    assert commune.name in roles.text
    with translation.override("vi"):  # the default language of the pages
        assert str(Role.COMMUNE_OFFICER.label) in roles.text

    removed = admin_client.post(reverse("accounts:role_remove", args=[account.pk, assignment.pk]))
    assert removed.status_code == 302
    assert not RoleAssignment.objects.filter(user=account, unit=commune).exists()

    history = parse(admin_client.get(detail_url(account))).get(data_testid="history").rows()
    # Newest first: the removal, then the addition, each by the administrator.
    role_rows = [row for row in history if commune.name in row[2]]
    assert len(role_rows) == 2
    assert all(row[1] == str(admin) for row in role_rows)
    assert role_rows[0][3] != role_rows[1][3]  # "deleted" then "created", in the page's language


def test_a_role_at_the_wrong_level_is_refused_on_the_page(admin_client, make_user, unit):
    account = make_user(Role.VOLUNTEER, unit("00091"))
    hanoi = unit("01", level=Level.PROVINCE)
    response = admin_client.post(
        reverse("accounts:role_add", args=[account.pk]), {"role": Role.COMMUNE_OFFICER, "unit": hanoi.pk}
    )
    assert response.status_code == 400
    form = parse(response).get(data_testid="role-form")
    assert hanoi.name in form.text
    assert not RoleAssignment.objects.filter(user=account, unit=hanoi).exists()


def test_adding_a_role_without_a_unit_is_refused(admin_client, make_user, unit):
    account = make_user(Role.VOLUNTEER, unit("00091"))
    response = admin_client.post(reverse("accounts:role_add", args=[account.pk]), {"role": Role.COMMUNE_OFFICER})
    assert response.status_code == 400
    assert account.role_assignments.count() == 1


def test_role_pages_refuse_get(admin_client, make_user, unit):
    account = make_user(Role.VOLUNTEER, unit("00091"))
    assert admin_client.get(reverse("accounts:role_add", args=[account.pk])).status_code == 405


def test_a_non_admin_cannot_add_roles(client, make_user, unit):
    officer = make_user(Role.COMMUNE_OFFICER, unit("00091"))
    colleague = make_user(Role.VOLUNTEER, unit("00091"))
    client.force_login(officer)
    response = client.post(
        reverse("accounts:role_add", args=[colleague.pk]),
        {"role": Role.COMMUNE_OFFICER, "unit": unit("00091").pk},
    )
    assert response.status_code == 403
    assert colleague.role_assignments.count() == 1


def test_edit_and_password_pages(admin_client, admin, make_user, unit):
    account = make_user(Role.VOLUNTEER, unit("00091"), full_name="Tên Cũ")
    response = admin_client.post(
        reverse("accounts:edit", args=[account.pk]),
        {"full_name": "Tên Mới", "email": "", "phone": "", "is_active": "on", "version": "1"},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.full_name, account.version) == ("Tên Mới", 2)
    response = admin_client.post(reverse("accounts:password", args=[account.pk]), {"password": STRONG})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password(STRONG)
    history = parse(admin_client.get(detail_url(account))).get(data_testid="history")
    assert "Tên Cũ" in history.text and "Tên Mới" in history.text
    assert str(admin) in history.text


# --- who sees which users ----------------------------------------------------------------------


@pytest.fixture
def people(make_user, unit):
    """A commune officer of Phú Thượng, colleagues there, and people elsewhere."""
    return {
        "officer": make_user(Role.COMMUNE_OFFICER, unit("00091"), username="xa.phuthuong"),
        "volunteer": make_user(Role.VOLUNTEER, unit("00091"), username="tnv.phuthuong"),
        "police": make_user(Role.COMMUNE_POLICE, unit("00091"), username="congan.phuthuong"),
        "neighbour": make_user(Role.COMMUNE_OFFICER, unit("00004"), username="xa.badinh"),
        "province": make_user(Role.PROVINCE_OFFICER, unit("01", level=Level.PROVINCE), username="tinh.hanoi"),
        "danang": make_user(Role.COMMUNE_OFFICER, unit("20242"), username="xa.haichau"),
        "nobody": make_user(username="khong.vai.tro"),
    }


def test_commune_officer_sees_only_users_of_their_commune(client, people):
    client.force_login(people["officer"])
    response = client.get(LIST)
    assert response.status_code == 200
    assert sorted(listed_usernames(response)) == ["congan.phuthuong", "tnv.phuthuong", "xa.phuthuong"]


def test_commune_officer_gets_404_for_a_user_elsewhere(client, people):
    client.force_login(people["officer"])
    for name in ["neighbour", "province", "danang", "nobody"]:
        assert client.get(detail_url(people[name])).status_code == 404, name
    assert client.get(detail_url(people["volunteer"])).status_code == 200


def test_commune_officer_cannot_see_the_change_history(client, people):
    client.force_login(people["officer"])
    page = parse(client.get(detail_url(people["volunteer"])))
    assert page.find(data_testid="history") is None
    assert page.find(data_testid="role-form") is None


def test_province_officer_sees_users_of_the_province(client, people):
    client.force_login(people["province"])
    assert sorted(listed_usernames(client.get(LIST))) == [
        "congan.phuthuong", "tinh.hanoi", "tnv.phuthuong", "xa.badinh", "xa.phuthuong",
    ]  # fmt: skip


def test_volunteer_may_not_see_users(client, people):
    client.force_login(people["volunteer"])
    assert client.get(LIST).status_code == 403


def test_admin_sees_a_user_without_any_role(admin_client, people):
    assert admin_client.get(detail_url(people["nobody"])).status_code == 200
    assert "khong.vai.tro" in listed_usernames(admin_client.get(LIST))


def test_user_search_by_name_and_role(admin_client, people):
    assert listed_usernames(admin_client.get(LIST, {"q": "phuthuong", "role": Role.VOLUNTEER})) == ["tnv.phuthuong"]
    htmx = admin_client.get(LIST, {"q": "haichau"}, headers={"HX-Request": "true"})
    assert "<html" not in htmx.content.decode()
    assert listed_usernames(htmx) == ["xa.haichau"]
    empty = parse(admin_client.get(LIST, {"q": "zzz-khong-co"}))
    assert empty.find(data_testid="empty") is not None


def test_user_list_queries_do_not_grow_with_the_number_of_users(admin_client, make_user, unit):
    communes = list(OrgUnit.objects.filter(era=OrgUnit.Era.CURRENT, level=Level.COMMUNE).order_by("path")[:30])

    def add_users(n: int) -> None:
        for i in range(n):
            user = make_user(Role.VOLUNTEER, communes[i % len(communes)])
            RoleAssignment.objects.create(user=user, role=Role.HEALTH_STAFF, unit=communes[(i + 1) % len(communes)])

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(LIST)
        assert response.status_code == 200
        return len(queries), len(listed_usernames(response))

    add_users(5)
    few, shown_few = measure()
    add_users(25)
    many, shown_many = measure()
    assert (shown_few, shown_many) == (6, 31)  # with the admin
    assert many == few
    assert many <= 6


def test_an_account_changed_meanwhile_shows_who_changed_what_and_keeps_the_typing(client, make_user, unit):
    """Two administrators open the same account; the second save shows the first's change, then saves."""
    first = make_user(Role.SYSTEM_ADMIN, unit("VN", level=Level.NATION), full_name="Quản trị Một")
    second = make_user(Role.SYSTEM_ADMIN, unit("VN", level=Level.NATION), full_name="Quản trị Hai")
    account = make_user(Role.VOLUNTEER, unit("00091"), full_name="Tên Cũ")
    edit = reverse("accounts:edit", args=[account.pk])
    client.force_login(second)
    loaded = parse(client.get(edit)).get("input", name="version").attrs["value"]
    assert loaded == "1"

    client.force_login(first)
    typed = {"full_name": "Tên Cũ", "email": "", "phone": "0912345678", "is_active": "on", "version": loaded}
    assert client.post(edit, typed).status_code == 302

    client.force_login(second)
    stale = client.post(edit, {**typed, "phone": "", "email": "moi@example.vn"})
    assert stale.status_code == 409
    page = parse(stale)
    assert "Quản trị Một" in page.get(data_testid="version-conflict").text
    assert "0912345678" in page.get(data_testid="version-changes").text
    assert page.get("input", name="email").attrs["value"] == "moi@example.vn"
    account.refresh_from_db()
    assert (account.phone, account.email, account.version) == ("0912345678", "", 2)

    resent = {
        **typed,
        "phone": "",
        "email": "moi@example.vn",
        "version": page.get("input", name="version").attrs["value"],
    }
    assert client.post(edit, resent).status_code == 302
    account.refresh_from_db()
    assert (account.phone, account.email, account.version) == ("", "moi@example.vn", 3)
