"""The organisation tree: the nation, provinces, (legacy) districts and communes, with their validity."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from donghanh.accounts.scope import NATIONAL_ROOT_PATH, Grant, ScopedModel
from donghanh.core.levels import UnitLevel

REFORM_DATE = datetime.date(2025, 7, 1)
LEGACY_END_DATE = datetime.date(2025, 6, 30)


class OrgUnit(ScopedModel):
    """An administrative unit with its official code, its place in the tree and the dates it existed.

    `path` is a materialised path ("VN/NP01/NC00091/"): a subtree is every unit whose path
    starts with the root's, so subtree queries and roll-ups are one indexed query on any database.
    """

    Level = UnitLevel

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        PROVINCE = "province", _("Province")
        CENTRAL_CITY = "central_city", _("Centrally-run city")
        URBAN_DISTRICT = "urban_district", _("Urban district")
        RURAL_DISTRICT = "rural_district", _("Rural district")
        TOWN = "town", _("Town")
        PROVINCIAL_CITY = "provincial_city", _("Provincial city")
        COMMUNE = "commune", _("Commune")
        WARD = "ward", _("Ward")
        TOWNSHIP = "township", _("Township")
        SPECIAL_ZONE = "special_zone", _("Special zone")

    class Era(models.TextChoices):
        CURRENT = "2025", _("Two-tier (from 01/07/2025)")
        LEGACY = "legacy", _("Three-tier (until 30/06/2025)")

    scope_unit_path = "path"

    code = models.CharField(_("official code"), max_length=10)
    name = models.CharField(_("name"), max_length=150)
    search_name = models.CharField(_("name without diacritics"), max_length=150, db_index=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    era = models.CharField(_("administrative system"), max_length=10, choices=Era.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("tree path"), max_length=120, unique=True, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["era", "level", "code"], name="orgunit_unique_code_per_era_level"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="orgunit_valid_to_after_valid_from",
            ),
            models.CheckConstraint(
                condition=Q(level=0, parent__isnull=True) | Q(level__gt=0, parent__isnull=False),
                name="orgunit_only_nation_has_no_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_filter(cls, grant: Grant, user: Any) -> Q:
        """A grant covers its subtree, plus the legacy units whose territory passed into it.

        A current commune's officer sees the legacy communes it was formed from (and their
        legacy districts); a province officer sees the whole legacy tree of their province.
        """
        own = super().scope_filter(grant, user)
        if grant.unit_path == NATIONAL_ROOT_PATH:
            return own
        passed = OrgUnitSuccession.objects.filter(successor__path__startswith=grant.unit_path)
        legacy_units = Q(pk__in=passed.values("predecessor_id"))
        legacy_districts = Q(
            pk__in=passed.filter(predecessor__level=cls.Level.COMMUNE).values("predecessor__parent_id")
        )
        return own | legacy_units | legacy_districts

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    @property
    def is_legacy(self) -> bool:
        return self.era == self.Era.LEGACY

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def ancestor_paths(self) -> list[str]:
        """Paths of the ancestors, root first."""
        parts = self.path.rstrip("/").split("/")
        return ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]


class OrgUnitSuccession(models.Model):
    """A legacy unit's territory passed (wholly or in part) to a unit of the new tree.

    A unit split across several successors has one row per successor; which successor a
    person's record moves to is a human choice, never inferred.
    """

    predecessor = models.ForeignKey(
        OrgUnit, verbose_name=_("predecessor"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        OrgUnit, verbose_name=_("successor"), on_delete=models.CASCADE, related_name="predecessions"
    )
    effective_date = models.DateField(_("effective date"))
    partial = models.BooleanField(
        _("only part of the territory"),
        default=False,
        help_text=_("The predecessor was split: only part of it passed to this successor."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        ordering = ["predecessor__path", "successor__path"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="orgunitsuccession_unique_pair"),
            models.CheckConstraint(condition=~Q(predecessor=F("successor")), name="orgunitsuccession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
