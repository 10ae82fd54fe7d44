"""The pages that open, correct and close a person's legal measures, the rule hint, and the timeline."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.audit.models import AccessLogEntry
from donghanh.core.tests.pages import parse
from donghanh.episodes import services
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.orgunits.models import OrgUnit
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date
POST_REHAB = EpisodeType.POST_REHAB_MANAGEMENT
COMPULSORY = EpisodeType.COMPULSORY_REHAB
FACILITY = "Cơ sở cai nghiện ma túy số 2 Hà Nội"
JULY_2025 = D(2025, 7, 1)


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, username="canbo.phuthuong")


@pytest.fixture
def person(officer, phu_thuong):
    return person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Nguyễn Văn Bình",
        sex="male",
        birth_year=1990,
        registered_on=D(2024, 1, 15),
    )


@pytest.fixture
def english(client):
    """Pages in English, so the tests can read the messages (the default language is Vietnamese)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield client


@pytest.fixture
def officer_client(english, officer):
    english.force_login(officer)
    return english


def open_post_rehab(officer, person, start=JULY_2025, **fields):
    return services.episode_open(actor=officer, person=person, episode_type=POST_REHAB, start_date=start, **fields)


def open_url(person):
    return reverse("episodes:open", args=[person.pk])


def person_url(person):
    return reverse("people:detail", kwargs={"pk": person.pk})


def input_value(page, name):
    return page.get("input", name=name).attrs.get("value")


def selected_value(page, name):
    options = page.get("select", name=name).find_all("option")
    return [option.attrs["value"] for option in options if "selected" in option.attrs]


def field_error(page, name):
    node = page.find(data_testid=f"error-{name}")
    return node.text if node else ""


# --- opening a measure ---------------------------------------------------------------------------


def test_the_open_page_shows_the_form_and_the_rule_prompt(officer_client, person):
    response = officer_client.get(open_url(person))
    assert response.status_code == 200
    page = parse(response)
    assert "Nguyễn Văn Bình" in page.get(data_testid="episode-person").text
    form = page.get("form", data_testid="episode-form")
    names = {node.attrs["name"] for node in form.find_all() if node.tag in {"input", "select", "textarea"}}
    assert {"episode_type", "decision_number", "decision_date", "issuing_body", "facility", "start_date"} <= names
    assert {"planned_end_date", "notes"} <= names
    assert page.get("input", name="start_date").attrs["placeholder"] == "dd/mm/yyyy"
    assert "Leave empty for the usual duration." in form.text
    # Changing the type or the start asks for the rule hint.
    asker = form.get(hx_get=reverse("episodes:rule_hint"))
    assert asker.attrs["hx-target"] == "#rule-hint"
    assert f'"person": "{person.pk}"' in asker.attrs["hx-vals"]
    assert "rule in force" in page.get(data_testid="rule-prompt").text
    assert b"style=" not in response.content and b"<script>" not in response.content


def test_a_post_rehab_measure_opens_with_the_usual_duration(officer_client, officer, person):
    response = officer_client.post(
        open_url(person),
        {
            "episode_type": POST_REHAB,
            "decision_number": "125/QĐ-UBND",
            "decision_date": "25/06/2025",
            "issuing_body": "Chủ tịch UBND phường Phú Thượng",
            "start_date": "01/07/2025",
            "planned_end_date": "",
            "facility": "",
            "notes": "Sau cai tại cơ sở số 2",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == person_url(person)
    episode = Episode.objects.get(person=person)
    assert episode.episode_type == POST_REHAB
    assert episode.start_date == D(2025, 7, 1)
    assert episode.planned_end_date == D(2026, 6, 30)  # 12 months from 01/07 end on 30/06
    assert episode.decision_number == "125/QĐ-UBND"
    assert episode.decision_date == D(2025, 6, 25)
    assert episode.issuing_body == "Chủ tịch UBND phường Phú Thượng"
    assert episode.notes == "Sau cai tại cơ sở số 2"
    assert episode.recorded_by == officer
    assert "73/2021" in episode.rule.legal_basis
    assert episode.history.get().history_user == officer
    shown = [str(m) for m in response.wsgi_request._messages]
    assert shown == ["“Post-rehab management” recorded for Nguyễn Văn Bình, planned to end on 30/06/2026."]


def test_the_person_page_shows_the_new_measure(officer_client, person):
    typed = {"episode_type": POST_REHAB, "decision_number": "127/QĐ-UBND", "start_date": "01/07/2025"}
    response = officer_client.post(open_url(person), typed, follow=True)
    assert response.redirect_chain == [(person_url(person), 302)]
    page = parse(response)
    rows = page.get("table", data_testid="episode-timeline").rows()
    assert [row[:5] for row in rows] == [
        ["Post-rehab management", "No. 127/QĐ-UBND", "—", "01/07/2025", "30/06/2026"],
    ]
    assert "recorded for Nguyễn Văn Bình" in page.text


def test_a_duration_outside_the_rule_is_refused_citing_the_law_and_keeping_what_was_typed(officer_client, person):
    typed = {
        "episode_type": POST_REHAB,
        "decision_number": "126/QĐ-UBND",
        "decision_date": "25/06/2025",
        "issuing_body": "Chủ tịch UBND phường Phú Thượng",
        "start_date": "01/07/2025",
        "planned_end_date": "31/12/2026",  # 18 months: post-rehab management lasts 12
        "facility": "",
        "notes": "Ghi chú đã gõ",
    }
    response = officer_client.post(open_url(person), typed)
    assert response.status_code == 200
    page = parse(response)
    error = field_error(page, "planned_end_date")
    assert "73/2021" in error
    assert "between 30/06/2026 and 30/06/2026" in error
    assert "is-invalid" in page.get("input", name="planned_end_date").attrs["class"]
    for name in ("decision_number", "decision_date", "issuing_body", "start_date", "planned_end_date"):
        assert input_value(page, name) == typed[name], name
    assert page.get("textarea", name="notes").text == "Ghi chú đã gõ"
    assert selected_value(page, "episode_type") == [POST_REHAB]
    # The hint beside the form shows the rule for what was typed.
    assert "73/2021" in page.get(data_testid="rule-basis").text
    assert not Episode.objects.filter(person=person).exists()


def test_a_compulsory_rehab_cannot_overlap_an_open_post_rehab_measure(officer_client, officer, person):
    open_post_rehab(officer, person)
    response = officer_client.post(
        open_url(person),
        {
            "episode_type": COMPULSORY,
            "decision_number": "45/2025/QĐ-TA",
            "decision_date": "20/09/2025",
            "issuing_body": "Tòa án nhân dân khu vực 1 Hà Nội",
            "facility": FACILITY,
            "start_date": "01/10/2025",
            "planned_end_date": "",
        },
    )
    assert response.status_code == 200
    page = parse(response)
    error = field_error(page, "start_date")
    assert "Post-rehab management" in error
    assert "01/07/2025" in error and "not closed" in error
    assert "73/2021" in error
    assert input_value(page, "facility") == FACILITY
    assert list(Episode.objects.filter(person=person).values_list("episode_type", flat=True)) == [POST_REHAB]


def test_a_facility_measure_needs_its_facility(officer_client, person):
    response = officer_client.post(open_url(person), {"episode_type": COMPULSORY, "start_date": "01/10/2025"})
    assert response.status_code == 200
    assert field_error(parse(response), "facility") == "Name the facility or clinic."
    assert not Episode.objects.exists()


def test_the_type_is_required(officer_client, person):
    response = officer_client.post(open_url(person), {"episode_type": "", "start_date": "01/10/2025"})
    assert response.status_code == 200
    assert field_error(parse(response), "episode_type") == "Choose the type of measure."


# --- correcting and closing ----------------------------------------------------------------------


def test_the_edit_page_shows_the_measure_in_dd_mm_yyyy_and_logs_the_showing(officer_client, officer, person):
    episode = open_post_rehab(officer, person, decision_number="125/QĐ-UBND")
    response = officer_client.get(reverse("episodes:edit", args=[episode.pk]))
    assert response.status_code == 200
    page = parse(response)
    assert page.get(data_testid="episode-type").text == "Post-rehab management"
    assert page.find("select", name="episode_type") is None  # the type of a recorded measure stays
    assert input_value(page, "start_date") == "01/07/2025"
    assert input_value(page, "planned_end_date") == "30/06/2026"
    assert input_value(page, "decision_number") == "125/QĐ-UBND"
    hinted = page.get(hx_get=reverse("episodes:rule_hint"))
    assert f'"episode_type": "{POST_REHAB}"' in hinted.attrs["hx-vals"]
    entry = AccessLogEntry.objects.get(object_id=str(episode.pk))
    assert entry.user == officer
    assert entry.unit == person.unit


def test_a_measure_is_corrected(officer_client, officer, person):
    episode = open_post_rehab(officer, person)
    response = officer_client.post(
        reverse("episodes:edit", args=[episode.pk]),
        {
            "decision_number": "130/QĐ-UBND",
            "decision_date": "01/08/2025",
            "issuing_body": "Chủ tịch UBND phường Phú Thượng",
            "facility": "",
            "start_date": "05/08/2025",
            "planned_end_date": "",  # back to the usual duration from the new start
            "notes": "Sửa ngày bắt đầu theo quyết định",
            "version": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == person_url(person)
    episode.refresh_from_db()
    assert episode.decision_number == "130/QĐ-UBND"
    assert episode.decision_date == D(2025, 8, 1)
    assert episode.start_date == D(2025, 8, 5)
    assert episode.planned_end_date == D(2026, 8, 4)
    assert episode.notes == "Sửa ngày bắt đầu theo quyết định"
    assert episode.history.first().history_user == officer


def test_a_refused_correction_keeps_what_was_typed(officer_client, officer, person):
    episode = open_post_rehab(officer, person)
    response = officer_client.post(
        reverse("episodes:edit", args=[episode.pk]),
        {"decision_number": "131/QĐ-UBND", "decision_date": "01/01/2099", "start_date": "01/07/2025", "version": "1"},
    )
    assert response.status_code == 200
    page = parse(response)
    assert field_error(page, "decision_date") == "The decision date is in the future."
    assert input_value(page, "decision_date") == "01/01/2099"
    assert input_value(page, "decision_number") == "131/QĐ-UBND"
    episode.refresh_from_db()
    assert episode.decision_number == "" and episode.decision_date is None


def test_a_measure_is_closed_with_its_reason(officer_client, officer, person):
    episode = open_post_rehab(officer, person, start=D(2024, 7, 1))
    close_url = reverse("episodes:close", args=[episode.pk])
    page = parse(officer_client.get(close_url))
    reasons = [option.attrs["value"] for option in page.get("select", name="end_reason").find_all("option")]
    assert reasons == ["", *EndReason.values]
    assert "30/06/2025" in page.get(data_testid="episode-summary").text

    response = officer_client.post(close_url, {"actual_end_date": "30/06/2025", "end_reason": EndReason.COMPLETED})
    assert response.status_code == 302
    assert response["Location"] == person_url(person)
    episode.refresh_from_db()
    assert episode.actual_end_date == D(2025, 6, 30)
    assert episode.end_reason == EndReason.COMPLETED
    assert not episode.is_open
    # Closed: no second closing.
    again = officer_client.post(close_url, {"actual_end_date": "01/07/2025", "end_reason": EndReason.RELAPSE})
    assert again.status_code == 302
    episode.refresh_from_db()
    assert episode.end_reason == EndReason.COMPLETED


def test_a_refused_closing_keeps_what_was_typed(officer_client, officer, person):
    episode = open_post_rehab(officer, person)
    response = officer_client.post(
        reverse("episodes:close", args=[episode.pk]), {"actual_end_date": "30/06/2025", "end_reason": "relapse"}
    )
    assert response.status_code == 200
    page = parse(response)
    assert field_error(page, "actual_end_date") == "The end is before the start."
    assert input_value(page, "actual_end_date") == "30/06/2025"
    assert selected_value(page, "end_reason") == ["relapse"]
    missing = parse(officer_client.post(reverse("episodes:close", args=[episode.pk]), {"actual_end_date": ""}))
    assert field_error(missing, "end_reason") == "Say why the measure ended."
    assert field_error(missing, "actual_end_date")
    episode.refresh_from_db()
    assert episode.is_open


# --- who may --------------------------------------------------------------------------------------


def test_another_communes_measures_answer_404(client, make_user, officer, person, hai_chau):
    episode = open_post_rehab(officer, person)
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(reverse("episodes:edit", args=[episode.pk])).status_code == 404
    close_url = reverse("episodes:close", args=[episode.pk])
    assert client.post(close_url, {"actual_end_date": "01/08/2025", "end_reason": "moved"}).status_code == 404
    assert client.get(open_url(person)).status_code == 404
    assert client.post(open_url(person), {"episode_type": POST_REHAB, "start_date": "01/10/2025"}).status_code == 404
    hint = client.get(reverse("episodes:rule_hint"), {"person": person.pk, "episode_type": POST_REHAB})
    assert hint.status_code == 404
    assert Episode.objects.get().is_open
    assert Episode.objects.count() == 1


def test_a_volunteer_may_not_open_change_or_close_measures(client, make_user, officer, person, phu_thuong):
    episode = open_post_rehab(officer, person)
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))
    assert client.get(open_url(person)).status_code == 403
    assert client.post(open_url(person), {"episode_type": POST_REHAB, "start_date": "01/10/2025"}).status_code == 403
    assert client.get(reverse("episodes:edit", args=[episode.pk])).status_code == 403
    assert client.post(reverse("episodes:close", args=[episode.pk]), {}).status_code == 403
    assert client.get(reverse("episodes:rule_hint"), {"person": person.pk}).status_code == 403
    assert Episode.objects.count() == 1 and Episode.objects.get().is_open


def test_a_province_officer_sees_but_does_not_manage(client, make_user, officer, person, unit):
    episode = open_post_rehab(officer, person)
    client.force_login(make_user(Role.PROVINCE_OFFICER, unit("01", level=OrgUnit.Level.PROVINCE)))
    assert client.get(open_url(person)).status_code == 403
    assert client.get(reverse("episodes:edit", args=[episode.pk])).status_code == 403
    hint = client.get(reverse("episodes:rule_hint"), {"person": person.pk, "episode_type": POST_REHAB})
    assert hint.status_code == 200


def test_anonymous_users_are_sent_to_login(client, officer, person):
    response = client.get(open_url(person))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the rule hint --------------------------------------------------------------------------------


def hint(client, person, **params):
    response = client.get(reverse("episodes:rule_hint"), {"person": person.pk, **params}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response


def test_the_rule_hint_shows_the_rule_in_force_alone(officer_client, person):
    response = hint(officer_client, person, episode_type=POST_REHAB, start_date="01/07/2025")
    assert b"<html" not in response.content and b"navbar" not in response.content
    page = parse(response)
    assert page.get(data_testid="rule-basis").text.startswith("Luật Phòng, chống ma túy số 73/2021/QH14")
    assert page.get(data_testid="rule-duration").text.startswith("12 months")
    assert "Planned end between 30/06/2026 and 30/06/2026." in page.get(data_testid="rule-duration").text
    assert page.get(data_testid="rule-usual-end").text.startswith("30/06/2026")
    assert "Compulsory rehab" in page.get(data_testid="rule-conflicts").text
    assert "person aged 35" in page.text


def test_the_rule_hint_follows_the_age_and_the_range(officer_client, officer, phu_thuong):
    minor = person_register(actor=officer, unit=phu_thuong, full_name="Trần Minh Khang", sex="male", birth_year=2010)
    page = parse(hint(officer_client, minor, episode_type=COMPULSORY, start_date="01/09/2025"))
    assert "từ đủ 12 đến dưới 18 tuổi" in page.get(data_testid="rule-basis").text
    assert page.get(data_testid="rule-duration").text.startswith("6 to 12 months")
    assert page.get(data_testid="rule-usual-end").text.startswith("31/08/2026")
    # Before 2022 no rule is recorded: the service's refusal is shown.
    refused = parse(hint(officer_client, minor, episode_type=COMPULSORY, start_date="01/09/2021"))
    assert "No rule allows “Compulsory rehab”" in refused.get(data_testid="rule-error").text


def test_the_rule_hint_asks_for_what_is_missing(officer_client, person):
    page = parse(hint(officer_client, person, episode_type=POST_REHAB, start_date="1/7"))
    assert "dd/mm/yyyy" in page.get(data_testid="rule-prompt").text
    page = parse(hint(officer_client, person, episode_type="", start_date="01/07/2025"))
    assert "Choose the type" in page.get(data_testid="rule-prompt").text
    methadone = parse(hint(officer_client, person, episode_type=EpisodeType.METHADONE, start_date="01/07/2025"))
    assert methadone.get(data_testid="rule-duration").text == "No fixed duration."
    assert officer_client.get(reverse("episodes:rule_hint"), {"person": "x"}).status_code == 404


# --- the timeline on the person page --------------------------------------------------------------


def timeline(person, *, can_manage):
    episodes = Episode.objects.filter(person=person).select_related("rule").order_by("-start_date", "-pk")
    with translation.override("en"):
        html = render_to_string(
            "episodes/_timeline.html",
            {"person": person, "episodes": episodes, "can_manage_episodes": can_manage},
        )
    return parse(html)


def test_the_timeline_lists_measures_newest_first_with_their_state(officer, person):
    closed = open_post_rehab(
        officer,
        person,
        start=D(2024, 1, 10),
        decision_number="12/QĐ-UBND",
        decision_date=D(2024, 1, 5),
        issuing_body="Chủ tịch UBND phường Phú Thượng",
    )
    services.episode_close(actor=officer, episode=closed, end_date=D(2024, 9, 30), end_reason=EndReason.RELAPSE)
    rehab = services.episode_open(
        actor=officer,
        person=person,
        episode_type=COMPULSORY,
        start_date=D(2024, 10, 15),
        facility=FACILITY,
    )
    services.episode_close(actor=officer, episode=rehab, end_date=D(2025, 6, 30), end_reason=EndReason.COMPLETED)
    overdue = open_post_rehab(officer, person, start=D(2025, 7, 1))  # planned end 30/06/2026 has passed
    today = datetime.date.today()
    running = services.episode_open(
        actor=officer, person=person, episode_type=EpisodeType.METHADONE, start_date=today, facility="Cơ sở methadone"
    )

    page = timeline(person, can_manage=True)
    table = page.get("table", data_testid="episode-timeline")
    rows = table.rows()
    assert [row[0] for row in rows] == [
        "Methadone treatment",
        "Post-rehab management",
        "Compulsory rehab",
        "Post-rehab management",
    ]
    assert rows[1][3:6] == ["01/07/2025", "30/06/2026", "overdue: planned end passed"]
    assert rows[2][2:6] == [FACILITY, "15/10/2024", "14/10/2026", "30/06/2025 Completed"]
    assert rows[3][1] == "No. 12/QĐ-UBND of 05/01/2024 Chủ tịch UBND phường Phú Thượng"
    assert rows[3][5] == "30/09/2024 Relapse"
    assert "73/2021" in rows[3][6]
    assert "90/2016" in rows[0][6]
    assert page.get(data_testid=f"episode-{running.pk}").find(data_testid="episode-running") is not None
    assert page.get(data_testid=f"episode-{overdue.pk}").find(data_testid="episode-overdue") is not None
    # Edit and close only for open measures.
    links = dict.fromkeys(href for _, href in table.links())
    assert reverse("episodes:edit", args=[overdue.pk]) in links
    assert reverse("episodes:close", args=[overdue.pk]) in links
    assert reverse("episodes:close", args=[running.pk]) in links
    assert reverse("episodes:edit", args=[closed.pk]) not in links
    assert reverse("episodes:close", args=[rehab.pk]) not in links
    assert page.get("a", data_testid="episode-add").attrs["href"] == open_url(person)


def test_the_timeline_without_the_right_to_manage_has_no_buttons(officer, person):
    open_post_rehab(officer, person)
    page = timeline(person, can_manage=False)
    assert page.find(data_testid="episode-add") is None
    assert page.find(data_testid="episode-edit") is None and page.find(data_testid="episode-close") is None
    assert len(page.get("table", data_testid="episode-timeline").rows()) == 1


def test_the_timeline_has_an_empty_state(person):
    page = timeline(person, can_manage=True)
    assert page.find("table") is None
    assert page.get(data_testid="episodes-empty").text == "No legal measure recorded for this person."
    assert page.get(data_testid="episode-add").text == "Add a measure"
