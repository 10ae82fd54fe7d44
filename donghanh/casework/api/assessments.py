"""API: monthly assessments (drug use shown only to roles that may see it, and logged), quarterly
classifications and scored instruments (ASSIST listed only for roles that may see drug use)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import scope_for
from donghanh.casework import choices, services
from donghanh.casework.api.base import (
    PERSON_READ_FIELDS,
    DrugTestIdsField,
    DrugUseChoiceField,
    HealthTextField,
    LoggedRowsViewSet,
    MonthField,
    MonthFilter,
    PersonRecordSerializer,
    ReadViewSet,
    VisibleDrugTestField,
    may_see_drug_use,
    service_errors_renamed,
)
from donghanh.casework.instruments import AssistRecency
from donghanh.casework.models import InstrumentRecord, MonthlyAssessment, QuarterlyClassification, RatingLevel
from donghanh.casework.selectors import rating_levels_for
from donghanh.core.api import KeysetPagination
from donghanh.core.filters import IdFilter, WholeNumberFilter, YearFilter
from donghanh.people.api.base import VisiblePersonField, service_errors, user_of
from donghanh.people.models import DrugTest, Person

# Filters ------------------------------------------------------------------------------------------


class AssessmentFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=gettext_lazy("Person"))
    month = MonthFilter(label=gettext_lazy("Month (YYYY-MM)"))

    class Meta:
        model = MonthlyAssessment
        fields = ["person", "month"]


class ClassificationFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=gettext_lazy("Person"))
    year = YearFilter(field_name="year", label=gettext_lazy("Year"))
    quarter = WholeNumberFilter(field_name="quarter", min_value=1, max_value=4, label=gettext_lazy("Quarter"))

    class Meta:
        model = QuarterlyClassification
        fields = ["person", "year", "quarter"]


class InstrumentFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=gettext_lazy("Person"))

    class Meta:
        model = InstrumentRecord
        fields = ["person", "instrument"]


# Monthly assessments and quarterly classifications ------------------------------------------------------

DRUG_USE_HELP = gettext_lazy("Only for roles that may see drug use at the person's commune.")


class RatingCodeField(serializers.CharField):
    """A level of the person's province's rating scale, by code."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", gettext_lazy("The code of a level of the person's province's scale."))
        super().__init__(**kwargs)


def rating_level(person: Person, code: str, field: str) -> RatingLevel:
    """The level `code` of the person's province's scale; a wrong code's error names the accepted ones."""
    levels = list(rating_levels_for(person.unit))
    level = next((level for level in levels if level.code == code), None)
    if level is None:
        message = _("“%(value)s” is not a level of this province's scale. Accepted: %(codes)s.") % {
            "value": code,
            "codes": ", ".join(level.code for level in levels),
        }
        raise serializers.ValidationError({field: [message]})
    return level


class AssessmentSerializer(PersonRecordSerializer[MonthlyAssessment]):
    month = MonthField(read_only=True)
    drug_use = DrugUseChoiceField(choices=choices.DrugUseInMonth.choices, read_only=True, help_text=DRUG_USE_HELP)
    drug_tests = DrugTestIdsField(
        child_relation=serializers.PrimaryKeyRelatedField[DrugTest](read_only=True),
        read_only=True,
        help_text=cast(str, DRUG_USE_HELP),
    )
    rating = serializers.SlugRelatedField[RatingLevel](slug_field="code", read_only=True)
    rating_label = serializers.CharField(source="rating.label", read_only=True)
    volunteer_name = serializers.CharField(source="volunteer.full_name", read_only=True, allow_null=True, default=None)
    notes = HealthTextField()

    class Meta:
        model = MonthlyAssessment
        fields = [
            "id",
            *PERSON_READ_FIELDS,
            "month",
            "drug_use",
            "drug_tests",
            "participation",
            "work_status",
            "family_relations",
            "compliance",
            "rating",
            "rating_label",
            "notes",
            "health_related",
            "volunteer",
            "volunteer_name",
            "assessed_by",
            "assessed_on",
        ]
        read_only_fields = fields


class AssessmentSubmitSerializer(serializers.ModelSerializer[MonthlyAssessment]):
    person = VisiblePersonField()
    month = MonthField(
        help_text=gettext_lazy(
            "The month the assessment is about (YYYY-MM), which may be an earlier one: assessments are often "
            "entered late. A month that has not begun is refused."
        )
    )
    assessed_on = serializers.DateField(
        required=False,
        help_text=gettext_lazy(
            "The day the assessment was made, from the month's first day to today; today when not given."
        ),
    )
    drug_tests = VisibleDrugTestField(
        many=True,
        required=False,
        help_text=gettext_lazy("Drug tests of the month; linking them needs the right to see drug use."),
    )
    rating = RatingCodeField()

    class Meta:
        model = MonthlyAssessment
        fields = [
            "person",
            "month",
            "drug_use",
            "drug_tests",
            "participation",
            "work_status",
            "family_relations",
            "compliance",
            "rating",
            "notes",
            "assessed_on",
        ]
        validators: list[Any] = []  # a second submission for the month corrects the first

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["rating"] = rating_level(attrs["person"], attrs["rating"], "rating")
        return attrs


class AssessmentViewSet(LoggedRowsViewSet[MonthlyAssessment]):
    """Monthly progress assessments. `drug_use` and `drug_tests` appear only for roles that may see drug
    use at the person's commune, and each person shown with them is logged."""

    capability = Capability.VIEW_CASEWORK
    write_capability = Capability.RECORD_CASEWORK
    read_serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    pagination_class = KeysetPagination
    cursor_ordering = ("-month", "-id")
    access_detail = "API: monthly drug use"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[MonthlyAssessment]:
        assessments = (
            MonthlyAssessment.objects.accessible_to(self.request.user)
            .select_related("person__unit", "rating", "volunteer")
            .order_by("-month", "-pk")
        )
        if scope_for(self.request.user).can(Capability.VIEW_DRUG_USE):
            assessments = assessments.prefetch_related(
                Prefetch("drug_tests", queryset=DrugTest.objects.only("pk").order_by("date", "pk"))
            )
        return assessments

    def get_serializer_class(self) -> Any:
        return AssessmentSubmitSerializer if self.action == "create" else AssessmentSerializer

    def sensitive(self, row: MonthlyAssessment) -> bool:
        return may_see_drug_use(self.request.user, row.person)

    def health_records(self, row: MonthlyAssessment) -> Sequence[tuple[Any, Person]]:
        return [(row, row.person)]

    @extend_schema(responses={201: AssessmentSerializer, 200: AssessmentSerializer})
    def create(self, request: Request) -> Response:
        """Record the assessment of `month` (201), or correct it when there is one (200).

        `month` is the month assessed, this one or an earlier one (entered late); `assessed_on` the day it
        was made. "Use confirmed by a test" needs a positive test of that month in `drug_tests`. The rating
        is a level of the person's province's scale (`GET /api/v1/codes/?person=<id>` lists them).
        """
        serializer = AssessmentSubmitSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = MonthlyAssessment.objects.filter(person=data["person"], month=data["month"]).exists()
        with service_errors():
            assessment = services.assessment_submit(actor=user_of(request), **data)
        return self.respond(assessment, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class ClassificationSerializer(PersonRecordSerializer[QuarterlyClassification]):
    derived = serializers.SlugRelatedField[RatingLevel](
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("What the three monthly ratings give; null when a month is missing."),
    )
    derived_label = serializers.CharField(source="derived.label", read_only=True, allow_null=True, default=None)
    level = serializers.SlugRelatedField[RatingLevel](slug_field="code", read_only=True)
    level_label = serializers.CharField(source="level.label", read_only=True)
    overridden = serializers.BooleanField(read_only=True)

    class Meta:
        model = QuarterlyClassification
        fields = [
            "id",
            *PERSON_READ_FIELDS,
            "year",
            "quarter",
            "derived",
            "derived_label",
            "level",
            "level_label",
            "overridden",
            "override_reason",
            "confirmed_by",
            "confirmed_at",
        ]
        read_only_fields = fields


class ClassificationConfirmSerializer(serializers.Serializer[Any]):
    person = VisiblePersonField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    level = RatingCodeField()
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,  # QuarterlyClassification.override_reason
        help_text=gettext_lazy("Needed when the level differs from the one the months give."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["level"] = rating_level(attrs["person"], attrs["level"], "level")
        return attrs


class ClassificationViewSet(ReadViewSet[QuarterlyClassification]):
    """Quarterly classifications, derived from the monthly ratings and confirmed by the commune."""

    capability = Capability.VIEW_CASEWORK
    write_capability = Capability.CONFIRM_CLASSIFICATION
    read_serializer_class = ClassificationSerializer
    filterset_class = ClassificationFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[QuarterlyClassification]:
        return (
            QuarterlyClassification.objects.accessible_to(self.request.user)
            .select_related("person__unit", "derived", "level")
            .order_by("-year", "-quarter", "person__search_name", "pk")
        )

    def get_serializer_class(self) -> Any:
        return ClassificationConfirmSerializer if self.action == "create" else ClassificationSerializer

    @extend_schema(responses={201: ClassificationSerializer, 200: ClassificationSerializer})
    def create(self, request: Request) -> Response:
        """Confirm the quarter's derived level, or set another with a `reason` (201; 200 when it changes one)."""
        serializer = ClassificationConfirmSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = QuarterlyClassification.objects.filter(
            person=data["person"], year=data["year"], quarter=data["quarter"]
        ).exists()
        with service_errors_renamed({"override_reason": "reason"}):
            classification = services.classification_confirm(actor=user_of(request), **data)
        return self.respond(classification, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


# Scored instruments ----------------------------------------------------------------------------------------


class InstrumentRecordSerializer(PersonRecordSerializer[InstrumentRecord]):
    class Meta:
        model = InstrumentRecord
        fields = ["id", *PERSON_READ_FIELDS, "instrument", "date", "answers", "score", "scores", "recorded_by"]
        read_only_fields = fields


class InstrumentRecordCreateSerializer(serializers.Serializer[Any]):
    person = VisiblePersonField()
    instrument = serializers.ChoiceField(choices=choices.Instrument.choices)
    date = serializers.DateField()
    answers = serializers.JSONField(
        help_text=gettext_lazy(
            'ASSIST: {substance: {"q1": …, …, "q7": …}}; BARC-10: the ten item values, 1 to 6, in order.'
        )
    )
    injection = serializers.ChoiceField(
        choices=AssistRecency.choices,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("ASSIST question 8 (injection), when asked."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        answers = attrs["answers"]
        if attrs["instrument"] == choices.Instrument.ASSIST:
            if not isinstance(answers, dict) or not all(isinstance(given, dict) for given in answers.values()):
                raise serializers.ValidationError(
                    {"answers": [_("ASSIST answers are an object of substances, each an object of answers.")]}
                )
        elif not isinstance(answers, list):
            raise serializers.ValidationError({"answers": [_("BARC-10 answers must be a list of 10 numbers.")]})
        return attrs


class InstrumentRecordViewSet(LoggedRowsViewSet[InstrumentRecord]):
    """WHO ASSIST and BARC-10 results. ASSIST records drug use: they are listed only for roles that may
    see it at the person's commune, and each person shown with one is logged."""

    capability = Capability.VIEW_CASEWORK
    # BARC-10 needs RECORD_CASEWORK, ASSIST also RECORD_DRUG_USE (checked by the service for the person).
    write_capability = Capability.RECORD_CASEWORK
    read_serializer_class = InstrumentRecordSerializer
    filterset_class = InstrumentFilter
    access_detail = "API: ASSIST scores"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[InstrumentRecord]:
        user = self.request.user
        records = InstrumentRecord.objects.accessible_to(user).select_related("person__unit")
        assist = Q(instrument=choices.Instrument.ASSIST)
        if not scope_for(user).can(Capability.VIEW_DRUG_USE):
            records = records.exclude(assist)
        else:
            assist_seen = InstrumentRecord.objects.accessible_to(user, Capability.VIEW_DRUG_USE).filter(assist)
            records = records.filter(~assist | Q(pk__in=assist_seen.values("pk")))
        return records.order_by("-date", "-pk")

    def get_serializer_class(self) -> Any:
        return InstrumentRecordCreateSerializer if self.action == "create" else InstrumentRecordSerializer

    def sensitive(self, row: InstrumentRecord) -> bool:
        return row.instrument == choices.Instrument.ASSIST

    @extend_schema(responses={201: InstrumentRecordSerializer})
    def create(self, request: Request) -> Response:
        """Score and keep one administration; ASSIST needs the right to record drug use."""
        serializer = InstrumentRecordCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["injection"] = data.get("injection") or None
        with service_errors():
            record = services.instrument_record(actor=user_of(request), **data)
        return self.respond(record, status.HTTP_201_CREATED)
