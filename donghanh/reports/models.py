"""Targets: what a unit aims for on an indicator in a period (a year, a quarter or a month)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from donghanh.accounts.permissions import Capability
from donghanh.accounts.scope import ScopedModel
from donghanh.core.history import History


class Comparison(models.TextChoices):
    AT_LEAST = "gte", "≥"
    MORE_THAN = "gt", ">"
    AT_MOST = "lte", "≤"
    LESS_THAN = "lt", "<"


class Target(ScopedModel):
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
