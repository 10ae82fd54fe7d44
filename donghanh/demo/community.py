"""Demo community models, written through the services: seed 004's six early-intervention clubs of Đà Nẵng,
Phú Thượng's post-rehab club and counselling point (seed 003), activities in both provinces, and their roadmaps.

Made after the demo people, relative to the day it runs (`today`): a year of monthly sessions to `today`,
members who joined and left within it; the clubs' history (decisions, status changes) keeps its real dates.
Seed 004's wards are legacy wards: each club belongs to the current ward its legacy ward passed into,
and its members are young people registered there under early intervention. Each ward's commune officer
keeps its club; Đà Nẵng has no demo accounts of its own, so the demo makes a province officer and one
commune officer per ward (with the demo password; the command prints them under the community models).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from donghanh.accounts.models import RoleAssignment, User
from donghanh.accounts.roles import Role
from donghanh.community import services
from donghanh.community.choices import ActivityKind, BoardRole, ModelStatus, Schedule, SessionKind
from donghanh.community.models import Activity, BoardMember, CommunityModel, Membership
from donghanh.community.selectors import RoadmapProgress, attendance_rates, members_on, roadmap_progress, status_on
from donghanh.demo.communes import PHU_THUONG
from donghanh.demo.community_members import DAY, CommunityWriter, past_year
from donghanh.demo.community_sites import DA_NANG, Site, da_nang_sites
from donghanh.demo.world import DEMO_ACCOUNTS
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Sex

SEED = 2016
HA_NOI = "01"
CURRENT = OrgUnit.Era.CURRENT
PROVINCE, COMMUNE = OrgUnit.Level.PROVINCE, OrgUnit.Level.COMMUNE
EI_CLUB = "Câu lạc bộ “Can thiệp sớm, dự phòng nghiện ma túy”"
PROVINCE_OFFICER = ("tinh.danang", "Nguyễn Thị Thu Hiền")
BOARD_RENEWED = datetime.date(2025, 8, 15)  # the merged wards named their clubs' boards again
EI_TOPICS = (
    (SessionKind.REGULAR, "Sinh hoạt định kỳ: đánh giá sự tiến bộ của hội viên trong tháng"),
    (SessionKind.TALK, "Tác hại của ma túy tổng hợp và các chất gây nghiện mới"),
    (SessionKind.GROUP_COUNSELLING, "Kỹ năng từ chối, ứng phó với rủ rê của bạn bè"),
    (SessionKind.CULTURE_SPORTS, "Giao lưu bóng đá mini với Đoàn Thanh niên phường"),
    (SessionKind.FAMILY_DIALOGUE, "Đối thoại với gia đình: cùng xây dựng kế hoạch cá nhân"),
    (SessionKind.TALK, "Pháp luật về phòng, chống ma túy và xử lý vi phạm hành chính"),
    (SessionKind.FIELD_TRIP, "Tham quan Cơ sở cai nghiện ma túy thành phố Đà Nẵng"),
    (SessionKind.GROUP_COUNSELLING, "Quản lý cảm xúc và căng thẳng"),
    (SessionKind.REGULAR, "Hướng nghiệp, giới thiệu học nghề và việc làm"),
    (SessionKind.TALK, "Sức khỏe tuổi trẻ, phòng lây nhiễm HIV"),
    (SessionKind.REGULAR, "Phân loại sự tiến bộ của hội viên theo quý"),
    (SessionKind.CULTURE_SPORTS, "Văn nghệ, trò chơi tập thể cùng gia đình hội viên"),
)
POST_REHAB_TOPICS = (
    (SessionKind.REGULAR, "Sinh hoạt định kỳ: chia sẻ kinh nghiệm phòng, chống tái nghiện"),
    (SessionKind.GROUP_COUNSELLING, "Nhận biết và vượt qua cơn thèm nhớ ma túy"),
    (SessionKind.TALK, "Vay vốn ưu đãi tự tạo việc làm – Ngân hàng Chính sách xã hội"),
    (SessionKind.REGULAR, "Xây dựng kế hoạch cá nhân về hòa nhập cộng đồng"),
    (SessionKind.FAMILY_DIALOGUE, "Gia đình đồng hành cùng người sau cai nghiện"),
    (SessionKind.TALK, "Tư vấn pháp lý: quyền và nghĩa vụ trong thời gian quản lý sau cai nghiện"),
    (SessionKind.CULTURE_SPORTS, "Giải cầu lông giao hữu của câu lạc bộ"),
    (SessionKind.GROUP_COUNSELLING, "Giữ việc làm và quản lý thu nhập"),
    (SessionKind.TALK, "Điều trị Methadone và chăm sóc sức khỏe"),
    (SessionKind.REGULAR, "Đánh giá sự tiến bộ của hội viên, gặp gỡ hội viên mới"),
    (SessionKind.FIELD_TRIP, "Thăm cơ sở sản xuất nhận người sau cai nghiện vào làm việc"),
    (SessionKind.REGULAR, "Sinh hoạt định kỳ và tổng kết hoạt động của tháng"),
)
EI_BOARD = ((BoardRole.CHAIR, "Bí thư Đoàn"), (BoardRole.VICE_CHAIR, "Công chức Văn hóa – Xã hội"),
            (BoardRole.MEMBER, "Cán bộ Công an"))  # fmt: skip


def demo_community_exist() -> bool:
    """True once Phú Thượng has a community model: the demo then adds none."""
    return CommunityModel.objects.filter(unit__era=CURRENT, unit__level=COMMUNE, unit__code=PHU_THUONG).exists()


@transaction.atomic
def demo_community_create(today: datetime.date | None = None, *, da_nang: bool = True) -> None:
    """The clubs, counselling point, their boards, members and a year of sessions (to `today`), the activities
    and the roadmaps, through the services; Đà Nẵng's accounts are made first. Without `da_nang`, only
    Phú Thượng's club and counselling point (a smaller demo for tests)."""
    today = today or timezone.localdate()
    demo = _Demo(random.Random(SEED), today)
    if not da_nang:
        demo.phu_thuong()
        return
    province = OrgUnit.objects.get(era=CURRENT, level=PROVINCE, code=DA_NANG)
    demo.user(*PROVINCE_OFFICER, Role.PROVINCE_OFFICER, province)
    sites = da_nang_sites()
    for index, site in enumerate(sites):
        demo.early_intervention_club(index, site)
    demo.phu_thuong()
    demo.activities(sites)
    demo.roadmaps()


def _phrase(name: str) -> str:
    """As written inside a phrase: "phường Sơn Trà"."""
    return name[:1].lower() + name[1:]


class _Demo(CommunityWriter):
    """Adds the models themselves: the clubs and the counselling point, their boards, activities and roadmaps."""

    # Đà Nẵng ------------------------------------------------------------------------------------

    def early_intervention_club(self, index: int, site: Site) -> None:
        rng, ward = self.rng, site.ward
        officer = self.user(site.officer, self.name(Sex.FEMALE if index % 2 else Sex.MALE), Role.COMMUNE_OFFICER, ward)
        decided = datetime.date(2016, rng.randint(3, 6), rng.randint(1, 28))
        founded, district = (
            _phrase(site.founded_name),
            _phrase(site.founded_in.parent.name if site.founded_in.parent else ""),
        )
        club = services.model_create(
            actor=officer, unit=ward, model_type=self.types["early_intervention_club"],
            name=f"{EI_CLUB} {_phrase(ward.name)}", decision_number=f"{rng.randint(20, 180)}/QĐ-UBND",
            decision_date=decided, decision_body=f"Ủy ban nhân dân {founded}",
            established_on=decided + rng.randint(5, 20) * DAY, status=ModelStatus.PILOT,
            meeting_place=f"Nhà văn hóa Tổ dân phố {rng.randint(1, 12)} (khu vực {founded} cũ)",
            schedule=Schedule.MONTHLY,
            notes=f"Thí điểm từ năm 2016 tại {founded} ({district}) theo kế hoạch của thành phố; "
            f"từ ngày 01/07/2025 thuộc {_phrase(ward.name)}. Đối tượng: thanh thiếu niên có nguy cơ, "
            "người sử dụng trái phép chất ma túy đã bị xử lý vi phạm hành chính.",
        )  # fmt: skip
        services.model_status_change(
            actor=officer, model=club, status=ModelStatus.ACTIVE, on=datetime.date(2018, 5, 15),
            note="Tiếp tục duy trì theo Kế hoạch ngày 03/5/2018 của Chi cục Phòng, chống tệ nạn xã hội thành phố.",
        )  # fmt: skip
        services.model_status_change(
            actor=officer, model=club, status=ModelStatus.STABLE,
            on=datetime.date(2019, rng.randint(6, 12), rng.randint(1, 28)),
            note="Sơ kết: câu lạc bộ hoạt động ổn định, hiệu quả.",
        )  # fmt: skip
        board = self.board(officer, club, EI_BOARD, BOARD_RENEWED, _phrase(ward.name))
        members = self.ei_members(index, site, officer, club)
        self.enrol(officer, club, members)
        days = self.monthly_days(rng.randint(3, 12))
        self.sessions(officer, club, members, days, EI_TOPICS[index:] + EI_TOPICS[:index], board)

    def board(
        self, officer: User, club: CommunityModel, seats: Iterable[tuple[str, str]], start: datetime.date, ward: str
    ) -> list[str]:
        names = []
        for role, position in seats:
            full_name = self.name(Sex.FEMALE if self.rng.random() < 0.4 else Sex.MALE)
            services.board_add(actor=officer, model=club, role=role, full_name=full_name, start_date=start,
                               position=f"{position} {ward}", phone=self.phone())  # fmt: skip
            names.append(full_name)
        return names

    # Phú Thượng -----------------------------------------------------------------------------------

    def phu_thuong(self) -> None:
        unit = OrgUnit.objects.get(era=CURRENT, level=COMMUNE, code=PHU_THUONG)
        officer, board_member = self.user("xa.phuthuong"), self.user("clb.phuthuong")
        body = "Ủy ban nhân dân phường Phú Thượng"
        point = services.model_create(
            actor=officer, unit=unit, model_type=self.types["counselling_point"],
            name="Điểm tư vấn, chăm sóc, hỗ trợ điều trị nghiện ma túy tại cộng đồng phường Phú Thượng",
            decision_number="142/QĐ-UBND", decision_date=datetime.date(2024, 6, 3), decision_body=body,
            established_on=datetime.date(2024, 6, 10), meeting_place="Trạm Y tế phường Phú Thượng",
            schedule=Schedule.WEEKLY, notes="Tư vấn cá nhân sáng thứ Năm hằng tuần; tư vấn nhóm theo quý.",
        )  # fmt: skip
        services.model_status_change(actor=officer, model=point, status=ModelStatus.ACTIVE,
                                     on=datetime.date(2025, 6, 16), note="Hết giai đoạn thí điểm.")  # fmt: skip
        for role, full_name, position in (
            (BoardRole.CHAIR, "Trần Văn Quang", "Trạm trưởng Trạm Y tế phường"),
            (BoardRole.MEMBER, "Nguyễn Thị Thanh Loan", "Tư vấn viên, Trạm Y tế phường"),
        ):
            services.board_add(actor=officer, model=point, role=role, full_name=full_name, position=position,
                               start_date=point.established_on, phone=self.phone())  # fmt: skip
        for ago in (300, 210, 120, 30):  # group counselling for families, a quarter apart
            services.session_record(
                actor=officer, model=point, date=self.today - ago * DAY, kind=SessionKind.TALK,
                topic="Tư vấn nhóm cho gia đình người sử dụng ma túy", facilitator="Trần Văn Quang",
                place=point.meeting_place, family_count=self.rng.randint(6, 12), guest_count=self.rng.randint(3, 8),
            )  # fmt: skip

        club = services.model_create(
            actor=officer, unit=unit, model_type=self.types["post_rehab_club"],
            name="Câu lạc bộ người sau cai nghiện ma túy phường Phú Thượng", decision_number="186/QĐ-UBND",
            decision_date=datetime.date(2024, 9, 6), decision_body=body, established_on=datetime.date(2024, 9, 16),
            meeting_place="Nhà văn hóa Tổ dân phố 7, phường Phú Thượng", schedule=Schedule.MONTHLY,
            notes="Mô hình thí điểm theo lộ trình của thành phố; vận động người trong diện quản lý sau cai nghiện "
            "ma túy trên địa bàn tham gia sinh hoạt.",
        )  # fmt: skip
        services.model_status_change(
            actor=officer, model=club, status=ModelStatus.ACTIVE, on=datetime.date(2025, 9, 15),
            note="Hết giai đoạn thí điểm; tiếp tục duy trì.",
        )  # fmt: skip
        services.model_status_change(
            actor=officer, model=club, status=ModelStatus.STABLE, on=datetime.date(2026, 7, 6),
            note="Sơ kết 6 tháng đầu năm 2026: hoạt động ổn định, hiệu quả.",
        )  # fmt: skip
        board = []
        for role, full_name, position, user in (
            (BoardRole.CHAIR, "Nguyễn Văn Thịnh", "Phó Chủ tịch Ủy ban Mặt trận Tổ quốc phường", None),
            (BoardRole.VICE_CHAIR, board_member.full_name, "Cán bộ Hội Liên hiệp Phụ nữ phường", board_member),
            (BoardRole.MEMBER, "Lê Thị Hồng Nhung", "Nhân viên Trạm Y tế phường", None),
        ):
            services.board_add(actor=officer, model=club, role=role, full_name=full_name, position=position,
                               user=user, start_date=club.established_on, phone=self.phone())  # fmt: skip
            board.append(full_name)
        members = self.post_rehab_members(unit, club)
        self.enrol(officer, club, members)
        self.sessions(board_member, club, members, self.monthly_days(8), POST_REHAB_TOPICS, board)

    # Activities and roadmaps ----------------------------------------------------------------------

    def activities(self, sites: list[Site]) -> None:
        """A campaign, a training, a review and a drug-free-ward event in each province, and a club's match."""
        ha_noi = OrgUnit.objects.get(era=CURRENT, level=PROVINCE, code=HA_NOI)
        da_nang = OrgUnit.objects.get(era=CURRENT, level=PROVINCE, code=DA_NANG)
        phu_thuong = OrgUnit.objects.get(era=CURRENT, level=COMMUNE, code=PHU_THUONG)
        club = CommunityModel.objects.get(unit=phu_thuong, model_type__code="post_rehab_club")
        june = datetime.date(self.today.year, 6, 26)  # the International Day against Drug Abuse
        june = june if june <= self.today else june.replace(year=june.year - 1)
        hai_chau, my_an = next(s for s in sites if s.officer == "xa.haichau"), sites[-1]
        officer, province, board = self.user("xa.phuthuong"), self.user("tinh.hanoi"), self.user("clb.phuthuong")
        da_nang_officer = self.user(PROVINCE_OFFICER[0])
        # actor, unit, days ago (or the day), kind, title, (people, family, staff, volunteers, public), materials
        rows: list[tuple[User, OrgUnit, int | datetime.date, str, str, tuple[int, ...], str, CommunityModel | None]]
        rows = [
            (officer, phu_thuong, june, ActivityKind.CAMPAIGN,
             "Hưởng ứng Tháng hành động phòng, chống ma túy và Ngày Quốc tế phòng, chống ma túy 26/6",
             (14, 22, 18, 12, 240), "Băng rôn, 500 tờ rơi, bài phát trên loa truyền thanh phường", None),
            (province, ha_noi, 150, ActivityKind.TRAINING,
             "Tập huấn kỹ năng hỗ trợ người sau cai nghiện cho tình nguyện viên và ban chủ nhiệm câu lạc bộ",
             (0, 0, 24, 46, 0), "Tài liệu tập huấn; bài tập tình huống", None),
            (province, ha_noi, 40, ActivityKind.REVIEW,
             "Hội nghị sơ kết hai năm thực hiện mô hình Câu lạc bộ người sau cai nghiện ma túy",
             (6, 4, 35, 10, 0), "Báo cáo sơ kết; phim tư liệu về hoạt động của câu lạc bộ", club),
            (officer, phu_thuong, 95, ActivityKind.DRUG_FREE, "Lễ phát động xây dựng phường Phú Thượng không ma túy",
             (10, 25, 30, 15, 320), "Phông, khẩu hiệu; cam kết của các tổ dân phố", None),
            (board, phu_thuong, 60, ActivityKind.CULTURE_SPORTS,
             "Giải bóng đá giao hữu của câu lạc bộ với Đoàn Thanh niên phường", (12, 8, 3, 6, 40), "", club),
            (self.user(hai_chau.officer), hai_chau.ward, june, ActivityKind.CAMPAIGN,
             "Truyền thông phòng, chống ma túy trong thanh thiếu niên tại các tổ dân phố", (9, 15, 12, 20, 180),
             "Tờ rơi, pa nô; thi tìm hiểu pháp luật về phòng, chống ma túy", None),
            (da_nang_officer, da_nang, 120, ActivityKind.TRAINING,
             "Tập huấn kỹ năng tư vấn nhóm, can thiệp sớm cho tình nguyện viên và ban chủ nhiệm 06 câu lạc bộ",
             (0, 0, 18, 36, 0), "Tài liệu hướng dẫn sinh hoạt câu lạc bộ can thiệp sớm", None),
            (da_nang_officer, da_nang, 25, ActivityKind.REVIEW,
             f"Hội nghị tổng kết {self.today.year - 2016} năm thực hiện mô hình {EI_CLUB} (2016–{self.today.year})",
             (30, 12, 40, 24, 0),
             "Báo cáo tổng kết; khen thưởng hội viên tiến bộ", None),
            (self.user(my_an.officer), my_an.ward, 70, ActivityKind.DRUG_FREE,
             "Ngày hội toàn dân phòng, chống ma túy – xây dựng phường không ma túy", (8, 20, 25, 18, 260),
             "Sân khấu hóa tuyên truyền; ký cam kết gia đình không ma túy", None),
        ]  # fmt: skip
        for actor, unit, when, kind, title, counts, materials, model in rows:
            people, family, staff, volunteers, public = counts
            services.activity_record(
                actor=actor, unit=unit, date=when if isinstance(when, datetime.date) else self.today - when * DAY,
                kind=kind, title=title, people_count=people, family_count=family, staff_count=staff,
                volunteer_count=volunteers, public_count=public, materials=materials, model=model,
            )  # fmt: skip

    def roadmaps(self) -> None:
        ha_noi = OrgUnit.objects.get(era=CURRENT, level=PROVINCE, code=HA_NOI)
        da_nang = OrgUnit.objects.get(era=CURRENT, level=PROVINCE, code=DA_NANG)
        hn, dn, now = self.user("tinh.hanoi"), self.user(PROVINCE_OFFICER[0]), self.today.year
        for actor, unit, year, model_type, count, share, note in (  # last year's and this year's
            (hn, ha_noi, now - 1, None, 2, None, "Thí điểm 02 mô hình tại nơi có nhiều người sau cai nghiện ma túy."),
            (hn, ha_noi, now, None, 4, 100, "100% mô hình đã xây dựng đi vào hoạt động ổn định, hiệu quả."),
            (dn, da_nang, now, self.types["early_intervention_club"], 6, 100,
             "Duy trì 06 câu lạc bộ can thiệp sớm, hoạt động ổn định."),
        ):  # fmt: skip
            services.roadmap_target_set(actor=actor, unit=unit, year=year, model_type=model_type,
                                        models_target=count, stable_share_target=share, note=note)  # fmt: skip


# Summary --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommunityFigures:
    """A demo province's community models as its officer sees them today."""

    unit_name: str
    models: int
    stable: int
    members: int  # today
    sessions: int  # in the past year
    regular: int  # members attending regularly over the past year
    rated: int  # of the members who had sessions held in that year
    activities: int
    roadmap: list[RoadmapProgress]  # this year's targets


@dataclass(frozen=True)
class ExtraAccount:
    """An account the demo made for Đà Nẵng, listed with the community models."""

    username: str
    role_label: str
    unit_name: str


def demo_community_summary(today: datetime.date | None = None) -> list[CommunityFigures]:
    today, rows = today or timezone.localdate(), []
    first, last = past_year(today)
    for username, code in (("tinh.hanoi", HA_NOI), (PROVINCE_OFFICER[0], DA_NANG)):
        officer = User.objects.filter(username=username).first()
        if officer is None:
            continue
        unit = OrgUnit.objects.get(era=CURRENT, level=PROVINCE, code=code)
        models = CommunityModel.objects.accessible_to(officer).filter(unit__path__startswith=unit.path)
        stable = status_on(models, today).filter(status_then=ModelStatus.STABLE)  # type: ignore[misc]  # annotation
        memberships = Membership.objects.accessible_to(officer).filter(model__in=models)
        rates = [r for r in attendance_rates(memberships, first, last) if r.held]
        members = sum(members_on(model, today).count() for model in models)
        rows.append(CommunityFigures(
            unit.name, models.count(), stable.count(), members,
            sum(m.sessions.filter(date__range=(first, last)).count() for m in models),
            sum(r.regular for r in rates), len(rates),
            Activity.objects.accessible_to(officer).filter(unit__path__startswith=unit.path).count(),
            [p for p in roadmap_progress(officer, unit, today) if p.target.year == today.year],
        ))  # fmt: skip
    return rows


@dataclass(frozen=True)
class BoardSeatFigures:
    """What a demo board member finds on their home page: their model and its members today."""

    username: str
    model_name: str
    members: int


def demo_board_seats(today: datetime.date | None = None) -> list[BoardSeatFigures]:
    """The demo's board members who log in, with the models whose board they sit on today."""
    today = today or timezone.localdate()
    seats = (
        BoardMember.objects.filter(user__username__in=[a.username for a in DEMO_ACCOUNTS], start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("user", "model")
        .order_by("user__username", "model__search_name")
    )
    return [
        BoardSeatFigures(s.user.username, s.model.name, members_on(s.model, today).count()) for s in seats if s.user
    ]


def demo_community_accounts() -> list[ExtraAccount]:
    """The accounts the demo made for Đà Nẵng's clubs (not in `DEMO_ACCOUNTS`), when made."""
    usernames = [PROVINCE_OFFICER[0], *(s.officer for s in da_nang_sites())]
    roles = RoleAssignment.objects.filter(user__username__in=usernames).select_related("user", "unit")
    found = {r.user.username: ExtraAccount(r.user.username, str(Role(r.role).label), r.unit.name) for r in roles}
    demo = {a.username for a in DEMO_ACCOUNTS}
    return [found[name] for name in dict.fromkeys(usernames) if name in found and name not in demo]
