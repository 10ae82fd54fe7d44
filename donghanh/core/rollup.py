"""Roll-up counts over the organisation tree, computed by the database in one query."""

from typing import Any, cast

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def with_subtree_count(
    units: QuerySet[Any], rows: QuerySet[Any], *, unit_path: str = "unit__path", name: str = "subtree_count"
) -> QuerySet[Any]:
    """Annotate each unit with the number of `rows` whose unit lies in that unit's subtree (cumulative).

    `rows` may be any queryset (already scoped and filtered); `unit_path` is the lookup from a
    row to its unit's path. One correlated subquery per unit row, evaluated by the database.
    """
    counted = (
        rows.order_by()
        .filter(**{f"{unit_path}__startswith": OuterRef("path")})
        .annotate(_group=Value(1))
        .values("_group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cast(QuerySet[Any], units.annotate(**{name: Coalesce(Subquery(counted, output_field=IntegerField()), 0)}))
