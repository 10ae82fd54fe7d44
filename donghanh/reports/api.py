"""API: a unit's indicators for a period, as the report page computes them, for other systems to read.

`GET /api/v1/reports/indicators/?unit=<official code>&period=<2025|2025Q2|2025-04>` answers the unit's figures with
their targets, and the same figures for each unit below it (for a period before 01/07/2025 on a current unit: the
legacy units it was formed from, and a row for what was recorded under the current units already, whose unit is
null). Figures are aggregates: no person is named, so nothing is written in the access log.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from donghanh.accounts.access import HasCapability
from donghanh.accounts.permissions import Capability
from donghanh.core.periods import Period, parse_period
from donghanh.reports.engine import ChildRow, Figure, Report, Row, build_report
from donghanh.reports.exports import target_number
from donghanh.reports.indicators import context_for, indicators_for
from donghanh.reports.selectors import report_period, report_unit_by_code
from donghanh.reports.targets import TargetStatus


class ReportIndicatorsQuerySerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "A unit's official code (a current unit before a legacy one with the same code); the broadest unit "
            "the user may report on when not given."
        ),
    )
    period = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "A year (2025), a quarter (2025Q2) or a month (2025-04); the current quarter if not given."
        ),
    )
    children = serializers.BooleanField(
        required=False, default=True, help_text=gettext_lazy("0 leaves out the breakdown by the units below.")
    )
    indicators = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "Indicator codes separated by commas (people.registered,members.regular); all if not given."
        ),
    )

    def validate_period(self, value: str) -> str:
        if value.strip() and parse_period(value) is None:
            raise serializers.ValidationError(_("Give a year (2025), a quarter (2025Q2) or a month (2025-04)."))
        return value.strip()


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):  # type: ignore[type-arg]
    """A figure as computed: a whole number for a count or an amount, a percentage with one decimal for a share."""

    def to_representation(self, value: Any) -> Any:
        return value


class ReportUnitSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()


class ReportFigureSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    value = NumberField(
        allow_null=True,
        help_text=gettext_lazy("A count, an amount in đồng, or for a share a percentage; null for a share of nobody."),
    )
    numerator = serializers.IntegerField(help_text=gettext_lazy("The count (or amount); for a share, above the line."))
    denominator = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("For a share, below the line."))


class ReportIndicatorSerializer(ReportFigureSerializer):
    target = NumberField(allow_null=True, help_text=gettext_lazy("The target value that holds, if any."))
    status = serializers.ChoiceField(
        choices=[(status.value, status.value) for status in TargetStatus],
        allow_null=True,
        help_text=gettext_lazy("Whether the target is met; null without a target or a figure."),
    )


class ReportChildSerializer(serializers.Serializer[Any]):
    unit = ReportUnitSerializer(
        help_text=gettext_lazy(
            "A unit below; its code is null on the row of what was recorded under the current units."
        )
    )
    indicators = ReportFigureSerializer(many=True)


class ReportIndicatorsSerializer(serializers.Serializer[Any]):
    unit = ReportUnitSerializer()
    period = serializers.CharField()
    indicators = ReportIndicatorSerializer(many=True)
    children = ReportChildSerializer(many=True)


def _figure(figure: Figure) -> dict[str, Any]:
    indicator = figure.indicator
    return {
        "code": indicator.code,
        "name": str(indicator.name),
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
    }


def _indicator(row: Row) -> dict[str, Any]:
    return {**_figure(row.figure), "target": target_number(row), "status": row.status.value if row.status else None}


def _child(child: ChildRow, codes: list[str]) -> dict[str, Any]:
    unit = {"code": child.unit.code if child.unit else None, "name": child.label}
    return {"unit": unit, "indicators": [_figure(child.figures[code]) for code in codes]}


def report_body(report: Report, codes: list[str] | None = None) -> dict[str, Any]:
    """The answer's body: the report's figures, only those of `codes` when given (not their denominators)."""
    rows = [row for row in report.rows if codes is None or row.indicator.code in codes]
    shown = [row.indicator.code for row in rows]
    return {
        "unit": {"code": report.unit.code, "name": report.unit.name},
        "period": report.period.code,
        "indicators": [_indicator(row) for row in rows],
        "children": [_child(child, shown) for child in report.children],
    }


class ReportIndicatorsView(APIView):
    """A unit's indicators for a period, with their targets and the breakdown by the units below."""

    capability = Capability.VIEW_REPORTS
    permission_classes = [HasCapability]

    # One object, not a list: a plain view, so that the schema does not describe an array.
    @extend_schema(
        operation_id="reports_indicators",
        parameters=[ReportIndicatorsQuerySerializer],
        responses=ReportIndicatorsSerializer,
    )
    def get(self, request: Request) -> Response:
        query = ReportIndicatorsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        code = data.get("unit", "").strip()
        unit = report_unit_by_code(request.user, code)
        if unit is None:
            raise NotFound(_("No unit %(unit)s in your scope.") % {"unit": code})
        period = report_period(data.get("period", ""))
        codes = self.codes(data.get("indicators", ""), period)
        report = build_report(unit, period, codes=codes, children=data["children"], trend=1)
        return Response(ReportIndicatorsSerializer(report_body(report, codes)).data)

    def codes(self, raw: str, period: Period) -> list[str] | None:
        """The indicator codes asked for; None for all. An unknown code is refused (400)."""
        asked = list(dict.fromkeys(code.strip() for code in raw.split(",") if code.strip()))
        if not asked:
            return None
        known = {indicator.code for indicator in indicators_for(context_for(period))}
        unknown = [code for code in asked if code not in known]
        if unknown:
            raise ValidationError({"indicators": [_("Unknown indicators: %(codes)s.") % {"codes": ", ".join(unknown)}]})
        return asked
