"""Deaths, the path out of a facility, moves between communes accepted by the other commune, possible relapses,
and the working days the legal deadlines count."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from donghanh.accounts.roles import Role
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.selectors import periods_on
from donghanh.people.choices import DeathSource, RosterExit, TransferStatus, Whereabouts
from donghanh.people.choices import TestResult as Result
from donghanh.people.models import WhereaboutsRecord
from donghanh.people.roster import current_period
from donghanh.people.services import drug_test_add
from donghanh.roster.choices import RelapseSource, RelapseState
from donghanh.roster.death import death_correct, death_record
from donghanh.roster.models import RelapseSignal
from donghanh.roster.relapse import relapse_report, relapse_resolve
from donghanh.roster.release import release_decide, release_notice_close, release_notice_record, release_record
from donghanh.roster.selectors import decision_due, notice_state
from donghanh.roster.transfers import (
    transfer_accept,
    transfer_complete_by_province,
    transfer_propose,
    transfer_refuse,
    transfer_report_arrival,
)
from donghanh.roster.workdays import add_working_days

pytestmark = pytest.mark.django_db

D = datetime.date
T = EpisodeType


# --- working days -------------------------------------------------------------------------------


def test_working_days_skip_the_weekend_and_tet():
    assert add_working_days(D(2025, 6, 5), 5) == D(2025, 6, 12)  # Thursday → the next Thursday
    assert add_working_days(D(2025, 6, 6), 1) == D(2025, 6, 9)  # Friday → Monday
    # Tết Bính Ngọ: offices closed 16–20/02/2026, so five working days from Thursday 12/02 end on 26/02.
    assert add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)
    assert add_working_days(D(2025, 4, 29), 2) == D(2025, 5, 6)  # 30/4, 1/5 and the swapped 2/5


# --- death --------------------------------------------------------------------------------------


def test_a_death_closes_measures_and_assignments_and_the_roster_period(
    officer, make_user, phu_thuong, register, measure, assign_volunteer
):
    person = register()
    post = measure(person, T.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    assignment = assign_volunteer(make_user(Role.VOLUNTEER, phu_thuong), person, D(2024, 2, 1))
    death_record(actor=officer, person=person, died_on=D(2024, 8, 15), source=DeathSource.FAMILY, note="Đột quỵ")
    post.refresh_from_db()
    assignment.refresh_from_db()
    assert (post.actual_end_date, post.end_reason) == (D(2024, 8, 15), EndReason.DIED)
    assert assignment.end_date == D(2024, 8, 15)
    period = person.periods.get()
    assert (period.end_date, period.end_reason) == (D(2024, 8, 15), RosterExit.DIED)
    person.refresh_from_db()
    assert (person.died_on, person.death_source) == (D(2024, 8, 15), "family")
    with pytest.raises(ValidationError):
        death_record(actor=officer, person=person, died_on=D(2024, 8, 16), source=DeathSource.POLICE)


def test_a_death_recorded_by_mistake_is_corrected_by_an_officer_with_the_right(
    officer, make_user, phu_thuong, register, measure, assign_volunteer
):
    person = register()
    post = measure(person, T.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    assign_volunteer(make_user(Role.VOLUNTEER, phu_thuong), person, D(2024, 2, 1))
    death_record(actor=officer, person=person, died_on=D(2024, 8, 15), source=DeathSource.POLICE)
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    with pytest.raises(PermissionDenied):
        death_correct(actor=police, person=person, reason="Nhầm người")
    with pytest.raises(ValidationError):
        death_correct(actor=officer, person=person, reason=" ")
    death_correct(actor=officer, person=person, reason="Nhầm người cùng tên")
    person.refresh_from_db()
    post.refresh_from_db()
    assert person.died_on is None and post.actual_end_date is None
    assert current_period(person) is not None
    assert person.assignments.filter(end_date__isnull=True).exists()
    assert person.history.filter(history_change_reason__startswith="death corrected").exists()


def test_a_death_date_is_checked(officer, register):
    person = register(birth_year=1990)
    with pytest.raises(ValidationError) as refused:
        death_record(actor=officer, person=person, died_on=D(2999, 1, 1), source="family")
    assert "died_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        death_record(actor=officer, person=person, died_on=D(2024, 3, 1), source="rumour")
    assert "source" in refused.value.message_dict


# --- release from a facility → post-rehab decision ---------------------------------------------


def test_release_then_decision(officer, register, measure):
    person = register()
    compulsory = measure(
        person, T.COMPULSORY_REHAB, D(2024, 3, 1), facility="Cơ sở cai nghiện số 2", planned_end_date=D(2025, 3, 1)
    )
    whereabouts_in = WhereaboutsRecord.objects.create(
        person=person, status=Whereabouts.IN_FACILITY, since=D(2024, 3, 1)
    )
    assert whereabouts_in.pk
    notice = release_notice_record(
        actor=officer, person=person, notice_date=D(2025, 2, 10), expected_release_date=D(2025, 3, 1)
    )
    assert notice.facility == "Cơ sở cai nghiện số 2" and notice_state(notice) == "notified"
    release_record(actor=officer, notice=notice, released_on=D(2025, 3, 3))
    compulsory.refresh_from_db()
    assert (compulsory.actual_end_date, compulsory.end_reason) == (D(2025, 3, 3), EndReason.COMPLETED)
    assert person.whereabouts_records.order_by("-since", "-pk").first().status == Whereabouts.AT_RESIDENCE
    # Awaiting the decision keeps the person on the roster although no measure is open.
    assert current_period(person) is not None and notice_state(notice) == "awaiting_decision"
    assert decision_due(notice) == D(2025, 3, 10)
    with pytest.raises(ValidationError) as refused:
        release_decide(actor=officer, notice=notice, decision_number=" ", decision_date=D(2025, 3, 7))
    assert "decision_number" in refused.value.message_dict
    episode = release_decide(actor=officer, notice=notice, decision_number="45/QĐ-UBND", decision_date=D(2025, 3, 7))
    assert episode.episode_type == T.POST_REHAB_MANAGEMENT and episode.start_date == D(2025, 3, 7)
    assert notice_state(notice) == "decided" and current_period(person) is not None


def test_a_notice_closed_without_decision_lets_the_person_leave(officer, register, measure):
    person = register()
    measure(
        person, T.VOLUNTARY_FACILITY_REHAB, D(2024, 9, 1), facility="Cơ sở tự nguyện", planned_end_date=D(2025, 3, 1)
    )
    notice = release_notice_record(
        actor=officer, person=person, notice_date=D(2025, 2, 10), expected_release_date=D(2025, 3, 1)
    )
    release_record(actor=officer, notice=notice, released_on=D(2025, 3, 1))
    release_notice_close(actor=officer, notice=notice, on=D(2025, 3, 20), reason="Đã chuyển khỏi địa phương")
    period = person.periods.get()
    assert (period.end_date, period.end_reason) == (D(2025, 3, 20), RosterExit.COMPLETED)


# --- transfers ---------------------------------------------------------------------------------


def test_a_move_takes_effect_when_the_other_commune_accepts(officer, make_user, phu_thuong, hai_chau, register):
    person = register()
    transfer = transfer_propose(actor=officer, person=person, to_unit=hai_chau, move_date=D(2025, 6, 20))
    # Until accepted, the person stays where they were, on every day.
    assert periods_on(D(2025, 6, 30)).get(person=person).unit == phu_thuong
    other = make_user(Role.COMMUNE_OFFICER, hai_chau)
    with pytest.raises(PermissionDenied):
        transfer_accept(actor=officer, transfer=transfer)  # the proposing side does not answer
    transfer_accept(actor=other, transfer=transfer)
    assert periods_on(D(2025, 6, 30)).get(person=person).unit == hai_chau
    assert periods_on(D(2025, 6, 19)).get(person=person).unit != hai_chau
    person.refresh_from_db()
    assert person.unit == hai_chau


def test_a_refused_move_says_why_and_changes_nothing(officer, make_user, hai_chau, register):
    person = register()
    transfer = transfer_propose(actor=officer, person=person, to_unit=hai_chau, move_date=D(2025, 6, 20))
    other = make_user(Role.COMMUNE_OFFICER, hai_chau)
    with pytest.raises(ValidationError) as refused:
        transfer_refuse(actor=other, transfer=transfer, reason="")
    assert "reason" in refused.value.message_dict
    transfer_refuse(actor=other, transfer=transfer, reason="Không cư trú tại phường")
    transfer.refresh_from_db()
    assert (transfer.status, transfer.refusal_reason) == (TransferStatus.REFUSED, "Không cư trú tại phường")
    assert person.periods.get().end_date is None


def test_the_arriving_commune_reports_and_the_province_completes_after_the_days_set(
    officer, make_user, hai_chau, unit, register
):
    person = register()
    other = make_user(Role.COMMUNE_OFFICER, hai_chau)
    transfer = transfer_report_arrival(actor=other, person=person, to_unit=hai_chau, move_date=D(2025, 6, 20))
    da_nang_officer = make_user(Role.PROVINCE_OFFICER, hai_chau.parent)
    with pytest.raises(PermissionDenied):
        transfer_complete_by_province(actor=da_nang_officer, transfer=transfer)  # not the province of both
    assert transfer.status == TransferStatus.PENDING


# --- possible relapses -------------------------------------------------------------------------


def test_a_positive_test_during_post_rehab_management_raises_a_possible_relapse(officer, register, measure):
    person = register()
    measure(person, T.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    drug_test_add(
        actor=officer,
        person=person,
        date=D(2024, 5, 2),
        sample="urine",
        tested_by="Trạm y tế",
        results={"heroin": Result.NEGATIVE},
    )
    assert not RelapseSignal.objects.exists()
    test = drug_test_add(
        actor=officer,
        person=person,
        date=D(2024, 6, 2),
        sample="urine",
        tested_by="Trạm y tế",
        results={"heroin": Result.POSITIVE},
    )
    signal = RelapseSignal.objects.get()
    assert (signal.source, signal.drug_test_id, signal.state) == (RelapseSource.DRUG_TEST, test.pk, RelapseState.OPEN)
    with pytest.raises(ValidationError) as refused:
        relapse_resolve(actor=officer, signal=signal, state=RelapseState.CONFIRMED, on=D(2024, 6, 5))
    assert "follow_up" in refused.value.message_dict
    relapse_resolve(
        actor=officer, signal=signal, state=RelapseState.CONFIRMED, follow_up="determination", on=D(2024, 6, 5)
    )
    signal.refresh_from_db()
    assert (signal.state, signal.follow_up, signal.resolved_on) == ("confirmed", "determination", D(2024, 6, 5))


def test_a_police_report_needs_the_person_under_management(officer, make_user, phu_thuong, register, measure):
    person = register()
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    with pytest.raises(ValidationError) as refused:
        relapse_report(actor=police, person=person, date=D(2024, 6, 1), note="Phát hiện sử dụng")
    assert "date" in refused.value.message_dict
    measure(person, T.DRUG_USER_MANAGEMENT, D(2024, 2, 1))
    signal = relapse_report(actor=police, person=person, date=D(2024, 6, 1), note="Phát hiện sử dụng")
    assert signal.source == RelapseSource.POLICE_REPORT


def test_a_future_move_date_is_refused(officer, hai_chau, register):
    person = register(full_name="Lê Văn Cường")
    with time_machine.travel(D(2025, 7, 1), tick=False), pytest.raises(ValidationError) as refused:
        transfer_propose(actor=officer, person=person, to_unit=hai_chau, move_date=D(2025, 7, 2))
    assert "move_date" in refused.value.message_dict


def test_nothing_is_recorded_after_a_death(officer, register, measure):
    from donghanh.people.services import whereabouts_record

    person = register()
    death_record(actor=officer, person=person, died_on=D(2024, 8, 15), source=DeathSource.HEALTH_STATION)
    person.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        whereabouts_record(actor=officer, person=person, status=Whereabouts.DETAINED, since=D(2024, 9, 1))
    assert "since" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        measure(person, T.DRUG_USER_MANAGEMENT, D(2024, 9, 1))
    assert "start_date" in refused.value.message_dict
