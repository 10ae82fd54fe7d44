"""Roll-up counts over the organisation tree, computed by the database in one query."""

from typing import Any, cast

from django.db.models import CharField, Count, IntegerField, Lookup, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Left, Length


@CharField.register_lookup
class PathAtOrAfter(Lookup[str]):
    """`path >= value`, comparing bytes: PostgreSQL's pattern operator, which its `LIKE` index serves."""

    lookup_name = "bytes_gte"
    operator = ">="
    pattern_operator = "~>=~"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # SQLite's default BINARY collation already compares bytes.
        operator = self.pattern_operator if connection.vendor == "postgresql" else self.operator
        return f"{lhs} {operator} {rhs}", (*lhs_params, *rhs_params)


@CharField.register_lookup
class PathBefore(PathAtOrAfter):
    """`path < value`, comparing bytes."""

    lookup_name = "bytes_lt"
    operator = "<"
    pattern_operator = "~<~"


def subtree_of(unit_path: str, path: Any) -> dict[str, Any]:
    """Filter arguments keeping the rows whose `unit_path` lies under the unit path `path` (an expression).

    A path ends with "/", so the paths starting with it are those from it (included) up to the same path ending
    in "0", the next byte: a range of bytes the path index serves even when the prefix comes from another row,
    which `LIKE outer.path || '%'` cannot use.
    """
    after = Concat(Left(path, Length(path) - 1), Value("0"), output_field=CharField())
    return {f"{unit_path}__bytes_gte": path, f"{unit_path}__bytes_lt": after}


def with_subtree_count(
    units: QuerySet[Any], rows: QuerySet[Any], *, unit_path: str = "unit__path", name: str = "subtree_count"
) -> QuerySet[Any]:
    """Annotate each unit with the number of `rows` whose unit lies in that unit's subtree (cumulative).

    `rows` may be any queryset (already scoped and filtered); `unit_path` is the lookup from a
    row to its unit's path. One correlated subquery per unit row, evaluated by the database
    through the path index (a range of paths, see `subtree_of`).
    """
    counted = (
        rows.order_by()
        .filter(**subtree_of(unit_path, OuterRef("path")))
        .annotate(_group=Value(1))
        .values("_group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cast(QuerySet[Any], units.annotate(**{name: Coalesce(Subquery(counted, output_field=IntegerField()), 0)}))
