"""The demo's two communes and how the demo writes their people's records, through the services.

`PeopleWriter` registers a person, records their whereabouts, drug use, tests, determinations, health and legal
measures, with names, numbers and dates from one seeded generator; `demo.people` tells who it registers and what
happens to them.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from donghanh.accounts.models import User
from donghanh.core.dates import term_end
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.services import episode_close, episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Education, HivStatus, MaritalStatus, Sex, Substance, TestResult, Whereabouts
from donghanh.people.models import Person
from donghanh.people.services import (
    DuplicateCitizenId,
    determination_add,
    drug_test_add,
    drug_use_record,
    health_record,
    person_register,
    whereabouts_record,
)
from donghanh.reports.synthetic.names import FAMILY, GIVEN, MIDDLE, OCCUPATIONS

CURRENT = OrgUnit.Era.CURRENT
COMMUNE = OrgUnit.Level.COMMUNE

PHU_THUONG, HAI_CHAU = "00091", "20242"
# Seed 002: "52 people using drugs; 20 in rehab facilities; 32 at residence: 31 under post-rehab
# management, 1 under Decree 120 education" — true in Phú Thượng on this day.
REPORT_DATE = datetime.date(2025, 6, 30)
# The last day of the demo's fixed history (seed 002's people after REPORT_DATE); the rest is dated from the day
# the demo is made, which must come after it.
HISTORY_END = datetime.date(2026, 10, 31)
DAY = datetime.timedelta(days=1)
SEED = 2025

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
class Commune:
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

    def load(self) -> Commune:
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


def demo_communes() -> tuple[Commune, Commune]:
    """Phường Phú Thượng and Phường Hải Châu, with their units and accounts."""
    phu_thuong = Commune(
        PHU_THUONG, "001", "xa.phuthuong", "congan.phuthuong", "yte.phuthuong",
        ["Cơ sở cai nghiện ma túy số 2 Hà Nội", "Cơ sở cai nghiện ma túy số 5 Hà Nội",
         "Cơ sở cai nghiện ma túy số 6 Hà Nội", "Cơ sở cai nghiện ma túy số 7 Hà Nội"],
        "Cơ sở điều trị Methadone quận Tây Hồ", "Tòa án nhân dân quận Tây Hồ", "Tòa án nhân dân khu vực 2 - Hà Nội",
        ["Đường An Dương Vương", "Phố Phú Gia", "Phố Phú Thượng", "Ngõ 32 An Dương Vương", "Ngõ 193 Phú Thượng"],
        "Thành phố Hồ Chí Minh",
    ).load()  # fmt: skip
    # Hải Châu has no health-station account: its people's health records come only with a transfer.
    hai_chau = Commune(
        HAI_CHAU, "048", "xa.haichau", "xa.haichau", None,
        ["Cơ sở cai nghiện ma túy thành phố Đà Nẵng"],
        "Cơ sở điều trị Methadone Hải Châu", "Tòa án nhân dân quận Hải Châu", "Tòa án nhân dân khu vực 1 - Đà Nẵng",
        ["Đường Lê Duẩn", "Đường Hoàng Diệu", "Đường Ông Ích Khiêm", "Đường Trần Phú", "Đường Hải Phòng"],
        "tỉnh Quảng Ngãi",
    ).load()  # fmt: skip
    return phu_thuong, hai_chau


class PeopleWriter:
    """Writes through the services, picking names, numbers and dates from one seeded generator."""

    def __init__(self, rng: random.Random, today: datetime.date) -> None:
        self.rng, self.today = rng, today
        self.registered = 0
        self.names: set[str] = set()
        self.ids: set[str] = set()
        self.numbers = iter(range(15, 10_000, 7))
        self.primary: dict[int, str] = {}

    def day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        """A day between the two, never after the 28th, so that month arithmetic stays exact."""
        picked = first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))
        return max(first, picked.replace(day=min(picked.day, 28)))

    def ago(self, days: int) -> datetime.date:
        """`days` before today, moved back to the 28th at most, so that month arithmetic stays exact."""
        day = self.today - days * DAY
        return day.replace(day=min(day.day, 28))

    def name(self, sex: str) -> str:
        while True:
            full = " ".join(self.rng.choice(words.split()) for words in (FAMILY, MIDDLE[sex], GIVEN[sex]))
            if full not in self.names:
                self.names.add(full)
                return full

    def person(
        self, c: Commune, registered_on: datetime.date, *, born: tuple[int, int] = (1968, 2003), sex: str = ""
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

    def move(self, c: Commune, person: Person, status: str, since: datetime.date, place: str = "") -> None:
        notes: dict[str, str] = {
            Whereabouts.MOVED_AWAY: "Gia đình báo đã đi làm ăn xa",
            Whereabouts.UNKNOWN: "Vắng mặt, gia đình không rõ",
        }
        whereabouts_record(
            actor=c.officer, person=person, status=status, since=since, place=place, note=notes.get(status, "")
        )

    def drug_use(self, c: Commune, person: Person, *, light: bool = False, opioid: bool = False) -> None:
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

    def test(self, c: Commune, person: Person, day: datetime.date, *, positive: bool) -> None:
        primary = self.primary.get(person.pk, Substance.METHAMPHETAMINE)
        results: dict[str, str] = {primary: TestResult.POSITIVE if positive else TestResult.NEGATIVE}
        results.update({s: TestResult.NEGATIVE for s in (Substance.HEROIN, Substance.METHAMPHETAMINE) if s != primary})
        sample = self.rng.choice(["urine", "urine", "urine", "saliva"])
        drug_test_add(
            actor=c.police, person=person, date=day, sample=sample, tested_by=f"Công an {c.name}", results=results
        )

    def determine(self, c: Commune, person: Person, day: datetime.date, criteria: int | None = None) -> None:
        criteria = self.rng.randint(3, 6) if criteria is None else criteria
        determination_add(
            actor=c.health or c.officer, person=person, date=day, facility=c.station, criteria_met=criteria
        )

    def health(self, c: Commune, person: Person, *, hiv: str = "") -> None:
        if c.health is None:
            return
        injects = person.drug_use.injecting if hasattr(person, "drug_use") else False
        hiv = hiv or self.rng.choice(
            [HivStatus.POSITIVE, HivStatus.NEGATIVE] if injects else [HivStatus.NEGATIVE] * 4 + [HivStatus.UNKNOWN]
        )
        tested = None if hiv == HivStatus.UNKNOWN else self.day(datetime.date(2024, 1, 2), self.today)
        other = "Viêm gan C" if injects and self.rng.random() < 0.4 else ""
        health_record(actor=c.health, person=person, hiv_status=hiv, hiv_test_date=tested, other_conditions=other)

    def measure(
        self,
        c: Commune,
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
        unless `keep_open`, on its planned end if that has passed."""
        assert start <= self.today, start
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
        planned = term_end(start, months) if months else None
        episode = episode_open(
            actor=c.officer, person=person, episode_type=kind, start_date=start, planned_end_date=planned, **fields
        )
        if until is None and not keep_open and episode.planned_end_date and episode.planned_end_date < self.today:
            until, reason = episode.planned_end_date, EndReason.COMPLETED
        if until is not None:
            episode_close(actor=c.officer, episode=episode, end_date=until, end_reason=reason)
        return episode

    def rehab(
        self, c: Commune, person: Person, kind: str, start: datetime.date, months: int, **options: Any
    ) -> Episode:
        """Tested positive, found addicted, then sent to a facility: `in_facility` from the start."""
        self.test(c, person, start - datetime.timedelta(days=self.rng.randint(35, 60)), positive=True)
        self.determine(c, person, start - datetime.timedelta(days=self.rng.randint(20, 30)))
        episode = self.measure(c, person, kind, start, months=months, **options)
        self.move(c, person, Whereabouts.IN_FACILITY, start, place=episode.facility)
        return episode

    def home(self, c: Commune, person: Person, back: datetime.date, **options: Any) -> Episode | None:
        """Back at residence on `back`, under post-rehab management from that day (if that day has come)."""
        if back > self.today:
            return None
        self.move(c, person, Whereabouts.AT_RESIDENCE, back)
        if back + datetime.timedelta(days=100) <= self.today:
            self.test(c, person, back + datetime.timedelta(days=self.rng.randint(60, 100)), positive=False)
        return self.measure(c, person, EpisodeType.POST_REHAB_MANAGEMENT, back, **options)
