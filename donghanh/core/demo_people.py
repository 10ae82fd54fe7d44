"""Demo people and their legal measures, true to seed 002's figures for Phường Phú Thượng."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from donghanh.accounts.models import User
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.rules import add_months, end_after
from donghanh.episodes.selectors import status_as_of
from donghanh.episodes.services import episode_close, episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Education, HivStatus, MaritalStatus, Sex, Substance, TestResult, Whereabouts
from donghanh.people.models import ManagementPeriod, Person
from donghanh.people.services import (
    DuplicateCitizenId,
    determination_add,
    drug_test_add,
    drug_use_record,
    health_record,
    person_register,
    person_transfer,
    person_update,
    whereabouts_record,
)

CURRENT = OrgUnit.Era.CURRENT
COMMUNE = OrgUnit.Level.COMMUNE

# People ---------------------------------------------------------------------------------------

PHU_THUONG, HAI_CHAU = "00091", "20242"
# Seed 002: "52 people using drugs; 20 in rehab facilities; 32 at residence: 31 under post-rehab
# management, 1 under Decree 120 education" — true in Phú Thượng on this day.
REPORT_DATE = datetime.date(2025, 6, 30)
LAST_START = datetime.date(2026, 6, 30)  # measures start under Law 73 (Law 120/2025 applies from 01/07/2026)
LAST_DAY = datetime.date(2026, 10, 31)  # nothing is dated later; a measure planned to end by then is closed
DAY = datetime.timedelta(days=1)
SEED = 2025

# Names, weighted by repetition (Nguyễn is the most common family name, Thị the usual women's middle name).
FAMILY = "Nguyễn Nguyễn Nguyễn Trần Trần Lê Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý"
MIDDLE: dict[str, str] = {
    Sex.MALE: "Văn Văn Văn Đức Minh Quang Hữu Thanh Công Xuân Ngọc",
    Sex.FEMALE: "Thị Thị Thị Thu Ngọc",
}
GIVEN: dict[str, str] = {
    Sex.MALE: "Hùng Dũng Tuấn Nam Hải Long Sơn Thắng Cường Phong Quân Trung Kiên Hiếu Tùng Bình Đạt Khánh Hưng "
    "Toàn Mạnh Huy Vinh Tài Lâm Phúc Nghĩa Tiến Trường Thành Hoàng Việt Quý Lợi Sáng",
    Sex.FEMALE: "Hoa Lan Hương Huyền Trang Nga Thảo Linh Hạnh Yến Phương Oanh",
}
OCCUPATIONS = [
    "Lao động tự do", "Xe ôm công nghệ", "Thợ xây", "Bán hàng tạp hóa", "Thợ sửa xe máy", "Không có việc làm",
    "Bảo vệ", "Phụ hồ", "Giao hàng", "Nấu ăn", "Rửa xe", "Làm thuê theo ngày",
]  # fmt: skip
NEEDS = [
    "Cần việc làm ổn định", "Muốn vay vốn bán hàng", "Học nghề sửa xe máy", "Hỗ trợ làm thẻ bảo hiểm y tế",
    "Tư vấn tâm lý cho gia đình", "Học nghề nấu ăn", "",
]  # fmt: skip
# Relatives to contact: (relation, sex, shares the family name).
RELATIVES = [
    ("Mẹ", Sex.FEMALE, False),
    ("Bố", Sex.MALE, True),
    ("Chị gái", Sex.FEMALE, True),
    ("Anh trai", Sex.MALE, True),
]
SPOUSES: dict[str, tuple[str, str, bool]] = {
    Sex.MALE: ("Vợ", Sex.FEMALE, False),
    Sex.FEMALE: ("Chồng", Sex.MALE, False),
}


@dataclass
class _Commune:
    """One demo commune: its unit, the accounts that act there and the names its records use."""

    code: str
    cccd_province: str  # digits 1–3 of a CCCD registered in the province
    officer_name: str
    police_name: str
    health_name: str | None
    rehab_centres: list[str]
    methadone: str
    court_before: str  # district court, until the 2025 reform
    court_after: str
    streets: list[str]
    elsewhere: str  # where people who move away go
    unit: OrgUnit = field(init=False)
    officer: User = field(init=False)
    police: User = field(init=False)
    health: User | None = field(init=False)

    def load(self) -> _Commune:
        self.unit = OrgUnit.objects.get(era=CURRENT, level=COMMUNE, code=self.code)
        self.officer = User.objects.get(username=self.officer_name)
        self.police = User.objects.get(username=self.police_name)
        self.health = User.objects.get(username=self.health_name) if self.health_name else None
        return self

    @property
    def name(self) -> str:
        """As written inside a phrase: "phường Phú Thượng"."""
        return self.unit.name[:1].lower() + self.unit.name[1:]

    @property
    def chair(self) -> str:
        return f"Chủ tịch UBND {self.name}"

    @property
    def station(self) -> str:
        return f"Trạm Y tế {self.name}"


def _communes() -> tuple[_Commune, _Commune]:
    phu_thuong = _Commune(
        PHU_THUONG, "001", "xa.phuthuong", "congan.phuthuong", "yte.phuthuong",
        ["Cơ sở cai nghiện ma túy số 2 Hà Nội", "Cơ sở cai nghiện ma túy số 5 Hà Nội",
         "Cơ sở cai nghiện ma túy số 6 Hà Nội", "Cơ sở cai nghiện ma túy số 7 Hà Nội"],
        "Cơ sở điều trị Methadone quận Tây Hồ", "Tòa án nhân dân quận Tây Hồ", "Tòa án nhân dân khu vực 2 - Hà Nội",
        ["Đường An Dương Vương", "Phố Phú Gia", "Phố Phú Thượng", "Ngõ 32 An Dương Vương", "Ngõ 193 Phú Thượng"],
        "Thành phố Hồ Chí Minh",
    ).load()  # fmt: skip
    # Hải Châu has no health-station account: its people's health records come only with a transfer.
    hai_chau = _Commune(
        HAI_CHAU, "048", "xa.haichau", "xa.haichau", None,
        ["Cơ sở cai nghiện ma túy thành phố Đà Nẵng"],
        "Cơ sở điều trị Methadone Hải Châu", "Tòa án nhân dân quận Hải Châu", "Tòa án nhân dân khu vực 1 - Đà Nẵng",
        ["Đường Lê Duẩn", "Đường Hoàng Diệu", "Đường Ông Ích Khiêm", "Đường Trần Phú", "Đường Hải Phòng"],
        "tỉnh Quảng Ngãi",
    ).load()  # fmt: skip
    return phu_thuong, hai_chau


def demo_people_exist() -> bool:
    """True once anyone has been managed by a demo commune: the demo then adds no one."""
    return ManagementPeriod.objects.filter(
        unit__era=CURRENT, unit__level=COMMUNE, unit__code__in=[PHU_THUONG, HAI_CHAU]
    ).exists()


def demo_people_create() -> int:
    """Register the demo people with their histories; returns how many were registered."""
    phu_thuong, hai_chau = _communes()
    demo = _Demo(random.Random(SEED))
    _phu_thuong_on_report_date(demo, phu_thuong, hai_chau)
    _phu_thuong_since(demo, phu_thuong)
    _hai_chau(demo, hai_chau)
    return demo.registered


class _Demo:
    """Writes through the services, picking names, numbers and dates from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.registered = 0
        self.names: set[str] = set()
        self.ids: set[str] = set()
        self.numbers = iter(range(15, 10_000, 7))
        self.primary: dict[int, str] = {}

    def day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        """A day between the two, never after the 28th, so that month arithmetic stays exact."""
        picked = first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))
        return max(first, picked.replace(day=min(picked.day, 28)))

    def name(self, sex: str) -> str:
        while True:
            full = " ".join(self.rng.choice(words.split()) for words in (FAMILY, MIDDLE[sex], GIVEN[sex]))
            if full not in self.names:
                self.names.add(full)
                return full

    def person(
        self, c: _Commune, registered_on: datetime.date, *, born: tuple[int, int] = (1968, 2003), sex: str = ""
    ) -> Person:
        rng = self.rng
        sex = sex or (Sex.FEMALE if rng.random() < 0.13 else Sex.MALE)
        year, full_name = rng.randint(*born), self.name(sex)
        marital = rng.choice([MaritalStatus.SINGLE, MaritalStatus.MARRIED, MaritalStatus.DIVORCED])
        relation, relative_sex, same_family = rng.choice(
            [*RELATIVES, SPOUSES[sex]] if marital == MaritalStatus.MARRIED else RELATIVES
        )
        relative = self.name(relative_sex).split()
        if same_family:
            relative[0] = full_name.split()[0]
        hamlet, street = f"Tổ dân phố {rng.randint(1, 12)}", f"Số {rng.randint(2, 180)} {rng.choice(c.streets)}"
        fields: dict[str, Any] = {
            "permanent_unit": c.unit, "current_hamlet": hamlet, "current_street": street,
            "permanent_hamlet": hamlet, "permanent_street": street,
            "occupation": rng.choice(OCCUPATIONS), "needs": rng.choice(NEEDS),
            "education": rng.choice([Education.PRIMARY, Education.LOWER_SECONDARY, Education.LOWER_SECONDARY,
                                     Education.UPPER_SECONDARY, Education.VOCATIONAL]),
            "marital_status": marital, "dependants": rng.choice([0, 0, 1, 2, 3]),
            "family_contacts": f"{relation}: {' '.join(relative)}, 09{rng.randint(10**7, 10**8 - 1)}",
        }  # fmt: skip
        if rng.random() < 0.6:
            fields["phone"] = f"09{rng.randint(10**7, 10**8 - 1)}"
        if rng.random() < 0.85:  # most have a citizen ID card, which needs the exact date of birth
            fields["birth_date"] = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            sex_century = (1 if sex == Sex.FEMALE else 0) + (2 if year >= 2000 else 0)
            while (
                number := f"{c.cccd_province}{sex_century}{year % 100:02d}{rng.randint(0, 999_999):06d}"
            ) in self.ids:
                pass
            self.ids.add(number)
            fields["citizen_id"] = number
        args: dict[str, Any] = {
            "actor": c.officer,
            "unit": c.unit,
            "full_name": full_name,
            "sex": sex,
            "birth_year": year,
        }
        try:
            with transaction.atomic():
                person = person_register(**args, registered_on=registered_on, **fields)
        except DuplicateCitizenId:  # the number happens to be someone else's in this database
            fields.pop("citizen_id")
            person = person_register(**args, registered_on=registered_on, **fields)
        self.registered += 1
        return person

    def move(self, c: _Commune, person: Person, status: str, since: datetime.date, place: str = "") -> None:
        notes: dict[str, str] = {
            Whereabouts.MOVED_AWAY: "Gia đình báo đã đi làm ăn xa",
            Whereabouts.UNKNOWN: "Vắng mặt, gia đình không rõ",
        }
        whereabouts_record(
            actor=c.officer, person=person, status=status, since=since, place=place, note=notes.get(status, "")
        )

    def drug_use(self, c: _Commune, person: Person, *, light: bool = False, opioid: bool = False) -> None:
        rng = self.rng
        if opioid:
            substances = [Substance.HEROIN]
        elif light:
            substances = [rng.choice([Substance.CANNABIS, Substance.SYNTHETIC]), Substance.MDMA][: rng.randint(1, 2)]
        elif person.birth_year <= 1985 and rng.random() < 0.75:
            substances = [Substance.HEROIN, Substance.METHAMPHETAMINE][: rng.choice([1, 1, 2])]
        else:
            others = [Substance.CANNABIS, Substance.KETAMINE, Substance.MDMA]
            substances = [Substance.METHAMPHETAMINE, *rng.sample(others, rng.randint(0, 2))]
        age_first = rng.randint(15, 24)
        self.primary[person.pk] = substances[0]
        drug_use_record(
            actor=c.police, person=person, substances=substances, primary_substance=substances[0],
            age_first_use=age_first, injecting=substances[0] == Substance.HEROIN and rng.random() < 0.5,
            years_of_use=max(1, min(rng.randint(2, 20), REPORT_DATE.year - person.birth_year - age_first)),
        )  # fmt: skip

    def test(self, c: _Commune, person: Person, day: datetime.date, *, positive: bool) -> None:
        primary = self.primary.get(person.pk, Substance.METHAMPHETAMINE)
        results: dict[str, str] = {primary: TestResult.POSITIVE if positive else TestResult.NEGATIVE}
        results.update({s: TestResult.NEGATIVE for s in (Substance.HEROIN, Substance.METHAMPHETAMINE) if s != primary})
        sample = self.rng.choice(["urine", "urine", "urine", "saliva"])
        drug_test_add(
            actor=c.police, person=person, date=day, sample=sample, tested_by=f"Công an {c.name}", results=results
        )

    def determine(self, c: _Commune, person: Person, day: datetime.date, criteria: int | None = None) -> None:
        criteria = self.rng.randint(3, 6) if criteria is None else criteria
        determination_add(
            actor=c.health or c.officer, person=person, date=day, facility=c.station, criteria_met=criteria
        )

    def health(self, c: _Commune, person: Person, *, hiv: str = "") -> None:
        if c.health is None:
            return
        injects = person.drug_use.injecting if hasattr(person, "drug_use") else False
        hiv = hiv or self.rng.choice(
            [HivStatus.POSITIVE, HivStatus.NEGATIVE] if injects else [HivStatus.NEGATIVE] * 4 + [HivStatus.UNKNOWN]
        )
        tested = None if hiv == HivStatus.UNKNOWN else self.day(datetime.date(2024, 1, 2), LAST_DAY)
        other = "Viêm gan C" if injects and self.rng.random() < 0.4 else ""
        health_record(actor=c.health, person=person, hiv_status=hiv, hiv_test_date=tested, other_conditions=other)

    def measure(
        self,
        c: _Commune,
        person: Person,
        kind: str,
        start: datetime.date,
        *,
        months: int | None = None,
        until: datetime.date | None = None,
        reason: str = EndReason.COMPLETED,
        keep_open: bool = False,
        notes: str = "",
    ) -> Episode:
        """Open a measure lasting `months` (else the rule's usual duration), and close it at `until` or,
        unless `keep_open`, on its planned end if that comes by LAST_DAY."""
        assert start <= LAST_START, start
        number, decided = next(self.numbers), start - datetime.timedelta(days=self.rng.randint(5, 20))
        fields: dict[str, Any] = {
            "decision_number": f"{number}/QĐ-UBND",
            "decision_date": decided,
            "issuing_body": c.chair,
            "notes": notes,
        }
        if kind == EpisodeType.COMPULSORY_REHAB:
            court = c.court_before if decided < datetime.date(2025, 7, 1) else c.court_after
            facility = self.rng.choice(c.rehab_centres)
            fields.update(decision_number=f"{number}/{decided.year}/QĐ-TA", issuing_body=court, facility=facility)
        elif kind == EpisodeType.VOLUNTARY_FACILITY_REHAB:
            facility = self.rng.choice(c.rehab_centres)
            fields.update(decision_number=f"{number}/HĐ-CNTN", issuing_body=facility, facility=facility)
        elif kind == EpisodeType.METHADONE:
            fields = {"facility": c.methadone, "issuing_body": c.methadone, "notes": notes}
        elif kind == EpisodeType.EARLY_INTERVENTION:
            fields = {"issuing_body": f"Câu lạc bộ Can thiệp sớm, dự phòng nghiện ma túy {c.name}", "notes": notes}
        planned = end_after(start, months) if months else None
        episode = episode_open(
            actor=c.officer, person=person, episode_type=kind, start_date=start, planned_end_date=planned, **fields
        )
        if until is None and not keep_open and episode.planned_end_date and episode.planned_end_date <= LAST_DAY:
            until, reason = episode.planned_end_date, EndReason.COMPLETED
        if until is not None:
            episode_close(actor=c.officer, episode=episode, end_date=until, end_reason=reason)
        return episode

    def rehab(
        self, c: _Commune, person: Person, kind: str, start: datetime.date, months: int, **options: Any
    ) -> Episode:
        """Tested positive, found addicted, then sent to a facility: `in_facility` from the start."""
        self.test(c, person, start - datetime.timedelta(days=self.rng.randint(35, 60)), positive=True)
        self.determine(c, person, start - datetime.timedelta(days=self.rng.randint(20, 30)))
        episode = self.measure(c, person, kind, start, months=months, **options)
        self.move(c, person, Whereabouts.IN_FACILITY, start, place=episode.facility)
        return episode

    def home(self, c: _Commune, person: Person, back: datetime.date, **options: Any) -> Episode | None:
        """Back at residence on `back`, under post-rehab management from that day (if it starts in time)."""
        self.move(c, person, Whereabouts.AT_RESIDENCE, back)
        if back > LAST_START:
            return None
        if back + datetime.timedelta(days=100) <= LAST_DAY:
            self.test(c, person, back + datetime.timedelta(days=self.rng.randint(60, 100)), positive=False)
        return self.measure(c, person, EpisodeType.POST_REHAB_MANAGEMENT, back, **options)


def _phu_thuong_on_report_date(demo: _Demo, c: _Commune, hai_chau: _Commune) -> None:
    """The 52 people of seed 002, with histories that lead to their status on REPORT_DATE and go on after it."""
    rng = demo.rng
    # 31 at residence under post-rehab management, which began within the year before REPORT_DATE.
    # The first six have fixed stories after REPORT_DATE; the others complete their year.
    special = [datetime.date(2025, 2, 17), datetime.date(2025, 3, 12), datetime.date(2025, 5, 6),
               datetime.date(2025, 1, 20), datetime.date(2025, 3, 3), datetime.date(2025, 4, 21)]  # fmt: skip
    starts = special + [demo.day(datetime.date(2024, 7, 8), datetime.date(2025, 6, 14)) for _ in range(25)]
    for index, back in enumerate(starts):
        compulsory = index % 4 != 3
        facility_kind = EpisodeType.COMPULSORY_REHAB if compulsory else EpisodeType.VOLUNTARY_FACILITY_REHAB
        months = rng.choice([24, 24, 18]) if compulsory else rng.choice([6, 12])
        start = add_months(back, -months)
        managed_before = compulsory and start >= datetime.date(2023, 1, 1) and rng.random() < 0.5
        first = add_months(start, -8) if managed_before else start - datetime.timedelta(days=60)
        person = demo.person(c, first - datetime.timedelta(days=rng.randint(10, 150)))
        demo.drug_use(c, person, opioid=index == 0)
        if managed_before:
            demo.measure(
                c,
                person,
                EpisodeType.DRUG_USER_MANAGEMENT,
                first,
                until=start - DAY,
                reason=EndReason.TRANSFERRED_TO_COMPULSORY,
            )
        demo.rehab(c, person, facility_kind, start, months)
        keep = index in (0, 1, 2, 3, 4)
        post = demo.home(c, person, back, keep_open=keep)
        assert post is not None
        on_methadone = index == 0 or (index % 3 == 0 and demo.primary[person.pk] == Substance.HEROIN)
        if on_methadone:
            begins, until = back + datetime.timedelta(days=rng.randint(10, 60)), datetime.date(2025, 9, 30)
            demo.measure(
                c, person, EpisodeType.METHADONE, begins, until=until if index == 0 else None, reason=EndReason.MOVED
            )
        demo.health(c, person, hiv=HivStatus.POSITIVE if index == 0 else "")
        if index == 0:  # moves to Phường Hải Châu after REPORT_DATE: counted here on that day, there today
            moved = datetime.date(2025, 10, 1)
            person_transfer(actor=c.officer, person=person, to_unit=hai_chau.unit, on=moved)
            demo.move(hai_chau, person, Whereabouts.AT_RESIDENCE, moved, place=hai_chau.unit.name)
            street = f"Số {rng.randint(2, 180)} {rng.choice(hai_chau.streets)}"
            person_update(actor=hai_chau.officer, person=person, current_hamlet="Tổ dân phố 4", current_street=street)
            assert post.planned_end_date
            demo.measure(hai_chau, person, EpisodeType.METHADONE, moved)
            episode_close(
                actor=hai_chau.officer, episode=post, end_date=post.planned_end_date, end_reason=EndReason.COMPLETED
            )
        elif index in (1, 2):  # relapse: positive test, compulsory rehab again
            relapse = datetime.date(2025, 10, 14) if index == 1 else datetime.date(2025, 12, 2)
            demo.test(c, person, relapse, positive=True)
            episode_close(actor=c.officer, episode=post, end_date=relapse, end_reason=EndReason.RELAPSE)
            demo.rehab(c, person, EpisodeType.COMPULSORY_REHAB, relapse + datetime.timedelta(days=25), 24)
        elif index == 3:  # detained
            episode_close(
                actor=c.officer, episode=post, end_date=datetime.date(2025, 11, 20), end_reason=EndReason.DETAINED
            )
            demo.move(
                c,
                person,
                Whereabouts.DETAINED,
                datetime.date(2025, 11, 20),
                place="Trại tạm giam số 1 Công an thành phố Hà Nội",
            )
        elif index == 4:  # moved away without a transfer
            episode_close(
                actor=c.officer, episode=post, end_date=datetime.date(2026, 1, 15), end_reason=EndReason.MOVED
            )
            demo.move(c, person, Whereabouts.MOVED_AWAY, datetime.date(2026, 1, 15), place=c.elsewhere)
        elif index == 5:  # completed, then gone
            demo.move(c, person, Whereabouts.UNKNOWN, datetime.date(2026, 7, 6))

    # 1 at residence under education at commune level (Decree 120/2021).
    person = demo.person(c, datetime.date(2022, 11, 7), born=(1990, 2001))
    demo.drug_use(c, person)
    demo.determine(c, person, datetime.date(2023, 2, 13), criteria=2)
    demo.measure(c, person, EpisodeType.DRUG_USER_MANAGEMENT, datetime.date(2023, 3, 1))
    demo.test(c, person, datetime.date(2025, 1, 9), positive=True)
    demo.measure(c, person, EpisodeType.ADMINISTRATIVE_EDUCATION, datetime.date(2025, 3, 1))
    demo.test(c, person, datetime.date(2025, 9, 8), positive=False)
    demo.health(c, person)

    # 20 in rehab facilities: 15 under compulsory rehab, 5 under voluntary rehab at a facility.
    for index in range(20):
        if index < 15:
            kind, start = EpisodeType.COMPULSORY_REHAB, demo.day(datetime.date(2023, 8, 7), datetime.date(2025, 6, 9))
            months = rng.choice(
                [m for m in (24, 24, 18, 12) if end_after(start, m) >= REPORT_DATE + datetime.timedelta(days=14)]
            )
        else:
            kind, start = (
                EpisodeType.VOLUNTARY_FACILITY_REHAB,
                demo.day(datetime.date(2025, 1, 20), datetime.date(2025, 6, 16)),
            )
            months = rng.choice([6, 12])
        managed_before = kind == EpisodeType.COMPULSORY_REHAB and rng.random() < 0.4
        first = add_months(start, -6) if managed_before else start - datetime.timedelta(days=60)
        person = demo.person(c, first - datetime.timedelta(days=rng.randint(10, 200)))
        demo.drug_use(c, person)
        if managed_before:
            demo.measure(
                c,
                person,
                EpisodeType.DRUG_USER_MANAGEMENT,
                first,
                until=start - DAY,
                reason=EndReason.TRANSFERRED_TO_COMPULSORY,
            )
        if index == 19:  # left the facility early
            episode = demo.rehab(
                c, person, kind, start, months, until=datetime.date(2025, 9, 8), reason=EndReason.WITHDREW
            )
            demo.move(c, person, Whereabouts.AT_RESIDENCE, datetime.date(2025, 9, 8))
        else:
            episode = demo.rehab(c, person, kind, start, months)
            if episode.actual_end_date:
                demo.home(c, person, episode.actual_end_date + DAY)
        if rng.random() < 0.7:
            demo.health(c, person)


def _phu_thuong_since(demo: _Demo, c: _Commune) -> None:
    """People registered after REPORT_DATE, so seed 002's figures stay as they were on that day."""
    date = datetime.date
    person = demo.person(c, date(2025, 8, 5))  # a user under management, tested and not addicted
    demo.drug_use(c, person)
    demo.test(c, person, date(2025, 8, 5), positive=True)
    demo.determine(c, person, date(2025, 8, 12), criteria=2)
    demo.measure(c, person, EpisodeType.DRUG_USER_MANAGEMENT, date(2025, 8, 20))
    demo.health(c, person)

    person = demo.person(c, date(2026, 2, 10))
    demo.drug_use(c, person)
    demo.test(c, person, date(2026, 2, 10), positive=True)
    demo.measure(c, person, EpisodeType.DRUG_USER_MANAGEMENT, date(2026, 3, 2))

    person = demo.person(c, date(2025, 9, 15), sex=Sex.FEMALE)  # voluntary rehab at home, completed
    demo.drug_use(c, person)
    demo.determine(c, person, date(2025, 9, 22), criteria=4)
    demo.measure(c, person, EpisodeType.VOLUNTARY_COMMUNITY_REHAB, date(2025, 10, 1))
    demo.test(c, person, date(2026, 4, 6), positive=False)
    demo.health(c, person)

    person = demo.person(c, date(2026, 4, 1))  # voluntary rehab at home, under way
    demo.drug_use(c, person)
    demo.determine(c, person, date(2026, 4, 8), criteria=3)
    demo.measure(c, person, EpisodeType.VOLUNTARY_COMMUNITY_REHAB, date(2026, 4, 15), months=9)

    person = demo.person(c, date(2025, 11, 3))  # under management, relapsed, sent to compulsory rehab
    demo.drug_use(c, person)
    demo.measure(
        c,
        person,
        EpisodeType.DRUG_USER_MANAGEMENT,
        date(2025, 11, 10),
        until=date(2026, 3, 19),
        reason=EndReason.TRANSFERRED_TO_COMPULSORY,
    )
    demo.rehab(c, person, EpisodeType.COMPULSORY_REHAB, date(2026, 3, 20), 24)
    demo.health(c, person)

    for registered in (date(2026, 1, 12), date(2026, 1, 19)):  # young people at risk
        person = demo.person(c, registered, born=(2005, 2006))
        demo.drug_use(c, person, light=True)
        demo.test(c, person, registered + DAY, positive=False)
        demo.measure(c, person, EpisodeType.EARLY_INTERVENTION, registered + datetime.timedelta(days=3))
        demo.health(c, person)


def _hai_chau(demo: _Demo, c: _Commune) -> None:
    """Phường Hải Châu: every measure and whereabouts, fewer people."""
    date = datetime.date

    def new(registered: datetime.date, *, opioid: bool = False, **options: Any) -> Person:
        person = demo.person(c, registered, **options)
        demo.drug_use(c, person, light=options.get("born", (0, 0))[0] >= 2004, opioid=opioid)
        return person

    for start, kind, months, methadone in [
        (date(2023, 5, 8), EpisodeType.COMPULSORY_REHAB, 24, None),  # post-rehab completed
        (date(2025, 3, 3), EpisodeType.VOLUNTARY_FACILITY_REHAB, 12, None),  # post-rehab under way
        (date(2024, 1, 15), EpisodeType.COMPULSORY_REHAB, 24, date(2026, 2, 10)),  # and on methadone
    ]:
        person = new(start - datetime.timedelta(days=120), opioid=methadone is not None)
        demo.rehab(c, person, kind, start, months)
        demo.home(c, person, end_after(start, months) + DAY)
        if methadone:
            demo.measure(c, person, EpisodeType.METHADONE, methadone)

    for start in (date(2025, 4, 14), date(2025, 11, 3), date(2026, 5, 18)):  # in the city's rehab centre now
        person = new(start - datetime.timedelta(days=90))
        demo.rehab(c, person, EpisodeType.COMPULSORY_REHAB, start, 24)
    person = new(date(2026, 3, 2))
    demo.rehab(c, person, EpisodeType.VOLUNTARY_FACILITY_REHAB, date(2026, 5, 4), 12)

    person = new(date(2025, 5, 12))  # under management, then detained
    demo.measure(
        c,
        person,
        EpisodeType.DRUG_USER_MANAGEMENT,
        date(2025, 6, 2),
        until=date(2026, 2, 23),
        reason=EndReason.DETAINED,
    )
    demo.move(c, person, Whereabouts.DETAINED, date(2026, 2, 23), place="Trại tạm giam Công an thành phố Đà Nẵng")
    person = new(date(2025, 7, 21))  # back from a rehab centre elsewhere; post-rehab management, then moved away
    back = "Hoàn thành cai nghiện bắt buộc tại Cơ sở cai nghiện ma túy tỉnh Quảng Ngãi, về địa phương 21/07/2025."
    post = EpisodeType.POST_REHAB_MANAGEMENT
    demo.measure(c, person, post, date(2025, 8, 4), until=date(2026, 4, 13), reason=EndReason.MOVED, notes=back)
    demo.move(c, person, Whereabouts.MOVED_AWAY, date(2026, 4, 13), place=c.elsewhere)
    person = new(date(2025, 8, 18))  # voluntary rehab at home, dropped out and gone
    demo.determine(c, person, date(2025, 8, 25), criteria=3)
    demo.measure(
        c,
        person,
        EpisodeType.VOLUNTARY_COMMUNITY_REHAB,
        date(2025, 9, 1),
        until=date(2026, 1, 12),
        reason=EndReason.WITHDREW,
    )
    demo.move(c, person, Whereabouts.UNKNOWN, date(2026, 1, 12))

    person = new(date(2026, 3, 2))
    demo.determine(c, person, date(2026, 3, 9), criteria=4)
    demo.measure(c, person, EpisodeType.VOLUNTARY_COMMUNITY_REHAB, date(2026, 3, 16))
    person = new(date(2026, 1, 26))
    demo.test(c, person, date(2026, 1, 26), positive=True)
    demo.measure(c, person, EpisodeType.DRUG_USER_MANAGEMENT, date(2026, 2, 9))
    person = new(date(2025, 12, 8))
    demo.test(c, person, date(2026, 3, 6), positive=True)
    demo.measure(c, person, EpisodeType.ADMINISTRATIVE_EDUCATION, date(2026, 4, 6), months=3)
    person = new(date(2023, 8, 28), born=(1968, 1980), opioid=True)  # long-term opioid user on methadone
    demo.measure(c, person, EpisodeType.METHADONE, date(2023, 9, 11))
    demo.test(c, person, date(2026, 5, 11), positive=False)
    for registered in (date(2025, 10, 13), date(2025, 12, 22)):
        person = new(registered, born=(2004, 2006))
        demo.measure(c, person, EpisodeType.EARLY_INTERVENTION, registered + datetime.timedelta(days=7))


# Summary --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCommune:
    """What a demo commune's officer sees: people managed today, by whereabouts, and measures recorded."""

    unit_name: str
    people: int
    whereabouts: dict[str, int]
    measures: dict[str, int]


@dataclass(frozen=True)
class ReportFigures:
    """Seed 002's figures as the commune officer computes them on a day."""

    total: int
    in_facility: int
    at_residence: int
    post_rehab: int
    education: int


def report_figures(user: Any, day: datetime.date, unit: OrgUnit) -> ReportFigures:
    def count(**filters: Any) -> int:
        return status_as_of(user, day, unit=unit, **filters).count()

    home = [Whereabouts.AT_RESIDENCE]
    return ReportFigures(
        total=count(),
        in_facility=count(whereabouts=[Whereabouts.IN_FACILITY]),
        at_residence=count(whereabouts=home),
        post_rehab=count(whereabouts=home, episode_types=[EpisodeType.POST_REHAB_MANAGEMENT]),
        education=count(whereabouts=home, episode_types=[EpisodeType.ADMINISTRATIVE_EDUCATION]),
    )


def demo_people_summary() -> tuple[list[DemoCommune], ReportFigures]:
    """Each demo commune as its officer sees it today, and Phú Thượng's figures on REPORT_DATE."""
    today, communes = timezone.localdate(), []
    for commune in _communes():
        people = status_as_of(commune.officer, today, unit=commune.unit)
        statuses = people.values_list("whereabouts_at", flat=True)  # type: ignore[misc]  # an annotation
        where = Counter(str(Whereabouts(status).label) for status in statuses if status)
        episodes = Episode.objects.accessible_to(commune.officer).filter(person__unit=commune.unit)
        kinds = Counter(str(EpisodeType(kind).label) for kind in episodes.values_list("episode_type", flat=True))
        communes.append(DemoCommune(commune.unit.name, people.count(), dict(where), dict(kinds)))
    phu_thuong = _communes()[0]
    return communes, report_figures(phu_thuong.officer, REPORT_DATE, phu_thuong.unit)
