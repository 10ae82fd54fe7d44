"""Phone numbers are links a phone dials with one tap."""

from __future__ import annotations

import pytest

from donghanh.accounts.roles import Role
from donghanh.core.templatetags.phones import dial_string, phone_link
from donghanh.people.choices import Sex
from donghanh.people.services import person_register


@pytest.mark.parametrize(
    ("typed", "dialled"),
    [("0912 345 678", "0912345678"), ("0912.345.678", "0912345678"), ("+84 912 345 678", "+84912345678"),
     ("(024) 3826 1234", "02438261234")],
)  # fmt: skip
def test_the_link_dials_the_digits_as_typed(typed, dialled):
    assert dial_string(typed) == dialled
    assert phone_link(typed) == f'<a href="tel:{dialled}" class="text-nowrap" data-testid="tel">{typed}</a>'


def test_no_number_is_a_dash_and_a_text_without_digits_stays_text():
    assert phone_link("") == "—" and phone_link(None) == "—"
    assert phone_link("không có") == "không có"
    assert "<script>" not in str(phone_link("<script>1</script>"))


@pytest.mark.django_db
def test_the_person_page_offers_to_call_the_person(client, make_user, phu_thuong):
    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    person = person_register(actor=officer, unit=phu_thuong, full_name="Đỗ Văn Gọi", sex=Sex.MALE, birth_year=1990,
                             phone="0912 000 777")  # fmt: skip
    client.force_login(officer)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert '<a href="tel:0912000777" class="text-nowrap" data-testid="tel">0912 000 777</a>' in page
