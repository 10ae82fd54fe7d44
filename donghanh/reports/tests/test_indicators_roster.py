"""The roster family: leaving the roster and why, deaths, returns, releases and the post-rehab decision awaited,
moves waiting for an answer, and relapses; on small data written through the services, with the answer worked out
by hand.

The tests read the third quarter of 2025 (01/07–30/09/2025) unless they say otherwise: a stock is measured on its
last day, 30/09/2025; a flow counts what happened within it.
"""

from __future__ import annotations

import pytest

from donghanh.accounts.roles import Role
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.orgunits.models import OrgUnit
from donghanh.reports.frames import frame_for
from donghanh.reports.indicators import INDICATORS, Section
from donghanh.reports.indicators.roster import latest_overdue_receipt
from donghanh.reports.selectors import people_behind
from donghanh.reports.tests.conftest import DAY, LAST, POST, Q3, USER, D, World, child, period, report, values
from donghanh.roster.choices import DeadlineKind
from donghanh.roster.models import Holiday
from donghanh.roster.workdays import deadline

pytestmark = pytest.mark.django_db

LEFT = ["roster.left", "roster.left_completed", "roster.left_died", "roster.left_moved_abroad", "roster.left_removed"]
ROSTER_CODES = [
    *LEFT, "roster.deaths", "roster.returned", "roster.released", "roster.awaiting_decision",
    "roster.decision_overdue", "roster.transfers_pending", "casework.relapses",
]  # fmt: skip


def test_the_new_indicators_are_registered_with_their_section_and_capability():
    assert set(ROSTER_CODES) <= set(INDICATORS)
    assert {INDICATORS[code].section for code in ROSTER_CODES} == {Section.ROSTER, Section.CASEWORK}
    assert INDICATORS["casework.relapses"].capability == "people.view_drug_use"
    legal = ["roster.left_completed", "roster.released", "roster.awaiting_decision", "roster.decision_overdue"]
    assert {INDICATORS[code].capability for code in legal} == {"episodes.view"}
    assert [code for code in ROSTER_CODES if INDICATORS[code].stock] == [
        "roster.awaiting_decision", "roster.decision_overdue", "roster.transfers_pending",
    ]  # fmt: skip


def test_a_measure_completed_on_the_last_day_counts_that_day_and_not_the_next(world, phu_thuong):
    completed = world.person(phu_thuong)
    world.measure(completed, POST, D(2024, 10, 1), end=LAST)  # the last thing holding them: they leave on LAST
    next_day = world.person(phu_thuong)
    world.measure(next_day, POST, D(2024, 10, 2), end=LAST + DAY)
    codes = ["people.registered", "people.post_rehab", "people.at_residence", *LEFT[:2]]

    assert values(report(phu_thuong, Q3), codes) == {
        "people.registered": 2, "people.post_rehab": 2, "people.at_residence": 2, "roster.left": 1,
        "roster.left_completed": 1,
    }  # fmt: skip
    assert values(report(phu_thuong, "2025Q4"), codes) == {
        "people.registered": 0, "people.post_rehab": 0, "people.at_residence": 0, "roster.left": 1,
        "roster.left_completed": 1,
    }  # fmt: skip
    assert values(report(phu_thuong, "2025-09"), codes[:2]) == {"people.registered": 2, "people.post_rehab": 2}
    october = report(phu_thuong, "2025-10")
    assert values(october, ["people.registered", "roster.left"]) == {"people.registered": 0, "roster.left": 1}


def test_leaving_and_coming_back_in_one_quarter(world, phu_thuong, make_user):
    back = world.person(phu_thuong)
    world.measure(back, USER, D(2024, 8, 1), end=D(2025, 7, 31))  # completed: off the roster on 31/07
    world.measure(back, USER, D(2025, 8, 20))  # a new measure: back on the roster
    removed = world.person(phu_thuong)
    world.take_off(removed, D(2025, 7, 10))
    world.rejoin(removed, D(2025, 8, 5))
    renewed = world.person(phu_thuong)  # a measure the day after the last one: the period goes on
    world.measure(renewed, USER, D(2024, 7, 16), end=D(2025, 7, 15))
    world.measure(renewed, USER, D(2025, 7, 16))
    codes = ["people.registered", "people.user_management", *LEFT, "roster.returned"]

    assert values(report(phu_thuong, Q3), codes) == {
        "people.registered": 3, "people.user_management": 2, "roster.left": 2, "roster.left_completed": 1,
        "roster.left_died": 0, "roster.left_moved_abroad": 0, "roster.left_removed": 1, "roster.returned": 2,
    }  # fmt: skip
    july = report(phu_thuong, "2025-07")  # `back` still counts on 31/07, the day they left
    assert values(july, ["people.registered", "roster.left", "roster.returned"]) == {
        "people.registered": 2, "roster.left": 2, "roster.returned": 0,
    }  # fmt: skip
    august = report(phu_thuong, "2025-08")
    assert values(august, ["people.registered", "roster.left", "roster.returned"]) == {
        "people.registered": 3, "roster.left": 0, "roster.returned": 2,
    }  # fmt: skip
    assert report(phu_thuong, "2025Q2").value("roster.left") == 0
    # The people behind the figure, for an officer of the ward.
    officer = make_user(Role.COMMUNE_OFFICER, phu_thuong)
    frame = frame_for(phu_thuong, period(Q3))
    assert set(people_behind(officer, frame, INDICATORS["roster.left"])) == {back, removed}
    assert set(people_behind(officer, frame, INDICATORS["roster.returned"])) == {back, removed}


def test_a_death_mid_period_counts_in_deaths_and_not_at_the_end(world, phu_thuong):
    died = world.person(phu_thuong)
    world.measure(died, POST, D(2025, 1, 6))
    world.die(died, D(2025, 8, 10))
    earlier = world.person(phu_thuong)
    world.measure(earlier, USER, D(2024, 5, 2), end=D(2025, 5, 1))  # off the roster since 01/05
    world.die(earlier, D(2025, 8, 12))  # on no roster that day: no commune's death
    world.person(phu_thuong)
    codes = ["people.registered", "people.post_rehab", "roster.deaths", "roster.left", "roster.left_died"]

    assert values(report(phu_thuong, Q3), codes) == {
        "people.registered": 1, "people.post_rehab": 0, "roster.deaths": 1, "roster.left": 1, "roster.left_died": 1,
    }  # fmt: skip
    assert values(report(phu_thuong, "2025Q2"), [*codes, "roster.left_completed"]) == {
        "people.registered": 2, "people.post_rehab": 1, "roster.deaths": 0, "roster.left": 1, "roster.left_died": 0,
        "roster.left_completed": 1,
    }  # fmt: skip
    # Someone moved abroad.
    world.take_off(world.person(phu_thuong), D(2025, 9, 1), reason="moved_abroad")
    q3 = report(phu_thuong, Q3)
    assert values(q3, ["roster.left", "roster.left_moved_abroad", "people.registered"]) == {
        "roster.left": 2, "roster.left_moved_abroad": 1, "people.registered": 1,
    }  # fmt: skip


def test_a_move_waiting_across_the_periods_end_counts_where_the_person_was(world, ha_noi, phu_thuong, ba_dinh):
    moving = world.person(phu_thuong)
    move = world.propose_move(moving, ba_dinh, D(2025, 9, 20), D(2025, 9, 25))
    world.answer_move(move, D(2025, 10, 3))  # accepted after the period, the move dated 20/09
    reported = world.person(phu_thuong)  # reported by Ba Đình, where they arrived; never answered
    world.propose_move(reported, ba_dinh, D(2025, 9, 1), D(2025, 9, 2), arriving=True)
    refused = world.person(phu_thuong)
    world.answer_move(world.propose_move(refused, ba_dinh, D(2025, 9, 5), D(2025, 9, 10)), LAST, accept=False)
    late = world.person(phu_thuong)
    world.propose_move(late, ba_dinh, D(2025, 9, 28), LAST + DAY)  # proposed the day after the period

    q3 = report(ha_noi, Q3)
    assert q3.value("roster.transfers_pending") == 2
    assert child(q3, phu_thuong)["roster.transfers_pending"] == 2
    assert child(q3, ba_dinh)["roster.transfers_pending"] == 0
    # Once accepted, the person is on Ba Đình's roster from the move; a move is not leaving the roster.
    assert child(q3, ba_dinh)["people.registered"] == 1 and child(q3, phu_thuong)["people.registered"] == 3
    assert q3.value("roster.left") == 0
    assert report(phu_thuong, "2025-08", codes=["roster.transfers_pending"]).value("roster.transfers_pending") == 0
    assert report(phu_thuong, "2025Q4").value("roster.transfers_pending") == 2  # `reported` and `late`


def test_releases_and_the_post_rehab_decision_awaited(world, phu_thuong):
    decided = world.released(world.person(phu_thuong), D(2025, 8, 20))
    world.decide(decided, D(2025, 9, 5))
    world.released(world.person(phu_thuong), D(2025, 9, 22))  # Monday: due 29/09, overdue on 30/09
    world.released(world.person(phu_thuong), D(2025, 9, 25))  # Thursday: due 02/10, not yet overdue
    decided_late = world.released(world.person(phu_thuong), D(2025, 9, 10))
    world.decide(decided_late, D(2025, 10, 3))  # awaited on 30/09, and overdue
    closed = world.released(world.person(phu_thuong), D(2025, 9, 12))
    world.close_notice(closed, D(2025, 9, 20))  # no decision will come: they leave the roster
    world.released(world.person(phu_thuong), D(2025, 6, 20))  # released before the period, still waiting
    announced = world.person(phu_thuong)  # in a facility, the release announced for after the period
    world.measure(announced, EpisodeType.COMPULSORY_REHAB, D(2024, 10, 1))
    world.notice(announced, D(2025, 9, 1), D(2025, 10, 15))
    codes = ["roster.released", "roster.awaiting_decision", "roster.decision_overdue", "roster.left_completed"]

    assert values(report(phu_thuong, Q3), codes) == {
        "roster.released": 5, "roster.awaiting_decision": 4, "roster.decision_overdue": 3,
        "roster.left_completed": 1,
    }  # fmt: skip
    assert values(report(phu_thuong, "2025Q2"), codes) == {
        "roster.released": 1, "roster.awaiting_decision": 1, "roster.decision_overdue": 1,
        "roster.left_completed": 0,
    }  # fmt: skip
    # Each period of a trend is measured on its own last day.
    trend = report(phu_thuong, Q3, trend=2, codes=codes[2:3]).row("roster.decision_overdue").trend
    assert [figure.value for _period, figure in trend] == [1, 3]
    assert values(report(phu_thuong, "2025Q4"), codes[1:3]) == {
        "roster.awaiting_decision": 3, "roster.decision_overdue": 3,
    }  # fmt: skip


def test_the_deadline_skips_tet(world, phu_thuong):
    """January 2025: Tết closed offices from 27/01 to 31/01."""
    world.released(world.person(phu_thuong), D(2025, 1, 17))  # due 24/01: overdue on 31/01
    world.released(world.person(phu_thuong), D(2025, 1, 22))  # due 05/02 (not 29/01): not overdue on 31/01
    january = report(phu_thuong, "2025-01")
    assert values(january, ["roster.awaiting_decision", "roster.decision_overdue"]) == {
        "roster.awaiting_decision": 2, "roster.decision_overdue": 1,
    }  # fmt: skip
    assert report(phu_thuong, "2025-02").value("roster.decision_overdue") == 2


def test_the_overdue_receipts_agree_with_the_deadline_service(db):
    """`latest_overdue_receipt` is what `workdays.deadline` gives, day by day around Tết 2026 and a weekend."""
    closed = set(Holiday.objects.values_list("date", flat=True))
    for offset in range(45):
        day = D(2026, 1, 25) + offset * DAY
        latest = latest_overdue_receipt(day, 5, closed)
        for back in range(30):
            receipt = day - back * DAY
            due = deadline(DeadlineKind.POST_REHAB_DECISION, receipt)
            assert (due < day) == (receipt <= latest), (day, receipt, due, latest)


def test_relapses_confirmed_or_ending_post_rehab_are_counted_once(world, phu_thuong):
    both = world.person(phu_thuong)
    measure = world.measure(both, POST, D(2025, 1, 10))
    world.relapse(both, D(2025, 8, 5), D(2025, 8, 10))
    world.close(measure, D(2025, 8, 12), EndReason.RELAPSE)
    world.measure(world.person(phu_thuong), POST, D(2025, 2, 3), end=D(2025, 9, 3), reason=EndReason.RELAPSE)
    dismissed = world.person(phu_thuong)
    world.measure(dismissed, USER, D(2025, 3, 3))
    world.relapse(dismissed, D(2025, 9, 1), D(2025, 9, 4), confirm=False)
    june = world.person(phu_thuong)
    world.measure(june, POST, D(2025, 1, 10))
    world.relapse(june, D(2025, 6, 28), D(2025, 7, 2))  # dated in the second quarter

    assert report(phu_thuong, Q3).value("casework.relapses") == 2
    assert report(phu_thuong, "2025Q2").value("casework.relapses") == 1
    assert report(phu_thuong, "2025").value("casework.relapses") == 3


def _movements(world: World, commune: OrgUnit, elsewhere: OrgUnit) -> None:
    """One of each movement in the third quarter of 2025, at `commune`."""
    world.measure(world.person(commune), USER, D(2024, 8, 1), end=D(2025, 7, 31))  # completed
    world.take_off(world.person(commune), D(2025, 8, 4))  # removed
    world.take_off(world.person(commune), D(2025, 8, 6), reason="moved_abroad")
    died = world.person(commune)
    world.measure(died, USER, D(2025, 2, 1))
    world.die(died, D(2025, 9, 9))
    back = world.person(commune)
    world.take_off(back, D(2025, 6, 2))
    world.rejoin(back, D(2025, 8, 5))  # back on the roster
    world.released(world.person(commune), D(2025, 9, 22))  # awaiting, overdue on 30/09
    world.decide(world.released(world.person(commune), D(2025, 7, 21)), D(2025, 7, 25))
    world.propose_move(world.person(commune), elsewhere, D(2025, 9, 15), D(2025, 9, 16))
    relapsed = world.person(commune)
    world.measure(relapsed, POST, D(2025, 3, 3))
    world.relapse(relapsed, D(2025, 8, 18), D(2025, 8, 20))


ONE_OF_EACH = {
    "roster.left": 4, "roster.left_completed": 1, "roster.left_died": 1, "roster.left_moved_abroad": 1,
    "roster.left_removed": 1, "roster.deaths": 1, "roster.returned": 1, "roster.released": 2,
    "roster.awaiting_decision": 1, "roster.decision_overdue": 1, "roster.transfers_pending": 1,
    "casework.relapses": 1,
}  # fmt: skip


def test_a_province_is_the_sum_of_its_communes(world, ha_noi, phu_thuong, ba_dinh, ngoc_ha):
    communes = [phu_thuong, ba_dinh, ngoc_ha]
    for times, commune in enumerate(communes, start=1):
        for _ in range(times):
            _movements(world, commune, communes[times % 3])

    q3 = report(ha_noi, Q3)
    assert values(q3, ROSTER_CODES) == {code: 6 * n for code, n in ONE_OF_EACH.items()}
    for times, commune in enumerate(communes, start=1):
        assert {code: child(q3, commune)[code] for code in ROSTER_CODES} == {
            code: times * n for code, n in ONE_OF_EACH.items()
        }
    for code in ROSTER_CODES:
        assert sum(row.figures[code].numerator for row in q3.children) == q3.row(code).figure.numerator, code
    # Each commune's `back` was taken off the roster in June.
    q2 = report(ha_noi, "2025Q2")
    assert values(q2, LEFT) == {code: 6 if code in ("roster.left", "roster.left_removed") else 0 for code in LEFT}
