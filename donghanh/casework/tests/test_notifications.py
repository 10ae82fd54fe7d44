"""Notifications: the daily task turns each user's work list into notifications, once each (the summary that leaves
the application: test_notification_delivery)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from donghanh.accounts.roles import Role
from donghanh.casework import services
from donghanh.casework.choices import NotificationKind as K
from donghanh.casework.models import Notification
from donghanh.casework.notifications import notifications_refresh, notifications_refresh_all
from donghanh.casework.tasks import notifications_compute
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 10, 10)


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, email="xa@example.vn")


@pytest.fixture
def person(officer, phu_thuong):
    person = person_register(
        actor=officer,
        unit=phu_thuong,
        full_name="Nguyễn Văn Hùng",
        sex=Sex.MALE,
        birth_year=1990,
        registered_on=D(2025, 1, 2),
    )
    episode_open(actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=D(2025, 9, 1))
    return person


def test_each_item_becomes_one_notification(officer, person):
    created = notifications_refresh(officer, TODAY)
    assert sorted(n.kind for n in created) == sorted(
        [K.ASSESSMENT_DUE, K.ASSESSMENT_OVERDUE, K.NO_CONTACT, K.UNASSIGNED]
    )
    [due] = [n for n in created if n.kind == K.ASSESSMENT_DUE]
    assert (due.text, due.url) == (
        "Nguyễn Văn Hùng — 10/2025",
        f"/casework/people/{person.pk}/assessment/?month=2025-10",
    )
    assert notifications_refresh(officer, TODAY) == []  # nothing new the next day
    assert Notification.objects.filter(user=officer).count() == 4


def test_an_item_dealt_with_takes_its_unread_notification_away(officer, person):
    notifications_refresh(officer, TODAY)
    services.contact_record(actor=officer, person=person, date=D(2025, 10, 9), mode="home_visit")
    notifications_refresh(officer, TODAY)
    assert not Notification.objects.filter(user=officer, kind=K.NO_CONTACT).exists()


def test_a_read_notification_stays_as_a_record(officer, person):
    notifications_refresh(officer, TODAY)
    Notification.objects.filter(kind=K.NO_CONTACT).update(read_at=timezone.now())
    services.contact_record(actor=officer, person=person, date=D(2025, 10, 9), mode="home_visit")
    notifications_refresh(officer, TODAY)
    assert Notification.objects.filter(user=officer, kind=K.NO_CONTACT).count() == 1


@override_settings(NOTIFICATION_EMAILS=True)
def test_new_items_are_no_longer_mailed_one_by_one_only_the_summary(officer, person, make_user, phu_thuong):
    make_user(Role.COMMUNE_OFFICER, phu_thuong)  # no address: no mail
    assert notifications_refresh_all(TODAY) == 8  # four each for the two officers
    [message] = mail.outbox  # the daily summary (test_notification_delivery), which names no one
    assert message.to == ["xa@example.vn"]
    assert "Nguyễn Văn Hùng" not in message.body
    notifications_refresh_all(TODAY)
    assert len(mail.outbox) == 1


def test_the_daily_task_runs_for_today(officer, person):
    # The immediate backend of the test settings runs it at once; it uses today's date.
    result = notifications_compute.enqueue()
    assert result.return_value == Notification.objects.count() > 0
