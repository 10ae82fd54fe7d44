"""Referrals: the closed loop, who may see which, overdue answers and treatment follow-up."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import translation

from donghanh.accounts.roles import Role
from donghanh.support import services
from donghanh.support.models import Referral
from donghanh.support.selectors import referrals_overdue

pytestmark = pytest.mark.django_db

D = datetime.date
MARCH_1 = D(2025, 3, 1)


def send(officer, person, partner, kind="methadone", on=MARCH_1):
    return services.referral_send(
        actor=officer, person=person, partner=partner, kind=kind, reason="Điều trị thay thế", sent_on=on
    )


def test_the_loop_from_sent_to_completed_keeps_every_change(officer, person, clinic):
    referral = send(officer, person, clinic)
    services.referral_change(actor=officer, referral=referral, status="accepted", on=D(2025, 3, 5))
    services.referral_change(actor=officer, referral=referral, status="completed", on=D(2025, 9, 30), note="Ổn định")
    referral.refresh_from_db()
    assert (referral.status, referral.status_on, referral.is_open) == ("completed", D(2025, 9, 30), False)
    assert [(e.status, e.on, e.by) for e in referral.events.all()] == [
        ("sent", D(2025, 3, 1), officer),
        ("accepted", D(2025, 3, 5), officer),
        ("completed", D(2025, 9, 30), officer),
    ]


@pytest.mark.parametrize(
    ("path", "refused", "message"),
    [
        ([], "completed", "Một chuyển gửi đang ở trạng thái đã gửi chỉ có thể chuyển sang"),
        (["declined"], "accepted", "không thể thay đổi nữa"),
        (["accepted", "completed"], "lost", "không thể thay đổi nữa"),
        (["accepted"], "sent", "chỉ có thể chuyển sang"),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_message(officer, person, clinic, path, refused, message):
    referral = send(officer, person, clinic)
    for status in path:
        services.referral_change(actor=officer, referral=referral, status=status, on=D(2025, 3, 10))
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services.referral_change(actor=officer, referral=referral, status=refused, on=D(2025, 3, 20))
    assert message in error.value.message_dict["status"][0]
    assert referral.events.count() == 1 + len(path)


def test_a_change_is_not_dated_before_the_last_one(officer, person, clinic):
    referral = send(officer, person, clinic, on=D(2025, 3, 10))
    with pytest.raises(ValidationError) as error:
        services.referral_change(actor=officer, referral=referral, status="accepted", on=D(2025, 3, 9))
    assert "10/03/2025" in error.value.message_dict["on"][0]


def test_a_referral_needs_a_reason_and_an_active_partner_of_the_area(officer, person, clinic, make_user, hai_chau):
    services.partner_update(expected_version=clinic.version, actor=officer, partner=clinic, is_active=False)
    with pytest.raises(ValidationError) as error:
        services.referral_send(
            actor=officer, person=person, partner=clinic, kind="methadone", reason=" ", sent_on=D(2025, 3, 1)
        )
    assert set(error.value.message_dict) == {"partner", "reason"}
    elsewhere = make_user(Role.COMMUNE_OFFICER, hai_chau)
    far = services.partner_add(actor=elsewhere, unit=hai_chau, name="Phòng khám Hải Châu", kind="health_facility")
    with pytest.raises(ValidationError) as error:
        send(officer, person, far, kind="medical")
    assert "partner" in error.value.message_dict


# --- who sees which --------------------------------------------------------------------------------


def test_health_and_drug_treatment_referrals_are_seen_only_by_roles_that_may(
    officer, person, clinic, employer, make_user, phu_thuong, assign_volunteer
):
    methadone = send(officer, person, clinic)
    job = send(officer, person, employer, kind="employment")
    health = make_user(Role.HEALTH_STAFF, phu_thuong)
    hiv = services.referral_send(
        actor=health, person=person, partner=clinic, kind="hiv_treatment", reason="Điều trị ARV", sent_on=D(2025, 3, 1)
    )
    police = make_user(Role.COMMUNE_POLICE, phu_thuong)
    volunteer = make_user(Role.VOLUNTEER, phu_thuong)
    assign_volunteer(volunteer, person)
    seen = {user: set(Referral.objects.accessible_to(user)) for user in (officer, health, police, volunteer)}
    assert seen[officer] == {methadone, job, hiv}
    assert seen[health] == {methadone, job, hiv}
    assert seen[police] == {methadone, job}  # no HIV status for the police
    assert seen[volunteer] == {job}  # nothing sensitive for a volunteer
    with pytest.raises(PermissionDenied):
        services.referral_send(
            actor=police, person=person, partner=clinic, kind="hiv_treatment", reason="ARV", sent_on=D(2025, 3, 1)
        )


# --- overdue answers -----------------------------------------------------------------------------


@override_settings(SUPPORT_REFERRAL_ANSWER_DAYS=14)
def test_a_referral_unanswered_after_fourteen_days_is_overdue_for_who_sent_it(
    officer, person, clinic, make_user, phu_thuong
):
    referral = send(officer, person, clinic, on=D(2025, 3, 1))
    assert list(referrals_overdue(officer, D(2025, 3, 15))) == []  # 14 days: still waiting
    assert list(referrals_overdue(officer, D(2025, 3, 16))) == [referral]
    assert list(referrals_overdue(make_user(Role.COMMUNE_OFFICER, phu_thuong), D(2025, 3, 16))) == []
    services.referral_change(actor=officer, referral=referral, status="accepted", on=D(2025, 3, 16))
    assert list(referrals_overdue(officer, D(2025, 3, 20))) == []


# --- treatment follow-up -------------------------------------------------------------------------


def test_treatment_is_followed_month_by_month_once_accepted(officer, person, clinic, employer):
    referral = send(officer, person, clinic)
    with pytest.raises(ValidationError):
        services.follow_up_record(
            actor=officer, referral=referral, month=D(2025, 3, 1), attendance="regular", source="clinic"
        )
    services.referral_change(actor=officer, referral=referral, status="accepted", on=D(2025, 3, 5))
    services.follow_up_record(
        actor=officer, referral=referral, month=D(2025, 3, 20), attendance="regular", source="clinic"
    )
    corrected = services.follow_up_record(
        actor=officer, referral=referral, month=D(2025, 3, 1), attendance="irregular", source="family"
    )
    assert (corrected.month, referral.follow_ups.count()) == (D(2025, 3, 1), 1)
    job = send(officer, person, employer, kind="employment")
    services.referral_change(actor=officer, referral=job, status="accepted", on=D(2025, 3, 5))
    with pytest.raises(ValidationError):
        services.follow_up_record(
            actor=officer, referral=job, month=D(2025, 4, 1), attendance="regular", source="person"
        )


def test_months_after_a_referral_ended_are_not_followed(officer, person, clinic):
    referral = send(officer, person, clinic)
    services.referral_change(actor=officer, referral=referral, status="accepted", on=D(2025, 3, 5))
    services.referral_change(actor=officer, referral=referral, status="lost", on=D(2025, 6, 10))
    # The month it ended is still followed (it says how it stopped); the next is not.
    services.follow_up_record(
        actor=officer, referral=referral, month=D(2025, 6, 1), attendance="stopped", source="clinic"
    )
    with pytest.raises(ValidationError) as refused, translation.override("vi"):
        services.follow_up_record(
            actor=officer, referral=referral, month=D(2025, 7, 1), attendance="stopped", source="family"
        )
    assert "10/06/2025" in str(refused.value.message_dict["month"])


@override_settings(SUPPORT_REFERRAL_ANSWER_DAYS=14)
def test_an_overdue_referral_is_on_the_referring_user_s_work_list(officer, person, clinic):
    from donghanh.casework.worklist import work_list

    referral = send(officer, person, clinic, on=D(2025, 3, 1))
    [item] = [i for i in work_list(officer, D(2025, 3, 16)) if i.kind == "referral_overdue"]
    assert (item.key, item.overdue, item.due_date) == (f"referral:{referral.pk}", True, D(2025, 3, 15))
    assert item.detail == "Cơ sở Methadone Tây Hồ"
