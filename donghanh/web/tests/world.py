"""A little of Phú Thượng for the tests of the pages people see first (the home pages, the guide's screenshots):
made through the services in a couple of seconds, where the demo's year of records takes minutes."""

from __future__ import annotations

import datetime
from typing import Any

from donghanh.accounts.models import User
from donghanh.casework import services as casework
from donghanh.casework.notifications import notifications_refresh
from donghanh.community import services as community
from donghanh.community.choices import SessionKind
from donghanh.community.models import CommunityModel, Membership, ModelType
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.services import episode_open
from donghanh.people.choices import Sex
from donghanh.people.services import person_register


def guide_world(today: datetime.date) -> dict[str, int]:
    """A little of Phú Thượng, made through the services: people under measures, two of them helped by the demo
    volunteer (one contact logged, assessments due), one waiting for a volunteer, and a club of three members chaired
    by the demo board member."""
    officer = User.objects.get(username="xa.phuthuong")
    volunteer_user = User.objects.get(username="tnv.phuthuong")
    commune = officer.role_assignments.get().unit
    since = today - datetime.timedelta(days=150)

    def register(name: str, sex: str, born: int, hamlet: str, measure: str) -> Any:
        person = person_register(
            actor=officer, unit=commune, full_name=name, sex=sex, birth_year=born, registered_on=since,
            current_hamlet=hamlet,
        )  # fmt: skip
        episode_open(actor=officer, person=person, episode_type=measure, start_date=since)
        return person

    nam = register("Trần Văn Nam", Sex.MALE, 1988, "Tổ dân phố 5", EpisodeType.POST_REHAB_MANAGEMENT)
    binh = register("Lê Thị Bình", Sex.FEMALE, 1993, "Tổ dân phố 2", EpisodeType.DRUG_USER_MANAGEMENT)
    waiting = register("Phạm Văn Cường", Sex.MALE, 1996, "Tổ dân phố 7", EpisodeType.POST_REHAB_MANAGEMENT)
    team = casework.team_create(actor=officer, unit=commune, name="Đội công tác xã hội tình nguyện Phú Thượng")
    volunteer = casework.volunteer_add(
        actor=officer, team=team, full_name=volunteer_user.full_name, sex=Sex.MALE, affiliation="youth_union",
        start_date=since, user=volunteer_user,
    )  # fmt: skip
    for person in (nam, binh):
        casework.assignment_make(actor=officer, person=person, volunteer=volunteer, start_date=since)
    casework.contact_record(
        actor=volunteer_user, person=nam, date=today - datetime.timedelta(days=12), mode="home_visit",
        topics=["work_skills", "family"], notes="Đã tìm được việc phụ hồ, gia đình động viên.",
        next_step="Gặp lại để hỏi về việc làm", next_step_date=today + datetime.timedelta(days=7),
    )  # fmt: skip

    club, _members = phu_thuong_club(since, held_on=today - datetime.timedelta(days=14), came=2)
    for user in (volunteer_user, officer):
        notifications_refresh(user, today)
    return {"person": nam.pk, "waiting": waiting.pk, "club": club.pk}


def phu_thuong_club(
    since: datetime.date, *, held_on: datetime.date, came: int
) -> tuple[CommunityModel, list[Membership]]:
    """CLB Bình Minh Phú Thượng, a post-rehab club founded `since` and chaired by the demo board member, with three
    members, and one session held on `held_on` that the first `came` of them came to."""
    officer = User.objects.get(username="xa.phuthuong")
    commune = officer.role_assignments.get().unit
    chair = User.objects.get(username="clb.phuthuong")
    club = community.model_create(
        actor=officer, unit=commune, model_type=ModelType.objects.get(code="post_rehab_club"),
        name="CLB Bình Minh Phú Thượng", decision_number="12/QĐ-UBND", decision_date=since, established_on=since,
        meeting_place="Nhà văn hóa tổ dân phố 5",
    )  # fmt: skip
    community.board_add(
        actor=officer, model=club, role="chair", full_name=chair.full_name, start_date=since, user=chair
    )
    members = []
    for name, hamlet in (("Đặng Văn Hải", "Tổ dân phố 1"), ("Lý Văn Khánh", "Tổ dân phố 3"), ("Ngô Văn Long", "")):
        person = person_register(
            actor=officer, unit=commune, full_name=name, sex=Sex.MALE, birth_year=1990, registered_on=since,
            current_hamlet=hamlet,
        )  # fmt: skip
        members.append(community.member_join(actor=officer, model=club, person=person, joined_on=since))
    community.session_record(actor=officer, model=club, date=held_on, kind=SessionKind.REGULAR, present=members[:came])
    return club, members
