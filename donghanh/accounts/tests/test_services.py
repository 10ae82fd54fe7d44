"""Writes to accounts and roles: validated, permission-checked, with history naming the actor."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import PASSWORD
from donghanh.accounts import services
from donghanh.accounts.models import RoleAssignment, User
from donghanh.accounts.roles import Role
from donghanh.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db

Level = OrgUnit.Level
STRONG = "Mot-mat-khau-dai-2026"


@pytest.fixture
def admin(make_user, unit):
    return make_user(Role.SYSTEM_ADMIN, unit("VN", level=Level.NATION), username="quantri.test")


def messages_of(error: ValidationError, field: str) -> list[str]:
    return [str(m) for m in error.value.message_dict[field]]  # type: ignore[attr-defined]


# --- role_assignment_add -----------------------------------------------------------------------


def test_a_commune_role_at_a_province_is_refused_in_vietnamese_naming_the_levels(admin, make_user, unit):
    hanoi = unit("01", level=Level.PROVINCE)
    user = make_user()
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services.role_assignment_add(actor=admin, user=user, role=Role.COMMUNE_OFFICER, unit=hanoi)
    [message] = messages_of(error, "unit")
    with translation.override("vi"):
        commune_level = str(Level.COMMUNE.label).lower()
        province_level = str(Level.PROVINCE.label).lower()
    assert "xã" in commune_level and "tỉnh" in province_level  # translated, not "commune"/"province"
    assert hanoi.name in message
    assert commune_level in message.lower()  # the level the role is held at
    assert province_level in message.lower()  # the level of the unit chosen
    with translation.override("en"), pytest.raises(ValidationError) as english:
        services.role_assignment_add(actor=admin, user=user, role=Role.COMMUNE_OFFICER, unit=hanoi)
    assert message != messages_of(english, "unit")[0]
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_the_level_message_is_english_in_english(admin, make_user, unit):
    hanoi = unit("01", level=Level.PROVINCE)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.role_assignment_add(actor=admin, user=make_user(), role=Role.VOLUNTEER, unit=hanoi)
    [message] = messages_of(error, "unit")
    assert hanoi.name in message and "commune" in message.lower() and "province" in message.lower()


def test_a_role_held_at_several_levels_is_accepted_at_each(admin, make_user, unit):
    user = make_user()
    services.role_assignment_add(actor=admin, user=user, role=Role.BOARD_MEMBER, unit=unit("00091"))
    services.role_assignment_add(actor=admin, user=user, role=Role.BOARD_MEMBER, unit=unit("01", level=Level.PROVINCE))
    assert RoleAssignment.objects.filter(user=user, role=Role.BOARD_MEMBER).count() == 2


def test_a_legacy_unit_is_refused(admin, make_user, unit):
    legacy = unit("00091", era=OrgUnit.Era.LEGACY)
    with pytest.raises(ValidationError) as error:
        services.role_assignment_add(actor=admin, user=make_user(), role=Role.COMMUNE_OFFICER, unit=legacy)
    [message] = messages_of(error, "unit")
    assert legacy.name in message
    assert not RoleAssignment.objects.filter(unit=legacy).exists()


def test_a_legacy_district_is_refused_for_every_role(admin, make_user, unit):
    district = unit("001", level=Level.DISTRICT, era=OrgUnit.Era.LEGACY)
    user = make_user()
    for role in Role:
        with pytest.raises(ValidationError):
            services.role_assignment_add(actor=admin, user=user, role=role, unit=district)


def test_a_duplicate_role_is_refused(admin, make_user, unit):
    user = make_user()
    services.role_assignment_add(actor=admin, user=user, role=Role.VOLUNTEER, unit=unit("00091"))
    with pytest.raises(ValidationError) as error:
        services.role_assignment_add(actor=admin, user=user, role=Role.VOLUNTEER, unit=unit("00091"))
    assert "role" in error.value.message_dict
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_an_unknown_role_is_refused(admin, make_user, unit):
    with pytest.raises(ValidationError) as error:
        services.role_assignment_add(actor=admin, user=make_user(), role="emperor", unit=unit("00091"))
    assert "role" in error.value.message_dict


@pytest.mark.parametrize(
    ("role", "code", "level"),
    [
        (Role.NATIONAL_MANAGER, "VN", Level.NATION),
        (Role.PROVINCE_OFFICER, "01", Level.PROVINCE),
        (Role.COMMUNE_OFFICER, "00091", Level.COMMUNE),
        (Role.AUDITOR, "VN", Level.NATION),
    ],
)
def test_only_a_system_admin_may_assign_roles(make_user, unit, role, code, level):
    actor = make_user(role, unit(code, level=level))
    user = make_user()
    with pytest.raises(PermissionDenied):
        services.role_assignment_add(actor=actor, user=user, role=Role.VOLUNTEER, unit=unit("00091"))
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_adding_a_role_writes_history_naming_the_actor(admin, make_user, unit):
    user = make_user()
    assignment = services.role_assignment_add(actor=admin, user=user, role=Role.VOLUNTEER, unit=unit("00091"))
    record = RoleAssignment.history.get(id=assignment.pk)
    assert record.history_type == "+"
    assert record.history_user == admin
    assert (record.role, record.unit_id, record.user_id) == (Role.VOLUNTEER, unit("00091").pk, user.pk)


def test_the_new_role_takes_effect_on_the_same_user_object(admin, make_user, unit):
    user = make_user()
    current = OrgUnit.objects.filter(era=OrgUnit.Era.CURRENT)
    assert not current.accessible_to(user).exists()
    services.role_assignment_add(actor=admin, user=user, role=Role.VOLUNTEER, unit=unit("00091"))
    assert list(current.accessible_to(user)) == [unit("00091")]


# --- role_assignment_remove --------------------------------------------------------------------


def test_removing_a_role_writes_history_naming_the_actor(admin, make_user, unit):
    user = make_user()
    assignment = services.role_assignment_add(actor=admin, user=user, role=Role.VOLUNTEER, unit=unit("00091"))
    pk = assignment.pk
    services.role_assignment_remove(actor=admin, assignment=assignment)
    assert not RoleAssignment.objects.filter(pk=pk).exists()
    record = RoleAssignment.history.filter(id=pk).latest("history_date")
    assert record.history_type == "-"
    assert record.history_user == admin


def test_the_last_system_admin_cannot_remove_their_own_role(admin):
    assignment = admin.role_assignments.get()
    with pytest.raises(ValidationError):
        services.role_assignment_remove(actor=admin, assignment=assignment)
    assert admin.role_assignments.exists()


def test_a_non_admin_cannot_remove_roles(make_user, unit):
    officer = make_user(Role.PROVINCE_OFFICER, unit("01", level=Level.PROVINCE))
    volunteer = make_user(Role.VOLUNTEER, unit("00091"))
    with pytest.raises(PermissionDenied):
        services.role_assignment_remove(actor=officer, assignment=volunteer.role_assignments.get())
    assert volunteer.role_assignments.exists()


# --- user_create -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ngan-1", "password_too_short"),  # under 10 characters
        ("123456789012", "password_entirely_numeric"),
        ("password123", "password_too_common"),
    ],
)
def test_a_weak_password_is_refused(admin, password, code):
    with pytest.raises(ValidationError) as error:
        services.user_create(actor=admin, username="canbo.moi", full_name="Cán Bộ Mới", password=password)
    assert code in {e.code for e in error.value.error_list}
    assert not User.objects.filter(username="canbo.moi").exists()


def test_a_password_like_the_user_name_is_refused(admin):
    with pytest.raises(ValidationError):
        services.user_create(
            actor=admin, username="nguyenvanbinh", full_name="Nguyễn Văn Bình", password="nguyenvanbinh"
        )


def test_a_duplicate_user_name_is_refused_whatever_the_case(admin):
    services.user_create(actor=admin, username="canbo.xa", full_name="Cán Bộ Xã", password=STRONG)
    with pytest.raises(ValidationError) as error:
        services.user_create(actor=admin, username="CanBo.Xa", full_name="Người Khác", password=STRONG)
    assert "username" in error.value.message_dict
    assert User.objects.filter(username__iexact="canbo.xa").count() == 1


def test_user_create_sets_the_password_and_writes_history(admin, client):
    user = services.user_create(
        actor=admin, username="canbo.moi", full_name="Cán Bộ Mới", password=STRONG, email="a@example.vn"
    )
    assert user.check_password(STRONG)
    record = user.history.get()
    assert record.history_type == "+"
    assert record.history_user == admin
    assert not hasattr(record, "password")  # passwords are not copied into history
    client.post(reverse("login"), {"username": "canbo.moi", "password": STRONG})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_only_a_system_admin_may_create_users(make_user, unit):
    officer = make_user(Role.PROVINCE_OFFICER, unit("01", level=Level.PROVINCE))
    with pytest.raises(PermissionDenied):
        services.user_create(actor=officer, username="canbo.moi", full_name="X", password=STRONG)


# --- user_update / user_set_password -----------------------------------------------------------


def test_user_update_records_the_change(admin, make_user):
    user = make_user(full_name="Tên Cũ")
    services.user_update(actor=admin, user=user, expected_version=None, full_name="Tên Mới", phone="0912345678")
    latest = user.history.latest("history_date")
    assert latest.history_user == admin
    delta = latest.diff_against(latest.prev_record)
    assert {c.field: (c.old, c.new) for c in delta.changes}["full_name"] == ("Tên Cũ", "Tên Mới")


def test_an_admin_cannot_deactivate_themself(admin):
    with pytest.raises(ValidationError):
        services.user_update(actor=admin, user=admin, expected_version=None, is_active=False)
    admin.refresh_from_db()
    assert admin.is_active


def logged_in(client_class, user):
    """A browser logged in as `user` through the login page."""
    browser = client_class()
    assert browser.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return browser


@pytest.mark.parametrize("change", ["password", "deactivation"])
def test_a_password_set_or_a_deactivation_ends_the_user_s_sessions_and_token(admin, make_user, unit, change):
    from django.test import Client

    user = make_user(Role.COMMUNE_OFFICER, unit("00091"))
    other = make_user(Role.COMMUNE_OFFICER, unit("00091"))
    phone, laptop, bystander = logged_in(Client, user), logged_in(Client, user), logged_in(Client, other)
    token = services.api_token_issue(actor=user, name="sync").key
    api = Client(headers={"Authorization": f"Token {token}"})
    assert phone.get(reverse("home")).status_code == laptop.get(reverse("home")).status_code == 200
    assert api.get("/api/v1/me/").status_code == 200

    if change == "password":
        services.user_set_password(actor=admin, user=user, password=STRONG)
    else:
        services.user_update(actor=admin, user=user, expected_version=None, is_active=False)

    for browser in (phone, laptop):
        assert browser.get(reverse("home")).status_code == 302  # to the login page
    assert api.get("/api/v1/me/").status_code == 401
    assert bystander.get(reverse("home")).status_code == 200  # someone else's session is untouched
    if change == "deactivation":  # turned back on, the old session and token stay ended
        services.user_update(actor=admin, user=user, expected_version=None, is_active=True)
        assert phone.get(reverse("home")).status_code == 302
        assert api.get("/api/v1/me/").status_code == 401


def test_only_some_fields_are_editable(admin, make_user):
    with pytest.raises(ValueError, match="is_superuser"):
        services.user_update(actor=admin, user=make_user(), expected_version=None, is_superuser=True)


def test_set_password_validates_and_sets(admin, make_user):
    user = make_user()
    with pytest.raises(ValidationError):
        services.user_set_password(actor=admin, user=user, password="short")
    services.user_set_password(actor=admin, user=user, password=STRONG)
    user.refresh_from_db()
    assert user.check_password(STRONG) and not user.check_password(PASSWORD)


def test_a_login_does_not_write_account_history(make_user, client):
    user = make_user()
    before = user.history.count()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == before


def test_a_password_change_is_recorded_without_the_password(admin, make_user):
    user = make_user()
    services.user_set_password(actor=admin, user=user, password="Mot-mat-khau-moi-2026")
    record = user.history.latest("history_date")
    assert record.history_user == admin
    assert record.history_change_reason == services.PASSWORD_CHANGED
    assert not hasattr(record, "password")
