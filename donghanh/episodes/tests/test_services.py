"""Opening, correcting and closing legal episodes, validated against the rule in force and the other episodes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from donghanh.accounts.roles import Role
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.services import episode_close, episode_open, episode_update
from donghanh.people.choices import Sex
from donghanh.people.services import person_register

pytestmark = pytest.mark.django_db

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
T = EpisodeType
LAW_73 = "73/2021/QH14"
PHU_THUONG = "00091"


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.COMMUNE_OFFICER, unit(PHU_THUONG))


@pytest.fixture
def register(officer, unit):
    def make(full_name="Nguyễn Văn Hùng", birth_year=1990, **fields):
        if "birth_date" in fields:
            birth_year = None
        return person_register(
            actor=officer,
            unit=unit(PHU_THUONG),
            full_name=full_name,
            sex=Sex.MALE,
            birth_year=birth_year,
            registered_on=D(2023, 1, 2),
            **fields,
        )

    return make


@pytest.fixture
def person(register):
    return register()


@pytest.fixture
def open_(officer, person):
    """open_(type, start, **fields) → an episode of `person`, recorded by the officer."""

    def make(episode_type, start, planned_end=None, *, who=None, actor=None, **fields):
        return episode_open(
            actor=actor or officer,
            person=who or person,
            episode_type=episode_type,
            start_date=start,
            planned_end_date=planned_end,
            **fields,
        )

    return make


def refused(call, *args, **kwargs) -> dict[str, list[str]]:
    count = Episode.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call(*args, **kwargs)
    assert Episode.objects.count() == count
    return error.value.message_dict


# --- planned end -------------------------------------------------------------------------------


def test_post_rehab_management_ends_twelve_months_later_by_default(open_, officer):
    episode = open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1))
    episode.refresh_from_db()
    assert episode.planned_end_date == D(2025, 6, 30)
    assert (episode.rule.episode_type, episode.rule.default_months) == (T.POST_REHAB_MANAGEMENT, 12)
    assert episode.recorded_by == officer
    assert episode.history.get().history_user == officer


@pytest.mark.parametrize(
    ("episode_type", "start", "expected"),
    [
        (T.ADMINISTRATIVE_EDUCATION, D(2025, 3, 1), D(2025, 8, 31)),  # 3–6 months, usually 6
        (T.VOLUNTARY_COMMUNITY_REHAB, D(2025, 1, 15), D(2026, 1, 14)),  # 6–12, usually 12
        (T.DRUG_USER_MANAGEMENT, D(2024, 1, 1), D(2024, 12, 31)),
    ],
)
def test_the_planned_end_defaults_to_the_usual_duration(open_, episode_type, start, expected):
    assert open_(episode_type, start).planned_end_date == expected


@pytest.mark.parametrize("episode_type", [T.METHADONE, T.EARLY_INTERVENTION])
def test_open_ended_measures_have_no_planned_end(open_, episode_type):
    assert open_(episode_type, D(2024, 7, 1), facility="Cơ sở điều trị Methadone").planned_end_date is None


@pytest.mark.parametrize(
    ("planned_end", "accepted"),
    [
        (D(2024, 12, 30), False),  # a day short of six months
        (D(2024, 12, 31), True),  # six months
        (D(2025, 6, 30), True),  # twelve months
        (D(2025, 7, 1), False),  # a day past twelve months
    ],
)
def test_a_planned_end_must_fall_within_the_legal_range(open_, planned_end, accepted):
    if accepted:
        assert open_(T.VOLUNTARY_COMMUNITY_REHAB, D(2024, 7, 1), planned_end).planned_end_date == planned_end
        return
    errors = refused(open_, T.VOLUNTARY_COMMUNITY_REHAB, D(2024, 7, 1), planned_end)
    [message] = errors["planned_end_date"]
    assert LAW_73 in message  # the legal basis
    assert "31/12/2024" in message and "30/06/2025" in message


def test_a_fixed_duration_is_refused_with_its_legal_basis(open_):
    errors = refused(open_, T.POST_REHAB_MANAGEMENT, D(2024, 7, 1), D(2025, 3, 31))
    [message] = errors["planned_end_date"]
    assert LAW_73 in message and "116/2021" in message and "12 months" in message


def test_a_planned_end_before_the_start_is_refused(open_):
    errors = refused(open_, T.METHADONE, D(2024, 7, 1), D(2024, 6, 30), facility="Cơ sở Methadone")
    assert set(errors) == {"planned_end_date"}


def test_no_measure_before_law_73(open_):
    errors = refused(open_, T.POST_REHAB_MANAGEMENT, D(2021, 12, 31))
    assert "31/12/2021" in errors["start_date"][0]


# --- the rule follows the age on the start date ------------------------------------------------


def test_compulsory_rehab_of_a_15_year_old_lasts_6_to_12_months(open_, register):
    minor = register("Lê Văn Minh", 2009)
    assert minor.age_on(D(2024, 7, 1)) == 15
    episode = open_(T.COMPULSORY_REHAB, D(2024, 7, 1), who=minor, facility="Cơ sở cai nghiện số 1")
    assert (episode.rule.min_age, episode.rule.max_age) == (12, 18)
    assert episode.planned_end_date == D(2025, 6, 30)
    second = register("Lê Văn Nhỏ", 2009)
    assert open_(T.COMPULSORY_REHAB, D(2024, 7, 1), D(2024, 12, 31), who=second, facility="CS").planned_end_date
    third = register("Lê Văn Bé", 2009)
    errors = refused(open_, T.COMPULSORY_REHAB, D(2024, 7, 1), D(2025, 7, 31), who=third, facility="CS")
    assert "planned_end_date" in errors


def test_compulsory_rehab_of_a_10_year_old_is_refused(open_, register):
    child = register("Lê Văn Tí", 2014)
    errors = refused(open_, T.COMPULSORY_REHAB, D(2024, 7, 1), who=child, facility="CS")
    assert "aged 10" in errors["start_date"][0]


def test_the_age_comes_from_the_date_of_birth_on_the_start_date(open_, register):
    person = register("Phạm Văn Đủ", birth_date=D(2006, 6, 15))
    day_before = open_(T.COMPULSORY_REHAB, D(2024, 6, 14), D(2024, 12, 13), who=person, facility="CS")
    assert (day_before.rule.min_age, day_before.rule.max_age) == (12, 18)  # still 17
    other = register("Phạm Văn Đúng", birth_date=D(2006, 6, 15))
    birthday = open_(T.COMPULSORY_REHAB, D(2024, 6, 15), who=other, facility="CS")
    assert (birthday.rule.min_age, birthday.rule.max_age) == (18, None)  # 18 that day
    assert birthday.planned_end_date == D(2026, 6, 14)  # 24 months, the usual duration for an adult


# --- conflicts ---------------------------------------------------------------------------------


def test_two_measures_of_the_same_type_cannot_overlap(open_):
    first = open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1))
    errors = refused(open_, T.POST_REHAB_MANAGEMENT, D(2025, 3, 1))
    [message] = errors["start_date"]
    assert "01/07/2024" in message and "not closed" in message
    # One planned to end before the first starts does not overlap it.
    earlier = open_(T.POST_REHAB_MANAGEMENT, D(2023, 1, 2), D(2024, 1, 1))
    assert earlier.planned_end_date < first.start_date


def test_an_open_measure_past_its_planned_end_still_blocks_the_same_type(open_):
    open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1))  # planned to end 30/06/2025, never closed
    errors = refused(open_, T.POST_REHAB_MANAGEMENT, D(2025, 9, 1))
    assert "start_date" in errors


def test_the_same_type_may_follow_once_the_first_is_closed(open_, officer):
    first = open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1))
    episode_close(actor=officer, episode=first, end_date=D(2025, 6, 30), end_reason=EndReason.COMPLETED)
    refused(open_, T.POST_REHAB_MANAGEMENT, D(2025, 6, 30))  # the last day is still part of it
    second = open_(T.POST_REHAB_MANAGEMENT, D(2025, 7, 1))
    assert second.planned_end_date == D(2026, 6, 30)


def test_compulsory_rehab_cannot_overlap_an_open_post_rehab_management(open_, officer):
    post_rehab = open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1))
    errors = refused(open_, T.COMPULSORY_REHAB, D(2025, 3, 1), facility="Cơ sở cai nghiện số 1")
    [message] = errors["start_date"]
    assert "Post-rehab management" in message and "01/07/2024" in message and LAW_73 in message

    episode_close(
        actor=officer, episode=post_rehab, end_date=D(2025, 2, 28), end_reason=EndReason.TRANSFERRED_TO_COMPULSORY
    )
    compulsory = open_(T.COMPULSORY_REHAB, D(2025, 3, 1), facility="Cơ sở cai nghiện số 1")
    assert compulsory.planned_end_date == D(2027, 2, 28)


def test_compulsory_rehab_cannot_start_on_the_last_day_of_post_rehab_management(open_, officer):
    post_rehab = open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1))
    episode_close(actor=officer, episode=post_rehab, end_date=D(2025, 2, 28), end_reason=EndReason.RELAPSE)
    refused(open_, T.COMPULSORY_REHAB, D(2025, 2, 28), facility="CS")


def test_post_rehab_management_cannot_start_during_compulsory_rehab(open_):
    open_(T.COMPULSORY_REHAB, D(2024, 1, 1), facility="CS")
    errors = refused(open_, T.POST_REHAB_MANAGEMENT, D(2025, 1, 1))
    assert "Compulsory rehab" in errors["start_date"][0]


def test_methadone_may_overlap_post_rehab_management_but_not_another_methadone(open_):
    open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1))
    methadone = open_(T.METHADONE, D(2024, 9, 1), facility="Cơ sở điều trị Methadone Tây Hồ")
    assert methadone.pk
    refused(open_, T.METHADONE, D(2025, 1, 1), facility="Cơ sở khác")


def test_management_of_a_drug_user_and_post_rehab_management_may_run_together(open_):
    # Neither rule lists the other as a conflict.
    open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1))
    assert open_(T.DRUG_USER_MANAGEMENT, D(2024, 8, 1)).pk


def test_other_peoples_measures_do_not_conflict(open_, register):
    open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1))
    other = register("Trần Văn Nam")
    assert open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1), who=other).pk


# --- fields ------------------------------------------------------------------------------------


@pytest.mark.parametrize("episode_type", [T.COMPULSORY_REHAB, T.VOLUNTARY_FACILITY_REHAB, T.METHADONE])
@pytest.mark.parametrize("facility", ["", "   "])
def test_facility_measures_and_methadone_need_a_facility(open_, episode_type, facility):
    errors = refused(open_, episode_type, D(2024, 7, 1), facility=facility)
    assert set(errors) == {"facility"}


def test_residence_measures_need_no_facility(open_):
    assert open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1)).facility == ""


def test_the_decision_is_stored(open_):
    episode = open_(
        T.POST_REHAB_MANAGEMENT,
        D(2024, 7, 1),
        decision_number="123/QĐ-UBND",
        decision_date=D(2024, 6, 25),
        issuing_body="Chủ tịch UBND phường Phú Thượng",
        notes="Sau cai nghiện tại cơ sở số 2",
    )
    episode.refresh_from_db()
    assert (episode.decision_number, episode.decision_date, episode.issuing_body) == (
        "123/QĐ-UBND",
        D(2024, 6, 25),
        "Chủ tịch UBND phường Phú Thượng",
    )


def test_a_decision_dated_in_the_future_is_refused(open_):
    errors = refused(open_, T.POST_REHAB_MANAGEMENT, D(2024, 7, 1), decision_date=timezone.localdate() + ONE_DAY)
    assert set(errors) == {"decision_date"}


def test_an_unknown_type_or_field_is_refused(open_):
    errors = refused(open_, "house_arrest", D(2024, 7, 1))
    assert set(errors) == {"episode_type"}
    with pytest.raises(ValueError, match="actual_end_date"):
        open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1), actual_end_date=D(2024, 8, 1))


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.HEALTH_STAFF, Role.PROVINCE_OFFICER])
def test_only_the_communes_officer_and_police_open_measures(open_, make_user, unit, role):
    at = unit("01", level=1) if role == Role.PROVINCE_OFFICER else unit(PHU_THUONG)
    with pytest.raises(PermissionDenied):
        open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1), actor=make_user(role, at))
    with pytest.raises(PermissionDenied):
        open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1), actor=make_user(Role.COMMUNE_OFFICER, unit("00004")))
    assert open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1), actor=make_user(Role.COMMUNE_POLICE, unit(PHU_THUONG))).pk


# --- closing -----------------------------------------------------------------------------------


@pytest.fixture
def post_rehab(open_):
    return open_(T.POST_REHAB_MANAGEMENT, D(2024, 7, 1))


def test_closing_stores_the_end_and_its_reason(post_rehab, officer):
    episode_close(actor=officer, episode=post_rehab, end_date=D(2025, 6, 30), end_reason=EndReason.COMPLETED)
    post_rehab.refresh_from_db()
    assert (post_rehab.actual_end_date, post_rehab.end_reason) == (D(2025, 6, 30), EndReason.COMPLETED)
    assert not post_rehab.is_open
    assert post_rehab.history.latest().history_user == officer


def test_closing_early_is_allowed_with_a_reason(post_rehab, officer):
    episode_close(actor=officer, episode=post_rehab, end_date=D(2024, 7, 1), end_reason=EndReason.DIED)
    post_rehab.refresh_from_db()
    assert (post_rehab.actual_end_date, post_rehab.end_reason) == (D(2024, 7, 1), EndReason.DIED)


def test_closing_needs_a_reason(post_rehab, officer):
    errors = refused(episode_close, actor=officer, episode=post_rehab, end_date=D(2025, 6, 30), end_reason="")
    assert set(errors) == {"end_reason"}
    post_rehab.refresh_from_db()
    assert post_rehab.actual_end_date is None


def test_closing_before_the_start_is_refused(post_rehab, officer):
    errors = refused(
        episode_close, actor=officer, episode=post_rehab, end_date=D(2024, 6, 30), end_reason=EndReason.OTHER
    )
    assert set(errors) == {"actual_end_date"}
    post_rehab.refresh_from_db()
    assert post_rehab.actual_end_date is None


def test_closing_in_the_future_is_refused(post_rehab, officer):
    tomorrow = timezone.localdate() + ONE_DAY
    errors = refused(
        episode_close, actor=officer, episode=post_rehab, end_date=tomorrow, end_reason=EndReason.COMPLETED
    )
    assert set(errors) == {"actual_end_date"}
    post_rehab.refresh_from_db()
    assert post_rehab.actual_end_date is None


def test_closing_today_is_allowed(officer, open_):
    episode = open_(T.METHADONE, D(2025, 1, 1), facility="CS")
    today = timezone.localdate()
    episode_close(actor=officer, episode=episode, end_date=today, end_reason=EndReason.WITHDREW)
    episode.refresh_from_db()
    assert episode.actual_end_date == today


def test_closing_twice_is_refused(post_rehab, officer):
    episode_close(actor=officer, episode=post_rehab, end_date=D(2025, 6, 30), end_reason=EndReason.COMPLETED)
    with pytest.raises(ValidationError):
        episode_close(actor=officer, episode=post_rehab, end_date=D(2025, 7, 30), end_reason=EndReason.OTHER)
    post_rehab.refresh_from_db()
    assert post_rehab.actual_end_date == D(2025, 6, 30)


def test_closing_needs_the_right_to_manage_measures(post_rehab, make_user, unit):
    with pytest.raises(PermissionDenied):
        episode_close(
            actor=make_user(Role.HEALTH_STAFF, unit(PHU_THUONG)),
            episode=post_rehab,
            end_date=D(2025, 6, 30),
            end_reason=EndReason.COMPLETED,
        )


# --- update ------------------------------------------------------------------------------------


def test_an_update_is_validated_again(post_rehab, officer, open_):
    errors = refused(
        episode_update,
        actor=officer,
        episode=post_rehab,
        expected_version=post_rehab.version,
        planned_end_date=D(2025, 12, 31),
    )
    assert LAW_73 in errors["planned_end_date"][0]
    post_rehab.refresh_from_db()
    assert post_rehab.planned_end_date == D(2025, 6, 30)

    errors = refused(
        episode_update, actor=officer, episode=post_rehab, expected_version=post_rehab.version, start_date=D(2021, 7, 1)
    )
    assert "start_date" in errors

    methadone = open_(T.METHADONE, D(2025, 1, 1), facility="CS")
    errors = refused(episode_update, actor=officer, episode=methadone, expected_version=methadone.version, facility="")
    assert set(errors) == {"facility"}


def test_an_update_into_an_overlap_is_refused(officer, open_):
    first = open_(T.ADMINISTRATIVE_EDUCATION, D(2024, 1, 1))
    episode_close(actor=officer, episode=first, end_date=D(2024, 6, 30), end_reason=EndReason.COMPLETED)
    second = open_(T.ADMINISTRATIVE_EDUCATION, D(2024, 9, 1))
    errors = refused(
        episode_update,
        actor=officer,
        episode=second,
        expected_version=second.version,
        start_date=D(2024, 6, 1),
        planned_end_date=None,
    )
    assert "start_date" in errors
    second.refresh_from_db()
    assert second.start_date == D(2024, 9, 1)


def test_an_update_within_the_rules_is_saved_with_its_author(post_rehab, officer, make_user, unit):
    police = make_user(Role.COMMUNE_POLICE, unit(PHU_THUONG))
    episode_update(
        expected_version=post_rehab.version,
        actor=police,
        episode=post_rehab,
        start_date=D(2024, 8, 1),
        planned_end_date=D(2025, 7, 31),
        facility="",
    )
    post_rehab.refresh_from_db()
    assert (post_rehab.start_date, post_rehab.planned_end_date) == (D(2024, 8, 1), D(2025, 7, 31))
    assert post_rehab.history.latest().history_user == police
    with pytest.raises(ValueError, match="end_reason"):
        episode_update(
            expected_version=post_rehab.version, actor=officer, episode=post_rehab, end_reason=EndReason.OTHER
        )
