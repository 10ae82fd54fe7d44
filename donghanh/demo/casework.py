"""Demo case work: a volunteer team in each demo commune and a year of its work, written through the services.

Made after the demo people, relative to the day it runs (`today`): who is followed is read with
`casework.selectors.in_casework`, as the work list reads it. The commune officer keeps the team
and enters the reports of volunteers without a login; tnv.phuthuong logs in as one volunteer and
records the work with the people assigned to them; the health station records ASSIST.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from donghanh.accounts.models import User
from donghanh.casework import choices, services
from donghanh.casework.health_access import may_read_health
from donghanh.casework.models import (
    Assignment,
    Contact,
    InstrumentRecord,
    MonthlyAssessment,
    QuarterlyClassification,
    ReintegrationPlan,
    Volunteer,
    VolunteerTeam,
)
from donghanh.casework.selectors import Coverage, coverage, in_casework, rating_levels_for
from donghanh.casework.worklist import assessment_months
from donghanh.core.dates import month_start, month_starts, quarter_months, quarter_of, shift_month_start
from donghanh.demo.communes import HAI_CHAU, PHU_THUONG
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Substance, TestResult
from donghanh.people.models import ManagementPeriod, Person
from donghanh.people.services import drug_test_add

SEED = 2026
DAY = datetime.timedelta(days=1)
TNV_PEOPLE = 5  # helped by tnv.phuthuong's volunteer, as long as Phú Thượng follows that many
WAITING = {PHU_THUONG: 2, HAI_CHAU: 1}  # left without a volunteer when theirs stopped
PAST = 2  # people whose measure ended in the year (the latest): their assignment ended with it
# Days before `today`: a volunteer left (their people reassigned the next day), one of tnv.phuthuong's
# people came over from another volunteer, a volunteer stopped (their people still wait), one joined.
LEFT, MOVED, STOPPED, JOINED = 210, 120, 45, 21

A, E, T, G = choices.Affiliation, choices.ContactMode, choices.Topic, choices.GoalStatus
P, W, R, C = choices.Participation, choices.WorkStatus, choices.FamilyRelations, choices.Compliance
D, U = choices.PlanDomain, choices.DrugUseInMonth
M, F, H = "male", "female", "helper"


@dataclass(frozen=True)
class _Team:
    officer: str
    police: str
    health: str | None
    established: datetime.date
    decision: str
    # name (empty: the login's), sex, born, affiliation, hamlet, kind: login | helper | new | left | stopped
    volunteers: tuple[tuple[str, str, int, str, int, str], ...]


TEAMS = {
    PHU_THUONG: _Team("xa.phuthuong", "congan.phuthuong", "yte.phuthuong", datetime.date(2023, 3, 15), "27/QĐ-UBND", (
        ("", M, 1996, A.YOUTH_UNION, 3, "login"), ("Nguyễn Thị Mai Anh", F, 1978, A.WOMENS_UNION, 5, H),
        ("Trần Văn Lộc", M, 1957, A.VETERANS, 8, H), ("Lê Thị Thanh Xuân", F, 1985, A.HEALTH, 2, H),
        ("Phạm Quang Huy", M, 1990, A.POLICE, 1, H), ("Đỗ Văn Khải", M, 1966, A.FARMERS_UNION, 11, H),
        ("Ngô Thị Bích", F, 1963, A.FATHERLAND_FRONT, 6, H), ("Hoàng Anh Tuấn", M, 2001, A.YOUTH_UNION, 9, "new"),
        ("Lý Văn Sáu", M, 1955, A.RESIDENT, 4, "left"), ("Bùi Thị Thoa", F, 1972, A.WOMENS_UNION, 7, "stopped"),
    )),
    HAI_CHAU: _Team("xa.haichau", "xa.haichau", None, datetime.date(2023, 6, 5), "112/QĐ-UBND", (
        ("Phan Thị Diệu", F, 1982, A.WOMENS_UNION, 2, H), ("Võ Văn Hòa", M, 1960, A.VETERANS, 5, H),
        ("Trương Minh Nhật", M, 1998, A.YOUTH_UNION, 1, H), ("Huỳnh Văn Dũng", M, 1987, A.POLICE, 3, H),
        ("Lê Thị Kim Liên", F, 1975, A.FATHERLAND_FRONT, 6, H), ("Nguyễn Văn Tư", M, 1958, A.RESIDENT, 4, "new"),
        ("Đặng Thị Hồng", F, 1980, A.HEALTH, 7, "stopped"),
    )),
}  # fmt: skip
TRAINING = [
    "Tập huấn kỹ năng tư vấn, hỗ trợ người sử dụng ma túy (UBND quận, 2023)",
    "Tập huấn phòng, chống HIV/AIDS và giảm tác hại (Trung tâm Kiểm soát bệnh tật, 2024)",
    "Lớp kỹ năng làm việc với gia đình người sau cai nghiện (Hội Liên hiệp Phụ nữ, 2024)",
    "Chưa qua tập huấn; dự lớp tháng tới",
]
# (how, topics, notes, next step)
CONTACTS: list[tuple[str, list[str], str, str]] = [
    (E.HOME_VISIT, [T.FAMILY], "Gặp cả gia đình; sức khỏe ổn định, mẹ cho biết tối nào cũng ở nhà.", "Thăm lại"),
    (E.HOME_VISIT, [T.RELAPSE_PREVENTION], "Bàn cách tránh gặp lại nhóm bạn cũ; hứa không đi chơi khuya.", "Gặp lại"),
    (E.PHONE, [T.WORK_SKILLS], "Đang làm phụ hồ theo ngày, thu nhập chưa đều.", "Giới thiệu việc làm ổn định"),
    (E.PHONE, [], "Hỏi thăm sức khỏe và công việc, không có gì bất thường.", ""),
    (E.COUNSELLING_POINT, [T.HARMS], "Tư vấn về tác hại của ma túy đá, dấu hiệu sử dụng lại.", "Dự sinh hoạt nhóm"),
    (E.COUNSELLING_POINT, [T.HIV_PREVENTION], "Tư vấn phòng lây nhiễm HIV, xét nghiệm định kỳ.", "Đi xét nghiệm HIV"),
    (E.GROUP_SESSION, [T.RELAPSE_PREVENTION], "Sinh hoạt câu lạc bộ người sau cai nghiện.", "Mời dự tháng sau"),
    (E.GROUP_SESSION, [T.LEGAL], "Nghe phổ biến quy định về quản lý sau cai nghiện, nghĩa vụ trình diện.", ""),
    (E.FAMILY_MEETING, [T.FAMILY, T.CRISIS], "Vợ lo vì hay cáu gắt, mất ngủ; cả nhà thống nhất cùng động viên.",
     "Gặp cán bộ y tế tư vấn tâm lý"),
    (E.FAMILY_MEETING, [T.FAMILY, T.WORK_SKILLS], "Gia đình đồng ý góp vốn mở quầy sửa xe.", "Làm hồ sơ vay vốn"),
    (E.HOME_VISIT, [T.WORK_SKILLS], "Hướng dẫn thủ tục vay vốn Ngân hàng Chính sách xã hội.", "Nộp hồ sơ vay vốn"),
    (E.HOME_VISIT, [T.LEGAL], "Giải đáp về thời hạn quản lý và việc báo khi đi làm ăn xa.", ""),
    (E.PHONE, [T.CRISIS], "Buồn chán sau khi mất việc; đã trấn an, hẹn gặp trực tiếp.", "Gặp tại nhà"),
    (E.HOME_VISIT, [T.REHAB_OPTIONS], "Trao đổi về điều trị Methadone, cai nghiện tại nhà.", "Hẹn cơ sở Methadone"),
]  # fmt: skip
HEALTH_CONTACTS = [c for c in CONTACTS if c[0] == E.COUNSELLING_POINT]
GOALS = [
    (D.WORK, "Có việc làm ổn định", "Giới thiệu đến Trung tâm dịch vụ việc làm\nHỗ trợ làm hồ sơ xin việc"),
    (D.TRAINING, "Học nghề sửa chữa xe máy", "Đăng ký lớp học nghề miễn phí\nHỗ trợ tiền đi lại khi đi học"),
    (D.HEALTH, "Khám sức khỏe, xét nghiệm HIV và viêm gan", "Đưa đến trạm y tế khám\nNhắc lịch xét nghiệm"),
    (D.FAMILY, "Hàn gắn quan hệ với vợ con", "Họp gia đình hàng tháng\nMời vợ dự buổi tư vấn cho người thân"),
    (D.HOUSING, "Làm lại căn cước và thẻ bảo hiểm y tế", "Hướng dẫn thủ tục tại công an phường"),
    (D.LEGAL, "Chấp hành đủ quy định quản lý", "Trình diện hàng tháng\nBáo trước khi đi khỏi nơi cư trú"),
    (D.SOCIAL, "Sinh hoạt câu lạc bộ hàng tháng", "Mời dự sinh hoạt\nGiao việc phụ giúp hoạt động thể thao"),
]
REVIEWS = {
    G.ACHIEVED: "Đã hoàn thành.",
    G.IN_PROGRESS: "Đang thực hiện, cần thêm hỗ trợ.",
    G.DROPPED: "Gia đình không đồng ý; chuyển sang mục tiêu khác.",
}
# By rank (1 is the best): participation, work, family relations, compliance, notes.
BY_RANK: dict[int, tuple[list[str], list[str], list[str], list[str], str]] = {
    1: ([P.FULL], [W.STABLE], [R.GOOD], [C.COMPLIES], "Chấp hành tốt, đi làm đều, gia đình hài lòng."),
    2: ([P.FULL, P.PARTIAL], [W.STABLE, W.CASUAL], [R.GOOD], [C.COMPLIES], "Tiến bộ; cần việc ổn định hơn."),
    3: ([P.PARTIAL], [W.CASUAL, W.UNEMPLOYED], [R.GOOD, R.STRAINED], [C.COMPLIES, C.PARTLY], "Còn gặp bạn cũ."),
    4: ([P.PARTIAL, P.NONE], [W.UNEMPLOYED], [R.STRAINED, R.BROKEN], [C.PARTLY, C.VIOLATES], "Bỏ sinh hoạt, hay cáu."),
}
USE_NOTES = {
    U.SUSPECTED: "Gia đình báo hay thức khuya, bỏ sinh hoạt; nghi sử dụng lại, đề nghị công an test.",
    U.CONFIRMED: "Test nhanh dương tính; đã báo công an phường, tăng cường gặp gỡ.",
}
ENDED: dict[str, str] = {
    EndReason.COMPLETED: "Đã chấp hành xong biện pháp quản lý.",
    EndReason.TRANSFERRED_TO_COMPULSORY: "Đi cai nghiện bắt buộc.",
    EndReason.RELAPSE: "Sử dụng lại, đi cai nghiện bắt buộc.",
    EndReason.MOVED: "Chuyển đi nơi khác.",
    EndReason.DETAINED: "Bị tạm giữ, tạm giam.",
}
ASSIST_SUBSTANCE = {"heroin": "opioids", "opium": "opioids", "cannabis": "cannabis", "ketamine": "hallucinogens"}


def demo_casework_exist() -> bool:
    """True once a demo commune has a volunteer team: the demo then adds no case work."""
    return VolunteerTeam.objects.filter(unit__era=OrgUnit.Era.CURRENT, unit__code__in=list(TEAMS)).exists()


def demo_casework_create(today: datetime.date | None = None) -> None:
    """A team and a year of case work (to `today`) in each demo commune, through the services."""
    rng = random.Random(SEED)
    for code, spec in TEAMS.items():
        _Commune(code, spec, rng, today or timezone.localdate()).build()


@dataclass
class _Case:
    """A person case work follows in the year: since `start`, until `end` (None: still followed)."""

    person: Person
    start: datetime.date
    end: datetime.date | None
    end_reason: str
    kinds: set[str] = field(default_factory=set)
    group: str = "other"  # tnv (helped by tnv.phuthuong), waiting (for a volunteer), other, past
    slot: int = 0  # place in the group
    ranks: dict[datetime.date, int] = field(default_factory=dict)  # the months assessed
    test_month: datetime.date | None = None
    assignments: list[Assignment] | None = None  # read once made


class _Commune:
    def __init__(self, code: str, spec: _Team, rng: random.Random, today: datetime.date) -> None:
        self.spec, self.rng, self.today = spec, rng, today
        self.unit = OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE, code=code)
        self.officer, self.police = _user(spec.officer), _user(spec.police)
        self.health = _user(spec.health) if spec.health else None
        self.login = _user("tnv.phuthuong") if code == PHU_THUONG else None
        self.first = today - 364 * DAY  # contacts and instruments from here
        levels = list(rating_levels_for(self.unit))
        self.levels, self.rating = levels, {rank: levels[min(rank, len(levels)) - 1] for rank in BY_RANK}

    def ago(self, days: int) -> datetime.date:
        return self.today - days * DAY

    def build(self) -> None:
        name = self.unit.name[:1].lower() + self.unit.name[1:]
        team = services.team_create(
            actor=self.officer, unit=self.unit, name=f"Đội tình nguyện viên {name}",
            established_on=self.spec.established, decision_number=self.spec.decision,
            notes="Thành lập theo quyết định của Chủ tịch UBND phường; sinh hoạt ngày 25 hàng tháng.",
        )  # fmt: skip
        volunteers: dict[str, list[Volunteer]] = {kind: [] for kind in ("login", "helper", "new", "left", "stopped")}
        for name, sex, born, affiliation, hamlet, kind in self.spec.volunteers:
            user = self.login if kind == "login" else None
            start = self.ago(JOINED) if kind == "new" else self.spec.established + self.rng.randint(0, 300) * DAY
            training = TRAINING[3] if kind == "new" else self.rng.choice(TRAINING[:3])
            volunteers[kind].append(services.volunteer_add(
                actor=self.officer, team=team, full_name=user.full_name if user else name, sex=sex, birth_year=born,
                affiliation=affiliation, phone=f"09{self.rng.randint(10**7, 10**8 - 1)}", hamlet=f"Tổ dân phố {hamlet}",
                training=training, start_date=start, user=user,
            ))  # fmt: skip
        cases = self._cases()
        group = self._assign(cases, volunteers)
        tnv, other, past = group["tnv"], group["other"], group["past"]
        tested = shift_month_start(month_start(self.today), -4)  # the month the police test one of them
        managed = [c for c in [*tnv, *other] if EpisodeType.DRUG_USER_MANAGEMENT in c.kinds and c.start < tested]
        confirmed = managed[0] if managed else None
        for case in cases:
            self._contacts(case, follow_up=case in tnv[2:3] + other[:1])
            self._assessments(case, confirmed=case is confirmed)
        self._classify(cases, confirmed, pending=[c for c in other if c is not confirmed][-2:])
        for index, case in enumerate([*tnv[:2], *other[:2], *past[:1]]):
            self._plan(case, review_passed=index == 0)
        for case in [*tnv[:1], *other[:3:2]]:
            self._barc10(case)
        for case in [*tnv[1:2], *other[1:2]] if self.health else []:
            self._assist(case)

    def _cases(self) -> list[_Case]:
        """Everyone followed today, and the last few whose measure ended in the year; in the order registered."""
        people = Person.objects.filter(unit=self.unit, merged_into=None)
        followed = set(in_casework(people, self.today).values_list("pk", flat=True))
        periods = ManagementPeriod.objects.filter(unit=self.unit, end_date=None)
        arrived = dict(periods.values_list("person", "start_date"))
        episodes = (
            Episode.objects.filter(person__in=people, episode_type__in=settings.CASEWORK_ASSESSED_EPISODE_TYPES)
            .filter(Q(start_date__lte=self.today), Q(actual_end_date=None) | Q(actual_end_date__gte=self.first))
            .select_related("person__unit")
            .order_by("person_id", "start_date")
        )
        cases: dict[int, _Case] = {}
        for e in episodes:
            now = e.person_id in followed
            if now and e.actual_end_date is not None and e.actual_end_date < self.today:
                continue  # an earlier measure of someone followed today
            end = None if now else e.actual_end_date
            case = cases.get(e.person_id)
            if case is None:
                start = max(e.start_date, arrived.get(e.person_id, e.start_date))
                case = cases[e.person_id] = _Case(e.person, start, end, e.end_reason)
            elif end is not None and case.end is not None and end >= case.end:
                case.end, case.end_reason = end, e.end_reason
            case.kinds.add(e.episode_type)
        past = sorted((c for c in cases.values() if c.end), key=lambda c: (c.end, c.person.pk))[-PAST:]
        return sorted([*(c for c in cases.values() if c.end is None), *past], key=lambda c: c.person.pk)

    def _assign(self, cases: list[_Case], volunteers: dict[str, list[Volunteer]]) -> dict[str, list[_Case]]:
        """tnv.phuthuong's volunteer first, then those waiting, then the helpers in turn; returns the groups."""
        officer, helpers, login = self.officer, volunteers["helper"], volunteers["login"]
        current = [c for c in cases if c.end is None]
        mine = min(TNV_PEOPLE, len(current)) if login else 0
        waiting = min(WAITING[self.unit.code], (len(current) - mine) // 2)
        group: dict[str, list[_Case]] = {"tnv": [], "waiting": [], "other": [], "past": []}
        for case in cases:
            index = current.index(case) if case.end is None else -1
            case.group = "past" if index < 0 else "tnv" if index < mine else "waiting" if index < mine + waiting else ""
            case.group = case.group or "other"
            case.slot = len(group[case.group])
            group[case.group].append(case)

        def make(case: _Case, volunteer: Volunteer, start: datetime.date, reason: str = "") -> None:
            start = max(start, volunteer.start_date)
            services.assignment_make(actor=officer, person=case.person, volunteer=volunteer, start_date=start,
                                     reason=reason)  # fmt: skip

        then: list[tuple[_Case, Volunteer]] = []  # reassigned the day after their volunteer left
        for index, case in enumerate([*group["other"], *group["past"]]):  # every helper helps someone today
            helper = helpers[index % len(helpers)]
            if case.group == "other" and len(then) < 2 and volunteers["left"] and case.start < self.ago(LEFT + 30):
                make(case, volunteers["left"][0], case.start)
                then.append((case, helper))
            elif case.end is None:
                make(case, helper, case.start)
            elif case.end > max(case.start, helper.start_date):
                make(case, helper, case.start)
                assignment = Assignment.objects.get(person=case.person, end_date=None)
                reason = ENDED.get(case.end_reason, "Kết thúc biện pháp quản lý.")
                services.assignment_end(actor=officer, assignment=assignment, end_date=case.end, reason=reason)
        for volunteer in volunteers["left"]:
            services.volunteer_update(
                expected_version=None, actor=officer, volunteer=volunteer, end_date=self.ago(LEFT)
            )
        for case, helper in then:
            make(case, helper, self.ago(LEFT - 1))
        moved = next((c for c in group["tnv"][1:] if c.start < self.ago(MOVED + 30)), None)  # from another volunteer
        for case in group["tnv"]:
            if case is moved:
                make(case, helpers[0], case.start)
                make(case, login[0], self.ago(MOVED), "Chuyển cho tình nguyện viên cùng tổ dân phố.")
            else:
                make(case, login[0], case.start)
        for case in group["waiting"]:
            if volunteers["stopped"] and case.start < self.ago(STOPPED + 30):
                make(case, volunteers["stopped"][0], case.start)
        for volunteer in volunteers["stopped"]:
            services.volunteer_update(
                expected_version=None, actor=officer, volunteer=volunteer, end_date=self.ago(STOPPED)
            )
        return group

    def _actor(self, case: _Case, day: datetime.date) -> tuple[User, Volunteer | None]:
        """Who records the work of `day`: the volunteer who logs in, else the officer for the volunteer then."""
        if case.assignments is None:
            case.assignments = list(Assignment.objects.filter(person=case.person).select_related("volunteer"))
        volunteer = next((a.volunteer for a in case.assignments if a.start_date <= day <= (a.end_date or day)), None)
        if volunteer and self.login and volunteer.user_id == self.login.pk:
            return self.login, volunteer
        return self.officer, volunteer

    def _contacts(self, case: _Case, *, follow_up: bool) -> None:
        """One to three a month; the last leaves a next step, already due for `follow_up`."""
        rng, today, follow_up = self.rng, self.today, follow_up and case.start <= self.ago(14)
        last = case.end or today
        if case.group == "waiting":  # nobody has seen them since their volunteer stopped
            last = self.ago(STOPPED + rng.randint(4, 10))
        days: set[datetime.date] = set()
        first = max(case.start, self.first)
        for month in month_starts(first, last):
            span = [d for n in range(31) if (d := month + n * DAY).month == month.month and first <= d <= last]
            days.update(rng.sample(span, min(len(span), rng.choice((1, 1, 2, 2, 3)))))
        if follow_up:
            days = {d for d in days if d < self.ago(14)} | {self.ago(rng.randint(10, 14))}
        elif case.end is None and case.group != "waiting" and max(days, default=case.start) < self.ago(20):
            days.add(self.ago(rng.randint(2, 12)))
        for day in sorted(days):
            latest = day == max(days)
            actor, volunteer = self._actor(case, day)
            mode, topics, notes, step = rng.choice(CONTACTS)
            if self.health and actor == self.officer and rng.random() < 0.12:
                (mode, topics, notes, step), actor, volunteer = rng.choice(HEALTH_CONTACTS), self.health, None
            step_on = day + rng.randint(5, 20) * DAY if step else None
            if latest and case.end is None:  # what the work list shows next
                step = step or "Gọi điện hỏi thăm"
                step_on = self.ago(rng.randint(1, 4)) if follow_up else today + rng.randint(3, 14) * DAY
            fields: dict[str, Any] = {} if actor == self.login else {"volunteer": volunteer}
            services.contact_record(actor=actor, person=case.person, date=day, mode=mode, topics=topics, notes=notes,
                                    next_step=step, next_step_date=step_on, **fields)  # fmt: skip

    def _assessments(self, case: _Case, *, confirmed: bool) -> None:
        """Every month followed, less those tnv.phuthuong still has to do and those since a volunteer stopped."""
        rng, current = self.rng, month_start(self.today)
        due, overdue = assessment_months(self.today)
        months = month_starts(max(case.start, shift_month_start(current, -11)), case.end or self.today)
        skip: set[datetime.date] = set()
        if case.group == "tnv" and 1 <= case.slot <= 3:
            skip |= set(due) | ({overdue[0]} if case.slot == 3 else set())
        elif case.group == "waiting":
            skip |= {m for m in months if m > self.ago(STOPPED)}
        elif case.group == "other" and rng.random() < 0.5:
            skip |= set(due)
        if confirmed and shift_month_start(current, -4) in months:
            case.test_month = shift_month_start(current, -4)
        base, young = rng.choice((2, 3, 3, 4)), case.kinds == {EpisodeType.EARLY_INTERVENTION}
        for k, month in enumerate(m for m in months if m not in skip):
            rank, use = max(1, min(4, base - k // 4 + rng.choice((0, 0, 0, 1, -1)))), U.NONE
            actor, _volunteer = self._actor(case, min(shift_month_start(month, 1) - DAY, self.today))
            tests = []
            if month == case.test_month:  # the police tested positive; linking the test needs the officer
                use, rank, actor = U.CONFIRMED, 4, self.officer
                history = getattr(case.person, "drug_use", None)
                substance = history.primary_substance if history else Substance.METHAMPHETAMINE
                results: dict[str, str] = {substance: TestResult.POSITIVE}
                tests.append(drug_test_add(actor=self.police, person=case.person, date=month + 9 * DAY, sample="urine",
                                           tested_by=f"Công an {self.unit.name}", results=results))  # fmt: skip
            elif rng.random() < 0.03:
                use, rank = U.SUSPECTED, max(rank, 3)
            participation, work, family, compliance, notes = BY_RANK[rank]
            case.ranks[month] = rank
            services.assessment_submit(
                actor=actor, person=case.person, month=month, drug_tests=tests, drug_use=use,
                participation=rng.choice(participation), work_status=rng.choice([W.STUDYING] if young else work),
                family_relations=rng.choice(family), compliance=C.NOT_APPLICABLE if young else rng.choice(compliance),
                rating=self.rating[rank], notes=USE_NOTES.get(use, notes),
                assessed_on=min(shift_month_start(month, 1) - DAY, self.today),
            )  # fmt: skip

    def _classify(self, cases: list[_Case], confirmed: _Case | None, pending: list[_Case]) -> None:
        """Every quarter fully assessed, but the last one of the `pending`, which the officer has yet to confirm."""
        last = quarter_of(shift_month_start(month_start(self.today), -3))  # the last quarter finished
        for case in cases:
            quarter = quarter_of(shift_month_start(month_start(self.today), -11))
            while quarter <= last:
                months = quarter_months(*quarter)
                ranks = sorted(case.ranks[m] for m in months if m in case.ranks)
                if len(ranks) == len(months) and not (quarter == last and case in pending):
                    level, reason = self.rating[ranks[1]], ""
                    if case is confirmed and case.test_month in months:
                        level = self.levels[level.rank] if level.rank < len(self.levels) else self.levels[-2]
                        reason = "Điều chỉnh theo lần xét nghiệm dương tính trong quý và việc chấp hành các tháng khác."
                    services.classification_confirm(actor=self.officer, person=case.person, year=quarter[0],
                                                    quarter=quarter[1], level=level, reason=reason)  # fmt: skip
                quarter = (quarter[0] + quarter[1] // 4, quarter[1] % 4 + 1)

    def _plan(self, case: _Case, *, review_passed: bool) -> None:
        """Two to four goals, most reviewed since; the first one's review is past when `review_passed`."""
        rng, start = self.rng, max(case.start, self.first) + 14 * DAY
        if start > (case.end or self.today):
            return
        actor, _volunteer = self._actor(case, self.today if case.end is None else start)
        plan = services.plan_create(actor=actor, person=case.person, start_date=start,
                                    end_date=shift_month_start(start, 12),
                                    notes="Lập cùng người được hỗ trợ và gia đình.")  # fmt: skip
        for k, (domain, goal, actions) in enumerate(rng.sample(GOALS, rng.randint(2, 4))):
            late = review_passed and k == 0
            added = services.goal_add(
                actor=actor, plan=plan, domain=domain, goal=goal, actions=actions,
                target_date=start + rng.randint(90, 270) * DAY,
                review_date=self.ago(10) if late else None if case.end else self.today + rng.randint(10, 40) * DAY,
            )  # fmt: skip
            status = G.IN_PROGRESS if late else rng.choice([*REVIEWS, G.IN_PROGRESS, G.ACHIEVED])
            reviewed = min(start + rng.randint(30, 150) * DAY, case.end or self.today)
            if k < 3:  # a fourth goal is not started yet
                # A volunteer records the review of a goal about health without its notes, which they may not read.
                seen = may_read_health(actor, case.person) or not added.health_related
                notes = {"review_notes": REVIEWS[status]} if seen else {}
                services.goal_update(actor=actor, plan_goal=added, expected_version=None, status=status,
                                     reviewed_on=reviewed, **notes)  # fmt: skip
        if case.end is not None:
            services.plan_close(actor=actor, plan=plan, on=case.end)

    def _barc10(self, case: _Case) -> None:
        """Three or four BARC-10s over the year, the total rising as recovery capital grows."""
        actor, _volunteer = self._actor(case, self.today)
        count, total = self.rng.randint(3, 4), self.rng.randint(22, 30)
        for day in _spread(max(case.start, self.first), self.today, count):
            items = [total // 10 + (1 if i < total % 10 else 0) for i in range(10)]
            self.rng.shuffle(items)
            services.instrument_record(actor=actor, person=case.person, instrument=choices.Instrument.BARC10,
                                       date=day, answers=items)  # fmt: skip
            total = min(60, total + self.rng.randint(4, 9))

    def _assist(self, case: _Case) -> None:
        """An ASSIST when case work began and another later: the main substance no longer used lately."""
        assert self.health is not None
        history = getattr(case.person, "drug_use", None)
        substance = ASSIST_SUBSTANCE.get(history.primary_substance if history else "", "amphetamines")
        injection = "yes_not_past_3_months" if history and history.injecting else "no"
        before = {"q1": "yes", "q2": "weekly", "q3": "weekly", "q4": "monthly", "q5": "once_twice",
                  "q6": "yes_past_3_months", "q7": "yes_past_3_months"}  # fmt: skip
        after = {"q1": "yes", "q2": "never", "q6": "yes_not_past_3_months", "q7": "yes_past_3_months"}
        tobacco = {"q1": "yes", "q2": "daily", "q3": "daily", "q4": "never", "q6": "yes_past_3_months", "q7": "no"}
        for used, day in zip((before, after), _spread(max(case.start, self.first), self.today, 2), strict=True):
            services.instrument_record(actor=self.health, person=case.person, instrument=choices.Instrument.ASSIST,
                                       date=day, answers={substance: used, "tobacco": tobacco},
                                       injection=injection)  # fmt: skip


def _user(username: str) -> User:
    user: User = User.objects.get(username=username)
    return user


def _spread(first: datetime.date, last: datetime.date, count: int) -> list[datetime.date]:
    """`count` days from `first` to a week before `last`, evenly apart."""
    span = max(0, (last - first).days - 7)
    return [first + (span * k // max(1, count - 1)) * DAY for k in range(count)]


# Summary --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseworkFigures:
    """A demo commune's team and case work, as its officer sees them today; `counts` by kind of record."""

    unit_name: str
    volunteers: int
    coverage: Coverage
    counts: dict[str, int]


def demo_casework_summary(today: datetime.date | None = None) -> list[CaseworkFigures]:
    today, rows = today or timezone.localdate(), []
    kinds: dict[str, Any] = {
        "assignments": Assignment, "contacts": Contact, "monthly assessments": MonthlyAssessment,
        "quarterly classifications": QuarterlyClassification, "plans": ReintegrationPlan,
        "ASSIST and BARC-10 records": InstrumentRecord,
    }  # fmt: skip
    for code, spec in TEAMS.items():
        unit = OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE, code=code)
        counts = {kind: model.objects.filter(person__unit=unit).count() for kind, model in kinds.items()}
        volunteers = Volunteer.objects.filter(team__unit=unit).count()
        rows.append(CaseworkFigures(unit.name, volunteers, coverage(_user(spec.officer), unit, today), counts))
    return rows
