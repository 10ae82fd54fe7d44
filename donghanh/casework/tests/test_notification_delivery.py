"""The daily summary: counts and a link, never a name; by email (Django's outbox), by SMS and Zalo (a real HTTP
gateway in a thread that records what it receives); once a day per channel; failures kept, never raised."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from donghanh.accounts.roles import Role
from donghanh.casework.models import NotificationDelivery
from donghanh.casework.notifications import (
    digest_send,
    notification_preference_save,
    notifications_refresh_all,
    work_counts,
)
from donghanh.casework.tests.gateway import gateway_start, gateway_stop
from donghanh.casework.worklist import work_list
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 10, 10)
NAME = "Nguyễn Văn Hùng"
SITE = "https://donghanh.example.vn"
# On 10/10/2025 Hùng, followed since 01/09, has September's assessment overdue, no contact since (overdue) and
# October's assessment due; being without a volunteer is a standing task, counted in neither.
TEXT = "Đồng Hành: 1 việc đến hạn, 2 việc quá hạn. Mở ứng dụng để xem. https://donghanh.example.vn/casework/"
SMS_TEXT = "Dong Hanh: 1 viec den han, 2 viec qua han. Mo ung dung de xem. https://donghanh.example.vn/casework/"


@pytest.fixture
def gateway():
    gateway = gateway_start()
    yield gateway
    gateway_stop(gateway)


@pytest.fixture
def gateways(gateway, settings):
    settings.SITE_URL = SITE
    settings.SMS_PROVIDER_URL, settings.SMS_PROVIDER_KEY = f"{gateway.url}/sms", "sms-key"
    settings.ZALO_PROVIDER_URL, settings.ZALO_PROVIDER_KEY = f"{gateway.url}/zalo", "zalo-key"
    return gateway


@pytest.fixture
def officer(make_user, phu_thuong):
    return make_user(Role.COMMUNE_OFFICER, phu_thuong, email="xa@example.vn", phone="0912 345 678")


@pytest.fixture
def person(officer, phu_thuong):
    person = person_register(
        actor=officer, unit=phu_thuong, full_name=NAME, sex=Sex.MALE, birth_year=1990, registered_on=D(2025, 1, 2)
    )
    episode_open(actor=officer, person=person, episode_type=EpisodeType.POST_REHAB_MANAGEMENT, start_date=D(2025, 9, 1))
    return person


def choose(user, **channels):
    fields = {"digest_daily": True, "by_email": False, "by_sms": False, "by_zalo": False, "phone": ""} | channels
    return notification_preference_save(actor=user, user=user, **fields)


def test_the_summary_reaches_the_sms_and_zalo_gateways_with_counts_only(gateways, officer, person):
    choose(officer, by_sms=True, by_zalo=True)  # no number typed: the account's own

    notifications_refresh_all(TODAY)

    by_path = {r.path: r for r in gateways.received}
    assert sorted(by_path) == ["/sms", "/zalo"]
    assert (by_path["/sms"].key, by_path["/zalo"].key) == ("sms-key", "zalo-key")
    assert by_path["/sms"].content_type == "application/json; charset=utf-8"
    assert by_path["/sms"].body == {"to": "+84912345678", "text": SMS_TEXT}  # SMS in plain letters
    assert by_path["/zalo"].body == {"to": "+84912345678", "text": TEXT}
    for text in gateways.texts():
        assert NAME not in text and "Hùng" not in text and "Hung" not in text
    assert set(
        NotificationDelivery.objects.filter(user=officer, sent_at__isnull=False).values_list("channel", flat=True)
    ) == {
        "sms",
        "zalo",
    }
    assert mail.outbox == []  # email was not chosen


def test_a_second_run_the_same_day_sends_nothing_again(gateways, officer, person):
    choose(officer, by_email=True, by_sms=True, phone="+84 987 654 321")
    notifications_refresh_all(TODAY)
    notifications_refresh_all(TODAY)
    assert [r.body["to"] for r in gateways.received] == ["+84987654321"]
    assert len(mail.outbox) == 1

    notifications_refresh_all(TODAY + datetime.timedelta(days=1))  # the next day's summary
    assert len(gateways.received) == 2
    assert len(mail.outbox) == 2


def test_the_summary_by_email_names_no_one(settings, officer, person):
    settings.SITE_URL = SITE
    choose(officer, by_email=True)
    notifications_refresh_all(TODAY)
    [message] = mail.outbox
    assert message.to == ["xa@example.vn"]
    assert message.subject == "Đồng Hành: việc cần làm của bạn"
    assert message.body.startswith(TEXT)
    assert f"{SITE}/casework/notifications/settings/" in message.body
    assert NAME not in message.body and NAME not in message.subject
    assert "Quản lý sau cai nghiện" not in message.body  # nor the measure


@pytest.mark.parametrize("emails", [False, True])
def test_a_user_who_has_not_chosen_gets_email_only_when_the_installation_says(
    settings, officer, person, emails, make_user, phu_thuong
):
    settings.NOTIFICATION_EMAILS = emails
    without_address = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    notifications_refresh_all(TODAY)
    assert [m.to for m in mail.outbox] == ([["xa@example.vn"]] if emails else [])
    assert not NotificationDelivery.objects.filter(user=without_address).exists()  # nothing to report either


def test_nothing_is_sent_without_the_daily_summary_or_without_anything_due(
    gateways, officer, person, make_user, hai_chau
):
    choose(officer, digest_daily=False, by_email=True, by_sms=True)
    idle = make_user(Role.COMMUNE_OFFICER, hai_chau, email="hc@example.vn", phone="0903 111 222")
    choose(idle, by_email=True, by_sms=True)
    notifications_refresh_all(TODAY)
    assert gateways.received == [] and mail.outbox == []
    assert not NotificationDelivery.objects.exists()


def test_a_failing_gateway_is_recorded_and_tried_again_with_the_next_summary(gateways, officer, person):
    choose(officer, by_sms=True)
    gateways.status = 500
    counts = work_counts(work_list(officer, TODAY))
    assert digest_send(officer, counts, TODAY) == []  # no exception reaches the task
    delivery = NotificationDelivery.objects.get(user=officer, channel="sms")
    assert (delivery.day, delivery.sent_at, delivery.error) == (TODAY, None, "HTTP 500")
    assert digest_send(officer, counts, TODAY) == []  # not again today
    assert len(gateways.received) == 1

    gateways.status = 202
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert digest_send(officer, counts, tomorrow) == ["sms"]
    delivery.refresh_from_db()
    assert (delivery.day, delivery.error) == (tomorrow, "") and delivery.sent_at is not None


def test_a_gateway_that_does_not_answer_in_time_is_recorded(gateways, settings, officer, person):
    settings.NOTIFICATION_PROVIDER_TIMEOUT = 0.2
    gateways.hold = True
    choose(officer, by_zalo=True)
    assert digest_send(officer, work_counts(work_list(officer, TODAY)), TODAY) == []
    error = NotificationDelivery.objects.get(user=officer, channel="zalo").error
    assert error.startswith("unreachable") and "timed out" in error


def test_a_gateway_taken_away_after_the_choice_is_recorded(gateways, settings, officer, person):
    choose(officer, by_sms=True)
    settings.SMS_PROVIDER_URL = ""
    notifications_refresh_all(TODAY)
    assert gateways.received == []
    assert NotificationDelivery.objects.get(user=officer, channel="sms").error == "no sms gateway is set up"


# --- the choice ----------------------------------------------------------------------------------------------------


def test_a_mobile_number_is_checked_and_needed_for_sms_and_zalo(gateways, officer, make_user, phu_thuong):
    with pytest.raises(ValidationError) as refused:
        choose(officer, by_sms=True, phone="024 3825 1234")  # a landline
    assert "phone" in refused.value.error_dict
    without_phone = make_user(Role.VOLUNTEER, phu_thuong)
    with pytest.raises(ValidationError) as refused:
        choose(without_phone, by_zalo=True)
    assert refused.value.message_dict["phone"] == ["Cần có số di động để nhận SMS và Zalo."]
    assert choose(officer, by_sms=True, phone="+84 912-345-678").phone == "+84 912-345-678"


def test_email_needs_an_address_and_a_gateway_needs_setting_up(settings, make_user, phu_thuong):
    user = make_user(Role.VOLUNTEER, phu_thuong, phone="0912345678")
    settings.SMS_PROVIDER_URL = ""
    with pytest.raises(ValidationError) as refused:
        choose(user, by_email=True, by_sms=True)
    assert set(refused.value.error_dict) == {"by_email", "by_sms"}


def test_only_the_user_chooses_for_themselves(officer, make_user, phu_thuong):
    other = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    with pytest.raises(PermissionDenied):
        notification_preference_save(
            actor=other, user=officer, digest_daily=True, by_email=False, by_sms=False, by_zalo=False, phone=""
        )


# --- email through a provider in production --------------------------------------------------------------------


def test_production_sends_email_through_the_provider_named():
    from donghanh.core.tests.test_security import PRODUCTION, random_secret, run_manage

    show = "from django.conf import settings; print(settings.MAILERS['default'])"
    env = PRODUCTION | {"SECRET_KEY": random_secret(), "ANYMAIL_PROVIDER": "Brevo", "ANYMAIL_API_KEY": "k-123"}
    done = run_manage("shell", "-c", show, **env)
    assert done.returncode == 0, done.stderr
    assert "'BACKEND': 'anymail.backends.brevo.EmailBackend'" in done.stdout
    assert "'OPTIONS': {'api_key': 'k-123'}" in done.stdout
    refused = run_manage("shell", "-c", show, **(env | {"ANYMAIL_PROVIDER": "pigeon"}))
    assert refused.returncode != 0 and "django-anymail has no provider 'pigeon'" in refused.stderr
