"""Synthetic data for provinces or the whole country: people with years of history, for benchmarks and load tests.

`synthetic_plan()` says how many people each province gets (in proportion to its communes: by default each gets
its share of a national `NATIONAL_PEOPLE`), and `synthetic_create(options)` makes one province. Each province has
its own generator, seeded from the seed and the province's code, and numbers its people on its own (codes
`SYN<province><number>`), so a province's rows are the same whichever other provinces are seeded beside it.

`synthetic_create(options)` bulk-inserts the rows (no change history, none of the services' per-record checks:
those are not what a benchmark measures) but keeps what the services guarantee: the constraints, a measure
follows the rule in force for its type and the person's age and never overlaps a measure it conflicts with, a
person leaves the roster when the last thing that held them ends and comes back with a new measure (`roster.py`),
volunteers help people of their own commune while active, members join models of the commune that manages them,
nothing is dated after `until`. The same options (seed and `until` included) give the same rows.

Synthetic rows are recognisable, so that they can be replaced and never mistaken for real ones: people's codes
start with `PERSON_PREFIX`; teams, partners and community models carry `SYNTHETIC_NOTE`. `synthetic_remove` deletes
one province's.
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
from donghanh.core.bulk import chunks, rows_insert
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import Person
from donghanh.support.models import Partner

PERSON_PREFIX = "SYN"
SYNTHETIC_NOTE = "Dữ liệu tổng hợp (manage.py seed_synthetic)"
ACTOR_USERNAME = "seed-synthetic"
DAY = datetime.timedelta(days=1)
BATCH = 2000
# The national data set: 224,000 people over the 3,321 communes of the 34 provinces (about 67.4 per commune).
NATIONAL_PEOPLE, NATIONAL_COMMUNES = 224_000, 3_321


@dataclass(frozen=True)
class Options:
    people: int | None = None  # None: the province's share of the national data set
    province: str = "48"
    communes: int | None = None  # the first communes of the province by code; None: all of them
    years: int = 5
    seed: int = 1
    until: datetime.date | None = None  # the last day with data; today by default


@dataclass(frozen=True)
class Share:
    """What one province gets: the communes people live in and how many people."""

    province: OrgUnit
    communes: list[OrgUnit]
    people: int


def synthetic_people() -> models.QuerySet[Person]:
    return Person.objects.filter(code__startswith=PERSON_PREFIX)


def code_prefix(province: OrgUnit) -> str:
    """People's codes in a province: `SYN48` then a number of seven digits."""
    return f"{PERSON_PREFIX}{province.code}"


def synthetic_plan(codes: list[str] | None, people: int | None, communes: int | None) -> list[Share]:
    """The provinces to seed (all current ones when `codes` is None) with their communes and people.

    Without `people`, each province gets its share of `NATIONAL_PEOPLE` (`NATIONAL_PEOPLE / NATIONAL_COMMUNES` per
    commune, rounded per province), so that a province seeded alone gets what it gets in the national run; with
    `people`, that many are split over the provinces named, in proportion to their communes (largest remainders).
    """
    provinces = OrgUnit.objects.filter(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.PROVINCE)
    if codes is not None:
        provinces = provinces.filter(code__in=codes)
    shares: list[Share] = []
    for province in provinces.order_by("code"):
        units = OrgUnit.objects.filter(parent=province, era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE)
        chosen = list(units.order_by("code")[:communes] if communes is not None else units.order_by("code"))
        if not chosen:
            raise ValueError(f"Province {province.code} has no communes loaded (manage.py load_orgunits).")
        shares.append(Share(province, chosen, round(len(chosen) * NATIONAL_PEOPLE / NATIONAL_COMMUNES) or 1))
    if people is not None and shares:
        sizes = [len(share.communes) for share in shares]
        exact = [people * size / sum(sizes) for size in sizes]
        counts = [int(value) for value in exact]
        by_remainder = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
        for i in by_remainder[: people - sum(counts)]:
            counts[i] += 1
        shares = [Share(share.province, share.communes, count) for share, count in zip(shares, counts, strict=True)]
    return shares


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
    """Bulk-insert model instances from a generator, a batch at a time (so that they never all sit in memory), and
    give them their ids. On PostgreSQL the ids are taken from the table's sequence first and the rows copied
    (`insert_values`): building the INSERT statements of `bulk_create` costs more than making the data."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        iterator = iter(rows)
        while batch := list(islice(iterator, BATCH)):
            model._default_manager.bulk_create(batch)
            counts[_label(model)] += len(batch)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    sequence = f"pg_get_serial_sequence('{connection.ops.quote_name(meta.db_table)}', '{pk.column}')"
    automatic = {
        f.attname for f in meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    names = [f.attname for f in meta.concrete_fields]

    def values(batch: list[models.Model]) -> Iterator[dict[str, Any]]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT nextval({sequence}) FROM generate_series(1, %s)", [len(batch)])
            ids = [row[0] for row in cursor.fetchall()]
        for instance, key in zip(batch, ids, strict=True):
            instance.pk = key
            instance._state.adding, instance._state.db = False, connection.alias
            row = {name: getattr(instance, name) for name in names}
            yield {name: value for name, value in row.items() if value is not None or name not in automatic}

    for batch in chunks(rows, BATCH):
        insert_values(model, values(batch), counts, keys=True)


def _label(model: type[models.Model]) -> str:
    with translation.override("en"):
        return str(model._meta.verbose_name_plural)


def insert_values(
    model: type[models.Model], rows: Iterable[dict[str, Any]], counts: Counter[str], *, keys: bool = False
) -> None:
    """Insert rows given as {attname: value} in batches (`bulk.rows_insert`), without making model instances:
    for the largest tables, whose rows need no id back (or, `keys`, come with their ids). Fields left out take their
    default (or now, for a date and time set automatically)."""
    fields = [f for f in model._meta.concrete_fields if keys or not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        for f in fields
    }
    made = ([row.get(f.attname, defaults[f.attname]) for f in fields] for row in rows)
    counts[_label(model)] += rows_insert(model, fields, made, router.db_for_write(model))


@transaction.atomic
def synthetic_remove(province: OrgUnit) -> Counter[str]:
    """Delete the rows earlier runs made in the province, without history rows (as they were inserted) and in few
    queries. A synthetic person belongs to the province of their home commune (they move only within it)."""
    counts: Counter[str] = Counter()
    within = province.path
    _purge(synthetic_people().filter(permanent_unit__path__startswith=within), counts)
    _purge(CommunityModel.objects.filter(notes=SYNTHETIC_NOTE, unit__path__startswith=within), counts)
    _purge(Volunteer.objects.filter(team__notes=SYNTHETIC_NOTE, team__unit__path__startswith=within), counts)
    _purge(VolunteerTeam.objects.filter(notes=SYNTHETIC_NOTE, unit__path__startswith=within), counts)
    _purge(Partner.objects.filter(offer_notes=SYNTHETIC_NOTE, unit__path__startswith=within), counts)
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
def synthetic_create(options: Options, share: Share | None = None) -> tuple[Counter[str], dict[str, Any]]:
    """Create one synthetic province (`share`, or planned from the options); returns the rows created by kind, and
    what was covered."""
    from donghanh.reports.synthetic.casework import casework_create
    from donghanh.reports.synthetic.community import community_create
    from donghanh.reports.synthetic.people import World, people_create
    from donghanh.reports.synthetic.support import support_create

    until = options.until or timezone.localdate()
    if share is None:
        planned = synthetic_plan([options.province], options.people, options.communes)
        if not planned:
            raise ValueError(f"No current province {options.province} (manage.py load_orgunits).")
        share = planned[0]
    province, communes = share.province, share.communes
    world = World(
        rng=random.Random(f"{options.seed}/{province.code}"),  # a string seeds the same way in every process
        province=province,
        communes=communes,
        start=_years_before(until, options.years),
        until=until,
        actor=actor(),
        people_wanted=share.people,
    )
    counts: Counter[str] = Counter()
    timings: dict[str, float] = {}
    for label, step in (
        ("people", people_create),
        ("casework", casework_create),
        ("support", support_create),
        ("community", community_create),
        ("status", _status_create),
    ):
        started = time.perf_counter()
        step(world, counts)
        timings[label] = time.perf_counter() - started
    covered = {"province": province, "communes": communes, "start": world.start, "until": until, "seed": options.seed}
    return counts, covered | timings


def _status_create(world: Any, counts: Counter[str]) -> None:
    """The monthly status rows the reports read about people, worked out for the people just made (the rows are
    kept in step by the models' signals, which bulk inserts do not send)."""
    from donghanh.reports.models import MonthlyStatus
    from donghanh.reports.status.store import status_build

    counts[_label(MonthlyStatus)] += status_build(someone.pk for someone in world.people)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    return day.replace(year=day.year - years, day=min(day.day, 28))
