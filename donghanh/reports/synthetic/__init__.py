"""Synthetic data for one province: people with years of history, for benchmarks and load tests of the reports.

`synthetic_create(options)` bulk-inserts the rows (no change history, none of the services' per-record checks:
those are not what a benchmark measures) but keeps what the services guarantee: the constraints, a measure
follows the rule in force for its type and the person's age and never overlaps a measure it conflicts with, a
person leaves the roster when the last thing that held them ends and comes back with a new measure (`roster.py`),
volunteers help people of their own commune while active, members join models of the commune that manages them,
nothing is dated after `until`. The same options (seed and `until` included) give the same rows.

Synthetic rows are recognisable, so that they can be replaced and never mistaken for real ones: people's codes
start with `PERSON_PREFIX`; teams, partners and community models carry `SYNTHETIC_NOTE`.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models.deletion import get_candidate_relations_to_delete
from django.utils import timezone, translation

from donghanh.accounts.models import User
from donghanh.casework.models import Volunteer, VolunteerTeam
from donghanh.community.models import CommunityModel
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person
from donghanh.support.models import Partner

PERSON_PREFIX = "SYN"
SYNTHETIC_NOTE = "Dữ liệu tổng hợp (manage.py seed_synthetic)"
ACTOR_USERNAME = "seed-synthetic"
DAY = datetime.timedelta(days=1)
BATCH = 2000
# Fields whose Python values both database drivers take as they are (JSON and aware datetimes need preparing).
PLAIN_TYPES = frozenset(
    {"CharField", "TextField", "SlugField", "BooleanField", "DateField", "ForeignKey", "IntegerField",
     "SmallIntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
     "PositiveBigIntegerField"}
)  # fmt: skip


@dataclass(frozen=True)
class Options:
    people: int = 7000
    province: str = "48"
    communes: int = 100  # the first communes of the province by code
    years: int = 5
    seed: int = 1
    until: datetime.date | None = None  # the last day with data; today by default


def synthetic_people() -> models.QuerySet[Person]:
    return Person.objects.filter(code__startswith=PERSON_PREFIX)


def real_people_count() -> int:
    """People not made by this module: the command refuses to write beside them unless forced."""
    return Person.objects.exclude(code__startswith=PERSON_PREFIX).count()


def actor() -> User:
    """The account the synthetic rows are recorded by (it cannot log in)."""
    user: User | None = User.objects.filter(username=ACTOR_USERNAME).first()
    if user is None:
        user = User.objects.create_user(username=ACTOR_USERNAME, full_name="Dữ liệu tổng hợp", password=None)
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


def insert(model: type[models.Model], rows: Iterable[models.Model], counts: Counter[str]) -> None:
    """Bulk-insert rows from a generator, a batch at a time, so that they never all sit in memory."""
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        model._default_manager.bulk_create(batch)
        counts[_label(model)] += len(batch)


def _label(model: type[models.Model]) -> str:
    with translation.override("en"):
        return str(model._meta.verbose_name_plural)


def insert_values(model: type[models.Model], rows: Iterable[dict[str, Any]], counts: Counter[str]) -> None:
    """Insert rows given as {attname: value} with one prepared statement per batch, without making model instances:
    for the largest tables, whose rows need no id back. Fields left out take their default (or now, for a date
    and time set automatically)."""
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        for f in fields
    }
    kinds = [(f, f.get_internal_type() in PLAIN_TYPES) for f in fields]
    table, columns = (
        connection.ops.quote_name(model._meta.db_table),
        [connection.ops.quote_name(f.column or f.attname) for f in fields],
    )
    label = _label(model)
    with connection.cursor() as cursor:
        for batch in chunks(rows, 5000):
            params = [
                [
                    value if plain else f.get_db_prep_save(value, connection)
                    for f, plain in kinds
                    for value in (row.get(f.attname, defaults[f.attname]),)
                ]
                for row in batch
            ]
            if connection.vendor == "postgresql":  # COPY is several times faster than INSERT there
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for values in params:
                        copy.write_row(values)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", params)
            counts[label] += len(params)


@transaction.atomic
def synthetic_remove() -> Counter[str]:
    """Delete the rows an earlier run made, without history rows (as they were inserted) and in few queries."""
    counts: Counter[str] = Counter()
    _purge(synthetic_people(), counts)
    _purge(CommunityModel.objects.filter(notes=SYNTHETIC_NOTE), counts)
    _purge(Volunteer.objects.filter(team__notes=SYNTHETIC_NOTE), counts)
    _purge(VolunteerTeam.objects.filter(notes=SYNTHETIC_NOTE), counts)
    _purge(Partner.objects.filter(offer_notes=SYNTHETIC_NOTE), counts)
    return counts


def _purge(rows: models.QuerySet[Any], counts: Counter[str]) -> None:
    """Delete `rows` and, first, what cascades from them; what refers to them and may not cascade must be gone."""
    model = rows.model
    using = router.db_for_write(model)
    for relation in get_candidate_relations_to_delete(model._meta):
        field = relation.field  # type: ignore[attr-defined]
        on_delete = relation.on_delete  # type: ignore[attr-defined]
        if on_delete is models.DO_NOTHING:
            continue  # change history keeps no database constraint
        related = relation.related_model._default_manager.filter(**{f"{field.name}__in": rows})  # type: ignore[union-attr]
        if on_delete is models.CASCADE:
            _purge(related, counts)
        elif on_delete is models.SET_NULL:
            related.update(**{field.name: None})
        elif related.exists():
            raise RuntimeError(
                f"Real {related.model.__name__} rows refer to synthetic {model.__name__} rows: not deleted."
            )
    deleted = rows._raw_delete(using)
    if deleted:
        counts[_label(model)] += deleted


@transaction.atomic
def synthetic_create(options: Options) -> tuple[Counter[str], dict[str, Any]]:
    """Create the synthetic province; returns the rows created by kind, and what was covered."""
    from donghanh.reports.synthetic.casework import casework_create
    from donghanh.reports.synthetic.community import community_create
    from donghanh.reports.synthetic.people import World, people_create
    from donghanh.reports.synthetic.support import support_create

    until = options.until or timezone.localdate()
    province = OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.PROVINCE, code=options.province)
    communes = list(
        OrgUnit.objects.filter(parent=province, era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE).order_by("code")[
            : options.communes
        ]
    )
    if not communes:
        raise ValueError(f"Province {options.province} has no communes loaded (manage.py load_orgunits).")
    world = World(
        rng=random.Random(options.seed),
        province=province,
        communes=communes,
        start=_years_before(until, options.years),
        until=until,
        actor=actor(),
        people_wanted=options.people,
    )
    counts: Counter[str] = Counter()
    timings: dict[str, float] = {}
    for label, step in (
        ("people", people_create),
        ("casework", casework_create),
        ("support", support_create),
        ("community", community_create),
    ):
        started = time.perf_counter()
        step(world, counts)
        timings[label] = time.perf_counter() - started
    return counts, {"province": province, "communes": communes, "start": world.start, "until": until, **timings}


def _years_before(day: datetime.date, years: int) -> datetime.date:
    return day.replace(year=day.year - years, day=min(day.day, 28))


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
