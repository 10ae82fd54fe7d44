import pytest
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.COMMUNE_OFFICER, unit("00091"))


def test_a_user_makes_a_token_and_the_api_accepts_it(client, officer):
    client.force_login(officer)
    page = client.get(reverse("api_token"))
    assert "Bạn chưa có khóa API." in page.content.decode()

    issued = client.post(reverse("api_token"), {"action": "issue"}).context["issued"]
    assert issued.user == officer

    api = client.__class__()
    me = api.get(reverse("api-me"), headers={"Authorization": f"Token {issued.key}"})
    assert me.status_code == 200
    assert me.json()["username"] == officer.username
    units = api.get("/api/v1/org-units/", headers={"Authorization": f"Token {issued.key}"}).json()
    assert {u["code"] for u in units["results"] if u["era"] == OrgUnit.Era.CURRENT} == {"00091"}


def test_a_new_token_replaces_the_old_one_and_revoking_ends_it(client, officer):
    client.force_login(officer)
    first = client.post(reverse("api_token"), {"action": "issue"}).context["issued"].key
    second = client.post(reverse("api_token"), {"action": "issue"}).context["issued"].key
    api = client.__class__()
    assert api.get(reverse("api-me"), headers={"Authorization": f"Token {first}"}).status_code == 401
    assert api.get(reverse("api-me"), headers={"Authorization": f"Token {second}"}).status_code == 200

    assert client.post(reverse("api_token"), {"action": "revoke"}).status_code == 302
    assert api.get(reverse("api-me"), headers={"Authorization": f"Token {second}"}).status_code == 401


def test_the_token_page_needs_a_login(client):
    response = client.get(reverse("api_token"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
