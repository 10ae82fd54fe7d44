"""The roster's lifecycle in the demo, through the roster's services: a release from a facility and the post-rehab
decision (one overdue), possible relapses, a move between the two demo communes waiting for an answer, a death,
a move abroad, and a person back on the roster; the possible relapses of the past looked into; and what each
demo commune's officer has pending today.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from donghanh.accounts.models import User
from donghanh.demo.communes import DAY, HAI_CHAU, PHU_THUONG, Commune, PeopleWriter
from donghanh.episodes.choices import FACILITY_TYPES, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import DeathSource, RosterExit
from donghanh.people.models import ManagementPeriod, Person
from donghanh.people.roster import roster_leave, roster_rejoin
from donghanh.roster.choices import DeadlineKind, RelapseFollowUp, RelapseSource, RelapseState
from donghanh.roster.death import death_record
from donghanh.roster.models import RelapseSignal, ReleaseNotice
from donghanh.roster.relapse import relapse_report, relapse_resolve
from donghanh.roster.release import release_decide, release_notice_record, release_record
from donghanh.roster.selectors import decision_due, open_relapse_signals, pending_notices, pending_transfers
from donghanh.roster.transfers import transfer_propose
from donghanh.roster.workdays import add_working_days, deadline

OFFICERS = {PHU_THUONG: "xa.phuthuong", HAI_CHAU: "xa.haichau"}
SETTLED_AFTER = 30  # days: older possible relapses were looked into by the officer
OVERDUE_BY = 2  # working days past the deadline for the post-rehab decision


def release_path(
    c: Commune,
    person: Person,
    stay: Episode,
    *,
    released_on: datetime.date,
    notice_on: datetime.date | None = None,
    decide_after: int | None = None,
) -> ReleaseNotice:
    """The facility's notice (a month ahead unless `notice_on`), the release once its day has come, and the post-rehab
    decision `decide_after` working days after it (none: still waiting)."""
    notice = release_notice_record(
        actor=c.officer, person=person, notice_date=notice_on or released_on - 30 * DAY,
        expected_release_date=released_on, facility=stay.facility,
    )  # fmt: skip
    if released_on > timezone.localdate():
        return notice
    release_record(actor=c.officer, notice=notice, released_on=released_on, certificate_received_on=released_on)
    if decide_after is not None:
        decided = add_working_days(released_on, decide_after)
        number = f"{400 + person.pk % 500}/QĐ-UBND"
        release_decide(actor=c.officer, notice=notice, decision_number=number, decision_date=decided,
                       issuing_body=c.chair)  # fmt: skip
    return notice


def released_overdue_on(today: datetime.date, latest: datetime.date) -> datetime.date:
    """The latest day from `latest` back whose post-rehab decision was due some working days before today."""
    day = latest
    while add_working_days(deadline(DeadlineKind.POST_REHAB_DECISION, day), OVERDUE_BY) >= today:
        day -= DAY
    return day


def relapse_reported(c: Commune, person: Person, day: datetime.date) -> RelapseSignal:
    note = "Công an phường phát hiện tụ tập sử dụng ma túy tại phòng trọ; đã lập biên bản."
    return relapse_report(actor=c.police, person=person, date=day, note=note)


def died(c: Commune, person: Person, day: datetime.date) -> None:
    note = "Gia đình báo mất tại nhà do bệnh nặng; có giấy báo tử của trạm y tế."
    death_record(actor=c.officer, person=person, died_on=day, source=DeathSource.FAMILY, note=note)


def move_proposed(c: Commune, person: Person, to: Commune, day: datetime.date) -> None:
    note = f"Chuyển về ở cùng gia đình vợ tại {to.name}; đã báo tạm trú với công an phường."
    transfer_propose(actor=c.officer, person=person, to_unit=to.unit, move_date=day, note=note)


def moved_abroad(c: Commune, person: Person, day: datetime.date) -> None:
    note = "Xuất cảnh đi lao động tại Hàn Quốc theo hợp đồng; gia đình cung cấp bản sao hộ chiếu, thị thực."
    roster_leave(actor=c.officer, person=person, on=day, reason=RosterExit.MOVED_ABROAD, note=note)


def back_on_roster(demo: PeopleWriter, c: Commune, person: Person, day: datetime.date) -> None:
    """Left the roster, then found using again: back on it that day, under management ten days later."""
    demo.test(c, person, day, positive=True)
    roster_rejoin(actor=c.officer, person=person, on=day, note="Test nhanh dương tính khi công an phường kiểm tra.")
    demo.measure(c, person, EpisodeType.DRUG_USER_MANAGEMENT, day + 10 * DAY)


def relapses_settle(today: datetime.date) -> None:
    """The officers looked into the possible relapses raised more than a month ago: confirmed when the person was
    then sent to a facility (or the police tested them positive), dismissed when only suspected."""
    signals = (
        RelapseSignal.objects.filter(state=RelapseState.OPEN, date__lt=today - SETTLED_AFTER * DAY)
        .select_related("person__unit", "assessment")
        .order_by("date", "pk")
    )
    officers = {code: User.objects.get(username=name) for code, name in OFFICERS.items()}
    for signal in signals:
        officer = officers[signal.person.unit.code]
        then = (
            Episode.objects.filter(person=signal.person, episode_type__in=FACILITY_TYPES, start_date__gte=signal.date)
            .order_by("start_date")
            .first()
        )
        if then is not None:
            compulsory = then.episode_type == EpisodeType.COMPULSORY_REHAB
            follow_up = RelapseFollowUp.COMPULSORY_PROPOSAL if compulsory else RelapseFollowUp.VOLUNTARY_REHAB
            note = "Sử dụng lại; đã lập hồ sơ đưa đi cai nghiện."
            on = max(signal.date, then.start_date - 20 * DAY)
            relapse_resolve(actor=officer, signal=signal, state=RelapseState.CONFIRMED, follow_up=follow_up,
                            note=note, on=on)  # fmt: skip
        elif signal.source == RelapseSource.ASSESSMENT and signal.assessment.drug_use == "suspected":
            relapse_resolve(actor=officer, signal=signal, state=RelapseState.DISMISSED, on=signal.date + 7 * DAY,
                            note="Công an phường test nhanh âm tính; tiếp tục theo dõi.")  # fmt: skip
        else:
            relapse_resolve(actor=officer, signal=signal, state=RelapseState.CONFIRMED,
                            follow_up=RelapseFollowUp.DETERMINATION, on=signal.date + 7 * DAY,
                            note="Đưa đi xác định tình trạng nghiện tại trạm y tế.")  # fmt: skip


# Summary --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LifecycleFigures:
    """A demo commune's roster as its officer sees it today, and what waits for them."""

    unit_name: str
    on_roster: int
    left: dict[str, int]  # people who left the roster in the past year, by reason
    awaiting_decision: int
    decisions_overdue: int
    relapses: int
    transfers: int  # waiting for an answer, either way


def demo_lifecycle_summary(today: datetime.date | None = None) -> list[LifecycleFigures]:
    today, rows = today or timezone.localdate(), []
    labels = dict(RosterExit.choices)
    for code, username in OFFICERS.items():
        unit = OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE, code=code)
        officer = User.objects.get(username=username)
        periods = ManagementPeriod.objects.filter(unit=unit)
        ended = periods.filter(end_date__range=(today - 364 * DAY, today)).exclude(end_reason="")
        left = Counter(str(labels.get(reason, reason)) for reason in ended.values_list("end_reason", flat=True))
        notices = [n for n in pending_notices(officer).filter(person__unit=unit) if n.released_on is not None]
        rows.append(LifecycleFigures(
            unit.name, periods.filter(start_date__lte=today, end_date__isnull=True).count(), dict(left), len(notices),
            sum(decision_due(n) < today for n in notices),
            open_relapse_signals(officer).filter(person__unit=unit).count(),
            pending_transfers(officer).filter(Q(from_unit=unit) | Q(to_unit=unit)).count(),
        ))  # fmt: skip
    return rows
