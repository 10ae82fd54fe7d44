"""Log canaries: a password, a citizen ID, an HIV status and health notes go through the main flows (logging in,
a failed login, registering a person through the API, a duplicate refused, the health record, the person's page,
the API's person and a search), and none of them is found in anything logged, at any level."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.core.crypto import lookup_hash
from donghanh.people import services
from donghanh.people.models import Person

pytestmark = pytest.mark.django_db

PASSWORD = "Canary-Pass-7f3a!Q"
CITIZEN_ID = "001092000777"  # a CCCD that agrees with a man born in 1992 in Hà Nội
NOTES = "CANARY-HEALTH-NOTE-51c9 lao phổi"


def test_no_secret_or_sensitive_value_reaches_the_logs(caplog, make_user, phu_thuong):
    caplog.set_level(logging.DEBUG)
    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    officer.set_password(PASSWORD)
    officer.save()
    health_staff = make_user(Role.HEALTH_STAFF, phu_thuong)

    browser = Client()
    refused = browser.post(reverse("login"), {"username": officer.username, "password": PASSWORD + "x"})
    assert refused.status_code == 200  # the form again, with its error
    assert browser.post(reverse("login"), {"username": officer.username, "password": PASSWORD}).status_code == 302
    body = {"unit": phu_thuong.pk, "full_name": "Hoàng Văn Em", "sex": "male", "birth_year": 1992,
            "citizen_id": CITIZEN_ID, "registered_on": "2025-06-01"}  # fmt: skip
    assert browser.post("/api/v1/people/", body, content_type="application/json").status_code == 201
    duplicate = browser.post("/api/v1/people/", body, content_type="application/json")
    assert duplicate.status_code == 400  # the citizen ID is registered already
    person = Person.objects.get(citizen_id_hash=lookup_hash(CITIZEN_ID))
    services.health_record(actor=health_staff, person=person, hiv_status="positive", other_conditions=NOTES)

    assert browser.get(reverse("people:detail", args=[person.pk])).status_code == 200
    assert browser.get(f"/api/v1/people/{person.pk}/").status_code == 200
    assert browser.get("/api/v1/people/", {"q": CITIZEN_ID}).status_code == 200
    nurse = Client()
    nurse.force_login(health_staff)
    assert nurse.get(reverse("people:health", args=[person.pk])).status_code == 200
    assert nurse.post(reverse("people:health", args=[person.pk]), {"hiv_status": "nope"}).status_code == 400

    logged = "\n".join(f"{record.name} {record.getMessage()} {record.args!r}" for record in caplog.records)
    # The capture works: the refused requests were logged, with their paths.
    assert any(record.getMessage().startswith("Bad Request: /api/v1/people/") for record in caplog.records)
    for secret in (PASSWORD, CITIZEN_ID, NOTES, "positive"):
        assert secret not in logged, secret
