"""The API schema and docs, the health check and the task backend."""

import json

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.tasks import (
    DEFAULT_TASK_BACKEND_ALIAS,
    TaskResultStatus,
    default_task_backend,
    task,
    task_backends,
)
from django.tasks.backends.immediate import ImmediateBackend
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse
from donghanh.orgunits.models import OrgUnit


@pytest.fixture
def member_client(client, make_user, unit):
    client.force_login(make_user(Role.COMMUNE_OFFICER, unit("00091")))
    return client


@pytest.mark.django_db
def test_schema_is_openapi_3_with_the_org_unit_paths(member_client):
    as_yaml = member_client.get(reverse("api-schema"))
    assert as_yaml.status_code == 200
    document = yaml.safe_load(as_yaml.content)
    assert str(document["openapi"]).startswith("3.")
    assert "/api/v1/org-units/" in document["paths"]
    assert "/api/v1/org-units/{id}/" in document["paths"]
    assert "/api/v1/me/" in document["paths"]

    as_json = member_client.get(reverse("api-schema"), {"format": "json"})
    assert as_json.status_code == 200
    assert json.loads(as_json.content)["paths"].keys() == document["paths"].keys()
    parameters = {p["name"] for p in document["paths"]["/api/v1/org-units/"]["get"]["parameters"]}
    assert {"q", "era", "level", "cursor", "page_size"} <= parameters


@pytest.mark.django_db
def test_the_whole_schema_generates_without_warnings_and_validates(tmp_path):
    # A warning is a wrong or ambiguous schema, in any app's endpoints: each app's tests check their own paths.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
    assert yaml.safe_load((tmp_path / "schema.yaml").read_text())["paths"]


@pytest.mark.django_db
def test_docs_load_only_local_assets(member_client):
    response = member_client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = parse(response)
    urls = [s.attrs["src"] for s in page.find_all("script") if s.attrs.get("src")]
    urls += [link.attrs["href"] for link in page.find_all("link") if link.attrs.get("href")]
    assert any(url.startswith(settings.STATIC_URL) for url in urls)
    remote = [url for url in urls if url.startswith(("http://", "https://", "//"))]
    assert remote == [], f"docs load assets from other hosts: {remote}"
    assert all(url.startswith((settings.STATIC_URL, reverse("api-docs"))) for url in urls), urls
    assert "http://" not in response.content.decode() and "https://" not in response.content.decode()
    assert page.find_all("style") == [], "an inline <style> block is refused by the CSP"
    assert [s for s in page.find_all("script") if not s.attrs.get("src")] == []
    for url in urls:  # and every asset is actually served
        assert member_client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_me_lists_roles_and_capabilities(member_client, unit):
    body = member_client.get(reverse("api-me")).json()
    assert [(r["role"], r["unit_code"]) for r in body["roles"]] == [(Role.COMMUNE_OFFICER, "00091")]
    assert "orgunits.view" in body["capabilities"]
    assert "accounts.manage_users" not in body["capabilities"]


@pytest.mark.django_db
def test_healthz_answers_anonymous(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@task
def add(a: int, b: int) -> int:
    return a + b


def test_tests_run_tasks_immediately():
    assert isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)
    assert default_task_backend.alias == DEFAULT_TASK_BACKEND_ALIAS
    result = add.enqueue(2, 3)
    assert result.backend == DEFAULT_TASK_BACKEND_ALIAS
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5


def test_base_settings_queue_tasks_in_the_database():
    from config.settings import base

    assert base.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in base.INSTALLED_APPS


def test_the_org_tree_level_codes_are_stable():
    # The roles' levels (accounts.roles) are written as plain numbers; they must match the model.
    from donghanh.accounts.roles import COMMUNE, DISTRICT, NATION, PROVINCE

    assert tuple(OrgUnit.Level.values) == (NATION, PROVINCE, DISTRICT, COMMUNE)


@pytest.mark.django_db
def test_the_schema_is_generated_once_per_language_until_the_settings_change(member_client, monkeypatch, settings):
    from drf_spectacular.generators import SchemaGenerator

    generated = []
    real = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        generated.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    settings.SPECTACULAR_SETTINGS = {**settings.SPECTACULAR_SETTINGS}  # forgets what earlier tests generated
    vietnamese = [member_client.get(reverse("api-schema")).content for _ in range(2)]
    english = member_client.get(reverse("api-schema"), headers={"accept-language": "en"}).content
    assert vietnamese[0] == vietnamese[1]
    assert english != vietnamese[0]
    assert len(generated) == 2  # one per language
    settings.SPECTACULAR_SETTINGS = {**settings.SPECTACULAR_SETTINGS}
    assert member_client.get(reverse("api-schema")).content == vietnamese[0]
    assert len(generated) == 3
    # Whatever `?version=` says, the one document: no new one made, none kept.
    assert member_client.get(reverse("api-schema"), {"version": "x" * 50}).content == vietnamese[0]
    assert len(generated) == 3
