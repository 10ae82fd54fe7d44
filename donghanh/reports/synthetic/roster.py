"""The synthetic roster's lifecycle, worked out from each person's measures as the services would have done it.

A person is on the roster from registration; they leave it on the day a measure is completed when nothing else
holds them (another measure running after that day, being in a facility, detained or missing, waiting for the
post-rehab decision after a release) and no measure starts the next day; a later measure brings them back (a new
period "returned"). Some die (their measures close that day); some who moved away are taken off the roster by an
officer (removed, or moved abroad). A move between communes is proposed, then accepted some days later (the person
changes roster from the move's day), or still waiting for an answer at the end. Releases from a facility come with
the facility's notice and, when post-rehab management follows, the decision that opened it; relapses that ended a
post-rehab measure were confirmed from a report, and a few reports were dismissed.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from donghanh.episodes.choices import FACILITY_TYPES, EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import RosterEntry, RosterExit, TransferStatus, Whereabouts
from donghanh.people.models import ManagementPeriod
from donghanh.reports.synthetic import DAY, code_prefix, insert_values
from donghanh.roster.choices import RelapseFollowUp, RelapseSource, RelapseState
from donghanh.roster.models import RelapseSignal, ReleaseNotice, TransferRequest

if TYPE_CHECKING:
    from donghanh.reports.synthetic.people import Someone, World

HOLDING = frozenset({Whereabouts.IN_FACILITY, Whereabouts.DETAINED, Whereabouts.UNKNOWN})
POST = EpisodeType.POST_REHAB_MANAGEMENT
DEATHS = 0.012  # a share of the people
FOLLOW_UPS: dict[str, str] = {
    EpisodeType.COMPULSORY_REHAB: RelapseFollowUp.COMPULSORY_PROPOSAL,
    EpisodeType.VOLUNTARY_COMMUNITY_REHAB: RelapseFollowUp.VOLUNTARY_REHAB,
}


@dataclass
class Stay:
    """A period on a commune's roster while being made."""

    unit: OrgUnit
    start: datetime.date
    entry: str
    end: datetime.date | None = None
    exit: str = ""


@dataclass
class Move:
    origin: OrgUnit
    to: OrgUnit
    day: datetime.date  # the day of the move
    proposed: datetime.date
    answered: datetime.date | None  # None: still waiting at the end


def death(world: World, someone: Someone) -> None:
    """A few die: measures after the day go, those running close that day, and so do later whereabouts."""
    first = someone.registered + 90 * DAY
    if world.rng.random() >= DEATHS or first >= world.until:
        return
    day = world.day(first, world.until - DAY)
    someone.measures = [m for m in someone.measures if m.start <= day]
    for measure in someone.measures:
        if measure.end is None or measure.end > day:
            measure.end, measure.reason = day, EndReason.DIED
    someone.whereabouts = [(since, status) for since, status in someone.whereabouts if since <= day]
    someone.died = day


def _awaiting(someone: Someone) -> list[tuple[datetime.date, datetime.date | None]]:
    """From each release until the day before the post-rehab measure that follows it (open: none followed)."""
    windows: list[tuple[datetime.date, datetime.date | None]] = []
    for m in someone.measures:
        if m.kind in FACILITY_TYPES and m.end is not None and m.reason == EndReason.COMPLETED:
            after = [x.start for x in someone.measures if x.kind == POST and x.start > m.end]
            windows.append((m.end, min(after) - DAY if after else None))
    return windows


def _held(someone: Someone, day: datetime.date, windows: list[tuple[datetime.date, datetime.date | None]]) -> bool:
    """Something keeps the person on the roster after `day`."""
    if any(m.start <= day and (m.end is None or m.end > day) for m in someone.measures):
        return True
    if any(first <= day and (last is None or day <= last) for first, last in windows):
        return True
    by_day = dict(someone.whereabouts)  # a later change on the same day replaces an earlier one
    known = [since for since in by_day if since <= day]
    return bool(known) and by_day[max(known)] in HOLDING


def lifecycle(world: World, someone: Someone, home: OrgUnit, move: tuple[datetime.date, OrgUnit] | None) -> None:
    """The person's periods on the roster (and their move, if any), from their measures."""
    rng = world.rng
    windows = _awaiting(someone)
    stays = [Stay(home, someone.registered, RosterEntry.REGISTERED)]
    unit = home
    starts = sorted({m.start for m in someone.measures})
    ends = sorted({m.end for m in someone.measures if m.end is not None and m.reason == EndReason.COMPLETED})
    events = sorted([(day, 1, "start") for day in starts] + [(day, 0, "end") for day in ends])
    pending_move = move
    for day, _order, kind in events:
        current = stays[-1]
        if pending_move is not None and pending_move[0] <= day:
            unit = _move(world, someone, stays, pending_move, unit)
            pending_move = None
            current = stays[-1]
        if kind == "end" and current.end is None and day >= current.start:
            if not _held(someone, day, windows) and day + DAY not in starts:
                current.end, current.exit = day, RosterExit.COMPLETED
        elif kind == "start" and current.end is not None and day > current.end + DAY:
            stays.append(Stay(unit, day, RosterEntry.RETURNED))
    if pending_move is not None:
        unit = _move(world, someone, stays, pending_move, unit)
    current = stays[-1]
    if someone.died is not None:
        if current.end is None and current.start <= someone.died:
            current.end, current.exit = someone.died, RosterExit.DIED
    elif current.end is None and someone.whereabouts[-1][1] == Whereabouts.MOVED_AWAY and rng.random() < 0.5:
        day = someone.whereabouts[-1][0] + rng.randint(20, 120) * DAY
        if current.start < day < world.until:
            current.end = day
            current.exit = RosterExit.MOVED_ABROAD if rng.random() < 0.25 else RosterExit.REMOVED
    someone.stays = stays
    someone.periods = [(stay.unit, stay.start, stay.end) for stay in stays]


def _move(
    world: World, someone: Someone, stays: list[Stay], move: tuple[datetime.date, OrgUnit], unit: OrgUnit
) -> OrgUnit:
    """Propose the move; once it is accepted the person changes roster from its day (or later periods do)."""
    rng, (day, to) = world.rng, move
    current = stays[-1]
    on_roster = current.end is None or day <= current.end
    if not on_roster:
        return to  # they come back, if they do, where they live now
    proposed = day + rng.randint(0, 3) * DAY
    answered = proposed + rng.randint(1, 12) * DAY
    if proposed > world.until or day <= current.start:
        return unit
    if answered > world.until:
        someone.move = Move(current.unit, to, day, proposed, None)
        return unit
    someone.move = Move(current.unit, to, day, proposed, answered)
    end, leaving = current.end, current.exit
    current.end, current.exit = day - DAY, RosterExit.TRANSFERRED
    stays.append(Stay(to, day, RosterEntry.TRANSFERRED, end, leaving))
    return to


def periods_create(world: World, counts: Counter[str]) -> None:
    insert_values(ManagementPeriod, _periods(world), counts)


def _periods(world: World) -> Iterator[dict[str, Any]]:
    for someone in world.people:
        for stay in someone.stays:
            removed = stay.exit == RosterExit.REMOVED
            yield {
                "person_id": someone.pk, "unit_id": stay.unit.pk, "start_date": stay.start, "end_date": stay.end,
                "reason": stay.entry, "end_reason": stay.exit,
                "end_decision_number": f"{someone.number % 89 + 1}/QĐ-UBND" if removed else "",
                "end_note": "Không còn cư trú tại địa phương" if removed else "",
            }  # fmt: skip


def records_create(world: World, counts: Counter[str]) -> None:
    """Release notices, relapses and moves: after the measures, whose ids the notices and decisions need."""
    made = Episode.objects.filter(person__code__startswith=code_prefix(world.province))
    ids = {
        (person, kind, start): pk
        for person, kind, start, pk in made.values_list("person_id", "episode_type", "start_date", "pk")
    }
    insert_values(ReleaseNotice, _notices(world, ids), counts)
    insert_values(RelapseSignal, _signals(world), counts)
    insert_values(TransferRequest, _moves(world), counts)


def _notices(world: World, ids: dict[tuple[int, str, datetime.date], int]) -> Iterator[dict[str, Any]]:
    rng = world.rng
    for someone in world.people:
        for m in someone.measures:
            if m.kind not in FACILITY_TYPES:
                continue
            row = {
                "person_id": someone.pk, "facility": f"Cơ sở cai nghiện ma túy số {someone.number % 3 + 1}",
                "facility_episode_id": ids.get((someone.pk, m.kind, m.start)), "recorded_by_id": world.actor.pk,
            }  # fmt: skip
            if m.end is not None and m.reason == EndReason.COMPLETED:
                notice = max(m.start, m.end - rng.randint(15, 40) * DAY)
                decided = [x for x in someone.measures if x.kind == POST and m.end < x.start <= m.end + 60 * DAY]
                decision = ids.get((someone.pk, POST, decided[0].start)) if decided else None
                certificate = min(m.end + rng.choice([0, 0, 0, 1, 2]) * DAY, world.until)
                if decided:
                    certificate = min(certificate, decided[0].start)
                yield row | {"notice_date": notice, "expected_release_date": m.end, "released_on": m.end,
                             "certificate_received_on": certificate, "decision_episode_id": decision}  # fmt: skip
            elif m.end is None and m.planned is not None and m.planned <= world.until + 45 * DAY:
                notice = max(m.start, world.until - rng.randint(0, 20) * DAY)
                if m.planned >= notice:
                    yield row | {"notice_date": notice, "expected_release_date": m.planned}


def _signals(world: World) -> Iterator[dict[str, Any]]:
    rng = world.rng
    for someone in world.people:
        for m in someone.measures:
            base = {"person_id": someone.pk, "recorded_by_id": world.actor.pk}
            if m.kind == POST and m.end is not None and m.reason == EndReason.RELAPSE:
                following = [x.kind for x in someone.measures if x.start > m.end]
                yield base | {
                    "date": max(m.start, m.end - rng.randint(0, 10) * DAY), "source": RelapseSource.POLICE_REPORT,
                    "note": "Phát hiện sử dụng lại", "state": RelapseState.CONFIRMED,
                    "follow_up": FOLLOW_UPS.get(following[0] if following else "", RelapseFollowUp.DETERMINATION),
                    "resolved_on": m.end,
                }  # fmt: skip
            elif m.kind in (POST, EpisodeType.DRUG_USER_MANAGEMENT) and rng.random() < 0.04:
                last = min(m.end or world.until, world.until) - 5 * DAY
                if last > m.start:
                    day = world.day(m.start, last)
                    yield base | {
                        "date": day, "source": RelapseSource.DRUG_TEST, "state": RelapseState.DISMISSED,
                        "note": "Test nhanh, kết quả khẳng định âm tính", "resolved_on": day + 3 * DAY,
                    }  # fmt: skip


def _moves(world: World) -> Iterator[dict[str, Any]]:
    rng = world.rng
    for someone in world.people:
        move = someone.move
        if move is None:
            continue
        leaving = rng.random() < 0.7
        proposed_at = timezone.make_aware(datetime.datetime.combine(move.proposed, datetime.time(9)))
        yield {
            "person_id": someone.pk, "from_unit_id": move.origin.pk, "to_unit_id": move.to.pk,
            "move_date": move.day, "proposed_by_side": "leaving" if leaving else "arriving",
            "status": TransferStatus.ACCEPTED if move.answered else TransferStatus.PENDING,
            "proposed_by_id": world.actor.pk, "proposed_at": proposed_at, "answered_on": move.answered,
            "answered_by_id": world.actor.pk if move.answered else None,
        }  # fmt: skip
