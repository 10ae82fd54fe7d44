"""The demo people of today: dated from the day the demo is made, so that whatever that day, each commune has people
under each measure, people who completed theirs and left the roster, and one of each path of the roster's lifecycle.

Phú Thượng's stories begin within 480 days of the day they are told, after REPORT_DATE when that day comes after
HISTORY_END: seed 002's figures stay as they were on that day. Hải Châu's may begin earlier. Days are counted back from
today with `PeopleWriter.ago`; days that must follow each other are counted from one of them.
"""

from __future__ import annotations

import datetime
from typing import Any

from donghanh.core.dates import add_months_civil
from donghanh.demo import lifecycle
from donghanh.demo.communes import DAY, Commune, PeopleWriter
from donghanh.episodes.choices import EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.services import episode_close
from donghanh.people.choices import HivStatus, Sex, Whereabouts
from donghanh.people.models import Person

DRUG_USER, HOME_REHAB = EpisodeType.DRUG_USER_MANAGEMENT, EpisodeType.VOLUNTARY_COMMUNITY_REHAB
FACILITY, COMPULSORY = EpisodeType.VOLUNTARY_FACILITY_REHAB, EpisodeType.COMPULSORY_REHAB
EDUCATION, POST_REHAB = EpisodeType.ADMINISTRATIVE_EDUCATION, EpisodeType.POST_REHAB_MANAGEMENT
METHADONE, EARLY = EpisodeType.METHADONE, EpisodeType.EARLY_INTERVENTION


def current_people_create(demo: PeopleWriter, phu_thuong: Commune, hai_chau: Commune, came_back: Person) -> None:
    _phu_thuong(demo, phu_thuong, hai_chau, came_back)
    _hai_chau(demo, hai_chau)


def _new(demo: PeopleWriter, c: Commune, registered: datetime.date, **options: Any) -> Person:
    """Registered on `registered`, with their drug use (light for the young)."""
    light, opioid = options.pop("light", False), options.pop("opioid", False)
    person = demo.person(c, registered, **options)
    demo.drug_use(c, person, light=light, opioid=opioid)
    return person


def _in_facility(
    demo: PeopleWriter, c: Commune, kind: str, start: datetime.date, months: int, **options: Any
) -> tuple[Person, Episode]:
    """Registered two to three months before a stay in a facility that begins on `start` (kept open)."""
    person = _new(demo, c, start - demo.rng.randint(62, 90) * DAY)
    return person, demo.rehab(c, person, kind, start, months, keep_open=True, **options)


def _back_home(
    demo: PeopleWriter, c: Commune, kind: str, months: int, back: datetime.date, *, keep_open: bool = False
) -> tuple[Person, Episode]:
    """A stay of `months` in a facility that ended the day before `back`, then post-rehab management."""
    person = _new(demo, c, add_months_civil(back, -months) - demo.rng.randint(62, 90) * DAY)
    stay = demo.rehab(c, person, kind, add_months_civil(back, -months), months)
    assert stay.actual_end_date == back - DAY, (stay, back)
    post = demo.home(c, person, back, keep_open=keep_open)
    assert post is not None
    return person, post


def _phu_thuong(demo: PeopleWriter, c: Commune, hai_chau: Commune, came_back: Person) -> None:
    a = demo.ago

    # Under drug-user management: one tested and found not addicted, one more recent.
    person = _new(demo, c, a(175))
    demo.test(c, person, a(175), positive=True)
    demo.determine(c, person, a(168), criteria=2)
    demo.measure(c, person, DRUG_USER, a(150))
    demo.health(c, person)
    reported = _new(demo, c, a(80))
    demo.test(c, reported, a(80), positive=True)
    demo.measure(c, reported, DRUG_USER, a(60))

    # Voluntary rehab at home: one completed it (and left the roster that day), one under way.
    person = _new(demo, c, a(310), sex=Sex.FEMALE)
    demo.determine(c, person, a(303), criteria=4)
    demo.measure(c, person, HOME_REHAB, a(295), months=6)
    demo.test(c, person, a(150), positive=False)
    demo.health(c, person)
    person = _new(demo, c, a(85))
    demo.determine(c, person, a(78), criteria=3)
    demo.measure(c, person, HOME_REHAB, a(70), months=9)

    # Under management, used again and sent to compulsory rehab: in the facility now.
    person = _new(demo, c, a(270))
    ended = a(105)
    demo.measure(c, person, DRUG_USER, a(262), until=ended, reason=EndReason.TRANSFERRED_TO_COMPULSORY)
    demo.rehab(c, person, COMPULSORY, ended + DAY, 24)
    demo.health(c, person)

    # Young people at risk, under early intervention.
    for days in (320, 300):
        registered = a(days)
        person = _new(demo, c, registered, born=(2005, 2006), light=True)
        demo.test(c, person, registered + DAY, positive=False)
        demo.measure(c, person, EARLY, registered + 3 * DAY)
        demo.health(c, person)

    # Education at commune level (Decree 120/2021) after a positive test.
    person = _new(demo, c, a(130), born=(1990, 2001))
    demo.test(c, person, a(120), positive=True)
    demo.measure(c, person, EDUCATION, a(45), months=3)

    # Back from a facility under post-rehab management: the last one through the release path (the facility's
    # notice, the release, the commune chair's decision a few working days later).
    for days in (40, 200):
        _back_home(demo, c, FACILITY, 6, a(days))
    released = a(150)
    person, stay = _in_facility(demo, c, FACILITY, add_months_civil(released, -6), 6)
    lifecycle.release_path(c, person, stay, released_on=released, decide_after=3)
    demo.health(c, person)

    # A possible relapse: a positive test during post-rehab management raises it on the work list.
    person, _post = _back_home(demo, c, FACILITY, 6, a(118))
    demo.test(c, person, a(6), positive=True)
    # The police report use by someone under drug-user management: another possible relapse.
    lifecycle.relapse_reported(c, reported, a(3))

    # Released more than the working days allowed ago, still without the post-rehab decision: overdue.
    released = lifecycle.released_overdue_on(demo.today, a(12))
    person, stay = _in_facility(demo, c, FACILITY, add_months_civil(released, -6), 6)
    lifecycle.release_path(c, person, stay, released_on=released)
    # In voluntary rehab at a facility, release announced for the days to come.
    expected = a(-12)
    person, stay = _in_facility(demo, c, FACILITY, add_months_civil(expected, -6), 6)
    lifecycle.release_path(c, person, stay, released_on=expected, notice_on=a(8))

    # Whereabouts unknown while under management: still on the roster.
    person = _new(demo, c, a(215))
    demo.measure(c, person, DRUG_USER, a(200))
    demo.move(c, person, Whereabouts.UNKNOWN, a(35))

    # On methadone, HIV positive; died, reported by the family.
    person = _new(demo, c, a(400), born=(1970, 1982), opioid=True)
    demo.measure(c, person, METHADONE, a(385))
    demo.health(c, person, hiv=HivStatus.POSITIVE)
    lifecycle.died(c, person, a(40))

    # Moving to Hải Châu: Phú Thượng proposed it, Hải Châu has not answered yet.
    person, _post = _back_home(demo, c, FACILITY, 6, a(95))
    lifecycle.move_proposed(c, person, hai_chau, a(3))

    # Completed the post-rehab year and left the roster (seed 002's people); found using again, back on it.
    lifecycle.back_on_roster(demo, c, came_back, a(30))


def _hai_chau(demo: PeopleWriter, c: Commune) -> None:
    """Phường Hải Châu: every measure and whereabouts, fewer people."""
    a = demo.ago
    # Post-rehab management: completed but kept on the roster by the officer, under way, and with methadone.
    person, post = _back_home(demo, c, COMPULSORY, 24, a(385), keep_open=True)
    assert post.planned_end_date is not None and post.planned_end_date < demo.today
    keep = "Kết quả xét nghiệm gần nhất dương tính; đang lập hồ sơ xác định tình trạng nghiện."
    episode_close(
        actor=c.officer, episode=post, end_date=post.planned_end_date, end_reason=EndReason.COMPLETED, keep_reason=keep
    )
    _back_home(demo, c, FACILITY, 12, a(150))
    person, post = _back_home(demo, c, COMPULSORY, 24, a(300))
    demo.measure(c, person, METHADONE, a(290))

    for days in (600, 390, 200):  # in the city's rehab centre now
        _in_facility(demo, c, COMPULSORY, a(days), 24)
    _in_facility(demo, c, FACILITY, a(210), 12)

    person = _new(demo, c, a(420))  # under management, then detained
    ended = a(120)
    demo.measure(c, person, DRUG_USER, a(400), until=ended, reason=EndReason.DETAINED)
    demo.move(c, person, Whereabouts.DETAINED, ended, place="Trại tạm giam Công an thành phố Đà Nẵng")
    person = _new(demo, c, a(500))  # back from a rehab centre elsewhere; post-rehab management, then moved away
    back = "Hoàn thành cai nghiện bắt buộc tại Cơ sở cai nghiện ma túy tỉnh Quảng Ngãi, về địa phương ngày "
    back += f"{a(500):%d/%m/%Y}."
    ended = a(240)
    demo.measure(c, person, POST_REHAB, a(486), until=ended, reason=EndReason.MOVED, notes=back)
    demo.move(c, person, Whereabouts.MOVED_AWAY, ended, place=c.elsewhere)
    person = _new(demo, c, a(475))  # voluntary rehab at home, dropped out and gone
    demo.determine(c, person, a(468), criteria=3)
    ended = a(330)
    demo.measure(c, person, HOME_REHAB, a(461), until=ended, reason=EndReason.WITHDREW)
    demo.move(c, person, Whereabouts.UNKNOWN, ended)
    person = _new(demo, c, a(330))  # under management, then went to work abroad: off the roster
    ended = a(50)
    demo.measure(c, person, DRUG_USER, a(320), until=ended, reason=EndReason.MOVED)
    lifecycle.moved_abroad(c, person, ended)

    person = _new(demo, c, a(280))
    demo.determine(c, person, a(273), criteria=4)
    demo.measure(c, person, HOME_REHAB, a(266))
    person = _new(demo, c, a(315))
    demo.test(c, person, a(315), positive=True)
    demo.measure(c, person, DRUG_USER, a(300))
    person = _new(demo, c, a(365))
    demo.test(c, person, a(275), positive=True)
    demo.measure(c, person, EDUCATION, a(60), months=3)
    person = _new(demo, c, a(1200), born=(1968, 1980), opioid=True)  # long-term opioid user on methadone
    demo.measure(c, person, METHADONE, a(1186))
    demo.test(c, person, a(200), positive=False)
    for days in (420, 350):
        registered = a(days)
        person = _new(demo, c, registered, born=(2004, 2006), light=True)
        demo.measure(c, person, EARLY, registered + 7 * DAY)
