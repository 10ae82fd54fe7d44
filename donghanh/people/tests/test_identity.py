"""The citizen ID (CCCD) checked against sex, year of birth and the provinces of birth registration.

The expected numbers are built here from the layout of the card (DOMAIN.md): digits 1–3 the
province code, digit 4 sex and century (0/1 a man/woman born 1900–1999, 2/3 in 2000–2099, 4/5 in
2100–2199), digits 5–6 the last two digits of the year of birth, then six serial digits.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donghanh.accounts.roles import Role
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import IdKind, Sex
from donghanh.people.identity import check_citizen_id
from donghanh.people.models import Person
from donghanh.people.selectors import birth_registration_province_codes
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

MALE, FEMALE = Sex.MALE.value, Sex.FEMALE.value
# The examples use no database and no per-test state: the function-scoped db fixture is harmless.
NO_DB_PER_EXAMPLE = [HealthCheck.function_scoped_fixture]


def sex_century_digit(sex: str, birth_year: int) -> int:
    return 2 * ((birth_year - 1900) // 100) + (1 if sex == FEMALE else 0)


def cccd(province: str, sex: str, birth_year: int, serial: str = "012345") -> str:
    return f"{province}{sex_century_digit(sex, birth_year)}{birth_year % 100:02d}{serial}"


@pytest.fixture(scope="module")
def province_codes(django_db_setup, django_db_blocker) -> set[str]:
    with django_db_blocker.unblock():
        return set(birth_registration_province_codes())


def check(number: str, province_codes: set[str], *, sex: str = MALE, birth_year: int | None = 1990):
    with translation.override("en"):
        return check_citizen_id(number, sex=sex, birth_year=birth_year, province_codes=province_codes)


# --- the layout, number by number --------------------------------------------------------------


def test_the_builder_follows_the_layout():
    # The helper itself, against numbers written out by hand.
    assert cccd("001", MALE, 1990) == "001090012345"
    assert cccd("001", FEMALE, 2001) == "001301012345"
    assert cccd("079", FEMALE, 1985, "000001") == "079185000001"


def test_a_man_born_1990_in_hanoi_fits(province_codes):
    result = check("001090012345", province_codes, sex=MALE, birth_year=1990)
    assert result.kind == IdKind.CCCD
    assert result.errors == {}


def test_a_woman_born_2001_fits(province_codes):
    result = check("001301012345", province_codes, sex=FEMALE, birth_year=2001)
    assert result.kind == IdKind.CCCD
    assert result.errors == {}


def test_quang_nam_049_is_a_pre_2025_province_only():
    # The premise of the next test: Quảng Nam existed before the reform and not after it.
    provinces = OrgUnit.objects.filter(level=OrgUnit.Level.PROVINCE, code="49")
    assert [(p.era, p.name) for p in provinces] == [(OrgUnit.Era.LEGACY, "Tỉnh Quảng Nam")]


@pytest.mark.parametrize(
    "province",
    [
        "049",  # Quảng Nam, merged into Đà Nẵng in 2025
        "002",  # Hà Giang, merged into Tuyên Quang
        "030",  # Hải Dương, merged into Hải Phòng
        "001",  # Hà Nội, current
        "048",  # Đà Nẵng, current
        "079",  # Hồ Chí Minh City, current
        "096",  # Cà Mau, current, the highest code
    ],
)
def test_pre_2025_and_current_province_codes_are_accepted(province_codes, province):
    assert check(cccd(province, MALE, 1990), province_codes).errors == {}


def test_every_current_and_every_legacy_province_code_is_accepted(province_codes):
    codes = OrgUnit.objects.filter(level=OrgUnit.Level.PROVINCE).values_list("code", "era")
    eras = {era for _code, era in codes}
    assert eras == {OrgUnit.Era.CURRENT, OrgUnit.Era.LEGACY}
    for code, _era in codes:
        assert check(cccd(f"{int(code):03d}", MALE, 1990), province_codes).errors == {}, code


@pytest.mark.parametrize("province", ["003", "099", "000", "097", "999"])
def test_an_unknown_province_code_is_refused_naming_digits_1_to_3(province_codes, province):
    result = check(cccd(province, MALE, 1990), province_codes)
    assert set(result.errors) == {"citizen_id"}
    [message] = result.errors["citizen_id"]
    assert "1–3" in message
    assert province in message


def test_digit_4_for_a_woman_on_a_man_is_an_error_on_sex(province_codes):
    result = check(cccd("001", FEMALE, 1990), province_codes, sex=MALE, birth_year=1990)
    assert set(result.errors) == {"sex"}
    [message] = result.errors["sex"]
    assert "Digit 4" in message and "female" in message.lower()


def test_digit_4_for_a_man_on_a_woman_is_an_error_on_sex(province_codes):
    result = check(cccd("001", MALE, 2001), province_codes, sex=FEMALE, birth_year=2001)
    assert set(result.errors) == {"sex"}


def test_the_century_of_digit_4_must_contain_the_year_of_birth(province_codes):
    # Digit 4 = 2: a man born 2000–2099; the person was born in 1990.
    result = check("001290012345", province_codes, sex=MALE, birth_year=1990)
    assert set(result.errors) == {"birth_year"}
    [message] = result.errors["birth_year"]
    assert "2000" in message and "2099" in message and "1990" in message


def test_digits_5_and_6_must_be_the_year_of_birth(province_codes):
    result = check("001091012345", province_codes, sex=MALE, birth_year=1990)
    assert set(result.errors) == {"birth_year"}
    [message] = result.errors["birth_year"]
    assert "91" in message and "1990" in message


@pytest.mark.parametrize("digit", ["6", "7", "8", "9"])
def test_a_digit_4_above_5_is_refused(province_codes, digit):
    result = check(f"001{digit}90012345", province_codes)
    assert set(result.errors) == {"citizen_id"}
    assert "Digit 4" in result.errors["citizen_id"][0]


def test_several_disagreements_are_all_reported(province_codes):
    # Unknown province, a woman's digit on a man, and the wrong year: one message each.
    result = check("003191012345", province_codes, sex=MALE, birth_year=1990)
    assert set(result.errors) == {"citizen_id", "sex", "birth_year"}


@pytest.mark.parametrize(
    "number",
    [
        "00109001234a",  # a letter
        "001-090-012345",  # separators
        "0010900123",  # 10 digits
        "00109001234",  # 11 digits
        "0010900123456",  # 13 digits
        "12345678",  # 8 digits
        "001 090 012 345",  # spaces inside
        "００１０９００１２３４５",  # full-width digits: str.isdigit() says yes
        "001²90012345",  # a superscript two: str.isdigit() says yes, int() refuses it
        "１２３４５６７８９",  # nine full-width digits
    ],
)
def test_non_digits_and_wrong_lengths_are_refused(province_codes, number):
    result = check(number, province_codes)
    assert set(result.errors) == {"citizen_id"}
    assert "12 digits" in result.errors["citizen_id"][0]


@pytest.mark.parametrize(("sex", "birth_year"), [(MALE, 1990), (FEMALE, 2001), (FEMALE, None)])
def test_a_9_digit_old_identity_card_is_accepted_without_checks(province_codes, sex, birth_year):
    # 003 is no province and nothing encodes sex or year: a CMND carries none of it.
    result = check("003912345", province_codes, sex=sex, birth_year=birth_year)
    assert result.kind == IdKind.CMND
    assert result.errors == {}


def test_surrounding_spaces_do_not_count(province_codes):
    assert check(" 001090012345 ", province_codes).errors == {}


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=NO_DB_PER_EXAMPLE)
@given(
    sex=st.sampled_from([MALE, FEMALE]),
    birth_year=st.integers(min_value=1900, max_value=2099),
    province_index=st.integers(min_value=0, max_value=10_000),
    serial=st.from_regex(r"\A[0-9]{6}\Z"),
)
def test_any_number_built_from_the_identity_fits_and_the_other_sex_does_not(
    province_codes, sex, birth_year, province_index, serial
):
    codes = sorted(province_codes)
    province = codes[province_index % len(codes)]
    number = cccd(province, sex, birth_year, serial)
    assert check(number, province_codes, sex=sex, birth_year=birth_year).errors == {}

    digit = int(number[3])
    other_sex = f"{number[:3]}{digit ^ 1}{number[4:]}"  # 0↔1, 2↔3: same century, other sex
    result = check(other_sex, province_codes, sex=sex, birth_year=birth_year)
    assert set(result.errors) == {"sex"}


@settings(max_examples=200, deadline=None, suppress_health_check=NO_DB_PER_EXAMPLE)
@given(
    sex=st.sampled_from([MALE, FEMALE]),
    birth_year=st.integers(min_value=1900, max_value=2099),
    recorded_year=st.integers(min_value=1900, max_value=2099),
)
def test_any_other_recorded_year_of_birth_is_an_error_on_birth_year(province_codes, sex, birth_year, recorded_year):
    number = cccd("001", sex, birth_year)
    result = check(number, province_codes, sex=sex, birth_year=recorded_year)
    if recorded_year == birth_year:
        assert result.errors == {}
    else:
        assert set(result.errors) == {"birth_year"}


# --- through registration ----------------------------------------------------------------------


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.COMMUNE_OFFICER, unit("00091"))


def register(officer, unit, **fields):
    fields.setdefault("full_name", "Nguyễn Văn Hùng")
    fields.setdefault("sex", MALE)
    return person_register(actor=officer, unit=unit("00091"), **fields)


def refused(officer, unit, **fields) -> dict[str, list[str]]:
    before = Person.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        register(officer, unit, **fields)
    assert Person.objects.count() == before
    return error.value.message_dict


def test_registration_stores_a_fitting_cccd_with_its_kind(officer, unit):
    person = register(officer, unit, birth_year=1990, citizen_id="001090012345")
    person.refresh_from_db()
    assert (person.citizen_id, person.id_kind) == ("001090012345", IdKind.CCCD)


def test_registration_stores_a_cccd_of_a_woman_born_2001_from_her_date_of_birth(officer, unit):
    person = register(
        officer,
        unit,
        full_name="Trần Thị Lan",
        sex=FEMALE,
        birth_date=datetime.date(2001, 5, 17),
        citizen_id="049301000777",
    )
    person.refresh_from_db()
    assert (person.birth_year, person.id_kind) == (2001, IdKind.CCCD)


def test_registration_stores_a_9_digit_number_as_an_old_identity_card(officer, unit):
    person = register(officer, unit, birth_year=1990, citizen_id="123456789")
    person.refresh_from_db()
    assert person.id_kind == IdKind.CMND


def test_registration_without_an_id_number_is_allowed(officer, unit):
    person = register(officer, unit, birth_year=1990, citizen_id="")
    person.refresh_from_db()
    assert (person.citizen_id, person.id_kind) == ("", "")


def test_registration_refuses_a_sex_mismatch_on_the_sex_field(officer, unit):
    errors = refused(officer, unit, sex=FEMALE, birth_year=1990, citizen_id="001090012345")
    assert set(errors) == {"sex"}


def test_registration_refuses_a_century_mismatch_on_the_birth_year_field(officer, unit):
    errors = refused(officer, unit, birth_year=1990, citizen_id="001290012345")
    assert set(errors) == {"birth_year"}


def test_registration_refuses_a_year_mismatch_on_the_birth_year_field(officer, unit):
    errors = refused(officer, unit, birth_year=1990, citizen_id="001089012345")
    assert set(errors) == {"birth_year"}


def test_registration_refuses_an_unknown_province_on_the_citizen_id_field(officer, unit):
    errors = refused(officer, unit, birth_year=1990, citizen_id="099090012345")
    assert set(errors) == {"citizen_id"}
    assert "1–3" in errors["citizen_id"][0]


def test_registration_refuses_letters_in_the_number(officer, unit):
    errors = refused(officer, unit, birth_year=1990, citizen_id="00109001234X")
    assert set(errors) == {"citizen_id"}


def test_registration_checks_the_year_taken_from_the_date_of_birth(officer, unit):
    # No birth_year given: the one of the date of birth (1991) is checked against digits 5–6 (90).
    errors = refused(officer, unit, birth_date=datetime.date(1991, 3, 2), citizen_id="001090012345")
    assert set(errors) == {"birth_year"}
