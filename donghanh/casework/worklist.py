"""Each user's work list: what is due, computed from their scope, each item linking to where it is done.

The list is read in a fixed number of queries whatever the number of people; thresholds are
settings (`CASEWORK_*`), not literals. Apps above case work add their own items by registering
a source (`work_list_source_register`) from their `AppConfig.ready()`; case work registers the
roster's items (release decisions, possible relapses, moves between communes) the same way. A
person who died has nothing due on any list: every source leaves them out.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.urls import reverse

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.casework.choices import NotificationKind
from donghanh.casework.health_access import may_read_health
from donghanh.casework.health_text import HEALTH_MASK
from donghanh.casework.models import Contact, MonthlyAssessment, QuarterlyClassification, Volunteer
from donghanh.casework.selectors import assignments_active_on, in_casework, volunteers_active_on
from donghanh.core.dates import month_start, previous_quarter, quarter_months, quarter_of, shift_month_start
from donghanh.people.models import Person

OVERDUE_KINDS = frozenset({NotificationKind.ASSESSMENT_OVERDUE, NotificationKind.REFERRAL_OVERDUE})
# Items done on these pages come back to the page they were opened from (`next`) when done.
FIELD_KINDS = frozenset(
    {
        NotificationKind.ASSESSMENT_DUE,
        NotificationKind.ASSESSMENT_OVERDUE,
        NotificationKind.NO_CONTACT,
        NotificationKind.FOLLOW_UP,
    }
)
ACTING_CAPABILITIES = (Capability.RECORD_CASEWORK, Capability.MANAGE_VOLUNTEERS, Capability.CONFIRM_CLASSIFICATION)


@dataclass(frozen=True)
class WorkItem:
    kind: str
    subject: str
    url: str
    due_date: datetime.date | None
    key: str
    person_id: int | None = None
    detail: str = ""
    late: bool = False  # its date has passed
    actions: tuple[tuple[str, str], ...] = ()  # (label, url): choices a click away from the list
    health_text: bool = False  # `detail` is health text the user may read (the page logs it)

    @property
    def overdue(self) -> bool:
        return self.late or self.kind in OVERDUE_KINDS

    @property
    def kind_label(self) -> str:
        return str(NotificationKind(self.kind).label)

    def link(self, back_to: str) -> str:
        """The item's page; one done in the field comes back to `back_to` (the work list, the home page) when done."""
        return with_next(self.url, back_to) if self.kind in FIELD_KINDS else self.url


def with_next(url: str, back_to: str) -> str:
    """`url` with `next=back_to` added to its query."""
    parts = urlsplit(url)
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit(parts._replace(query=query + urlencode({"next": back_to})))


@dataclass(frozen=True)
class WorkListSource:
    """Items an app above case work puts on the list of the users who hold `capability`."""

    capability: Capability
    items: Callable[[Any, datetime.date], list[WorkItem]]


_sources: list[WorkListSource] = []


def work_list_source_register(capability: Capability, items: Callable[[Any, datetime.date], list[WorkItem]]) -> None:
    """Add `items(user, today)` to the work list of those who hold `capability`; once per source."""
    source = WorkListSource(capability, items)
    if source not in _sources:
        _sources.append(source)


def assessment_months(today: datetime.date) -> tuple[list[datetime.date], list[datetime.date]]:
    """(months due, months overdue) on `today`.

    The current month is due; the previous month stays due during the grace days of this month
    and is overdue after them; earlier months (as many as the setting shows) are overdue.
    """
    current = month_start(today)
    previous = shift_month_start(current, -1)
    due = [current]
    if today.day <= settings.CASEWORK_ASSESSMENT_GRACE_DAYS:
        due.append(previous)
        first_overdue = shift_month_start(current, -2)
    else:
        first_overdue = previous
    overdue = [shift_month_start(first_overdue, -i) for i in range(settings.CASEWORK_OVERDUE_MONTHS_SHOWN)]
    return due, overdue


def _followed_people(user: Any, today: datetime.date) -> Any:
    from donghanh.episodes.selectors import episodes_active_on
    from donghanh.people.selectors import people_for_user

    followed_since = episodes_active_on(today).filter(
        person=OuterRef("pk"), episode_type__in=settings.CASEWORK_ASSESSED_EPISODE_TYPES
    )
    return in_casework(people_for_user(user).filter(died_on__isnull=True), today).annotate(
        measure_since=Subquery(followed_since.order_by("start_date").values("start_date")[:1]),
        assigned_since=Subquery(assignments_active_on(today).filter(person=OuterRef("pk")).values("start_date")[:1]),
        last_contact=Max("contacts__date"),
        has_volunteer=Exists(assignments_active_on(today).filter(person=OuterRef("pk"))),
    )


def work_list(user: Any, today: datetime.date) -> list[WorkItem]:
    """Everything on the user's list on `today`, most urgent first."""
    scope = scope_for(user)
    items: list[WorkItem] = []
    # Only the people of the units where the user acts on case work: a province officer who only reads
    # gets no person items, and loads no one.
    acting = [g for cap in ACTING_CAPABILITIES for g in scope.grants_for(cap)]
    where = Q(pk__in=[])
    for grant in acting:
        where |= Q(unit__path__startswith=grant.unit_path)
    people = list(_followed_people(user, today).filter(where).order_by("search_name", "pk")) if acting else []
    by_id = {p.pk: p for p in people}

    if scope.can(Capability.RECORD_CASEWORK):
        items += _assessments_due(user, people, today)
        items += _no_contact(people, today)
        items += _follow_ups(user, by_id, today)
    if scope.can(Capability.VIEW_EPISODES):
        items += _episodes_ending(user, today)
    if scope.can(Capability.MANAGE_VOLUNTEERS):
        items += _unassigned(user, people)
        items += _idle_volunteers(user, today)
    if scope.can(Capability.CONFIRM_CLASSIFICATION):
        items += _quarters_to_confirm(user, people, today)
    for source in _sources:
        if scope.can(source.capability):
            items += source.items(user, today)
    never = datetime.date.max
    return sorted(items, key=lambda i: (not i.overdue, i.due_date or never, i.subject, i.kind))


def health_text_people(items: list[WorkItem]) -> list[Person]:
    """The people whose health text the items show (a contact's next step, to a role that may see health)."""
    ids = list(dict.fromkeys(item.person_id for item in items if item.health_text and item.person_id is not None))
    return list(Person.objects.filter(pk__in=ids).select_related("unit").order_by("pk")) if ids else []


def _assessments_due(user: Any, people: list[Any], today: datetime.date) -> list[WorkItem]:
    due, overdue = assessment_months(today)
    months = due + overdue
    done = set(
        MonthlyAssessment.objects.filter(person__in=[p.pk for p in people], month__in=months).values_list(
            "person_id", "month"
        )
    )
    items = []
    scope = scope_for(user)
    for person in people:
        if not scope.can_at(Capability.RECORD_CASEWORK, person.unit.path):
            continue
        since = min(d for d in (person.measure_since, person.assigned_since) if d is not None)
        for month in months:
            if month < month_start(since) or (person.pk, month) in done:
                continue
            kind = NotificationKind.ASSESSMENT_DUE if month in due else NotificationKind.ASSESSMENT_OVERDUE
            url = reverse("casework:assessment", args=[person.pk]) + f"?month={month:%Y-%m}"
            items.append(
                WorkItem(
                    kind=kind,
                    subject=person.full_name,
                    url=url,
                    due_date=shift_month_start(month, 1)
                    + datetime.timedelta(days=settings.CASEWORK_ASSESSMENT_GRACE_DAYS - 1),
                    key=f"assessment:{person.pk}:{month:%Y-%m}",
                    person_id=person.pk,
                    detail=f"{month:%m/%Y}",
                )
            )
    return items


def _no_contact(people: list[Any], today: datetime.date) -> list[WorkItem]:
    limit = today - datetime.timedelta(days=settings.CASEWORK_NO_CONTACT_DAYS)
    items = []
    for person in people:
        if person.last_contact is None or person.last_contact <= limit:
            since = person.last_contact or min(d for d in (person.measure_since, person.assigned_since) if d)
            due = since + datetime.timedelta(days=settings.CASEWORK_NO_CONTACT_DAYS)
            items.append(
                WorkItem(
                    kind=NotificationKind.NO_CONTACT,
                    subject=person.full_name,
                    url=reverse("casework:contact_add", args=[person.pk]),
                    due_date=due,
                    key=f"no_contact:{person.pk}:{since:%Y-%m-%d}",
                    person_id=person.pk,
                    detail=f"{person.last_contact:%d/%m/%Y}" if person.last_contact else "",
                    late=due < today,
                )
            )
    return items


def _follow_ups(user: Any, by_id: dict[int, Any], today: datetime.date) -> list[WorkItem]:
    """Next steps whose date has come, with no contact with the person since the one that set them.

    A next step about health reads `HEALTH_MASK` for a role that may not see health.
    """
    later = Contact.objects.filter(person=OuterRef("person"), date__gt=OuterRef("date"))
    pending = (
        Contact.objects.accessible_to(user)
        .filter(person__in=list(by_id), next_step_date__lte=today)
        .exclude(Exists(later))
        .order_by("next_step_date", "pk")
    )
    items = []
    for c in pending:
        person = by_id[c.person_id]
        readable = not c.health_related or may_read_health(user, person)
        items.append(
            WorkItem(
                kind=NotificationKind.FOLLOW_UP,
                subject=person.full_name,
                url=reverse("casework:contact_add", args=[c.person_id]),
                due_date=c.next_step_date,
                key=f"follow_up:{c.pk}",
                person_id=c.person_id,
                detail=c.next_step if readable or not c.next_step else str(HEALTH_MASK),
                late=c.next_step_date < today,
                health_text=c.health_related and readable and bool(c.next_step),
            )
        )
    return items


def _episodes_ending(user: Any, today: datetime.date) -> list[WorkItem]:
    from donghanh.episodes.models import Episode

    horizon = today + datetime.timedelta(days=settings.CASEWORK_EPISODE_ENDING_DAYS)
    ending = (
        Episode.objects.accessible_to(user, Capability.VIEW_EPISODES)
        .filter(actual_end_date__isnull=True, planned_end_date__gte=today, planned_end_date__lte=horizon)
        .filter(person__merged_into__isnull=True, person__died_on__isnull=True)
        .select_related("person")
        .order_by("planned_end_date", "pk")
    )
    return [
        WorkItem(
            kind=NotificationKind.EPISODE_ENDING,
            subject=e.person.full_name,
            url=reverse("people:detail", args=[e.person_id]),
            due_date=e.planned_end_date,
            key=f"episode_ending:{e.pk}:{e.planned_end_date:%Y-%m-%d}",
            person_id=e.person_id,
            detail=e.get_episode_type_display(),
        )
        for e in ending
    ]


def _unassigned(user: Any, people: list[Any]) -> list[WorkItem]:
    scope = scope_for(user)
    return [
        WorkItem(
            kind=NotificationKind.UNASSIGNED,
            subject=p.full_name,
            url=reverse("casework:assign", args=[p.pk]),
            due_date=None,
            key=f"unassigned:{p.pk}",
            person_id=p.pk,
        )
        for p in people
        if not p.has_volunteer and scope.can_at(Capability.MANAGE_VOLUNTEERS, p.unit.path)
    ]


def _idle_volunteers(user: Any, today: datetime.date) -> list[WorkItem]:
    idle = (
        volunteers_active_on(today)
        .filter(pk__in=Volunteer.objects.accessible_to(user, Capability.MANAGE_VOLUNTEERS).values("pk"))
        .exclude(Exists(assignments_active_on(today).filter(volunteer=OuterRef("pk"))))
        .order_by("full_name", "pk")
    )
    return [
        WorkItem(
            kind=NotificationKind.IDLE_VOLUNTEER,
            subject=v.full_name,
            url=reverse("casework:volunteer_detail", args=[v.pk]),
            due_date=None,
            key=f"idle_volunteer:{v.pk}",
        )
        for v in idle
    ]


def _quarters_to_confirm(user: Any, people: list[Any], today: datetime.date) -> list[WorkItem]:
    """The last finished quarter, for people followed then and not yet classified."""
    year, quarter = previous_quarter(*quarter_of(today))
    confirmed = set(
        QuarterlyClassification.objects.filter(
            person__in=[p.pk for p in people], year=year, quarter=quarter
        ).values_list("person_id", flat=True)
    )
    assessed = set(
        MonthlyAssessment.objects.filter(person__in=[p.pk for p in people], month__in=quarter_months(year, quarter))
        .values_list("person_id", flat=True)
        .distinct()
    )
    scope = scope_for(user)
    return [
        WorkItem(
            kind=NotificationKind.QUARTER_TO_CONFIRM,
            subject=p.full_name,
            url=reverse("casework:quarter", args=[year, quarter]) + f"#person-{p.pk}",
            due_date=None,
            key=f"quarter:{p.pk}:{year}Q{quarter}",
            person_id=p.pk,
            detail=f"Q{quarter}/{year}",
        )
        for p in people
        if p.pk not in confirmed and p.pk in assessed and scope.can_at(Capability.CONFIRM_CLASSIFICATION, p.unit.path)
    ]


@dataclass(frozen=True)
class OverdueAssessment:
    """A month in which someone case work follows was not assessed in time."""

    person: Any
    month: datetime.date
    volunteer: str


class OverdueAssessments:
    """The monthly assessments overdue on `today` across the user's scope: oldest month first, then by commune and
    name, read a page at a time (`rows[start:stop]`) and counted up to a limit (`count_up_to`).

    The months the work list calls overdue, for everyone case work follows in the user's communes, whoever is to
    assess them. Each month is one query over the user's communes in order, which the database stops once it has
    the rows asked for: the country's list costs what a commune's does.
    """

    def __init__(self, user: Any, today: datetime.date) -> None:
        from donghanh.people.selectors import people_for_user

        _due, overdue = assessment_months(today)
        self.today = today
        self.months = sorted(overdue)
        self.people = people_for_user(user).filter(died_on__isnull=True)

    def of_month(self, month: datetime.date) -> Any:
        """The people whose assessment of `month` is overdue, in the order of the list.

        Followed from before the month's end (a measure case work follows, or a volunteer: the work list's
        `measure_since` and `assigned_since`) and not assessed for it.
        """
        from donghanh.episodes.selectors import episodes_active_on

        before_end = shift_month_start(month, 1)
        measure = episodes_active_on(self.today).filter(
            person=OuterRef("pk"),
            episode_type__in=settings.CASEWORK_ASSESSED_EPISODE_TYPES,
            start_date__lt=before_end,
        )
        volunteer = assignments_active_on(self.today).filter(person=OuterRef("pk"), start_date__lt=before_end)
        assessed = MonthlyAssessment.objects.filter(person=OuterRef("pk"), month=month)
        return (
            self.people.filter(Exists(measure) | Exists(volunteer))
            .exclude(Exists(assessed))
            .order_by("unit__path", "search_name", "pk")
        )

    def count_up_to(self, limit: int) -> int:
        total = 0
        for month in self.months:
            if total >= limit:
                break
            total += self.of_month(month).values("pk")[: limit - total].count()
        return total

    def __getitem__(self, window: slice) -> list[OverdueAssessment]:
        start, stop = window.start or 0, window.stop
        assert window.step is None and stop is not None, "a page of the list: rows[start:stop]"
        current_volunteer = assignments_active_on(self.today).filter(person=OuterRef("pk"))
        rows: list[OverdueAssessment] = []
        for month in self.months:
            if stop <= 0:
                break
            people = self.of_month(month)
            # The rows before the window in this month, counted no further than the window's start.
            before = people.values("pk")[:start].count() if start else 0
            if before < start:
                start, stop = start - before, stop - before
                continue
            page = list(
                people.select_related("unit").annotate(
                    volunteer_name=Subquery(current_volunteer.values("volunteer__full_name")[:1])
                )[start:stop]
            )
            rows += [OverdueAssessment(person, month, person.volunteer_name or "") for person in page]
            start, stop = 0, stop - start - len(page)
        return rows


def overdue_assessments(user: Any, today: datetime.date) -> OverdueAssessments:
    """The monthly assessments overdue on `today` across the user's scope, oldest month first (see
    `OverdueAssessments`)."""
    return OverdueAssessments(user, today)
