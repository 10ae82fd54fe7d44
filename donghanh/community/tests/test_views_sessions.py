"""Sessions as users see them: today's session in one tap, the tick list of the members on the session's date,
saving attendance, recording and correcting a session, who may do what; and the person's "Clubs and groups".

State is built through the services; assertions read the rendered pages (elements by data-testid).
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from donghanh.accounts import permissions
from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import Role
from donghanh.community import services
from donghanh.community.choices import SessionKind
from donghanh.community.models import CommunityModel, ModelType, Session
from donghanh.core.tests.pages import parse
from donghanh.core.tests.test_security import assert_csp_and_no_inline_code
from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date
JANUARY_15 = D(2025, 1, 15)


def vi(text: str) -> str:
    """What a Vietnamese page shows for this English text (the text itself until it is translated)."""
    with translation.override("vi"):
        return translation.gettext(text)


def register(officer, unit, name: str, birth_year: int = 1995) -> Person:
    return person_register(
        actor=officer, unit=unit, full_name=name, sex=Sex.MALE, birth_year=birth_year, registered_on=D(2024, 1, 2)
    )


def make_model(officer, unit, name: str, established: datetime.date = JANUARY_15) -> CommunityModel:
    return services.model_create(
        actor=officer, unit=unit, model_type=ModelType.objects.get(code="post_rehab_club"), name=name,
        decision_number="45/QĐ-UBND", decision_date=established, established_on=established,
        meeting_place="Nhà văn hóa tổ 5",
    )  # fmt: skip


def version(record) -> int:
    """The version a form loaded now would carry."""
    return type(record).objects.get(pk=record.pk).version


def session_page(session: Session) -> str:
    return reverse("community:session", args=[session.pk])


def ticks(response) -> dict[int, bool]:
    """The tick list as shown: membership id → ticked."""
    boxes = parse(response).get(data_testid="tick-list").find_all("input", name="present")
    return {int(box.attrs["value"] or 0): "checked" in box.attrs for box in boxes}


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


@pytest.fixture
def club(officer, phu_thuong):
    return make_model(officer, phu_thuong, "CLB Vững bước")


@pytest.fixture
def board_member(make_user, officer, club, phu_thuong):
    """A board member of the club who logs in."""
    user = make_user(Role.BOARD_MEMBER, phu_thuong, full_name="Bùi Thị Lan")
    services.board_add(
        actor=officer, model=club, role="chair", full_name="Bùi Thị Lan", start_date=D(2025, 1, 15), user=user
    )
    return user


@pytest.fixture
def members(officer, club, phu_thuong):
    """An from January on; Bình from January to 01/03/2025; Cường from April."""
    an, binh, cuong = (register(officer, phu_thuong, n) for n in ("Lê Văn An", "Trần Văn Bình", "Phạm Văn Cường"))
    join = services.member_join
    memberships = {
        "an": join(actor=officer, model=club, person=an, joined_on=D(2025, 1, 20)),
        "binh": join(actor=officer, model=club, person=binh, joined_on=D(2025, 1, 20)),
        "cuong": join(actor=officer, model=club, person=cuong, joined_on=D(2025, 4, 1)),
    }
    services.member_leave(actor=officer, membership=memberships["binh"], left_on=D(2025, 3, 1), reason="moved")
    return memberships


@pytest.fixture
def february(officer, club, members):
    return services.session_record(
        actor=officer, model=club, date=D(2025, 2, 5), kind=SessionKind.TALK, topic="Phòng chống tái nghiện",
        present=[members["an"]],
    )  # fmt: skip


# --- the tick list --------------------------------------------------------------------------------


def test_the_tick_list_lists_only_the_members_on_the_session_s_date(client, board_member, club, members, february):
    client.force_login(board_member)
    page = client.get(session_page(february))
    assert page.status_code == 200
    assert_csp_and_no_inline_code(page, "session page")
    # Cường joins in April: not listed in February. An was present, Bình not.
    assert ticks(page) == {members["an"].pk: True, members["binh"].pk: False}
    body = parse(page)
    assert body.get(data_testid="session-date").text == "05/02/2025"
    assert "Phòng chống tái nghiện" in body.get(data_testid="session-topic").text
    assert body.find(data_testid="save-attendance") is not None

    march = services.session_record(actor=board_member, model=club, date=D(2025, 3, 15), kind=SessionKind.REGULAR)
    assert ticks(client.get(session_page(march))) == {members["an"].pk: False}  # Bình left on 01/03
    april = services.session_record(actor=board_member, model=club, date=D(2025, 4, 10), kind=SessionKind.REGULAR)
    assert ticks(client.get(session_page(april))) == {members["an"].pk: False, members["cuong"].pk: False}


def test_saving_attendance_replaces_who_came_and_goes_back_to_the_model(client, board_member, club, members, february):
    client.force_login(board_member)
    response = client.post(
        session_page(february),
        {
            "present": [members["binh"].pk, members["an"].pk],
            "family_count": "3",
            "guest_count": "1",
            "version": version(february),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("community:model", args=[club.pk])
    assert message_texts(response) == ["Đã lưu điểm danh: 2 / 2 thành viên có mặt."]
    february.refresh_from_db()
    assert set(february.attendees.values_list("pk", flat=True)) == {members["an"].pk, members["binh"].pk}
    assert (february.family_count, february.guest_count) == (3, 1)
    assert ticks(client.get(session_page(february))) == {members["an"].pk: True, members["binh"].pk: True}

    # Nobody ticked: nobody was present.
    client.post(session_page(february), {"family_count": "0", "guest_count": "0", "version": version(february)})
    assert not february.attendees.exists()


def test_a_tampered_tick_list_is_refused_with_the_reason(client, board_member, officer, club, members, february):
    client.force_login(board_member)
    # Cường was not a member yet on 05/02/2025: the service names him.
    tampered = {"present": [members["an"].pk, members["cuong"].pk], "version": version(february)}
    refused = client.post(session_page(february), tampered)
    assert refused.status_code == 400
    error = parse(refused).get(data_testid="present-error").text
    with translation.override("vi"):
        assert error == translation.gettext("Not members on %(day)s: %(names)s.") % {
            "day": "05/02/2025",
            "names": "Phạm Văn Cường",
        }
    # What was sent stays ticked, and nothing changed.
    assert ticks(refused) == {members["an"].pk: True, members["binh"].pk: False}
    assert list(february.attendees.values_list("pk", flat=True)) == [members["an"].pk]

    # A member of another model (whoever they are) is not one of this list.
    other = make_model(officer, club.unit, "CLB Tuổi trẻ")
    stranger = services.member_join(
        actor=officer, model=other, person=register(officer, club.unit, "Đỗ Văn Lạ"), joined_on=D(2025, 1, 20)
    )
    refused = client.post(session_page(february), {"present": [stranger.pk], "version": version(february)})
    assert refused.status_code == 400
    assert parse(refused).get(data_testid="present-error").text == vi("Tick only members of this model.")
    assert "Đỗ Văn Lạ" not in refused.content.decode()


def test_a_board_member_of_another_model_gets_404(client, make_user, officer, club, members, february, phu_thuong):
    other = make_model(officer, phu_thuong, "CLB Tuổi trẻ")
    outsider = make_user(Role.BOARD_MEMBER, phu_thuong)
    services.board_add(
        actor=officer, model=other, role="chair", full_name="Người khác", start_date=D(2025, 1, 15), user=outsider
    )
    client.force_login(outsider)
    assert client.get(session_page(february)).status_code == 404
    assert client.post(session_page(february), {"present": [members["an"].pk]}).status_code == 404
    assert client.get(reverse("community:session_edit", args=[february.pk])).status_code == 404
    assert client.post(reverse("community:session_today", args=[club.pk])).status_code == 404
    assert client.get(reverse("community:session_create", args=[club.pk])).status_code == 404
    assert list(february.attendees.values_list("pk", flat=True)) == [members["an"].pk]
    # Their own model works.
    assert client.post(reverse("community:session_today", args=[other.pk])).status_code == 302


def test_a_volunteer_reads_the_session_but_gets_403_on_every_write(
    client, make_user, club, members, february, phu_thuong
):
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    client.force_login(volunteer)
    page = client.get(session_page(february))
    assert page.status_code == 200
    assert parse(page).find(data_testid="save-attendance") is None
    assert parse(page).find(data_testid="session-edit") is None
    assert client.post(session_page(february), {"present": [members["an"].pk]}).status_code == 403
    assert client.post(reverse("community:session_today", args=[club.pk])).status_code == 403
    assert client.get(reverse("community:session_create", args=[club.pk])).status_code == 403
    assert client.post(reverse("community:session_edit", args=[february.pk]), {"date": "06/02/2025"}).status_code == 403
    assert list(february.attendees.values_list("pk", flat=True)) == [members["an"].pk]
    assert Session.objects.count() == 1


def test_another_province_gets_404(client, make_user, hai_chau, club, february):
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(session_page(february)).status_code == 404
    assert client.get(reverse("community:session_create", args=[club.pk])).status_code == 404


# --- today's session ------------------------------------------------------------------------------


def test_today_s_session_is_created_once_then_opened(client, board_member, club, members):
    client.force_login(board_member)
    today_url = reverse("community:session_today", args=[club.pk])
    page = client.get(today_url)  # nothing recorded today: the page offers to open it
    assert page.status_code == 200
    assert parse(page).find(data_testid="open-today") is not None
    assert not Session.objects.exists()

    response = client.post(today_url)
    session = Session.objects.get()
    assert response["Location"] == session_page(session)
    assert (session.date, session.kind, session.place, session.recorded_by) == (
        timezone.localdate(),
        SessionKind.REGULAR,
        "Nhà văn hóa tổ 5",
        board_member,
    )
    assert client.post(today_url)["Location"] == session_page(session)
    assert client.get(today_url)["Location"] == session_page(session)
    assert Session.objects.count() == 1
    # Today's members: An and Cường (Bình left).
    assert ticks(client.get(session_page(session))) == {members["an"].pk: False, members["cuong"].pk: False}


def test_today_s_session_of_a_dissolved_model_is_refused_with_the_reason(client, officer, club):
    services.model_status_change(actor=officer, model=club, status="dissolved", on=D(2025, 12, 31))
    client.force_login(officer)
    response = client.post(reverse("community:session_today", args=[club.pk]))
    assert response["Location"] == reverse("community:model", args=[club.pk])
    with translation.override("vi"):
        expected = translation.gettext("%(model)s was dissolved on %(day)s.") % {"model": club, "day": "31/12/2025"}
    assert message_texts(response) == [expected]
    assert not Session.objects.exists()


# --- recording and correcting a session -------------------------------------------------------------


def test_recording_a_session_with_its_tick_list(client, officer, club, members):
    client.force_login(officer)
    url = reverse("community:session_create", args=[club.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert_csp_and_no_inline_code(form, "session form")
    assert set(ticks(form)) == {members["an"].pk, members["cuong"].pk}  # today's members
    # The date changed in the form: htmx asks for that date's tick list alone.
    partial = client.get(url, {"date": "10/02/2025", "present": [members["an"].pk]}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert ticks(partial) == {members["an"].pk: True, members["binh"].pk: False}

    response = client.post(
        url,
        {
            "date": "10/02/2025", "kind": "group_counselling", "topic": "Kỹ năng từ chối", "facilitator": "Cô Hạnh",
            "place": "Trạm y tế", "present": [members["an"].pk, members["binh"].pk], "family_count": "2",
            "guest_count": "",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("community:model", args=[club.pk])
    session = Session.objects.get()
    assert (session.date, session.kind, session.topic, session.facilitator, session.place) == (
        D(2025, 2, 10),
        "group_counselling",
        "Kỹ năng từ chối",
        "Cô Hạnh",
        "Trạm y tế",
    )
    assert (session.family_count, session.guest_count, session.attendees.count()) == (2, 0, 2)


def test_a_session_outside_the_model_s_life_is_refused_with_the_message(client, officer, club, members):
    client.force_login(officer)
    url = reverse("community:session_create", args=[club.pk])
    response = client.post(url, {"date": "10/01/2025", "kind": "regular"})
    assert response.status_code == 400
    errors = parse(response).get(data_field="date").text
    with translation.override("vi"):
        assert (
            translation.gettext("%(model)s was established on %(day)s.")
            % {
                "model": club,
                "day": "15/01/2025",
            }
            in errors
        )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"date": f"{tomorrow:%d/%m/%Y}", "kind": "regular"})
    assert response.status_code == 400
    assert vi("The date cannot be in the future.") in parse(response).get(data_field="date").text
    assert not Session.objects.exists()


def test_correcting_a_session_keeps_who_came_and_checks_the_new_date(client, board_member, members, february):
    client.force_login(board_member)
    url = reverse("community:session_edit", args=[february.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert parse(form).get("input", name="date").attrs["value"] == "05/02/2025"
    loaded = parse(form).get("input", name="version").attrs["value"]
    response = client.post(
        url, {"date": "06/02/2025", "kind": "regular", "topic": "Sinh hoạt định kỳ", "version": loaded}
    )
    assert response["Location"] == session_page(february)
    february.refresh_from_db()
    assert (february.date, february.kind, february.topic) == (D(2025, 2, 6), "regular", "Sinh hoạt định kỳ")
    assert list(february.attendees.values_list("pk", flat=True)) == [members["an"].pk]

    # An was present; moved to a day before An joined, the session is refused.
    refused = client.post(url, {"date": "18/01/2025", "kind": "regular", "version": version(february)})
    assert refused.status_code == 400
    assert "Lê Văn An" in parse(refused).get(data_testid="form-errors").text
    february.refresh_from_db()
    assert february.date == D(2025, 2, 6)


def test_the_session_page_reads_in_a_fixed_number_of_queries(
    client, officer, board_member, club, members, february, phu_thuong, django_assert_num_queries
):
    client.force_login(board_member)
    client.get(session_page(february))
    # Session, user and roles (3); the session with its model; may the user record; the members; who was ticked.
    with django_assert_num_queries(7) as few:
        client.get(session_page(february))
    for n in range(5):
        person = register(officer, phu_thuong, f"Thành viên {n}")
        services.member_join(actor=officer, model=club, person=person, joined_on=D(2025, 1, 25))
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(session_page(february))
    assert len(ticks(page)) == 7


# --- the person's page ------------------------------------------------------------------------------


def person_page(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])


def test_the_person_page_lists_memberships_with_attendance(client, officer, club, members, february, phu_thuong):
    an = members["an"]
    services.session_record(actor=officer, model=club, date=D(2025, 2, 20), kind=SessionKind.REGULAR)
    other = make_model(officer, phu_thuong, "Nhóm tự lực Phú Thượng", established=D(2025, 5, 1))
    services.member_join(actor=officer, model=other, person=an.person, joined_on=D(2025, 6, 1))
    client.force_login(officer)
    section = parse(client.get(person_page(an.person))).get(data_testid="person-memberships")
    rows = section.get(data_testid="membership-table").rows()
    assert [row[0] for row in rows] == [
        f"Nhóm tự lực Phú Thượng {other.model_type.label}",
        f"CLB Vững bước {club.model_type.label}",
    ]
    assert section.get(data_testid=f"membership-{an.pk}").links()[0][1] == reverse("community:model", args=[club.pk])
    # An came to one of the two sessions held while a member.
    assert section.get(data_testid=f"membership-rate-{an.pk}").text.startswith("50 %")

    binh = members["binh"]
    row = parse(client.get(person_page(binh.person))).get(data_testid=f"membership-{binh.pk}").rows()[0]
    assert row[2].startswith("01/03/2025")  # left, and why
    assert row[3].startswith("0 %")

    nobody = register(officer, phu_thuong, "Vũ Văn Không")
    section = parse(client.get(person_page(nobody))).get(data_testid="person-memberships")
    assert section.find(data_testid="no-memberships") is not None


def test_the_section_is_left_out_for_a_role_without_community_models(client, make_user, members, monkeypatch):
    police = make_user(Role.COMMUNE_POLICE, members["an"].model.unit)
    client.force_login(police)
    assert parse(client.get(person_page(members["an"].person))).find(data_testid="person-memberships") is not None
    # A deployment that takes community models away from the police: the section is not shown at all.
    monkeypatch.setitem(
        permissions.MATRIX,
        Capability.VIEW_COMMUNITY,
        permissions.MATRIX[Capability.VIEW_COMMUNITY] - {Role.COMMUNE_POLICE},
    )
    client.force_login(police)
    page = client.get(person_page(members["an"].person))
    assert page.status_code == 200
    assert parse(page).find(data_testid="person-memberships") is None


def test_the_section_reads_in_a_fixed_number_of_queries(client, officer, members, phu_thuong):
    an, nobody = members["an"].person, register(officer, phu_thuong, "Vũ Văn Không")
    for n in range(3):
        model = make_model(officer, phu_thuong, f"CLB {n}", established=D(2025, 2, 1))
        services.member_join(actor=officer, model=model, person=an, joined_on=D(2025, 2, 1))
        services.session_record(actor=officer, model=model, date=D(2025, 2, 2), kind="regular")
    client.force_login(officer)
    client.get(person_page(nobody))  # warm the caches the first request fills
    with CaptureQueriesContext(connection) as none:
        client.get(person_page(nobody))
    with CaptureQueriesContext(connection) as four:
        page = client.get(person_page(an))
    assert len(parse(page).get(data_testid="membership-table").rows()) == 4
    assert len(four.captured_queries) == len(none.captured_queries)
    community = [q for q in four.captured_queries if "community_membership" in q["sql"]]
    assert len(community) == 1
