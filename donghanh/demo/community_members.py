"""The members of the demo's community models, their sessions and attendance, and the accounts and people they need.

`CommunityWriter` writes through the services, with names, numbers and dates from one seeded generator: accounts,
young people under early intervention, memberships, and a year of sessions with who attended each; `demo.community`
adds the models themselves, their boards, activities and roadmaps.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models import Q

from donghanh.accounts.models import RoleAssignment, User
from donghanh.community import services
from donghanh.community.choices import LeaveReason, SessionKind
from donghanh.community.models import CommunityModel, Membership, ModelType
from donghanh.core.dates import add_months_civil, month_start, shift_month_start
from donghanh.demo.community_sites import Site
from donghanh.demo.world import DEMO_PASSWORD
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.services import episode_close, episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Education, MaritalStatus, Sex, Substance, Whereabouts
from donghanh.people.models import Person
from donghanh.people.services import drug_use_record, person_register, whereabouts_record
from donghanh.reports.synthetic.names import FAMILY, GIVEN, MIDDLE

DAY = datetime.timedelta(days=1)
# What the young members of the early-intervention clubs do.
OCCUPATIONS = ["Lao động tự do", "Phụ bán quán ăn", "Giao hàng", "Thợ điện", "Học nghề", "Không có việc làm",
               "Phụ hồ", "Sinh viên cao đẳng", "Bán hàng online"]  # fmt: skip
LEFT = (  # why members left, in turn, and whether they had come regularly until then
    (LeaveReason.GRADUATED, "Đã có việc làm ổn định, không còn sử dụng ma túy.", True),
    (LeaveReason.MOVED, "Theo gia đình vào làm ăn tại Thành phố Hồ Chí Minh.", True),
    (LeaveReason.WITHDREW, "Không tiếp tục sinh hoạt; ban chủ nhiệm vẫn theo dõi, động viên.", False),
)


def past_year(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The twelve months up to `today`, as the demo's sessions and attendance rates count them."""
    return add_months_civil(today, -12) + DAY, today


@dataclass
class Member:
    """Someone to enrol in a club: from when, whether they come regularly, and when and why they left, if they did."""

    person: Person
    joined: datetime.date
    regular: bool
    left: tuple[datetime.date, str, str] | None = None  # day, reason, note
    membership: Membership | None = None


class CommunityWriter:
    """Writes through the services, picking names, numbers and dates from one seeded generator."""

    def __init__(self, rng: random.Random, today: datetime.date) -> None:
        self.rng, self.today = rng, today
        self.first, _last = past_year(today)
        self.names = set(Person.objects.values_list("full_name", flat=True))
        self.ids = set(Person.objects.exclude(citizen_id="").values_list("citizen_id", flat=True))  # all taken
        self.password = ""
        self.types = {t.code: t for t in ModelType.objects.all()}
        self.users: dict[str, User] = {}

    # Accounts -------------------------------------------------------------------------------------

    def user(self, username: str, full_name: str = "", role: str = "", unit: OrgUnit | None = None) -> User:
        """A demo account, made (with the demo password and the role at `unit`) when missing."""
        if username not in self.users:
            user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
            if created:  # hashed once for all of them: hashing is slow on purpose
                user.password = self.password = self.password or make_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if role and unit is not None:
                RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
            self.users[username] = user
        return self.users[username]

    def name(self, sex: str) -> str:
        while (full := " ".join(self.rng.choice(w.split()) for w in (FAMILY, MIDDLE[sex], GIVEN[sex]))) in self.names:
            pass
        self.names.add(full)
        return full

    def phone(self) -> str:
        return f"09{self.rng.randint(10**7, 10**8 - 1)}"

    def day(self, ago_from: int, ago_to: int) -> datetime.date:
        return self.today - self.rng.randint(ago_to, ago_from) * DAY

    # Members --------------------------------------------------------------------------------------

    def ei_members(self, index: int, site: Site, officer: User, club: CommunityModel) -> list[Member]:
        """Young people under early intervention: those the ward had, then new ones; some of them left."""
        rng, members = self.rng, []
        already = Episode.objects.filter(
            person__unit=site.ward, episode_type=EpisodeType.EARLY_INTERVENTION, actual_end_date=None
        ).select_related("person")
        for episode in already.order_by("start_date", "pk"):
            joined = min(max(episode.start_date + 7 * DAY, club.established_on), self.today)
            members.append(Member(episode.person, joined, regular=True))
        staying, leaving = rng.randint(6, 9), 1 + index % 2
        for k in range(staying - len(members) + leaving):
            left = None
            if k < leaving:  # who left within the year
                reason, note, regular = LEFT[(index + k) % len(LEFT)]
                joined = self.day(700, 300)
                left = (self.day(250, 40), reason, note)
            else:
                joined = self.day(1000, 380) if rng.random() < 0.6 else self.day(320, 60)
                regular = rng.random() > 0.15
            person = self.youth(site, officer, club, joined, left)
            members.append(Member(person, joined, regular, left))
        return members

    def youth(
        self, site: Site, officer: User, club: CommunityModel, joined: datetime.date,
        left: tuple[datetime.date, str, str] | None,
    ) -> Person:  # fmt: skip
        """Registered in the ward, with light drug use, under early intervention from just before joining."""
        rng = self.rng
        sex = Sex.FEMALE if rng.random() < 0.1 else Sex.MALE
        year, full_name = rng.randint(1998, 2006), self.name(sex)
        start = joined - rng.randint(0, 10) * DAY
        registered = start - rng.randint(7, 45) * DAY
        mother = rng.random() < 0.6
        parent = self.name(Sex.FEMALE if mother else Sex.MALE).split()
        if not mother:  # a father shares the family name
            parent[0] = full_name.split()[0]
        hamlet, street = f"Tổ dân phố {rng.randint(1, 12)}", f"Số {rng.randint(2, 160)} {rng.choice(site.streets)}"
        fields: dict[str, Any] = {
            "permanent_unit": site.ward, "current_hamlet": hamlet, "current_street": street,
            "permanent_hamlet": hamlet, "permanent_street": street, "occupation": rng.choice(OCCUPATIONS),
            "education": rng.choice([Education.LOWER_SECONDARY, Education.UPPER_SECONDARY, Education.VOCATIONAL]),
            "marital_status": MaritalStatus.SINGLE, "dependants": 0,
            "family_contacts": f"{'Mẹ' if mother else 'Bố'}: {' '.join(parent)}, {self.phone()}",
        }  # fmt: skip
        if rng.random() < 0.8:
            fields["phone"] = self.phone()
        if rng.random() < 0.85:
            fields["birth_date"] = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            century = (1 if sex == Sex.FEMALE else 0) + (2 if year >= 2000 else 0)
            while (number := f"048{century}{year % 100:02d}{rng.randint(0, 999_999):06d}") in self.ids:
                pass
            self.ids.add(number)
            fields["citizen_id"] = number
        person = person_register(actor=officer, unit=site.ward, full_name=full_name, sex=sex, birth_year=year,
                                 registered_on=registered, **fields)  # fmt: skip
        substances = [rng.choice([Substance.CANNABIS, Substance.SYNTHETIC, Substance.METHAMPHETAMINE])]
        if rng.random() < 0.4:
            substances.append(rng.choice([Substance.MDMA, Substance.KETAMINE]))
        drug_use_record(
            actor=officer, person=person, substances=substances, primary_substance=substances[0],
            age_first_use=rng.randint(15, 18), years_of_use=rng.randint(1, 3),
        )  # fmt: skip
        episode = episode_open(
            actor=officer, person=person, episode_type=EpisodeType.EARLY_INTERVENTION, start_date=start,
            issuing_body=club.name, notes="Vận động tham gia sinh hoạt câu lạc bộ can thiệp sớm.",
        )  # fmt: skip
        if left is not None and left[1] in (LeaveReason.GRADUATED, LeaveReason.MOVED):
            moved = left[1] == LeaveReason.MOVED
            end_reason = EndReason.MOVED if moved else EndReason.COMPLETED
            episode_close(actor=officer, episode=episode, end_date=left[0], end_reason=end_reason)
            if moved:
                whereabouts_record(actor=officer, person=person, status=Whereabouts.MOVED_AWAY, since=left[0],
                                   place="Thành phố Hồ Chí Minh", note="Gia đình báo đã đi làm ăn xa")  # fmt: skip
        return person

    def post_rehab_members(self, unit: OrgUnit, club: CommunityModel) -> list[Member]:
        """Most of those under post-rehab management here at some time in the year; those whose management ended
        badly left then, and half of those who completed it, with its end."""
        episodes = (
            Episode.objects.filter(person__unit=unit, episode_type=EpisodeType.POST_REHAB_MANAGEMENT)
            .filter(start_date__lte=self.today)
            .filter(Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=self.first))
            .select_related("person")
            .order_by("start_date", "pk")
        )
        why = {
            EndReason.RELAPSE: (LeaveReason.RELAPSED, "Tái nghiện, đã đưa đi cai nghiện bắt buộc."),
            EndReason.DETAINED: (LeaveReason.DETAINED, "Bị tạm giữ."),
            EndReason.MOVED: (LeaveReason.MOVED, "Đi làm ăn xa, không còn ở địa phương."),
        }
        members: dict[int, Member] = {}
        for episode in episodes:
            if episode.person_id in members or (episode.end_reason not in why and self.rng.random() < 0.25):
                continue  # a few never joined
            end = episode.actual_end_date
            joined = min(
                max(episode.start_date + self.rng.randint(7, 30) * DAY, club.established_on), end or self.today
            )
            left = None
            if end is not None and episode.end_reason in why:
                left = (end, *why[episode.end_reason])
            elif end is not None and self.rng.random() < 0.5:
                left = (end, LeaveReason.GRADUATED, "Hết thời gian quản lý sau cai nghiện; có việc làm ổn định.")
            regular = left is None or left[1] == LeaveReason.GRADUATED
            members[episode.person_id] = Member(episode.person, joined, regular and self.rng.random() > 0.2, left)
        return list(members.values())

    # Sessions and attendance ------------------------------------------------------------------------

    def enrol(self, officer: User, club: CommunityModel, members: list[Member]) -> None:
        for member in members:
            member.membership = services.member_join(
                actor=officer, model=club, person=member.person, joined_on=member.joined
            )
        for member in members:
            if member.left is not None and member.membership is not None:
                day, reason, note = member.left
                services.member_leave(actor=officer, membership=member.membership, left_on=day, reason=reason,
                                      note=note)  # fmt: skip

    def monthly_days(self, day: int) -> list[datetime.date]:
        """A session a month, around the same day, for the twelve months to this one (this month's by today)."""
        this_month = month_start(self.today)
        days = []
        for k in range(11, -1, -1):
            month = shift_month_start(this_month, -k)
            picked = month.replace(day=max(1, min(28, day + self.rng.randint(-2, 2))))
            days.append(min(picked, self.today))
        return days

    def sessions(
        self, actor: User, club: CommunityModel, members: list[Member], days: list[datetime.date],
        topics: tuple[tuple[str, str], ...], board: list[str],
    ) -> None:  # fmt: skip
        """Record the sessions: regular members miss at most a quarter of those held while members, others more."""
        present: dict[datetime.date, list[Membership]] = {day: [] for day in days}
        for member in members:
            assert member.membership is not None
            held = [day for day in days if member.membership.active_on(day)]
            if not held:
                continue
            n = len(held)
            came = n - self.rng.randint(0, n // 4) if member.regular else self.rng.randint(n // 4, (3 * n - 1) // 4)
            for day in self.rng.sample(held, came):
                present[day].append(member.membership)
        for k, day in enumerate(days):
            kind, topic = topics[k % len(topics)]
            family = self.rng.randint(4, 9) if kind == SessionKind.FAMILY_DIALOGUE else self.rng.randint(0, 3)
            guests = self.rng.randint(1, 3) if kind == SessionKind.TALK else self.rng.randint(0, 2)
            services.session_record(
                actor=actor, model=club, date=day, kind=kind, present=present[day], topic=topic,
                facilitator=board[k % len(board)], place=club.meeting_place, family_count=family, guest_count=guests,
            )  # fmt: skip
