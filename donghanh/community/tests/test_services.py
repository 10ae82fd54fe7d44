"""Community models through their services: life and status, board and its scope, members as of a date,
sessions and attendance, the regular-attendance threshold, roadmap progress."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.community import services
from donghanh.community.models import CommunityModel, Membership, ModelType, Session
from donghanh.community.selectors import attendance_rates, is_regular, members_on, roadmap_progress
from donghanh.people.choices import Sex
from donghanh.people.models import Person
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date


def refused(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error, translation.override("en"):
        call(**kwargs)
    return error.value.message_dict


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong)


def kind(code: str) -> ModelType:
    return ModelType.objects.get(code=code)


def register(officer, unit, name: str) -> Person:
    return person_register(
        actor=officer, unit=unit, full_name=name, sex=Sex.MALE, birth_year=1995, registered_on=D(2024, 1, 2)
    )


@pytest.fixture
def club(officer, phu_thuong):
    return services.model_create(
        actor=officer, unit=phu_thuong, model_type=kind("post_rehab_club"), name="CLB Vững bước",
        decision_number="45/QĐ-UBND", decision_date=D(2025, 1, 10), established_on=D(2025, 1, 15),
    )  # fmt: skip


@pytest.fixture
def people(officer, phu_thuong):
    return [register(officer, phu_thuong, name) for name in ("An", "Bình", "Cường", "Dũng")]


def test_a_model_starts_as_a_pilot_by_its_decision_with_a_dated_status(club, officer):
    assert (club.status, club.status_since, club.decision_body) == ("pilot", D(2025, 1, 15), "UBND Phường Phú Thượng")
    changes = list(club.status_changes.values_list("status", "on", "by"))
    assert changes == [("pilot", D(2025, 1, 15), officer.pk)]


def test_status_history_and_its_rules(club, officer):
    services.model_status_change(actor=officer, model=club, status="active", on=D(2025, 6, 1))
    services.model_status_change(actor=officer, model=club, status="stable", on=D(2026, 1, 1), note="Đánh giá năm")
    assert (
        "before the last one (01/01/2026)"
        in refused(services.model_status_change, actor=officer, model=club, status="suspended", on=D(2025, 12, 31))[
            "on"
        ][0]
    )
    assert (
        "already operating stably"
        in refused(services.model_status_change, actor=officer, model=club, status="stable", on=D(2026, 2, 1))[
            "status"
        ][0]
    )
    assert [c.status for c in club.status_changes.order_by("on")] == ["pilot", "active", "stable"]


def test_dissolving_ends_memberships_and_seats_and_is_final(club, officer, people):
    membership = services.member_join(actor=officer, model=club, person=people[0], joined_on=D(2025, 2, 1))
    seat = services.board_add(
        actor=officer, model=club, role="chair", full_name="Lê Thị Hoa", start_date=D(2025, 1, 15)
    )
    services.model_status_change(actor=officer, model=club, status="dissolved", on=D(2025, 12, 31))
    membership.refresh_from_db()
    seat.refresh_from_db()
    assert (membership.left_on, membership.leave_reason, seat.end_date) == (
        D(2025, 12, 31),
        "dissolved",
        D(2025, 12, 31),
    )
    assert (
        "cannot change any more"
        in refused(services.model_status_change, actor=officer, model=club, status="active", on=D(2026, 1, 5))[
            "status"
        ][0]
    )
    assert (
        "dissolved on 31/12/2025"
        in refused(services.session_record, actor=officer, model=club, date=D(2026, 1, 5), kind="regular")["date"][0]
    )


def test_a_model_needs_its_decision_first_and_a_current_unit(officer, phu_thuong, unit):
    errors = refused(
        services.model_create, actor=officer, unit=phu_thuong, model_type=kind("self_help_group"), name="Nhóm A",
        decision_number="", decision_date=D(2025, 3, 1), established_on=D(2025, 2, 1),
    )  # fmt: skip
    assert set(errors) == {"established_on", "decision_number"}


def test_membership_as_of_a_date(club, officer, people):
    an, binh, cuong, _dung = people
    services.member_join(actor=officer, model=club, person=an, joined_on=D(2025, 2, 1))
    left = services.member_join(actor=officer, model=club, person=binh, joined_on=D(2025, 2, 1))
    services.member_leave(actor=officer, membership=left, left_on=D(2025, 6, 30), reason="moved")
    services.member_join(actor=officer, model=club, person=cuong, joined_on=D(2025, 7, 1))
    names = lambda day: [m.person.full_name for m in members_on(club, day)]  # noqa: E731
    assert names(D(2025, 1, 31)) == []
    assert names(D(2025, 2, 1)) == ["An", "Bình"]
    assert names(D(2025, 6, 30)) == ["An", "Bình"]  # the day of leaving still counts
    assert names(D(2025, 7, 1)) == ["An", "Cường"]
    # Bình may join again after leaving, not while a member.
    assert (
        "already a member"
        in refused(services.member_join, actor=officer, model=club, person=an, joined_on=D(2025, 8, 1))["person"][0]
    )
    services.member_join(actor=officer, model=club, person=binh, joined_on=D(2025, 9, 1))


def test_members_are_registered_people_of_the_model_s_area_within_its_life(club, officer, make_user, hai_chau, people):
    far = register(make_user(Role.COMMUNE_OFFICER, hai_chau), hai_chau, "Xa")
    assert "person" in refused(services.member_join, actor=officer, model=club, person=far, joined_on=D(2025, 2, 1))
    assert (
        "established on 15/01/2025"
        in refused(services.member_join, actor=officer, model=club, person=people[0], joined_on=D(2025, 1, 14))[
            "joined_on"
        ][0]
    )


def test_attendance_only_for_members_on_that_date(club, officer, people):
    an, binh, *_ = people
    a = services.member_join(actor=officer, model=club, person=an, joined_on=D(2025, 2, 1))
    b = services.member_join(actor=officer, model=club, person=binh, joined_on=D(2025, 3, 1))
    errors = refused(
        services.session_record, actor=officer, model=club, date=D(2025, 2, 20), kind="regular", present=[a, b]
    )
    assert errors["present"] == ["Not members on 20/02/2025: Bình."]
    assert not Session.objects.exists()
    session = services.session_record(actor=officer, model=club, date=D(2025, 3, 20), kind="talk", present=[a, b])
    services.session_update(
        expected_version=session.version, actor=officer, session=session, present=[b], guest_count=2
    )
    assert list(session.attendees.all()) == [b]
    assert (
        "established on"
        in refused(services.session_record, actor=officer, model=club, date=D(2025, 1, 1), kind="regular")["date"][0]
    )


def test_leaving_before_a_session_attended_is_refused(club, officer, people):
    a = services.member_join(actor=officer, model=club, person=people[0], joined_on=D(2025, 2, 1))
    services.session_record(actor=officer, model=club, date=D(2025, 4, 10), kind="regular", present=[a])
    assert (
        "attended on 10/04/2025"
        in refused(services.member_leave, actor=officer, membership=a, left_on=D(2025, 4, 1), reason="withdrew")[
            "left_on"
        ][0]
    )


@override_settings(COMMUNITY_REGULAR_ATTENDANCE_PERCENT=75)
def test_attendance_rates_and_the_regular_threshold(club, officer, people):
    an, binh, cuong, dung = people
    a = services.member_join(actor=officer, model=club, person=an, joined_on=D(2025, 2, 1))
    b = services.member_join(actor=officer, model=club, person=binh, joined_on=D(2025, 2, 1))
    c = services.member_join(actor=officer, model=club, person=cuong, joined_on=D(2025, 4, 1))  # joins mid-period
    d = services.member_join(actor=officer, model=club, person=dung, joined_on=D(2025, 2, 1))
    presence = {2: [a, b, d], 3: [a, b, d], 4: [a, c], 5: [a, b, c]}
    for month, present in presence.items():
        services.session_record(actor=officer, model=club, date=D(2025, month, 15), kind="regular", present=present)
    services.member_leave(actor=officer, membership=d, left_on=D(2025, 3, 31), reason="moved")
    rates = {r.membership.person.full_name: (r.attended, r.held, r.regular) for r in attendance_rates(
        Membership.objects.filter(model=club), D(2025, 1, 1), D(2025, 12, 31))}  # fmt: skip
    assert rates == {
        "An": (4, 4, True),
        "Bình": (3, 4, True),  # exactly 75 %
        "Cường": (2, 2, True),  # measured from joining
        "Dũng": (2, 2, True),  # measured until leaving
    }
    # The period counts: in April–May Bình came once out of two.
    april_may = {r.membership.person.full_name: (r.attended, r.held, r.regular) for r in attendance_rates(
        Membership.objects.filter(model=club), D(2025, 4, 1), D(2025, 5, 31))}  # fmt: skip
    assert april_may["Bình"] == (1, 2, False)
    assert "Dũng" not in april_may
    assert (is_regular(3, 4), is_regular(2, 3), is_regular(0, 0)) == (True, False, False)
    with override_settings(COMMUNITY_REGULAR_ATTENDANCE_PERCENT=80):
        assert not is_regular(3, 4)


def test_a_board_member_sees_and_runs_only_their_model(club, officer, make_user, phu_thuong, people):
    other = services.model_create(
        actor=officer, unit=phu_thuong, model_type=kind("counselling_point"), name="Điểm tư vấn",
        decision_number="46/QĐ-UBND", decision_date=D(2025, 1, 10), established_on=D(2025, 1, 15),
    )  # fmt: skip
    board = make_user(Role.BOARD_MEMBER, phu_thuong)
    member = services.member_join(actor=officer, model=club, person=people[0], joined_on=D(2025, 2, 1))
    services.member_join(actor=officer, model=other, person=people[1], joined_on=D(2025, 2, 1))
    assert CommunityModel.objects.accessible_to(board).count() == 0
    assert Person.objects.accessible_to(board).count() == 0
    services.board_add(
        actor=officer, model=club, role="member", full_name="Bùi Thị Lan", start_date=D(2025, 1, 20), user=board
    )
    assert list(CommunityModel.objects.accessible_to(board)) == [club]
    assert list(Person.objects.accessible_to(board)) == [people[0]]
    assert list(Membership.objects.accessible_to(board)) == [member]
    services.session_record(actor=board, model=club, date=D(2025, 3, 1), kind="regular", present=[member])
    with pytest.raises(PermissionDenied):
        services.session_record(actor=board, model=other, date=D(2025, 3, 1), kind="regular")
    with pytest.raises(PermissionDenied):  # enrolling and the status are the commune's
        services.member_join(actor=board, model=club, person=people[2], joined_on=D(2025, 3, 1))


def test_one_chair_at_a_time_and_a_login_must_belong_to_the_unit(club, officer, make_user, hai_chau):
    services.board_add(actor=officer, model=club, role="chair", full_name="Lê Thị Hoa", start_date=D(2025, 1, 15))
    assert (
        "Lê Thị Hoa chairs"
        in refused(
            services.board_add,
            actor=officer,
            model=club,
            role="chair",
            full_name="Trần Văn B",
            start_date=D(2025, 3, 1),
        )["role"][0]
    )
    stranger = make_user(Role.BOARD_MEMBER, hai_chau)
    assert "user" in refused(
        services.board_add, actor=officer, model=club, role="member", full_name="C", start_date=D(2025, 3, 1),
        user=stranger,
    )  # fmt: skip


def test_roadmap_progress_counts_models_operating_at_the_year_end(officer, make_user, phu_thuong, unit):
    province = phu_thuong.parent
    planner = make_user(Role.PROVINCE_OFFICER, province)
    services.roadmap_target_set(
        actor=planner, unit=province, year=2025, model_type=None, models_target=2, stable_share_target=None
    )
    services.roadmap_target_set(
        actor=planner, unit=province, year=2026, model_type=None, models_target=2, stable_share_target=100
    )
    with pytest.raises(PermissionDenied):
        services.roadmap_target_set(
            actor=officer, unit=phu_thuong, year=2026, model_type=None, models_target=1, stable_share_target=None
        )

    def make(name, established, stable_on=None, dissolved_on=None):
        model = services.model_create(
            actor=officer, unit=phu_thuong, model_type=kind("post_rehab_club"), name=name,
            decision_number=f"{name}/QĐ", decision_date=established, established_on=established,
        )  # fmt: skip
        if stable_on:
            services.model_status_change(actor=officer, model=model, status="stable", on=stable_on)
        if dissolved_on:
            services.model_status_change(actor=officer, model=model, status="dissolved", on=dissolved_on)
        return model

    make("A", D(2025, 3, 1), stable_on=D(2025, 12, 31))
    make("B", D(2025, 6, 1), stable_on=D(2026, 1, 2))
    make("C", D(2025, 2, 1), dissolved_on=D(2025, 12, 30))
    make("D", D(2026, 1, 1))
    progress = {p.target.year: p for p in roadmap_progress(planner, province, today=D(2026, 6, 30))}
    first, second = progress[2025], progress[2026]
    assert (first.models, first.stable, first.models_met, first.measured_on) == (2, 1, True, D(2025, 12, 31))
    assert (second.models, second.stable, second.models_met, second.stable_met) == (3, 2, True, False)
    assert second.measured_on == D(2026, 6, 30)
    errors = refused(
        services.roadmap_target_set, actor=planner, unit=province, year=2026, model_type=None, models_target=None,
        stable_share_target=None,
    )  # fmt: skip
    assert "models_target" in errors


def test_moving_the_establishment_moves_the_first_status_up_to_the_first_record(club, officer, people):
    services.model_update(expected_version=club.version, actor=officer, model=club, established_on=D(2025, 1, 20))
    club.refresh_from_db()
    assert (club.status_since, club.status_changes.get().on) == (D(2025, 1, 20), D(2025, 1, 20))
    services.member_join(actor=officer, model=club, person=people[0], joined_on=D(2025, 2, 1))
    assert (
        "begin on 01/02/2025"
        in refused(
            services.model_update,
            actor=officer,
            model=club,
            expected_version=club.version,
            established_on=D(2025, 2, 5),
        )["established_on"][0]
    )


def test_a_name_is_taken_whatever_its_case(club, officer, phu_thuong):
    assert "name" in refused(
        services.model_create, actor=officer, unit=phu_thuong, model_type=kind("self_help_group"), name="clb vững bước",
        decision_number="1", decision_date=D(2025, 3, 1), established_on=D(2025, 3, 1),
    )  # fmt: skip
