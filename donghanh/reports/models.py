"""Targets: what a unit aims for on an indicator in a period (a year, a quarter or a month)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import ScopedModel
from donghanh.core.history import History
from donghanh.core.versions import Versioned


class Comparison(models.TextChoices):
    AT_LEAST = "gte", "≥"
    MORE_THAN = "gt", ">"
    AT_MOST = "lte", "≤"
    LESS_THAN = "lt", "<"


class Target(ScopedModel, Versioned):
    """A unit's target on one indicator for one period. A province's target holds for its communes unless a
    commune has its own; a year's target on a share or a stock holds for the year's quarters and months too."""

    scope_capability = Capability.VIEW_REPORTS

    indicator = models.CharField(_("indicator"), max_length=80)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="report_targets"
    )
    period = models.CharField(_("period"), max_length=7, help_text=_("2025, 2025Q2 or 2025-04."))
    comparison = models.CharField(_("comparison"), max_length=3, choices=Comparison.choices, default="gte")
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=1)
    note = models.CharField(_("note"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = History()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["unit__path", "period", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "period"], name="target_one_per_indicator_unit_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_comparison_display()} {self.value} ({self.unit}, {self.period})"

    def is_met_by(self, value: float | int) -> bool:
        target = float(self.value)
        return {
            Comparison.AT_LEAST: value >= target,
            Comparison.MORE_THAN: value > target,
            Comparison.AT_MOST: value <= target,
            Comparison.LESS_THAN: value < target,
        }[Comparison(self.comparison)]


class MonthlyStatus(models.Model):
    """What the people family of the reports reads about a person on a month's last day, worked out ahead.

    One row per person and month whose last day falls in one of the person's periods on a commune's roster
    (`unit`, that period's commune). Each field holds what the report engine would otherwise look up person by
    person: the whereabouts that day, the measures running, case work, a stable job, the latest day under a
    sanctioned measure and the latest start of job support (the family tests them against the period's first
    day), the classification of the quarter the month ends, and the months due and done of the twelve months
    up to this one as bit masks (bit 0 is this month). A person counts once: rows not `shared` are counted as they
    are, shared ones distinct by person. Derived data with no history of its own: kept in step
    with the records it is worked out from by `reports.status` (see docs/reports-status.md).
    """

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    month = models.DateField()  # the month's first day; the status is that of its last day
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    where_at = models.CharField(max_length=20, blank=True)  # "" when no whereabouts was recorded by then
    followed = models.BooleanField(default=False)
    assigned = models.BooleanField(default=False)
    stable_job = models.BooleanField(default=False)
    ep_post_rehab = models.BooleanField(default=False)
    ep_education = models.BooleanField(default=False)
    ep_user_management = models.BooleanField(default=False)
    ep_community_rehab = models.BooleanField(default=False)
    ep_methadone = models.BooleanField(default=False)
    sanctioned_until = models.DateField(null=True)
    job_support_from = models.DateField(null=True)
    level = models.ForeignKey(
        "casework.RatingLevel", null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    due_mask = models.IntegerField(default=0)
    done_mask = models.IntegerField(default=0)
    shared = models.BooleanField(default=False)  # the person has another row this month (two periods cover its end)

    class Meta:
        verbose_name = _("monthly status row")
        verbose_name_plural = _("monthly status rows")
        ordering = ["month", "person"]
        indexes = [
            models.Index(fields=["month", "unit"], name="monthlystatus_month_unit"),
            models.Index(fields=["person", "month"], name="monthlystatus_person_month"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m} {self.unit_id}"


class MemberMonth(models.Model):
    """What the members family of the reports reads about a membership at a month's end, worked out ahead.

    One row per membership and month from the month it began (or its first attendance, if earlier) to the month
    it ended (or the rows' horizon). `active`: a member on the month's last day. The counts are running totals
    from the first row: sessions attended (`attended`) and sessions of its model held since it joined (`held`),
    so a period's are the difference between the row of its last month and the row of the month before it. The
    days are the latest, by the month's end, of the person's contact, monthly assessment, assessment recording
    drug use, with `progress` the rating of that latest assessment. Derived data kept in step with the records by
    `reports.status`, with the people's monthly status rows.
    """

    membership = models.ForeignKey(
        "community.Membership", on_delete=models.DO_NOTHING, related_name="months", db_constraint=False
    )
    person_id = models.BigIntegerField()
    month = models.DateField()  # the month's first day
    active = models.BooleanField(default=False)
    attended = models.IntegerField(default=0)
    held = models.IntegerField(default=0)
    last_contact = models.DateField(null=True)
    last_assessed = models.DateField(null=True)  # a month's first day, as assessments are dated
    last_used = models.DateField(null=True)
    progress = models.BooleanField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["month", "membership"], name="membermonth_month_membership"),
            models.Index(fields=["membership", "month"], name="membermonth_membership_month"),
            models.Index(fields=["person_id"], name="membermonth_person"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.month:%Y-%m}"


class ServiceUnit(models.Model):
    """The commune that managed a service's person on the day the service started: the period on its roster
    covering that day that began last (none: no row). Derived like the monthly status rows and kept in step with
    them, so the services family joins it instead of looking the period up record by record."""

    service = models.OneToOneField(
        "support.ServiceRecord", primary_key=True, on_delete=models.DO_NOTHING, related_name="managed",
        db_constraint=False,
    )  # fmt: skip
    person_id = models.BigIntegerField(db_index=True)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    day = models.DateField()  # the service's start: a period's records found by index, by unit or by day

    class Meta:
        indexes = [
            models.Index(fields=["unit", "day"], name="serviceunit_unit_day"),
            models.Index(fields=["day", "unit"], name="serviceunit_day_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.unit_id}"


class ReferralUnit(models.Model):
    """The commune that managed a referral's person on the day of its current status (see `ServiceUnit`)."""

    referral = models.OneToOneField(
        "support.Referral", primary_key=True, on_delete=models.DO_NOTHING, related_name="managed",
        db_constraint=False,
    )  # fmt: skip
    person_id = models.BigIntegerField(db_index=True)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    day = models.DateField()  # the day of the referral's status: a period's records found by index, by unit or by day

    class Meta:
        indexes = [
            models.Index(fields=["unit", "day"], name="referralunit_unit_day"),
            models.Index(fields=["day", "unit"], name="referralunit_day_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.unit_id}"


class StatusStale(models.Model):
    """A person whose monthly status rows must be worked out again: written in the transaction that changed
    one of their records, removed once the rows are redone."""

    person_id = models.BigIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.person_id}"


class StatusHorizon(models.Model):
    """The last month the monthly status rows reach (one row; none: the rows were never built, and the reports
    read the records themselves). Reports for later months read the records themselves."""

    last_month = models.DateField()
    built_at = models.DateTimeField(null=True)
    # Whether any row was ever written `shared` (two periods of a person covering a month's end, which the
    # services do not make): until one is, the reports count rows without setting the shared ones apart.
    shared_rows = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.last_month:%Y-%m}"


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel (XLSX)"
    PDF = "pdf", "PDF"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("being made")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class ExportJob(models.Model):
    """A report file a user asked for, made by the task worker (`reports.jobs`), kept for a day.

    Only the user who asked sees the job or downloads the file, and only while they may still read the unit's
    reports. The file is kept in the database (not on one host's disk), so any web process can serve it. It holds
    aggregate figures only. Short-lived and derived from the records: no change history.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey("orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("period"), max_length=7)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    language = models.CharField(_("language"), max_length=10)
    # The breakdown by unit as the report page showed it: units with only zeros left out (True), kept (False), or as
    # the file does by default (None: the PDF leaves them out, the workbook keeps them); its order (`?sort=`).
    hide_zero_units = models.BooleanField(_("units with only zeros left out"), null=True, blank=True)
    sort = models.CharField(_("breakdown sorted by"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # percent
    content = models.BinaryField(_("file"), null=True)
    filename = models.CharField(_("file name"), max_length=120, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)  # bytes
    rows = models.PositiveIntegerField(
        _("rows"), default=0
    )  # of figures: one per indicator and per unit of the breakdown
    error = models.TextField(_("error"), blank=True)  # for the administrators; the user sees a general message
    created = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated = models.DateTimeField(_("last progress at"), auto_now_add=True)  # the worker's last sign of life
    finished = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="exportjob_progress_at_most_100")
        ]
        indexes = [
            models.Index(fields=["requested_by", "status"], name="exportjob_user_status"),
            models.Index(fields=["created"], name="exportjob_created"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period} {self.format} ({self.status})"
