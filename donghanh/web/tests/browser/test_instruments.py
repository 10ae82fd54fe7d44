"""Health staff give BARC-10 and ASSIST and see both drawn on the person's page, with no CSP violation."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from donghanh.accounts.models import User
from donghanh.casework import services
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register

ASSIST_SUBSTANCES = [
    "tobacco", "alcohol", "cannabis", "cocaine", "amphetamines", "inhalants", "sedatives", "hallucinogens", "opioids",
    "other",
]  # fmt: skip


def registered_person() -> Person:
    officer = User.objects.get(username="xa.phuthuong")
    since = timezone.localdate() - datetime.timedelta(days=200)
    person = person_register(
        actor=officer,
        unit=officer.role_assignments.get().unit,
        full_name="Trần Văn Nam",
        sex=Sex.MALE,
        birth_year=1988,
        registered_on=since,
    )
    # An earlier BARC-10, so the chart has a line to draw.
    services.instrument_record(actor=officer, person=person, instrument="barc10", date=since, answers=[3] * 10)
    return person


def test_health_staff_give_barc10_and_assist_and_see_the_charts(page: Page, live_server, demo_world) -> None:
    person = registered_person()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "yte.phuthuong")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=roles]")).to_be_visible()

    page.goto(f"{base}/people/{person.pk}/")
    page.click("[data-testid=add-barc10]")
    for number, answer in enumerate([6, 5, 5, 4, 6, 5, 4, 6, 5, 4], start=1):
        page.check(f"input[name=item_{number}][value='{answer}']")
    page.click("[data-testid=barc10-form] button[type=submit]")
    expect(page.locator("[role=alert]").first).to_contain_text("50/60")
    expect(page.locator("[data-testid=barc10-table] tbody tr")).to_have_count(2)

    page.click("[data-testid=add-assist]")
    # Questions 2 to 7 of a substance answered "No" are hidden; "Yes" shows them again.
    followups = page.locator("[data-assist-followup=cannabis]")
    expect(followups.first).to_be_visible()
    page.check("input[name=cannabis_q1][value=no]")
    expect(followups.first).to_be_hidden()
    page.check("input[name=cannabis_q1][value=yes]")
    expect(followups.first).to_be_visible()
    for substance in ASSIST_SUBSTANCES:
        if substance != "cannabis":
            page.check(f"input[name={substance}_q1][value=no]")
    answers = {
        "q2": "weekly",
        "q3": "monthly",
        "q4": "once_twice",
        "q5": "never",
        "q6": "yes_past_3_months",
        "q7": "no",
    }
    for question, answer in answers.items():
        page.select_option(f"select[name=cannabis_{question}]", answer)
    page.select_option("select[name=injection]", "no")
    page.click("[data-testid=assist-form] button[type=submit]")
    expect(page.locator("[role=alert]").first).to_contain_text("18")
    cannabis = page.locator("[data-testid=assist-table] td[data-substance=cannabis]")
    expect(cannabis).to_have_attribute("data-risk", "moderate")

    # Both charts are drawn by Chart.js (a canvas it has sized), from the data blocks.
    page.locator("#casework").scroll_into_view_if_needed()
    for name in ("barc10-chart-data", "assist-chart-data"):
        canvas = page.locator(f"canvas[data-chart={name}]")
        expect(canvas).to_be_visible()
        drawn = page.evaluate(
            f"() => Boolean(window.Chart && window.Chart.getChart(document.querySelector('canvas[data-chart={name}]')))"
        )
        assert drawn, name
