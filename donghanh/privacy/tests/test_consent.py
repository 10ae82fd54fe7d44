"""Consent per person and purpose: the services and their refusals, minors and their guardians, the person page's
section, the record and withdraw pages, and the API with its scope."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from donghanh.accounts.roles import Role
from donghanh.people.choices import Sex
from donghanh.people.services import person_merge, person_register
from donghanh.privacy.choices import Purpose
from donghanh.privacy.consent import (
    consent_record,
    consent_required,
    consent_standing,
    consent_withdraw,
    consents_for_person,
)
from donghanh.privacy.models import Consent

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()
SHARING, MESSAGES = Purpose.REFERRAL_SHARING, Purpose.MESSAGES
MARCH_1 = D(2025, 3, 1)


@pytest.fixture
def minor(officer, phu_thuong):
    """Born on 1 June 2009: 17 until 31 May 2027, 15 on 1 March 2025."""
    return person_register(
        actor=officer, unit=phu_thuong, full_name="Lê Văn Tùng", sex=Sex.MALE, birth_year=2009,
        birth_date=D(2009, 6, 1), registered_on=D(2024, 1, 2),
    )  # fmt: skip


def signed(actor, person, purpose=SHARING, on=MARCH_1, **fields: Any) -> Consent:
    values: dict[str, Any] = {"method": "signed_form", "form_number": "01/ĐY-2025", "given_by": "person"} | fields
    return consent_record(actor=actor, person=person, purpose=purpose, given_on=on, **values)


def refusal(write) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        write()
    return error.value.message_dict


# Services ------------------------------------------------------------------------------------------------------


def test_a_signed_consent_is_recorded_with_who_and_how(officer, person):
    consent = signed(officer, person, form_number="  01/ĐY-2025 ")
    assert (consent.purpose, consent.method, consent.form_number, consent.witness) == (
        SHARING, "signed_form", "01/ĐY-2025", "",
    )  # fmt: skip
    assert consent.recorded_by == officer and consent.withdrawn_on is None
    assert consent.history.get().history_user == officer


def test_a_verbal_consent_needs_a_witness_and_a_signed_one_its_number(officer, person):
    errors = refusal(lambda: signed(officer, person, method="verbal", form_number=""))
    assert errors == {"witness": ["Đồng ý bằng lời cần có tên người làm chứng."]}
    errors = refusal(lambda: signed(officer, person, form_number=" "))
    assert errors == {"form_number": ["Nhập số phiếu đồng ý đã ký."]}
    verbal = signed(officer, person, method="verbal", witness="Trần Thị Lan, tổ trưởng tổ dân phố", form_number="x")
    assert (verbal.witness, verbal.form_number) == ("Trần Thị Lan, tổ trưởng tổ dân phố", "")


def test_purposes_on_a_legal_basis_take_no_consent(officer, person):
    for purpose in (Purpose.CASE_MANAGEMENT, Purpose.STATISTICS):
        errors = refusal(lambda purpose=purpose: signed(officer, person, purpose=purpose))
        assert errors["purpose"] == [
            f"“{purpose.label}” dựa trên cơ sở pháp lý: không ghi nhận sự đồng ý cho mục đích này."
        ]
        consent_required(person=person, purpose=purpose, on=TODAY)  # nothing to check: no refusal
    assert "purpose" in refusal(lambda: signed(officer, person, purpose="marketing"))
    assert not Consent.objects.exists()


def test_dates_neither_in_the_future_nor_before_birth(officer, person):
    errors = refusal(lambda: signed(officer, person, on=TODAY + datetime.timedelta(days=1)))
    assert errors == {"given_on": ["Ngày không được là ngày trong tương lai."]}
    errors = refusal(lambda: signed(officer, person, on=D(1985, 1, 1)))
    assert errors == {"given_on": ["Ngày này trước ngày sinh của người đó."]}


def test_a_second_standing_consent_is_refused_until_the_first_is_withdrawn(officer, person):
    first = signed(officer, person)
    errors = refusal(lambda: signed(officer, person, on=D(2025, 4, 1)))
    assert errors["purpose"] == [
        "Đã có sự đồng ý còn hiệu lực cho mục đích này (ngày 01/03/2025): rút lại trước khi ghi nhận sự đồng ý khác."
    ]
    signed(officer, person, purpose=MESSAGES)  # another purpose is its own consent
    consent_withdraw(actor=officer, consent=first, withdrawn_on=D(2025, 6, 1), note="Gia đình không đồng ý nữa")
    assert "given_on" in refusal(lambda: signed(officer, person, on=D(2025, 5, 1)))  # before the withdrawal
    again = signed(officer, person, on=D(2025, 9, 1), form_number="07/ĐY-2025")
    assert list(consents_for_person(officer, person).filter(purpose=SHARING)) == [again, first]


def test_a_withdrawal_is_dated_between_the_consent_and_today_and_made_once(officer, person):
    consent = signed(officer, person)
    errors = refusal(lambda: consent_withdraw(actor=officer, consent=consent, withdrawn_on=D(2025, 2, 28)))
    assert errors == {"withdrawn_on": ["Ngày rút lại không được trước ngày đồng ý (01/03/2025)."]}
    future = TODAY + datetime.timedelta(days=1)
    assert "withdrawn_on" in refusal(lambda: consent_withdraw(actor=officer, consent=consent, withdrawn_on=future))
    consent_withdraw(actor=officer, consent=consent, withdrawn_on=D(2025, 5, 1), note="  Báo   trực tiếp ")
    consent.refresh_from_db()
    assert (consent.withdrawn_on, consent.withdrawn_by, consent.withdrawal_note) == (
        D(2025, 5, 1),
        officer,
        "Báo trực tiếp",
    )
    assert consent.history.first().history_user == officer
    with pytest.raises(ValidationError, match="đã được rút lại ngày 01/05/2025"):
        consent_withdraw(actor=officer, consent=consent, withdrawn_on=D(2025, 6, 1))


def test_a_consent_stands_from_the_day_given_to_the_day_before_its_withdrawal(officer, person):
    consent = signed(officer, person)
    consent_withdraw(actor=officer, consent=consent, withdrawn_on=D(2025, 5, 1))
    assert consent_standing(person, SHARING, D(2025, 2, 28)) is None
    assert consent_standing(person, SHARING, D(2025, 3, 1)) == consent
    assert consent_standing(person, SHARING, D(2025, 4, 30)) == consent
    assert consent_standing(person, SHARING, D(2025, 5, 1)) is None
    assert consent_standing(person, MESSAGES, D(2025, 4, 1)) is None


def test_consent_required_names_the_person_the_purpose_and_what_to_do(officer, person):
    with pytest.raises(ValidationError) as error:
        consent_required(person=person, purpose=SHARING, on=D(2025, 3, 1))
    assert error.value.messages == [
        "Chưa có sự đồng ý của Nguyễn Văn Hùng cho mục đích “Chia sẻ với đối tác để chuyển gửi” vào ngày 01/03/2025; "
        "ghi nhận sự đồng ý trước khi chuyển gửi đến đối tác."
    ]
    with pytest.raises(ValidationError, match="trước khi liên lạc qua SMS hoặc Zalo"):
        consent_required(person=person, purpose=MESSAGES, on=D(2025, 3, 1))
    signed(officer, person)
    consent_required(person=person, purpose=SHARING, on=D(2025, 3, 1))


# Minors --------------------------------------------------------------------------------------------------------


def test_a_minor_s_consent_is_given_by_their_guardian_named_with_the_relation(officer, minor):
    errors = refusal(lambda: signed(officer, minor))
    assert errors == {
        "given_by": [
            "Vào ngày đó người này 15 tuổi: sự đồng ý của người chưa thành niên do người giám hộ đưa ra, "
            "có ghi họ tên và quan hệ."
        ]
    }
    errors = refusal(lambda: signed(officer, minor, given_by="guardian"))
    assert set(errors) == {"guardian_name", "guardian_relation"}
    consent = signed(officer, minor, given_by="guardian", guardian_name="Lê Văn Bình", guardian_relation="bố")
    assert (consent.given_by, consent.guardian_name, consent.guardian_relation) == ("guardian", "Lê Văn Bình", "bố")
    with pytest.raises(ValidationError, match="Chưa có sự đồng ý của người giám hộ của Lê Văn Tùng"):
        consent_required(person=minor, purpose=MESSAGES, on=D(2025, 3, 1))


def test_the_age_on_the_day_decides_and_a_child_under_twelve_too(officer, phu_thuong, minor):
    # 17 on 31 May 2026, 18 on 1 June 2026... of a person born on 1 June 2008.
    older = person_register(
        actor=officer, unit=phu_thuong, full_name="Phạm Văn Long", sex=Sex.MALE, birth_year=2008,
        birth_date=D(2008, 6, 1), registered_on=D(2024, 1, 2),
    )  # fmt: skip
    assert "given_by" in refusal(lambda: signed(officer, older, on=D(2026, 5, 31)))
    assert signed(officer, older, on=D(2026, 6, 1)).given_by == "person"
    child = person_register(
        actor=officer, unit=phu_thuong, full_name="Lê Thị Na", sex=Sex.FEMALE, birth_year=2015,
        birth_date=D(2015, 2, 1), registered_on=D(2024, 1, 2),
    )  # fmt: skip
    assert "given_by" in refusal(lambda: signed(officer, child, on=D(2025, 3, 1)))  # 10 years old
    signed(officer, child, given_by="guardian", guardian_name="Lê Thị Hoa", guardian_relation="mẹ")


def test_an_adult_s_consent_keeps_no_guardian(officer, person):
    consent = signed(officer, person, guardian_name="Ai đó", guardian_relation="anh")
    assert (consent.guardian_name, consent.guardian_relation) == ("", "")


def test_a_merge_keeps_the_kept_record_s_standing_consent_and_brings_the_others(officer, phu_thuong, person):
    duplicate = person_register(
        actor=officer, unit=phu_thuong, full_name="Nguyễn Văn Hùng", sex=Sex.MALE, birth_year=1990,
        registered_on=D(2024, 1, 2),
    )  # fmt: skip
    kept = signed(officer, person)
    dropped = signed(officer, duplicate, on=D(2025, 4, 1), form_number="09/ĐY-2025")
    messages = signed(officer, duplicate, purpose=MESSAGES, method="verbal", witness="Trần Thị Lan")
    person_merge(actor=officer, keep=person, duplicate=duplicate)
    assert set(Consent.objects.filter(person=person)) == {kept, messages}
    assert not Consent.objects.filter(pk=dropped.pk).exists()
    assert Consent.history.filter(id=dropped.pk, history_type="-").get().history_user == officer


# Who may record ------------------------------------------------------------------------------------------------


def test_only_roles_managing_consent_in_the_person_s_commune_record_it(
    make_user, officer, person, phu_thuong, hai_chau
):
    for role in (Role.COMMUNE_POLICE, Role.HEALTH_STAFF):
        signed(make_user(role, phu_thuong), person, purpose=SHARING if role == Role.COMMUNE_POLICE else MESSAGES)
    consent = Consent.objects.filter(person=person).first()
    for outsider in (make_user(Role.COMMUNE_OFFICER, hai_chau), make_user(Role.PROVINCE_OFFICER, phu_thuong.parent)):
        with pytest.raises(PermissionDenied):
            consent_withdraw(actor=outsider, consent=consent, withdrawn_on=TODAY)
    with pytest.raises(PermissionDenied):
        signed(make_user(Role.COMMUNE_OFFICER, hai_chau), person, purpose=MESSAGES, on=D(2025, 9, 1))
    assert list(consents_for_person(make_user(Role.COMMUNE_OFFICER, hai_chau), person)) == []


# Pages ---------------------------------------------------------------------------------------------------------


def person_page(client, user, person):
    client.force_login(user)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_person_page_shows_each_purpose_with_its_legal_basis(client, officer, person):
    html = person_page(client, officer, person)
    assert 'data-testid="consent"' in html
    for text in (
        "Quản lý theo quy định của pháp luật", "Nghĩa vụ theo luật (không cần sự đồng ý)",
        "Chia sẻ với đối tác để chuyển gửi", "Liên lạc qua SMS hoặc Zalo",
        "Sử dụng trong thống kê đã ẩn danh", "Cơ sở pháp lý: thống kê đã ẩn danh",
    ):  # fmt: skip
        assert text in html
    assert html.count('data-testid="consent-none"') == 2
    assert html.count('data-testid="consent-record"') == 2
    assert f"/privacy/people/{person.pk}/consents/new/?purpose=referral_sharing" in html


def test_the_page_shows_the_standing_consent_and_the_withdrawn_ones(client, make_user, officer, person, phu_thuong):
    old = signed(officer, person, on=D(2025, 1, 10), form_number="01/ĐY-2025")
    consent_withdraw(actor=officer, consent=old, withdrawn_on=D(2025, 2, 1), note="Không muốn chia sẻ")
    signed(officer, person, on=D(2025, 3, 1), method="verbal", witness="Trần Thị Lan", form_number="")
    html = person_page(client, officer, person)
    assert "bằng lời, người làm chứng Trần Thị Lan" in html and "ngày 01/03/2025" in html
    assert 'data-testid="consent-withdraw"' in html
    assert 'data-testid="consent-withdrawn-row"' in html and "10/01/2025 – 01/02/2025" in html
    assert "phiếu có chữ ký số 01/ĐY-2025" in html and "Không muốn chia sẻ" in html
    # A province officer sees the consents, without the buttons.
    html = person_page(client, make_user(Role.PROVINCE_OFFICER, phu_thuong.parent), person)
    assert "bằng lời, người làm chứng Trần Thị Lan" in html
    assert 'data-testid="consent-withdraw"' not in html and 'data-testid="consent-record"' not in html


def test_the_record_page_keeps_what_was_typed_when_refused(client, officer, minor):
    client.force_login(officer)
    url = reverse("privacy:consent_record", args=[minor.pk])
    page = client.get(url + "?purpose=messages")
    assert page.status_code == 200
    assert page.context["form"]["purpose"].value() == "messages"
    assert page.context["form"]["given_by"].value() == "guardian"  # a minor today
    typed = {
        "purpose": "referral_sharing", "given_on": "05/03/2025", "given_by": "guardian",
        "guardian_name": "Lê Văn Bình", "guardian_relation": "", "method": "signed_form", "form_number": "",
        "witness": "",
    }  # fmt: skip
    response = client.post(url, typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nhập số phiếu đồng ý đã ký." in html and "Nhập quan hệ của người giám hộ" in html
    assert 'value="05/03/2025"' in html and 'value="Lê Văn Bình"' in html
    assert response.context["form"]["purpose"].value() == "referral_sharing"
    response = client.post(url, typed | {"guardian_relation": "bố", "form_number": "03/ĐY-2025"})
    assert response.status_code == 302 and response["Location"].endswith(f"/people/{minor.pk}/#consent")
    consent = Consent.objects.get(person=minor)
    assert (consent.given_on, consent.form_number, consent.guardian_relation) == (D(2025, 3, 5), "03/ĐY-2025", "bố")


def test_a_date_not_typed_as_dd_mm_yyyy_is_refused_on_the_field(client, officer, person):
    client.force_login(officer)
    response = client.post(
        reverse("privacy:consent_record", args=[person.pk]),
        {"purpose": "messages", "given_on": "32/13/2025", "given_by": "person", "method": "verbal", "witness": "A"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["given_on"] == ["Nhập ngày theo dạng dd/mm/yyyy."]
    assert 'value="32/13/2025"' in response.content.decode()


def test_the_withdraw_page(client, officer, person):
    consent = signed(officer, person)
    client.force_login(officer)
    url = reverse("privacy:consent_withdraw", args=[consent.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"withdrawn_on": "28/02/2025", "note": "Báo trực tiếp"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ngày rút lại không được trước ngày đồng ý (01/03/2025)." in html and "Báo trực tiếp" in html
    response = client.post(url, {"withdrawn_on": "01/04/2025", "note": "Báo trực tiếp"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == D(2025, 4, 1) and consent.withdrawn_by == officer
    assert client.get(url).status_code == 302  # already withdrawn: back to the person


def test_the_pages_answer_404_out_of_scope_and_403_without_the_right(client, make_user, officer, person, hai_chau):
    consent = signed(officer, person)
    pages = [
        reverse("privacy:consent_record", args=[person.pk]),
        reverse("privacy:consent_withdraw", args=[consent.pk]),
    ]
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert [client.get(url).status_code for url in pages] == [404, 404]
    client.force_login(make_user(Role.PROVINCE_OFFICER, person.unit.parent))
    assert [client.get(url).status_code for url in pages] == [403, 403]
    client.logout()
    assert all(client.get(url).status_code == 302 for url in pages)


# API -----------------------------------------------------------------------------------------------------------


API = "/api/v1/consents/"


def test_the_api_records_lists_shows_and_withdraws(client, officer, person):
    client.force_login(officer)
    body = {
        "person": person.pk, "purpose": "messages", "given_on": "2025-03-01", "given_by": "person",
        "method": "verbal", "witness": "Trần Thị Lan",
    }  # fmt: skip
    created = client.post(API, body, content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["purpose"] == "messages" and data["basis"] == "consent" and data["standing"] is True
    assert data["witness"] == "Trần Thị Lan" and data["recorded_by"] == officer.username
    listed = client.get(API, {"person": person.pk}).json()
    assert [row["id"] for row in listed["results"]] == [data["id"]]
    assert client.get(f"{API}{data['id']}/").json()["given_on"] == "2025-03-01"
    again = client.post(API, body, content_type="application/json")
    assert again.status_code == 400 and "purpose" in again.json()
    withdrawn = client.post(
        f"{API}{data['id']}/withdraw/", {"withdrawn_on": "2025-05-01", "note": "Qua điện thoại"},
        content_type="application/json",
    )  # fmt: skip
    assert withdrawn.status_code == 200
    assert withdrawn.json()["standing"] is False and withdrawn.json()["withdrawn_on"] == "2025-05-01"
    twice = client.post(f"{API}{data['id']}/withdraw/", {"withdrawn_on": "2025-06-01"}, content_type="application/json")
    assert twice.status_code == 400


def test_the_api_refuses_in_vietnamese_on_the_fields(client, officer, minor):
    client.force_login(officer)
    body = {"person": minor.pk, "purpose": "referral_sharing", "given_on": "2025-03-01", "given_by": "person",
            "method": "signed_form", "form_number": "01/ĐY-2025"}  # fmt: skip
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["given_by"][0].startswith("Vào ngày đó người này 15 tuổi")
    response = client.post(API, body | {"purpose": "statistics"}, content_type="application/json")
    assert response.status_code == 400 and "purpose" in response.json()
    response = client.post(API, body | {"withdrawn_on": "2025-04-01"}, content_type="application/json")
    assert response.status_code == 400 and "/withdraw/" in response.json()["withdrawn_on"][0]


def test_the_api_keeps_to_the_user_s_scope_and_rights(client, make_user, officer, person, phu_thuong, hai_chau):
    consent = signed(officer, person)
    client.force_login(make_user(Role.COMMUNE_OFFICER, hai_chau))
    assert client.get(f"{API}{consent.pk}/").status_code == 404
    assert client.post(f"{API}{consent.pk}/withdraw/", {"withdrawn_on": "2025-04-01"},
                       content_type="application/json").status_code == 404  # fmt: skip
    assert client.get(API, {"person": person.pk}).json()["results"] == []
    body = {"person": person.pk, "purpose": "messages", "given_on": "2025-03-01", "given_by": "person",
            "method": "verbal", "witness": "A"}  # fmt: skip
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 400 and "person" in response.json()  # not a person they see
    client.force_login(make_user(Role.PROVINCE_OFFICER, phu_thuong.parent))
    assert client.get(f"{API}{consent.pk}/").status_code == 200
    assert client.post(API, body, content_type="application/json").status_code == 403
    assert client.post(f"{API}{consent.pk}/withdraw/", {"withdrawn_on": "2025-04-01"},
                       content_type="application/json").status_code == 403  # fmt: skip


def test_the_schema_documents_the_consents_and_their_refusals():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    create, withdraw = schema["paths"][API]["post"], schema["paths"][API + "{id}/withdraw/"]["post"]
    assert {"201", "400", "403", "415"} <= set(create["responses"])
    assert {"200", "400", "403", "404", "415"} <= set(withdraw["responses"])
    assert {"200", "404"} <= set(schema["paths"][API + "{id}/"]["get"]["responses"])
    assert {p["name"] for p in schema["paths"][API]["get"]["parameters"]} >= {"person", "purpose", "page"}
    read = schema["components"]["schemas"]["Consent"]["properties"]
    assert read["withdrawn_by"].get("nullable") is True and read["withdrawn_on"].get("nullable") is True
    assert schema["components"]["schemas"]["ConsentNeededPurposeEnum"]["enum"] == ["referral_sharing", "messages"]
