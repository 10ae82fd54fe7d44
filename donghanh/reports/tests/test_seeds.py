"""The seeds' figures, from records written through the services and read back from `build_report`.

- Seed 002, Phường Phú Thượng on 30/06/2025: 52 people using drugs; 20 in rehab facilities; 32 at residence, of
  whom 31 under post-rehab management and 1 under education at commune level (Decree 120).
- Seed 004, Đà Nẵng's early-intervention clubs: 6 clubs in 6 wards; 260 members; 250 attending regularly and rated
  progressing; 23 given vocational or school support; 30 given emergency aid; 30 with stable jobs; targets of 100 %
  of members counselled, at least 70 % of members not using drugs, more than 50 % of sanctioned users given
  vocational or job support. The article reports 2016–2017; the legal measures the system records begin in 2022,
  so the clubs' year is built as 2025.
- Seed 001, Vĩnh Phúc: 4 counselling points by 2016 (Hoàng Lâu 2014; Lãng Công, Yên Lạc and Trưng Trắc in the first
  nine months of 2016), 7 more planned by 2020. Vĩnh Phúc is now part of Phú Thọ; models belong to current units,
  so the points are set up in the current communes formed from those legacy ones.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from donghanh.community.choices import ModelStatus
from donghanh.community.selectors import roadmap_progress
from donghanh.community.services import roadmap_target_set
from donghanh.core.dates import add_months_civil, term_end
from donghanh.demo.communes import REPORT_DATE
from donghanh.demo.community_sites import da_nang_sites
from donghanh.demo.people import report_figures
from donghanh.episodes.choices import EpisodeType
from donghanh.orgunits.models import OrgUnit, OrgUnitSuccession
from donghanh.people.choices import Whereabouts
from donghanh.reports.targets import TargetStatus, target_set
from donghanh.reports.tests.conftest import DAY, TODAY, D, World, child, report

pytestmark = pytest.mark.django_db

CURRENT, LEGACY = OrgUnit.Era.CURRENT, OrgUnit.Era.LEGACY
PROVINCE, COMMUNE = OrgUnit.Level.PROVINCE, OrgUnit.Level.COMMUNE


# --- seed 002: Phường Phú Thượng on 30/06/2025 -------------------------------------------------------------------


@pytest.fixture
def phu_thuong_2025(world: World, phu_thuong: OrgUnit, hai_chau: OrgUnit) -> World:
    """Seed 002's 52 people with histories that lead to their status on 30/06/2025, and two who do not count."""
    # 31 back home from a year in a facility, under post-rehab management begun within the year before.
    for k in range(31):
        back = D(2024, 7, 8) + 11 * k * DAY  # 08/07/2024 … 03/06/2025
        back = back.replace(day=min(back.day, 28))
        start = add_months_civil(back, -12)
        person = world.person(phu_thuong, start - 40 * DAY)
        kind = EpisodeType.COMPULSORY_REHAB if k % 4 else EpisodeType.VOLUNTARY_FACILITY_REHAB
        world.measure(person, kind, start, planned_end=term_end(start, 12), end=back - DAY)
        world.whereabouts(person, Whereabouts.IN_FACILITY, start)
        world.whereabouts(person, Whereabouts.AT_RESIDENCE, back)
        world.measure(person, EpisodeType.POST_REHAB_MANAGEMENT, back)
    # 1 at residence under education at commune level, after a year under drug-user management.
    person = world.person(phu_thuong, D(2022, 11, 7))
    world.measure(person, EpisodeType.DRUG_USER_MANAGEMENT, D(2023, 3, 1), end=D(2024, 2, 29))
    world.measure(person, EpisodeType.ADMINISTRATIVE_EDUCATION, D(2025, 3, 1))
    # 20 in facilities: 15 under compulsory rehab, 5 under voluntary rehab at a facility.
    for k in range(20):
        compulsory = k < 15
        start = D(2023, 8, 7) + 45 * k * DAY if compulsory else D(2025, 1, 20) + 30 * (k - 15) * DAY
        start = start.replace(day=min(start.day, 28))
        person = world.person(phu_thuong, start - 60 * DAY)
        kind = EpisodeType.COMPULSORY_REHAB if compulsory else EpisodeType.VOLUNTARY_FACILITY_REHAB
        world.measure(person, kind, start, planned_end=term_end(start, 24 if compulsory else 12))
        world.whereabouts(person, Whereabouts.IN_FACILITY, start)
    # Not Phú Thượng's on 30/06/2025: moved to Hải Châu on 01/06, and registered in August.
    moved = world.person(phu_thuong, D(2024, 3, 4))
    world.measure(moved, EpisodeType.POST_REHAB_MANAGEMENT, D(2024, 9, 2))
    world.transfer(moved, hai_chau, D(2025, 6, 1))
    world.measure(world.person(phu_thuong, D(2025, 8, 5)), EpisodeType.DRUG_USER_MANAGEMENT, D(2025, 8, 20))
    return world


SEED_002 = {
    "people.registered": 52,
    "people.in_facility": 20,
    "people.at_residence": 32,
    "people.post_rehab": 31,
    "people.education": 1,
}


def test_seed_002_phu_thuong_on_30_june_2025(phu_thuong_2025, phu_thuong, hai_chau, unit):
    q2 = report(phu_thuong, "2025Q2", trend=6)
    assert {code: q2.value(code) for code in SEED_002} == SEED_002
    assert q2.frame.period.last == REPORT_DATE
    # The same day read as a month, and by the commune officer's list of people as of that day.
    june = report(phu_thuong, "2025-06", codes=list(SEED_002))
    assert {code: june.value(code) for code in SEED_002} == SEED_002
    figures = report_figures(phu_thuong_2025.officer(phu_thuong), REPORT_DATE, phu_thuong)
    assert (figures.total, figures.in_facility, figures.at_residence, figures.post_rehab, figures.education) == (
        52, 20, 32, 31, 1,
    )  # fmt: skip
    # Before the reform the ward breaks down by the legacy wards it was formed from; its records are its own.
    assert child(q2, None)["people.registered"] == 52
    assert sum(row.figures["people.registered"].numerator for row in q2.children) == 52
    # Hà Nội counts them too; Hải Châu has the one who moved.
    assert report(unit("01", level=PROVINCE), "2025Q2", codes=["people.registered"]).value("people.registered") == 52
    assert report(hai_chau, "2025Q2", codes=["people.post_rehab"]).value("people.post_rehab") == 1
    # The trend: people under post-rehab management quarter by quarter (with the one who left on 01/06/2025).
    assert [figure.value for _p, figure in q2.row("people.post_rehab").trend] == [0, 0, 9, 18, 26, 31]


# --- seed 004: Đà Nẵng's six early-intervention clubs ------------------------------------------------------------

EI_CLUB = "Câu lạc bộ “Can thiệp sớm, dự phòng nghiện ma túy”"
MEMBERS = (44, 44, 43, 43, 43, 43)  # 260 in six clubs
SESSIONS = (D(2025, 2, 14), D(2025, 5, 15), D(2025, 8, 15), D(2025, 11, 14))


def _irregular(g: int) -> bool:
    """Ten of the 260 do not attend regularly and are not rated progressing."""
    return g % 26 == 25


def _sanctioned(g: int) -> bool:
    """Forty are drug users sanctioned by an administrative measure (management under Decree 105) in 2025."""
    return g % 13 in (0, 1)


@pytest.fixture(scope="module")
def da_nang(module_world: World, django_db_blocker: Any) -> dict[str, Any]:
    world = module_world
    with django_db_blocker.unblock():
        city = OrgUnit.objects.get(era=CURRENT, level=PROVINCE, code="48")
        wards = [site.ward for site in da_nang_sites()]
        people: list[Any] = []
        for i, (ward, count) in enumerate(zip(wards, MEMBERS, strict=True)):
            club = world.model(ward, "early_intervention_club", D(2016, 4 + i, 12), name=f"{EI_CLUB} {ward.name}")
            world.status(club, ModelStatus.ACTIVE, D(2018, 5, 15))
            world.status(club, ModelStatus.STABLE, D(2019, 6, 20))
            memberships = []
            for k in range(count):
                g = len(people)
                person = world.person(ward, D(2024, 4, 1), birth_year=2000 + g % 6)
                if _sanctioned(g):
                    world.measure(person, EpisodeType.DRUG_USER_MANAGEMENT, D(2025, 1, 10))
                memberships.append((g, world.join(club, person, D(2024, 6, 3) if k % 2 else D(2025, 1, 6))))
                world.contact(person, D(2025, 3, 3))
                people.append(person)
            # One member of each club left during the year: a member on none of the year's last day.
            leaver = world.person(ward, D(2024, 4, 1), birth_year=2003)
            left = world.join(club, leaver, D(2024, 6, 3))
            for n, day in enumerate(SESSIONS):
                present = [m for g, m in memberships if (n == 0 if _irregular(g) else n != g % 7)]
                world.session(club, day, present + ([left] if n < 2 else []))
            world.leave(left, D(2025, 9, 30))
        for g, person in enumerate(people):
            progressing = not _irregular(g)
            world.assess(person, D(2025, 12, 1), rating=("good" if g % 2 else "fair") if progressing else "poor",
                         drug_use="none" if progressing else "suspected")  # fmt: skip
        world.model(wards[0], "post_rehab_club", D(2025, 3, 3))  # another type of model, no members

        sanctioned = [p for g, p in enumerate(people) if _sanctioned(g)]
        others = [p for g, p in enumerate(people) if not _sanctioned(g)]
        for person in sanctioned[:10] + others[:5]:
            world.service(person, "vocational_training", D(2025, 3, 10))
        for person in others[5:13]:
            world.service(person, "general_education", D(2025, 8, 25))
        for person in sanctioned[10:18] + others[13:15]:  # placed in 2025, held three months by 31/12
            world.service(person, "job_placement", D(2025, 9, 1))
        for person in others[15:35]:  # placed in 2024, still working
            world.service(person, "job_placement", D(2024, 10, 1))
        for person in others[35:65]:
            world.service(person, "emergency_aid", D(2025, 10, 20), amount=2_000_000)
        world.service(others[65], "job_placement", D(2025, 10, 15))  # not three months yet on 31/12
        world.service(others[66], "job_placement", D(2024, 3, 1), end=D(2025, 11, 30))  # ended
        world.service(others[67], "vocational_training", D(2024, 11, 20))  # the year before
        world.service(others[68], "emergency_aid", D(2026, 1, 10))  # the year after

        officer = world.officer(city)
        for indicator, comparison, value in (
            ("members.counselled", "gte", "100"),
            ("members.drug_free", "gte", "70"),
            ("support.sanctioned_supported", "gt", "50"),
        ):
            target_set(actor=officer, unit=city, indicator=indicator, period="2025", comparison=comparison,
                       value=value, note="Kế hoạch duy trì mô hình ngày 03/5/2018")  # fmt: skip
    return {"city": city, "wards": wards}


SEED_004 = {
    "models.type.early_intervention_club": 6,
    "members.total": 260,
    "support.vocational_or_school": 23,
    "support.emergency_aid": 30,
    "support.stable_job": 30,
}


def test_seed_004_da_nang_clubs(da_nang):
    year = report(da_nang["city"], "2025")
    assert {code: year.value(code) for code in SEED_004} == SEED_004
    for code in ("members.regular", "members.progressing"):
        assert (year.row(code).figure.numerator, year.row(code).figure.denominator) == (250, 260), code
    assert year.value("members.regular") == 96.2
    assert (year.value("models.operating"), year.value("models.status.stable")) == (7, 6)
    assert year.value("support.job_placement") == 11
    assert (year.value("people.sanctioned"), year.row("support.sanctioned_supported").figure.numerator) == (40, 18)


def test_seed_004_six_clubs_in_six_wards(da_nang):
    year = report(da_nang["city"], "2025", codes=["models.type.early_intervention_club", "members.total"])
    with_club = [row for row in year.children if row.figures["models.type.early_intervention_club"].value]
    assert sorted(row.unit.pk for row in with_club) == sorted(ward.pk for ward in da_nang["wards"])
    assert all(row.figures["models.type.early_intervention_club"].value == 1 for row in with_club)
    assert [child(year, ward)["members.total"] for ward in da_nang["wards"]] == list(MEMBERS)
    assert sum(row.figures["members.total"].numerator for row in year.children) == 260


def test_seed_004_targets(da_nang):
    year = report(da_nang["city"], "2025")
    judged = ("members.counselled", "members.drug_free", "support.sanctioned_supported")
    assert {code: (year.value(code), year.row(code).status) for code in judged} == {
        "members.counselled": (100.0, TargetStatus.MET),
        "members.drug_free": (96.2, TargetStatus.MET),
        "support.sanctioned_supported": (45.0, TargetStatus.MISSED),
    }
    assert [row.indicator.code for row in year.at_risk] == ["support.sanctioned_supported"]
    # While the year ran, the support target was at risk.
    running = report(da_nang["city"], "2025", today=D(2025, 12, 1), codes=["support.sanctioned_supported"])
    assert running.row("support.sanctioned_supported").status == TargetStatus.AT_RISK
    # A ward answers to the city's targets.
    ward = report(da_nang["wards"][0], "2025", codes=["members.counselled"])
    assert ward.row("members.counselled").target.unit == da_nang["city"]
    assert ward.row("members.counselled").status == TargetStatus.MET


# --- seed 001: Vĩnh Phúc's counselling points ----------------------------------------------------------------------

# (current commune, the legacy commune of Vĩnh Phúc it was formed from, established on)
VINH_PHUC_POINTS = (
    ("08896", "08899", D(2014, 6, 26)),  # Xã Hoàng An ← Xã Hoàng Lâu, huyện Tam Dương
    ("08773", "08773", D(2016, 3, 15)),  # Xã Yên Lãng ← Xã Lãng Công, huyện Sông Lô
    ("09025", "09025", D(2016, 5, 19)),  # Xã Yên Lạc ← Thị trấn Yên Lạc, huyện Yên Lạc
    ("08740", "08740", D(2016, 8, 24)),  # Phường Phúc Yên ← Phường Hai Bà Trưng (Trưng Trắc), thành phố Phúc Yên
)


def test_seed_001_vinh_phuc_counselling_points(world, unit):
    phu_tho = unit("25", level=PROVINCE)
    vinh_phuc = OrgUnit.objects.get(era=LEGACY, level=PROVINCE, code="26")
    for code, legacy_code, established in VINH_PHUC_POINTS:
        commune = unit(code)
        legacy = OrgUnit.objects.get(era=LEGACY, level=COMMUNE, code=legacy_code)
        assert legacy.path.startswith(vinh_phuc.path)
        assert OrgUnitSuccession.objects.filter(predecessor=legacy, successor=commune).exists()
        name = f"Điểm tư vấn, chăm sóc, hỗ trợ điều trị nghiện ma túy và tái hòa nhập cộng đồng {commune.name}"
        world.model(commune, "counselling_point", established, name=name)
    # Not counselling points of 2016: a self-help group then, a counselling point of 2017 in old Phú Thọ.
    world.model(unit("08896"), "self_help_group", D(2014, 7, 1), name="Nhóm tự lực vì ngày mai")
    old_phu_tho = OrgUnit.objects.get(era=LEGACY, level=PROVINCE, code="25")
    elsewhere = (
        OrgUnit.objects.filter(
            era=CURRENT, level=COMMUNE, predecessions__predecessor__path__startswith=old_phu_tho.path
        )
        .order_by("code")
        .first()
    )
    assert elsewhere is not None and elsewhere.parent == phu_tho
    world.model(elsewhere, "counselling_point", D(2017, 4, 3))

    year = report(phu_tho, "2016", trend=6)
    assert year.value("models.type.counselling_point") == 4
    assert year.value("models.operating") == 5
    trend = year.row("models.type.counselling_point").trend
    assert [(p.code, figure.value) for p, figure in trend] == [
        ("2011", 0), ("2012", 0), ("2013", 0), ("2014", 1), ("2015", 1), ("2016", 4),
    ]  # fmt: skip
    # 2016 was before the reform: the breakdown is by the three provinces Phú Thọ was formed from, and the points,
    # kept under the current communes, are on the row of their own.
    assert sorted(row.unit.code for row in year.children if row.unit is not None) == ["17", "25", "26"]
    assert child(year, None)["models.type.counselling_point"] == 4
    assert child(year, vinh_phuc)["models.type.counselling_point"] == 0
    assert report(phu_tho, "2017", codes=["models.type.counselling_point"]).value("models.type.counselling_point") == 5
    assert report(phu_tho, "2016Q3", codes=["models.type.counselling_point"]).value(
        "models.type.counselling_point"
    ) == 4  # fmt: skip
    assert report(phu_tho, "2016Q1", codes=["models.type.counselling_point"]).value(
        "models.type.counselling_point"
    ) == 2  # fmt: skip

    # The plan to 2020: seven more, eleven in all.
    officer = world.officer(phu_tho)
    roadmap_target_set(actor=officer, unit=phu_tho, year=2020, model_type=world.types["counselling_point"],
                       models_target=11, stable_share_target=None,
                       note="Thành lập mới 07 điểm tư vấn đến năm 2020 (Kế hoạch 6716/KH-UBND)")  # fmt: skip
    (progress,) = roadmap_progress(officer, phu_tho, TODAY)
    assert (progress.target.models_target, progress.models, progress.models_met) == (11, 5, False)
    assert progress.measured_on == datetime.date(2020, 12, 31)
