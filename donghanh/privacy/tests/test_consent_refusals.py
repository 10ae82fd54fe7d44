"""What needs consent is refused without it: a referral to a partner (sharing the person's data), a contact by SMS or
Zalo; through the services, the pages (the message shown, what was typed kept) and the API (400 with the message)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from donghanh.casework import services as casework
from donghanh.casework.models import Contact
from donghanh.people.choices import Sex
from donghanh.people.services import person_register
from donghanh.privacy.choices import Purpose
from donghanh.privacy.consent import consent_record, consent_withdraw
from donghanh.support import services as support
from donghanh.support.models import Referral

pytestmark = pytest.mark.django_db

D = datetime.date
MARCH_1 = D(2025, 3, 1)
NO_SHARING = (
    "Chưa có sự đồng ý của Nguyễn Văn Hùng cho mục đích “Chia sẻ với đối tác để chuyển gửi” vào ngày {day}; "
    "ghi nhận sự đồng ý trước khi chuyển gửi đến đối tác."
)
NO_MESSAGES = (
    "Chưa có sự đồng ý của Nguyễn Văn Hùng cho mục đích “Liên lạc qua SMS hoặc Zalo” vào ngày {day}; "
    "ghi nhận sự đồng ý trước khi liên lạc qua SMS hoặc Zalo."
)


@pytest.fixture
def employer(officer, phu_thuong):
    return support.partner_add(
        actor=officer, unit=phu_thuong, name="Công ty May Tây Hồ", kind="business", offers_jobs=True
    )


def consent(officer, person, purpose, on=MARCH_1):
    return consent_record(
        actor=officer, person=person, purpose=purpose, given_on=on, method="signed_form", form_number="05/ĐY-2025",
        given_by="person",
    )  # fmt: skip


def refer(officer, person, partner, on=MARCH_1):
    return support.referral_send(
        actor=officer, person=person, partner=partner, kind="employment", reason="Cần việc làm ổn định", sent_on=on
    )


def message(officer, person, mode, on=MARCH_1):
    return casework.contact_record(
        actor=officer, person=person, date=on, mode=mode, topics=["family"], notes="Hẹn gặp tại nhà văn hóa"
    )


# Referrals -----------------------------------------------------------------------------------------------------


def test_a_referral_is_refused_without_consent_allowed_with_it_and_refused_after_withdrawal(officer, person, employer):
    with pytest.raises(ValidationError) as error:
        refer(officer, person, employer)
    assert error.value.messages == [NO_SHARING.format(day="01/03/2025")]
    assert not Referral.objects.exists()
    given = consent(officer, person, Purpose.REFERRAL_SHARING)
    consent(officer, person, Purpose.MESSAGES)  # another purpose does not count
    with pytest.raises(ValidationError):
        refer(officer, person, employer, on=D(2025, 2, 28))  # sent before the consent was given
    assert refer(officer, person, employer).sent_on == MARCH_1
    consent_withdraw(actor=officer, consent=given, withdrawn_on=D(2025, 6, 1))
    assert refer(officer, person, employer, on=D(2025, 5, 31)).sent_on == D(2025, 5, 31)  # the day before
    with pytest.raises(ValidationError) as error:
        refer(officer, person, employer, on=D(2025, 6, 1))
    assert error.value.messages == [NO_SHARING.format(day="01/06/2025")]
    assert Referral.objects.count() == 2


def test_a_minor_s_referral_asks_for_the_guardian_s_consent(officer, phu_thuong, employer):
    minor = person_register(
        actor=officer, unit=phu_thuong, full_name="Lê Văn Tùng", sex=Sex.MALE, birth_year=2009,
        birth_date=D(2009, 6, 1), registered_on=D(2024, 1, 2),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Chưa có sự đồng ý của người giám hộ của Lê Văn Tùng"):
        refer(officer, minor, employer)
    consent_record(
        actor=officer, person=minor, purpose=Purpose.REFERRAL_SHARING, given_on=MARCH_1, method="verbal",
        witness="Trần Thị Lan", given_by="guardian", guardian_name="Lê Văn Bình", guardian_relation="bố",
    )  # fmt: skip
    assert refer(officer, minor, employer).person == minor


def test_the_referral_page_shows_the_refusal_and_keeps_what_was_typed(client, officer, person, employer):
    client.force_login(officer)
    url = reverse("support:referral_add", args=[person.pk])
    typed = {"partner": employer.pk, "kind": "employment", "reason": "Mất việc, cần việc làm gần nhà"}
    typed["sent_on"] = "01/03/2025"
    response = client.post(url, typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert NO_SHARING.format(day="01/03/2025") in html
    assert "Mất việc, cần việc làm gần nhà" in html and 'value="01/03/2025"' in html
    form = response.context["form"]
    assert (form["partner"].value(), form["kind"].value()) == (str(employer.pk), "employment")
    consent(officer, person, Purpose.REFERRAL_SHARING)
    assert client.post(url, typed).status_code == 302
    assert Referral.objects.get(person=person).reason == "Mất việc, cần việc làm gần nhà"


def test_the_referral_api_answers_400_with_the_message(client, officer, person, employer):
    client.force_login(officer)
    body = {"person": person.pk, "partner": employer.pk, "kind": "employment", "reason": "Việc làm"}
    body["sent_on"] = "2025-03-01"
    response = client.post("/api/v1/referrals/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [NO_SHARING.format(day="01/03/2025")]}
    consent(officer, person, Purpose.REFERRAL_SHARING)
    assert client.post("/api/v1/referrals/", body, content_type="application/json").status_code == 201


# Messages ------------------------------------------------------------------------------------------------------


def test_an_sms_or_zalo_contact_needs_messaging_consent_a_visit_or_call_does_not(officer, person):
    for mode in ("sms", "zalo"):
        with pytest.raises(ValidationError) as error:
            message(officer, person, mode)
        assert error.value.messages == [NO_MESSAGES.format(day="01/03/2025")]
    assert {message(officer, person, mode).mode for mode in ("home_visit", "phone")} == {"home_visit", "phone"}
    consent(officer, person, Purpose.REFERRAL_SHARING)  # sharing with partners is not messaging
    with pytest.raises(ValidationError):
        message(officer, person, "sms")
    given = consent(officer, person, Purpose.MESSAGES)
    assert message(officer, person, "sms").mode == "sms"
    consent_withdraw(actor=officer, consent=given, withdrawn_on=D(2025, 4, 1))
    assert message(officer, person, "zalo", on=D(2025, 3, 31)).mode == "zalo"
    with pytest.raises(ValidationError, match="vào ngày 01/04/2025"):
        message(officer, person, "zalo", on=D(2025, 4, 1))
    assert Contact.objects.filter(person=person, mode__in=["sms", "zalo"]).count() == 2


def test_the_contact_page_shows_the_refusal_and_keeps_what_was_typed(client, officer, person):
    client.force_login(officer)
    url = reverse("casework:contact_add", args=[person.pk])
    typed = {"date": "01/03/2025", "mode": "zalo", "topics": ["family"], "notes": "Nhắn hẹn lịch gặp gia đình"}
    response = client.post(url, typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert NO_MESSAGES.format(day="01/03/2025") in html and "Nhắn hẹn lịch gặp gia đình" in html
    assert response.context["form"]["mode"].value() == "zalo"
    consent(officer, person, Purpose.MESSAGES)
    assert client.post(url, typed).status_code == 302
    assert Contact.objects.get(person=person).mode == "zalo"


def test_the_contact_api_answers_400_with_the_message(client, officer, person):
    client.force_login(officer)
    body = {"person": person.pk, "date": "2025-03-01", "mode": "sms", "notes": "Nhắn tin hỏi thăm"}
    response = client.post("/api/v1/contacts/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [NO_MESSAGES.format(day="01/03/2025")]}
    consent(officer, person, Purpose.MESSAGES)
    assert client.post("/api/v1/contacts/", body, content_type="application/json").status_code == 201
