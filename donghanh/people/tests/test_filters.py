"""PersonFilter: the one filter of the people list and API, as of a chosen date."""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation

from donghanh.accounts.roles import Role
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.filters import AGE_BANDS, PersonFilter
from donghanh.people.services import person_register, person_transfer, whereabouts_record

pytestmark = pytest.mark.django_db

D = datetime.date
REGISTERED = D(2025, 9, 1)
PHU_THUONG, BA_DINH = "00091", "00004"
AS_OF = "01/03/2026"


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.COMMUNE_OFFICER, unit(PHU_THUONG))


@pytest.fixture
def register(officer, unit):
    def make(full_name="Nguyễn Văn Hùng", birth_year=1990, *, on=REGISTERED, sex=Sex.MALE, **fields):
        if "birth_date" in fields:
            birth_year = None
        return person_register(
            actor=officer,
            unit=unit(PHU_THUONG),
            full_name=full_name,
            sex=sex,
            birth_year=birth_year,
            registered_on=on,
            **fields,
        )

    return make


def filtered(user, **data) -> PersonFilter:
    request = RequestFactory().get("/people/", data)
    request.user = user
    return PersonFilter(request.GET, request=request)


def found(user, **data) -> set:
    return set(filtered(user, **data).qs)


# --- as of -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_as_of_reads_day_month_year(officer, register, language):
    early = register("Nguyễn Văn Hùng", on=D(2025, 9, 1))
    late = register("Trần Văn Nam", on=D(2026, 1, 10))
    with translation.override(language):
        before = filtered(officer, as_of="09/01/2026")
        assert before.is_valid(), before.form.errors
        assert before.form.cleaned_data["as_of"] == D(2026, 1, 9)  # 9 January, not 1 September
        assert before.day == D(2026, 1, 9)
        assert set(before.qs) == {early}
        assert found(officer, as_of="10/01/2026") == {early, late}


def test_without_as_of_the_status_is_todays(officer, register):
    person = register(on=D(2025, 9, 1))
    unbound = filtered(officer)
    assert unbound.day == timezone.localdate()
    assert set(unbound.qs) == {person}


@pytest.mark.parametrize("typed", ["31/02/2026", "2026-13-01", "mười hai", "32/01/2026"])
def test_an_invalid_date_gives_no_one_and_a_form_error(officer, register, typed):
    register()
    people = filtered(officer, as_of=typed)
    assert list(people.qs) == []
    assert not people.is_valid()
    assert "as_of" in people.form.errors


def test_as_of_follows_a_transfer(officer, register, unit):
    person = register(on=D(2025, 9, 1))
    person_transfer(actor=officer, person=person, to_unit=unit(BA_DINH), on=D(2026, 2, 1))
    assert found(officer, as_of="31/01/2026") == {person}
    assert found(officer, as_of="01/02/2026") == set()


# --- age bands (ages on the as-of day) ---------------------------------------------------------


# (band, birth year just inside the band on 01/03/2026, just outside on the other side)
@pytest.mark.parametrize(
    ("band", "inside", "outside"),
    [
        ("under18", [2009, 2025], [2008]),  # 17 in 2026 is under 18; 18 is not
        ("18-29", [2008, 1997], [2009, 1996]),
        ("30-39", [1996, 1987], [1997, 1986]),
        ("40-49", [1986, 1977], [1987, 1976]),
        ("50plus", [1976, 1930], [1977]),
    ],
)
def test_age_bands_by_year_of_birth_at_their_edges(officer, register, band, inside, outside):
    people = {year: register(f"Người sinh năm {year}", year) for year in inside + outside}
    assert found(officer, as_of=AS_OF, age_band=band) == {people[y] for y in inside}


def test_age_bands_move_with_the_as_of_year(officer, register):
    person = register(birth_year=2008)
    assert found(officer, as_of="31/12/2025", age_band="under18") == {person}
    assert found(officer, as_of="01/01/2026", age_band="under18") == set()


def test_age_bands_use_the_date_of_birth_when_it_is_known(officer, register):
    # Born 15/06/2008: 17 on 01/03/2026 (a minor), 18 from 15/06/2026.
    minor = register("Lê Văn Minh", birth_date=D(2008, 6, 15))
    assert minor.age_on(D(2026, 3, 1)) == 17
    assert found(officer, as_of=AS_OF, age_band="under18") == {minor}
    assert found(officer, as_of=AS_OF, age_band="18-29") == set()
    assert found(officer, as_of="15/06/2026", age_band="18-29") == {minor}


@pytest.mark.parametrize(
    ("birth_date", "as_of", "band"),
    [
        (D(2008, 2, 29), "28/02/2026", "under18"),  # born on a leap day: not yet 18 on 28/02
        (D(2008, 2, 29), "01/03/2026", "18-29"),
        (D(1996, 3, 2), "01/03/2026", "18-29"),  # 29, a day before turning 30
        (D(1996, 3, 1), "01/03/2026", "30-39"),  # 30 that day
        (D(1976, 12, 31), "30/12/2026", "40-49"),
        (D(1976, 12, 31), "31/12/2026", "50plus"),
    ],
)
def test_age_bands_by_date_of_birth_at_their_edges(officer, register, birth_date, as_of, band):
    person = register("Người có ngày sinh", birth_date=birth_date)
    day = datetime.datetime.strptime(as_of, "%d/%m/%Y").date()
    assert AGE_BANDS[band][1] <= person.age_on(day) <= (AGE_BANDS[band][2] or 200)
    for other in AGE_BANDS:
        assert found(officer, as_of=as_of, age_band=other) == ({person} if other == band else set()), other


def test_an_unknown_age_band_is_a_form_error(officer, register):
    register()
    people = filtered(officer, age_band="60plus")
    assert list(people.qs) == []
    assert "age_band" in people.form.errors


# --- the other fields --------------------------------------------------------------------------


def test_hamlet_is_a_case_insensitive_containment(officer, register):
    five = register("Nguyễn Văn Hùng", current_hamlet="Tổ dân phố 5")
    fifteen = register("Trần Văn Nam", current_hamlet="Tổ dân phố 15")
    register("Lê Văn Tám", current_hamlet="Thôn Đông")
    assert found(officer, hamlet="tổ dân phố") == {five, fifteen}
    assert found(officer, hamlet="phố 5") == {five}
    assert found(officer, hamlet="tổ dân phố 1") == {fifteen}


def test_q_finds_by_code(officer, register):
    hung = register("Nguyễn Văn Hùng")
    nam = register("Trần Văn Nam")
    assert len(hung.code) == 9 and hung.code.startswith("DH")
    assert found(officer, q=hung.code) == {hung}
    assert found(officer, q=nam.code.lower()) == {nam}
    assert found(officer, q=f"  {nam.code} ") == {nam}
    assert found(officer, q="DH9999999") == set()


def test_q_finds_by_any_name_without_diacritics(officer, register):
    hung = register("Nguyễn Văn Hùng", other_names="Tý")
    register("Trần Văn Nam")
    assert found(officer, q="hung nguyen") == {hung}
    assert found(officer, q="ty") == {hung}


def test_sex(officer, register):
    hung = register("Nguyễn Văn Hùng")
    lan = register("Trần Thị Lan", sex=Sex.FEMALE)
    assert found(officer, sex=Sex.FEMALE) == {lan}
    assert found(officer, sex=Sex.MALE) == {hung}


def test_measure_and_whereabouts_are_as_of_the_day(officer, register):
    hung = register("Nguyễn Văn Hùng")
    nam = register("Trần Văn Nam")
    episode_open(
        actor=officer,
        person=hung,
        episode_type=EpisodeType.POST_REHAB_MANAGEMENT,
        start_date=D(2025, 10, 1),
    )
    whereabouts_record(actor=officer, person=nam, status=Whereabouts.IN_FACILITY, since=D(2026, 1, 1))
    post_rehab = EpisodeType.POST_REHAB_MANAGEMENT.value
    assert found(officer, as_of="30/09/2025", episode_type=post_rehab) == set()
    assert found(officer, as_of="01/10/2025", episode_type=post_rehab) == {hung}
    assert found(officer, as_of="31/12/2025", whereabouts=Whereabouts.IN_FACILITY.value) == set()
    assert found(officer, as_of="01/01/2026", whereabouts=Whereabouts.IN_FACILITY.value) == {nam}
    assert found(officer, as_of="01/01/2026", whereabouts=Whereabouts.AT_RESIDENCE.value) == {hung}


def test_the_filter_keeps_to_the_users_scope(officer, register, make_user, unit):
    register()
    assert found(make_user(Role.COMMUNE_OFFICER, unit(BA_DINH))) == set()
    assert found(make_user(Role.SYSTEM_ADMIN, unit("VN", level=0))) == set()
