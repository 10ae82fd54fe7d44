"""Security headers, no inline script or style, and production settings that pass `check --deploy`."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.accounts.services import api_token_issue
from donghanh.core.tests.pages import parse
from donghanh.orgunits.models import OrgUnit

Level = OrgUnit.Level


def assert_csp_and_no_inline_code(response, what: str) -> None:
    assert response.status_code == 200, what
    assert response["Content-Type"].startswith("text/html"), what
    policy = response.get("Content-Security-Policy")
    assert policy, f"{what}: no Content-Security-Policy header"
    directives = {d.split()[0]: d.split()[1:] for d in (part.strip() for part in policy.split(";")) if d}
    assert directives["script-src"] == ["'self'"], what
    assert directives["base-uri"] == ["'none'"], what
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, what
    page = parse(response)
    # Data blocks (json_script) are not run, so the policy need not allow them.
    inline_scripts = [
        s for s in page.find_all("script") if not s.attrs.get("src") and s.attrs.get("type") != "application/json"
    ]
    assert inline_scripts == [], f"{what}: inline <script> without src"
    styled = [node for node in page.iter() if "style" in node.attrs]
    assert styled == [], f"{what}: style= attributes on {styled}"
    assert page.find_all("style") == [], f"{what}: inline <style> block"
    handlers = [(node.tag, a) for node in page.iter() for a in node.attrs if a.startswith("on")]
    assert handlers == [], f"{what}: inline event handlers {handlers}"


@pytest.mark.django_db
def test_pages_carry_csp_and_no_inline_script_or_style(client, make_user, unit):
    assert_csp_and_no_inline_code(client.get(reverse("login")), "login page")

    admin = make_user(Role.SYSTEM_ADMIN, unit("VN", level=Level.NATION))
    other = make_user(Role.COMMUNE_OFFICER, unit("00091"))
    client.force_login(admin)
    pages = {
        "home": reverse("home"),
        "unit list": reverse("orgunits:list"),
        "unit search": reverse("orgunits:list") + "?q=phu+thuong",
        "unit detail": reverse("orgunits:detail", args=[unit("01", level=Level.PROVINCE).pk]),
        "legacy unit detail": reverse("orgunits:detail", args=[unit("00091", era=OrgUnit.Era.LEGACY).pk]),
        "user list": reverse("accounts:list"),
        "user detail": reverse("accounts:detail", args=[other.pk]),
        "new user": reverse("accounts:create"),
        "access log": reverse("audit:access_log"),
    }
    for what, url in pages.items():
        assert_csp_and_no_inline_code(client.get(url), what)


@pytest.mark.django_db
def test_error_pages_and_htmx_partials_carry_csp_too(client, make_user, unit):
    client.force_login(make_user(Role.COMMUNE_OFFICER, unit("00091")))
    not_found = client.get(reverse("orgunits:detail", args=[unit("20242").pk]))
    assert not_found.status_code == 404
    assert "script-src 'self'" in not_found["Content-Security-Policy"]
    forbidden = client.get(reverse("audit:access_log"))
    assert forbidden.status_code == 403
    assert "script-src 'self'" in forbidden["Content-Security-Policy"]
    partial = client.get(reverse("orgunits:list"), {"q": "phu"}, headers={"HX-Request": "true"})
    assert "script-src 'self'" in partial["Content-Security-Policy"]


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_no_answer_is_kept_by_a_browser_or_a_proxy(client, make_user, unit):
    """Pages, fragments, error pages and the API say `no-store`: a shared computer's back button shows nothing."""
    officer = make_user(Role.COMMUNE_OFFICER, unit("00091"))
    answers = {"login page": client.get(reverse("login"))}
    client.force_login(officer)
    answers |= {
        "home": client.get(reverse("home")),
        "a fragment": client.get(reverse("orgunits:list"), {"q": "phu"}, headers={"HX-Request": "true"}),
        "a 404": client.get(reverse("orgunits:detail", args=[unit("20242").pk])),
        "the API": client.get("/api/v1/people/"),
    }
    client.logout()
    answers["the API with a token"] = client.get(
        "/api/v1/people/", headers={"Authorization": f"Token {api_token_issue(actor=officer, name='sync').key}"}
    )
    for what, response in answers.items():
        assert response.status_code in (200, 404), what
        assert "no-store" in response["Cache-Control"], what
        assert "private" in response["Cache-Control"], what


# --- production settings -----------------------------------------------------------------------


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # The test process's own settings and conftest's DJANGO_ALLOW_ASYNC_UNSAFE are not production's.
    dropped = {
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "FIELD_ENCRYPTION_KEYS",
        "FIELD_LOOKUP_KEY",
    }
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def random_secret(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "ALLOWED_HOSTS": "donghanh.example.vn",
    "DATABASE_URL": "postgres://u:p@localhost/db",
    "FIELD_ENCRYPTION_KEYS": "uJ1hR0yHqzq2cmDg0bRZ3s0Cz2F3Xq1n0wq7g3Yk2aE=",
    "FIELD_LOOKUP_KEY": "a-lookup-key-of-at-least-thirty-two-characters",
}


@pytest.mark.django_db
def test_a_nul_character_anywhere_in_a_request_is_refused_before_any_view_reads_it(client, make_user, unit):
    client.force_login(make_user(Role.COMMUNE_OFFICER, unit("00091")))
    page = client.get(reverse("people:list"), {"q": "Nguyễn\x00"})
    assert page.status_code == 400
    assert "ký tự NUL" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    form = client.post(reverse("people:register"), {"full_name": "Lê Văn\x00 An"})
    assert form.status_code == 400
    api = client.get("/api/v1/people/", {"q": "\x00"})
    assert api.status_code == 400
    assert "NUL" in api.json()["detail"]
    assert client.get(reverse("people:list"), {"q": "Nguyễn"}).status_code == 200


def test_check_deploy_reports_no_issues_with_production_settings():
    result = run_manage("check", "--deploy", **PRODUCTION, SECRET_KEY=random_secret())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_production_cookies_are_host_only_and_secure():
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = run_manage("shell", "--no-imports", "-c", script, **PRODUCTION, SECRET_KEY=random_secret())
    assert result.stdout.split() == ["__Host-sessionid", "__Host-csrftoken", "True", "True"], result.stderr


def test_production_settings_refuse_to_start_without_secret_key():
    result = run_manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_a_short_secret_key():
    result = run_manage("check", **PRODUCTION, SECRET_KEY="kurz")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
