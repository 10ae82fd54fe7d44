"""Leaving the roster and coming back: the last thing that holds a person ends, an officer keeps them on or
takes them off, a new measure brings them back; history is kept as dated periods."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from donghanh.accounts.roles import Role
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.selectors import periods_on
from donghanh.episodes.services import episode_close, episode_close_outcome
from donghanh.people.choices import RosterExit, Whereabouts
from donghanh.people.roster import current_period, roster_holds, roster_leave, roster_rejoin
from donghanh.people.services import whereabouts_record

pytestmark = pytest.mark.django_db

D = datetime.date
T = EpisodeType


def on_roster(person, day):
    return periods_on(day).filter(person=person).exists()


def test_completing_the_last_measure_takes_the_person_off_the_roster_that_day(officer, register, measure):
    person = register()
    post = measure(person, T.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    assert episode_close_outcome(post, D(2025, 1, 31), EndReason.COMPLETED) == D(2025, 1, 31)
    assert current_period(person) is not None  # the preview wrote nothing
    episode_close(actor=officer, episode=post, end_date=D(2025, 1, 31), end_reason=EndReason.COMPLETED)
    period = person.periods.get()
    assert (period.end_date, period.end_reason) == (D(2025, 1, 31), RosterExit.COMPLETED)
    assert on_roster(person, D(2025, 1, 31)) and not on_roster(person, D(2025, 2, 1))


def test_another_open_measure_or_a_facility_keeps_the_person_on(officer, register, measure):
    person = register()
    post = measure(person, T.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    measure(person, T.METHADONE, D(2024, 3, 1), facility="Cơ sở Methadone Tây Hồ")
    assert episode_close_outcome(post, D(2025, 1, 31), EndReason.COMPLETED) is None
    episode_close(actor=officer, episode=post, end_date=D(2025, 1, 31), end_reason=EndReason.COMPLETED)
    assert current_period(person) is not None
    assert roster_holds(person, D(2025, 1, 31)) == [str(T.METHADONE.label)]

    other = register(full_name="Trần Văn Bình", citizen_id="")
    education = measure(other, T.ADMINISTRATIVE_EDUCATION, D(2024, 2, 1), planned_end_date=D(2024, 7, 31))
    whereabouts_record(actor=officer, person=other, status=Whereabouts.DETAINED, since=D(2024, 6, 1))
    episode_close(actor=officer, episode=education, end_date=D(2024, 7, 31), end_reason=EndReason.COMPLETED)
    assert current_period(other) is not None


def test_a_measure_ended_for_another_reason_leaves_the_person_on(officer, register, measure):
    person = register()
    post = measure(person, T.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    episode_close(actor=officer, episode=post, end_date=D(2024, 9, 30), end_reason=EndReason.RELAPSE)
    assert current_period(person) is not None


def test_the_officer_keeps_the_person_on_with_a_reason_until_a_new_measure(officer, register, measure):
    person = register()
    post = measure(person, T.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    episode_close(
        actor=officer,
        episode=post,
        end_date=D(2025, 1, 31),
        end_reason=EndReason.COMPLETED,
        keep_reason="Đang chuẩn bị quyết định mới",
    )
    period = current_period(person)
    assert period is not None and period.kept_on_reason == "Đang chuẩn bị quyết định mới"
    measure(person, T.DRUG_USER_MANAGEMENT, D(2025, 2, 10))
    assert current_period(person).kept_on_reason == ""


def test_a_new_measure_after_leaving_starts_a_new_period_and_keeps_the_old(officer, register, measure):
    person = register()
    post = measure(person, T.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    episode_close(actor=officer, episode=post, end_date=D(2025, 1, 31), end_reason=EndReason.COMPLETED)
    measure(person, T.DRUG_USER_MANAGEMENT, D(2025, 5, 4))
    periods = list(person.periods.order_by("start_date"))
    assert [(p.start_date, p.end_date, p.reason) for p in periods] == [
        (D(2024, 1, 2), D(2025, 1, 31), "registered"),
        (D(2025, 5, 4), None, "returned"),
    ]
    assert not on_roster(person, D(2025, 3, 1)) and on_roster(person, D(2025, 5, 4))


def test_a_measure_starting_the_day_after_leaving_continues_the_period(officer, register, measure):
    person = register()
    post = measure(person, T.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    episode_close(actor=officer, episode=post, end_date=D(2025, 1, 31), end_reason=EndReason.COMPLETED)
    measure(person, T.DRUG_USER_MANAGEMENT, D(2025, 2, 1))
    period = person.periods.get()
    assert period.end_date is None and period.end_reason == ""


def test_an_officer_takes_a_person_off_and_puts_them_back(officer, register):
    person = register()
    with pytest.raises(ValidationError) as refused:
        roster_leave(
            actor=officer, person=person, on=D(2024, 5, 1), reason=RosterExit.REMOVED, note="Không còn sử dụng"
        )
    assert "decision_number" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        roster_leave(actor=officer, person=person, on=D(2024, 5, 1), reason="completed")
    assert "reason" in refused.value.message_dict
    roster_leave(
        actor=officer,
        person=person,
        on=D(2024, 5, 1),
        reason=RosterExit.REMOVED,
        decision_number="12/QĐ-UBND",
        note="Xác minh không còn sử dụng",
    )
    period = person.periods.get()
    assert (period.end_date, period.end_reason, period.end_decision_number) == (D(2024, 5, 1), "removed", "12/QĐ-UBND")
    with pytest.raises(ValidationError) as refused:
        roster_rejoin(actor=officer, person=person, on=D(2024, 5, 1), note="Phát hiện lại")
    assert "on" in refused.value.message_dict
    back = roster_rejoin(actor=officer, person=person, on=D(2024, 9, 1), note="Phát hiện sử dụng lại")
    assert (back.reason, back.start_note) == ("returned", "Phát hiện sử dụng lại")


def test_a_volunteer_cannot_take_a_person_off(make_user, phu_thuong, register):
    person = register()
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    with pytest.raises(PermissionDenied):
        roster_leave(actor=volunteer, person=person, on=D(2024, 5, 1), reason=RosterExit.MOVED_ABROAD)


def test_the_settle_command_takes_off_people_whose_last_measure_completed_before_the_lifecycle(
    officer, register, measure
):
    from io import StringIO

    from django.core.management import call_command

    from donghanh.episodes.models import Episode

    done, held = register(), register(full_name="Phạm Văn Dũng")
    for person in (done, held):
        measure(person, T.POST_REHAB_MANAGEMENT, D(2024, 2, 1))
    # As an older database holds them: the measures closed, the periods never ended.
    Episode.objects.update(actual_end_date=D(2025, 1, 31), end_reason=EndReason.COMPLETED)
    whereabouts_record(actor=officer, person=held, status=Whereabouts.UNKNOWN, since=D(2025, 1, 5))
    out = StringIO()
    call_command("roster_settle", "--dry-run", stdout=out)
    assert done.code in out.getvalue() and held.code not in out.getvalue()
    assert current_period(done) is not None
    call_command("roster_settle", stdout=StringIO())
    period = done.periods.get()
    assert (period.end_date, period.end_reason) == (D(2025, 1, 31), RosterExit.COMPLETED)
    assert current_period(held) is not None


def test_back_at_residence_after_the_last_measure_completed_the_person_leaves_that_day(officer, register, measure):
    person = register()
    education = measure(person, T.ADMINISTRATIVE_EDUCATION, D(2024, 2, 1), planned_end_date=D(2024, 7, 31))
    whereabouts_record(actor=officer, person=person, status=Whereabouts.DETAINED, since=D(2024, 6, 1))
    episode_close(actor=officer, episode=education, end_date=D(2024, 7, 31), end_reason=EndReason.COMPLETED)
    assert current_period(person) is not None  # detained: still followed
    whereabouts_record(actor=officer, person=person, status=Whereabouts.UNKNOWN, since=D(2024, 9, 1))
    assert current_period(person) is not None
    whereabouts_record(actor=officer, person=person, status=Whereabouts.AT_RESIDENCE, since=D(2024, 10, 5))
    period = person.periods.get()
    assert (period.end_date, period.end_reason) == (D(2024, 10, 5), RosterExit.COMPLETED)


def test_back_at_residence_with_a_measure_open_or_never_under_one_the_person_stays(officer, register, measure):
    never = register()
    whereabouts_record(actor=officer, person=never, status=Whereabouts.UNKNOWN, since=D(2024, 3, 1))
    whereabouts_record(actor=officer, person=never, status=Whereabouts.AT_RESIDENCE, since=D(2024, 4, 1))
    assert current_period(never) is not None
    under = register(full_name="Đỗ Văn Em")
    measure(under, T.DRUG_USER_MANAGEMENT, D(2024, 2, 1))
    whereabouts_record(actor=officer, person=under, status=Whereabouts.UNKNOWN, since=D(2024, 3, 1))
    whereabouts_record(actor=officer, person=under, status=Whereabouts.AT_RESIDENCE, since=D(2024, 4, 1))
    assert current_period(under) is not None
