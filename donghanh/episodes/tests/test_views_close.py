"""Closing a measure: the page says what it does to the person's place on the roster (updated with htmx as the
date and reason change) and lets the officer keep the person on it, with a reason."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse
from donghanh.episodes import services
from donghanh.episodes.choices import EpisodeType
from donghanh.people.choices import Whereabouts
from donghanh.people.roster import current_period
from donghanh.people.services import person_register, whereabouts_record

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def english(client, officer):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(officer)
    with translation.override("en"):
        yield client


@pytest.fixture
def person(officer, phu_thuong):
    return person_register(
        actor=officer, unit=phu_thuong, full_name="Nguyễn Văn Bình", sex="male", birth_year=1990,
        registered_on=D(2024, 1, 15),
    )  # fmt: skip


@pytest.fixture
def episode(officer, person):
    return services.episode_open(
        actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=D(2024, 7, 1)
    )


def outcome(client, episode, **typed):
    url = reverse("episodes:close_outcome", args=[episode.pk])
    response = client.get(url, typed, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return parse(response).get(data_testid="close-outcome")


def test_the_page_asks_for_the_outcome_when_the_date_or_reason_change(english, episode):
    page = parse(english.get(reverse("episodes:close", args=[episode.pk])))
    asker = page.get(hx_get=reverse("episodes:close_outcome", args=[episode.pk]))
    assert (asker.attrs["hx-trigger"], asker.attrs["hx-target"]) == ("change", "#close-outcome")
    assert "#id_actual_end_date" in asker.attrs["hx-include"] and "#id_end_reason" in asker.attrs["hx-include"]
    assert page.get(data_testid="close-outcome").attrs["data-state"] == "prompt"
    assert page.find(data_testid="keep-on") is None


def test_completing_the_last_measure_says_the_day_the_person_leaves_the_roster(english, episode):
    shown = outcome(english, episode, actual_end_date="30/06/2025", end_reason="completed")
    leaves = shown.get(data_testid="roster-leaves")
    assert (shown.attrs["data-state"], leaves.attrs["data-day"]) == ("leaves", "2025-06-30")
    assert "The person leaves the roster on 30/06/2025" in leaves.text
    assert shown.get(data_testid="keep-on").find("input", name="keep_reason") is not None
    # Nothing was written while working it out.
    episode.refresh_from_db()
    assert episode.is_open and current_period(episode.person) is not None


def test_another_reason_or_another_holder_keeps_the_person_on(english, officer, episode, person):
    relapse = outcome(english, episode, actual_end_date="30/06/2025", end_reason="relapse")
    assert relapse.attrs["data-state"] == "not_completed"
    whereabouts_record(actor=officer, person=person, status=Whereabouts.DETAINED, since=D(2025, 6, 1))
    held = outcome(english, episode, actual_end_date="30/06/2025", end_reason="completed")
    assert held.attrs["data-state"] == "held" and held.find(data_testid="keep-on") is None
    garbled = outcome(english, episode, actual_end_date="31/02/2025", end_reason="completed")
    assert garbled.attrs["data-state"] == "prompt"


def test_closing_as_completed_takes_the_person_off_the_roster_that_day(english, episode, person):
    response = english.post(
        reverse("episodes:close", args=[episode.pk]), {"actual_end_date": "30/06/2025", "end_reason": "completed"}
    )
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert current_period(person) is None
    assert person.periods.get().end_date == D(2025, 6, 30)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Nguyễn Văn Bình left the roster on 30/06/2025." in messages


def test_the_officer_keeps_the_person_on_with_a_reason(english, episode, person):
    url = reverse("episodes:close", args=[episode.pk])
    typed = {"actual_end_date": "30/06/2025", "end_reason": "completed", "keep_on": "on", "keep_reason": ""}
    refused = parse(english.post(url, typed))
    error = refused.get(data_testid="error-keep_reason")
    assert error.text == "Say why the person stays on the roster."
    assert "checked" in refused.get("input", name="keep_on").attrs
    assert refused.get("input", name="actual_end_date").attrs["value"] == "30/06/2025"
    episode.refresh_from_db()
    assert episode.is_open
    response = english.post(url, {**typed, "keep_reason": "Đang chuẩn bị hồ sơ cai nghiện bắt buộc"})
    assert response.status_code == 302
    period = current_period(person)
    assert period is not None and period.kept_on_reason == "Đang chuẩn bị hồ sơ cai nghiện bắt buộc"
    episode.refresh_from_db()
    assert episode.actual_end_date == D(2025, 6, 30)


def test_the_outcome_is_scoped_like_the_page(client, make_user, episode, hai_chau, phu_thuong):
    url = reverse("episodes:close_outcome", args=[episode.pk])
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(url, {"actual_end_date": "30/06/2025", "end_reason": "completed"}).status_code == 404
    client.force_login(make_user(Role.HEALTH_STAFF, phu_thuong))
    assert client.get(url).status_code == 403
