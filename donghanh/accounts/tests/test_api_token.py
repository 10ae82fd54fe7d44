"""API tokens (django-rest-knox): hashed, named, expiring, listed with their last use, revocable."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts import services
from donghanh.accounts.models import ApiToken
from donghanh.accounts.roles import Role
from donghanh.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db
Level = OrgUnit.Level


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.COMMUNE_OFFICER, unit("00091"))


def api(key: str) -> Client:
    return Client(headers={"Authorization": f"Token {key}"})


def test_a_user_makes_a_named_token_and_the_api_accepts_it(client, officer):
    client.force_login(officer)
    page = client.get(reverse("api_token"))
    assert "Bạn chưa có khóa API." in page.content.decode()

    made = client.post(reverse("api_token"), {"action": "issue", "name": "Bảng tính tổng hợp", "days": "30"})
    issued = made.context["issued"]
    assert issued.token.user == officer and issued.token.name == "Bảng tính tổng hợp"
    assert issued.key in made.content.decode()  # shown once, on the page that made it
    expected = timezone.now() + timedelta(days=30)
    assert abs((issued.token.expiry - expected).total_seconds()) < 60

    me = api(issued.key).get(reverse("api-me"))
    assert me.status_code == 200
    assert me.json()["username"] == officer.username
    units = api(issued.key).get("/api/v1/org-units/").json()
    assert {u["code"] for u in units["results"] if u["era"] == OrgUnit.Era.CURRENT} == {"00091"}

    listed = client.get(reverse("api_token")).content.decode()
    assert "Bảng tính tổng hợp" in listed
    assert issued.key not in listed  # never shown again


def test_only_the_digest_of_a_key_is_stored(officer):
    issued = services.api_token_issue(actor=officer, name="sync")
    row = ApiToken.objects.values().get()
    assert issued.key not in {str(value) for value in row.values()}
    assert len(row["digest"]) == 128 and row["token_key"] == issued.key[:15]


def test_the_default_life_is_the_setting_and_an_expired_token_is_refused(officer, settings):
    settings.API_TOKEN_DAYS = 90
    issued = services.api_token_issue(actor=officer, name="sync")
    assert 89 < (issued.token.expiry - timezone.now()).total_seconds() / 86400 <= 90
    assert api(issued.key).get(reverse("api-me")).status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    refused = api(issued.key).get(reverse("api-me"))
    assert refused.status_code == 401
    assert not ApiToken.objects.filter(pk=issued.token.pk).exists()  # removed when refused


def test_a_token_s_last_use_is_noted_at_most_once_a_minute(officer):
    issued = services.api_token_issue(actor=officer, name="sync")
    assert issued.token.last_used is None
    api(issued.key).get(reverse("api-me"))
    first = ApiToken.objects.get().last_used
    assert first is not None
    api(issued.key).get(reverse("api-me"))
    assert ApiToken.objects.get().last_used == first
    ApiToken.objects.update(last_used=first - timedelta(minutes=2))
    api(issued.key).get(reverse("api-me"))
    assert ApiToken.objects.get().last_used > first


def test_several_tokens_work_side_by_side_and_revoking_one_ends_only_it(client, officer):
    client.force_login(officer)
    sync = services.api_token_issue(actor=officer, name="sync")
    sheet = services.api_token_issue(actor=officer, name="sheet")
    assert api(sync.key).get(reverse("api-me")).status_code == 200
    assert api(sheet.key).get(reverse("api-me")).status_code == 200

    revoked = client.post(reverse("api_token"), {"action": "revoke", "token": sync.token.pk})
    assert revoked.status_code == 302
    assert api(sync.key).get(reverse("api-me")).status_code == 401
    assert api(sheet.key).get(reverse("api-me")).status_code == 200


def test_a_user_cannot_revoke_someone_else_s_token_from_their_own_page(client, officer, make_user, unit):
    other = make_user(Role.COMMUNE_OFFICER, unit("00091"))
    theirs = services.api_token_issue(actor=other, name="sync")
    client.force_login(officer)
    assert client.post(reverse("api_token"), {"action": "revoke", "token": theirs.token.pk}).status_code == 404
    assert client.post(reverse("api_token"), {"action": "revoke", "token": "x" * 500}).status_code == 404
    assert api(theirs.key).get(reverse("api-me")).status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "   ", "days": "90"}, "name", "Trường này là bắt buộc."),
        ({"name": "x" * 101, "days": "90"}, "name", "100"),
        ({"name": "sync", "days": "3650"}, "days", "3650"),
        ({"name": "sync", "days": "abc"}, "days", "abc"),
    ],
)
def test_a_wrong_token_form_says_what_is_wrong_and_keeps_what_was_typed(client, officer, data, field, message):
    client.force_login(officer)
    refused = client.post(reverse("api_token"), {"action": "issue", **data})
    assert refused.status_code == 400
    assert message in " ".join(refused.context["form"].errors[field])
    assert refused.context["issued"] is None
    assert not ApiToken.objects.exists()
    if field == "days":
        assert 'value="sync"' in refused.content.decode()


def test_a_second_token_of_the_same_name_and_one_past_the_limit_are_refused(client, officer, settings):
    settings.API_TOKENS_PER_USER = 2
    client.force_login(officer)
    services.api_token_issue(actor=officer, name="sync")
    same = client.post(reverse("api_token"), {"action": "issue", "name": "SYNC", "days": "90"})
    assert same.status_code == 400
    assert "Bạn đã có một khóa với tên này." in same.content.decode()
    services.api_token_issue(actor=officer, name="sheet")
    over = client.post(reverse("api_token"), {"action": "issue", "name": "third", "days": "90"})
    assert over.status_code == 400
    assert "thu hồi" in over.context["form"].non_field_errors()[0]
    assert ApiToken.objects.count() == 2


def test_an_administrator_sees_a_user_s_tokens_and_revokes_one_which_the_history_shows(
    client, officer, make_user, unit
):
    manager = make_user(Role.SYSTEM_ADMIN, unit("VN", level=Level.NATION))
    sync = services.api_token_issue(actor=officer, name="Đồng bộ hằng đêm")
    client.force_login(manager)
    detail = client.get(reverse("accounts:detail", args=[officer.pk])).content.decode()
    assert "Đồng bộ hằng đêm" in detail
    assert sync.key not in detail

    revoked = client.post(reverse("accounts:token_revoke", args=[officer.pk]), {"token": sync.token.pk})
    assert revoked.status_code == 302
    assert api(sync.key).get(reverse("api-me")).status_code == 401
    history = client.get(reverse("accounts:detail", args=[officer.pk])).context["history"]
    deleted = [e for e in history if "Đồng bộ hằng đêm" in str(e["what"]) and e["record"].history_type == "-"]
    assert deleted and deleted[0]["record"].history_user == manager


def test_an_officer_cannot_revoke_another_user_s_token(client, officer, make_user, unit):
    other = make_user(Role.COMMUNE_OFFICER, unit("00091"))
    theirs = services.api_token_issue(actor=other, name="sync")
    client.force_login(officer)
    assert client.post(reverse("accounts:token_revoke", args=[other.pk]), {"token": theirs.token.pk}).status_code in (
        403,
        404,
    )
    assert api(theirs.key).get(reverse("api-me")).status_code == 200


def test_the_token_page_needs_a_login(client):
    response = client.get(reverse("api_token"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_command_makes_a_token_and_prints_its_key_once(officer):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("api_token_issue", officer.username, "--name", "nightly", "--days", "30", stdout=out)
    key = out.getvalue().strip()
    assert api(key).get(reverse("api-me")).json()["username"] == officer.username
    assert ApiToken.objects.get().name == "nightly"
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("api_token_issue", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="tên này"):
        call_command("api_token_issue", officer.username, "--name", "NIGHTLY")
