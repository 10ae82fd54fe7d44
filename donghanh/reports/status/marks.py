"""Which writes make a person's monthly status rows stale, caught where every write path passes.

Services, merges, the admin and imports all save through the models, so the rows' sources are watched with
`post_save` and `post_delete` receivers rather than by a call in each service: a service added later cannot
forget it. A receiver only writes a mark in the writer's transaction; the rows are redone after the commit
(`store.status_refresh`), and before any report reads them.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, transaction
from django.db.models.signals import post_delete, post_save

from donghanh.casework.models import Assignment, Contact, MonthlyAssessment, QuarterlyClassification, RatingLevel
from donghanh.community.models import Attendance, Membership, Session
from donghanh.core.history import records_saved_in_bulk
from donghanh.episodes.models import Episode
from donghanh.people.models import ManagementPeriod, Person, WhereaboutsRecord
from donghanh.reports.status.store import status_mark
from donghanh.support.models import Referral, ServiceRecord, ServiceType

SOURCES = (ManagementPeriod, WhereaboutsRecord, Episode, Assignment, MonthlyAssessment, QuarterlyClassification,
           ServiceRecord, Referral, Membership, Contact)  # fmt: skip
AT_ONCE = 200  # more people than this marked at once are redone by the task worker instead of after the commit


def _marked(people: list[int], using: str) -> None:
    status_mark(people, using)
    connection = connections[using]
    if not connection.in_atomic_block:
        transaction.on_commit(_after_commit, using=using, robust=True)  # runs now
        return
    # Once per transaction and savepoint (a savepoint rolled back drops what was registered inside it). Django only
    # appends to `run_on_commit`, and replaces the list when it drops hooks: what this list holds of ours is kept
    # beside it, so that a long transaction's writes do not each read all its hooks.
    here = frozenset(connection.savepoint_ids)
    hooks: list[Any] | None
    registered: set[frozenset[str]]
    hooks, registered = getattr(connection, "_status_hooks", (None, set()))
    if hooks is not connection.run_on_commit:
        hooks = connection.run_on_commit
        registered = {frozenset(entry[0]) for entry in hooks if entry[1] is _after_commit}
        setattr(connection, "_status_hooks", (hooks, registered))  # noqa: B010
    if here not in registered:
        transaction.on_commit(_after_commit, using=using, robust=True)
        registered.add(here)


def _after_commit() -> None:
    from donghanh.reports.models import StatusStale
    from donghanh.reports.status.store import DB, status_refresh
    from donghanh.reports.status.tasks import status_refresh_task

    if StatusStale.objects.using(DB).values("person_id").distinct().count() > AT_ONCE:
        status_refresh_task.enqueue()
    else:
        status_refresh()


def _record_changed(sender: Any, instance: Any, using: str, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    _marked([instance.person_id], using)


def _person_changed(sender: Any, instance: Person, using: str, **kwargs: Any) -> None:
    if kwargs.get("raw") or kwargs.get("created"):  # a new person has no period yet
        return
    _marked([instance.pk], using)


def _service_type_changed(sender: Any, instance: ServiceType, using: str, **kwargs: Any) -> None:
    """A service type's category decides stable jobs and job support: its people's rows change with it."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    people = ServiceRecord.objects.using(using).filter(service_type=instance).values_list("person_id", flat=True)
    _marked(list(people.distinct()), using)


def _attendance_changed(sender: Any, instance: Attendance, using: str, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if Attendance.membership.is_cached(instance):  # a session's ticks come with their memberships: no query each
        _marked([instance.membership.person_id], using)
        return
    person = Membership.objects.using(using).filter(pk=instance.membership_id).values_list("person_id", flat=True)
    _marked(list(person), using)


def _session_changed(sender: Any, instance: Session, using: str, **kwargs: Any) -> None:
    """A session held or removed changes the count of sessions its model's members could attend."""
    if kwargs.get("raw"):
        return
    people = Membership.objects.using(using).filter(model_id=instance.model_id).values_list("person_id", flat=True)
    _marked(list(people.distinct()), using)


def _rating_level_changed(sender: Any, instance: RatingLevel, using: str, **kwargs: Any) -> None:
    """Whether a level counts as progress decides the members rated progressing."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    people = MonthlyAssessment.objects.using(using).filter(rating=instance).values_list("person_id", flat=True)
    _marked(list(people.distinct()), using)


def _saved_in_bulk(sender: Any, person_ids: list[int], using: str, **kwargs: Any) -> None:
    if sender in SOURCES or sender is Person:
        _marked(person_ids, using)


def connect() -> None:
    """Called from the reports app's `ready()`."""
    records_saved_in_bulk.connect(_saved_in_bulk, dispatch_uid="status:bulk")
    for model in SOURCES:
        post_save.connect(_record_changed, sender=model, dispatch_uid=f"status:{model._meta.label}:save")
        post_delete.connect(_record_changed, sender=model, dispatch_uid=f"status:{model._meta.label}:delete")
    post_save.connect(_person_changed, sender=Person, dispatch_uid="status:person:save")
    post_save.connect(_service_type_changed, sender=ServiceType, dispatch_uid="status:servicetype:save")
    post_save.connect(_attendance_changed, sender=Attendance, dispatch_uid="status:attendance:save")
    post_delete.connect(_attendance_changed, sender=Attendance, dispatch_uid="status:attendance:delete")
    post_save.connect(_session_changed, sender=Session, dispatch_uid="status:session:save")
    post_delete.connect(_session_changed, sender=Session, dispatch_uid="status:session:delete")
    post_save.connect(_rating_level_changed, sender=RatingLevel, dispatch_uid="status:ratinglevel:save")
