"""People helped by the programme, where they live and are, and their (sensitive) drug-use and health data."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import ScopedModel
from donghanh.core.crypto import EncryptedCharField, EncryptedTextField, LookupHashField
from donghanh.core.history import History
from donghanh.core.versions import Versioned
from donghanh.people import choices


class Person(ScopedModel, Versioned):
    """A person the commune helps, registered once and found again by any spelling.

    `unit` is the commune that manages the person now; `ManagementPeriod` keeps which commune
    managed them when, so a past period still counts them where they were.
    """

    scope_capability = Capability.VIEW_PEOPLE
    scope_person_field = "pk"

    code = models.CharField(_("person code"), max_length=20, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=150)
    other_names = models.CharField(_("other names"), max_length=300, blank=True, help_text=_("Separated by commas."))
    search_name = models.CharField(_("names without diacritics"), max_length=500, db_index=True, editable=False)
    sex = models.CharField(_("sex"), max_length=10, choices=choices.Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    citizen_id = EncryptedCharField(_("citizen ID number"), max_length=12, blank=True)
    citizen_id_hash = LookupHashField(source="citizen_id", normaliser="digits")
    id_kind = models.CharField(_("ID document"), max_length=10, choices=choices.IdKind.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=choices.ETHNICITIES, default="01")
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    phone_hash = LookupHashField(source="phone", normaliser="phone")

    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("managing commune"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    current_hamlet = models.CharField(_("hamlet / residential group"), max_length=100, blank=True)
    current_street = EncryptedCharField(_("house number and street"), max_length=200, blank=True)
    permanent_unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("commune of permanent residence"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    permanent_hamlet = models.CharField(_("hamlet of permanent residence"), max_length=100, blank=True)
    permanent_street = EncryptedCharField(_("street of permanent residence"), max_length=200, blank=True)

    occupation = models.CharField(_("occupation"), max_length=150, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=choices.Education.choices, blank=True)
    marital_status = models.CharField(
        _("marital status"), max_length=20, choices=choices.MaritalStatus.choices, blank=True
    )
    household_poverty = models.CharField(
        _("household"),
        max_length=20,
        choices=choices.HouseholdPoverty.choices,
        default=choices.HouseholdPoverty.NONE,
    )
    dependants = models.PositiveSmallIntegerField(_("dependants"), default=0)
    family_contacts = EncryptedTextField(_("family contacts"), blank=True, max_length=1000)
    needs = EncryptedTextField(_("needs and wishes"), blank=True, max_length=2000)

    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        editable=False,
    )
    died_on = models.DateField(_("date of death"), null=True, blank=True, editable=False)
    death_source = models.CharField(
        _("death reported by"), max_length=20, choices=choices.DeathSource.choices, blank=True, editable=False
    )
    death_note = EncryptedCharField(_("note on the death"), max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    history = History()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["search_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id_hash"],
                condition=Q(merged_into__isnull=True) & ~Q(citizen_id_hash=""),
                name="person_unique_citizen_id",
            ),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="person_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.birth_year})"

    def age_on(self, day: datetime.date) -> int:
        if self.birth_date:
            before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
            return day.year - self.birth_date.year - int(before_birthday)
        return day.year - self.birth_year


class PersonPart(ScopedModel):
    """Base of the records that belong to a person and follow them: scoped through the person."""

    scope_unit_path = "person__unit__path"
    scope_person_field = "person"

    class Meta:
        abstract = True


class ManagementPeriod(PersonPart):
    """A period on a commune's roster: from `start_date` to `end_date` (inclusive; open while current).

    A person is on the roster while something keeps them there (an open measure, being in a
    facility, detained or missing, waiting for the post-rehab decision, or an officer keeping
    them on); the period ends on the day the last of these ends, or when they move to another
    commune, with `end_reason`. Coming back starts a new period: history is never rewritten.
    """

    Reason = choices.RosterEntry
    EndReason = choices.RosterExit

    scope_capability = Capability.VIEW_PEOPLE

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="periods")
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="management_periods",
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=choices.RosterEntry.choices)
    start_note = EncryptedCharField(_("why the person is back"), max_length=300, blank=True)
    end_reason = models.CharField(
        _("why the period ended"), max_length=20, choices=choices.RosterExit.choices, blank=True
    )
    end_decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    end_note = EncryptedCharField(_("note on leaving"), max_length=300, blank=True)
    kept_on_reason = models.CharField(
        _("kept on the roster because"),
        max_length=300,
        blank=True,
        help_text=_("An officer keeps the person on although nothing else does (e.g. a new decision is coming)."),
    )

    history = History()

    class Meta:
        verbose_name = _("management period")
        verbose_name_plural = _("management periods")
        ordering = ["person", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="managementperiod_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, end_reason="") | Q(end_date__isnull=False) & ~Q(end_reason=""),
                name="managementperiod_end_has_reason",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="managementperiod_one_open_per_person"
            ),
        ]
        indexes = [models.Index(fields=["person", "start_date"], name="period_person_start_idx")]

    def __str__(self) -> str:
        return f"{self.person} — {self.unit}"


class WhereaboutsRecord(PersonPart):
    """Where the person is from `since` on, until the next record."""

    scope_capability = Capability.VIEW_PEOPLE

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="whereabouts_records"
    )
    status = models.CharField(_("whereabouts"), max_length=20, choices=choices.Whereabouts.choices)
    since = models.DateField(_("since"))
    place = models.CharField(_("place (facility, address)"), max_length=200, blank=True)
    note = EncryptedCharField(_("note"), max_length=300, blank=True)

    history = History()

    class Meta:
        verbose_name = _("whereabouts")
        verbose_name_plural = _("whereabouts")
        ordering = ["person", "-since", "-pk"]
        # A person's whereabouts on a day is their latest record by then, read for every person of a list.
        indexes = [models.Index(fields=["person", "since"], name="whereabouts_person_since_idx")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.since:%d/%m/%Y})"


class DrugUseHistory(PersonPart, Versioned):
    """The person's drug-use history. Sensitive."""

    scope_capability = Capability.VIEW_DRUG_USE

    person = models.OneToOneField(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="drug_use")
    substances = models.JSONField(_("substances used"), default=list)
    primary_substance = models.CharField(
        _("primary substance"), max_length=20, choices=choices.Substance.choices, blank=True
    )
    age_first_use = models.PositiveSmallIntegerField(
        _("age at first use"), null=True, blank=True, validators=[MinValueValidator(5), MaxValueValidator(99)]
    )
    injecting = models.BooleanField(_("injects drugs"), default=False)
    years_of_use = models.PositiveSmallIntegerField(_("years of use"), null=True, blank=True)

    history = History()

    class Meta:
        verbose_name = _("drug-use history")
        verbose_name_plural = _("drug-use histories")
        ordering = ["person"]

    def __str__(self) -> str:
        return str(_("Drug-use history of %(person)s") % {"person": self.person})

    def substance_labels(self) -> list[str]:
        labels = dict(choices.Substance.choices)
        return [str(labels.get(code, code)) for code in self.substances]


class AddictionDetermination(PersonPart):
    """A determination of addiction (Circular 18/2021: addicted when at least 3 of the 6 criteria are met)."""

    ADDICTION_THRESHOLD = 3
    scope_capability = Capability.VIEW_DRUG_USE

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="determinations"
    )
    date = models.DateField(_("date"))
    facility = models.CharField(_("facility"), max_length=200)
    criteria_met = models.PositiveSmallIntegerField(
        _("criteria met (of 6)"), validators=[MinValueValidator(0), MaxValueValidator(6)]
    )
    result = models.CharField(_("result"), max_length=20, choices=choices.DeterminationResult.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = History()

    class Meta:
        verbose_name = _("addiction determination")
        verbose_name_plural = _("addiction determinations")
        ordering = ["person", "-date"]
        constraints = [
            models.CheckConstraint(condition=Q(criteria_met__lte=6), name="determination_criteria_at_most_6"),
            models.CheckConstraint(
                condition=(Q(result="addicted") & Q(criteria_met__gte=3))
                | (Q(result="not_addicted") & Q(criteria_met__lt=3)),
                name="determination_result_follows_criteria",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_result_display()} ({self.date:%d/%m/%Y})"


class DrugTest(PersonPart):
    """A drug test with one result per substance tested. Sensitive."""

    scope_capability = Capability.VIEW_DRUG_USE

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="drug_tests")
    date = models.DateField(_("date"))
    sample = models.CharField(_("sample"), max_length=10, choices=choices.Sample.choices)
    tested_by = models.CharField(_("tested by"), max_length=150)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = EncryptedCharField(_("note"), max_length=300, blank=True)

    history = History()

    class Meta:
        verbose_name = _("drug test")
        verbose_name_plural = _("drug tests")
        ordering = ["person", "-date", "-pk"]

    def __str__(self) -> str:
        return str(_("Drug test of %(date)s") % {"date": f"{self.date:%d/%m/%Y}"})

    @property
    def is_positive(self) -> bool:
        return any(r.result == choices.TestResult.POSITIVE for r in self.results.all())


class DrugTestResult(models.Model):
    """The result for one substance of a drug test."""

    test = models.ForeignKey(DrugTest, verbose_name=_("test"), on_delete=models.CASCADE, related_name="results")
    substance = models.CharField(_("substance"), max_length=20, choices=choices.Substance.choices)
    result = models.CharField(_("result"), max_length=10, choices=choices.TestResult.choices)

    history = History()

    class Meta:
        verbose_name = _("drug test result")
        verbose_name_plural = _("drug test results")
        ordering = ["test", "substance"]
        constraints = [
            models.UniqueConstraint(fields=["test", "substance"], name="drugtestresult_one_per_substance"),
        ]

    def __str__(self) -> str:
        return f"{self.get_substance_display()}: {self.get_result_display()}"


class HealthStatus(PersonPart, Versioned):
    """HIV and other health status. Sensitive; not shown to the police."""

    scope_capability = Capability.VIEW_HEALTH

    person = models.OneToOneField(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="health")
    hiv_status = models.CharField(
        _("HIV status"), max_length=10, choices=choices.HivStatus.choices, default=choices.HivStatus.UNKNOWN
    )
    hiv_test_date = models.DateField(_("date of the last HIV test"), null=True, blank=True)
    other_conditions = EncryptedTextField(_("other health conditions"), blank=True, max_length=2000)

    history = History()

    class Meta:
        verbose_name = _("health status")
        verbose_name_plural = _("health statuses")
        ordering = ["person"]

    def __str__(self) -> str:
        return str(_("Health status of %(person)s") % {"person": self.person})
