"""What the report tests share: a `World` that writes small data through the services, as the officers of the
units involved would, and the report read back from `build_report`.

Everything is dated in the past and the reports are read with an explicit `today`, so the figures do not depend
on the day the suite runs.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone

from donghanh.accounts.models import RoleAssignment, User
from donghanh.accounts.roles import Role
from donghanh.casework import services as casework
from donghanh.casework.models import Assignment, Contact, MonthlyAssessment, RatingLevel, Volunteer, VolunteerTeam
from donghanh.casework.selectors import rating_scale_for
from donghanh.community import services as community
from donghanh.community.choices import ModelStatus, SessionKind
from donghanh.community.models import CommunityModel, Membership, ModelType, Session
from donghanh.core.periods import Period, parse_period
from donghanh.episodes.choices import FACILITY_TYPES, EndReason, EpisodeType
from donghanh.episodes.models import Episode
from donghanh.episodes.services import episode_close, episode_open
from donghanh.orgunits.models import OrgUnit
from donghanh.people.choices import Sex, Whereabouts
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord
from donghanh.people.roster import roster_leave, roster_rejoin
from donghanh.people.services import person_merge, person_register, person_transfer, whereabouts_record
from donghanh.privacy.choices import Purpose
from donghanh.privacy.consent import consent_record
from donghanh.privacy.models import Consent
from donghanh.reports.engine import Report, build_report
from donghanh.roster import death, relapse, release, transfers
from donghanh.roster.models import RelapseSignal, ReleaseNotice, TransferRequest
from donghanh.support import services as support
from donghanh.support.choices import ReferralStatus
from donghanh.support.models import Partner, Referral, ServiceRecord, ServiceType

D = datetime.date
DAY = datetime.timedelta(days=1)
TODAY = D(2026, 11, 22)  # the day the reports are read on: after every period the tests build
REGISTERED = D(2024, 1, 2)  # when people are registered, unless said
TEAM_SINCE = D(2023, 1, 1)  # when volunteer teams and volunteers start, unless said
IN_FACILITY = D(2024, 9, 2)  # when the people released from a facility went in, unless said
Q3 = "2025Q3"  # the period most tests read: after the reform, its stocks measured on LAST
FIRST, LAST = D(2025, 7, 1), D(2025, 9, 30)
POST = EpisodeType.POST_REHAB_MANAGEMENT
USER = EpisodeType.DRUG_USER_MANAGEMENT
EDUCATION = EpisodeType.ADMINISTRATIVE_EDUCATION
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
MIDDLE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh")
GIVEN = ("Hùng", "Dũng", "Tuấn", "Nam", "Hải", "Long", "Sơn", "Thắng", "Cường", "Phong", "Quân", "Trung")
NUMBERS = itertools.count(1)  # shared by every World: a module's World and a test's write in one database


def breakdown_queries(families: int) -> int:
    """The queries a report's breakdown by child units adds: none on PostgreSQL, where each family's statement
    groups by the child and by nothing at once (GROUPING SETS), one per family elsewhere."""
    return 0 if connection.vendor == "postgresql" else families


def period(code: str) -> Period:
    parsed = parse_period(code)
    assert parsed is not None, code
    return parsed


def report(unit: OrgUnit, code: str, *, today: datetime.date = TODAY, **options: Any) -> Report:
    """The report on `unit` for the period `code` (2025, 2025Q2, 2025-04), read on `today`; without the earlier
    periods of the trend unless `trend=` asks for them (the tests of the trend do)."""
    options.setdefault("trend", 1)
    return build_report(unit, period(code), today=today, **options)


def values(report: Report, codes: Iterable[str]) -> dict[str, Any]:
    return {code: report.value(code) for code in codes}


def child(report: Report, unit: OrgUnit | None) -> dict[str, Any]:
    """The values of the report's breakdown row for `unit` (None: the row of what no unit below accounts for)."""
    rows = [row for row in report.children if (row.unit is None and unit is None) or (row.unit == unit)]
    assert len(rows) == 1, f"{len(rows)} rows for {unit}"
    return {code: figure.value for code, figure in rows[0].figures.items()}


@contextmanager
def clock(day: datetime.date) -> Iterator[None]:
    """What the services date "today" (a move's proposal and answer) is dated `day`, at ten in the morning."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class World:
    """Writes records through the services, each as an officer of the unit it belongs to.

    Officers are made on demand: a commune officer for a commune (who may register people, open measures, keep
    the volunteer team, record case work and support, and set up community models), a province officer for a
    province. A person's records are written by the officer of the commune that manages them: `transfer` and
    `merge` refresh the person objects they are given.
    """

    def __init__(self) -> None:
        self.users: dict[tuple[str, int], User] = {}
        self.numbers = NUMBERS
        self.types = {t.code: t for t in ModelType.objects.all()}
        self.service_types = {t.code: t for t in ServiceType.objects.all()}
        self.partners: dict[int, Partner] = {}
        self.levels: dict[int, dict[str, RatingLevel]] = {}

    # Accounts -----------------------------------------------------------------------------------------

    def user(self, role: str, unit: OrgUnit) -> User:
        key = (role, unit.pk)
        if key not in self.users:
            n = next(self.numbers)
            user = User.objects.create_user(
                username=f"bc{n}.{role}", password="Mat-khau-thu-2026", full_name=f"Cán bộ {n}"
            )
            RoleAssignment.objects.create(user=user, role=role, unit=unit)
            self.users[key] = user
        return self.users[key]

    def officer(self, unit: OrgUnit) -> User:
        """The commune officer of a commune, the province officer of a province."""
        role = Role.PROVINCE_OFFICER if unit.level == OrgUnit.Level.PROVINCE else Role.COMMUNE_OFFICER
        return self.user(role, unit)

    def name(self) -> str:
        n = next(self.numbers)
        return f"{FAMILY[n % len(FAMILY)]} {MIDDLE[n % len(MIDDLE)]} {GIVEN[n % len(GIVEN)]} {n}"

    # People and their measures ---------------------------------------------------------------------------

    def person(
        self,
        unit: OrgUnit,
        registered_on: datetime.date = REGISTERED,
        *,
        whereabouts: str = Whereabouts.AT_RESIDENCE,
        birth_year: int = 1990,
        name: str | None = None,
    ) -> Person:
        return person_register(
            actor=self.officer(unit), unit=unit, full_name=name or self.name(), sex=Sex.MALE, birth_year=birth_year,
            registered_on=registered_on, whereabouts=whereabouts,
        )  # fmt: skip

    def people(self, unit: OrgUnit, count: int, registered_on: datetime.date = REGISTERED) -> list[Person]:
        return [self.person(unit, registered_on) for _ in range(count)]

    def measure(
        self,
        person: Person,
        episode_type: str,
        start: datetime.date,
        *,
        end: datetime.date | None = None,
        reason: str = EndReason.COMPLETED,
        planned_end: datetime.date | None = None,
    ) -> Episode:
        """Open a measure (its planned end the rule's usual one) and close it on `end`, when given."""
        fields: dict[str, Any] = {}
        if episode_type in FACILITY_TYPES | {EpisodeType.METHADONE}:
            fields["facility"] = "Cơ sở cai nghiện ma túy số 2 Hà Nội"
        officer = self.officer(person.unit)
        episode = episode_open(
            actor=officer, person=person, episode_type=episode_type, start_date=start, planned_end_date=planned_end,
            **fields,
        )  # fmt: skip
        if end is not None:
            episode_close(actor=officer, episode=episode, end_date=end, end_reason=reason)
        return episode

    def close(self, episode: Episode, end: datetime.date, reason: str = EndReason.COMPLETED) -> Episode:
        return episode_close(actor=self.officer(episode.person.unit), episode=episode, end_date=end, end_reason=reason)

    def whereabouts(self, person: Person, status: str, since: datetime.date) -> WhereaboutsRecord:
        return whereabouts_record(actor=self.officer(person.unit), person=person, status=status, since=since)

    def transfer(self, person: Person, to_unit: OrgUnit, on: datetime.date) -> ManagementPeriod:
        person.refresh_from_db()
        moved = person_transfer(actor=self.officer(person.unit), person=person, to_unit=to_unit, on=on)
        person.refresh_from_db()
        return moved

    def merge(self, keep: Person, duplicate: Person) -> Person:
        keep.refresh_from_db()
        duplicate.refresh_from_db()
        return person_merge(actor=self.officer(keep.unit), keep=keep, duplicate=duplicate)

    # The roster's lifecycle ----------------------------------------------------------------------------------

    def take_off(self, person: Person, on: datetime.date, reason: str = "removed") -> ManagementPeriod:
        """An officer takes the person off the roster (removed by a decision, or moved abroad)."""
        person.refresh_from_db()
        return roster_leave(
            actor=self.officer(person.unit), person=person, on=on, reason=reason, decision_number="12/QĐ-UBND",
            note="Không còn cư trú, xác minh tại địa phương",
        )  # fmt: skip

    def rejoin(self, person: Person, on: datetime.date) -> ManagementPeriod:
        person.refresh_from_db()
        return roster_rejoin(actor=self.officer(person.unit), person=person, on=on, note="Phát hiện sử dụng lại")

    def die(self, person: Person, on: datetime.date) -> Person:
        person.refresh_from_db()
        return death.death_record(actor=self.officer(person.unit), person=person, died_on=on, source="family")

    def notice(self, person: Person, on: datetime.date, expected: datetime.date) -> ReleaseNotice:
        return release.release_notice_record(
            actor=self.officer(person.unit), person=person, notice_date=on, expected_release_date=expected
        )

    def release(
        self, notice: ReleaseNotice, on: datetime.date, certificate: datetime.date | None = None
    ) -> ReleaseNotice:
        return release.release_record(
            actor=self.officer(notice.person.unit), notice=notice, released_on=on, certificate_received_on=certificate
        )

    def released(self, person: Person, on: datetime.date, *, since: datetime.date = IN_FACILITY) -> ReleaseNotice:
        """In a facility under compulsory rehab since `since`, announced 20 days ahead and released on `on`."""
        self.measure(person, EpisodeType.COMPULSORY_REHAB, since)
        self.whereabouts(person, Whereabouts.IN_FACILITY, since)
        return self.release(self.notice(person, on - 20 * DAY, on), on)

    def decide(self, notice: ReleaseNotice, on: datetime.date) -> Episode:
        return release.release_decide(
            actor=self.officer(notice.person.unit), notice=notice, decision_number="7/QĐ-UBND", decision_date=on
        )

    def close_notice(self, notice: ReleaseNotice, on: datetime.date) -> ReleaseNotice:
        return release.release_notice_close(
            actor=self.officer(notice.person.unit), notice=notice, on=on, reason="Chuyển đi nơi khác"
        )

    def propose_move(
        self, person: Person, to_unit: OrgUnit, move_date: datetime.date, on: datetime.date, *, arriving: bool = False
    ) -> TransferRequest:
        """The move proposed on `on` by the commune the person leaves (or reported by the one they arrive in)."""
        person.refresh_from_db()
        with clock(on):
            if arriving:
                return transfers.transfer_report_arrival(
                    actor=self.officer(to_unit), person=person, to_unit=to_unit, move_date=move_date
                )
            return transfers.transfer_propose(
                actor=self.officer(person.unit), person=person, to_unit=to_unit, move_date=move_date
            )

    def answer_move(self, transfer: TransferRequest, on: datetime.date, *, accept: bool = True) -> TransferRequest:
        answering = transfer.to_unit if transfer.proposed_by_side == "leaving" else transfer.from_unit
        with clock(on):
            if accept:
                return transfers.transfer_accept(actor=self.officer(answering), transfer=transfer)
            return transfers.transfer_refuse(actor=self.officer(answering), transfer=transfer, reason="Không cư trú")

    def relapse(
        self, person: Person, on: datetime.date, decided: datetime.date, *, confirm: bool = True
    ) -> RelapseSignal:
        """Use reported by the police on `on`, confirmed (or dismissed) on `decided`."""
        officer = self.officer(person.unit)
        signal = relapse.relapse_report(actor=officer, person=person, date=on, note="Test nhanh dương tính")
        state = "confirmed" if confirm else "dismissed"
        follow_up = "compulsory_proposal" if confirm else ""
        return relapse.relapse_resolve(actor=officer, signal=signal, state=state, follow_up=follow_up, on=decided)

    # Volunteers and case work ----------------------------------------------------------------------------

    def team(self, unit: OrgUnit, established_on: datetime.date | None = TEAM_SINCE) -> VolunteerTeam:
        existing = VolunteerTeam.objects.filter(unit=unit).first()
        if existing is not None:
            return existing
        return casework.team_create(
            actor=self.officer(unit), unit=unit, name=f"Đội tình nguyện {unit.name}", established_on=established_on
        )

    def volunteer(
        self, unit: OrgUnit, start: datetime.date = TEAM_SINCE, end: datetime.date | None = None
    ) -> Volunteer:
        return casework.volunteer_add(
            actor=self.officer(unit), team=self.team(unit), full_name=self.name(), sex="female",
            affiliation="youth_union", start_date=start, end_date=end,
        )  # fmt: skip

    def assign(self, person: Person, volunteer: Volunteer, start: datetime.date) -> Assignment:
        return casework.assignment_make(
            actor=self.officer(person.unit), person=person, volunteer=volunteer, start_date=start
        )

    def end_assignment(self, assignment: Assignment, end: datetime.date) -> Assignment:
        return casework.assignment_end(
            actor=self.officer(assignment.person.unit), assignment=assignment, end_date=end, reason="Kết thúc"
        )

    def level(self, person: Person, code: str) -> RatingLevel:
        scale = rating_scale_for(person.unit)
        if scale.pk not in self.levels:
            self.levels[scale.pk] = {level.code: level for level in scale.levels.all()}
        return self.levels[scale.pk][code]

    def assess(
        self, person: Person, month: datetime.date, *, rating: str = "good", drug_use: str = "none"
    ) -> MonthlyAssessment:
        return casework.assessment_submit(
            actor=self.officer(person.unit), person=person, month=month, drug_use=drug_use, participation="full",
            work_status="casual", family_relations="good", compliance="complies", rating=self.level(person, rating),
        )  # fmt: skip

    def classify(self, person: Person, year: int, quarter: int, level: str) -> Any:
        return casework.classification_confirm(
            actor=self.officer(person.unit), person=person, year=year, quarter=quarter,
            level=self.level(person, level), reason="Theo đánh giá của ban chủ nhiệm",
        )  # fmt: skip

    def contact(self, person: Person, day: datetime.date) -> Contact:
        return casework.contact_record(
            actor=self.officer(person.unit), person=person, date=day, mode="home_visit", topics=["relapse_prevention"]
        )

    # Support -------------------------------------------------------------------------------------------------

    def partner(self, unit: OrgUnit) -> Partner:
        if unit.pk not in self.partners:
            self.partners[unit.pk] = support.partner_add(
                actor=self.officer(unit), unit=unit, name=f"Công ty May {unit.name}", kind="business",
                offers_jobs=True, offers_training=True,
            )  # fmt: skip
        return self.partners[unit.pk]

    def service(
        self, person: Person, code: str, start: datetime.date, *, end: datetime.date | None = None, **fields: Any
    ) -> ServiceRecord:
        """A service of type `code` (vocational_training, job_placement, emergency_aid, preferential_loan…)."""
        service_type = self.service_types[code]
        if service_type.category in ("job_placement", "loan"):
            bank = code == "preferential_loan"
            fields.setdefault("provider_name", "Ngân hàng Chính sách xã hội" if bank else "Công ty May 10")
        if service_type.category == "loan":
            fields.setdefault("amount", Decimal(40_000_000))
        return support.service_record(
            actor=self.officer(person.unit), person=person, service_type=service_type, start_date=start, end_date=end,
            **fields,
        )  # fmt: skip

    def referral(self, person: Person, sent_on: datetime.date, status: str, on: datetime.date) -> Referral:
        """An employment referral sent on `sent_on`, then accepted and moved to `status` on `on`."""
        officer = self.officer(person.unit)
        if not Consent.objects.filter(person=person, purpose=Purpose.REFERRAL_SHARING).exists():
            # A referral needs the person's consent (privacy.consent): signed on the day of the first.
            consent_record(
                actor=officer, person=person, purpose=Purpose.REFERRAL_SHARING, given_on=sent_on, method="signed_form",
                form_number="01/ĐY-2025", given_by="person",
            )  # fmt: skip
        referral = support.referral_send(
            actor=officer, person=person, partner=self.partner(person.unit), kind="employment",
            reason="Giới thiệu việc làm", sent_on=sent_on,
        )  # fmt: skip
        if status == ReferralStatus.COMPLETED:
            referral = support.referral_change(actor=officer, referral=referral, status="accepted", on=sent_on)
        if status != ReferralStatus.SENT:
            referral = support.referral_change(actor=officer, referral=referral, status=status, on=on)
        return referral

    # Community models --------------------------------------------------------------------------------------

    def model(
        self,
        unit: OrgUnit,
        type_code: str,
        established_on: datetime.date,
        *,
        status: str = ModelStatus.PILOT,
        name: str | None = None,
    ) -> CommunityModel:
        n = next(self.numbers)
        return community.model_create(
            actor=self.officer(unit), unit=unit, model_type=self.types[type_code],
            name=name or f"Mô hình {n} {unit.name}", decision_number=f"{n}/QĐ-UBND",
            decision_date=established_on - 5 * DAY, established_on=established_on, status=status,
        )  # fmt: skip

    def status(self, model: CommunityModel, status: str, on: datetime.date) -> CommunityModel:
        model.refresh_from_db()
        return community.model_status_change(actor=self.officer(model.unit), model=model, status=status, on=on)

    def join(self, model: CommunityModel, person: Person, joined_on: datetime.date) -> Membership:
        return community.member_join(actor=self.officer(model.unit), model=model, person=person, joined_on=joined_on)

    def leave(self, membership: Membership, left_on: datetime.date) -> Membership:
        return community.member_leave(
            actor=self.officer(membership.model.unit), membership=membership, left_on=left_on, reason="moved"
        )

    def session(self, model: CommunityModel, day: datetime.date, present: Iterable[Membership] = ()) -> Session:
        return community.session_record(
            actor=self.officer(model.unit), model=model, date=day, kind=SessionKind.REGULAR, present=present,
            topic="Sinh hoạt định kỳ",
        )  # fmt: skip


@pytest.fixture
def ha_noi(unit: Any) -> OrgUnit:
    """Thành phố Hà Nội, the current province of Phú Thượng, Ba Đình and Ngọc Hà."""
    return unit("01", level=OrgUnit.Level.PROVINCE)


@pytest.fixture
def ba_dinh(unit: Any) -> OrgUnit:
    return unit("00004")


@pytest.fixture
def ngoc_ha(unit: Any) -> OrgUnit:
    return unit("00008")


@pytest.fixture
def world(db: None) -> World:
    return World()


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """A World whose records last for the whole test module, in a transaction rolled back at its end.

    Each test of the module runs in a savepoint inside it (pytest-django's `db`), so a test's own writes are
    undone after it while the module's data stays. Build the data in a module fixture under
    `django_db_blocker.unblock()`.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = World()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
