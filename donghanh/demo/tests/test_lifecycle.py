"""The demo made on days far apart stays alive: whatever the day, the current quarter is populated, xa.phuthuong has
work due and overdue, a club meets this month, and each path of the roster's lifecycle is there to see.

The clock is moved to each day (the services check dates against it). The first day builds the real demo through
`manage.py demo_data`; the others a smaller one (without the support, Đà Nẵng's clubs and the targets).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from donghanh.accounts.models import User
from donghanh.casework.choices import NotificationKind
from donghanh.casework.worklist import work_list
from donghanh.community.models import Session
from donghanh.core.dates import month_start
from donghanh.core.periods import QUARTER, period_of
from donghanh.demo.communes import HAI_CHAU, HISTORY_END, PHU_THUONG, REPORT_DATE
from donghanh.demo.people import ReportFigures, demo_people_create, report_figures
from donghanh.demo.world import DEMO_ACCOUNTS, demo_data_create
from donghanh.episodes.choices import EpisodeType
from donghanh.episodes.selectors import status_as_of
from donghanh.people.choices import RosterEntry, RosterExit, TransferSide
from donghanh.people.models import ManagementPeriod, Person
from donghanh.reports.engine import build_report
from donghanh.roster.choices import RelapseSource, RelapseState
from donghanh.roster.models import RelapseSignal, ReleaseNotice
from donghanh.roster.release import release_decide
from donghanh.roster.selectors import decision_due, open_relapse_signals, pending_notices, pending_transfers
from donghanh.roster.transfers import transfer_accept

pytestmark = pytest.mark.django_db

HANOI_TIME = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date
# A year and more apart, and one between them in the Tết holidays (Tết Đinh Mùi falls on 06/02/2027).
# Each day builds the demo again (about 30 s), so three days: the suite's wall time is the budget.
DAYS = [D(2026, 12, 6), D(2027, 2, 9), D(2028, 1, 10)]
FULL = DAYS[0]
REPORTED = ("people.registered", "people.in_facility", "people.post_rehab", "people.in_casework")


@dataclass(frozen=True)
class Made:
    day: datetime.date
    output: str  # what `manage.py demo_data` printed (the real demo only)


@pytest.fixture(scope="module", params=DAYS, ids=str)
def made(request: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[Made]:
    """The demo made on the day (the clock stopped at 10:00 in Hà Nội), rolled back after its tests."""
    today: datetime.date = request.param
    moment = datetime.datetime.combine(today, datetime.time(10), tzinfo=HANOI_TIME)
    with time_machine.travel(moment, tick=False), django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        if today == FULL:
            call_command("demo_data", stdout=out)
        else:
            demo_data_create(full=False)
        yield Made(today, out.getvalue())
        transaction.set_rollback(True)


@pytest.fixture
def day(made: Made) -> datetime.date:
    return made.day


def user(username: str) -> User:
    found: User = User.objects.get(username=username)
    return found


def test_the_clock_is_the_demo_s_day(day: datetime.date) -> None:
    assert timezone.localdate() == day > HISTORY_END


def test_people_on_the_roster_today_under_several_measures_and_seed_002_s_figures_as_they_were(
    day: datetime.date, unit: Any
) -> None:
    officer, ward = user("xa.phuthuong"), unit(PHU_THUONG)
    managed = list(status_as_of(officer, day, unit=ward))
    kinds = Counter(e.episode_type for person in managed for e in person.active_episodes)
    assert len(managed) >= 20
    assert set(kinds) >= {
        EpisodeType.DRUG_USER_MANAGEMENT, EpisodeType.VOLUNTARY_COMMUNITY_REHAB, EpisodeType.COMPULSORY_REHAB,
        EpisodeType.VOLUNTARY_FACILITY_REHAB, EpisodeType.ADMINISTRATIVE_EDUCATION, EpisodeType.POST_REHAB_MANAGEMENT,
        EpisodeType.METHADONE, EpisodeType.EARLY_INTERVENTION,
    }  # fmt: skip
    assert kinds[EpisodeType.POST_REHAB_MANAGEMENT] >= 4
    assert report_figures(officer, REPORT_DATE, ward) == ReportFigures(52, 20, 32, 31, 1)
    other = user("xa.haichau")
    assert len({e.episode_type for p in status_as_of(other, day, unit=unit(HAI_CHAU)) for e in p.active_episodes}) >= 6


def test_the_current_quarter_is_populated(day: datetime.date, unit: Any) -> None:
    report = build_report(unit(PHU_THUONG), period_of(QUARTER, day), today=day, codes=list(REPORTED), children=False,
                          trend=1)  # fmt: skip
    assert all(report.value(code) for code in REPORTED), [(code, report.value(code)) for code in REPORTED]


def test_xa_phuthuong_has_work_due_and_overdue(day: datetime.date) -> None:
    items = work_list(user("xa.phuthuong"), day)
    kinds = Counter(item.kind for item in items)
    assert kinds[NotificationKind.ASSESSMENT_DUE] >= 3 and kinds[NotificationKind.ASSESSMENT_OVERDUE] >= 1
    assert kinds[NotificationKind.FOLLOW_UP] >= 1 and kinds[NotificationKind.UNASSIGNED] >= 1
    assert any(item.overdue for item in items) and any(not item.overdue for item in items)
    mine = Counter(item.kind for item in work_list(user("tnv.phuthuong"), day))
    assert mine[NotificationKind.ASSESSMENT_DUE] >= 1 and mine[NotificationKind.ASSESSMENT_OVERDUE] >= 1


def test_a_club_meets_this_month(day: datetime.date, unit: Any) -> None:
    this_month = Session.objects.filter(model__unit=unit(PHU_THUONG), date__range=(month_start(day), day))
    assert this_month.filter(model__model_type__code="post_rehab_club", attendance__isnull=False).exists()


def test_a_release_whose_post_rehab_decision_is_overdue_and_one_announced(day: datetime.date) -> None:
    notices = list(pending_notices(user("xa.phuthuong")))
    released = [n for n in notices if n.released_on is not None]
    [overdue] = [n for n in released if decision_due(n) < day]
    assert overdue.released_on is not None and (day - overdue.released_on).days >= 7
    assert overdue.person.unit.code == PHU_THUONG and overdue.facility_episode is not None
    assert overdue.facility_episode.actual_end_date == overdue.released_on
    decision = release_decide(actor=user("xa.phuthuong"), notice=overdue, decision_number="12/QĐ-UBND",
                              decision_date=day)  # fmt: skip
    assert decision.episode_type == EpisodeType.POST_REHAB_MANAGEMENT and decision.start_date == day
    [announced] = [n for n in notices if n.released_on is None]
    assert day < announced.expected_release_date and announced.notice_date <= day
    # One came the whole way: notice, release, the chair's decision within the working days, post-rehab management.
    decided_ones = ReleaseNotice.objects.filter(decision_episode__isnull=False, person__unit__code=PHU_THUONG)
    [decided] = decided_ones.exclude(pk=overdue.pk)
    assert decided.decision_episode is not None and decided.released_on is not None
    assert decided.released_on < decided.decision_episode.start_date <= decision_due(decided)
    assert decided.decision_episode.episode_type == EpisodeType.POST_REHAB_MANAGEMENT
    assert not pending_notices(user("xa.haichau")).exists()


def test_possible_relapses_to_look_into_and_older_ones_decided(day: datetime.date) -> None:
    signals = list(open_relapse_signals(user("xa.phuthuong")))
    sources = {s.source for s in signals if (day - s.date).days <= 30}
    assert {RelapseSource.DRUG_TEST, RelapseSource.POLICE_REPORT} <= sources
    assert all((day - s.date).days <= 30 for s in signals)  # older ones were looked into
    decided = RelapseSignal.objects.exclude(state=RelapseState.OPEN)
    assert all(s.resolved_on is not None and s.date <= s.resolved_on <= day for s in decided)
    assert decided.filter(follow_up="compulsory_proposal").exists()


def test_a_move_proposed_by_phu_thuong_waits_for_hai_chau(day: datetime.date, unit: Any) -> None:
    [move] = pending_transfers(user("xa.haichau"))
    assert (move.from_unit.code, move.to_unit.code, move.proposed_by_side) == (
        PHU_THUONG, HAI_CHAU, TransferSide.LEAVING,
    )  # fmt: skip
    assert move.move_date < day and move.person.unit.code == PHU_THUONG
    assert list(pending_transfers(user("xa.phuthuong"))) == [move]
    [period] = ManagementPeriod.objects.filter(person=move.person, end_date__isnull=True)
    assert period.unit.code == PHU_THUONG  # until Hải Châu accepts
    transfer_accept(actor=user("xa.haichau"), transfer=move)
    assert status_as_of(user("xa.haichau"), day, unit=unit(HAI_CHAU), person=move.person).exists()
    assert not status_as_of(user("xa.phuthuong"), day, unit=unit(PHU_THUONG), person=move.person).exists()


def test_people_left_the_roster_one_died_one_came_back(day: datetime.date) -> None:
    ended = ManagementPeriod.objects.filter(unit__code__in=[PHU_THUONG, HAI_CHAU], end_date__isnull=False)
    reasons = Counter(ended.values_list("end_reason", flat=True))
    assert reasons[RosterExit.COMPLETED] >= 10
    assert reasons[RosterExit.DIED] == reasons[RosterExit.MOVED_ABROAD] == 1
    assert ended.filter(end_reason=RosterExit.COMPLETED, end_date__gt=day - datetime.timedelta(days=365)).exists()
    [dead] = Person.objects.filter(died_on__isnull=False)
    assert dead.died_on is not None and dead.died_on < day and not dead.episodes.filter(actual_end_date=None).exists()
    returned = ManagementPeriod.objects.filter(reason=RosterEntry.RETURNED)
    [back] = [period for period in returned if period.start_note.startswith("Test nhanh")]  # the note is encrypted
    assert back.end_date is None and back.start_date < day
    earlier = back.person.periods.exclude(pk=back.pk).get()
    assert earlier.end_reason == RosterExit.COMPLETED and earlier.end_date is not None
    assert earlier.end_date < back.start_date and earlier.start_date < REPORT_DATE
    assert back.person.episodes.filter(episode_type=EpisodeType.DRUG_USER_MANAGEMENT, actual_end_date=None).exists()
    kept = ManagementPeriod.objects.exclude(kept_on_reason="").get()
    assert kept.unit.code == HAI_CHAU and kept.end_date is None


def test_the_real_demo_prints_the_accounts_and_the_roster(made: Made) -> None:
    if made.day != FULL:
        pytest.skip("the real demo is made on the first day")
    out = made.output
    assert all(f"  {account.username}" in out for account in DEMO_ACCOUNTS)
    assert "Phường Phú Thượng: " in out and "1 overdue" in out
    assert "30/06/2025: 52 people using drugs, 20 in rehab facilities, 32 at residence (31 " in out


def test_the_demo_is_refused_before_its_history_ends() -> None:
    with pytest.raises(ValueError, match="31/10/2026"):
        demo_people_create(HISTORY_END)
