"""Synthetic community models: models of every type in most communes, with their status changes, boards, members
who join and leave, sessions and who attended them."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from donghanh.community.choices import BoardRole, LeaveReason, ModelStatus, Schedule, SessionKind
from donghanh.community.models import (
    Attendance,
    BoardMember,
    CommunityModel,
    Membership,
    ModelType,
    Session,
    StatusChange,
)
from donghanh.core.dates import month_start, shift_month_start
from donghanh.core.text import fold
from donghanh.episodes.choices import EpisodeType
from donghanh.reports.synthetic import DAY, SYNTHETIC_NOTE, insert, insert_values
from donghanh.reports.synthetic.people import Someone, World

TYPE_WEIGHTS = {"counselling_point": 30, "post_rehab_club": 30, "early_intervention_club": 20, "self_help_group": 20}
SCHEDULES = [(Schedule.WEEKLY, 10), (Schedule.TWICE_MONTHLY, 35), (Schedule.MONTHLY, 50), (Schedule.QUARTERLY, 5)]
KINDS = [(SessionKind.REGULAR, 60), (SessionKind.TALK, 15), (SessionKind.GROUP_COUNSELLING, 15),
         (SessionKind.CULTURE_SPORTS, 5), (SessionKind.FAMILY_DIALOGUE, 5)]  # fmt: skip
LEAVING = [(LeaveReason.GRADUATED, 40), (LeaveReason.WITHDREW, 25), (LeaveReason.RELAPSED, 15),
           (LeaveReason.DETAINED, 5), (LeaveReason.OTHER, 15)]  # fmt: skip


@dataclass
class _Model:
    row: CommunityModel
    changes: list[tuple[datetime.date, str]]
    schedule: str
    members: list[tuple[Membership, float]] = field(default_factory=list)  # with how often each one comes

    @property
    def dissolved(self) -> datetime.date | None:
        day, status = self.changes[-1]
        return day if status == ModelStatus.DISSOLVED else None

    def status_on(self, day: datetime.date) -> str | None:
        current = None
        for since, status in self.changes:
            if since <= day:
                current = status
        return current


def community_create(world: World, counts: Counter[str]) -> None:
    made = _models(world)
    insert(CommunityModel, [m.row for m in made], counts)
    insert_values(StatusChange, _changes(world, made), counts)
    insert_values(BoardMember, _boards(world, made), counts)
    _members(world, made)
    insert(Membership, [membership for m in made for membership, _ in m.members], counts)
    sessions = list(_sessions(world, made))
    insert(Session, [session for session, _ in sessions], counts)
    insert_values(Attendance, _attendance(world, sessions), counts)


def _models(world: World) -> list[_Model]:
    rng = world.rng
    types = list(ModelType.objects.filter(is_active=True).order_by("position", "code"))
    weights = [TYPE_WEIGHTS.get(model_type.code, 10) for model_type in types]
    taken = {
        (unit, name.casefold())
        for unit, name in CommunityModel.objects.filter(unit__in=world.communes).values_list("unit_id", "name")
    }
    per_commune = rng.choices([0, 1, 2, 3], [30, 45, 20, 5], k=len(world.communes))
    while sum(per_commune) < len(types):  # a small province still has a model of every type
        per_commune[rng.randrange(len(per_commune))] += 1
    kinds = rng.sample(types, len(types)) + rng.choices(types, weights, k=sum(per_commune) - len(types))
    made: list[_Model] = []
    for commune, count in zip(world.communes, per_commune, strict=True):
        for number in range(1, count + 1):
            model_type = kinds.pop()
            name = f"{model_type.label_vi} {commune.name} số {number}"
            if (commune.pk, name.casefold()) in taken:
                continue
            established = world.day(world.start - 730 * DAY, world.until - 90 * DAY)
            changes = _status_history(world, established)
            row = CommunityModel(
                unit=commune, model_type=model_type, name=name, search_name=fold(name),
                decision_number=f"{rng.randint(1, 500)}/QĐ-UBND", decision_date=established - rng.randint(0, 20) * DAY,
                decision_body=f"UBND {commune.name}", established_on=established,
                meeting_place=f"Nhà văn hóa tổ dân phố {rng.randint(1, 30)}", status=changes[-1][1],
                status_since=changes[-1][0], notes=SYNTHETIC_NOTE,
            )  # fmt: skip
            schedule = rng.choices([s for s, _ in SCHEDULES], [w for _, w in SCHEDULES])[0]
            row.schedule = schedule
            made.append(_Model(row, changes, schedule))
    return made


def _status_history(world: World, established: datetime.date) -> list[tuple[datetime.date, str]]:
    """Pilot, then active, often stable; a few are suspended (and resume or are dissolved) or dissolved."""
    rng = world.rng
    changes: list[tuple[datetime.date, str]] = [
        (established, ModelStatus.PILOT if rng.random() < 0.6 else ModelStatus.ACTIVE)
    ]

    def then(status: str, low: int, high: int) -> bool:
        on = changes[-1][0] + rng.randint(low, high) * DAY
        if on > world.until:
            return False
        changes.append((on, status))
        return True

    if changes[0][1] == ModelStatus.PILOT and not then(ModelStatus.ACTIVE, 90, 270):
        return changes
    if rng.random() < 0.6 and not then(ModelStatus.STABLE, 180, 540):
        return changes
    roll = rng.random()
    if roll < 0.12 and then(ModelStatus.SUSPENDED, 60, 720):
        if rng.random() < 0.5:
            then(ModelStatus.ACTIVE, 60, 180)
        else:
            then(ModelStatus.DISSOLVED, 30, 120)
    elif roll < 0.18:
        then(ModelStatus.DISSOLVED, 90, 720)
    return changes


def _changes(world: World, made: list[_Model]) -> Iterator[dict[str, Any]]:
    for m in made:
        for on, status in m.changes:
            yield {"model_id": m.row.pk, "status": status, "on": on, "by_id": world.actor.pk}


def _boards(world: World, made: list[_Model]) -> Iterator[dict[str, Any]]:
    rng = world.rng
    for m in made:
        for role in [BoardRole.CHAIR, BoardRole.VICE_CHAIR][: rng.randint(1, 2)]:
            sex = "female" if rng.random() < 0.5 else "male"
            yield {
                "model_id": m.row.pk, "role": role, "full_name": world.name(sex), "position": "Cán bộ văn hóa - xã hội",
                "start_date": m.row.established_on, "end_date": m.dissolved,
            }  # fmt: skip


def _members(world: World, made: list[_Model]) -> None:
    """Members are people the model's commune manages when they join; they leave when it is dissolved at the
    latest, and when they move to another commune."""
    rng = world.rng
    managed: dict[int, list[tuple[Someone, datetime.date, datetime.date | None]]] = {}
    for someone in world.people:
        for unit, first, last in someone.periods:
            managed.setdefault(unit.pk, []).append((someone, first, last))
    for m in made:
        candidates = managed.get(m.row.unit_id, [])
        if m.row.model_type.code == "post_rehab_club":
            after_rehab = [
                c for c in candidates if any(x.kind == EpisodeType.POST_REHAB_MANAGEMENT for x in c[0].measures)
            ]
            candidates = after_rehab if len(after_rehab) >= 8 else candidates
        chosen = rng.sample(candidates, min(len(candidates), rng.randint(8, 30)))
        dissolved = m.dissolved
        for someone, first, last in chosen:
            earliest = max(m.row.established_on, first, world.start - 365 * DAY)
            limits = [day for day in (dissolved, last, world.until) if day is not None]
            latest = min(limits)
            if earliest > latest:
                continue
            joined = world.day(earliest, latest)
            left, reason = None, ""
            if rng.random() < 0.3 and joined + 60 * DAY <= latest:
                left = world.day(joined + 60 * DAY, latest)
                reason = rng.choices([r for r, _ in LEAVING], [w for _, w in LEAVING])[0]
            if left is None and latest < world.until:
                left = latest
                reason = LeaveReason.DISSOLVED if latest == dissolved else LeaveReason.MOVED
            membership = Membership(
                model=m.row, person_id=someone.pk, joined_on=joined, left_on=left, leave_reason=reason
            )
            m.members.append((membership, rng.choices([0.92, 0.6, 0.3], [60, 25, 15])[0]))


def _session_days(m: _Model, first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    if m.schedule == Schedule.WEEKLY:
        day = first
        while day <= last:
            yield day
            day += 7 * DAY
        return
    month = month_start(first)
    offsets: dict[str, tuple[int, ...]] = {
        Schedule.TWICE_MONTHLY: (4, 19),
        Schedule.MONTHLY: (14,),
        Schedule.QUARTERLY: (14,),
    }
    days = offsets[m.schedule]
    while month <= last:
        if m.schedule != Schedule.QUARTERLY or month.month % 3 == 1:
            for offset in days:
                day = month + offset * DAY
                if first <= day <= last:
                    yield day
        month = shift_month_start(month, 1)


def _sessions(world: World, made: list[_Model]) -> Iterator[tuple[Session, _Model]]:
    rng = world.rng
    for m in made:
        first = max(m.row.established_on, world.start)
        last = min(day for day in (m.dissolved, world.until) if day is not None)
        for day in _session_days(m, first, last):
            if m.status_on(day) == ModelStatus.SUSPENDED:
                continue
            session = Session(
                model=m.row, date=day, kind=rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0],
                topic="Sinh hoạt định kỳ", facilitator="Chủ nhiệm câu lạc bộ", family_count=rng.randint(0, 5),
                guest_count=rng.randint(0, 3), recorded_by=world.actor,
            )  # fmt: skip
            yield session, m


def _attendance(world: World, sessions: list[tuple[Session, _Model]]) -> Iterator[dict[str, Any]]:
    rng = world.rng
    for session, m in sessions:
        for membership, how_often in m.members:
            if membership.active_on(session.date) and rng.random() < how_often:
                yield {"session_id": session.pk, "membership_id": membership.pk}
